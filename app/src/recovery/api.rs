//! Server functions for password reset.
use super::ResetView;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

/// User detail → Reset password (after a confirmation).
#[server(endpoint = "admin/users/send_reset")]
pub async fn send_reset_link(uid: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::send_by_admin(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// The Forgot password form. Answers the same for every well-formed address.
#[server(endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    run(async move {
        limit_costly_request("forgot").await?;
        Ok(service::request(&app_state(), &email).await?)
    })
    .await
}

#[server(endpoint = "reset/view")]
pub async fn load_reset_link() -> Result<ResetView, AppError> {
    run(async move {
        let token = crate::links::web::request_token(crate::links::LinkPurpose::Reset);
        Ok(service::view(&app_state(), token.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "reset/set_password")]
pub async fn reset_password(password: String, confirm: String) -> Result<(), AppError> {
    run(async move {
        use crate::links::{web, LinkPurpose};
        let state = app_state();
        service::reset(&state, web::request_token(LinkPurpose::Reset), password, confirm).await?;
        set_cookie(&web::clear_cookie(&state.settings, LinkPurpose::Reset));
        // This browser's session (if any) ended with the others.
        set_cookie(&crate::auth::sessions::clear_cookie_header(&state.settings));
        Ok(())
    })
    .await
}
