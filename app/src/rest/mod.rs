//! The REST management API on Azure API Management's contract
//! (api-versions 2022-08-01 to 2024-05-01, see `versions`): the same routes, JSON and status codes, so
//! scripts, Terraform and SDKs written for APIM work unchanged. It is another
//! door to the services the screens use: the same rules, transactions and
//! activity log. Callers authenticate with an access token
//! (`Authorization: Bearer …`) that acts as the administrator who made it.
use crate::auth::capability::Admin;
use crate::state::AppState;
use crate::url::percent_encode;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, head, post};
use axum::Router;
use http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub mod apis;
pub mod delegation;
pub mod error;
pub mod groups;
pub mod identity_providers;
pub mod odata;
pub mod openapi;
pub mod products;
pub mod reports;
pub mod subscriptions;
pub mod templates;
pub mod users;
pub mod versions;

pub use error::ApiError;
pub use versions::ApiVersion;

/// Where every resource lives, as in ARM.
pub const PREFIX: &str = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}";
pub const DEFAULT_TOP: i64 = 100;
pub const MAX_TOP: i64 = 1000;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/users", get(users::list))
        .route(
            "/users/{userId}",
            get(users::get).put(users::create_or_update).patch(users::update).delete(users::delete),
        )
        .route("/users/{userId}/groups", get(users::groups))
        .route("/users/{userId}/subscriptions", get(users::subscriptions))
        .route("/users/{userId}/subscriptions/{sid}", get(users::subscription))
        .route("/users/{userId}/identities", get(users::identities))
        .route("/users/{userId}/confirmations/password/send", post(users::send_password_reset))
        .route("/users/{userId}/token", post(delegation::shared_access_token))
        .route("/users/{userId}/generateSsoUrl", post(delegation::generate_sso_url))
        .route(
            "/portalsettings/delegation",
            get(delegation::get).put(delegation::create_or_update).patch(delegation::update),
        )
        .route("/portalsettings/delegation/listSecrets", post(delegation::list_secrets))
        .route("/groups", get(groups::list))
        .route(
            "/groups/{groupId}",
            get(groups::get).put(groups::create_or_update).patch(groups::update).delete(groups::delete),
        )
        .route("/groups/{groupId}/users", get(groups::members))
        .route(
            "/groups/{groupId}/users/{userId}",
            head(groups::is_member).put(groups::add_member).delete(groups::remove_member),
        )
        .route("/products", get(products::list))
        .route(
            "/products/{productId}",
            get(products::get).put(products::create_or_update).patch(products::update).delete(products::delete),
        )
        .route("/products/{productId}/groups", get(products::groups))
        .route(
            "/products/{productId}/groups/{groupId}",
            head(products::has_group).put(products::add_group).delete(products::remove_group),
        )
        .route("/products/{productId}/subscriptions", get(products::subscriptions))
        .route("/products/{productId}/apis", get(apis::of_product))
        .route(
            "/products/{productId}/apis/{apiId}",
            head(apis::in_product).put(apis::add_to_product).delete(apis::remove_from_product),
        )
        .route("/apis", get(apis::list))
        .route("/apis/{apiId}", get(apis::get).put(apis::create_or_update).patch(apis::update).delete(apis::delete))
        .route("/apis/{apiId}/products", get(apis::products))
        .route("/reports/bySubscription", get(reports::by_subscription))
        .route("/reports/byProduct", get(reports::by_product))
        .route("/reports/byUser", get(reports::by_user))
        .route("/reports/byApi", get(reports::by_api))
        .route("/reports/byTime", get(reports::by_time))
        .route("/subscriptions", get(subscriptions::list))
        .route(
            "/subscriptions/{sid}",
            get(subscriptions::get)
                .put(subscriptions::create_or_update)
                .patch(subscriptions::update)
                .delete(subscriptions::delete),
        )
        .route("/subscriptions/{sid}/listSecrets", post(subscriptions::list_secrets))
        .route("/subscriptions/{sid}/regeneratePrimaryKey", post(subscriptions::regenerate_primary))
        .route("/subscriptions/{sid}/regenerateSecondaryKey", post(subscriptions::regenerate_secondary))
        .route("/identityProviders", get(identity_providers::list))
        .route(
            "/identityProviders/{identityProviderName}",
            get(identity_providers::get)
                .put(identity_providers::create_or_update)
                .patch(identity_providers::update)
                .delete(identity_providers::delete),
        )
        .route("/identityProviders/{identityProviderName}/listSecrets", post(identity_providers::list_secrets))
        .route("/templates", get(templates::list))
        .route(
            "/templates/{templateName}",
            get(templates::get).put(templates::create_or_update).patch(templates::update).delete(templates::reset),
        )
        .fallback(|| async { ApiError::not_found("No such operation; see /openapi.json. The resource") });
    Router::new()
        .nest(PREFIX, api)
        .route("/openapi.json", get(openapi::document))
        .with_state(state)
        .layer(axum::middleware::map_response(api_headers))
        // Request bodies beyond 1 MiB are refused before any handler reads them.
        .layer(body_limit())
}

