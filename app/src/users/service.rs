//! Account operations shared by the CLI, the server functions and (later)
//! the REST API. Each change is one transaction.
use super::{canonical_email, is_valid_email, repo, UserId, UserState};
use crate::auth::{password, sessions, tokens};
use crate::db::begin_write;
use crate::groups::{repo as groups_repo, SystemGroup};
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("`{0}` is not a valid email address")]
    InvalidEmail(String),
    #[error("an account with email {0} already exists")]
    DuplicateEmail(String),
    #[error("first and last name must each be 1 to 100 characters")]
    InvalidName,
    #[error("the password does not meet the rule: {0}")]
    WeakPassword(String),
    #[error("no account with email {0}")]
    NotFound(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub struct NewAdmin {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// None: generate a one-time password that must be changed at first sign-in.
    pub password: Option<String>,
}

fn valid_name(s: &str) -> bool {
    let n = s.trim().chars().count();
    (1..=100).contains(&n) && !s.chars().any(char::is_control)
}

fn check_password(state: &AppState, pw: &str) -> Result<(), UserError> {
    password::check_policy(pw, state.settings.password_min_length)
        .map_err(|e| UserError::WeakPassword(e.message(crate::i18n::Lang::En)))
}

/// Creates an active administrator (member of Administrators and Developers).
/// Returns the id and the generated one-time password, if one was generated.
pub async fn create_admin(state: &AppState, new: NewAdmin) -> Result<(UserId, Option<String>), UserError> {
    if !is_valid_email(&new.email) {
        return Err(UserError::InvalidEmail(new.email));
    }
    if !valid_name(&new.first_name) || !valid_name(&new.last_name) {
        return Err(UserError::InvalidName);
    }
    let (pw, generated) = match new.password {
        Some(p) => {
            check_password(state, &p)?;
            (p, false)
        }
        None => (tokens::generate_password(), true),
    };
    let hash = state.hasher.hash(pw.clone()).await;
    let mut tx = begin_write(&state.pool).await?;
    if repo::credentials_by_email(&mut tx, &canonical_email(&new.email)).await?.is_some() {
        return Err(UserError::DuplicateEmail(new.email));
    }
    let id = repo::insert(
        &mut tx,
        &repo::NewUser {
            email: &new.email,
            first_name: &new.first_name,
            last_name: &new.last_name,
            password_hash: Some(&hash),
            must_change_password: generated,
        },
    )
    .await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Administrators).await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Developers).await?;
    tx.commit().await?;
    Ok((id, generated.then_some(pw)))
}

/// The recovery path: sets a new password for an administrator, re-activates
/// the account and signs it out everywhere. Without a password a one-time
/// password is generated and returned.
pub async fn reset_admin_password(
    state: &AppState,
    email: &str,
    new_password: Option<String>,
) -> Result<Option<String>, UserError> {
    let (pw, generated) = match new_password {
        Some(p) => {
            check_password(state, &p)?;
            (p, false)
        }
        None => (tokens::generate_password(), true),
    };
    let hash = state.hasher.hash(pw.clone()).await;
    let mut tx = begin_write(&state.pool).await?;
    let creds = repo::credentials_by_email(&mut tx, &canonical_email(email))
        .await?
        .filter(|c| c.is_admin && c.state != "deleted")
        .ok_or_else(|| UserError::NotFound(email.to_string()))?;
    let id = UserId(creds.id);
    repo::set_password(&mut tx, id, &hash, generated).await?;
    repo::set_state(&mut tx, id, UserState::Active).await?;
    sessions::delete_all_for_user(&mut tx, id, None).await?;
    tx.commit().await?;
    Ok(generated.then_some(pw))
}

/// On first start with no administrator, creates one from the settings, or
/// with a generated password. Returns the generated password to print once.
pub async fn ensure_first_admin(state: &AppState) -> Result<Option<(String, String)>, UserError> {
    let mut conn = state.pool.acquire().await?;
    if groups_repo::count_members(&mut conn, SystemGroup::Administrators).await? > 0 {
        return Ok(None);
    }
    drop(conn);
    let email = state.settings.admin_email.clone().unwrap_or_else(|| "admin@localhost.localdomain".into());
    let password = state.settings.admin_password.as_ref().map(|s| s.expose().to_string());
    let (_, generated) = create_admin(
        state,
        NewAdmin { email: email.clone(), first_name: "Gatehouse".into(), last_name: "Administrator".into(), password },
    )
    .await?;
    Ok(generated.map(|pw| (email, pw)))
}
