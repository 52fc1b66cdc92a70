//! Server functions for the Emails screen.
use super::EmailPage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/emails/list")]
pub async fn list_emails(page: u32) -> Result<EmailPage, AppError> {
    crate::auth::ssr::run(async move {
        crate::auth::ssr::require_admin()?;
        Ok(super::service::list(&crate::auth::ssr::app_state(), page).await?)
    })
    .await
}

/// Queues a test message to the administrator who asks.
#[server(endpoint = "admin/emails/send_test")]
pub async fn send_test_email() -> Result<i64, AppError> {
    crate::auth::ssr::run(async move {
        let actor = crate::auth::ssr::require_admin_actor()?;
        let lang = crate::i18n::initial_lang();
        Ok(super::service::send_test(&crate::auth::ssr::app_state(), &actor, lang).await?)
    })
    .await
}

#[server(endpoint = "admin/emails/retry")]
pub async fn retry_email(id: i64) -> Result<(), AppError> {
    crate::auth::ssr::run(async move {
        crate::auth::ssr::require_admin()?;
        Ok(super::service::retry(&crate::auth::ssr::app_state(), id).await?)
    })
    .await
}
