//! Sign-in, sign-out, sessions and the checks every server function makes.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod pages;

/// The longest password accepted (also the config crate's limit).
pub const MAX_PASSWORD_LEN: usize = 128;
#[cfg(feature = "ssr")]
pub mod capability;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;

/// What the page knows about the signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    /// The configured minimum, so the page can state the rule before typing.
    pub password_min_length: usize,
}

impl Me {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    ssr::run(async move {
        let min = ssr::app_state().settings.password_min_length;
        Ok(ssr::viewer().map(|u| Me {
            password_min_length: min,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            is_admin: u.is_admin,
            must_change_password: u.must_change_password,
        }))
    })
    .await
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    ssr::run(async move {
        let state = ssr::app_state();
        let parts = ssr::request_parts();
        let ip = parts.extensions.get::<crate::state::ClientIp>().map(|c| c.0);
        let ua = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok());
        let old = ssr::viewer().map(|v| v.session_hash);
        let outcome = service::sign_in(&state, &email, password, ip, ua, old).await?;
        ssr::set_cookie(&sessions::set_cookie_header(&state.settings, &outcome.token));
        let target = match (outcome.must_change_password, safe_next(&state.settings.public_url, next.as_deref())) {
            (true, _) => "/profile".to_string(),
            (false, Some(n)) => n,
            (false, None) if outcome.is_admin => "/admin".to_string(),
            (false, None) => "/".to_string(),
        };
        leptos_axum::redirect(&target);
        Ok(())
    })
    .await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    ssr::run(async move {
        let state = ssr::app_state();
        if let Some(v) = ssr::viewer() {
            sessions::delete(&mut state.pool.acquire().await?, &v.session_hash).await?;
        }
        ssr::set_cookie(&sessions::clear_cookie_header(&state.settings));
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String, confirm: String) -> Result<(), AppError> {
    ssr::run(async move {
        let state = ssr::app_state();
        let me = ssr::require_signed_in()?;
        let token = service::change_password(&state, &me, &ssr::client(), current, new_password, confirm).await?;
        ssr::set_cookie(&sessions::set_cookie_header(&state.settings, &token));
        Ok(())
    })
    .await
}

/// Where to go after sign-in: `next` resolved against the public URL the way
/// a browser resolves a `Location` (the WHATWG URL parser, which drops tabs
/// and newlines and reads `\` as `/`), kept only when it stays on this
/// origin. Control characters are refused outright, so nothing that could
/// break a header reaches the redirect. The result is the serialised path,
/// query and fragment: always a valid header value.
#[cfg(feature = "ssr")]
pub fn safe_next(public_url: &str, next: Option<&str>) -> Option<String> {
    let next = next?;
    if !next.starts_with('/') || next.len() > 2048 || next.chars().any(char::is_control) {
        return None;
    }
    let base = url::Url::parse(public_url).ok()?;
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    let local = &target[url::Position::BeforePath..];
    (!local.starts_with("//") && !local.starts_with("/api/")).then(|| local.to_string())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side helpers: who is calling, and the checks that guard every
    //! server function. Hiding a button is not authorization; these are.
    use super::sessions::SessionUser;
    pub use crate::auth::capability::Admin;
    use crate::error::AppError;
    use crate::state::AppState;
    use leptos::prelude::*;

    pub fn app_state() -> AppState {
        expect_context::<AppState>()
    }

    pub fn request_parts() -> http::request::Parts {
        expect_context::<http::request::Parts>()
    }

    /// The browser and address of this request, for a session it opens.
    pub fn client() -> super::sessions::Client {
        let parts = request_parts();
        super::sessions::Client::of_request(&parts.headers, &parts.extensions)
    }

    /// The signed-in user of this request, as resolved by the session middleware.
    pub fn viewer() -> Option<SessionUser> {
        super::sessions::viewer_of(&use_context::<http::request::Parts>()?.extensions)
    }

    /// Counts one costly anonymous request (sign-up, forgot password)
    /// against the caller's address; refuses with 429 beyond the allowance.
    pub async fn limit_costly_request(what: &str) -> Result<(), AppError> {
        let state = app_state();
        let Some(ip) = request_parts().extensions.get::<crate::state::ClientIp>().map(|c| c.0) else {
            return Ok(());
        };
        let key = format!("{what} {ip}");
        match super::throttle::attempt(&state, &[(&crate::state::COSTLY_THROTTLE, &key)]).await? {
            Some(secs) => Err(AppError::TooManyRequests { retry_after_secs: secs }),
            None => Ok(()),
        }
    }

    /// A signed-in account that may use the portal: one that must change
    /// its one-time password may do nothing else until it has.
    pub fn require_user() -> Result<SessionUser, AppError> {
        let u = require_signed_in()?;
        if u.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(u)
    }

    /// Any signed-in account, also one that must change its password: only
    /// for changing it.
    pub fn require_signed_in() -> Result<SessionUser, AppError> {
        viewer().ok_or(AppError::Unauthenticated)
    }

    /// An administrator who has set their own password: the only way a
    /// server function gets the [`Admin`] that administrators' services ask for.
    pub fn require_admin() -> Result<Admin, AppError> {
        Admin::from_session(&require_signed_in()?)
    }

    /// Runs a server function body and gives a failure its HTTP status
    /// (401, 403, 404, 422, 429 with Retry-After, or 500) instead of the
    /// framework's blanket 500, so the API and the logs tell them apart.
    pub async fn run<T>(body: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
        let result = body.await;
        // A plain HTML form post (no wasm yet) is answered by leptos_axum with
        // a redirect back to the form; a status here would replace it.
        let plain_form = use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::ACCEPT)?.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if plain_form {
            return result;
        }
        if let (Err(e), Some(res)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
            use http::StatusCode;
            let status = match e {
                AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
                AppError::Forbidden | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Conflict => StatusCode::CONFLICT,
                AppError::Refused(_) => StatusCode::CONFLICT,
                AppError::Link(_) => StatusCode::GONE,
                AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Throttled { retry_after_secs } | AppError::TooManyRequests { retry_after_secs } => {
                    res.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
                    StatusCode::TOO_MANY_REQUESTS
                }
                AppError::Busy { retry_after_secs } => {
                    res.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
                    StatusCode::SERVICE_UNAVAILABLE
                }
                AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            res.set_status(status);
        }
        result
    }

    pub fn set_cookie(value: &str) {
        let opts = expect_context::<leptos_axum::ResponseOptions>();
        if let Ok(v) = http::HeaderValue::from_str(value) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "ssr")]
    #[test]
    fn next_must_stay_on_this_origin() {
        use super::safe_next;
        let next = |n: &str| safe_next("https://portal.example.com", Some(n));
        assert_eq!(next("/admin/users").as_deref(), Some("/admin/users"));
        assert_eq!(next("/products/x?tab=keys#top").as_deref(), Some("/products/x?tab=keys#top"));
        assert_eq!(next("//evil.example"), None);
        assert_eq!(next("https://evil.example"), None);
        assert_eq!(next("https://portal.example.com/admin"), None, "only paths, not absolute URLs");
        assert_eq!(next("/\\evil.example"), None);
        assert_eq!(next("/\t/evil.example"), None, "a tab that browsers drop");
        assert_eq!(next("/\n/evil.example"), None, "a newline (would break the Location header)");
        assert_eq!(next("/\r\n/evil.example"), None);
        assert_eq!(next("/\u{7f}/evil.example"), None);
        assert_eq!(next("javascript:alert(1)"), None);
        assert_eq!(next("/api/sign_out"), None);
        // An encoded tab stays an encoded tab: a path on this site.
        assert_eq!(next("/%09/evil.example").as_deref(), Some("/%09/evil.example"));
        assert_eq!(next("/a b").as_deref(), Some("/a%20b"));
        assert_eq!(safe_next("https://portal.example.com", None), None);
    }
}
