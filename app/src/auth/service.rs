//! Sign-in and password change: the rules, independent of HTTP.
use super::throttle;
use super::{password, sessions, sessions::SessionUser};
use crate::db::now;
use crate::error::{AppError, FieldError};
use crate::i18n::Msg;
use crate::state::AppState;
use crate::users::{canonical_email, repo as users_repo};
use std::net::IpAddr;

pub struct SignedIn {
    pub token: String,
    pub is_admin: bool,
    pub must_change_password: bool,
}

/// Checks the throttles, verifies the password (always one argon2 verify, so
/// unknown, blocked and pending accounts take as long as a wrong password and
/// get the same answer), then opens a fresh session and ends `old_session`.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
    old_session: Option<Vec<u8>>,
) -> Result<SignedIn, AppError> {
    let key = canonical_email(email);
    let ip_key = ip.map(|i| i.to_string());
    if password.chars().count() > crate::config::MAX_PASSWORD_LENGTH * 4 {
        // Refuse absurd inputs before spending a hash on them.
        return Err(AppError::InvalidCredentials);
    }
    // Each attempt counts before its password is checked, so parallel
    // attempts cannot all slip in before the first failure is recorded.
    use crate::state::{EMAIL_THROTTLE, IP_THROTTLE};
    let mut keys = vec![(&EMAIL_THROTTLE, key.as_str())];
    if let Some(k) = &ip_key {
        keys.push((&IP_THROTTLE, k.as_str()));
    }
    if let Some(secs) = throttle::attempt(state, &keys).await? {
        return Err(AppError::Throttled { retry_after_secs: secs });
    }

    let creds = {
        let mut conn = state.pool.acquire().await?;
        users_repo::credentials_by_email(&mut conn, &key).await?
    };
    let phc = creds.as_ref().and_then(|c| c.password_hash.as_ref()).map(|h| h.expose().to_string());
    let password_ok = state.hasher.verify(password, phc).await?;
    let creds = match creds {
        Some(c) if password_ok && c.state == "active" => c,
        _ => return Err(AppError::InvalidCredentials),
    };
    // The throttles' success and the session are one write transaction.
    let mut tx = state.begin_write().await?;
    // Checked after the password, so the answer tells only the account's
    // owner that their organisation signs developers in elsewhere.
    if !creds.is_admin && !crate::identity::repo::password_sign_in(&mut tx).await? {
        return Err(AppError::Refused(Msg::ErrPasswordSignInOff));
    }
    EMAIL_THROTTLE.succeed(&mut tx, &key).await?;
    if let Some(k) = &ip_key {
        IP_THROTTLE.refund(&mut tx, k).await?;
    }
    if let Some(old) = old_session {
        sessions::delete(&mut tx, &old).await?;
    }
    let client = sessions::Client { user_agent: user_agent.map(str::to_string), addr: ip };
    let token = sessions::sign_in(&mut tx, crate::users::UserId(creds.id), &client, now()).await?;
    tx.commit().await?;
    Ok(SignedIn { token, is_admin: creds.is_admin, must_change_password: creds.must_change_password })
}

/// The rule for a password chosen on a link page (invitation, reset): the
/// policy, and the confirmation must match. Field names `password`, `confirm`.
pub fn check_new_password(
    state: &AppState,
    new_password: &str,
    confirm: &str,
) -> Result<(), crate::error::ServiceError> {
    if let Err(e) = password::check_policy(new_password, state.settings.password_min_length) {
        return Err(crate::error::ServiceError::Validation(vec![e]));
    }
    if new_password != confirm {
        return Err(crate::error::ServiceError::field("confirm", Msg::ErrPasswordMismatch));
    }
    Ok(())
}

/// Changes the caller's own password (current one required), clears the
/// must-change flag and signs out every other session. Returns the token of
/// the new session that replaces the current one.
pub async fn change_password(
    state: &AppState,
    me: &SessionUser,
    client: &sessions::Client,
    current: String,
    new_password: String,
    confirm: String,
) -> Result<String, AppError> {
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(FieldError::new("current", Msg::ErrRequired));
    }
    if let Err(e) = password::check_policy(&new_password, state.settings.password_min_length) {
        errors.push(FieldError { field: "new_password".into(), ..e });
    } else if new_password != confirm {
        errors.push(FieldError::new("confirm", Msg::ErrPasswordMismatch));
    } else if new_password == current {
        errors.push(FieldError::new("new_password", Msg::ErrPasswordSameAsOld));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let phc = {
        let mut conn = state.pool.acquire().await?;
        users_repo::password_hash(&mut conn, me.user_id).await?
    };
    if !state.hasher.verify(current, phc).await? {
        return Err(AppError::field("current", Msg::ErrCurrentPasswordWrong));
    }
    let hash = state.hasher.hash(new_password).await?;
    let mut tx = state.begin_write().await?;
    users_repo::set_password(&mut tx, me.user_id, &hash, false).await?;
    sessions::delete_all_for_user(&mut tx, me.user_id, None).await?;
    let token = sessions::create(&mut tx, me.user_id, client, now()).await?;
    tx.commit().await?;
    Ok(token)
}
