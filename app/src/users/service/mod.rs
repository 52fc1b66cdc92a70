//! Account operations shared by the CLI, the server functions and (later)
//! the REST API. Every change is one transaction that also writes the
//! activity log; bulk changes commit each row on its own savepoint.
//!
//! One account's records are here; blocking, re-activating, deleting,
//! passwords and administrator rights in `access`; many accounts at once in
//! `bulk`; administrators made from the command line or at first start in
//! `admins`; an account's sessions in `signed_in`.
mod access;
mod admins;
mod bulk;
mod signed_in;

use super::repo::{self, UserRecord};
use super::{
    canonical_email, is_valid_email, BulkAction, BulkRowResult, DeletePreview, UserDetail, UserForm, UserId, UserPage,
    UserQuery, UserState,
};
use crate::activity::{repo as activity, repo::Change, Actor};
use crate::auth::capability::Admin;
use crate::auth::{password, sessions, tokens};
use crate::db::Conn;
use crate::emails::service::{enqueue_template, Recipient};
use crate::emails::templates::TemplateName;
use crate::error::{FieldError, ServiceError};
use crate::groups::{repo as groups_repo, GroupKind, SystemGroup};
use crate::i18n::Msg;
use crate::links::{repo as links, LinkPurpose};
use crate::state::AppState;
use crate::subscriptions::repo as subs_repo;
pub use access::*;
use access::{change_state, password_set_in};
pub use admins::*;
pub use bulk::*;
use serde_json::json;
pub use signed_in::*;

pub const MAX_NOTE: usize = 1000;
/// The most rows one bulk call takes; the page sends larger selections in chunks.
pub const MAX_BULK: usize = 500;
/// "Select all that match" stops here.
pub const MAX_SELECTION: i64 = 1_000_000;

fn name_ok(s: &str) -> bool {
    let n = s.trim().chars().count();
    (1..=100).contains(&n) && !s.chars().any(char::is_control)
}

/// Field-level checks of the account form.
pub fn validate(form: &UserForm) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if form.email.trim().is_empty() {
        errs.push(FieldError::new("email", Msg::ErrRequired));
    } else if !is_valid_email(&form.email) {
        errs.push(FieldError::new("email", Msg::ErrEmailInvalid));
    }
    for (field, value) in [("first_name", &form.first_name), ("last_name", &form.last_name)] {
        if value.trim().is_empty() {
            errs.push(FieldError::new(field, Msg::ErrRequired));
        } else if !name_ok(value) {
            errs.push(FieldError::new(field, Msg::ErrNameLength).with_arg(100));
        }
    }
    if form.note.chars().count() > MAX_NOTE {
        errs.push(FieldError::new("note", Msg::ErrTooLong).with_arg(MAX_NOTE));
    }
    errs
}

fn check_password(state: &AppState, pw: &str) -> Result<(), ServiceError> {
    password::check_policy(pw, state.settings.password_min_length).map_err(|e| ServiceError::Validation(vec![e]))
}

async fn find(conn: &mut dyn Conn, uid: &str) -> Result<UserRecord, ServiceError> {
    repo::by_uid(conn, uid).await?.ok_or(ServiceError::NotFound)
}

/// The last active administrator must stay an active administrator.
async fn guard_last_admin(conn: &mut dyn Conn, user: &UserRecord) -> Result<(), ServiceError> {
    if user.is_admin && user.state() == UserState::Active && repo::count_active_admins(conn).await? <= 1 {
        return Err(ServiceError::Refused(Msg::ErrLastAdmin));
    }
    Ok(())
}

fn guard_not_self(actor: &Actor, user: &UserRecord) -> Result<(), ServiceError> {
    if actor.id == Some(user.user_id()) {
        return Err(ServiceError::Refused(Msg::ErrNotYourself));
    }
    Ok(())
}

fn label(u: &UserRecord) -> String {
    format!("{} {} <{}>", u.first_name, u.last_name, u.email)
}

/// Records a change to an account in the activity log, in the caller's
/// transaction (every module that changes accounts writes through this).
pub async fn log(
    conn: &mut dyn Conn,
    actor: &Actor,
    action: &str,
    u: &UserRecord,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let change =
        Change { action, target_kind: "user", target_uid: &u.uid, target_label: &label(u), before, after, reason };
    activity::record(conn, actor, change).await?;
    Ok(())
}

pub async fn list(state: &AppState, _: &Admin, q: &UserQuery) -> Result<UserPage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let page = repo::list(&mut conn, q).await?;
    Ok(UserPage {
        rows: page.rows,
        total: page.total,
        total_exact: page.total_exact,
        has_next: page.has_next,
        page: q.page(),
        per_page: q.per_page(),
    })
}

