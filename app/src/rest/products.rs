//! `…/products`: APIM's Product, ProductGroup and ProductSubscriptions
//! operations, over `products::service`. Which groups a product links
//! decides who sees it, as on the product's Visibility tab.
use super::{check_name, entity, etag, no_content, nullable, odata, parse_body, ApiError, Ctx};
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::products::repo;
use crate::products::service;
use crate::products::{ProductForm, ProductRow, ProductState};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/products";
pub const MAX_PRODUCT_ID: usize = 256;

/// APIM's ProductContract; `groups` (expandGroups) lists the groups that see it.
pub fn product_json(ctx: &Ctx, p: &ProductRow, expand_groups: bool) -> Value {
    let mut v = json!({
        "id": ctx.id(&format!("/products/{}", p.uid)),
        "type": TYPE,
        "name": p.uid,
        "properties": {
            "displayName": p.name,
            "description": p.description,
            "terms": p.terms,
            "subscriptionRequired": p.subscription_required,
            "approvalRequired": p.approval_required,
            "subscriptionsLimit": p.subscriptions_limit,
            "state": p.state.as_str(),
        }
    });
    // Gatehouse's own properties, only where set (APIM's contract has none).
    if let Some((c, s)) = p.rate_limit {
        v["properties"]["rateLimit"] = json!({ "calls": c, "renewalPeriod": s });
    }
    if let Some((c, s)) = p.quota {
        v["properties"]["quota"] = json!({ "calls": c, "renewalPeriod": s });
    }
    if expand_groups {
        v["properties"]["groups"] = p
            .groups
            .iter()
            .map(|g| {
                json!({
                    "id": ctx.id(&format!("/groups/{}", g.uid)),
                    "displayName": g.name,
                    "type": g.kind.as_str(),
                    "builtIn": g.kind == crate::groups::GroupKind::System,
                })
            })
            .collect();
    }
    v
}

async fn find(ctx: &Ctx) -> Result<(i64, ProductRow), ApiError> {
    let uid = ctx.param("productId");
    let mut conn = ctx.state.pool.acquire().await?;
    repo::by_uid(&mut conn, uid).await?.ok_or_else(|| ApiError::not_found(&format!("Product '{uid}'")))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, repo::ProductScope::All).await
}

pub async fn list_in(ctx: &Ctx, scope: repo::ProductScope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let expand = ctx.flag("expandGroups")?;
    let filter = ctx.filter(&odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip, expand).await?;
    Ok(ctx.collection(rows.iter().map(|p| product_json(ctx, p, expand)).collect(), count, top, skip))
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let (_, p) = find(&ctx).await?;
    Ok(entity(StatusCode::OK, &etag(p.version), product_json(&ctx, &p, ctx.flag("expandGroups")?)))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductProps {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub terms: Option<String>,
    pub subscription_required: Option<bool>,
    pub approval_required: Option<bool>,
    /// null: no limit.
    #[serde(default, deserialize_with = "nullable")]
    pub subscriptions_limit: Option<Option<i64>>,
    pub state: Option<ProductState>,
    /// Gatehouse's own: APIM sets these with its rate-limit-by-key and
    /// quota-by-key policies. null removes a limit.
    #[serde(default, deserialize_with = "nullable")]
    pub rate_limit: Option<Option<CallLimit>>,
    #[serde(default, deserialize_with = "nullable")]
    pub quota: Option<Option<CallLimit>>,
}

/// `{ "calls": 100, "renewalPeriod": 60 }` (seconds), as APIM's policies name them.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallLimit {
    pub calls: i64,
    pub renewal_period: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductBody {
    pub properties: ProductProps,
}

/// The body over what the product is now (or APIM's defaults for a new one:
/// subscription required, no approval, no limit, not published).
fn merged(current: Option<&ProductRow>, p: ProductProps) -> ProductForm {
    let now = |f: fn(&ProductRow) -> String| current.map(f).unwrap_or_default();
    let limit = match p.subscriptions_limit {
        Some(l) => l,
        None => current.and_then(|c| c.subscriptions_limit),
    };
    let rate = match p.rate_limit {
        Some(l) => l.map(|l| (l.calls, l.renewal_period)),
        None => current.and_then(|c| c.rate_limit),
    };
    let quota = match p.quota {
        Some(l) => l.map(|l| (l.calls, l.renewal_period)),
        None => current.and_then(|c| c.quota),
    };
    ProductForm {
        name: p.display_name.unwrap_or_else(|| now(|c| c.name.clone())),
        description: p.description.unwrap_or_else(|| now(|c| c.description.clone())),
        terms: p.terms.unwrap_or_else(|| now(|c| c.terms.clone())),
        published: p
            .state
            .map(|s| s == ProductState::Published)
            .unwrap_or_else(|| current.is_some_and(|c| c.state == ProductState::Published)),
        subscription_required: p
            .subscription_required
            .unwrap_or_else(|| current.map(|c| c.subscription_required).unwrap_or(true)),
        approval_required: p.approval_required.unwrap_or_else(|| current.is_some_and(|c| c.approval_required)),
        subscriptions_limit: limit.map(|n| n.to_string()).unwrap_or_default(),
        rate_limit_calls: rate.map(|r| r.0.to_string()).unwrap_or_default(),
        rate_limit_seconds: rate.map(|r| r.1.to_string()).unwrap_or_default(),
        quota_calls: quota.map(|q| q.0.to_string()).unwrap_or_default(),
        // The form counts quota periods in minutes; a period that is not a
        // whole number of them is refused with the form's message.
        quota_minutes: quota
            .map(|q| if q.1 % 60 == 0 { (q.1 / 60).to_string() } else { format!("{}s", q.1) })
            .unwrap_or_default(),
    }
}

async fn updated(ctx: &Ctx, p: &ProductRow, props: ProductProps) -> Result<Response, ApiError> {
    let form = merged(Some(p), props);
    service::update(&ctx.state, &ctx.admin, &p.uid, form, p.version).await?;
    let (_, p) = find(ctx).await?;
    Ok(entity(StatusCode::OK, &etag(p.version), product_json(ctx, &p, false)))
}

/// PUT: creates the product named in the path (201) or updates it (200).
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let uid = ctx.param("productId").to_string();
    check_name("productId", &uid, MAX_PRODUCT_ID)?;
    let body: ProductBody = parse_body(&body)?;
    let mut conn = ctx.state.pool.acquire().await?;
    let current = repo::by_uid(&mut conn, &uid).await?;
    drop(conn);
    match current {
        Some((_, p)) => {
            ctx.check_if_match(&etag(p.version))?;
            updated(&ctx, &p, body.properties).await
        }
        None => {
            if body.properties.display_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(ApiError::invalid_field("properties.displayName", "required"));
            }
            service::create_named(&ctx.state, &ctx.admin, merged(None, body.properties), Some(&uid)).await?;
            let (_, p) = find(&ctx).await?;
            Ok(entity(StatusCode::CREATED, &etag(p.version), product_json(&ctx, &p, false)))
        }
    }
}

