//! Reset links: sent by an administrator or asked for by the developer,
//! used once to choose a new password, which signs the account out everywhere.
use super::ResetView;
use crate::activity::Actor;
use crate::auth::capability::Admin;
use crate::auth::{sessions, tokens::hash_token};
use crate::db::now;
use crate::db::Conn;
use crate::emails::templates::TemplateName;
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::links::{repo as links_repo, service as links, LinkProblem, LinkPurpose};
use crate::state::AppState;
use crate::users::repo::{self as users_repo, UserRecord};
use crate::users::service::log;
use crate::users::{canonical_email, is_valid_email, UserId, UserState};

/// Reset emails per address per hour from the Forgot password page; more
/// requests get the same answer and no email (no mail bombing).
const REQUESTS_PER_HOUR: i64 = 3;

/// User detail → Reset password. Only an active account can use a reset
/// (a blocked one could not sign in afterwards; a pending one has its own link).
pub async fn send_by_admin(state: &AppState, admin: &Admin, uid: &str) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let u = users_repo::by_uid(&mut tx, uid).await?.ok_or(ServiceError::NotFound)?;
    match u.state() {
        UserState::Active => {}
        UserState::Blocked => return Err(ServiceError::Refused(Msg::ErrResetBlocked)),
        UserState::Pending => return Err(ServiceError::Refused(Msg::ErrResetPending)),
        UserState::Deleted => return Err(ServiceError::NotFound),
    }
    links::send(&mut tx, state, LinkPurpose::Reset, TemplateName::ResetByAdmin, &u, None).await?;
    log(&mut tx, actor, "user.reset_link_sent", &u, None, None, None).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// Forgot password. The answer is the same whether or not the address has
/// an account: both paths record the request and commit once, and only an
/// active account gets an email.
pub async fn request(state: &AppState, email: &str) -> Result<(), ServiceError> {
    if !is_valid_email(email) {
        return Err(ServiceError::field("email", Msg::ErrEmailInvalid));
    }
    let key = canonical_email(email);
    let at = now();
    let mut tx = state.begin_write().await?;
    let email_hash = hash_token(&key);
    let recent = super::repo::count_since(&mut tx, &email_hash, at - 3600).await?;
    super::repo::record(&mut tx, &email_hash, at).await?;
    let mut queued = false;
    if recent < REQUESTS_PER_HOUR {
        if let Some(c) = users_repo::credentials_by_email(&mut tx, &key).await? {
            if c.state == UserState::Active.as_str() {
                let u = users_repo::by_uid_id(&mut tx, UserId(c.id)).await?;
                links::send(&mut tx, state, LinkPurpose::Reset, TemplateName::ResetRequested, &u, None).await?;
                let me = Actor { id: Some(u.user_id()), label: u.email.clone() };
                log(&mut tx, &me, "user.reset_requested", &u, None, None, None).await?;
                queued = true;
            }
        }
    }
    tx.commit().await?;
    if queued {
        state.outbox.notify_one();
    }
    Ok(())
}

/// The live reset link and its account, which must be active.
async fn live_link(
    conn: &mut dyn Conn,
    token: Option<&str>,
    at: i64,
) -> Result<(crate::links::repo::LiveLink, UserRecord), ServiceError> {
    let (link, u) = links::live(conn, token, LinkPurpose::Reset, at).await?;
    if u.state() != UserState::Active {
        return Err(ServiceError::Link(LinkProblem::Cancelled));
    }
    Ok((link, u))
}

pub async fn view(state: &AppState, token: Option<&str>) -> Result<ResetView, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let at = now();
    let (link, u) = live_link(&mut conn, token, at).await?;
    let expires_at: i64 = crate::db::query_scalar("SELECT expires_at FROM account_links WHERE id = ?")
        .bind(link.id)
        .fetch_one(&mut conn)
        .await?;
    Ok(ResetView { email: u.email, expires_at, password_min_length: state.settings.password_min_length })
}

/// Uses the link once, sets the password and ends every session of the
/// account (whoever had the old password is out). Does not sign in: the
/// developer signs in with the new password.
pub async fn reset(
    state: &AppState,
    token: Option<String>,
    new_password: String,
    confirm: String,
) -> Result<(), ServiceError> {
    view(state, token.as_deref()).await?;
    crate::auth::service::check_new_password(state, &new_password, &confirm)?;
    let hash = state.hasher.hash(new_password).await?;
    let mut tx = state.begin_write().await?;
    let at = now();
    let (link, u) = live_link(&mut tx, token.as_deref(), at).await?;
    if !links_repo::consume(&mut tx, link.id, at).await? {
        return Err(ServiceError::Link(LinkProblem::Used));
    }
    users_repo::set_password(&mut tx, u.user_id(), &hash, false).await?;
    sessions::delete_all_for_user(&mut tx, u.user_id(), None).await?;
    links_repo::cancel_for_user(&mut tx, u.user_id(), Some(LinkPurpose::Reset), "password_set", at).await?;
    let me = Actor { id: Some(u.user_id()), label: u.email.clone() };
    log(&mut tx, &me, "user.password_reset", &u, None, None, None).await?;
    tx.commit().await?;
    Ok(())
}
