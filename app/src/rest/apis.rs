//! `…/apis` and `…/products/{productId}/apis`: APIM's Api, ProductApi and
//! ApiProduct operations, over `apis::service`. Gatehouse keeps one current
//! revision per API ("1"); revisions and version sets are not modelled.
use super::{check_name, entity, etag, no_content, nullable, parse_body, ApiError, Ctx};
use crate::apis::repo::{self, Scope};
use crate::apis::service;
use crate::apis::{ApiForm, ApiRow};
use crate::error::ServiceError;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/apis";
/// APIM's apiId: 1 to 256 characters.
pub const MAX_API_ID: usize = 256;

/// APIM's ApiContract.
pub fn api_json(ctx: &Ctx, a: &ApiRow) -> Value {
    json!({
        "id": ctx.id(&format!("/apis/{}", a.uid)),
        "type": TYPE,
        "name": a.uid,
        "properties": {
            "displayName": a.name,
            "description": a.description,
            "path": a.path,
            "serviceUrl": a.service_url,
            "protocols": a.protocols,
            "subscriptionRequired": a.subscription_required,
            "subscriptionKeyParameterNames": {
                "header": "Ocp-Apim-Subscription-Key",
                "query": crate::gateway::web::KEY_PARAM,
            },
            "apiRevision": "1",
            "isCurrent": true,
            "isOnline": true,
            "type": "http",
        }
    })
}

async fn find(ctx: &Ctx) -> Result<ApiRow, ApiError> {
    let uid = ctx.param("apiId");
    let mut conn = ctx.state.pool.acquire().await?;
    repo::by_uid(&mut conn, uid).await?.map(|(_, a)| a).ok_or_else(|| ApiError::not_found(&format!("API '{uid}'")))
}

async fn list_in(ctx: &Ctx, scope: Scope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let filter = ctx.filter(&super::odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip).await?;
    Ok(ctx.collection(rows.iter().map(|a| api_json(ctx, a)).collect(), count, top, skip))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, Scope::All).await
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let a = find(&ctx).await?;
    Ok(entity(StatusCode::OK, &etag(a.version), api_json(&ctx, &a)))
}

/// APIM's ApiCreateOrUpdateProperties and ApiUpdateContract, as far as
/// Gatehouse keeps them. Read-only fields a client echoes back are accepted
/// and must say what Gatehouse says.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiProps {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub path: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub service_url: Option<Option<String>>,
    pub protocols: Option<Vec<String>>,
    pub subscription_required: Option<bool>,
    pub api_revision: Option<String>,
    pub is_current: Option<bool>,
    #[serde(rename = "type")]
    pub api_type: Option<String>,
    pub subscription_key_parameter_names: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiBody {
    pub properties: ApiProps,
}

fn fixed_fields(p: &ApiProps) -> Result<(), ApiError> {
    if p.api_revision.as_deref().is_some_and(|r| r != "1") {
        return Err(ApiError::invalid_field("properties.apiRevision", "Gatehouse keeps one revision per API: \"1\""));
    }
    if p.is_current == Some(false) {
        return Err(ApiError::invalid_field("properties.isCurrent", "the one revision is the current one"));
    }
    if p.api_type.as_deref().is_some_and(|t| t != "http") {
        return Err(ApiError::invalid_field("properties.type", "Gatehouse checks keys for http APIs"));
    }
    if let Some(names) = &p.subscription_key_parameter_names {
        let header = names.get("header").and_then(Value::as_str);
        let query = names.get("query").and_then(Value::as_str);
        if header.is_some_and(|h| !h.eq_ignore_ascii_case("Ocp-Apim-Subscription-Key"))
            || query.is_some_and(|q| q != crate::gateway::web::KEY_PARAM)
        {
            return Err(ApiError::invalid_field(
                "properties.subscriptionKeyParameterNames",
                "the key check reads the Ocp-Apim-Subscription-Key header and the subscription-key parameter",
            ));
        }
    }
    Ok(())
}

/// The body over what the API is now (or APIM's defaults for a new one:
/// https, subscription required).
fn merged(current: Option<&ApiRow>, p: ApiProps) -> ApiForm {
    ApiForm {
        name: p.display_name.or_else(|| current.map(|c| c.name.clone())).unwrap_or_default(),
        description: p.description.or_else(|| current.map(|c| c.description.clone())).unwrap_or_default(),
        path: p.path.or_else(|| current.map(|c| c.path.clone())).unwrap_or_default(),
        protocols: p
            .protocols
            .or_else(|| current.map(|c| c.protocols.clone()))
            .unwrap_or_else(|| vec!["https".to_string()]),
        service_url: match p.service_url {
            Some(v) => v.unwrap_or_default(),
            None => current.and_then(|c| c.service_url.clone()).unwrap_or_default(),
        },
        subscription_required: p
            .subscription_required
            .unwrap_or_else(|| current.map(|c| c.subscription_required).unwrap_or(true)),
    }
}