/// PATCH: If-Match required.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let (_, p) = find(&ctx).await?;
    ctx.check_if_match(&etag(p.version))?;
    let body: ProductBody = parse_body(&body)?;
    updated(&ctx, &p, body.properties).await
}

/// DELETE: If-Match required; a product with subscriptions only with
/// `deleteSubscriptions=true`; 204 when there was nothing to delete.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    let with_subscriptions = ctx.flag("deleteSubscriptions")?;
    let p = match service::get(&ctx.state, &ctx.admin, ctx.param("productId")).await {
        Ok(p) => p,
        Err(ServiceError::NotFound) => return Ok(no_content()),
        Err(e) => return Err(e.into()),
    };
    ctx.check_if_match(&etag(p.version))?;
    match service::delete(&ctx.state, &ctx.admin, &p.uid, with_subscriptions, None).await {
        Ok(()) => Ok(StatusCode::OK.into_response()),
        // APIM's own words, so scripts that look for them still work.
        Err(ServiceError::Refused(Msg::ErrProductHasSubscriptions)) => Err(ApiError::bad_request(
            "Product cannot be deleted since it has existing subscriptions. Delete subscriptions before deleting \
             the product or pass in deleteSubscriptions=true as query param",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The groups that see the product.
pub async fn groups(ctx: Ctx) -> Result<Response, ApiError> {
    let (id, _) = find(&ctx).await?;
    super::groups::list_in(&ctx, crate::groups::repo::Scope::OfProduct(id)).await
}

/// HEAD: 204 if the group sees the product, 404 if not.
pub async fn has_group(ctx: Ctx) -> Result<Response, ApiError> {
    let (_, p) = find(&ctx).await?;
    let g = ctx.param("groupId");
    Ok(if p.groups.iter().any(|r| r.uid == g) { no_content() } else { StatusCode::NOT_FOUND.into_response() })
}

async fn set_group(ctx: &Ctx, visible: bool) -> Result<bool, ApiError> {
    let (p, g) = (ctx.param("productId"), ctx.param("groupId"));
    service::set_group(&ctx.state, &ctx.admin, p, g, visible).await.map_err(|e| match e {
        ServiceError::NotFound => ApiError::not_found(&format!("Product '{p}' or group '{g}'")),
        other => other.into(),
    })
}

/// PUT: the group now sees the product; 201, or 200 if it already did.
/// Answers the group.
pub async fn add_group(ctx: Ctx) -> Result<Response, ApiError> {
    let added = set_group(&ctx, true).await?;
    let g = crate::groups::service::get(&ctx.state, &ctx.admin, ctx.param("groupId")).await?;
    let status = if added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(super::groups::group_json(&ctx, &g))).into_response())
}

/// DELETE: 200 unlinked, 204 was not linked.
pub async fn remove_group(ctx: Ctx) -> Result<Response, ApiError> {
    let removed = set_group(&ctx, false).await?;
    Ok(if removed { StatusCode::OK } else { StatusCode::NO_CONTENT }.into_response())
}

/// The product's subscriptions.
pub async fn subscriptions(ctx: Ctx) -> Result<Response, ApiError> {
    let (id, _) = find(&ctx).await?;
    super::subscriptions::list_in(&ctx, crate::subscriptions::repo::Scope::OfProduct(id)).await
}
