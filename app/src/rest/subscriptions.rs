//! `…/subscriptions`: APIM's Subscription operations, over
//! `subscriptions::service`. Keys never appear in reads; `listSecrets`
//! shows them (and is logged, as on the screen).
use super::{check_name, entity, etag, no_content, nullable, odata, parse_body, ApiError, Ctx};
use crate::error::ServiceError;
use crate::subscriptions::repo::{self as repo, Scope};
use crate::subscriptions::service::{self, Caller, NewByAdmin, ScopeTarget, SubscriptionPatch};
use crate::subscriptions::{KeySlot, SubscriptionRow, SubscriptionScope, SubscriptionState};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/subscriptions";

/// APIM's SubscriptionContract (without the keys).
pub fn subscription_json(ctx: &Ctx, s: &SubscriptionRow) -> Value {
    json!({
        "id": ctx.id(&format!("/subscriptions/{}", s.uid)),
        "type": TYPE,
        "name": s.uid,
        "properties": {
            "ownerId": ctx.id(&format!("/users/{}", s.user_uid)),
            "scope": ctx.id(&s.scope.path()),
            "displayName": s.name,
            "state": s.state,
            "createdDate": odata::format_date(s.created_at),
            "startDate": s.start_date.map(odata::format_date),
            "expirationDate": s.expiration_date.map(odata::format_date),
            "endDate": s.end_date.map(odata::format_date),
            "notificationDate": Value::Null,
            "stateComment": s.state_comment,
            "allowTracing": false,
        }
    })
}

pub async fn list_in(ctx: &Ctx, scope: Scope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let filter = ctx.filter(&odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip).await?;
    Ok(ctx.collection(rows.iter().map(|s| subscription_json(ctx, s)).collect(), count, top, skip))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, Scope::All).await
}

pub const MAX_SID: usize = 256;

async fn find(ctx: &Ctx) -> Result<SubscriptionRow, ApiError> {
    let sid = ctx.param("sid");
    let mut conn = ctx.state.pool.acquire().await?;
    let s = repo::by_uid(&mut conn, sid).await?.ok_or_else(|| ApiError::not_found(&format!("Subscription '{sid}'")))?;
    Ok(s.row)
}

fn answer(ctx: &Ctx, status: StatusCode, s: &SubscriptionRow) -> Response {
    entity(status, &etag(s.version), subscription_json(ctx, s))
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let s = find(&ctx).await?;
    Ok(answer(&ctx, StatusCode::OK, &s))
}

/// The token's administrator, as the subscription services see callers.
fn caller(ctx: &Ctx) -> Caller {
    Caller::of_admin(&ctx.admin)
}

fn not_found(ctx: &Ctx) -> impl Fn(ServiceError) -> ApiError + '_ {
    move |e| match e {
        ServiceError::NotFound => ApiError::not_found(&format!("Subscription '{}'", ctx.param("sid"))),
        other => other.into(),
    }
}

/// APIM's SubscriptionCreateParameters and SubscriptionUpdateParameters.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscriptionProps {
    pub owner_id: Option<String>,
    pub scope: Option<String>,
    pub display_name: Option<String>,
    pub state: Option<SubscriptionState>,
    pub state_comment: Option<String>,
    pub primary_key: Option<String>,
    pub secondary_key: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub expiration_date: Option<Option<String>>,
    pub allow_tracing: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionBody {
    pub properties: SubscriptionProps,
}

/// `…/users/ada`, `/users/ada` → `ada` (APIM answers with the long form and
/// accepts both).
fn last_segment<'a>(value: &'a str, kind: &str) -> Option<&'a str> {
    let (_, rest) = value.rsplit_once(&format!("/{kind}/"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

fn owner_of(value: &str) -> Result<&str, ApiError> {
    last_segment(value, "users").ok_or_else(|| {
        ApiError::invalid_field("properties.ownerId", format!("'{value}' is not a user id like /users/{{userId}}"))
    })
}

/// APIM's scopes, short or long: `…/products/{productId}`, `…/apis/{apiId}`
/// and `…/apis` (every API).
fn scope_of(value: &str) -> Result<ScopeTarget<'_>, ApiError> {
    if let Some(p) = last_segment(value, "products") {
        return Ok(ScopeTarget::Product(p));
    }
    if let Some(a) = last_segment(value, "apis") {
        return Ok(ScopeTarget::Api(a));
    }
    if value.trim_end_matches('/').ends_with("/apis") {
        return Ok(ScopeTarget::AllApis);
    }
    Err(ApiError::invalid_field(
        "properties.scope",
        format!("'{value}' is not a scope like /products/{{productId}}, /apis/{{apiId}} or /apis"),
    ))
}

/// Whether a scope in a request names what the subscription opens.
fn same_scope(given: ScopeTarget<'_>, current: &SubscriptionScope) -> bool {
    match (given, current) {
        (ScopeTarget::Product(p), SubscriptionScope::Product { uid, .. }) => p == uid,
        (ScopeTarget::Api(a), SubscriptionScope::Api { uid, .. }) => a == uid,
        (ScopeTarget::AllApis, SubscriptionScope::AllApis) => true,
        _ => false,
    }
}

fn expiration(value: Option<Option<String>>) -> Result<Option<Option<i64>>, ApiError> {
    match value {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(v)) => odata::parse_date(&v).map(|t| Some(Some(t))).ok_or_else(|| {
            ApiError::invalid_field(
                "properties.expirationDate",
                format!("'{v}' is not a date like 2025-12-31T00:00:00Z"),
            )
        }),
    }
}

