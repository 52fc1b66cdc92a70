//! API operations for administrators: the catalogue, which products hold
//! which API, and deleting an API with what goes with it. The REST API
//! (`rest::apis`) and the admin screens share these.
use super::repo::{self, Fields};
use super::{
    normalise_path, ApiDeletePreview, ApiForm, ApiRow, MAX_API_DESCRIPTION, MAX_API_NAME, MAX_API_PATH,
    MAX_SERVICE_URL, PROTOCOLS,
};
use crate::activity::{repo as activity, repo::Change, Actor};
use crate::auth::capability::Admin;
use crate::db::Conn;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;
use crate::subscriptions::repo as subs_repo;
use serde_json::json;

/// The form after checking: what `repo` writes.
#[derive(Debug)]
pub struct Valid {
    name: String,
    description: String,
    path: String,
    protocols: String,
    service_url: Option<String>,
    subscription_required: bool,
}

impl Valid {
    fn fields(&self) -> Fields<'_> {
        Fields {
            name: &self.name,
            description: &self.description,
            path: &self.path,
            protocols: self.protocols.clone(),
            service_url: self.service_url.as_deref(),
            subscription_required: self.subscription_required,
        }
    }
}

pub fn validate(form: &ApiForm) -> Result<Valid, Vec<FieldError>> {
    let mut errs = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errs.push(FieldError::new("name", Msg::ErrRequired));
    } else if name.chars().count() > MAX_API_NAME || name.chars().any(char::is_control) {
        errs.push(FieldError::new("name", Msg::ErrTooLong).with_arg(MAX_API_NAME));
    }
    let description = form.description.trim();
    if description.chars().count() > MAX_API_DESCRIPTION {
        errs.push(FieldError::new("description", Msg::ErrTooLong).with_arg(MAX_API_DESCRIPTION));
    }
    let path = match normalise_path(&form.path) {
        Some(p) if p.len() > MAX_API_PATH => {
            errs.push(FieldError::new("path", Msg::ErrTooLong).with_arg(MAX_API_PATH));
            String::new()
        }
        Some(p) => p,
        None => {
            errs.push(FieldError::new("path", Msg::ErrApiPath));
            String::new()
        }
    };
    let mut protocols: Vec<&str> = Vec::new();
    for p in &form.protocols {
        match PROTOCOLS.iter().find(|k| k.eq_ignore_ascii_case(p.trim())) {
            Some(k) if !protocols.contains(k) => protocols.push(k),
            Some(_) => {}
            None => errs.push(FieldError::new("protocols", Msg::ErrApiProtocol).with_arg(p.trim())),
        }
    }
    if protocols.is_empty() && !errs.iter().any(|e| e.field == "protocols") {
        errs.push(FieldError::new("protocols", Msg::ErrApiNoProtocol));
    }
    protocols.sort_by_key(|p| PROTOCOLS.iter().position(|k| k == p));
    let url = form.service_url.trim();
    let service_url = if url.is_empty() {
        None
    } else if url.len() > MAX_SERVICE_URL
        || !(url.starts_with("http://") || url.starts_with("https://"))
        || url.contains(char::is_whitespace)
    {
        errs.push(FieldError::new("service_url", Msg::ErrServiceUrl));
        None
    } else {
        Some(url.to_string())
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Valid {
        name: name.to_string(),
        description: description.to_string(),
        path,
        protocols: protocols.join(","),
        service_url,
        subscription_required: form.subscription_required,
    })
}

async fn find(conn: &mut dyn Conn, uid: &str) -> Result<(i64, ApiRow), ServiceError> {
    repo::by_uid(conn, uid).await?.ok_or(ServiceError::NotFound)
}

fn snapshot(a: &ApiRow) -> serde_json::Value {
    json!({
        "displayName": a.name,
        "description": a.description,
        "path": a.path,
        "protocols": a.protocols,
        "serviceUrl": a.service_url,
        "subscriptionRequired": a.subscription_required,
    })
}

async fn log(
    conn: &mut dyn Conn,
    actor: &Actor,
    action: &str,
    a: &ApiRow,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    related: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    activity::record_related(
        conn,
        actor,
        Change { action, target_kind: "api", target_uid: &a.uid, target_label: &a.name, before, after, reason: None },
        related,
    )
    .await
}

async fn path_free(conn: &mut dyn Conn, path: &str, except: Option<i64>) -> Result<(), ServiceError> {
    match repo::path_owner(conn, path, except).await? {
        Some(owner) => Err(ServiceError::field("path", Msg::ErrApiPathTaken).map_arg(owner)),
        None => Ok(()),
    }
}

pub async fn list(
    state: &AppState,
    _: &Admin,
    q: &str,
    page: u32,
    per_page: u32,
) -> Result<(Vec<ApiRow>, i64), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = per_page.clamp(1, 100);
    Ok(repo::list(&mut conn, q, per, (page.max(1) as u64 - 1) * per as u64).await?)
}

pub async fn get(state: &AppState, _: &Admin, uid: &str) -> Result<ApiRow, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(find(&mut conn, uid).await?.1)
}

/// Creates the API with the uid the caller chose (the REST API's apiId) or
/// one made from its name; Conflict if a chosen uid is taken.
pub async fn create(
    state: &AppState,
    admin: &Admin,
    form: ApiForm,
    chosen: Option<&str>,
) -> Result<String, ServiceError> {
    let v = validate(&form).map_err(ServiceError::Validation)?;
    let mut tx = state.begin_write().await?;
    path_free(&mut tx, &v.path, None).await?;
    let uid = crate::uid::pick(&mut tx, chosen, &v.name, "api", |c, u| Box::pin(repo::uid_taken(c, u))).await?;
    repo::insert(&mut tx, &uid, &v.fields()).await?;
    let (_, row) = find(&mut tx, &uid).await?;
    log(&mut tx, admin.actor(), "api.created", &row, None, Some(snapshot(&row)), None).await?;
    tx.commit().await?;
    Ok(uid)
}

