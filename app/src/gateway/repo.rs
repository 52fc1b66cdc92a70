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