async fn updated(ctx: &Ctx, a: &ApiRow, props: ApiProps) -> Result<Response, ApiError> {
    fixed_fields(&props)?;
    service::update(&ctx.state, &ctx.admin, &a.uid, merged(Some(a), props), a.version).await?;
    let a = find(ctx).await?;
    Ok(entity(StatusCode::OK, &etag(a.version), api_json(ctx, &a)))
}

/// PUT: creates the API named in the path (201) or updates it (200).
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let uid = ctx.param("apiId").to_string();
    check_name("apiId", &uid, MAX_API_ID)?;
    let body: ApiBody = parse_body(&body)?;
    let mut conn = ctx.state.pool.acquire().await?;
    let current = repo::by_uid(&mut conn, &uid).await?;
    drop(conn);
    match current {
        Some((_, a)) => {
            ctx.check_if_match(&etag(a.version))?;
            updated(&ctx, &a, body.properties).await
        }
        None => {
            let p = body.properties;
            fixed_fields(&p)?;
            if p.path.is_none() {
                return Err(ApiError::invalid_field("properties.path", "required"));
            }
            // APIM names a new API after its id when no display name is given.
            let mut form = merged(None, p);
            if form.name.trim().is_empty() {
                form.name = uid.clone();
            }
            service::create(&ctx.state, &ctx.admin, form, Some(&uid)).await?;
            let a = find(&ctx).await?;
            Ok(entity(StatusCode::CREATED, &etag(a.version), api_json(&ctx, &a)))
        }
    }
}

/// PATCH: If-Match required.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let a = find(&ctx).await?;
    ctx.check_if_match(&etag(a.version))?;
    let body: ApiBody = parse_body(&body)?;
    updated(&ctx, &a, body.properties).await
}

/// DELETE: If-Match required; 204 when there was nothing to delete.
/// `deleteRevisions` changes nothing: there is one revision.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    ctx.flag("deleteRevisions")?;
    let a = match find(&ctx).await {
        Ok(a) => a,
        Err(e) if e.status == StatusCode::NOT_FOUND => return Ok(no_content()),
        Err(e) => return Err(e),
    };
    ctx.check_if_match(&etag(a.version))?;
    service::delete(&ctx.state, &ctx.admin, &a.uid).await?;
    Ok(StatusCode::OK.into_response())
}

/// The products that hold an API.
pub async fn products(ctx: Ctx) -> Result<Response, ApiError> {
    let uid = ctx.param("apiId");
    let mut conn = ctx.state.pool.acquire().await?;
    let (id, _) = repo::by_uid(&mut conn, uid).await?.ok_or_else(|| ApiError::not_found(&format!("API '{uid}'")))?;
    drop(conn);
    super::products::list_in(&ctx, crate::products::repo::ProductScope::OfApi(id)).await
}

/// The APIs a product holds.
pub async fn of_product(ctx: Ctx) -> Result<Response, ApiError> {
    let p = ctx.param("productId");
    let mut conn = ctx.state.pool.acquire().await?;
    let (id, _) = crate::products::repo::by_uid(&mut conn, p)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Product '{p}'")))?;
    drop(conn);
    list_in(&ctx, Scope::OfProduct(id)).await
}

fn link_not_found(ctx: &Ctx) -> impl Fn(ServiceError) -> ApiError + '_ {
    move |e| match e {
        ServiceError::NotFound => {
            ApiError::not_found(&format!("Product '{}' or API '{}'", ctx.param("productId"), ctx.param("apiId")))
        }
        other => other.into(),
    }
}

/// HEAD: 204 if the product holds the API, 404 if not.
pub async fn in_product(ctx: Ctx) -> Result<Response, ApiError> {
    let inside = service::in_product(&ctx.state, &ctx.admin, ctx.param("productId"), ctx.param("apiId"))
        .await
        .map_err(link_not_found(&ctx))?;
    Ok(if inside { no_content() } else { StatusCode::NOT_FOUND.into_response() })
}

/// PUT: the product holds the API; 201, or 200 if it already did. Answers the API.
pub async fn add_to_product(ctx: Ctx) -> Result<Response, ApiError> {
    let added = service::set_in_product(&ctx.state, &ctx.admin, ctx.param("productId"), ctx.param("apiId"), true)
        .await
        .map_err(link_not_found(&ctx))?;
    let a = find(&ctx).await?;
    let status = if added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(api_json(&ctx, &a))).into_response())
}

/// DELETE: 200 taken out, 204 was not in it.
pub async fn remove_from_product(ctx: Ctx) -> Result<Response, ApiError> {
    let removed = service::set_in_product(&ctx.state, &ctx.admin, ctx.param("productId"), ctx.param("apiId"), false)
        .await
        .map_err(link_not_found(&ctx))?;
    Ok(if removed { StatusCode::OK } else { StatusCode::NO_CONTENT }.into_response())
}
