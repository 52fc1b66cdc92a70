//! The emailed URL and the cookie that carries its token to the page.
use super::LinkPurpose;
use crate::config::Settings;
use crate::state::AppState;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;

/// Long enough to read the page and choose a password; the link's own
/// expiry is checked on the server whatever the cookie says.
const COOKIE_SECS: i64 = 2 * 3600;

fn cookie_name(settings: &Settings, purpose: LinkPurpose) -> String {
    let prefix = if settings.is_https() { "__Host-" } else { "" };
    format!("{prefix}gatehouse_{}", purpose.as_str())
}

/// The URL that goes into the email.
pub fn url(settings: &Settings, purpose: LinkPurpose, token: &str) -> String {
    format!("{}/l/{}/{token}", settings.public_url, purpose.as_str())
}

fn cookie(settings: &Settings, purpose: LinkPurpose, value: &str, max_age: i64) -> String {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    format!("{}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}", cookie_name(settings, purpose))
}

pub fn clear_cookie(settings: &Settings, purpose: LinkPurpose) -> String {
    cookie(settings, purpose, "", 0)
}

/// The token this browser brought from the emailed link, if any.
pub fn token_from_cookies(settings: &Settings, cookie_header: &str, purpose: LinkPurpose) -> Option<String> {
    crate::auth::sessions::cookie_value(cookie_header, &cookie_name(settings, purpose))
}

/// Tokens are 43 base64url characters; anything else is not worth a cookie.
fn plausible(token: &str) -> bool {
    (20..=100).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /l/{purpose}/{token}`: keeps the token in a cookie and sends the
/// browser on to the page, which says what the link does (or why it cannot).
/// Nothing is used up here, so a mail scanner that fetches links harms nothing.
pub async fn follow(state: AppState, Path((purpose, token)): Path<(String, String)>) -> Response {
    let Some(purpose) = LinkPurpose::parse(&purpose) else {
        return Redirect::to("/").into_response();
    };
    let mut res = Redirect::to(purpose.page()).into_response();
    let value = if plausible(&token) { token.as_str() } else { "invalid" };
    if let Ok(v) = http::HeaderValue::from_str(&cookie(&state.settings, purpose, value, COOKIE_SECS)) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// In a server function: the token of this request's link cookie.
pub fn request_token(purpose: LinkPurpose) -> Option<String> {
    let parts = crate::auth::ssr::request_parts();
    let settings = crate::auth::ssr::app_state().settings;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    token_from_cookies(&settings, header, purpose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_and_scoped_per_purpose() {
        let s = Settings::from_sources(None, Vec::<(String, String)>::new()).unwrap();
        let c = cookie(&s, LinkPurpose::Reset, "tok", 60);
        assert_eq!(c, "gatehouse_reset=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=60");
        assert_eq!(token_from_cookies(&s, "a=b; gatehouse_reset=tok", LinkPurpose::Reset), Some("tok".into()));
        assert_eq!(token_from_cookies(&s, "gatehouse_reset=tok", LinkPurpose::Invitation), None);
        assert!(!plausible("short"));
        assert!(!plausible("abc;def=ghi-jklmnopqrstuvwxyz"));
        assert!(plausible(&crate::auth::tokens::random_token()));
    }
}
