//! Creating, listing, revoking and checking access tokens.
use super::repo::{self, Bearer, NewToken};
use super::{CreatedToken, TokenRow, MAX_TOKEN_NAME, TOKEN_PREFIX};
use crate::activity::{repo as activity, repo::Change};
use crate::auth::capability::Admin;
use crate::auth::tokens::{hash_token, random_token};
use crate::db::now;
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::state::AppState;
use serde_json::json;

/// `last_used_at` is written at most once a minute per token: every write is
/// an fsync, and an API client may call many times a second.
const TOUCH_EVERY_SECS: i64 = 60;

pub fn validate(name: &str, valid_days: u32) -> Result<(), ServiceError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(ServiceError::field("name", Msg::ErrRequired));
    }
    if n.chars().count() > MAX_TOKEN_NAME || n.chars().any(char::is_control) {
        return Err(ServiceError::field("name", Msg::ErrTooLong).map_arg(MAX_TOKEN_NAME));
    }
    if valid_days > 3650 {
        return Err(ServiceError::field("valid_days", Msg::ErrTokenExpiry));
    }
    Ok(())
}

/// A new token for `actor` (an administrator). `valid_days` 0 = no expiry.
pub async fn create(
    state: &AppState,
    admin: &Admin,
    name: &str,
    valid_days: u32,
) -> Result<CreatedToken, ServiceError> {
    let actor = admin.actor();
    validate(name, valid_days)?;
    let user = actor.id.ok_or(ServiceError::Refused(Msg::ErrForbidden))?;
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let uid = crate::users::repo::new_uid();
    let at = now();
    let expires_at = (valid_days > 0).then(|| at + i64::from(valid_days) * 86_400);
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let mut tx = state.begin_write().await?;
    repo::insert(
        &mut tx,
        &NewToken {
            uid: &uid,
            name: name.trim(),
            hash: &hash_token(&token),
            prefix: &prefix,
            user,
            created_at: at,
            expires_at,
        },
    )
    .await?;
    let row = repo::by_uid(&mut tx, &uid, at).await?.ok_or(ServiceError::NotFound)?;
    activity::record(
        &mut tx,
        actor,
        Change {
            action: "token.created",
            target_kind: "token",
            target_uid: &uid,
            target_label: &row.name,
            before: None,
            after: Some(json!({ "name": row.name, "prefix": row.prefix, "expiresAt": expires_at })),
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken { row, token: token.into() })
}

pub async fn list(state: &AppState, _: &Admin) -> Result<Vec<TokenRow>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(repo::list(&mut conn, now()).await?)
}

/// Any administrator may revoke any token: the one who finds a leak should
/// not have to find its owner first.
pub async fn revoke(state: &AppState, admin: &Admin, uid: &str, reason: Option<&str>) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let at = now();
    let mut tx = state.begin_write().await?;
    let row = repo::by_uid(&mut tx, uid, at).await?.ok_or(ServiceError::NotFound)?;
    if !repo::revoke(&mut tx, uid, at).await? {
        return Ok(());
    }
    activity::record(
        &mut tx,
        actor,
        Change {
            action: "token.revoked",
            target_kind: "token",
            target_uid: uid,
            target_label: &row.name,
            before: Some(json!({ "owner": row.owner_email, "prefix": row.prefix })),
            after: None,
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The administrator a bearer token stands for, or None for a token that is
/// unknown, revoked, expired, or whose administrator is blocked, deleted or
/// no longer an administrator (all the same to the caller: 401).
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<Admin>, ServiceError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let at = now();
    let mut conn = state.pool.acquire().await?;
    let Some(b) = repo::bearer(&mut conn, &hash_token(token), at).await? else {
        return Ok(None);
    };
    drop(conn);
    if b.last_used_at.is_none_or(|t| at - t >= TOUCH_EVERY_SECS) {
        touch_later(state, &b, at);
    }
    // `bearer` found only a live token of an active administrator.
    Ok(Some(Admin::from_checked_token(crate::users::UserId(b.user_id), format!("{} (token {})", b.email, b.token_uid))))
}

/// Records the use off the request's path: the answer does not wait for a
/// write lock.
fn touch_later(state: &AppState, b: &Bearer, at: i64) {
    let state = state.clone();
    let id = b.token_id;
    tokio::spawn(async move {
        let result = async {
            let mut tx = state.begin_write().await?;
            repo::touch(&mut tx, id, at).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "recording an access token's last use");
        }
    });
}
