//! One layer in front of every route: client address, CSRF refusal, session
//! resolution, the admin-area guard, and security headers on every response.
use app::auth::sessions::{self, SessionUser};
use app::state::{AppState, ClientIp};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use std::net::SocketAddr;

pub async fn request_guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&state, &req);
    req.extensions_mut().insert(ClientIp(ip));

    if !is_safe_method(req.method()) {
        if let Err(reason) = same_origin(req.headers(), &state.settings.public_url) {
            tracing::warn!(%ip, path = %req.uri().path(), reason, "refused cross-site request");
            return with_security_headers(
                &state,
                (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response(),
            );
        }
    }

    let viewer = match session_token(&state, req.headers()) {
        Some(token) => {
            match sessions::resolve(&state.pool, &state.settings, &state.session_touches, &token, app::db::now()).await
            {
                Ok(v) => v,
                Err(e) => {
                    tracing::error!(error = %e, "session lookup failed");
                    let retry = [(header::RETRY_AFTER, app::db::BUSY_RETRY_SECS.to_string())];
                    return with_security_headers(&state, (StatusCode::SERVICE_UNAVAILABLE, retry).into_response());
                }
            }
        }
        None => None,
    };
    req.extensions_mut().insert::<Option<SessionUser>>(viewer.clone());

    let path = req.uri().path().to_string();
    // Administrators' server functions are refused before their arguments
    // are even decoded, whatever the function itself checks (it checks too:
    // its services take an `Admin`).
    if path.starts_with("/api/admin/") {
        use app::error::AppError;
        let refusal = match viewer.as_ref().map(app::auth::capability::Admin::from_session) {
            None => Some((StatusCode::UNAUTHORIZED, AppError::Unauthenticated)),
            Some(Err(e)) => Some((StatusCode::FORBIDDEN, e)),
            Some(Ok(_)) => None,
        };
        if let Some((status, e)) = refusal {
            // The error as the server function itself would have encoded it,
            // so the page shows the same message.
            let body = serde_json::to_string(&e).unwrap_or_default();
            let json = [(header::CONTENT_TYPE, "application/json")];
            return with_security_headers(&state, (status, json, body).into_response());
        }
    }
    let is_admin_page = req.method() == Method::GET && (path == "/admin" || path.starts_with("/admin/"));
    let mut forbidden = false;
    if is_admin_page {
        match &viewer {
            None => {
                // The query too: a bookmarked search or page comes back as it was.
                let wanted = req.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or(&path);
                let target = format!("/sign-in?next={}", app::url::percent_encode(wanted));
                return with_security_headers(&state, Redirect::to(&target).into_response());
            }
            Some(v) if v.is_admin && v.must_change_password => {
                return with_security_headers(&state, Redirect::to("/profile").into_response());
            }
            Some(v) if !v.is_admin => forbidden = true,
            Some(_) => {}
        }
    }

    // Delegation: a team's own site owns sign-in and sign-up. `?local`
    // keeps this page (administrators sign in here).
    if req.method() == Method::GET && viewer.is_none() && (path == "/sign-in" || path == "/sign-up") {
        let query = req.uri().query().unwrap_or_default();
        if !query.split('&').any(|p| p == "local" || p.starts_with("local=")) {
            if let Some(url) = delegated(&state, &path, query).await {
                return with_security_headers(&state, Redirect::to(&url).into_response());
            }
        }
    }

    let is_server_fn = path.starts_with("/api/");
    let mut res = next.run(req).await;
    if is_server_fn && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        res = undecodable_arguments_are_bad_requests(res).await;
    }
    if forbidden {
        // The layout renders the "no access" page; the status tells machines.
        *res.status_mut() = StatusCode::FORBIDDEN;
    }
    with_security_headers(&state, res)
}

/// The delegate site's URL for the sign-in or sign-up page, if delegated.
/// `returnUrl` is the page to come back to (the `next` this page was given).
async fn delegated(state: &AppState, path: &str, query: &str) -> Option<String> {
    use app::delegation::Operation;
    let op = if path == "/sign-up" { Operation::SignUp } else { Operation::SignIn };
    let next = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "next").map(|(_, v)| v.into_owned());
    let back = app::auth::safe_next(&state.settings.public_url, next.as_deref()).unwrap_or_else(|| "/".into());
    match app::delegation::service::redirect(state, op, &back).await {
        Ok(url) => url,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the delegation settings");
            None
        }
    }
}

/// server_fn answers arguments it cannot decode (missing, wrong type) with
/// 500 and a `Transport` error, the only place the server makes one: that is
/// the caller's mistake, a 400. Real failures (`Internal`) stay 500.
async fn undecodable_arguments_are_bad_requests(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if matches!(serde_json::from_slice::<app::error::AppError>(&bytes), Ok(app::error::AppError::Transport(_))) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests a browser sent from another site. Modern
/// browsers send Sec-Fetch-Site; otherwise Origin must be ours. A request with
/// neither header did not come from a browser page, so it carries no CSRF risk.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> Result<(), &'static str> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err("sec-fetch-site is not same-origin"),
        };
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => Ok(()),
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            let matches_host = origin.split_once("://").map(|(_, h)| h == host).unwrap_or(false);
            if origin == public_url || matches_host {
                Ok(())
            } else {
                Err("origin is not this site")
            }
        }
    }
}

fn client_ip(state: &AppState, req: &Request) -> std::net::IpAddr {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    if state.settings.trust_proxy_headers {
        // The proxy appends the address it saw; the last entry is the one we can trust.
        if let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|s| s.trim().parse().ok())
        {
            return ip;
        }
    }
    peer
}

fn session_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| sessions::token_from_cookies(&state.settings, c))
}

fn with_security_headers(state: &AppState, mut res: Response) -> Response {
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "no-referrer");
    set("cross-origin-opener-policy", "same-origin");
    set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    // Pages set their own CSP with a nonce; everything else gets the strictest one.
    set("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    if state.settings.is_https() {
        set("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    let is_asset = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.starts_with("application/wasm")
                || ct.contains("javascript")
                || ct.starts_with("text/css")
                || ct.starts_with("image/")
        })
        .unwrap_or(false);
    if !is_asset {
        // Pages and server-function answers carry personal data: never cache them.
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let url = "http://127.0.0.1:3000";
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")]), url).is_ok());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")]), url).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-site")]), url).is_err());
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:3000")]), url).is_ok());
        assert!(same_origin(&headers(&[("origin", "http://evil.example"), ("host", "127.0.0.1:3000")]), url).is_err());
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:4000"), ("host", "127.0.0.1:4000")]), url).is_ok());
        assert!(same_origin(&headers(&[("origin", "null")]), url).is_err());
        assert!(same_origin(&headers(&[]), url).is_ok());
    }
}
