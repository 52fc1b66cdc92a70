//! Server functions for the usage charts: the developer's own
//! subscriptions, and administrators' pages and dashboard.
use super::{SubscriptionUsage, UsageCharts};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

/// The caller's own subscriptions' usage and what their limits leave.
#[server(endpoint = "usage/mine")]
pub async fn my_usage() -> Result<Vec<SubscriptionUsage>, AppError> {
    run(async move {
        let me = require_user()?;
        Ok(service::mine(&app_state(), me.user_id).await?)
    })
    .await
}

/// The usage of one subscription, product, user or API (`kind`).
#[server(endpoint = "admin/usage/of")]
pub async fn usage_of(kind: String, uid: String) -> Result<UsageCharts, AppError> {
    run(async move {
        let admin = require_admin()?;
        if !["subscription", "product", "user", "api"].contains(&kind.as_str()) {
            return Err(AppError::NotFound);
        }
        Ok(service::of(&app_state(), &admin, &kind, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/usage/dashboard")]
pub async fn usage_dashboard() -> Result<super::DashboardUsage, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::dashboard(&app_state(), &admin).await?)
    })
    .await
}
