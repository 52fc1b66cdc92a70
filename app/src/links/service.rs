//! Issuing a link with its email, and looking up a presented one: shared by
//! invitations, sign-up verification and password reset.
use super::{repo, web::url, LinkProblem, LinkPurpose};
use crate::config::Settings;
use crate::db::now;
use crate::db::Conn;
use crate::emails::service::{enqueue_cached, Link, Recipient, TemplateCache};
use crate::emails::templates::TemplateName;
use crate::error::ServiceError;
use crate::state::AppState;
use crate::users::repo::{self as users_repo, UserRecord};
use crate::users::{canonical_email, UserId};

/// How long a link of this purpose works (settings).
pub fn valid_secs(settings: &Settings, purpose: LinkPurpose) -> i64 {
    match purpose {
        LinkPurpose::Invitation => settings.invitation_valid_secs,
        LinkPurpose::Verification => settings.verification_valid_secs,
        LinkPurpose::Reset => settings.reset_valid_secs,
    }
}

/// Issues a fresh link for `u` (older ones of the purpose stop working) and
/// queues `template` carrying it, in the caller's transaction.
pub async fn send(
    conn: &mut dyn Conn,
    state: &AppState,
    purpose: LinkPurpose,
    template: TemplateName,
    u: &UserRecord,
    invitation_id: Option<i64>,
) -> Result<(), ServiceError> {
    send_with(conn, state, &mut TemplateCache::default(), purpose, template, u, invitation_id, false).await
}

/// `send` with templates read once per batch, and for a brand-new account
/// (nothing older to cancel): the bulk invitation path.
#[allow(clippy::too_many_arguments)]
pub async fn send_with(
    conn: &mut dyn Conn,
    state: &AppState,
    texts: &mut TemplateCache,
    purpose: LinkPurpose,
    template: TemplateName,
    u: &UserRecord,
    invitation_id: Option<i64>,
    new_account: bool,
) -> Result<(), ServiceError> {
    let valid = valid_secs(&state.settings, purpose);
    let email = canonical_email(&u.email);
    let (link_id, token) =
        repo::issue(&mut *conn, purpose, u.user_id(), &email, invitation_id, now(), valid, new_account).await?;
    let link_url = url(&state.settings, purpose, &token);
    let link = Some(Link { id: link_id, url: &link_url, valid_secs: valid });
    enqueue_cached(conn, state, texts, template, &Recipient::of(u), link).await?;
    Ok(())
}

/// The live link behind a presented token, with its account; or why not.
pub async fn live(
    conn: &mut dyn Conn,
    token: Option<&str>,
    purpose: LinkPurpose,
    at: i64,
) -> Result<(repo::LiveLink, UserRecord), ServiceError> {
    let token = token.ok_or(ServiceError::Link(LinkProblem::Missing))?;
    let link = repo::inspect(&mut *conn, token, purpose, at).await?.map_err(ServiceError::Link)?;
    let u = users_repo::by_uid_id(&mut *conn, UserId(link.user_id)).await?;
    Ok((link, u))
}
