//! Writing the key check's counts, and reading them back as reports.
use super::repo::{self, By, Narrow};
use super::{charts, DashboardUsage, QuotaLeft, SubscriptionUsage, TopRow, UsageCharts};
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
    let taken = gate.meter.take(crate::db::now());
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

/// Calls per hour over the last 24 hours and per day over the last 30,
/// narrowed as `n` says (its period is set here).
async fn charts(conn: &mut dyn crate::db::Conn, n: Narrow, now: i64) -> Result<UsageCharts, ServiceError> {
    let mut out = UsageCharts::default();
    for (step, count, labels) in [(3600, 24, charts::Labels::Hours), (86_400, 30, charts::Labels::Days)] {
        let from = now - now.rem_euclid(step) - (count as i64 - 1) * step;
        let narrow = Narrow { from, to: now + 1, ..n };
        let (rows, _) = repo::report(conn, By::Time(step / 60), narrow, count as i64 + 1, 0).await?;
        let found: Vec<_> = rows.iter().map(|r| (r.key * 60, r.counts())).collect();
        let chart = charts::bars(charts::fill(from, step, count, &found), labels);
        if step == 3600 {
            out.hourly = chart;
        } else {
            out.daily = chart;
        }
    }
    Ok(out)
}

/// The developer's subscriptions: usage charts, and what the product's
/// limits leave (the quota as the key check sees it on this replica, or as
/// every replica wrote it, whichever is more).
pub async fn mine(state: &AppState, user: crate::users::UserId) -> Result<Vec<SubscriptionUsage>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let now = crate::db::now();
    let mut out = Vec::new();
    for (uid, id, product) in crate::subscriptions::repo::ids_of_user(&mut conn, user).await? {
        let charts = charts(&mut conn, Narrow { subscription: Some(id), ..Default::default() }, now).await?;
        let limits = product.and_then(|p| state.gate.limits_of(p));
        let quota = match limits.and_then(|l| l.quota) {
            Some((calls, period)) => {
                let start = now - now.rem_euclid(period);
                let written = repo::quota_use(&mut conn, start, &[id]).await?.first().map(|r| r.1).unwrap_or(0);
                let here = state.gate.meter.quota_used(id, start).unwrap_or(0);
                Some(QuotaLeft { calls, used: written.max(here), renews_at: start + period })
            }
            None => None,
        };
        out.push(SubscriptionUsage { uid, charts, rate: limits.and_then(|l| l.rate), quota });
    }
    Ok(out)
}

/// The usage charts of one subscription, product, user or API (`kind`).
pub async fn of(
    state: &AppState,
    _: &crate::auth::capability::Admin,
    kind: &str,
    uid: &str,
) -> Result<UsageCharts, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let id = Some(repo::row_id(&mut conn, kind, uid).await?.ok_or(ServiceError::NotFound)?);
    let n = match kind {
        "subscription" => Narrow { subscription: id, ..Default::default() },
        "product" => Narrow { product: id, ..Default::default() },
        "user" => Narrow { user: id, ..Default::default() },
        _ => Narrow { api: id, ..Default::default() },
    };
    charts(&mut conn, n, crate::db::now()).await
}

/// The dashboard: every call over time, and the busiest products and
/// subscriptions of the last 30 days.
pub async fn dashboard(state: &AppState, _: &crate::auth::capability::Admin) -> Result<DashboardUsage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let now = crate::db::now();
    let charts = charts(&mut conn, Narrow::default(), now).await?;
    let month = Narrow { from: now - now.rem_euclid(86_400) - 29 * 86_400, to: now + 1, ..Default::default() };
    let products = repo::report(&mut conn, By::Product, month, 5, 0).await?.0;
    let subs = repo::report(&mut conn, By::Subscription, month, 5, 0).await?.0;
    let mut top_products = Vec::new();
    for r in products {
        let d = repo::describe(&mut conn, "product", r.key).await?;
        top_products.push(TopRow { uid: d.product.unwrap_or_default(), name: d.name, counts: r.counts() });
    }
    let mut top_subscriptions = Vec::new();
    for r in subs {
        let d = repo::describe(&mut conn, "subscription", r.key).await?;
        top_subscriptions.push(TopRow { uid: d.subscription.unwrap_or_default(), name: d.name, counts: r.counts() });
    }
    Ok(DashboardUsage { charts, top_products, top_subscriptions })
}
