//! Every SQL statement on `usage` lives here.
use super::CallCounts;
use crate::db::Conn;

/// One minute of one subscription's calls to one API, as written.
pub struct Minute<'a> {
    pub key: (i64, i64, i64),
    pub product: i64,
    pub user: i64,
    pub counts: &'a crate::gateway::meter::Counts,
}

/// Adds minutes' counts, many rows per statement (several replicas add up).
pub async fn add(conn: &mut dyn Conn, rows: &[Minute<'_>]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
    let sql = format!(
        "INSERT INTO usage (subscription_id, api_id, minute, product_id, user_id, allowed, unauthenticated,
                            forbidden, rate_limited, quota_exceeded, other)
         VALUES {values}
         ON CONFLICT (subscription_id, api_id, minute) DO UPDATE SET
             allowed = usage.allowed + excluded.allowed,
             unauthenticated = usage.unauthenticated + excluded.unauthenticated,
             forbidden = usage.forbidden + excluded.forbidden,
             rate_limited = usage.rate_limited + excluded.rate_limited,
             quota_exceeded = usage.quota_exceeded + excluded.quota_exceeded,
             other = usage.other + excluded.other"
    );
    let mut q = crate::db::query(&sql);
    for r in rows {
        let c = r.counts;
        q = q
            .bind(r.key.0)
            .bind(r.key.1)
            .bind(r.key.2)
            .bind(r.product)
            .bind(r.user)
            .bind(c.allowed)
            .bind(c.unauthenticated)
            .bind(c.forbidden)
            .bind(c.rate_limited)
            .bind(c.quota_exceeded)
            .bind(c.other);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Adds calls to subscriptions' quota use in a period: (subscription,
/// period start, calls).
pub async fn add_quota_use(conn: &mut dyn Conn, rows: &[(i64, i64, i64)]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let values = vec!["(?, ?, ?)"; rows.len()].join(", ");
    let sql = format!(
        "INSERT INTO quota_use (subscription_id, period_start, used) VALUES {values}
         ON CONFLICT (subscription_id, period_start) DO UPDATE SET used = quota_use.used + excluded.used"
    );
    let mut q = crate::db::query(&sql);
    for (sub, start, n) in rows {
        q = q.bind(*sub).bind(*start).bind(*n);
    }
    q.execute(conn).await?;
    Ok(())
}

/// The quota use of `subs` in the period starting at `start` (those with none are left out).
pub async fn quota_use(conn: &mut dyn Conn, start: i64, subs: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    if subs.is_empty() {
        return Ok(vec![]);
    }
    let marks = vec!["?"; subs.len()].join(", ");
    let sql =
        format!("SELECT subscription_id, used FROM quota_use WHERE period_start = ? AND subscription_id IN ({marks})");
    let mut q = crate::db::query_as(&sql).bind(start);
    for s in subs {
        q = q.bind(*s);
    }
    q.fetch_all(conn).await
}

/// Every subscription's quota use in the period starting at `start`.
pub async fn quota_use_in(conn: &mut dyn Conn, start: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    crate::db::query_as("SELECT subscription_id, used FROM quota_use WHERE period_start = ?")
        .bind(start)
        .fetch_all(conn)
        .await
}

/// What a report is grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Subscription,
    Product,
    User,
    Api,
    /// Buckets of this many minutes.
    Time(i64),
}

/// A report's filter: the period (Unix seconds, `to` exclusive) and the
/// row ids it is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Narrow {
    pub from: i64,
    pub to: i64,
    pub subscription: Option<i64>,
    pub product: Option<i64>,
    pub user: Option<i64>,
    pub api: Option<i64>,
}

/// One report row: the group's row id (or the bucket's start minute) and counts.
#[derive(sqlx::FromRow, Debug)]
pub struct ReportRow {
    pub key: i64,
    pub success: i64,
    pub blocked: i64,
    pub other: i64,
}

impl ReportRow {
    pub fn counts(&self) -> CallCounts {
        CallCounts { success: self.success, blocked: self.blocked, failed: 0, other: self.other }
    }
}

