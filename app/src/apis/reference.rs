//! API references: an administrator uploads an API's OpenAPI document
//! (checked by `spec`), and the portal shows the reference to whoever can
//! see a product that holds the API.
use super::{repo, spec, PortalApi, Reference, ReferencePage};
use crate::activity::{repo as activity, repo::Change};
use crate::auth::capability::Admin;
use crate::error::ServiceError;
use crate::state::AppState;
use crate::users::UserId;
use serde_json::json;

fn portal_api(a: super::ApiRow) -> PortalApi {
    PortalApi {
        uid: a.uid,
        name: a.name,
        description: a.description,
        path: a.path,
        subscription_required: a.subscription_required,
        has_spec: a.has_spec,
    }
}

/// Checks and stores the API's document (None removes it); the reference it
/// gives, so the page can say what was read. Nothing is stored if it is wrong.
pub async fn set_spec(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    text: Option<String>,
) -> Result<Option<Reference>, ServiceError> {
    let reference = match &text {
        Some(t) => Some(spec::read(t).map_err(|e| ServiceError::Validation(vec![e]))?),
        None => None,
    };
    let mut tx = state.begin_write().await?;
    let (id, a) = repo::by_uid(&mut tx, uid).await?.ok_or(ServiceError::NotFound)?;
    repo::set_spec(&mut tx, id, text.as_deref()).await?;
    let (action, after) = match &reference {
        Some(r) => (
            "api.spec_uploaded",
            Some(
                json!({ "title": r.title, "version": r.version, "format": r.format, "operations": r.operations.len() }),
            ),
        ),
        None => ("api.spec_removed", None),
    };
    activity::record_related(
        &mut tx,
        admin.actor(),
        Change {
            action,
            target_kind: "api",
            target_uid: &a.uid,
            target_label: &a.name,
            before: None,
            after,
            reason: None,
        },
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(reference)
}

/// The stored document as uploaded (for downloading it again).
pub async fn spec_text(state: &AppState, _: &Admin, uid: &str) -> Result<Option<String>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, _) = repo::by_uid(&mut conn, uid).await?.ok_or(ServiceError::NotFound)?;
    Ok(repo::spec(&mut conn, id).await?)
}

/// The reference of a stored document. A document stored before a stricter
/// check is shown as having none rather than failing the page.
async fn stored_reference(conn: &mut dyn crate::db::Conn, id: i64) -> Result<Option<Reference>, ServiceError> {
    let text = repo::spec(conn, id).await?;
    // Parsing a large document takes milliseconds: off the async threads.
    Ok(match text {
        Some(t) => tokio::task::spawn_blocking(move || spec::read(&t).ok()).await.unwrap_or(None),
        None => None,
    })
}

/// The reference page for a visitor (`user`: None for anonymous visitors,
/// with whether they are an administrator). NotFound, as for an API that
/// does not exist, unless they can see a product holding it; administrators
/// see every API.
pub async fn page(state: &AppState, user: Option<(UserId, bool)>, uid: &str) -> Result<ReferencePage, ServiceError> {
    let (id, a, holders) = {
        let mut conn = state.pool.acquire().await?;
        let (id, a) = repo::by_uid(&mut conn, uid).await?.ok_or(ServiceError::NotFound)?;
        let holders = repo::products_of(&mut conn, id).await?;
        (id, a, holders)
    };
    let mut products = Vec::new();
    for (puid, name) in holders {
        if crate::products::service::portal_page(state, user, &puid).await.is_ok() {
            products.push((puid, name));
        }
    }
    let is_admin = user.is_some_and(|(_, admin)| admin);
    if products.is_empty() && !is_admin {
        return Err(ServiceError::NotFound);
    }
    let mut conn = state.pool.acquire().await?;
    let reference = stored_reference(&mut conn, id).await?;
    Ok(ReferencePage { api: portal_api(a), products, reference })
}

/// The APIs of a product the visitor can see (its portal page).
pub async fn of_visible_product(
    state: &AppState,
    user: Option<(UserId, bool)>,
    product_uid: &str,
) -> Result<Vec<PortalApi>, ServiceError> {
    crate::products::service::portal_page(state, user, product_uid).await?;
    let mut conn = state.pool.acquire().await?;
    let (pid, _) = crate::products::repo::by_uid(&mut conn, product_uid).await?.ok_or(ServiceError::NotFound)?;
    Ok(repo::of_product(&mut conn, pid).await?.into_iter().map(|(_, a)| portal_api(a)).collect())
}

/// The admin API page's reference (the document as the portal reads it).
pub async fn admin_reference(state: &AppState, _: &Admin, uid: &str) -> Result<Option<Reference>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, _) = repo::by_uid(&mut conn, uid).await?.ok_or(ServiceError::NotFound)?;
    stored_reference(&mut conn, id).await
}