pub async fn update(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    form: ApiForm,
    version: i64,
) -> Result<(), ServiceError> {
    let v = validate(&form).map_err(ServiceError::Validation)?;
    let mut tx = state.begin_write().await?;
    let (id, before) = find(&mut tx, uid).await?;
    if before.version != version {
        return Err(ServiceError::Conflict);
    }
    path_free(&mut tx, &v.path, Some(id)).await?;
    if !repo::update(&mut tx, id, &v.fields(), version).await? {
        return Err(ServiceError::Conflict);
    }
    let (_, after) = find(&mut tx, uid).await?;
    log(&mut tx, admin.actor(), "api.updated", &after, Some(snapshot(&before)), Some(snapshot(&after)), None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_preview(state: &AppState, _: &Admin, uid: &str) -> Result<ApiDeletePreview, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, a) = find(&mut conn, uid).await?;
    let products = repo::products_of(&mut conn, id).await?.into_iter().map(|(_, name)| name).collect();
    let subscriptions = subs_repo::count_for_api(&mut conn, id).await?;
    Ok(ApiDeletePreview { name: a.name, products, subscriptions })
}

/// Deletes the API: it leaves every product that held it, and the
/// subscriptions scoped to it alone go with it (their keys stop working at
/// the commit), as in APIM.
pub async fn delete(state: &AppState, admin: &Admin, uid: &str) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    let (id, a) = find(&mut tx, uid).await?;
    let products: Vec<String> = repo::products_of(&mut tx, id).await?.into_iter().map(|(_, name)| name).collect();
    let gone = subs_repo::retire_keys_of(&mut tx, subs_repo::Owner::Api(id), "subscription_deleted").await?;
    repo::delete(&mut tx, id).await?;
    let mut before = snapshot(&a);
    before["products"] = json!(products);
    before["subscriptions"] = json!(gone.len());
    log(&mut tx, admin.actor(), "api.deleted", &a, Some(before), None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The APIs a product holds (the product's APIs tab).
pub async fn of_product(state: &AppState, _: &Admin, product_uid: &str) -> Result<Vec<ApiRow>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (pid, _) = crate::products::repo::by_uid(&mut conn, product_uid).await?.ok_or(ServiceError::NotFound)?;
    Ok(repo::of_product(&mut conn, pid).await?.into_iter().map(|(_, a)| a).collect())
}

/// Puts the API in the product (`inside`) or takes it out; true if that
/// changed anything (APIM's ProductApi create and delete). Keys of the
/// product open the API from the commit on, or no longer do.
pub async fn set_in_product(
    state: &AppState,
    admin: &Admin,
    product_uid: &str,
    api_uid: &str,
    inside: bool,
) -> Result<bool, ServiceError> {
    let mut tx = state.begin_write().await?;
    let (pid, p) = crate::products::repo::by_uid(&mut tx, product_uid).await?.ok_or(ServiceError::NotFound)?;
    let (aid, a) = find(&mut tx, api_uid).await?;
    let changed = if inside { repo::link(&mut tx, pid, aid).await? } else { repo::unlink(&mut tx, pid, aid).await? };
    if changed {
        let (action, before, after) = if inside {
            ("api.added_to_product", None, Some(json!({ "productId": p.uid, "product": p.name })))
        } else {
            ("api.removed_from_product", Some(json!({ "productId": p.uid, "product": p.name })), None)
        };
        log(&mut tx, admin.actor(), action, &a, before, after, Some(("product", &p.uid))).await?;
        tx.commit().await?;
    }
    Ok(changed)
}

/// Whether the product holds the API (APIM's ProductApi_CheckEntityExists).
pub async fn in_product(state: &AppState, _: &Admin, product_uid: &str, api_uid: &str) -> Result<bool, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (pid, _) = crate::products::repo::by_uid(&mut conn, product_uid).await?.ok_or(ServiceError::NotFound)?;
    let (aid, _) = find(&mut conn, api_uid).await?;
    Ok(repo::is_linked(&mut conn, pid, aid).await?)
}

/// The products holding an API: (uid, name).
pub async fn products_of(state: &AppState, _: &Admin, api_uid: &str) -> Result<Vec<(String, String)>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (aid, _) = find(&mut conn, api_uid).await?;
    Ok(repo::products_of(&mut conn, aid).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(path: &str, protocols: &[&str]) -> ApiForm {
        ApiForm {
            name: "Orders".into(),
            path: path.into(),
            protocols: protocols.iter().map(|s| s.to_string()).collect(),
            subscription_required: true,
            ..Default::default()
        }
    }

    #[test]
    fn forms_are_checked_field_by_field() {
        let v = validate(&form("/orders/", &["HTTPS", "http", "https"])).unwrap();
        assert_eq!((v.path.as_str(), v.protocols.as_str()), ("orders", "http,https"));
        let errs = validate(&form("a//b", &["ftp"])).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["path", "protocols"]);
        assert_eq!(validate(&form("x", &[])).unwrap_err()[0].field, "protocols");
        let mut f = form("x", &["https"]);
        f.service_url = "ftp://backend".into();
        assert_eq!(validate(&f).unwrap_err()[0].field, "service_url");
    }
}
