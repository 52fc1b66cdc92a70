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
    // Quota use: this replica's calls since its last flush are added, then
    // every counted subscription reads the total (the other replicas' too).
    let added: Vec<(i64, i64, i64)> = taken.quota.iter().filter(|q| q.2 > 0).copied().collect();
    for part in added.chunks(PER_STATEMENT) {
        let mut tx = state.begin_write().await?;
        repo::add_quota_use(&mut tx, part).await?;
        tx.commit().await?;
        // Written: these calls are in the database now, and leave the local part.
        for (sub, start, n) in part {
            gate.meter.quota_written(*sub, *start, *n);
        }
    }
    let mut by_period: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for (sub, start, _) in &taken.quota {
        by_period.entry(*start).or_default().push(*sub);
    }
    let mut conn = state.pool.acquire().await?;
    for (start, subs) in by_period {
        for chunk in subs.chunks(CHUNK) {
            let used = repo::quota_use(&mut conn, start, chunk).await?;
            let used: std::collections::HashMap<i64, i64> = used.into_iter().collect();
            for sub in chunk {
                gate.meter.set_quota_base(*sub, start, used.get(sub).copied().unwrap_or(0));
            }
        }
    }
    Ok(n)
}

/// At start: every subscription learns its use in its product's current
/// quota period, so a restart does not give a quota back.
pub async fn load_quota_use(state: &AppState) -> Result<(), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let now = crate::db::now();
    let mut periods: Vec<i64> = crate::products::repo::gate_limits(&mut conn)
        .await?
        .into_iter()
        .filter_map(|p| p.quota_period_seconds.filter(|_| p.quota_calls.is_some()))
        .collect();
    periods.sort();
    periods.dedup();
    for period in periods {
        let start = now - now.rem_euclid(period);
        for (sub, used) in repo::quota_use_in(&mut conn, start).await? {
            state.gate.meter.set_quota_base(sub, start, used);
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
