//! What load balancers ask: `/healthz` (the process answers) and `/readyz`
//! (the database is reachable, every migration is applied and the key index
//! follows the change log). A replica that is not ready answers 503, so
//! traffic goes to the others.
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long the database may take to answer the readiness check.
const DB_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn alive() -> &'static str {
    "ok"
}

pub async fn ready(state: AppState) -> Response {
    let database = tokio::time::timeout(DB_TIMEOUT, crate::db::migrations_applied(&state.pool)).await;
    let (database, migrations) = match database {
        Ok(Ok(applied)) => ("ok", if applied { "ok" } else { "pending" }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            ("unreachable", "unknown")
        }
        Err(_) => ("timeout", "unknown"),
    };
    let key_index = if !state.gate.lease_holds() {
        "lease lapsed"
    } else if state.gate.is_current() {
        "ok"
    } else {
        "stale"
    };
    let ready = database == "ok" && migrations == "ok" && key_index == "ok";
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": database,
        "migrations": migrations,
        "keyIndex": key_index,
        "appliedKeyChange": state.gate.applied(),
        "replica": state.gate.replica_name(),
    });
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, [("cache-control", "no-store")], axum::Json(body)).into_response()
}
