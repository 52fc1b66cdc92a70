//! Who may get in: block and re-activate an account, delete it, set its
//! password, make it an administrator or take that away.
use super::*;

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
pub(super) async fn password_set_in(
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

pub(super) async fn change_state(
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

/// A developer closes their own account (APIM's CloseAccount): the same
/// deletion as an administrator's, after the password (when the account has
/// one), and the "account closed" email. Administrators are closed by
/// another administrator, so the last one cannot lock everyone out.
pub async fn close_own_account(
    state: &AppState,
    me: &crate::auth::sessions::SessionUser,
    password: String,
) -> Result<(), ServiceError> {
    if me.is_admin {
        return Err(ServiceError::Refused(Msg::ErrAdminClosesOwnAccount));
    }
    let phc = {
        let mut conn = state.pool.acquire().await?;
        repo::password_hash(&mut conn, me.user_id).await?
    };
    if phc.is_some() {
        if password.is_empty() {
            return Err(ServiceError::field("password", Msg::ErrRequired));
        }
        if !state.hasher.verify(password, phc).await? {
            return Err(ServiceError::field("password", Msg::ErrCurrentPasswordWrong));
        }
    }
    let mut tx = state.begin_write().await?;
    let u = repo::by_uid(&mut tx, &me.uid).await?.ok_or(ServiceError::NotFound)?;
    // No actor id: the log outlives the account, and its row is gone.
    let actor = Actor { id: None, label: u.email.clone() };
    enqueue_template(&mut tx, state, TemplateName::AccountClosed, &Recipient::of(&u), None).await?;
    delete_as(&mut tx, &actor, &u, "user.account_closed", None).await?;
    tx.commit().await?;
    state.outbox.notify_one();
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
    delete_as(tx, actor, u, "user.deleted", reason).await
}

/// The deletion, logged under `action`.
async fn delete_as(
    tx: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    action: &str,
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
    log(&mut *tx, actor, action, u, Some(before), None, reason).await?;
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
