//! Server functions for sign-up, verification and the sign-up settings.
use super::{SignupSettings, VerifyView};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

/// Public: whether sign-up is open, and the terms to accept.
#[server(endpoint = "signup/settings")]
pub async fn load_signup_settings() -> Result<SignupSettings, AppError> {
    run(async move { Ok(service::settings(&app_state()).await?) }).await
}

/// `accept_terms` is a checkbox: present when ticked.
#[server(endpoint = "signup")]
pub async fn sign_up(
    email: String,
    first_name: String,
    last_name: String,
    password: String,
    accept_terms: Option<String>,
) -> Result<(), AppError> {
    run(async move {
        limit_costly_request("signup").await?;
        let form = service::SignupForm {
            email,
            first_name,
            last_name,
            password,
            accept_terms: accept_terms.is_some(),
            lang: crate::i18n::initial_lang(),
        };
        Ok(service::sign_up(&app_state(), form).await?)
    })
    .await
}

#[server(endpoint = "verify/view")]
pub async fn load_verification() -> Result<VerifyView, AppError> {
    run(async move {
        let token = crate::links::web::request_token(crate::links::LinkPurpose::Verification);
        Ok(service::verify_view(&app_state(), token.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "verify/confirm")]
pub async fn verify_email() -> Result<(), AppError> {
    run(async move {
        use crate::links::{web, LinkPurpose};
        let state = app_state();
        service::verify(&state, web::request_token(LinkPurpose::Verification).as_deref()).await?;
        set_cookie(&web::clear_cookie(&state.settings, LinkPurpose::Verification));
        Ok(())
    })
    .await
}

#[server(endpoint = "admin/users/resend_verification")]
pub async fn resend_verification(uid: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::resend_verification(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// `enabled` is a checkbox: present when ticked.
#[server(endpoint = "admin/settings/signup")]
pub async fn save_signup_settings(enabled: Option<String>, terms: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::save_settings(&app_state(), &admin, enabled.is_some(), &terms).await?)
    })
    .await
}
