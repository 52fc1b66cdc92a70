//! Server functions: the sign-in page's buttons (anyone), and the
//! administrators' identity-provider settings.
use super::{ProviderInput, ProvidersScreen, SignInOptions};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, super::ProviderForm, super::ProviderKind, crate::auth::ssr::*};

/// Public: the providers to offer on the sign-in page, and whether
/// developers may use a password.
#[server(endpoint = "identity/sign_in_options")]
pub async fn load_sign_in_options() -> Result<SignInOptions, AppError> {
    run(async move { Ok(service::sign_in_options(&app_state()).await?) }).await
}

#[server(endpoint = "admin/identity_providers")]
pub async fn load_providers() -> Result<ProvidersScreen, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::screen(&app_state(), &admin).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
fn kind_of(kind: &str) -> Result<ProviderKind, AppError> {
    ProviderKind::parse(kind).ok_or(AppError::NotFound)
}

/// One provider's form, its fields named `p[...]`. Fields a kind does not
/// have may be absent; `create_groups` is a checkbox (present when ticked);
/// `version` is absent for a provider not configured yet.
#[server(endpoint = "admin/identity_providers/save")]
pub async fn save_provider(kind: String, version: Option<i64>, p: ProviderInput) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        let text = |v: Option<String>| v.unwrap_or_default();
        let form = ProviderForm {
            display_name: text(p.display_name),
            authority: text(p.authority),
            signin_tenant: text(p.signin_tenant),
            signin_policy: text(p.signin_policy),
            client_id: text(p.client_id),
            client_secret: text(p.client_secret),
            allowed_tenants: text(p.allowed_tenants),
            scopes: text(p.scopes),
            groups_claim: text(p.groups_claim),
            email_domains: text(p.email_domains),
            create_groups: p.create_groups.is_some(),
        };
        service::save(&app_state(), &admin, kind_of(&kind)?, form, version).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "admin/identity_providers/delete")]
pub async fn delete_provider(kind: String, version: i64) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete(&app_state(), &admin, kind_of(&kind)?, Some(version)).await?)
    })
    .await
}

/// `enabled` is a checkbox: present when ticked.
#[server(endpoint = "admin/identity_providers/password_sign_in")]
pub async fn save_password_sign_in(enabled: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::set_password_sign_in(&app_state(), &admin, enabled.is_some()).await?)
    })
    .await
}
