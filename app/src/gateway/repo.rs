//! The key change log's SQL (migration 0008): the triggers write it, the key
//! index reads it.
use crate::db::Conn;

/// One entry: re-read this account, subscription or product.
#[derive(sqlx::FromRow, Debug)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub entity: i64,
}

/// The sequence number of the newest change.
pub async fn head(conn: &mut dyn Conn) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT seq FROM key_log_head WHERE id = 1").fetch_one(conn).await
}

/// Changes after `seq`, oldest first.
pub async fn since(conn: &mut dyn Conn, seq: i64, limit: i64) -> Result<Vec<Change>, sqlx::Error> {
    crate::db::query_as("SELECT seq, kind, entity FROM key_changes WHERE seq > ? ORDER BY seq LIMIT ?")
        .bind(seq)
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// Retention: deletes up to `batch` of the oldest changes made before
/// `before`, never the newest one: a follower further behind then sees a gap
/// and reloads the whole index (an empty log would tell it nothing).
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "DELETE FROM key_changes WHERE seq IN (SELECT seq FROM key_changes
         WHERE at < ? AND seq < (SELECT seq FROM key_log_head WHERE id = 1) ORDER BY seq LIMIT ?)",
    )
    .bind(before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The database's clock in milliseconds (PostgreSQL): leases are measured on
/// it alone, so replicas' clocks need not agree.
const PG_NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Renews (or takes) a replica's lease and reports the change it has applied
/// (PostgreSQL; migration postgres/0003). A report never moves backwards.
pub async fn renew_lease(
    conn: &mut dyn Conn,
    id: &str,
    name: &str,
    applied: i64,
    lease_millis: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO replicas (id, name, applied_seq, lease_until, started_at)
         VALUES (?, ?, ?, {PG_NOW_MS} + ?, {PG_NOW_MS})
         ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until,
             applied_seq = GREATEST(replicas.applied_seq, excluded.applied_seq)"
    );
    crate::db::query(&sql).bind(id).bind(name).bind(applied).bind(lease_millis).execute(conn).await?;
    Ok(())
}

/// Reports the change a replica has applied, between renewals.
pub async fn report_applied(conn: &mut dyn Conn, id: &str, applied: i64) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE replicas SET applied_seq = ? WHERE id = ? AND applied_seq < ?")
        .bind(applied)
        .bind(id)
        .bind(applied)
        .execute(conn)
        .await?;
    Ok(())
}

/// The other replicas whose lease runs and whose index lacks change `seq`.
pub async fn behind(conn: &mut dyn Conn, me: &str, seq: i64) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!("SELECT name FROM replicas WHERE id <> ? AND applied_seq < ? AND lease_until > {PG_NOW_MS}");
    crate::db::query_scalar(&sql).bind(me).bind(seq).fetch_all(conn).await
}

/// A replica leaving: the others stop waiting for it at once.
pub async fn leave(conn: &mut dyn Conn, id: &str) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM replicas WHERE id = ?").bind(id).execute(conn).await?;
    Ok(())
}

/// Forgets replicas whose lease ran out more than `older_millis` ago (they
/// crashed or were frozen long ago; one that comes back registers again).
pub async fn forget_gone(conn: &mut dyn Conn, older_millis: i64) -> Result<u64, sqlx::Error> {
    let sql = format!("DELETE FROM replicas WHERE lease_until < {PG_NOW_MS} - ?");
    Ok(crate::db::query(&sql).bind(older_millis).execute(conn).await?.rows_affected())
}
