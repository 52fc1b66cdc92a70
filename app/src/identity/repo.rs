//! Every SQL statement on `identity_providers`, `user_identities` and
//! `oidc_pending`, and the portal setting for password sign-in.
use super::ProviderKind;
use crate::db::Conn;
use crate::users::UserId;

/// A stored provider; the secret still sealed.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Stored {
    pub kind: String,
    pub display_name: String,
    pub authority: String,
    pub signin_tenant: Option<String>,
    pub signin_policy: Option<String>,
    pub client_id: String,
    pub client_secret: Vec<u8>,
    pub allowed_tenants: String,
    pub scopes: String,
    pub groups_claim: String,
    pub email_domains: String,
    pub create_groups: bool,
    pub version: i64,
}

impl Stored {
    pub fn kind(&self) -> ProviderKind {
        ProviderKind::parse(&self.kind).unwrap_or(ProviderKind::Oidc)
    }
    pub fn allowed_tenants(&self) -> Vec<String> {
        serde_json::from_str(&self.allowed_tenants).unwrap_or_default()
    }
    pub fn email_domains(&self) -> Vec<String> {
        serde_json::from_str(&self.email_domains).unwrap_or_default()
    }
}

const COLUMNS: &str = "kind, display_name, authority, signin_tenant, signin_policy, client_id, client_secret,
     allowed_tenants, scopes, groups_claim, email_domains, create_groups, version";

pub async fn all(conn: &mut dyn Conn) -> Result<Vec<Stored>, sqlx::Error> {
    crate::db::query_as(&format!("SELECT {COLUMNS} FROM identity_providers ORDER BY kind")).fetch_all(conn).await
}

pub async fn get(conn: &mut dyn Conn, kind: ProviderKind) -> Result<Option<Stored>, sqlx::Error> {
    crate::db::query_as(&format!("SELECT {COLUMNS} FROM identity_providers WHERE kind = ?"))
        .bind(kind.as_str())
        .fetch_optional(conn)
        .await
}

/// Inserts or, when `expected_version` matches, updates; false when the
/// stored version moved on.
pub async fn save(conn: &mut dyn Conn, p: &Stored, expected_version: Option<i64>) -> Result<bool, sqlx::Error> {
    let sql = match expected_version {
        None => format!(
            "INSERT INTO identity_providers ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
             ON CONFLICT (kind) DO NOTHING"
        ),
        Some(_) => "UPDATE identity_providers SET kind = ?, display_name = ?, authority = ?, signin_tenant = ?,
                 signin_policy = ?, client_id = ?, client_secret = ?, allowed_tenants = ?, scopes = ?,
                 groups_claim = ?, email_domains = ?, create_groups = ?, version = version + 1,
                 updated_at = unixepoch()
             WHERE kind = ? AND version = ?"
            .to_string(),
    };
    let mut q = crate::db::query(&sql)
        .bind(&p.kind)
        .bind(&p.display_name)
        .bind(&p.authority)
        .bind(&p.signin_tenant)
        .bind(&p.signin_policy)
        .bind(&p.client_id)
        .bind(&p.client_secret)
        .bind(&p.allowed_tenants)
        .bind(&p.scopes)
        .bind(&p.groups_claim)
        .bind(&p.email_domains)
        .bind(p.create_groups);
    if let Some(v) = expected_version {
        q = q.bind(&p.kind).bind(v);
    }
    Ok(q.execute(conn).await?.rows_affected() == 1)
}

pub async fn delete(conn: &mut dyn Conn, kind: ProviderKind) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("DELETE FROM identity_providers WHERE kind = ?").bind(kind.as_str()).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

// ---- identities ----

pub async fn user_of(
    conn: &mut dyn Conn,
    provider: ProviderKind,
    subject: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    crate::db::query_scalar("SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?")
        .bind(provider.as_str())
        .bind(subject)
        .fetch_optional(conn)
        .await
        .map(|id| id.map(UserId))
}

pub async fn link(conn: &mut dyn Conn, provider: ProviderKind, subject: &str, user: UserId) -> Result<(), sqlx::Error> {
    crate::db::query("INSERT INTO user_identities (provider, subject, user_id) VALUES (?, ?, ?)")
        .bind(provider.as_str())
        .bind(subject)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// An account's identities at providers: (provider, subject).
pub async fn of_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::db::query_as("SELECT provider, subject FROM user_identities WHERE user_id = ? ORDER BY provider, subject")
        .bind(user.0)
        .fetch_all(conn)
        .await
}

// ---- sign-ins on their way ----

pub struct Pending {
    pub provider: String,
    pub nonce: String,
    pub verifier: String,
    pub next: Option<String>,
}

pub async fn put_pending(
    conn: &mut dyn Conn,
    state_hash: &[u8],
    p: &Pending,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO oidc_pending (state_hash, provider, nonce, verifier, next, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(state_hash)
    .bind(&p.provider)
    .bind(&p.nonce)
    .bind(&p.verifier)
    .bind(&p.next)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes (deletes) a pending sign-in: each state is used once, and only
/// before it expires.
pub async fn take_pending(conn: &mut dyn Conn, state_hash: &[u8], now: i64) -> Result<Option<Pending>, sqlx::Error> {
    let row: Option<(String, String, String, Option<String>, i64)> = crate::db::query_as(
        "DELETE FROM oidc_pending WHERE state_hash = ? RETURNING provider, nonce, verifier, next, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(conn)
    .await?;
    Ok(row.filter(|r| r.4 > now).map(|(provider, nonce, verifier, next, _)| Pending {
        provider,
        nonce,
        verifier,
        next,
    }))
}

/// Removes abandoned sign-ins.
pub async fn purge_pending(conn: &mut dyn Conn, now: i64) -> Result<u64, sqlx::Error> {
    Ok(crate::db::query("DELETE FROM oidc_pending WHERE expires_at <= ?")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

// ---- the portal setting ----

/// Whether developers may sign in with a password (administrators always may).
pub async fn password_sign_in(conn: &mut dyn Conn) -> Result<bool, sqlx::Error> {
    let v: Option<String> =
        crate::db::query_scalar("SELECT value FROM portal_settings WHERE key = 'developer_password_sign_in'")
            .fetch_optional(conn)
            .await?;
    Ok(v.as_deref() != Some("off"))
}

pub async fn set_password_sign_in(conn: &mut dyn Conn, on: bool) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO portal_settings (key, value) VALUES ('developer_password_sign_in', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(if on { "on" } else { "off" })
    .execute(conn)
    .await?;
    Ok(())
}