fn body_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(1024 * 1024)
}

/// Every answer: JSON for machines, never cached, never sniffed or framed.
async fn api_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("content-security-policy", HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    res
}

/// One API call: who makes it, on which service path, with which query.
pub struct Ctx {
    pub state: AppState,
    /// The token's administrator: what administrators' services ask for.
    pub admin: Admin,
    /// The api-version the caller asked for: some answers differ by version.
    pub version: ApiVersion,
    /// `/subscriptions/…/service/{serviceName}` as the caller wrote it: ids
    /// in answers start with it, so they round-trip.
    pub base: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub params: Vec<(String, String)>,
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let admin =
            crate::access_tokens::service::authenticate(state, token).await?.ok_or_else(ApiError::unauthorized)?;
        let query: Vec<(String, String)> = parts.uri.query().map(form_urlencoded_pairs).unwrap_or_default();
        let version = match query.iter().find(|(k, _)| k == "api-version").map(|(_, v)| v.as_str()) {
            None => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "MissingApiVersionParameter",
                    format!(
                        "The api-version query parameter is required, e.g. ?api-version={}. Supported: {}.",
                        versions::SUPPORTED[versions::SUPPORTED.len() - 1],
                        versions::SUPPORTED.join(", ")
                    ),
                ))
            }
            Some(v) => ApiVersion::parse(v).ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "InvalidApiVersionParameter",
                    format!("The api-version '{v}' is not supported. Supported: {}.", versions::SUPPORTED.join(", ")),
                )
            })?,
        };
        // An operation that needs If-Match is refused without it before
        // anything else is looked at, whether the entity exists or not (a
        // DELETE of a missing id without If-Match is a 428, not a 204).
        let matched = parts.extensions.get::<axum::extract::MatchedPath>().map(|m| m.as_str().to_string());
        if let Some(op) = matched.as_deref().and_then(|m| openapi::operation(parts.method.as_str(), m)) {
            if op.if_match == openapi::IfMatch::Required && !parts.headers.contains_key(header::IF_MATCH) {
                return Err(ApiError::if_match_required());
            }
        }
        // Inside `nest` the URI lost its prefix; ids and nextLink need the whole path.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let base = path.split('/').take(9).collect::<Vec<_>>().join("/");
        let params = match RawPathParams::from_request_parts(parts, state).await {
            Ok(p) => p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            Err(_) => vec![],
        };
        Ok(Ctx { state: state.clone(), admin, version, base, path, query, params, headers: parts.headers.clone() })
    }
}

