//! Server functions for the Emails screen.
use super::EmailPage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/emails/list")]
pub async fn list_emails(page: u32) -> Result<EmailPage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        Ok(super::service::list(&crate::auth::ssr::app_state(), &admin, page).await?)
    })
    .await
}

/// Queues a test message to the administrator who asks.
#[server(endpoint = "admin/emails/send_test")]
pub async fn send_test_email() -> Result<i64, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        let lang = crate::i18n::initial_lang();
        Ok(super::service::send_test(&crate::auth::ssr::app_state(), &admin, lang).await?)
    })
    .await
}

#[server(endpoint = "admin/emails/retry")]
pub async fn retry_email(id: i64) -> Result<(), AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        Ok(super::service::retry(&crate::auth::ssr::app_state(), &admin, id).await?)
    })
    .await
}

#[server(endpoint = "admin/emails/get")]
pub async fn get_email(id: i64) -> Result<super::EmailMessage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        Ok(super::service::message(&crate::auth::ssr::app_state(), &admin, id).await?)
    })
    .await
}

#[server(endpoint = "admin/templates/list")]
pub async fn list_templates() -> Result<Vec<super::TemplateSummary>, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        Ok(super::service::templates(&crate::auth::ssr::app_state(), &admin).await?)
    })
    .await
}

/// `name` is the template's APIM name, e.g. inviteUserNotificationMessage.
#[server(endpoint = "admin/templates/get")]
pub async fn get_template(name: String) -> Result<super::TemplateDetail, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        let name = super::templates::TemplateName::from_api_name(&name).ok_or(AppError::NotFound)?;
        Ok(super::service::template(&crate::auth::ssr::app_state(), &admin, name).await?)
    })
    .await
}

#[server(endpoint = "admin/templates/save")]
pub async fn save_template(name: String, lang: String, subject: String, body: String) -> Result<(), AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        let name = super::templates::TemplateName::from_api_name(&name).ok_or(AppError::NotFound)?;
        let lang = crate::i18n::Lang::from_code(&lang).ok_or(AppError::NotFound)?;
        Ok(super::service::save_template(&crate::auth::ssr::app_state(), &admin, name, lang, &subject, &body).await?)
    })
    .await
}

#[server(endpoint = "admin/templates/reset")]
pub async fn reset_template(name: String, lang: String) -> Result<(), AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        let name = super::templates::TemplateName::from_api_name(&name).ok_or(AppError::NotFound)?;
        let lang = crate::i18n::Lang::from_code(&lang).ok_or(AppError::NotFound)?;
        Ok(super::service::reset_template(&crate::auth::ssr::app_state(), &admin, name, lang).await?)
    })
    .await
}

/// Mails the editor's current text to the administrator.
#[server(endpoint = "admin/templates/send_test")]
pub async fn send_template_test(name: String, lang: String, subject: String, body: String) -> Result<i64, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        let name = super::templates::TemplateName::from_api_name(&name).ok_or(AppError::NotFound)?;
        let lang = crate::i18n::Lang::from_code(&lang).ok_or(AppError::NotFound)?;
        Ok(super::service::send_template_test(&crate::auth::ssr::app_state(), &admin, name, lang, &subject, &body)
            .await?)
    })
    .await
}
