//! Server functions for the Activity screen.
use super::ActivityPage;
use crate::error::AppError;
use leptos::prelude::*;

pub const PER_PAGE: u32 = 50;

#[server(endpoint = "admin/activity/list")]
pub async fn list_activity(page: u32) -> Result<ActivityPage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        page_of(&admin, None, page).await
    })
    .await
}

/// The entries about one user, group or product.
#[server(endpoint = "admin/activity/of")]
pub async fn target_activity(kind: String, uid: String, page: u32) -> Result<ActivityPage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        page_of(&admin, Some((&kind, &uid)), page).await
    })
    .await
}

#[cfg(feature = "ssr")]
pub async fn page_of(
    _: &crate::auth::capability::Admin,
    target: Option<(&str, &str)>,
    page: u32,
) -> Result<ActivityPage, AppError> {
    let state = crate::auth::ssr::app_state();
    let mut conn = state.pool.acquire().await?;
    let page = page.max(1);
    let (rows, total) = super::repo::list(&mut conn, target, PER_PAGE, (page as u64 - 1) * PER_PAGE as u64).await?;
    Ok(ActivityPage { rows, total, page, per_page: PER_PAGE })
}
