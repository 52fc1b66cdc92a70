//! Account operations shared by the CLI, the server functions and (later)
//! the REST API. Every change is one transaction that also writes the
//! activity log; bulk changes commit each row on its own savepoint.
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
use serde_json::json;

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
    Ok(UserDetail {
        invitation,
        subscriptions,
        products,
        identities: vec![super::Identity { provider: "Basic".into(), id: u.email.clone() }],
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

/// An administrator sets a specific password. By default the account must
/// choose its own at the next sign-in; every session of the account ends.
pub async fn set_password(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    new_password: String,
    must_change: bool,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    check_password(state, &new_password)?;
    let hash = state.hasher.hash(new_password).await?;
    let mut tx = state.begin_write().await?;
    let u = find(&mut tx, uid).await?;
    let self_change = actor.id == Some(u.user_id());
    password_set_in(&mut tx, actor, &u, &hash, must_change && !self_change).await?;
    tx.commit().await?;
    Ok(())
}

/// A new password: every session of the account ends and its reset links
/// stop working, in the caller's transaction.
async fn password_set_in(
    conn: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    hash: &str,
    must_change: bool,
) -> Result<(), ServiceError> {
    repo::set_password(conn, u.user_id(), hash, must_change).await?;
    sessions::delete_all_for_user(conn, u.user_id(), None).await?;
    links::cancel_for_user(conn, u.user_id(), Some(LinkPurpose::Reset), "password_set", crate::db::now()).await?;
    log(conn, actor, "user.password_set", u, None, Some(json!({ "mustChangePassword": must_change })), None).await?;
    Ok(())
}

async fn change_state(
    state: &AppState,
    conn: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    to: UserState,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    if u.state() == to {
        return Ok(());
    }
    if to != UserState::Active {
        guard_not_self(actor, u)?;
        guard_last_admin(conn, u).await?;
    }
    repo::set_state(conn, u.user_id(), to).await?;
    let at = crate::db::now();
    if to != UserState::Active {
        // A blocked account's sessions and emailed links end now, not at their expiry.
        sessions::delete_all_for_user(conn, u.user_id(), None).await?;
        links::cancel_for_user(conn, u.user_id(), None, "blocked", at).await?;
    } else if u.state() == UserState::Pending {
        // Activated by hand: what the invitation or verification would have
        // done. Its links are moot now.
        groups_repo::add_to_system_group(conn, u.user_id(), SystemGroup::Developers).await?;
        links::cancel_for_user(conn, u.user_id(), None, "activated", at).await?;
        if let Some(inv) = crate::invitations::repo::latest_for_user(conn, u.user_id(), at).await? {
            crate::invitations::repo::revoke(conn, inv.id, at).await?;
        }
        enqueue_template(conn, state, TemplateName::Welcome, &Recipient::of(u), None).await?;
    }
    log(
        conn,
        actor,
        if to == UserState::Blocked { "user.blocked" } else { "user.activated" },
        u,
        Some(json!({ "state": u.state })),
        Some(json!({ "state": to.as_str() })),
        reason,
    )
    .await?;
    Ok(())
}

/// Block or activate (activate also turns a pending account active).
pub async fn set_state(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    to: UserState,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    if !matches!(to, UserState::Active | UserState::Blocked) {
        return Err(ServiceError::Refused(Msg::ErrBadState));
    }
    let mut tx = state.begin_write().await?;
    let u = find(&mut tx, uid).await?;
    change_state(state, &mut tx, actor, &u, to, reason).await?;
    // A blocked account's keys fail from the commit on.
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

pub async fn delete_preview(state: &AppState, _: &Admin, uid: &str) -> Result<DeletePreview, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let u = find(&mut conn, uid).await?;
    Ok(DeletePreview {
        groups: groups_repo::names_for_user(&mut conn, u.user_id()).await?,
        sessions: repo::count_sessions(&mut conn, u.user_id()).await?,
        subscriptions: subs_repo::for_user(&mut conn, u.user_id()).await?,
        email: u.email,
    })
}

/// Deletes the account with its memberships and sessions (cascade).
pub async fn delete(state: &AppState, admin: &Admin, uid: &str, reason: Option<&str>) -> Result<(), ServiceError> {
    delete_notifying(state, admin, uid, reason, false).await
}

/// Deletes the account; with `notify`, the developer gets the "account
/// closed" email (queued in the same transaction, so it goes if and only if
/// the account is gone).
pub async fn delete_notifying(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    reason: Option<&str>,
    notify: bool,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let u = find(&mut tx, uid).await?;
    guard_not_self(actor, &u)?;
    guard_last_admin(&mut tx, &u).await?;
    if notify && u.state() != UserState::Pending {
        enqueue_template(&mut tx, state, TemplateName::AccountClosed, &Recipient::of(&u), None).await?;
    }
    delete_in(&mut tx, actor, &u, reason).await?;
    tx.commit().await?;
    if notify {
        state.outbox.notify_one();
    }
    Ok(())
}

/// The deletion itself, in the caller's transaction: memberships and
/// sessions go by cascade, subscriptions with their keys retired, and the
/// activity log keeps what the account was.
pub(crate) async fn delete_in(
    tx: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let groups = groups_repo::names_for_user(&mut *tx, u.user_id()).await?;
    // The subscriptions go with the account; their keys are remembered as
    // retired so the gateway check can say why they fail.
    let subscriptions =
        subs_repo::retire_keys_of(&mut *tx, subs_repo::Owner::User(u.user_id()), "user_deleted").await?;
    repo::delete(&mut *tx, u.user_id()).await?;
    let mut before = u.snapshot();
    before["groups"] = json!(groups);
    before["subscriptions"] = json!(subscriptions.len());
    log(&mut *tx, actor, "user.deleted", u, Some(before), None, reason).await?;
    Ok(())
}

/// Makes an account an administrator or takes that away: an explicit,
/// confirmed action, never a side effect of group editing.
pub async fn set_admin(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    make_admin: bool,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let u = find(&mut tx, uid).await?;
    if u.is_admin == make_admin {
        return Ok(());
    }
    if make_admin {
        if u.state() != UserState::Active {
            return Err(ServiceError::Refused(Msg::ErrAdminMustBeActive));
        }
        groups_repo::add_to_system_group(&mut tx, u.user_id(), SystemGroup::Administrators).await?;
    } else {
        guard_not_self(actor, &u)?;
        guard_last_admin(&mut tx, &u).await?;
        groups_repo::remove_from_system_group(&mut tx, u.user_id(), SystemGroup::Administrators).await?;
    }
    log(
        &mut tx,
        actor,
        if make_admin { "user.admin_granted" } else { "user.admin_revoked" },
        &u,
        Some(json!({ "administrator": !make_admin })),
        Some(json!({ "administrator": make_admin })),
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies one action to many accounts. Each row gets its own savepoint, so
/// a refused row leaves no trace and does not undo the others; the chunk
/// commits once (one fsync, not one per row).
pub async fn bulk(
    state: &AppState,
    admin: &Admin,
    uids: &[String],
    action: &BulkAction,
    reason: Option<&str>,
) -> Result<Vec<BulkRowResult>, ServiceError> {
    let actor = admin.actor();
    if uids.len() > MAX_BULK {
        return Err(ServiceError::field("", Msg::ErrBulkTooMany).map_arg(MAX_BULK));
    }
    let mut tx = state.begin_write().await?;
    let group = match action {
        BulkAction::AddToGroup(g) | BulkAction::RemoveFromGroup(g) => {
            let (id, row) = groups_repo::by_uid(&mut tx, g).await?.ok_or(ServiceError::Refused(Msg::ErrGroupGone))?;
            if row.kind == GroupKind::System {
                return Err(ServiceError::Refused(Msg::ErrSystemMembership));
            }
            Some((id, row))
        }
        _ => None,
    };
    let mut results = Vec::with_capacity(uids.len());
    for uid in uids {
        let mut sp = crate::db::begin(&mut tx).await?;
        let outcome: Result<String, ServiceError> = async {
            let u = find(&mut sp, uid).await?;
            match (action, &group) {
                (BulkAction::Block, _) => change_state(state, &mut sp, actor, &u, UserState::Blocked, reason).await?,
                (BulkAction::Activate, _) => change_state(state, &mut sp, actor, &u, UserState::Active, reason).await?,
                (BulkAction::AddToGroup(_), Some((gid, g))) => {
                    if groups_repo::add_member(&mut sp, *gid, u.user_id()).await? {
                        membership_activity(&mut sp, actor, &u, g, true, reason).await?;
                    }
                }
                (BulkAction::RemoveFromGroup(_), Some((gid, g))) => {
                    if groups_repo::remove_member(&mut sp, *gid, u.user_id()).await? {
                        membership_activity(&mut sp, actor, &u, g, false, reason).await?;
                    }
                }
                _ => unreachable!("group actions always resolve their group"),
            }
            Ok(u.email)
        }
        .await;
        match outcome {
            Ok(email) => {
                sp.commit().await?;
                results.push(BulkRowResult { uid: uid.clone(), label: email, error: None });
            }
            Err(ServiceError::Db(e)) => return Err(ServiceError::Db(e)),
            Err(e) => {
                sp.rollback().await?;
                results.push(BulkRowResult { uid: uid.clone(), label: uid.clone(), error: Some(e.into()) });
            }
        }
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(results)
}

/// Logs a membership change on the user, related to the group so that it
/// shows in the group's history too.
pub(crate) async fn membership_activity(
    conn: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    g: &crate::groups::GroupRow,
    added: bool,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let detail = json!({ "group": g.name, "groupId": g.uid });
    let (before, after) = if added { (None, Some(detail)) } else { (Some(detail), None) };
    let change = Change {
        action: if added { "group.member_added" } else { "group.member_removed" },
        target_kind: "user",
        target_uid: &u.uid,
        target_label: &label(u),
        before,
        after,
        reason,
    };
    activity::record_related(conn, actor, change, Some(("group", &g.uid))).await?;
    Ok(())
}

// ---- administrators from the command line and first start ----

pub struct NewAdmin {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// None: generate a one-time password that must be changed at first sign-in.
    pub password: Option<String>,
}

/// The operator's password (checked against the rule), or a generated
/// one-time password; the flag says which.
fn chosen_or_generated(state: &AppState, password: Option<String>) -> Result<(String, bool), ServiceError> {
    match password {
        Some(p) => {
            check_password(state, &p)?;
            Ok((p, false))
        }
        None => Ok((tokens::generate_password(), true)),
    }
}

/// Creates an active administrator (member of Administrators and Developers).
/// Returns the id and the generated one-time password, if one was generated.
pub async fn create_admin(state: &AppState, new: NewAdmin) -> Result<(UserId, Option<String>), ServiceError> {
    let form = UserForm {
        email: new.email.clone(),
        first_name: new.first_name,
        last_name: new.last_name,
        note: String::new(),
    };
    let errs = validate(&form);
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let (pw, generated) = chosen_or_generated(state, new.password)?;
    let hash = state.hasher.hash(pw.clone()).await?;
    let mut tx = state.begin_write().await?;
    if repo::email_taken(&mut tx, &form.email, None).await? {
        return Err(ServiceError::field("email", Msg::ErrEmailTaken));
    }
    let id = repo::insert(
        &mut tx,
        &repo::NewUser {
            email: &form.email,
            first_name: &form.first_name,
            last_name: &form.last_name,
            password_hash: Some(&hash),
            must_change_password: generated,
        },
    )
    .await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Administrators).await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Developers).await?;
    let created = repo::by_uid_id(&mut tx, id).await?;
    log(
        &mut tx,
        &Actor::cli(),
        "user.created",
        &created,
        None,
        Some(json!({ "email": created.email, "administrator": true })),
        None,
    )
    .await?;
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
) -> Result<Option<String>, ServiceError> {
    let (pw, generated) = chosen_or_generated(state, new_password)?;
    let hash = state.hasher.hash(pw.clone()).await?;
    let mut tx = state.begin_write().await?;
    let creds = repo::credentials_by_email(&mut tx, &canonical_email(email))
        .await?
        .filter(|c| c.is_admin && c.state != "deleted")
        .ok_or(ServiceError::Refused(Msg::ErrNoSuchAdmin))?;
    let id = UserId(creds.id);
    repo::set_password(&mut tx, id, &hash, generated).await?;
    repo::set_state(&mut tx, id, UserState::Active).await?;
    sessions::delete_all_for_user(&mut tx, id, None).await?;
    let u = repo::by_uid_id(&mut tx, id).await?;
    log(
        &mut tx,
        &Actor::cli(),
        "user.password_set",
        &u,
        Some(json!({ "state": creds.state })),
        Some(json!({ "state": "active", "mustChangePassword": generated })),
        Some("recovery from the command line"),
    )
    .await?;
    tx.commit().await?;
    Ok(generated.then_some(pw))
}

/// On first start with no administrator, creates one from the settings, or
/// with a generated password. Returns the generated password to print once.
pub async fn ensure_first_admin(state: &AppState) -> Result<Option<(String, String)>, ServiceError> {
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
