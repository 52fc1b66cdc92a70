//! Sign-in throttling, keyed on the typed email (whether or not an account
//! exists, so it reveals nothing) and on the client address. A few free
//! failures, then an exponentially growing wait capped at 15 minutes: never a
//! permanent lock-out, which would let anyone lock out a known account.
//! Kept in the database (table `throttles`, keys hashed), so that replicas
//! behind one load balancer count the same attempts.
use crate::db::{query, query_as, Backend, Conn};
use crate::state::AppState;

// Times are in milliseconds: a one-second wait must not shrink to nothing
// at the turn of a second.
const WINDOW_MS: i64 = 15 * 60 * 1000;
const MAX_WAIT_MS: i64 = 15 * 60 * 1000;

/// The application's clock (`db::now`, with its test offset) in milliseconds.
/// One reading of the clock: seconds and milliseconds read apart could step
/// back a whole second at the turn of one.
fn now_ms() -> i64 {
    let system =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    system + crate::db::clock_offset_secs() * 1000
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
struct Entry {
    failures: i64,
    last_at: i64,
    locked_until: i64,
}

/// One attempt at `now` (ms) on the stored entry: the entry to store, or
/// the seconds to wait (the attempt is then not counted).
fn step(e: Entry, now: i64, free: i64) -> Result<Entry, u64> {
    if e.locked_until > now {
        return Err(((e.locked_until - now + 999) / 1000).max(1) as u64);
    }
    let mut e = e;
    // Forgotten after a quiet window that starts when the last wait ends,
    // so sitting out the longest wait does not buy free attempts.
    if now - e.locked_until.max(e.last_at) >= WINDOW_MS {
        e.failures = 0;
    }
    e.failures += 1;
    e.last_at = now;
    if e.failures >= free {
        let exp = (e.failures - free).min(20);
        e.locked_until = now + (1000i64 << exp).min(MAX_WAIT_MS);
    }
    Ok(e)
}

/// The entry with one attempt handed back.
fn refunded(mut e: Entry, free: i64) -> Entry {
    e.failures = (e.failures - 1).max(0);
    if e.failures < free {
        e.locked_until = e.last_at;
    }
    e
}

/// One kind of throttle: its name in the table and its free attempts.
pub struct Throttle {
    scope: &'static str,
    free_attempts: i64,
}

impl Throttle {
    pub const fn new(scope: &'static str, free_attempts: u32) -> Self {
        Throttle { scope, free_attempts: free_attempts as i64 }
    }

    fn key_hash(&self, key: &str) -> Vec<u8> {
        super::tokens::hash_token(&format!("{} {key}", self.scope))
    }

    async fn load(&self, conn: &mut dyn Conn, hash: &[u8]) -> Result<Entry, sqlx::Error> {
        // The row exists before it is read, so that PostgreSQL can lock it:
        // two replicas counting the same key take turns. A new row is never
        // locked: parallel attempts read the clock before they take turns, so
        // one that read it a little earlier must not find a wait of 1 ms.
        query(
            "INSERT INTO throttles (scope, key_hash, failures, last_at, locked_until) VALUES (?, ?, 0, 0, 0)
             ON CONFLICT DO NOTHING",
        )
        .bind(self.scope)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
        let lock = if conn.backend() == Backend::Postgres { "FOR UPDATE" } else { "" };
        query_as(&format!(
            "SELECT failures, last_at, locked_until FROM throttles WHERE scope = ? AND key_hash = ? {lock}"
        ))
        .bind(self.scope)
        .bind(hash)
        .fetch_one(conn)
        .await
    }

    async fn store(&self, conn: &mut dyn Conn, hash: &[u8], e: Entry) -> Result<(), sqlx::Error> {
        query("UPDATE throttles SET failures = ?, last_at = ?, locked_until = ? WHERE scope = ? AND key_hash = ?")
            .bind(e.failures)
            .bind(e.last_at)
            .bind(e.locked_until)
            .bind(self.scope)
            .bind(hash)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Hands back one attempt's count (a sign-in that succeeded from an
    /// address others share), in the caller's write transaction.
    pub async fn refund(&self, conn: &mut dyn Conn, key: &str) -> Result<(), sqlx::Error> {
        let hash = self.key_hash(key);
        let e = self.load(&mut *conn, &hash).await?;
        self.store(conn, &hash, refunded(e, self.free_attempts)).await
    }

    /// Forgets the key (a successful sign-in with this email), in the
    /// caller's write transaction.
    pub async fn succeed(&self, conn: &mut dyn Conn, key: &str) -> Result<(), sqlx::Error> {
        query("DELETE FROM throttles WHERE scope = ? AND key_hash = ?")
            .bind(self.scope)
            .bind(self.key_hash(key))
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Counts one attempt against each (throttle, key), in one transaction,
/// before its outcome is known, or says how many seconds to wait (the
/// longest). Counting first is what keeps parallel attempts from all
/// passing the check before any has failed: a success hands its count back.
pub async fn attempt(state: &AppState, keys: &[(&Throttle, &str)]) -> Result<Option<u64>, sqlx::Error> {
    attempt_at(state, keys, now_ms()).await
}

/// [`attempt`] at a given time (ms): parallel attempts read the clock before
/// they take turns on the row, so a later turn may carry an earlier time.
pub async fn attempt_at(state: &AppState, keys: &[(&Throttle, &str)], now: i64) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = state.begin_write().await?;
    let mut wait = None;
    for (t, key) in keys {
        let hash = t.key_hash(key);
        let e = t.load(&mut tx, &hash).await?;
        match step(e, now, t.free_attempts) {
            Ok(next) => t.store(&mut tx, &hash, next).await?,
            Err(secs) => wait = wait.max(Some(secs)),
        }
    }
    tx.commit().await?;
    Ok(wait)
}

/// Retention: deletes up to `batch` entries untouched since `before` (unix
/// seconds) and not waiting (they would be forgotten at their next attempt
/// anyway).
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let before = before * 1000;
    let done = query(
        "DELETE FROM throttles WHERE (scope, key_hash) IN
             (SELECT scope, key_hash FROM throttles WHERE last_at < ?1 AND locked_until < ?1 LIMIT ?2)",
    )
    .bind(before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// How long an entry must be quiet before retention deletes it.
pub const FORGET_AFTER_SECS: i64 = WINDOW_MS / 1000;

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs attempts through `step` on one entry, as the database would.
    struct Sim {
        e: Entry,
        free: i64,
    }

    impl Sim {
        fn new(free: i64) -> Self {
            Sim { e: Entry { failures: 0, last_at: 0, locked_until: 0 }, free }
        }
        fn attempt(&mut self, now: i64) -> Result<(), u64> {
            self.e = step(self.e, now, self.free)?;
            Ok(())
        }
    }

    #[test]
    fn waits_grow_after_the_free_attempts_and_are_capped() {
        let mut t = Sim::new(3);
        let now = 1_000_000_000;
        assert_eq!(t.attempt(now), Ok(()));
        assert_eq!(t.attempt(now), Ok(()));
        assert_eq!(t.attempt(now), Ok(()), "the third is still free");
        assert_eq!(t.attempt(now), Err(1), "counted before its outcome: the next one waits");
        assert_eq!(t.attempt(now + 999), Err(1), "a wait is told in whole seconds, rounded up");
        assert_eq!(t.attempt(now + 1000), Ok(()));
        assert_eq!(t.attempt(now + 1000), Err(2));
        let mut at = now + 1000;
        for _ in 0..30 {
            if let Err(wait) = t.attempt(at) {
                at += wait as i64 * 1000;
            }
        }
        assert_eq!(t.attempt(at), Err(900), "capped at 15 minutes");
        let later = at + 900_000;
        assert_eq!(t.attempt(later), Ok(()), "one attempt after the wait");
        assert_eq!(t.attempt(later), Err(900), "but the count is not forgotten");
        let quiet = later + 900_000 + 15 * 60 * 1000;
        assert_eq!(t.attempt(quiet), Ok(()), "15 quiet minutes after the wait forget it");
        assert_eq!(t.attempt(quiet), Ok(()));
    }

    #[test]
    fn a_refund_gives_back_one_attempt() {
        let mut t = Sim::new(2);
        let now = 1_000_000_000;
        t.attempt(now).unwrap();
        t.attempt(now).unwrap();
        t.e = refunded(t.e, t.free);
        assert_eq!(t.attempt(now), Ok(()), "the refunded attempt is free again");
        assert_eq!(t.attempt(now), Err(1));
    }
}
