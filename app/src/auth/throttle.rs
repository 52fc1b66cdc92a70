//! Sign-in throttling, keyed on the typed email (whether or not an account
//! exists, so it reveals nothing) and on the client address. A few free
//! failures, then an exponentially growing wait capped at 15 minutes: never a
//! permanent lock-out, which would let anyone lock out a known account.
//! Kept in memory: a restart forgets it, which only ever errs towards the user.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    locked_until: Instant,
}

pub struct Throttle {
    free_attempts: u32,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Throttle {
    pub fn new(free_attempts: u32) -> Self {
        Throttle { free_attempts, entries: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt before its outcome is known, or says how many
    /// seconds to wait. Counting first, under the one lock, is what keeps
    /// parallel attempts from all passing the check before any has failed:
    /// a success hands its count back (`succeed`, `refund`).
    pub fn attempt(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get(key) {
            if e.locked_until > now {
                return Err((e.locked_until - now).as_secs().max(1));
            }
        }
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, e| now.duration_since(e.last) < WINDOW || e.locked_until > now);
        }
        let e = map.entry(key.to_string()).or_insert(Entry { failures: 0, last: now, locked_until: now });
        // Forgotten after a quiet window that starts when the last wait ends,
        // so sitting out the longest wait does not buy free attempts.
        if now.saturating_duration_since(e.locked_until.max(e.last)) >= WINDOW {
            e.failures = 0;
        }
        e.failures += 1;
        e.last = now;
        if e.failures >= self.free_attempts {
            let exp = (e.failures - self.free_attempts).min(20);
            let wait = Duration::from_secs(1u64 << exp).min(MAX_WAIT);
            e.locked_until = now + wait;
        }
        Ok(())
    }

    /// Hands back one attempt's count (a sign-in that succeeded from an
    /// address others share).
    pub fn refund(&self, key: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.failures = e.failures.saturating_sub(1);
            if e.failures < self.free_attempts {
                e.locked_until = e.last;
            }
        }
    }

    pub fn succeed(&self, key: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_attempts_and_are_capped() {
        let t = Throttle::new(3);
        let now = Instant::now();
        assert_eq!(t.attempt("a", now), Ok(()));
        assert_eq!(t.attempt("a", now), Ok(()));
        assert_eq!(t.attempt("a", now), Ok(()), "the third is still free");
        assert_eq!(t.attempt("a", now), Err(1), "counted before its outcome: the next one waits");
        assert_eq!(t.attempt("a", now + Duration::from_secs(1)), Ok(()));
        assert_eq!(t.attempt("a", now + Duration::from_secs(1)), Err(2));
        let mut at = now + Duration::from_secs(1);
        for _ in 0..30 {
            if let Err(wait) = t.attempt("a", at) {
                at += Duration::from_secs(wait);
            }
        }
        assert_eq!(t.attempt("a", at), Err(900), "capped at 15 minutes");
        let later = at + Duration::from_secs(900);
        assert_eq!(t.attempt("a", later), Ok(()), "one attempt after the wait");
        assert_eq!(t.attempt("a", later), Err(900), "but the count is not forgotten");
        let quiet = later + Duration::from_secs(900 + 15 * 60);
        assert_eq!(t.attempt("a", quiet), Ok(()), "15 quiet minutes after the wait forget it");
        assert_eq!(t.attempt("a", quiet), Ok(()));
        assert_eq!(t.attempt("b", now), Ok(()), "other keys are unaffected");
        t.succeed("a");
        assert_eq!(t.attempt("a", at), Ok(()));
    }

    #[test]
    fn a_refund_gives_back_one_attempt() {
        let t = Throttle::new(2);
        let now = Instant::now();
        t.attempt("ip", now).unwrap();
        t.attempt("ip", now).unwrap();
        t.refund("ip");
        assert_eq!(t.attempt("ip", now), Ok(()), "the refunded attempt is free again");
        assert_eq!(t.attempt("ip", now), Err(1));
    }
}