/// Splits a query string into decoded pairs.
fn form_urlencoded_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 2;
            }
            (c, _, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Ctx {
    pub fn param(&self, name: &str) -> &str {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A boolean query parameter (`notify=true`); anything but true/false is an error.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.query(name) {
            None | Some("") => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::invalid_field(name, format!("'{v}' is not true or false"))),
        }
    }

    /// The resource id of something under this service: `{base}/users/ada`.
    pub fn id(&self, rest: &str) -> String {
        format!("{}{rest}", self.base)
    }

    /// `$top` and `$skip`, checked.
    pub fn paging(&self) -> Result<(i64, i64), ApiError> {
        let num = |name: &str, min: i64| -> Result<Option<i64>, ApiError> {
            match self.query(name) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<i64>() {
                    Ok(n) if n >= min => Ok(Some(n)),
                    _ => Err(ApiError::invalid_field(name, format!("'{v}' is not a whole number of at least {min}"))),
                },
            }
        };
        let top = num("$top", 1)?.unwrap_or(DEFAULT_TOP).min(MAX_TOP);
        let skip = num("$skip", 0)?.unwrap_or(0);
        Ok((top, skip))
    }

    /// The parsed `$filter`, if there is one.
    pub fn filter_expr(&self) -> Result<Option<odata::Expr>, ApiError> {
        match self.query("$filter").map(str::trim).filter(|f| !f.is_empty()) {
            None => Ok(None),
            Some(f) => Ok(Some(odata::parse(f).map_err(|m| ApiError::invalid_field("$filter", m))?)),
        }
    }

    /// The `$filter`, translated over `t`'s fields, or None.
    pub fn filter(&self, t: &odata::Translator<'_>) -> Result<Option<odata::SqlWhere>, ApiError> {
        match self.filter_expr()? {
            None => Ok(None),
            Some(e) => Ok(Some(t.translate(&e).map_err(|m| ApiError::invalid_field("$filter", m))?)),
        }
    }

    /// `{ value, count, nextLink }`: nextLink repeats this request with the
    /// next `$skip`, absent on the last page.
    pub fn collection(&self, value: Vec<Value>, count: i64, top: i64, skip: i64) -> Response {
        let mut body = json!({ "value": value, "count": count });
        let shown = value_len(&body);
        if skip + shown < count && shown > 0 {
            let mut q: Vec<String> = self
                .query
                .iter()
                .filter(|(k, _)| k != "$skip" && k != "$top")
                .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
                .collect();
            q.push(format!("%24top={top}"));
            q.push(format!("%24skip={}", skip + shown));
            let link = format!("{}{}?{}", self.state.settings.public_url.trim_end_matches('/'), self.path, q.join("&"));
            body["nextLink"] = json!(link);
        }
        axum::Json(body).into_response()
    }

    /// If-Match, when given, against the entity's current ETag; `*` matches
    /// anything. Whether it must be given is the operation table's business,
    /// checked before the handler runs (see `from_request_parts`).
    pub fn check_if_match(&self, current: &str) -> Result<(), ApiError> {
        match self.headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
            None => Ok(()),
            Some(v) => {
                let matches = v.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == current);
                if matches {
                    Ok(())
                } else {
                    Err(ApiError::precondition_failed())
                }
            }
        }
    }
}

fn value_len(body: &Value) -> i64 {
    body["value"].as_array().map(|a| a.len() as i64).unwrap_or(0)
}

/// An entity's ETag from its version counter.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// An entity with its ETag.
pub fn entity(status: StatusCode, tag: &str, body: Value) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Parses a JSON body; a wrong type or unknown value is a 400 that names the
/// property (`properties.state: unknown variant …`).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request needs a JSON body."));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        // serde's "at line 1 column 40" helps little once the path is named.
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        if path == "." || path.is_empty() {
            ApiError::bad_request(format!("The body is not valid JSON for this operation: {msg}"))
        } else {
            ApiError::invalid_field(&path, msg)
        }
    })
}

/// A resource name from the path (userId, groupId, productId, sid): APIM's
/// limits, and no characters that would need escaping in a URL.
pub fn check_name(kind: &str, name: &str, max: usize) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.chars().count() <= max
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            kind,
            format!("'{name}' is not a valid {kind}: 1 to {max} letters, digits, '-', '_', '.' or '~'"),
        ))
    }
}

/// For a property where null means something (`subscriptionsLimit: null`
/// = no limit): absent is None, null is Some(None).
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
