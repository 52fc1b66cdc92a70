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
    let uid = crate::uid::pick(&mut tx, chosen, &form.name, "group", |c, u| Box::pin(repo::uid_taken(c, u))).await?;
    repo::insert(&mut tx, &uid, kind, &form).await?;
    let (_, row) = find(&mut tx, &uid).await?;
    activity::record(
        &mut tx,
        actor,
        Change {
            action: "group.created",
            target_kind: "group",
            target_uid: &uid,
            target_label: &row.name,
            before: None,
            after: Some(snapshot(&row)),
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(uid)
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