/// Sums per group over the period, busiest first (by time: in time order).
pub async fn report(
    conn: &mut dyn Conn,
    by: By,
    n: Narrow,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ReportRow>, i64), sqlx::Error> {
    let key = match by {
        By::Subscription => "subscription_id".to_string(),
        By::Product => "product_id".to_string(),
        By::User => "user_id".to_string(),
        By::Api => "api_id".to_string(),
        By::Time(m) => format!("(minute - minute % {m})"),
    };
    // Calls with no subscription (unknown keys) have no owner or product:
    // left out of the reports by them, kept in those by API and time.
    let known = match by {
        By::Subscription | By::Product | By::User => format!(" AND {key} <> 0"),
        _ => String::new(),
    };
    let cond = format!(
        "minute >= ? AND minute < ?{known}
         AND (CAST(? AS BIGINT) IS NULL OR subscription_id = ?) AND (CAST(? AS BIGINT) IS NULL OR product_id = ?)
         AND (CAST(? AS BIGINT) IS NULL OR user_id = ?) AND (CAST(? AS BIGINT) IS NULL OR api_id = ?)"
    );
    // Output names alone may be ordered by on PostgreSQL, not expressions of them.
    let order = if matches!(by, By::Time(_)) {
        "key"
    } else {
        "SUM(allowed + unauthenticated + forbidden + rate_limited + quota_exceeded + other) DESC, key"
    };
    let sql = format!(
        "SELECT {key} AS key, CAST(SUM(allowed) AS BIGINT) AS success,
                CAST(SUM(unauthenticated + forbidden + rate_limited + quota_exceeded) AS BIGINT) AS blocked,
                CAST(SUM(other) AS BIGINT) AS other
         FROM usage WHERE {cond} GROUP BY {key} ORDER BY {order} LIMIT ? OFFSET ?"
    );
    // The same arguments, in order, for the page and for the count.
    let args = || {
        let to = n.to.div_euclid(60) + i64::from(n.to.rem_euclid(60) != 0);
        [
            Some(n.from.div_euclid(60)),
            Some(to),
            n.subscription,
            n.subscription,
            n.product,
            n.product,
            n.user,
            n.user,
            n.api,
            n.api,
        ]
        .map(crate::db::Arg::I64)
    };
    let mut q = crate::db::query_as(&sql);
    for a in args() {
        q = q.bind_arg(a);
    }
    let rows = q.bind(limit).bind(offset).fetch_all(&mut *conn).await?;
    let count_sql = format!("SELECT COUNT(*) FROM (SELECT {key} FROM usage WHERE {cond} GROUP BY {key}) g");
    let mut q = crate::db::query_scalar(&count_sql);
    for a in args() {
        q = q.bind_arg(a);
    }
    let total: i64 = q.fetch_one(conn).await?;
    Ok((rows, total))
}

/// Retention: deletes up to `batch` rows of minutes, and of quota periods,
/// that began before `before` (Unix seconds).
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let periods = crate::db::query(
        "DELETE FROM quota_use WHERE (subscription_id, period_start) IN
             (SELECT subscription_id, period_start FROM quota_use WHERE period_start < ? ORDER BY period_start LIMIT ?)",
    )
    .bind(before)
    .bind(batch)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let done = crate::db::query(
        "DELETE FROM usage WHERE (subscription_id, api_id, minute) IN
             (SELECT subscription_id, api_id, minute FROM usage WHERE minute < ? ORDER BY minute LIMIT ?)",
    )
    .bind(before.div_euclid(60))
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() + periods)
}

/// The row id of a subscription, product, user or API by its uid.
pub async fn row_id(conn: &mut dyn Conn, kind: &str, uid: &str) -> Result<Option<i64>, sqlx::Error> {
    let table = match kind {
        "subscription" => "subscriptions",
        "product" => "products",
        "user" => "users",
        _ => "apis",
    };
    crate::db::query_scalar(&format!("SELECT id FROM {table} WHERE uid = ?")).bind(uid).fetch_optional(conn).await
}

/// What a report row names: its display name and the uids APIM's record
/// carries (a subscription's owner and product too). Empty when it was deleted.
#[derive(Debug, Default)]
pub struct Described {
    pub name: String,
    pub subscription: Option<String>,
    pub product: Option<String>,
    pub user: Option<String>,
    pub api: Option<String>,
}

pub async fn describe(conn: &mut dyn Conn, kind: &str, id: i64) -> Result<Described, sqlx::Error> {
    let mut d = Described::default();
    match kind {
        "subscription" => {
            let row: Option<(String, String, String, Option<String>)> = crate::db::query_as(
                "SELECT s.uid, s.display_name, u.uid, p.uid FROM subscriptions s JOIN users u ON u.id = s.user_id
                 LEFT JOIN products p ON p.id = s.product_id WHERE s.id = ?",
            )
            .bind(id)
            .fetch_optional(conn)
            .await?;
            if let Some((uid, name, user, product)) = row {
                (d.name, d.subscription, d.user, d.product) = (name, Some(uid), Some(user), product);
            }
        }
        "product" | "api" => {
            let table = if kind == "product" { "products" } else { "apis" };
            let row: Option<(String, String)> =
                crate::db::query_as(&format!("SELECT uid, name FROM {table} WHERE id = ?"))
                    .bind(id)
                    .fetch_optional(conn)
                    .await?;
            if let Some((uid, name)) = row {
                d.name = name;
                if kind == "product" {
                    d.product = Some(uid);
                } else {
                    d.api = Some(uid);
                }
            }
        }
        _ => {
            let row: Option<(String, String, String)> =
                crate::db::query_as("SELECT uid, first_name, last_name FROM users WHERE id = ?")
                    .bind(id)
                    .fetch_optional(conn)
                    .await?;
            if let Some((uid, first, last)) = row {
                d.name = format!("{first} {last}");
                d.user = Some(uid);
            }
        }
    }
    Ok(d)
}
