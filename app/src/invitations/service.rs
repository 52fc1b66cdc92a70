//! Invite, resend, revoke, list, and accept. Each change is one transaction
//! with its activity entry and its email.
use super::{
    repo, BulkInviteResult, CsvPreview, InvitationPage, InvitationState, InvitationView, InviteForm, PreviewRow,
    RowStatus, BULK_INVITE_CHUNK,
};
use crate::activity::Actor;
use crate::auth::capability::Admin;
use crate::auth::sessions;
use crate::db::now;
use crate::db::Conn;
use crate::emails::service::{enqueue_template, Recipient, TemplateCache};
use crate::emails::templates::TemplateName;
use crate::error::ServiceError;
use crate::groups::{repo as groups_repo, SystemGroup};
use crate::i18n::Msg;
use crate::links::{repo as links_repo, service as links, LinkProblem, LinkPurpose};
use crate::state::AppState;
use crate::users::repo as users_repo;
use crate::users::service::log;
use crate::users::{canonical_email, UserForm, UserState};
use serde_json::json;

/// Creates a pending account, its invitation and the email. Returns the
/// account's uid.
pub async fn invite(state: &AppState, admin: &Admin, form: InviteForm) -> Result<String, ServiceError> {
    invite_named(state, admin, form, None).await
}

/// As `invite`, with a chosen account uid (the REST API's
/// `PUT …/users/{userId}?…` with `confirmation: invite`).
pub async fn invite_named(
    state: &AppState,
    admin: &Admin,
    form: InviteForm,
    uid: Option<&str>,
) -> Result<String, ServiceError> {
    let actor = admin.actor();
    let errs = form.problems();
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let mut tx = state.begin_write().await?;
    if let Some(uid) = uid {
        if users_repo::by_uid(&mut tx, uid).await?.is_some() {
            return Err(ServiceError::Conflict);
        }
    }
    let uid = invite_in(&mut tx, state, &mut TemplateCache::default(), actor, &form, uid).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(uid)
}

/// The invitation inside the caller's transaction (bulk invites share one).
/// The form has been validated.
pub async fn invite_in(
    conn: &mut dyn Conn,
    state: &AppState,
    texts: &mut TemplateCache,
    actor: &Actor,
    form: &InviteForm,
    uid: Option<&str>,
) -> Result<String, ServiceError> {
    let at = now();
    let new = users_repo::NewUser {
        email: &form.email,
        first_name: &form.first_name,
        last_name: &form.last_name,
        password_hash: None,
        must_change_password: false,
    };
    // The unique index answers "is the address taken" in the same statement,
    // inside a savepoint: on PostgreSQL a failed statement would otherwise
    // end the transaction that a bulk invitation's other rows share.
    let mut sp = crate::db::begin(&mut *conn).await?;
    let inserted = match uid {
        Some(uid) => users_repo::insert_named(&mut sp, &new, UserState::Pending, form.lang, uid).await,
        None => users_repo::insert_as(&mut sp, &new, UserState::Pending, form.lang).await,
    };
    let u = match inserted {
        Err(e) if users_repo::is_email_taken(&e) => {
            sp.rollback().await?;
            return Err(ServiceError::field("email", Msg::ErrEmailTaken));
        }
        other => other?,
    };
    sp.commit().await?;
    let expires = at + state.settings.invitation_valid_secs;
    let (invitation_id, _) = repo::insert(&mut *conn, u.user_id(), actor.id, &actor.label, at, expires).await?;
    let (purpose, template) = (LinkPurpose::Invitation, TemplateName::Invitation);
    links::send_with(&mut *conn, state, texts, purpose, template, &u, Some(invitation_id), true).await?;
    log(&mut *conn, actor, "user.invited", &u, None, Some(json!({ "email": u.email, "state": "pending" })), None)
        .await?;
    Ok(u.uid)
}

pub async fn list(
    state: &AppState,
    _: &Admin,
    filter: Option<InvitationState>,
    page: u32,
) -> Result<InvitationPage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = 50;
    let (rows, total) = repo::list(&mut conn, now(), filter, page, per).await?;
    Ok(InvitationPage { rows, total, page: page.max(1), per_page: per })
}

