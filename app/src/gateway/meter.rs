//! Counting calls and keeping products' limits, on the key check's path:
//! one short lock of one of 16 shards per check, no allocation once a
//! subscription's cell for the minute exists, and never a database write.
//! A background task (`usage::flush`) takes the counts every few seconds and
//! adds them to the `usage` table; it also brings back every subscription's
//! quota use from the database, which is how replicas share quota counts.
//!
//! Rate limits count per replica, in fixed windows aligned to the Unix epoch,
//! as APIM's rate-limit-by-key counts per gateway instance. Quotas count in
//! the database: what every replica had written at its last flush, plus
//! this replica's calls since its own.
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

/// A fast hash for maps whose keys the server makes (row ids, minutes, the
/// administrators' API paths): attacker-chosen input is only ever looked
/// up, never inserted, so a keyed hash buys nothing here (FxHash's mixing).
#[derive(Default)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

const SHARDS: usize = 16;

/// How the check answered, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Unauthenticated,
    Forbidden,
    RateLimited,
    QuotaExceeded,
    /// No API at the path, or the index could not answer (503).
    Other,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub allowed: i64,
    pub unauthenticated: i64,
    pub forbidden: i64,
    pub rate_limited: i64,
    pub quota_exceeded: i64,
    pub other: i64,
}

impl Counts {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Allowed => self.allowed += 1,
            Outcome::Unauthenticated => self.unauthenticated += 1,
            Outcome::Forbidden => self.forbidden += 1,
            Outcome::RateLimited => self.rate_limited += 1,
            Outcome::QuotaExceeded => self.quota_exceeded += 1,
            Outcome::Other => self.other += 1,
        }
    }

    fn merge(&mut self, c: &Counts) {
        self.allowed += c.allowed;
        self.unauthenticated += c.unauthenticated;
        self.forbidden += c.forbidden;
        self.rate_limited += c.rate_limited;
        self.quota_exceeded += c.quota_exceeded;
        self.other += c.other;
    }
}

/// Who a check was for: 0 where there is none (an unknown key, no path, a
/// subscription not scoped to a product).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tally {
    pub subscription: i64,
    pub api: i64,
    pub product: i64,
    pub user: i64,
}

/// A product's limits per subscription.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// (calls, seconds)
    pub rate: Option<(i64, i64)>,
    /// (calls, renewal period in seconds)
    pub quota: Option<(i64, i64)>,
}

/// What is left after an allowed call: (calls, seconds until renewal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Remaining {
    pub rate: Option<(i64, i64)>,
    pub quota: Option<(i64, i64)>,
}

/// Why a call over a limit was refused, and when to try again (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Rate { retry_after: i64 },
    Quota { retry_after: i64 },
}

/// One minute of one subscription's calls to one API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub product: i64,
    pub user: i64,
    pub counts: Counts,
}

#[derive(Debug, Default)]
struct Window {
    rate_start: i64,
    rate_used: i64,
    quota_start: i64,
    /// The period's use in the database as of the last flush (every replica's).
    quota_base: i64,
    /// This replica's allowed calls in the period not yet in `quota_base`.
    quota_local: i64,
    /// When the later of its windows ends: after that, with nothing left to
    /// write, it is forgotten (a subscription that stopped calling, or was
    /// deleted, does not hold memory for ever).
    ends: i64,
}

#[derive(Default)]
struct Shard {
    cells: FastMap<(i64, i64, i64), Cell>,
    windows: FastMap<i64, Window>,
}

pub struct Meter {
    shards: Vec<Mutex<Shard>>,
}

/// Counts taken for writing, and the quota calls they carry per subscription.
pub struct Taken {
    pub cells: Vec<((i64, i64, i64), Cell)>,
    /// (subscription, quota period start, calls)
    pub quota: Vec<(i64, i64, i64)>,
}

fn start_of(now: i64, period: i64) -> i64 {
    now - now.rem_euclid(period)
}

impl Default for Meter {
    fn default() -> Self {
        Meter { shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect() }
    }
}

