//! Server functions of the Access tokens screen.
use super::{CreatedToken, TokenRow};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[server(endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::list(&app_state(), &admin).await?)
    })
    .await
}

/// `valid_days`: 0 for no expiry.
#[server(endpoint = "admin/tokens/create")]
pub async fn create_token(name: String, valid_days: u32) -> Result<CreatedToken, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::create(&app_state(), &admin, &name, valid_days).await?)
    })
    .await
}

#[server(endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(uid: String, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::revoke(&app_state(), &admin, &uid, reason.as_deref()).await?)
    })
    .await
}
