//! `GET /signin-sso?token=…&returnUrl=…`: where a delegate site sends the
//! browser with a single-sign-on token (APIM's developer portal path).
use crate::auth::sessions::{self, Client};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;

#[derive(serde::Deserialize, Default)]
struct Query {
    token: Option<String>,
    #[serde(rename = "returnUrl")]
    return_url: Option<String>,
}

pub async fn sign_in(state: AppState, req: Request) -> Response {
    let q: Query = axum::extract::Query::try_from_uri(req.uri()).map(|q| q.0).unwrap_or_default();
    let client = Client::of_request(req.headers(), req.extensions());
    let old = sessions::viewer_of(req.extensions()).map(|u| u.session_hash);
    let outcome = match q.token.as_deref() {
        Some(t) => crate::delegation::service::sign_in_with_token(&state, t, &client, old).await,
        None => Err(AppError::Link(crate::links::LinkProblem::Missing)),
    };
    match outcome {
        Ok((token, is_admin)) => {
            let target = match crate::auth::safe_next(&state.settings.public_url, q.return_url.as_deref()) {
                Some(n) => n,
                None if is_admin => "/admin".into(),
                None => "/".into(),
            };
            let mut res = Redirect::to(&target).into_response();
            if let Ok(v) = http::HeaderValue::from_str(&sessions::set_cookie_header(&state.settings, &token)) {
                res.headers_mut().append(SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let code = match e {
                AppError::Link(crate::links::LinkProblem::Expired | crate::links::LinkProblem::Used) => "expired",
                _ => "failed",
            };
            tracing::info!(error = %e, "single-sign-on token refused");
            // `local`: the sign-in page itself, not the delegate site again.
            Redirect::to(&format!("/sign-in?local&sso={code}")).into_response()
        }
    }
}