fn no_tracing(p: &SubscriptionProps) -> Result<(), ApiError> {
    if p.allow_tracing == Some(true) {
        return Err(ApiError::invalid_field("properties.allowTracing", "Gatehouse has no request tracing; use false"));
    }
    Ok(())
}

/// PUT: subscribes a user to a product (201) or updates the subscription
/// (200). Without `state` a new subscription is `submitted`, as in APIM;
/// `notify=true` emails the owner.
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let sid = ctx.param("sid").to_string();
    check_name("sid", &sid, MAX_SID)?;
    let body: SubscriptionBody = parse_body(&body)?;
    let p = body.properties;
    no_tracing(&p)?;
    let notify = ctx.flag("notify")?;
    let mut conn = ctx.state.pool.acquire().await?;
    let current = repo::by_uid(&mut conn, &sid).await?;
    drop(conn);
    if let Some(s) = current {
        ctx.check_if_match(&etag(s.row.version))?;
        return updated(&ctx, &s.row, p, notify).await;
    }
    let scope = p.scope.as_deref().ok_or_else(|| ApiError::invalid_field("properties.scope", "required"))?;
    let scope = scope_of(scope)?;
    let me = ctx.admin.user_id().map(|id| id.0);
    let owner = match p.owner_id.as_deref() {
        Some(o) => owner_of(o)?.to_string(),
        // APIM: without an owner the subscription is the administrator's.
        None => {
            let mut conn = ctx.state.pool.acquire().await?;
            let id = me.ok_or_else(|| ApiError::invalid_field("properties.ownerId", "required"))?;
            crate::users::repo::by_uid_id(&mut conn, crate::users::UserId(id)).await?.uid
        }
    };
    let expiration_date = expiration(p.expiration_date)?.flatten();
    let row = service::create_for(
        &ctx.state,
        &caller(&ctx),
        NewByAdmin {
            uid: &sid,
            owner: &owner,
            scope,
            name: p.display_name.as_deref().unwrap_or(""),
            state: p.state.unwrap_or(SubscriptionState::Submitted),
            primary_key: p.primary_key.as_deref(),
            secondary_key: p.secondary_key.as_deref(),
            expiration_date,
            notify,
        },
    )
    .await?;
    Ok(answer(&ctx, StatusCode::CREATED, &row))
}

async fn updated(ctx: &Ctx, s: &SubscriptionRow, p: SubscriptionProps, notify: bool) -> Result<Response, ApiError> {
    no_tracing(&p)?;
    if let Some(o) = p.owner_id.as_deref() {
        if owner_of(o)? != s.user_uid {
            return Err(ApiError::invalid_field(
                "properties.ownerId",
                "a subscription cannot move to another user; create one for them instead",
            ));
        }
    }
    if let Some(sc) = p.scope.as_deref() {
        if !same_scope(scope_of(sc)?, &s.scope) {
            return Err(ApiError::invalid_field(
                "properties.scope",
                "a subscription cannot move to another scope; create one for it instead",
            ));
        }
    }
    let patch = SubscriptionPatch {
        name: p.display_name,
        state: p.state,
        comment: p.state_comment,
        expiration_date: expiration(p.expiration_date)?,
        primary_key: p.primary_key,
        secondary_key: p.secondary_key,
        notify,
    };
    let row = service::patch(&ctx.state, &caller(ctx), &s.uid, patch, Some(s.version)).await.map_err(not_found(ctx))?;
    Ok(answer(ctx, StatusCode::OK, &row))
}

/// PATCH: If-Match required. `state` moves along APIM's lifecycle
/// (submitted → active or rejected, active → suspended, suspended → active,
/// any open state → cancelled); `notify=true` emails the owner.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let s = find(&ctx).await?;
    ctx.check_if_match(&etag(s.version))?;
    let body: SubscriptionBody = parse_body(&body)?;
    updated(&ctx, &s, body.properties, ctx.flag("notify")?).await
}

/// DELETE: If-Match required; the keys stop working at once. 204 when
/// there was nothing to delete.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    let s = match find(&ctx).await {
        Ok(s) => s,
        Err(e) if e.status == StatusCode::NOT_FOUND => return Ok(no_content()),
        Err(e) => return Err(e),
    };
    ctx.check_if_match(&etag(s.version))?;
    service::delete(&ctx.state, &caller(&ctx), &s.uid).await.map_err(not_found(&ctx))?;
    Ok(StatusCode::OK.into_response())
}

/// POST listSecrets: both keys (logged, as when an administrator reveals
/// them on the screen).
pub async fn list_secrets(ctx: Ctx) -> Result<Response, ApiError> {
    let s = find(&ctx).await?;
    let keys = service::keys(&ctx.state, &caller(&ctx), &s.uid).await.map_err(not_found(&ctx))?;
    Ok(entity(
        StatusCode::OK,
        &etag(s.version),
        json!({ "primaryKey": keys.primary.expose(), "secondaryKey": keys.secondary.expose() }),
    ))
}

async fn regenerate(ctx: Ctx, slot: KeySlot) -> Result<Response, ApiError> {
    let sid = ctx.param("sid");
    service::regenerate(&ctx.state, &caller(&ctx), sid, slot).await.map_err(not_found(&ctx))?;
    Ok(no_content())
}

/// POST regeneratePrimaryKey: 204; the old key stops working at once.
pub async fn regenerate_primary(ctx: Ctx) -> Result<Response, ApiError> {
    regenerate(ctx, KeySlot::Primary).await
}

pub async fn regenerate_secondary(ctx: Ctx) -> Result<Response, ApiError> {
    regenerate(ctx, KeySlot::Secondary).await
}
