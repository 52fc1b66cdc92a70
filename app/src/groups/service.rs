//! Group operations: custom and external groups are the administrators';
//! system groups refuse every change to themselves.
use super::{repo, GroupDeletePreview, GroupForm, GroupKind, GroupRow, MAX_GROUP_DESCRIPTION, MAX_GROUP_NAME};
use crate::activity::{repo as activity, repo::Change};
use crate::auth::capability::Admin;
use crate::db::Conn;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;
use serde_json::json;

pub fn validate(kind: GroupKind, form: &GroupForm) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errs.push(FieldError::new("name", Msg::ErrRequired));
    } else if name.chars().count() > MAX_GROUP_NAME || name.chars().any(char::is_control) {
        errs.push(FieldError::new("name", Msg::ErrTooLong).with_arg(MAX_GROUP_NAME));
    }
    if form.description.chars().count() > MAX_GROUP_DESCRIPTION {
        errs.push(FieldError::new("description", Msg::ErrTooLong).with_arg(MAX_GROUP_DESCRIPTION));
    }
    if kind == GroupKind::External {
        let ext = form.external_id.trim();
        if ext.is_empty() {
            errs.push(FieldError::new("external_id", Msg::ErrRequired));
        } else if ext.chars().count() > 1000 || ext.chars().any(char::is_control) {
            errs.push(FieldError::new("external_id", Msg::ErrTooLong).with_arg(1000));
        }
    }
    errs
}

async fn find(conn: &mut dyn Conn, uid: &str) -> Result<(i64, GroupRow), ServiceError> {
    repo::by_uid(conn, uid).await?.ok_or(ServiceError::NotFound)
}

fn snapshot(g: &GroupRow) -> serde_json::Value {
    json!({ "name": g.name, "description": g.description, "type": g.kind.as_str(), "externalId": g.external_id })
}

pub async fn list(
    state: &AppState,
    _: &Admin,
    q: &str,
    page: u32,
    per_page: u32,
) -> Result<(Vec<GroupRow>, i64), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = per_page.clamp(1, 100);
    Ok(repo::list(&mut conn, q, per, (page.max(1) as u64 - 1) * per as u64).await?)
}

pub async fn get(state: &AppState, _: &Admin, uid: &str) -> Result<GroupRow, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(find(&mut conn, uid).await?.1)
}

pub async fn create(state: &AppState, admin: &Admin, kind: GroupKind, form: GroupForm) -> Result<String, ServiceError> {
    create_named(state, admin, kind, form, None).await
}

/// As `create`, with the uid the caller chose (the REST API's
/// `PUT …/groups/{groupId}`); None derives one from the name.
pub async fn create_named(
    state: &AppState,
    admin: &Admin,
    kind: GroupKind,
    form: GroupForm,
    chosen: Option<&str>,
) -> Result<String, ServiceError> {
    let actor = admin.actor();
    if kind == GroupKind::System {
        return Err(ServiceError::Refused(Msg::ErrSystemGroup));
    }
    let errs = validate(kind, &form);
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let mut tx = state.begin_write().await?;
    if repo::name_taken(&mut tx, &form.name, None).await? {
        return Err(ServiceError::field("name", Msg::ErrGroupNameTaken));
    }
    let (_, row) = insert_logged(&mut tx, actor, kind, &form, chosen).await?;
    tx.commit().await?;
    Ok(row.uid)
}

/// Inserts a group (the uid chosen, or derived from the name) and logs its
/// creation, in the caller's transaction. The name must be free.
async fn insert_logged(
    conn: &mut dyn Conn,
    actor: &crate::activity::Actor,
    kind: GroupKind,
    form: &GroupForm,
    chosen: Option<&str>,
) -> Result<(i64, GroupRow), ServiceError> {
    let uid = crate::uid::pick(conn, chosen, &form.name, "group", |c, u| Box::pin(repo::uid_taken(c, u))).await?;
    repo::insert(conn, &uid, kind, form).await?;
    let (id, row) = find(conn, &uid).await?;
    let change = Change {
        action: "group.created",
        target_kind: "group",
        target_uid: &uid,
        target_label: &row.name,
        before: None,
        after: Some(snapshot(&row)),
        reason: None,
    };
    activity::record(conn, actor, change).await?;
    Ok((id, row))
}

