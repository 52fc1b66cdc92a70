//! Every SQL statement on `access_tokens` lives here.
use super::{TokenRow, TokenState};
use crate::db::Conn;
use crate::users::UserId;

#[derive(sqlx::FromRow)]
struct Raw {
    uid: String,
    name: String,
    prefix: String,
    owner_email: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl Raw {
    fn row(self, now: i64) -> TokenRow {
        let state = if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.expires_at.is_some_and(|e| e <= now) {
            TokenState::Expired
        } else {
            TokenState::Active
        };
        TokenRow {
            uid: self.uid,
            name: self.name,
            prefix: self.prefix,
            owner_email: self.owner_email,
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
            state,
        }
    }
}

const SELECT: &str = "SELECT t.uid, t.name, t.prefix, u.email AS owner_email, t.created_at, t.expires_at,
        t.last_used_at, t.revoked_at
     FROM access_tokens t JOIN users u ON u.id = t.user_id";

pub struct NewToken<'a> {
    pub uid: &'a str,
    pub name: &'a str,
    pub hash: &'a [u8],
    pub prefix: &'a str,
    pub user: UserId,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

pub async fn insert(conn: &mut dyn Conn, t: &NewToken<'_>) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO access_tokens (uid, name, token_hash, prefix, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(t.uid)
    .bind(t.name)
    .bind(t.hash)
    .bind(t.prefix)
    .bind(t.user.0)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Newest first; revoked tokens stay listed (with when), so the screen
/// answers "which token was that?" after an incident.
pub async fn list(conn: &mut dyn Conn, now: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows: Vec<Raw> = crate::db::query_as(&format!("{SELECT} ORDER BY t.id DESC LIMIT 500")).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.row(now)).collect())
}

pub async fn by_uid(conn: &mut dyn Conn, uid: &str, now: i64) -> Result<Option<TokenRow>, sqlx::Error> {
    let row: Option<Raw> =
        crate::db::query_as(&format!("{SELECT} WHERE t.uid = ?")).bind(uid).fetch_optional(conn).await?;
    Ok(row.map(|r| r.row(now)))
}

pub async fn revoke(conn: &mut dyn Conn, uid: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = crate::db::query("UPDATE access_tokens SET revoked_at = ? WHERE uid = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(uid)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The administrator behind a token, if the token and the account are both
/// still good: not revoked, not expired, the account active and in
/// Administrators. One indexed read per API call.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct Bearer {
    pub token_id: i64,
    pub token_uid: String,
    pub user_id: i64,
    pub email: String,
    pub last_used_at: Option<i64>,
}

pub async fn bearer(conn: &mut dyn Conn, hash: &[u8], now: i64) -> Result<Option<Bearer>, sqlx::Error> {
    crate::db::query_as(
        "SELECT t.id AS token_id, t.uid AS token_uid, u.id AS user_id, u.email, t.last_used_at
         FROM access_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
           AND u.state = 'active'
           AND EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
                       WHERE gm.user_id = u.id AND g.uid = 'administrators')",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn touch(conn: &mut dyn Conn, token_id: i64, now: i64) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE access_tokens SET last_used_at = ? WHERE id = ?")
        .bind(now)
        .bind(token_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Retention: deletes up to `batch` tokens revoked or expired before `before`.
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "DELETE FROM access_tokens WHERE id IN (SELECT id FROM access_tokens
         WHERE revoked_at < ?1 OR (revoked_at IS NULL AND expires_at < ?1) LIMIT ?2)",
    )
    .bind(before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
