//! Writing the key check's counts, and reading them back as reports.
use super::repo::{self, By, Narrow};
use crate::error::ServiceError;
use crate::gateway::Gate;
use crate::state::AppState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Rows per write transaction, and per statement (11 parameters a row
/// stays under SQLite's 32,766).
const CHUNK: usize = 2000;
const PER_STATEMENT: usize = 200;

/// Writes the counts every `usage_flush_millis` until the server stops,
/// and once more then. Counts that cannot be written stay in memory for
/// the next round; a crash loses at most one interval's.
pub async fn flush_loop(state: AppState, stopping: Arc<AtomicBool>) {
    let every = Duration::from_millis(state.settings.usage_flush_millis);
    while !stopping.load(Ordering::Relaxed) {
        tokio::time::sleep(every).await;
        if let Err(e) = flush(&state).await {
            tracing::warn!(error = %e, "cannot write call counts; they are kept for the next try");
        }
    }
}

/// One round: writes what the meter counted, then reads every counted
/// subscription's quota use back (this replica's and the others').
pub async fn flush(state: &AppState) -> Result<usize, ServiceError> {
    let gate: &Gate = &state.gate;
    let taken = gate.meter.take();
    let n = taken.cells.len();
    let mut written = 0;
    let mut result = Ok(());
    for chunk in taken.cells.chunks(CHUNK) {
        let wrote = async {
            let mut tx = state.begin_write().await?;
            for part in chunk.chunks(PER_STATEMENT) {
                let rows: Vec<repo::Minute<'_>> = part
                    .iter()
                    .map(|(key, c)| repo::Minute { key: *key, product: c.product, user: c.user, counts: &c.counts })
                    .collect();
                repo::add(&mut tx, &rows).await?;
            }
            tx.commit().await?;
            Ok::<_, ServiceError>(())
        };
        match wrote.await {
            Ok(()) => written += chunk.len(),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    if written < n {
        gate.meter.put_back(taken.cells[written..].to_vec());
    }
    result?;
    // Quota use, grouped by period start (one query per period).
    let mut by_period: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
    for (sub, start, local) in taken.quota {
        by_period.entry(start).or_default().push((sub, local));
    }
    let mut conn = state.pool.acquire().await?;
    for (start, subs) in by_period {
        let ids: Vec<i64> = subs.iter().map(|(s, _)| *s).collect();
        for chunk in ids.chunks(CHUNK) {
            let used = repo::allowed_since(&mut conn, chunk, start.div_euclid(60)).await?;
            for sub in chunk {
                let in_db = used.iter().find(|(s, _)| s == sub).map(|(_, n)| *n).unwrap_or(0);
                let local = subs.iter().find(|(s, _)| s == sub).map(|(_, n)| *n).unwrap_or(0);
                gate.meter.set_quota_use(*sub, start, in_db, local);
            }
        }
    }
    Ok(n)
}

/// At start: every subscription of a product with a quota learns its use
/// in the current period, so a restart does not give the quota back.
pub async fn load_quota_use(state: &AppState) -> Result<(), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let now = crate::db::now();
    for p in crate::products::repo::gate_limits(&mut conn).await? {
        let Some(period) = p.quota_period_seconds.filter(|_| p.quota_calls.is_some()) else { continue };
        let start = now - now.rem_euclid(period);
        let subs = repo::subscriptions_of_product(&mut conn, p.id).await?;
        for chunk in subs.chunks(CHUNK) {
            let used = repo::allowed_since(&mut conn, chunk, start.div_euclid(60)).await?;
            for sub in chunk {
                let in_db = used.iter().find(|(s, _)| s == sub).map(|(_, n)| *n).unwrap_or(0);
                state.gate.meter.set_quota_use(*sub, start, in_db, 0);
            }
        }
    }
    Ok(())
}

/// A report's rows: the group's row id (0: none) and counts.
pub async fn report(
    state: &AppState,
    _: &crate::auth::capability::Admin,
    by: By,
    narrow: Narrow,
    limit: i64,
    offset: i64,
) -> Result<(Vec<repo::ReportRow>, i64), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(repo::report(&mut conn, by, narrow, limit, offset).await?)
}
