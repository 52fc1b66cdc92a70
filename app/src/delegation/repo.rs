//! Delegation's SQL: its settings (one JSON value in `portal_settings`, the
//! validation key sealed with the server secret) and the used SSO tokens.
use crate::db::Conn;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct Stored {
    #[serde(default)]
    pub url: String,
    /// The validation key, sealed, in base64.
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub user_registration: bool,
    #[serde(default)]
    pub subscriptions: bool,
    #[serde(default)]
    pub version: i64,
}

pub async fn get(conn: &mut dyn Conn) -> Result<Stored, sqlx::Error> {
    let v: Option<String> = crate::db::query_scalar("SELECT value FROM portal_settings WHERE key = 'delegation'")
        .fetch_optional(conn)
        .await?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

pub async fn put(conn: &mut dyn Conn, s: &Stored) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO portal_settings (key, value) VALUES ('delegation', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(serde_json::to_string(s).unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a token as used; false when it was used already. Tokens past
/// their expiry go at the same time.
pub async fn use_token(conn: &mut dyn Conn, token_hash: &[u8], expires_at: i64, now: i64) -> Result<bool, sqlx::Error> {
    crate::db::query("DELETE FROM sso_tokens_used WHERE expires_at < ?").bind(now).execute(&mut *conn).await?;
    let r =
        crate::db::query("INSERT INTO sso_tokens_used (token_hash, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(token_hash)
            .bind(expires_at)
            .execute(conn)
            .await?;
    Ok(r.rows_affected() == 1)
}