/// A new link for a pending, expired or revoked invitation; the old link
/// stops working. An accepted one has nothing left to send.
pub async fn resend(state: &AppState, admin: &Admin, uid: &str) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let at = now();
    let inv = repo::by_uid(&mut tx, uid, at).await?.ok_or(ServiceError::NotFound)?;
    let u = users_repo::by_uid_id(&mut tx, inv.user_id).await?;
    if inv.row.state == InvitationState::Accepted || u.state() != UserState::Pending {
        return Err(ServiceError::Refused(Msg::ErrInvitationAccepted));
    }
    repo::record_resend(&mut tx, inv.id, at, at + state.settings.invitation_valid_secs).await?;
    links::send(&mut tx, state, LinkPurpose::Invitation, TemplateName::Invitation, &u, Some(inv.id)).await?;
    log(&mut tx, actor, "user.invitation_resent", &u, None, Some(json!({ "sent": inv.row.sent_count + 1 })), None)
        .await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// The link stops working at once; the account stays pending (delete it, or
/// resend, as needed).
pub async fn revoke(state: &AppState, admin: &Admin, uid: &str) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let at = now();
    let inv = repo::by_uid(&mut tx, uid, at).await?.ok_or(ServiceError::NotFound)?;
    match inv.row.state {
        InvitationState::Accepted => return Err(ServiceError::Refused(Msg::ErrInvitationAccepted)),
        InvitationState::Revoked => return Ok(()),
        InvitationState::Pending | InvitationState::Expired => {}
    }
    repo::revoke(&mut tx, inv.id, at).await?;
    links_repo::cancel_for_user(&mut tx, inv.user_id, Some(LinkPurpose::Invitation), "revoked", at).await?;
    let u = users_repo::by_uid_id(&mut tx, inv.user_id).await?;
    log(&mut tx, actor, "user.invitation_revoked", &u, None, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Who the link in this browser invites, or why it cannot be used.
pub async fn view(state: &AppState, token: Option<&str>) -> Result<InvitationView, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let at = now();
    let (link, u) = links::live(&mut conn, token, LinkPurpose::Invitation, at).await?;
    if u.state() != UserState::Pending {
        return Err(ServiceError::Link(LinkProblem::Cancelled));
    }
    let expires_at = match link.invitation_id {
        Some(id) => repo::by_id(&mut conn, id, at).await?.map(|i| i.row.expires_at).unwrap_or(at),
        None => at,
    };
    Ok(InvitationView {
        email: u.email,
        first_name: u.first_name,
        last_name: u.last_name,
        organization: state.settings.organization_name.clone(),
        expires_at,
        password_min_length: state.settings.password_min_length,
    })
}

/// Accepts: checks the password rule, uses the link (once), makes the
/// account active with its password and in Developers, sends the welcome
/// email and opens a session. Returns the session token.
pub async fn accept(
    state: &AppState,
    token: Option<String>,
    new_password: String,
    confirm: String,
    client: &sessions::Client,
) -> Result<String, ServiceError> {
    // Answer a dead link before asking for a better password.
    view(state, token.as_deref()).await?;
    crate::auth::service::check_new_password(state, &new_password, &confirm)?;
    let hash = state.hasher.hash(new_password).await?;
    let mut tx = state.begin_write().await?;
    let at = now();
    let (link, u) = links::live(&mut tx, token.as_deref(), LinkPurpose::Invitation, at).await?;
    let accepted = match link.invitation_id {
        Some(id) => repo::mark_accepted(&mut tx, id, at).await?,
        None => false,
    };
    if u.state() != UserState::Pending || !accepted || !links_repo::consume(&mut tx, link.id, at).await? {
        return Err(ServiceError::Link(LinkProblem::Used));
    }
    users_repo::set_password(&mut tx, u.user_id(), &hash, false).await?;
    users_repo::set_state(&mut tx, u.user_id(), UserState::Active).await?;
    groups_repo::add_to_system_group(&mut tx, u.user_id(), SystemGroup::Developers).await?;
    links_repo::cancel_for_user(&mut tx, u.user_id(), None, "replaced", at).await?;
    enqueue_template(&mut tx, state, TemplateName::Welcome, &Recipient::of(&u), None).await?;
    let me = Actor { id: Some(u.user_id()), label: u.email.clone() };
    log(&mut tx, &me, "user.invitation_accepted", &u, None, Some(json!({ "state": "active" })), None).await?;
    let session = sessions::sign_in(&mut tx, u.user_id(), client, at).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(session)
}