pub async fn update(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    form: GroupForm,
    version: i64,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (id, before) = find(&mut tx, uid).await?;
    if before.kind == GroupKind::System {
        return Err(ServiceError::Refused(Msg::ErrSystemGroup));
    }
    let errs = validate(before.kind, &form);
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    if before.version != version {
        return Err(ServiceError::Conflict);
    }
    if repo::name_taken(&mut tx, &form.name, Some(id)).await? {
        return Err(ServiceError::field("name", Msg::ErrGroupNameTaken));
    }
    if !repo::update(&mut tx, id, &form, before.kind, version).await? {
        return Err(ServiceError::Conflict);
    }
    let (_, after) = find(&mut tx, uid).await?;
    activity::record(
        &mut tx,
        actor,
        Change {
            action: "group.updated",
            target_kind: "group",
            target_uid: uid,
            target_label: &after.name,
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_preview(state: &AppState, _: &Admin, uid: &str) -> Result<GroupDeletePreview, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, g) = find(&mut conn, uid).await?;
    if g.kind == GroupKind::System {
        return Err(ServiceError::Refused(Msg::ErrSystemGroup));
    }
    let product_links = crate::products::repo::count_for_group(&mut conn, id).await?;
    Ok(GroupDeletePreview { name: g.name, members: g.members, product_links })
}

pub async fn delete(state: &AppState, admin: &Admin, uid: &str, reason: Option<&str>) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (id, g) = find(&mut tx, uid).await?;
    if g.kind == GroupKind::System {
        return Err(ServiceError::Refused(Msg::ErrSystemGroup));
    }
    repo::delete(&mut tx, id).await?;
    let mut before = snapshot(&g);
    before["members"] = json!(g.members);
    activity::record(
        &mut tx,
        actor,
        Change {
            action: "group.deleted",
            target_kind: "group",
            target_uid: uid,
            target_label: &g.name,
            before: Some(before),
            after: None,
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds one account to a custom or external group (system groups' members
/// are managed by Gatehouse). True if it was added, false if it already was
/// a member.
pub async fn set_member(
    state: &AppState,
    admin: &Admin,
    group_uid: &str,
    user_uid: &str,
    member: bool,
) -> Result<bool, ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (gid, g) = find(&mut tx, group_uid).await?;
    if g.kind == GroupKind::System {
        return Err(ServiceError::Refused(Msg::ErrSystemMembership));
    }
    let u = crate::users::repo::by_uid(&mut tx, user_uid).await?.ok_or(ServiceError::NotFound)?;
    let changed = if member {
        repo::add_member(&mut tx, gid, u.user_id()).await?
    } else {
        repo::remove_member(&mut tx, gid, u.user_id()).await?
    };
    if changed {
        crate::users::service::membership_activity(&mut tx, actor, &u, &g, member, None).await?;
        tx.commit().await?;
    }
    Ok(changed)
}

/// Whether an external group's id names a value of a provider's groups
/// claim: the plain value, or APIM's `aad://<tenant>/groups/<value>` form.
pub fn external_id_matches(external_id: &str, value: &str, tenant: Option<&str>) -> bool {
    if external_id == value {
        return true;
    }
    match external_id.strip_prefix("aad://").and_then(|rest| rest.split_once("/groups/")) {
        Some((t, id)) => id == value && tenant.is_none_or(|tenant| tenant.eq_ignore_ascii_case(t)),
        None => false,
    }
}

/// Brings a user's external-group memberships in line with a provider's
/// groups claim, in the caller's transaction: joins the groups whose
/// external id the claim names, leaves the external groups it does not.
/// With `create`, a value naming no group creates an external group for
/// it. Each change is logged under `actor` (the sign-in).
pub async fn sync_external(
    conn: &mut dyn Conn,
    actor: &crate::activity::Actor,
    user: &crate::users::repo::UserRecord,
    values: &[String],
    tenant: Option<&str>,
    create: bool,
) -> Result<(), ServiceError> {
    let all = repo::all_external(conn).await?;
    let current = repo::external_of_user(conn, user.user_id()).await?;
    let mut wanted: Vec<(i64, GroupRow)> = Vec::new();
    for v in values {
        let named: Vec<&(i64, GroupRow)> = all
            .iter()
            .filter(|(_, g)| g.external_id.as_deref().is_some_and(|e| external_id_matches(e, v, tenant)))
            .collect();
        if !named.is_empty() {
            wanted.extend(named.into_iter().cloned());
        } else if create && v.chars().count() <= 200 {
            let name: String = v.chars().take(100).collect();
            if repo::name_taken(conn, &name, None).await? {
                continue;
            }
            let form = GroupForm { name, description: String::new(), external_id: v.clone() };
            let (id, row) = insert_logged(conn, actor, GroupKind::External, &form, None).await?;
            wanted.push((id, row));
        }
    }
    for (id, g) in &wanted {
        if !current.iter().any(|(c, _)| c == id) && repo::add_member(conn, *id, user.user_id()).await? {
            crate::users::service::membership_activity(conn, actor, user, g, true, None).await?;
        }
    }
    for (id, g) in &current {
        if !wanted.iter().any(|(w, _)| w == id) && repo::remove_member(conn, *id, user.user_id()).await? {
            crate::users::service::membership_activity(conn, actor, user, g, false, None).await?;
        }
    }
    Ok(())
}
