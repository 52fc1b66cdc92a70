//! `…/groups`: APIM's Group and GroupUser operations, over
//! `groups::service`. System groups (administrators, developers, guests)
//! refuse every change, and so does their membership.
use super::{check_name, entity, etag, no_content, odata, parse_body, ApiError, Ctx};
use crate::error::ServiceError;
use crate::groups::repo::{self as repo, Scope};
use crate::groups::service;
use crate::groups::{GroupForm, GroupKind, GroupRow};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/groups";
pub const MAX_GROUP_ID: usize = 256;

/// APIM's GroupContract.
pub fn group_json(ctx: &Ctx, g: &GroupRow) -> Value {
    json!({
        "id": ctx.id(&format!("/groups/{}", g.uid)),
        "type": TYPE,
        "name": g.uid,
        "properties": {
            "displayName": g.name,
            "description": g.description,
            "builtIn": g.kind == GroupKind::System,
            "type": g.kind.as_str(),
            "externalId": g.external_id,
        }
    })
}

async fn find(ctx: &Ctx) -> Result<GroupRow, ApiError> {
    let uid = ctx.param("groupId");
    service::get(&ctx.state, &ctx.admin, uid).await.map_err(|e| match e {
        ServiceError::NotFound => ApiError::not_found(&format!("Group '{uid}'")),
        other => other.into(),
    })
}

pub async fn list_in(ctx: &Ctx, scope: Scope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let filter = ctx.filter(&odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip).await?;
    Ok(ctx.collection(rows.iter().map(|g| group_json(ctx, g)).collect(), count, top, skip))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, Scope::All).await
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let g = find(&ctx).await?;
    Ok(entity(StatusCode::OK, &etag(g.version), group_json(&ctx, &g)))
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiGroupType {
    Custom,
    System,
    External,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupProps {
    pub display_name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<ApiGroupType>,
    pub external_id: Option<String>,
    /// Read-only; accepted (and ignored) so a GET body can be sent back.
    #[allow(dead_code)]
    pub built_in: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    pub properties: GroupProps,
}

fn refuse_system(g: &GroupRow) -> Result<(), ApiError> {
    if g.kind == GroupKind::System {
        return Err(ApiError::bad_request(format!(
            "'{}' is a system group: it cannot be changed or deleted, and Gatehouse manages its members.",
            g.uid
        )));
    }
    Ok(())
}

fn merged(g: &GroupRow, p: GroupProps) -> Result<GroupForm, ApiError> {
    if p.kind.is_some_and(|k| k.as_kind() != g.kind) {
        return Err(ApiError::invalid_field("properties.type", "a group's type cannot change"));
    }
    Ok(GroupForm {
        name: p.display_name.unwrap_or_else(|| g.name.clone()),
        description: p.description.unwrap_or_else(|| g.description.clone().unwrap_or_default()),
        external_id: p.external_id.unwrap_or_else(|| g.external_id.clone().unwrap_or_default()),
    })
}

impl ApiGroupType {
    fn as_kind(self) -> GroupKind {
        match self {
            ApiGroupType::Custom => GroupKind::Custom,
            ApiGroupType::System => GroupKind::System,
            ApiGroupType::External => GroupKind::External,
        }
    }
}

/// PUT: creates the group named in the path (201) or updates it (200).
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let uid = ctx.param("groupId").to_string();
    check_name("groupId", &uid, MAX_GROUP_ID)?;
    let body: GroupBody = parse_body(&body)?;
    match service::get(&ctx.state, &ctx.admin, &uid).await {
        Ok(g) => {
            refuse_system(&g)?;
            ctx.check_if_match(&etag(g.version))?;
            let form = merged(&g, body.properties)?;
            service::update(&ctx.state, &ctx.admin, &uid, form, g.version).await?;
            let g = find(&ctx).await?;
            Ok(entity(StatusCode::OK, &etag(g.version), group_json(&ctx, &g)))
        }
        Err(ServiceError::NotFound) => {
            let p = body.properties;
            let kind = p.kind.map(ApiGroupType::as_kind).unwrap_or(GroupKind::Custom);
            if kind == GroupKind::System {
                return Err(ApiError::invalid_field(
                    "properties.type",
                    "system groups cannot be created; use custom or external",
                ));
            }
            if p.display_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(ApiError::invalid_field("properties.displayName", "required"));
            }
            let form = GroupForm {
                name: p.display_name.unwrap_or_default(),
                description: p.description.unwrap_or_default(),
                external_id: p.external_id.unwrap_or_default(),
            };
            service::create_named(&ctx.state, &ctx.admin, kind, form, Some(&uid)).await?;
            let g = find(&ctx).await?;
            Ok(entity(StatusCode::CREATED, &etag(g.version), group_json(&ctx, &g)))
        }
        Err(e) => Err(e.into()),
    }
}

