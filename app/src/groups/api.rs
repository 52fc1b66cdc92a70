//! Server functions for the groups screens.
use super::{GroupDeletePreview, GroupRow};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub rows: Vec<GroupRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[server(endpoint = "admin/groups/list")]
pub async fn list_groups(q: String, page: u32) -> Result<GroupPage, AppError> {
    run(async move {
        let admin = require_admin()?;
        let per_page = 50;
        let (rows, total) = service::list(&app_state(), &admin, &q, page, per_page).await?;
        Ok(GroupPage { rows, total, page: page.max(1), per_page })
    })
    .await
}

#[server(endpoint = "admin/groups/get")]
pub async fn get_group(uid: String) -> Result<GroupRow, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::get(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// `kind` is "custom" or "external".
#[server(endpoint = "admin/groups/create")]
pub async fn create_group(
    kind: String,
    name: String,
    description: String,
    external_id: Option<String>,
) -> Result<String, AppError> {
    run(async move {
        let admin = require_admin()?;
        let kind = super::GroupKind::parse(&kind).unwrap_or(super::GroupKind::Custom);
        let form = super::GroupForm { name, description, external_id: external_id.unwrap_or_default() };
        Ok(service::create(&app_state(), &admin, kind, form).await?)
    })
    .await
}

#[server(endpoint = "admin/groups/update")]
pub async fn update_group(
    uid: String,
    version: i64,
    name: String,
    description: String,
    external_id: Option<String>,
) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        let form = super::GroupForm { name, description, external_id: external_id.unwrap_or_default() };
        Ok(service::update(&app_state(), &admin, &uid, form, version).await?)
    })
    .await
}

#[server(endpoint = "admin/groups/delete_preview")]
pub async fn preview_group_delete(uid: String) -> Result<GroupDeletePreview, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete_preview(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/groups/delete")]
pub async fn delete_group(uid: String, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete(&app_state(), &admin, &uid, reason.as_deref()).await?)
    })
    .await
}
