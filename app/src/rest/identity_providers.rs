//! `…/identityProviders`: APIM's IdentityProvider operations, over
//! `identity::service`. Named by type as in APIM (`aad`, `aadB2C`) plus
//! Gatehouse's `oidc` for any OpenID provider; the other types APIM knows
//! (facebook, google, microsoft, twitter) are not served. The client secret
//! is write-only: GET never shows it, `listSecrets` does.
use super::{entity, etag, parse_body, ApiError, Ctx};
use crate::error::ServiceError;
use crate::identity::repo::Stored;
use crate::identity::{service, ProviderForm, ProviderKind};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/identityProviders";

fn kind_of(ctx: &Ctx) -> Result<ProviderKind, ApiError> {
    let name = ctx.param("identityProviderName");
    ProviderKind::parse(name).ok_or_else(|| match name {
        "facebook" | "google" | "microsoft" | "twitter" => ApiError::invalid_field(
            "identityProviderName",
            format!("'{name}' is not offered; use 'oidc' with the provider's issuer (any OpenID Connect provider)"),
        ),
        _ => ApiError::not_found(&format!("Identity provider '{name}'")),
    })
}

/// APIM's IdentityProviderContract, with Gatehouse's fields beside APIM's.
fn provider_json(ctx: &Ctx, p: &Stored) -> Value {
    let kind = p.kind();
    let mut props = json!({
        "type": kind.as_str(),
        "clientId": p.client_id,
        "authority": p.authority,
        "allowedTenants": p.allowed_tenants(),
        "displayName": p.display_name,
        "scopes": p.scopes,
        "groupsClaim": p.groups_claim,
        "allowedEmailDomains": p.email_domains(),
        "createGroups": p.create_groups,
        "redirectUri": service::redirect_uri(&ctx.state.settings, kind),
    });
    if let Some(t) = &p.signin_tenant {
        props["signinTenant"] = json!(t);
    }
    if let Some(s) = &p.signin_policy {
        props["signinPolicyName"] = json!(s);
    }
    json!({
        "id": ctx.id(&format!("/identityProviders/{}", kind.as_str())),
        "type": TYPE,
        "name": kind.as_str(),
        "properties": props,
    })
}

/// IdentityProviderCreateContract / IdentityProviderUpdateParameters. APIM's
/// B2C-only policy names and `clientLibrary` are accepted; only the
/// sign-in policy is used (sign-up happens in the same user flow).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Props {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    authority: Option<String>,
    allowed_tenants: Option<Vec<String>>,
    signin_tenant: Option<String>,
    signin_policy_name: Option<String>,
    #[allow(dead_code)]
    signup_policy_name: Option<String>,
    #[allow(dead_code)]
    profile_editing_policy_name: Option<String>,
    #[allow(dead_code)]
    password_reset_policy_name: Option<String>,
    #[allow(dead_code)]
    client_library: Option<String>,
    display_name: Option<String>,
    scopes: Option<String>,
    groups_claim: Option<String>,
    allowed_email_domains: Option<Vec<String>>,
    create_groups: Option<bool>,
    #[allow(dead_code)]
    redirect_uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    properties: Props,
}

/// The form: what the body says over what is stored (or the defaults).
fn merged(kind: ProviderKind, base: ProviderForm, p: Props) -> Result<ProviderForm, ApiError> {
    if p.kind.as_deref().is_some_and(|t| t != kind.as_str()) {
        return Err(ApiError::invalid_field("properties.type", format!("must be '{}', as in the URL", kind.as_str())));
    }
    Ok(ProviderForm {
        display_name: p.display_name.unwrap_or(base.display_name),
        authority: p.authority.unwrap_or(base.authority),
        signin_tenant: p.signin_tenant.unwrap_or(base.signin_tenant),
        signin_policy: p.signin_policy_name.unwrap_or(base.signin_policy),
        client_id: p.client_id.unwrap_or(base.client_id),
        client_secret: p.client_secret.unwrap_or_default(),
        allowed_tenants: p.allowed_tenants.map(|t| t.join("\n")).unwrap_or(base.allowed_tenants),
        scopes: p.scopes.unwrap_or(base.scopes),
        groups_claim: p.groups_claim.unwrap_or(base.groups_claim),
        email_domains: p.allowed_email_domains.map(|d| d.join("\n")).unwrap_or(base.email_domains),
        create_groups: p.create_groups.unwrap_or(base.create_groups),
    })
}