impl Meter {
    fn shard(&self, sub: i64) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[sub.rem_euclid(SHARDS as i64) as usize].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a call the check answered without applying limits.
    pub fn count(&self, t: Tally, outcome: Outcome, now: i64) {
        let mut s = self.shard(t.subscription);
        bump(&mut s, t, outcome, now);
    }

    /// Applies the limits to a call the key allows, and counts it: allowed
    /// (and within the limits) or refused by the limit it is over.
    pub fn admit(&self, t: Tally, limits: Limits, now: i64) -> Result<Remaining, Refusal> {
        let mut s = self.shard(t.subscription);
        let w = s.windows.entry(t.subscription).or_default();
        let mut left = Remaining::default();
        let mut refused = None;
        if let Some((calls, secs)) = limits.rate {
            let start = start_of(now, secs);
            if w.rate_start != start {
                w.rate_start = start;
                w.rate_used = 0;
            }
            let reset = start + secs - now;
            w.ends = w.ends.max(start + secs);
            if w.rate_used >= calls {
                refused = Some(Refusal::Rate { retry_after: reset.max(1) });
            } else {
                left.rate = Some((calls - w.rate_used - 1, reset));
            }
        }
        if let Some((calls, period)) = limits.quota {
            let start = start_of(now, period);
            if w.quota_start != start {
                w.quota_start = start;
                w.quota_base = 0;
                w.quota_local = 0;
            }
            let used = w.quota_base + w.quota_local;
            let reset = start + period - now;
            w.ends = w.ends.max(start + period);
            if used >= calls {
                // The quota says when it renews; it outranks a rate window.
                refused = Some(Refusal::Quota { retry_after: reset.max(1) });
            } else {
                left.quota = Some((calls - used - 1, reset));
            }
        }
        match refused {
            Some(r) => {
                let o = match r {
                    Refusal::Rate { .. } => Outcome::RateLimited,
                    Refusal::Quota { .. } => Outcome::QuotaExceeded,
                };
                bump(&mut s, t, o, now);
                Err(r)
            }
            None => {
                if limits.rate.is_some() {
                    w.rate_used += 1;
                }
                if limits.quota.is_some() {
                    w.quota_local += 1;
                }
                bump(&mut s, t, Outcome::Allowed, now);
                Ok(left)
            }
        }
    }

    /// Takes every count for writing, and forgets the limit windows that
    /// ended before `now` with nothing left to write.
    pub fn take(&self, now: i64) -> Taken {
        let mut taken = Taken { cells: Vec::new(), quota: Vec::new() };
        for shard in &self.shards {
            let mut s = shard.lock().unwrap_or_else(|e| e.into_inner());
            // Drained, not swapped for a new map: the map keeps its size, so
            // the checks after a flush do not grow it again from nothing.
            taken.cells.extend(s.cells.drain());
            s.windows.retain(|_, w| w.ends > now || w.quota_local != 0);
            for (sub, w) in &s.windows {
                if w.quota_start != 0 {
                    taken.quota.push((*sub, w.quota_start, w.quota_local));
                }
            }
        }
        taken
    }

    /// Counts that could not be written go back, to be written next time.
    pub fn put_back(&self, cells: Vec<((i64, i64, i64), Cell)>) {
        for (k, c) in cells {
            let mut s = self.shard(k.0);
            s.cells.entry(k).and_modify(|e| e.counts.merge(&c.counts)).or_insert(c);
        }
    }

    /// `calls` of this replica's quota use were added to the database.
    pub fn quota_written(&self, sub: i64, period_start: i64, calls: i64) {
        let mut s = self.shard(sub);
        if let Some(w) = s.windows.get_mut(&sub).filter(|w| w.quota_start == period_start) {
            w.quota_local = (w.quota_local - calls).max(0);
            // Until the next read, the base has them.
            w.quota_base += calls;
        }
    }

