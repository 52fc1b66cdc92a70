//! Server functions for the developer's subscriptions and the
//! administrators' Subscriptions screen.
use super::{SubscriptionKeys, SubscriptionPage, SubscriptionQuery, SubscriptionRow};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use {
    super::service::{self, Caller},
    super::SubscriptionAction,
    crate::auth::ssr::*,
};

/// The signed-in person as the service sees them (refused until a one-time
/// password is changed).
#[cfg(feature = "ssr")]
fn caller() -> Result<Caller, AppError> {
    let u = require_user()?;
    Ok(Caller { user: u.user_id, email: u.email, is_admin: u.is_admin })
}

#[cfg(feature = "ssr")]
fn admin_caller() -> Result<(Admin, Caller), AppError> {
    let admin = require_admin()?;
    let c = Caller::of_admin(&admin);
    Ok((admin, c))
}

#[server(endpoint = "subscriptions/subscribe")]
pub async fn subscribe(product: String, name: String, accept_terms: bool) -> Result<SubscriptionRow, AppError> {
    run(async move {
        let c = caller()?;
        Ok(service::subscribe(&app_state(), &c, &product, &name, accept_terms).await?)
    })
    .await
}

#[server(endpoint = "subscriptions/mine")]
pub async fn my_subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    run(async move {
        let c = caller()?;
        Ok(service::mine(&app_state(), c.user).await?)
    })
    .await
}

/// Both keys of one subscription (owner or administrator).
#[server(endpoint = "subscriptions/keys")]
pub async fn reveal_keys(uid: String) -> Result<SubscriptionKeys, AppError> {
    run(async move {
        let c = caller()?;
        Ok(service::keys(&app_state(), &c, &uid).await?)
    })
    .await
}

/// `key` is "primary" or "secondary".
#[server(endpoint = "subscriptions/regenerate")]
pub async fn regenerate_key(uid: String, key: String) -> Result<(), AppError> {
    run(async move {
        let c = caller()?;
        let slot = super::keys::KeySlot::parse(&key).ok_or(AppError::NotFound)?;
        Ok(service::regenerate(&app_state(), &c, &uid, slot).await?)
    })
    .await
}

/// The developer cancels their own subscription.
#[server(endpoint = "subscriptions/cancel")]
pub async fn cancel_subscription(uid: String) -> Result<SubscriptionRow, AppError> {
    run(async move {
        let c = caller()?;
        Ok(service::act(&app_state(), &c, &uid, SubscriptionAction::Cancel, None, None).await?)
    })
    .await
}

#[server(endpoint = "admin/subscriptions/list", input = Json)]
pub async fn list_subscriptions(query: SubscriptionQuery) -> Result<SubscriptionPage, AppError> {
    run(async move {
        let (admin, _) = admin_caller()?;
        Ok(service::list(&app_state(), &admin, &query).await?)
    })
    .await
}

/// `action`: approve, reject, suspend, reactivate or cancel.
#[server(endpoint = "admin/subscriptions/act")]
pub async fn act_on_subscription(
    uid: String,
    action: String,
    comment: Option<String>,
    version: Option<i64>,
) -> Result<SubscriptionRow, AppError> {
    run(async move {
        let (_, c) = admin_caller()?;
        let action = SubscriptionAction::parse(&action)
            .ok_or_else(|| AppError::field("action", crate::i18n::Msg::ErrSubscriptionTransition))?;
        Ok(service::act(&app_state(), &c, &uid, action, comment.as_deref(), version).await?)
    })
    .await
}
