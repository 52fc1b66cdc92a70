//! Server functions for the products screens and the portal's catalogue.
use super::{PortalProduct, ProductDeletePreview, ProductForm, ProductRow, Visibility};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub rows: Vec<ProductRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[server(endpoint = "admin/products/list")]
pub async fn list_products(q: String, page: u32) -> Result<ProductPage, AppError> {
    run(async move {
        let admin = require_admin()?;
        let per_page = 50;
        let (rows, total) = service::list(&app_state(), &admin, &q, page, per_page).await?;
        Ok(ProductPage { rows, total, page: page.max(1), per_page })
    })
    .await
}

#[server(endpoint = "admin/products/get")]
pub async fn get_product(uid: String) -> Result<ProductRow, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::get(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/products/create", input = Json)]
pub async fn create_product(form: ProductForm) -> Result<String, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::create(&app_state(), &admin, form).await?)
    })
    .await
}

#[server(endpoint = "admin/products/update", input = Json)]
pub async fn update_product(uid: String, version: i64, form: ProductForm) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::update(&app_state(), &admin, &uid, form, version).await?)
    })
    .await
}

#[server(endpoint = "admin/products/delete_preview")]
pub async fn preview_product_delete(uid: String) -> Result<ProductDeletePreview, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete_preview(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/products/delete")]
pub async fn delete_product(uid: String, with_subscriptions: bool, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete(&app_state(), &admin, &uid, with_subscriptions, reason.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "admin/products/visibility")]
pub async fn product_visibility(uid: String) -> Result<(Visibility, i64), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::visibility(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/products/set_visibility", input = Json)]
pub async fn set_product_visibility(uid: String, version: i64, groups: Vec<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::set_visibility(&app_state(), &admin, &uid, &groups, version).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
pub(crate) fn portal_viewer() -> Option<(crate::users::UserId, bool)> {
    // Until a one-time password is changed the portal shows what guests see.
    viewer().filter(|v| !v.must_change_password).map(|v| (v.user_id, v.is_admin))
}

/// The products the visitor may see (anonymous visitors: Guests' products).
#[server(endpoint = "products/catalogue")]
pub async fn catalogue() -> Result<Vec<PortalProduct>, AppError> {
    run(async move { Ok(service::catalogue(&app_state(), portal_viewer()).await?) }).await
}

#[server(endpoint = "products/page")]
pub async fn portal_product_page(uid: String) -> Result<PortalProduct, AppError> {
    run(async move { Ok(service::portal_page(&app_state(), portal_viewer(), &uid).await?) }).await
}