/// Keeps the users search index in few segments. Every write adds a small
/// segment and a search reads each one: at 100,000 accounts added one by one
/// a selective search took 0.62 ms, 0.16 ms after merging. Runs at start and
/// every ten minutes, in steps of 200 pages (tens of milliseconds each) so
/// that writers never wait long behind it.
pub async fn search_index_upkeep(state: AppState) {
    loop {
        loop {
            let step = async {
                let mut conn = state.pool.acquire().await?;
                repo::merge_search_index(&mut conn, 200).await
            };
            match step.await {
                Ok(true) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "merging the users search index");
                    break;
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}

pub async fn matching_uids(state: &AppState, _: &Admin, q: &UserQuery) -> Result<Vec<String>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(repo::matching_uids(&mut conn, q, MAX_SELECTION).await?)
}

pub async fn detail(state: &AppState, admin: &Admin, uid: &str) -> Result<UserDetail, ServiceError> {
    let viewer = admin.user_id();
    let mut conn = state.pool.acquire().await?;
    let u = find(&mut conn, uid).await?;
    let groups = groups_repo::refs_for_user(&mut conn, u.user_id()).await?;
    let invitation =
        crate::invitations::repo::latest_for_user(&mut conn, u.user_id(), crate::db::now()).await?.map(|i| i.row);
    let subscriptions = subs_repo::for_user(&mut conn, u.user_id()).await?;
    let products =
        if u.is_admin { vec![] } else { crate::products::repo::visible_to_user(&mut conn, u.user_id()).await? };
    let last_sign_in_at = repo::last_sign_in(&mut conn, u.user_id()).await?;
    let mut identities = vec![super::Identity { provider: "Basic".into(), id: u.email.clone() }];
    for (provider, id) in crate::identity::service::identities_of(&mut conn, u.user_id()).await? {
        identities.push(super::Identity { provider, id });
    }
    Ok(UserDetail {
        last_sign_in_at,
        invitation,
        subscriptions,
        products,
        identities,
        is_self: viewer == Some(u.user_id()),
        state: u.state(),
        uid: u.uid,
        email: u.email,
        first_name: u.first_name,
        last_name: u.last_name,
        note: u.note,
        registered_at: u.registered_at,
        has_password: u.has_password,
        version: u.version,
        groups,
        is_admin: u.is_admin,
    })
}

/// Adds an active account in Developers. Without a password it cannot sign
/// in until one is set (or, later, a reset link is used).
pub async fn create(
    state: &AppState,
    admin: &Admin,
    form: UserForm,
    password: Option<String>,
) -> Result<String, ServiceError> {
    create_named(state, admin, form, password, None, false, UserState::Active).await
}

/// As `create`, with a chosen uid (None: a random one) and, with `welcome`,
/// the welcome email in the same transaction (the REST API's `notify`).
pub async fn create_named(
    state: &AppState,
    admin: &Admin,
    form: UserForm,
    password: Option<String>,
    uid: Option<&str>,
    welcome: bool,
    initial: UserState,
) -> Result<String, ServiceError> {
    let actor = admin.actor();
    if !matches!(initial, UserState::Active | UserState::Blocked) {
        return Err(ServiceError::Refused(Msg::ErrBadState));
    }
    let mut errs = validate(&form);
    let password = password.filter(|p| !p.is_empty());
    if let Some(p) = &password {
        if let Err(ServiceError::Validation(e)) = check_password(state, p) {
            errs.extend(e);
        }
    }
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let hash = match password {
        Some(p) => Some(state.hasher.hash(p).await?),
        None => None,
    };
    let mut tx = state.begin_write().await?;
    if repo::email_taken(&mut tx, &form.email, None).await? {
        return Err(ServiceError::field("email", Msg::ErrEmailTaken));
    }
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let new = repo::NewUser {
        email: &form.email,
        first_name: &form.first_name,
        last_name: &form.last_name,
        password_hash: hash.as_deref(),
        must_change_password: false,
    };
    let inserted = match uid {
        None => repo::insert_as(&mut tx, &new, initial, crate::i18n::Lang::En).await?,
        Some(uid) => {
            if repo::by_uid(&mut tx, uid).await?.is_some() {
                return Err(ServiceError::Conflict);
            }
            repo::insert_named(&mut tx, &new, initial, crate::i18n::Lang::En, uid).await?
        }
    };
    let id = inserted.user_id();
    repo::set_note(&mut tx, id, note).await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Developers).await?;
    let created = repo::by_uid_id(&mut tx, id).await?;
    log(&mut tx, actor, "user.created", &created, None, Some(created.snapshot()), None).await?;
    if welcome && initial == UserState::Active {
        enqueue_template(&mut tx, state, TemplateName::Welcome, &Recipient::of(&created), None).await?;
    }
    tx.commit().await?;
    if welcome {
        state.outbox.notify_one();
    }
    Ok(created.uid)
}