/// PATCH: If-Match required.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let g = find(&ctx).await?;
    refuse_system(&g)?;
    ctx.check_if_match(&etag(g.version))?;
    let body: GroupBody = parse_body(&body)?;
    let form = merged(&g, body.properties)?;
    service::update(&ctx.state, &ctx.admin, &g.uid, form, g.version).await?;
    let g = find(&ctx).await?;
    Ok(entity(StatusCode::OK, &etag(g.version), group_json(&ctx, &g)))
}

/// DELETE: If-Match required; 204 when there was nothing to delete.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    let g = match service::get(&ctx.state, &ctx.admin, ctx.param("groupId")).await {
        Ok(g) => g,
        Err(ServiceError::NotFound) => return Ok(no_content()),
        Err(e) => return Err(e.into()),
    };
    refuse_system(&g)?;
    ctx.check_if_match(&etag(g.version))?;
    service::delete(&ctx.state, &ctx.admin, &g.uid, None).await?;
    Ok(StatusCode::OK.into_response())
}

async fn group_id(ctx: &Ctx) -> Result<(i64, GroupRow), ApiError> {
    let uid = ctx.param("groupId");
    let mut conn = ctx.state.pool.acquire().await?;
    repo::by_uid(&mut conn, uid).await?.ok_or_else(|| ApiError::not_found(&format!("Group '{uid}'")))
}

pub async fn members(ctx: Ctx) -> Result<Response, ApiError> {
    let (id, _) = group_id(&ctx).await?;
    super::users::list_in(&ctx, crate::users::repo::Scope::MembersOf(id)).await
}

/// HEAD: 204 if the account is a member, 404 if not.
pub async fn is_member(ctx: Ctx) -> Result<Response, ApiError> {
    let (id, _) = group_id(&ctx).await?;
    let uid = ctx.param("userId");
    let mut conn = ctx.state.pool.acquire().await?;
    let u = crate::users::repo::by_uid(&mut conn, uid)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("User '{uid}'")))?;
    if repo::is_member(&mut conn, id, u.user_id()).await? {
        Ok(no_content())
    } else {
        Ok(StatusCode::NOT_FOUND.into_response())
    }
}

/// PUT: 201 added, 200 already a member; answers the user.
pub async fn add_member(ctx: Ctx) -> Result<Response, ApiError> {
    let added = set_member(&ctx, true).await?;
    let mut conn = ctx.state.pool.acquire().await?;
    let u =
        crate::users::repo::by_uid(&mut conn, ctx.param("userId")).await?.ok_or_else(|| ApiError::not_found("User"))?;
    let status = if added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(super::users::user_json(&ctx, &u, None))).into_response())
}

/// DELETE: 200 removed, 204 was not a member.
pub async fn remove_member(ctx: Ctx) -> Result<Response, ApiError> {
    let removed = set_member(&ctx, false).await?;
    Ok(if removed { StatusCode::OK } else { StatusCode::NO_CONTENT }.into_response())
}

async fn set_member(ctx: &Ctx, member: bool) -> Result<bool, ApiError> {
    let (g, u) = (ctx.param("groupId"), ctx.param("userId"));
    service::set_member(&ctx.state, &ctx.admin, g, u, member).await.map_err(|e| match e {
        ServiceError::NotFound => ApiError::not_found(&format!("Group '{g}' or user '{u}'")),
        ServiceError::Refused(_) => ApiError::bad_request(format!(
            "'{g}' is a system group: Gatehouse manages its members (make an administrator on the user's page)."
        )),
        other => other.into(),
    })
}