/// The dry run: parses the CSV and says for each row what sending would do.
pub async fn preview_csv(state: &AppState, _: &Admin, text: &str) -> Result<CsvPreview, ServiceError> {
    let rows =
        super::csv::parse(text).map_err(|max| ServiceError::field("csv", Msg::ErrCsvTooManyRows).map_arg(max))?;
    let emails: Vec<String> = rows.iter().map(|r| canonical_email(&r.email)).collect();
    let existing: std::collections::HashSet<String> = {
        let mut conn = state.pool.acquire().await?;
        crate::db::query_scalar(match conn.backend() {
            crate::db::Backend::Sqlite => {
                "SELECT email_canonical FROM users WHERE email_canonical IN (SELECT value FROM json_each(?))"
            }
            crate::db::Backend::Postgres => {
                "SELECT email_canonical FROM users
                 WHERE email_canonical IN (SELECT json_array_elements_text(CAST(? AS json)))"
            }
        })
        .bind(serde_json::to_string(&emails).unwrap_or_default())
        .fetch_all(&mut conn)
        .await?
        .into_iter()
        .collect()
    };
    let mut seen = std::collections::HashSet::new();
    let mut preview = CsvPreview { rows: Vec::with_capacity(rows.len()), new: 0, exists: 0, duplicate: 0, invalid: 0 };
    for (row, key) in rows.into_iter().zip(emails) {
        let form = UserForm {
            email: row.email.clone(),
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            note: String::new(),
        };
        let problems = crate::users::service::validate(&form);
        let status = if !problems.is_empty() {
            preview.invalid += 1;
            RowStatus::Invalid
        } else if existing.contains(&key) {
            preview.exists += 1;
            RowStatus::Exists
        } else if !seen.insert(key) {
            preview.duplicate += 1;
            RowStatus::Duplicate
        } else {
            preview.new += 1;
            RowStatus::New
        };
        preview.rows.push(PreviewRow { row, status, problems });
    }
    Ok(preview)
}

/// Invites many at once, one commit for the chunk; a refused row leaves no
/// trace and does not undo the others.
pub async fn bulk_invite(
    state: &AppState,
    admin: &Admin,
    forms: &[InviteForm],
) -> Result<Vec<BulkInviteResult>, ServiceError> {
    let actor = admin.actor();
    if forms.len() > BULK_INVITE_CHUNK {
        return Err(ServiceError::field("", Msg::ErrBulkTooMany).map_arg(BULK_INVITE_CHUNK));
    }
    let mut tx = state.begin_write().await?;
    let mut texts = TemplateCache::default();
    let mut results = Vec::with_capacity(forms.len());
    for form in forms {
        let errs = form.problems();
        if !errs.is_empty() {
            results.push(BulkInviteResult {
                email: form.email.clone(),
                error: Some(ServiceError::Validation(errs).into()),
            });
            continue;
        }
        // No savepoint per row: the row is validated, and the one refusal
        // left (the address taken) comes from its first statement, before
        // anything of the row is written. Any other error ends the chunk.
        match invite_in(&mut tx, state, &mut texts, actor, form, None).await {
            Ok(_) => results.push(BulkInviteResult { email: form.email.clone(), error: None }),
            Err(ServiceError::Db(e)) => return Err(ServiceError::Db(e)),
            Err(e) => results.push(BulkInviteResult { email: form.email.clone(), error: Some(e.into()) }),
        }
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(results)
}