async fn current(ctx: &Ctx, kind: ProviderKind) -> Result<Option<Stored>, ApiError> {
    match service::get(&ctx.state, &ctx.admin, kind).await {
        Ok(p) => Ok(Some(p)),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn missing(kind: ProviderKind) -> ApiError {
    ApiError::not_found(&format!("Identity provider '{}'", kind.as_str()))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let all = service::all(&ctx.state, &ctx.admin).await?;
    let value: Vec<Value> = all.iter().map(|p| provider_json(&ctx, p)).collect();
    let n = value.len() as i64;
    Ok(ctx.collection(value, n, n.max(1), 0))
}

/// GET (and HEAD: axum answers it from GET without the body).
pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let kind = kind_of(&ctx)?;
    let p = current(&ctx, kind).await?.ok_or_else(|| missing(kind))?;
    Ok(entity(StatusCode::OK, &etag(p.version), provider_json(&ctx, &p)))
}

/// PUT: 201 created, 200 replaced (If-Match optional). A replaced provider
/// keeps its secret unless the body sends one.
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let kind = kind_of(&ctx)?;
    let body: Body = parse_body(&body)?;
    let cur = current(&ctx, kind).await?;
    if let Some(c) = &cur {
        ctx.check_if_match(&etag(c.version))?;
    }
    let base = ProviderForm {
        authority: kind.default_authority().into(),
        scopes: "openid email profile".into(),
        display_name: kind.title().into(),
        ..Default::default()
    };
    let form = merged(kind, base, body.properties)?;
    let created = service::save(&ctx.state, &ctx.admin, kind, form, cur.as_ref().map(|c| c.version)).await?;
    let p = current(&ctx, kind).await?.ok_or_else(|| missing(kind))?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(entity(status, &etag(p.version), provider_json(&ctx, &p)))
}

/// PATCH: If-Match required; only the given properties change.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let kind = kind_of(&ctx)?;
    let body: Body = parse_body(&body)?;
    let cur = current(&ctx, kind).await?.ok_or_else(|| missing(kind))?;
    ctx.check_if_match(&etag(cur.version))?;
    let form = merged(kind, cur.form(), body.properties)?;
    service::save(&ctx.state, &ctx.admin, kind, form, Some(cur.version)).await?;
    let p = current(&ctx, kind).await?.ok_or_else(|| missing(kind))?;
    Ok(entity(StatusCode::OK, &etag(p.version), provider_json(&ctx, &p)))
}

/// DELETE: If-Match required; 200, or 204 when there was none.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    let kind = kind_of(&ctx)?;
    let Some(cur) = current(&ctx, kind).await? else { return Ok(StatusCode::NO_CONTENT.into_response()) };
    ctx.check_if_match(&etag(cur.version))?;
    service::delete(&ctx.state, &ctx.admin, kind, Some(cur.version)).await?;
    Ok(StatusCode::OK.into_response())
}

/// POST …/listSecrets: APIM's ClientSecretContract.
pub async fn list_secrets(ctx: Ctx) -> Result<Response, ApiError> {
    let kind = kind_of(&ctx)?;
    let secret = service::client_secret(&ctx.state, &ctx.admin, kind).await.map_err(|e| match e {
        ServiceError::NotFound => missing(kind),
        other => other.into(),
    })?;
    Ok(axum::Json(json!({ "clientSecret": secret.expose() })).into_response())
}
