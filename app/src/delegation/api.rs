//! Server functions of Settings → Delegation.
use super::DelegationSettings;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[server(endpoint = "admin/delegation")]
pub async fn load_delegation() -> Result<DelegationSettings, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::settings(&app_state(), &admin).await?)
    })
    .await
}

/// `user_registration` is a checkbox (present when ticked). Answers the
/// validation key when this save generated one (the first), to show once.
#[server(endpoint = "admin/delegation/save")]
pub async fn save_delegation(
    url: String,
    user_registration: Option<String>,
    version: i64,
) -> Result<Option<String>, AppError> {
    run(async move {
        let admin = require_admin()?;
        let update = service::Update {
            url: Some(url),
            user_registration: Some(user_registration.is_some()),
            ..Default::default()
        };
        Ok(service::save(&app_state(), &admin, update, Some(version)).await?)
    })
    .await
}

/// A new validation key, shown once.
#[server(endpoint = "admin/delegation/new_key")]
pub async fn new_delegation_key(version: i64) -> Result<Option<String>, AppError> {
    run(async move {
        let admin = require_admin()?;
        let update = service::Update { regenerate_key: true, ..Default::default() };
        Ok(service::save(&app_state(), &admin, update, Some(version)).await?)
    })
    .await
}

/// Public: where the sign-in (`sign_up` false) or sign-up page sends the
/// visitor when delegated, with APIM's signed parameters; None otherwise.
/// The server redirects a page load itself; this serves the browser app's
/// own navigations to those pages.
#[server(endpoint = "delegation/target")]
pub async fn delegation_target(sign_up: bool, next: Option<String>) -> Result<Option<String>, AppError> {
    run(async move {
        let state = app_state();
        if crate::auth::ssr::viewer().is_some() {
            return Ok(None);
        }
        let op = if sign_up { super::Operation::SignUp } else { super::Operation::SignIn };
        let back = crate::auth::safe_next(&state.settings.public_url, next.as_deref()).unwrap_or_else(|| "/".into());
        Ok(service::redirect(&state, op, &back).await?)
    })
    .await
}
