//! Every SQL statement on `reset_requests`: one row per forgot-password
//! request, keyed by the SHA-256 of the typed address.
use crate::db::Conn;

/// Requests for this address since `since`.
pub async fn count_since(conn: &mut dyn Conn, email_hash: &[u8], since: i64) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT COUNT(*) FROM reset_requests WHERE email_hash = ? AND at > ?")
        .bind(email_hash)
        .bind(since)
        .fetch_one(conn)
        .await
}

/// Records a request (and forgets this address's ones older than a day,
/// which no limit counts).
pub async fn record(conn: &mut dyn Conn, email_hash: &[u8], at: i64) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM reset_requests WHERE email_hash = ? AND at <= ?")
        .bind(email_hash)
        .bind(at - 86_400)
        .execute(&mut *conn)
        .await?;
    crate::db::query("INSERT INTO reset_requests (email_hash, at) VALUES (?, ?)")
        .bind(email_hash)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Retention: deletes up to `batch` requests made before `before`, whatever
/// the address (most addresses never ask again).
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    // The table has no key of its own: each backend's row address.
    let sql = match conn.backend() {
        crate::db::Backend::Sqlite => {
            "DELETE FROM reset_requests WHERE rowid IN (SELECT rowid FROM reset_requests WHERE at < ? LIMIT ?)"
        }
        crate::db::Backend::Postgres => {
            "DELETE FROM reset_requests WHERE ctid IN (SELECT ctid FROM reset_requests WHERE at < ? LIMIT ?)"
        }
    };
    let done = crate::db::query(sql).bind(before).bind(batch).execute(conn).await?;
    Ok(done.rows_affected())
}
