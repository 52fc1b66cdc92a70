//! The REST API's error: APIM's `{"error": {"code", "message", "details"}}`
//! with the HTTP status that goes with it.
use crate::error::ServiceError;
use crate::i18n::Lang;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// (code, message, target)
    pub details: Vec<(String, String, String)>,
    /// Seconds for a `Retry-After` header (503 when the server is busy).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: vec![], retry_after: None }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationError", message)
    }
    pub fn invalid_field(target: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::bad_request(format!("{target}: {message}"));
        e.details.push(("ValidationError".into(), message, target.into()));
        e
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "ResourceNotFound", format!("{what} not found."))
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Send an access token as 'Authorization: Bearer <token>'. Administrators create tokens on the Access tokens screen.",
        )
    }
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            "The entity changed since it was read: its ETag no longer matches If-Match. Read it again and retry.",
        )
    }
    pub fn if_match_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "PreconditionRequired",
            "This operation needs an If-Match header: the entity's ETag, or * to change it whatever its state.",
        )
    }
    pub fn busy(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            format!("The server is busy. Retry after {retry_after_secs} seconds."),
        );
        e.retry_after = Some(retry_after_secs);
        e
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "Something went wrong on the server; it is logged.",
        )
    }
}

/// The API's property name for a field name of the service layer.
pub fn property_name(field: &str) -> String {
    match field {
        "first_name" => "firstName".into(),
        "last_name" => "lastName".into(),
        "external_id" => "externalId".into(),
        "name" => "displayName".into(),
        "subscriptions_limit" => "subscriptionsLimit".into(),
        "comment" => "stateComment".into(),
        "accept_terms" => "terms".into(),
        "service_url" => "serviceUrl".into(),
        "rate_limit_calls" => "rateLimit.calls".into(),
        "rate_limit_seconds" => "rateLimit.renewalPeriod".into(),
        "quota_calls" => "quota.calls".into(),
        "quota_minutes" => "quota.renewalPeriod".into(),
        "display_name" => "displayName".into(),
        "validation_key" => "validationKey".into(),
        "subscriptions" => "subscriptions.enabled".into(),
        "client_id" => "clientId".into(),
        "client_secret" => "clientSecret".into(),
        "signin_tenant" => "signinTenant".into(),
        "signin_policy" => "signinPolicyName".into(),
        "allowed_tenants" => "allowedTenants".into(),
        "groups_claim" => "groupsClaim".into(),
        "email_domains" => "allowedEmailDomains".into(),
        other => other.into(),
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Validation(errs) => {
                let details: Vec<(String, String, String)> = errs
                    .iter()
                    .map(|f| {
                        let target = property_name(&f.field);
                        ("ValidationError".to_string(), f.message(Lang::En), target)
                    })
                    .collect();
                let message = details
                    .iter()
                    .map(|(_, m, t)| if t.is_empty() { m.clone() } else { format!("{t}: {m}") })
                    .collect::<Vec<_>>()
                    .join("; ");
                ApiError {
                    status: StatusCode::BAD_REQUEST,
                    code: "ValidationError",
                    message,
                    details,
                    retry_after: None,
                }
            }
            ServiceError::NotFound => ApiError::not_found("The entity"),
            ServiceError::Conflict => ApiError::precondition_failed(),
            ServiceError::Refused(m) => ApiError::new(StatusCode::BAD_REQUEST, "ValidationError", m.text(Lang::En)),
            ServiceError::Link(p) => ApiError::bad_request(format!("{p:?}")),
            ServiceError::Db(e) if crate::db::is_busy(&e) => ApiError::busy(crate::db::BUSY_RETRY_SECS),
            ServiceError::Db(e) => {
                tracing::error!(error = %e, "database error in the REST API");
                ApiError::internal()
            }
            ServiceError::Busy(secs) => ApiError::busy(secs),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Db(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let details: Vec<_> =
            self.details.iter().map(|(c, m, t)| json!({ "code": c, "message": m, "target": t })).collect();
        let body = json!({ "error": { "code": self.code, "message": self.message, "details": details } });
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(http::header::RETRY_AFTER, secs.into());
        }
        res
    }
}