    /// The period's use in the database (every replica's written calls).
    pub fn set_quota_base(&self, sub: i64, period_start: i64, in_db: i64) {
        let mut s = self.shard(sub);
        let w = s.windows.entry(sub).or_default();
        if w.quota_start == 0 {
            w.quota_start = period_start;
        }
        if w.quota_start == period_start {
            w.quota_base = in_db;
        }
    }

    /// The quota use a subscription's next call sees (for the pages).
    pub fn quota_used(&self, sub: i64, period_start: i64) -> Option<i64> {
        let s = self.shard(sub);
        s.windows.get(&sub).filter(|w| w.quota_start == period_start).map(|w| w.quota_base + w.quota_local)
    }
}

fn bump(s: &mut Shard, t: Tally, o: Outcome, now: i64) {
    let key = (t.subscription, t.api, now.div_euclid(60));
    s.cells.entry(key).or_insert(Cell { product: t.product, user: t.user, counts: Counts::default() }).counts.add(o);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(sub: i64) -> Tally {
        Tally { subscription: sub, api: 1, product: 2, user: 3 }
    }

    #[test]
    fn a_rate_window_refuses_past_its_calls_and_renews() {
        let m = Meter::default();
        let l = Limits { rate: Some((2, 10)), quota: None };
        assert_eq!(m.admit(t(1), l, 100).unwrap().rate, Some((1, 10)));
        assert_eq!(m.admit(t(1), l, 105).unwrap().rate, Some((0, 5)));
        assert_eq!(m.admit(t(1), l, 109), Err(Refusal::Rate { retry_after: 1 }));
        assert!(m.admit(t(2), l, 109).is_ok(), "per subscription");
        assert!(m.admit(t(1), l, 110).is_ok(), "the next window");
        let taken = m.take(110);
        let c: Counts = taken.cells.iter().filter(|(k, _)| k.0 == 1).fold(Counts::default(), |mut a, (_, c)| {
            a.merge(&c.counts);
            a
        });
        assert_eq!((c.allowed, c.rate_limited), (3, 1));
        assert!(m.take(110).cells.is_empty(), "taken once");
    }

    #[test]
    fn a_quota_adds_the_database_to_local_calls() {
        let m = Meter::default();
        let l = Limits { rate: None, quota: Some((5, 60)) };
        m.set_quota_base(7, 120, 3);
        assert_eq!(m.admit(t(7), l, 130).unwrap().quota, Some((1, 50)));
        assert_eq!(m.admit(t(7), l, 131).unwrap().quota, Some((0, 49)));
        assert_eq!(m.admit(t(7), l, 132), Err(Refusal::Quota { retry_after: 48 }));
        // A flush writes the two calls; another replica wrote one more.
        let taken = m.take(132);
        assert_eq!(taken.quota, vec![(7, 120, 2)]);
        m.quota_written(7, 120, 2);
        assert_eq!(m.quota_used(7, 120), Some(5));
        m.set_quota_base(7, 120, 6);
        assert_eq!(m.quota_used(7, 120), Some(6));
        assert!(m.admit(t(7), l, 180).is_ok(), "a new period");
    }

    #[test]
    fn windows_are_forgotten_once_they_end_with_nothing_to_write() {
        let m = Meter::default();
        let windows = |m: &Meter| m.shards.iter().map(|s| s.lock().unwrap().windows.len()).sum::<usize>();
        m.admit(t(1), Limits { rate: Some((5, 10)), quota: None }, 100).unwrap();
        m.admit(t(2), Limits { rate: Some((5, 10)), quota: Some((50, 60)) }, 100).unwrap();
        m.take(105);
        assert_eq!(windows(&m), 2, "still running");
        m.take(110);
        assert_eq!(windows(&m), 1, "the rate window ended");
        let taken = m.take(125);
        assert_eq!(taken.quota, vec![(2, 60, 1)], "the quota call is still to be written");
        assert_eq!(windows(&m), 1, "kept until it is");
        m.quota_written(2, 60, 1);
        m.take(125);
        assert_eq!(windows(&m), 0);
    }
}
