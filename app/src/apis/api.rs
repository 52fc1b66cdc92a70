//! Server functions for the APIs screens, a product's APIs tab and the
//! portal's API pages.
use super::{ApiDeletePreview, ApiForm, ApiRow, PortalApi, Reference, ReferencePage};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use {super::reference, super::service, crate::auth::ssr::*};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPage {
    pub rows: Vec<ApiRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// One API for its admin page: the API and the products holding it (uid, name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDetail {
    pub api: ApiRow,
    pub products: Vec<(String, String)>,
}

#[server(endpoint = "admin/apis/list")]
pub async fn list_apis(q: String, page: u32) -> Result<ApiPage, AppError> {
    run(async move {
        let admin = require_admin()?;
        let per_page = 50;
        let (rows, total) = service::list(&app_state(), &admin, &q, page, per_page).await?;
        Ok(ApiPage { rows, total, page: page.max(1), per_page })
    })
    .await
}

#[server(endpoint = "admin/apis/get")]
pub async fn get_api(uid: String) -> Result<ApiDetail, AppError> {
    run(async move {
        let admin = require_admin()?;
        let state = app_state();
        let api = service::get(&state, &admin, &uid).await?;
        let products = service::products_of(&state, &admin, &uid).await?;
        Ok(ApiDetail { api, products })
    })
    .await
}

#[server(endpoint = "admin/apis/create", input = Json)]
pub async fn create_api(form: ApiForm) -> Result<String, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::create(&app_state(), &admin, form, None).await?)
    })
    .await
}

#[server(endpoint = "admin/apis/update", input = Json)]
pub async fn update_api(uid: String, version: i64, form: ApiForm) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::update(&app_state(), &admin, &uid, form, version).await?)
    })
    .await
}

#[server(endpoint = "admin/apis/delete_preview")]
pub async fn preview_api_delete(uid: String) -> Result<ApiDeletePreview, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete_preview(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/apis/delete")]
pub async fn delete_api(uid: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// Uploads (or with `None` removes) the API's OpenAPI document.
#[server(endpoint = "admin/apis/spec", input = Json)]
pub async fn set_api_spec(uid: String, text: Option<String>) -> Result<Option<Reference>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(reference::set_spec(&app_state(), &admin, &uid, text).await?)
    })
    .await
}

#[server(endpoint = "admin/apis/reference")]
pub async fn admin_api_reference(uid: String) -> Result<Option<Reference>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(reference::admin_reference(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// The APIs a product holds (its APIs tab).
#[server(endpoint = "admin/products/apis")]
pub async fn product_apis(product: String) -> Result<Vec<ApiRow>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::of_product(&app_state(), &admin, &product).await?)
    })
    .await
}

/// A product's APIs tab: the APIs it holds, and up to 100 others to add.
/// One call: a resource that awaited two would read the request's session
/// after its first await, which a server render may already have left.
#[server(endpoint = "admin/products/api_choices")]
pub async fn product_api_choices(product: String) -> Result<(Vec<ApiRow>, Vec<ApiRow>), AppError> {
    run(async move {
        let admin = require_admin()?;
        let state = app_state();
        let inside = service::of_product(&state, &admin, &product).await?;
        let (all, _) = service::list(&state, &admin, "", 1, 100).await?;
        let others = all.into_iter().filter(|a| !inside.iter().any(|i| i.uid == a.uid)).collect();
        Ok((inside, others))
    })
    .await
}

/// Adds the API to the product (`inside`) or removes it.
#[server(endpoint = "admin/products/set_api")]
pub async fn set_product_api(product: String, api: String, inside: bool) -> Result<bool, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::set_in_product(&app_state(), &admin, &product, &api, inside).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
use crate::products::api::portal_viewer;

/// The APIs of a product the visitor can see (its portal page).
#[server(endpoint = "apis/of_product")]
pub async fn portal_product_apis(product: String) -> Result<Vec<PortalApi>, AppError> {
    run(async move { Ok(reference::of_visible_product(&app_state(), portal_viewer(), &product).await?) }).await
}

/// An API's reference page; NotFound unless the visitor can see a product holding it.
#[server(endpoint = "apis/reference")]
pub async fn api_reference_page(uid: String) -> Result<ReferencePage, AppError> {
    run(async move { Ok(reference::page(&app_state(), portal_viewer(), &uid).await?) }).await
}
