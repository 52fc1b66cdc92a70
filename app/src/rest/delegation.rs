//! `…/portalsettings/delegation` (APIM's Delegation settings, with
//! listSecrets for the validation key) and the delegate site's calls back:
//! `…/users/{userId}/token` (User_GetSharedAccessToken) and
//! `…/users/{userId}/generateSsoUrl` (User_GenerateSsoUrl).
use super::{entity, etag, parse_body, ApiError, Ctx};
use crate::delegation::service::{self, Update};
use crate::delegation::DelegationSettings;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

fn settings_json(ctx: &Ctx, s: &DelegationSettings) -> Value {
    json!({
        "id": ctx.id("/portalsettings/delegation"),
        "type": "Microsoft.ApiManagement/service/portalsettings",
        "name": "delegation",
        "properties": {
            "url": if s.url.is_empty() { Value::Null } else { json!(s.url) },
            "subscriptions": { "enabled": s.subscriptions },
            "userRegistration": { "enabled": s.user_registration },
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Enabled {
    enabled: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Props {
    url: Option<String>,
    validation_key: Option<String>,
    subscriptions: Option<Enabled>,
    user_registration: Option<Enabled>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    properties: Props,
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let s = service::settings(&ctx.state, &ctx.admin).await?;
    Ok(entity(StatusCode::OK, &etag(s.version), settings_json(&ctx, &s)))
}

async fn save(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let cur = service::settings(&ctx.state, &ctx.admin).await?;
    ctx.check_if_match(&etag(cur.version))?;
    let p = parse_body::<Body>(&body)?.properties;
    let update = Update {
        url: p.url,
        user_registration: p.user_registration.map(|e| e.enabled),
        subscriptions: p.subscriptions.map(|e| e.enabled),
        validation_key: p.validation_key,
        regenerate_key: false,
    };
    service::save(&ctx.state, &ctx.admin, update, Some(cur.version)).await?;
    let s = service::settings(&ctx.state, &ctx.admin).await?;
    Ok(entity(StatusCode::OK, &etag(s.version), settings_json(&ctx, &s)))
}

/// PUT (If-Match optional) and PATCH (required): the given properties change.
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    save(ctx, body).await
}

pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    save(ctx, body).await
}

/// POST …/listSecrets: APIM's PortalSettingValidationKeyContract.
pub async fn list_secrets(ctx: Ctx) -> Result<Response, ApiError> {
    let key = service::validation_key(&ctx.state, &ctx.admin).await?;
    Ok(axum::Json(json!({ "validationKey": key.as_ref().map(|k| k.expose()) })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenProps {
    key_type: Option<String>,
    expiry: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    #[serde(default)]
    properties: TokenProps,
}

fn missing_user(e: crate::error::ServiceError, uid: &str) -> ApiError {
    match e {
        crate::error::ServiceError::NotFound => ApiError::not_found(&format!("User '{uid}'")),
        other => other.into(),
    }
}

/// POST …/users/{userId}/token: `{ "value": "SharedAccessSignature …" }`.
pub async fn shared_access_token(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let uid = ctx.param("userId").to_string();
    let p = if body.is_empty() { TokenProps::default() } else { parse_body::<TokenBody>(&body)?.properties };
    let secondary = match p.key_type.as_deref() {
        None | Some("primary") => false,
        Some("secondary") => true,
        Some(other) => {
            return Err(ApiError::invalid_field("properties.keyType", format!("'{other}' is not primary or secondary")))
        }
    };
    let expiry = p.expiry.ok_or_else(|| ApiError::invalid_field("properties.expiry", "required"))?;
    let at = crate::filter::parse_date(&expiry)
        .ok_or_else(|| ApiError::invalid_field("properties.expiry", "not an ISO 8601 date-time"))?;
    let token = service::shared_access_token(&ctx.state, &ctx.admin, &uid, secondary, at)
        .await
        .map_err(|e| missing_user(e, &uid))?;
    Ok(axum::Json(json!({ "value": token.expose() })).into_response())
}

/// POST …/users/{userId}/generateSsoUrl: `{ "value": "<portal>/signin-sso?token=…" }`.
pub async fn generate_sso_url(ctx: Ctx) -> Result<Response, ApiError> {
    let uid = ctx.param("userId").to_string();
    let url = service::sso_url(&ctx.state, &ctx.admin, &uid).await.map_err(|e| missing_user(e, &uid))?;
    Ok(axum::Json(json!({ "value": url.expose() })).into_response())
}
