//! Server functions for the Activity screen.
use super::{ActivityFilter, ActivityPage};
use crate::error::AppError;
use leptos::prelude::*;

pub const PER_PAGE: u32 = 50;

/// One page of the whole log; `filter` (absent: everything) narrows it.
#[server(endpoint = "admin/activity/list")]
pub async fn list_activity(page: u32, filter: Option<ActivityFilter>) -> Result<ActivityPage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        page_of(&admin, None, &filter.unwrap_or_default(), page).await
    })
    .await
}

/// The entries about one user, group or product.
#[server(endpoint = "admin/activity/of")]
pub async fn target_activity(kind: String, uid: String, page: u32) -> Result<ActivityPage, AppError> {
    crate::auth::ssr::run(async move {
        let admin = crate::auth::ssr::require_admin()?;
        page_of(&admin, Some((&kind, &uid)), &ActivityFilter::default(), page).await
    })
    .await
}

#[cfg(feature = "ssr")]
pub async fn page_of(
    _: &crate::auth::capability::Admin,
    target: Option<(&str, &str)>,
    filter: &ActivityFilter,
    page: u32,
) -> Result<ActivityPage, AppError> {
    let range = filter.range().map_err(|field| {
        AppError::Validation(vec![crate::error::FieldError::new(field, crate::i18n::Msg::ErrDateInvalid)])
    })?;
    let state = crate::auth::ssr::app_state();
    let mut conn = state.pool.acquire().await?;
    let page = page.max(1);
    let offset = (page as u64 - 1) * PER_PAGE as u64;
    let (rows, total) = super::repo::list(&mut conn, target, filter, range, PER_PAGE, offset).await?;
    Ok(ActivityPage { rows, total, page, per_page: PER_PAGE })
}
