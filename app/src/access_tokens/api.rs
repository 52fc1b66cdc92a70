//! Server functions of the Access tokens screen.
use super::{CreatedToken, TokenRow};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[server(endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    run(async move {
        require_admin()?;
        Ok(service::list(&app_state()).await?)
    })
    .await
}

/// `valid_days`: 0 for no expiry.
#[server(endpoint = "admin/tokens/create")]
pub async fn create_token(name: String, valid_days: u32) -> Result<CreatedToken, AppError> {
    run(async move {
        let actor = require_admin_actor()?;
        Ok(service::create(&app_state(), &actor, &name, valid_days).await?)
    })
    .await
}

#[server(endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(uid: String, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let actor = require_admin_actor()?;
        Ok(service::revoke(&app_state(), &actor, &uid, reason.as_deref()).await?)
    })
    .await
}