/// Edits name, email and note, refusing if someone saved in between.
pub async fn update(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    form: UserForm,
    version: i64,
) -> Result<(), ServiceError> {
    let p = UserPatch {
        email: Some(form.email),
        first_name: Some(form.first_name),
        last_name: Some(form.last_name),
        note: Some(form.note),
        ..UserPatch::default()
    };
    patch(state, admin, uid, p, version).await
}

/// What a REST `PATCH` (or `PUT` on an existing account) changes; None
/// leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct UserPatch {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub note: Option<String>,
    pub state: Option<UserState>,
    pub password: Option<String>,
}

/// Applies profile, state and password changes in one transaction with one
/// activity entry per kind of change, refusing if the version moved on.
pub async fn patch(state: &AppState, admin: &Admin, uid: &str, p: UserPatch, version: i64) -> Result<(), ServiceError> {
    let actor = admin.actor();
    if let Some(pw) = &p.password {
        check_password(state, pw)?;
    }
    if p.state.is_some_and(|s| !matches!(s, UserState::Active | UserState::Blocked)) {
        return Err(ServiceError::Refused(Msg::ErrBadState));
    }
    let hash = match p.password.clone() {
        Some(pw) => Some(state.hasher.hash(pw).await?),
        None => None,
    };
    let mut tx = state.begin_write().await?;
    let before = find(&mut tx, uid).await?;
    if before.version != version {
        return Err(ServiceError::Conflict);
    }
    let form = UserForm {
        email: p.email.clone().unwrap_or_else(|| before.email.clone()),
        first_name: p.first_name.clone().unwrap_or_else(|| before.first_name.clone()),
        last_name: p.last_name.clone().unwrap_or_else(|| before.last_name.clone()),
        note: p.note.clone().unwrap_or_else(|| before.note.clone().unwrap_or_default()),
    };
    let profile_changed = p.email.is_some() || p.first_name.is_some() || p.last_name.is_some() || p.note.is_some();
    if profile_changed {
        let errs = validate(&form);
        if !errs.is_empty() {
            return Err(ServiceError::Validation(errs));
        }
        if repo::email_taken(&mut tx, &form.email, Some(before.user_id())).await? {
            return Err(ServiceError::field("email", Msg::ErrEmailTaken));
        }
        if !repo::update_profile(&mut tx, before.user_id(), &form, version).await? {
            return Err(ServiceError::Conflict);
        }
        let after = find(&mut tx, uid).await?;
        log(&mut tx, actor, "user.updated", &after, Some(before.snapshot()), Some(after.snapshot()), None).await?;
    }
    if let Some(to) = p.state {
        let current = find(&mut tx, uid).await?;
        change_state(state, &mut tx, actor, &current, to, None).await?;
    }
    if let Some(hash) = hash {
        password_set_in(&mut tx, actor, &before, &hash, false).await?;
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// The account's record, for the REST API's answers.
pub async fn record(state: &AppState, _: &Admin, uid: &str) -> Result<UserRecord, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    find(&mut conn, uid).await
}

/// A developer changes their own name on the profile page (the address stays:
/// changing it is an administrator's act).
pub async fn change_own_name(
    state: &AppState,
    me: UserId,
    first_name: &str,
    last_name: &str,
) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    let u = repo::by_uid_id(&mut tx, me).await?;
    let form = UserForm {
        email: u.email.clone(),
        first_name: first_name.to_string(),
        last_name: last_name.to_string(),
        note: u.note.clone().unwrap_or_default(),
    };
    let errs: Vec<FieldError> = validate(&form).into_iter().filter(|e| e.field != "email").collect();
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    if !repo::update_profile(&mut tx, me, &form, u.version).await? {
        return Err(ServiceError::Conflict);
    }
    let actor = Actor { id: Some(me), label: u.email.clone() };
    let after = json!({ "firstName": first_name.trim(), "lastName": last_name.trim() });
    let before = json!({ "firstName": u.first_name, "lastName": u.last_name });
    log(&mut tx, &actor, "user.name_changed", &u, Some(before), Some(after), None).await?;
    tx.commit().await?;
    Ok(())
}
