//! The two URLs of a sign-in through a provider: `/oidc/{type}/start` sends
//! the browser to the provider, `/oidc/{type}/callback` is where it comes
//! back. Both are plain GETs (top-level navigations), behind the page
//! middleware, which has resolved the client address and any session.
use super::sign_in::{self, Callback};
use super::ProviderKind;
use crate::auth::sessions::{self, Client};
use crate::config::Settings;
use crate::state::AppState;
use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;

fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-gatehouse_oidc"
    } else {
        "gatehouse_oidc"
    }
}

/// SameSite=Lax: the provider's redirect back is a cross-site top-level
/// GET, which Lax cookies accompany.
fn cookie(settings: &Settings, value: &str, max_age: i64) -> String {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    format!("{}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}", cookie_name(settings))
}

fn cookie_value(settings: &Settings, req: &Request) -> Option<String> {
    let name = cookie_name(settings);
    req.headers().get_all(COOKIE).iter().filter_map(|h| h.to_str().ok()).find_map(|h| sessions::cookie_value(h, name))
}

fn kind_of(req: &Request) -> Option<ProviderKind> {
    let mut parts = req.uri().path().trim_start_matches('/').split('/');
    (parts.next() == Some("oidc")).then_some(())?;
    ProviderKind::parse(parts.next()?)
}

fn with_cookie(mut res: Response, value: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

fn problem(p: super::SsoProblem) -> Response {
    Redirect::to(&format!("/sign-in?sso={}", p.code())).into_response()
}

#[derive(serde::Deserialize, Default)]
struct Start {
    next: Option<String>,
}

/// `GET /oidc/{type}/start?next=…`
pub async fn start(state: AppState, req: Request) -> Response {
    let Some(kind) = kind_of(&req) else { return problem(super::SsoProblem::Failed) };
    let q: Start = serde_urlencoded_query(&req);
    match sign_in::begin(&state, kind, q.next).await {
        Ok(b) => with_cookie(
            Redirect::to(&b.location).into_response(),
            cookie(&state.settings, &b.state, sign_in::PENDING_SECS),
        ),
        Err(p) => problem(p),
    }
}

/// `GET /oidc/{type}/callback?code=…&state=…` (or `error=…`)
pub async fn callback(state: AppState, req: Request) -> Response {
    let Some(kind) = kind_of(&req) else { return problem(super::SsoProblem::Failed) };
    let cb: Callback = serde_urlencoded_query(&req);
    let client = Client::of_request(req.headers(), req.extensions());
    let old = sessions::viewer_of(req.extensions()).map(|u| u.session_hash);
    let cookie_state = cookie_value(&state.settings, &req);
    let clear = cookie(&state.settings, "", 0);
    match sign_in::complete(&state, kind, cb, cookie_state, client, old).await {
        Ok(done) => {
            let res = with_cookie(Redirect::to(&done.target).into_response(), clear);
            with_cookie(res, sessions::set_cookie_header(&state.settings, &done.token))
        }
        Err(p) => with_cookie(problem(p), clear),
    }
}

fn serde_urlencoded_query<T: serde::de::DeserializeOwned + Default>(req: &Request) -> T {
    axum::extract::Query::<T>::try_from_uri(req.uri()).map(|q| q.0).unwrap_or_default()
}
