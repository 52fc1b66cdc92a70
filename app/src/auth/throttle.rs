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

    /// Seconds to wait before the next attempt, if any.
    pub fn check(&self, key: &str, now: Instant) -> Option<u64> {
        let map = self.entries.lock().unwrap();
        let e = map.get(key)?;
        (e.locked_until > now).then(|| (e.locked_until - now).as_secs().max(1))
    }

    pub fn fail(&self, key: &str, now: Instant) {
        let mut map = self.entries.lock().unwrap();
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, e| now.duration_since(e.last) < WINDOW || e.locked_until > now);
        }
        let e = map.entry(key.to_string()).or_insert(Entry { failures: 0, last: now, locked_until: now });
        if now.duration_since(e.last) >= WINDOW && e.locked_until <= now {
            e.failures = 0;
        }
        e.failures += 1;
        e.last = now;
        if e.failures >= self.free_attempts {
            let exp = (e.failures - self.free_attempts).min(20);
            let wait = Duration::from_secs(1u64 << exp).min(MAX_WAIT);
            e.locked_until = now + wait;
        }
    }

    pub fn succeed(&self, key: &str) {
        self.entries.lock().unwrap().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_attempts_and_are_capped() {
        let t = Throttle::new(3);
        let now = Instant::now();
        t.fail("a", now);
        t.fail("a", now);
        assert_eq!(t.check("a", now), None);
        t.fail("a", now);
        assert_eq!(t.check("a", now), Some(1));
        t.fail("a", now);
        assert_eq!(t.check("a", now), Some(2));
        for _ in 0..30 {
            t.fail("a", now);
        }
        assert_eq!(t.check("a", now), Some(900));
        assert_eq!(t.check("a", now + Duration::from_secs(901)), None);
        assert_eq!(t.check("b", now), None, "other keys are unaffected");
        t.succeed("a");
        assert_eq!(t.check("a", now), None);
    }
}
