//! The retention job: deletes finished records once their period (the
//! `retain_*` settings) has passed. Each domain owns the SQL of its own
//! table (`prune` in its repo); this module only orders the work.
//!
//! Work goes in batches of `BATCH` rows, each its own short write
//! transaction on indexed columns, with a pause between batches, so a writer
//! waiting for the lock waits for one small batch at most, never for a
//! whole clean-up.
use crate::config::Retention;
use crate::db::now;
use crate::error::ServiceError;
use crate::state::AppState;
use crate::users::UserId;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Rows per batch (accounts per batch for unverified sign-ups: each takes
/// its memberships, links and activity entry with it).
const BATCH: i64 = 500;
const ACCOUNT_BATCH: i64 = 50;
/// The pause between two batches, when writers get the lock.
const PAUSE: Duration = Duration::from_millis(20);
/// The first pass runs this soon after start (a server restarted more often
/// than `retention_every_seconds` still cleans up).
const FIRST_PASS_AFTER: Duration = Duration::from_secs(30);

/// What one pass deleted, per kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub links: u64,
    pub reset_requests: u64,
    pub emails: u64,
    pub unverified_signups: u64,
    pub access_tokens: u64,
    pub key_changes: u64,
    pub throttles: u64,
    pub usage: u64,
}

impl Pruned {
    fn total(&self) -> u64 {
        self.sessions
            + self.links
            + self.reset_requests
            + self.emails
            + self.unverified_signups
            + self.access_tokens
            + self.key_changes
            + self.throttles
            + self.usage
    }
}

#[derive(Clone, Copy)]
enum Table {
    Sessions,
    Links,
    ResetRequests,
    Emails,
    AccessTokens,
    KeyChanges,
    Throttles,
    Usage,
}

/// Runs a pass now and then until the server stops.
pub async fn run(state: AppState) {
    let every = Duration::from_secs(state.settings.retention.every_secs);
    tokio::time::sleep(every.min(FIRST_PASS_AFTER)).await;
    while !state.stopping.load(Ordering::Relaxed) {
        // One replica at a time; the others skip this round.
        let lock = match crate::db::job_lock(&state.pool, "retention").await {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::debug!("retention: another replica is running it");
                tokio::time::sleep(every).await;
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "retention: cannot take the job lock");
                tokio::time::sleep(every).await;
                continue;
            }
        };
        let result = pass(&state).await;
        lock.release().await;
        match result {
            Ok(p) if p.total() > 0 => tracing::info!(?p, "retention: deleted finished records"),
            Ok(_) => tracing::debug!("retention: nothing to delete"),
            // Busy or failing: the next pass tries again, nothing is half-done
            // (every batch is its own transaction).
            Err(e) => tracing::warn!(error = %e, "retention pass stopped early"),
        }
        tokio::time::sleep(every).await;
    }
}

/// One pass over every kind of record. Sign-ups go before links: they are
/// found by their expired links.
pub async fn pass(state: &AppState) -> Result<Pruned, ServiceError> {
    let r = state.settings.retention;
    let mut p = Pruned { unverified_signups: unverified_signups(state, &r).await?, ..Pruned::default() };
    p.sessions = batches(state, Table::Sessions).await?;
    p.links = batches(state, Table::Links).await?;
    p.reset_requests = batches(state, Table::ResetRequests).await?;
    p.emails = batches(state, Table::Emails).await?;
    p.access_tokens = batches(state, Table::AccessTokens).await?;
    p.key_changes = batches(state, Table::KeyChanges).await?;
    p.throttles = batches(state, Table::Throttles).await?;
    p.usage = batches(state, Table::Usage).await?;
    Ok(p)
}

/// Deletes one kind of record, batch after batch, until a batch comes back
/// short.
async fn batches(state: &AppState, table: Table) -> Result<u64, ServiceError> {
    let r = state.settings.retention;
    let s = &state.settings;
    let mut total = 0;
    loop {
        if state.stopping.load(Ordering::Relaxed) {
            return Ok(total);
        }
        let t = now();
        let mut tx = state.begin_write().await?;
        let n = match table {
            Table::Sessions => {
                crate::auth::sessions::prune(
                    &mut tx,
                    t - s.session_idle_secs - r.ended_sessions_secs,
                    t - s.session_absolute_secs - r.ended_sessions_secs,
                    BATCH,
                )
                .await?
            }
            Table::Links => crate::links::repo::prune(&mut tx, t - r.links_secs, BATCH).await?,
            Table::ResetRequests => crate::recovery::repo::prune(&mut tx, t - r.reset_requests_secs, BATCH).await?,
            Table::Emails => crate::emails::repo::prune(&mut tx, t - r.emails_secs, BATCH).await?,
            Table::AccessTokens => crate::access_tokens::repo::prune(&mut tx, t - r.dead_tokens_secs, BATCH).await?,
            Table::KeyChanges => crate::gateway::repo::prune(&mut tx, t - r.key_changes_secs, BATCH).await?,
            Table::Throttles => {
                crate::auth::throttle::prune(&mut tx, t - crate::auth::throttle::FORGET_AFTER_SECS, BATCH).await?
            }
            Table::Usage => crate::usage::repo::prune(&mut tx, t - r.usage_secs, BATCH).await?,
        };
        tx.commit().await?;
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
        tokio::time::sleep(PAUSE).await;
    }
}

async fn unverified_signups(state: &AppState, r: &Retention) -> Result<u64, ServiceError> {
    let mut total = 0;
    let mut after = UserId(0);
    loop {
        if state.stopping.load(Ordering::Relaxed) {
            return Ok(total);
        }
        let mut tx = state.begin_write().await?;
        let (n, last) =
            crate::signup::service::prune_unverified(&mut tx, now() - r.unverified_signups_secs, after, ACCOUNT_BATCH)
                .await?;
        tx.commit().await?;
        total += n;
        match last {
            Some(id) => after = id,
            None => return Ok(total),
        }
        tokio::time::sleep(PAUSE).await;
    }
}
