//! Every SQL statement on `apis` and `product_apis` lives here.
use super::ApiRow;
use crate::db::Conn;
use crate::filter::{Field, Kind, ListQuery, SqlWhere};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    uid: String,
    name: String,
    description: String,
    path: String,
    protocols: String,
    service_url: Option<String>,
    subscription_required: bool,
    has_spec: bool,
    products: i64,
    version: i64,
}

const COLUMNS: &str = "a.id, a.uid, a.name, a.description, a.path, a.protocols, a.service_url,
    a.subscription_required, (a.spec IS NOT NULL) AS has_spec, a.version,
    (SELECT COUNT(*) FROM product_apis pa WHERE pa.api_id = a.id) AS products";

impl Row {
    fn into_row(self) -> (i64, ApiRow) {
        (
            self.id,
            ApiRow {
                uid: self.uid,
                name: self.name,
                description: self.description,
                path: self.path,
                protocols: self.protocols.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                service_url: self.service_url,
                subscription_required: self.subscription_required,
                has_spec: self.has_spec,
                products: self.products,
                version: self.version,
            },
        )
    }
}

pub async fn by_uid(conn: &mut dyn Conn, uid: &str) -> Result<Option<(i64, ApiRow)>, sqlx::Error> {
    let row: Option<Row> = crate::db::query_as(&format!("SELECT {COLUMNS} FROM apis a WHERE a.uid = ?"))
        .bind(uid)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Row::into_row))
}

/// APIs whose name or path contains `q`, by name; with the total.
pub async fn list(conn: &mut dyn Conn, q: &str, limit: u32, offset: u64) -> Result<(Vec<ApiRow>, i64), sqlx::Error> {
    let like = crate::db::like_contains(&q.trim().to_lowercase());
    let cond = "(lower(a.name) LIKE ?1 ESCAPE '\\' OR lower(a.path) LIKE ?1 ESCAPE '\\')";
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT {COLUMNS} FROM apis a WHERE {cond} ORDER BY lower(a.name), a.id LIMIT ?2 OFFSET ?3"
    ))
    .bind(&like)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar(&format!("SELECT COUNT(*) FROM apis a WHERE {cond}"))
        .bind(&like)
        .fetch_one(conn)
        .await?;
    Ok((rows.into_iter().map(|r| r.into_row().1).collect(), total))
}

/// The APIs a product holds, by name (with their ids).
pub async fn of_product(conn: &mut dyn Conn, product: i64) -> Result<Vec<(i64, ApiRow)>, sqlx::Error> {
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT {COLUMNS} FROM apis a WHERE a.id IN (SELECT api_id FROM product_apis WHERE product_id = ?)
         ORDER BY lower(a.name), a.id"
    ))
    .bind(product)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Row::into_row).collect())
}

/// (uid, name) of the products holding an API, by name.
pub async fn products_of(conn: &mut dyn Conn, api: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::db::query_as(
        "SELECT p.uid, p.name FROM products p JOIN product_apis pa ON pa.product_id = p.id
         WHERE pa.api_id = ? ORDER BY p.name_canonical, p.id",
    )
    .bind(api)
    .fetch_all(conn)
    .await
}

pub async fn uid_taken(conn: &mut dyn Conn, uid: &str) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM apis WHERE uid = ?)").bind(uid).fetch_one(conn).await
}

/// The uid of the API at this path, other than `except`.
pub async fn path_owner(conn: &mut dyn Conn, path: &str, except: Option<i64>) -> Result<Option<String>, sqlx::Error> {
    crate::db::query_scalar("SELECT uid FROM apis WHERE path = ? AND id IS DISTINCT FROM ?")
        .bind(path)
        .bind(except)
        .fetch_optional(conn)
        .await
}

/// A validated form: trimmed text, normalised path, protocols joined.
pub struct Fields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    pub protocols: String,
    pub service_url: Option<&'a str>,
    pub subscription_required: bool,
}

pub async fn insert(conn: &mut dyn Conn, uid: &str, f: &Fields<'_>) -> Result<i64, sqlx::Error> {
    let now = crate::db::now();
    crate::db::query_scalar(
        "INSERT INTO apis (uid, name, description, path, protocols, service_url, subscription_required,
                           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(uid)
    .bind(f.name)
    .bind(f.description)
    .bind(f.path)
    .bind(&f.protocols)
    .bind(f.service_url)
    .bind(f.subscription_required)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Writes the form if the row is still at `version`; false if it moved on.
pub async fn update(conn: &mut dyn Conn, id: i64, f: &Fields<'_>, version: i64) -> Result<bool, sqlx::Error> {
    let r = crate::db::query(
        "UPDATE apis SET name = ?, description = ?, path = ?, protocols = ?, service_url = ?,
                subscription_required = ?, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ?",
    )
    .bind(f.name)
    .bind(f.description)
    .bind(f.path)
    .bind(&f.protocols)
    .bind(f.service_url)
    .bind(f.subscription_required)
    .bind(crate::db::now())
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut dyn Conn, id: i64) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM apis WHERE id = ?").bind(id).execute(conn).await?;
    Ok(())
}

/// The stored OpenAPI document.
pub async fn spec(conn: &mut dyn Conn, id: i64) -> Result<Option<String>, sqlx::Error> {
    crate::db::query_scalar("SELECT spec FROM apis WHERE id = ?").bind(id).fetch_one(conn).await
}

/// Stores (or with None removes) the OpenAPI document; bumps the version.
pub async fn set_spec(conn: &mut dyn Conn, id: i64, spec: Option<&str>) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE apis SET spec = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        .bind(spec)
        .bind(crate::db::now())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts the API in the product; false if it was there already.
pub async fn link(conn: &mut dyn Conn, product: i64, api: i64) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("INSERT INTO product_apis (product_id, api_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(product)
        .bind(api)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Takes the API out of the product; false if it was not in it.
pub async fn unlink(conn: &mut dyn Conn, product: i64, api: i64) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("DELETE FROM product_apis WHERE product_id = ? AND api_id = ?")
        .bind(product)
        .bind(api)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn is_linked(conn: &mut dyn Conn, product: i64, api: i64) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM product_apis WHERE product_id = ? AND api_id = ?)")
        .bind(product)
        .bind(api)
        .fetch_one(conn)
        .await
}

// ---- what the gateway index loads ----

/// One API as the key check needs it.
#[derive(sqlx::FromRow)]
pub struct GateApi {
    pub id: i64,
    pub uid: String,
    pub path: String,
    pub subscription_required: bool,
}

pub async fn gate_apis(conn: &mut dyn Conn) -> Result<Vec<GateApi>, sqlx::Error> {
    crate::db::query_as("SELECT id, uid, path, subscription_required FROM apis").fetch_all(conn).await
}

/// Every (api, product) link.
pub async fn gate_links(conn: &mut dyn Conn) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    crate::db::query_as("SELECT api_id, product_id FROM product_apis").fetch_all(conn).await
}

// ---- the REST API's list (APIM's $filter, $top, $skip) ----

pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "a.uid", kind: Kind::Text, fts: None },
    Field { name: "displayName", sql: "a.name", kind: Kind::Text, fts: None },
    Field { name: "description", sql: "a.description", kind: Kind::Text, fts: None },
    Field { name: "serviceUrl", sql: "a.service_url", kind: Kind::Text, fts: None },
    Field { name: "path", sql: "a.path", kind: Kind::Text, fts: None },
    Field { name: "isCurrent", sql: "TRUE", kind: Kind::Bool, fts: None },
];

#[derive(Clone, Copy)]
pub enum Scope {
    All,
    OfProduct(i64),
}

/// A page of APIs by name, and how many match.
pub async fn api_list(
    conn: &mut dyn Conn,
    scope: Scope,
    filter: Option<&SqlWhere>,
    top: i64,
    skip: i64,
) -> Result<(Vec<ApiRow>, i64), sqlx::Error> {
    let scope = match scope {
        Scope::All => None,
        Scope::OfProduct(p) => Some(("a.id IN (SELECT api_id FROM product_apis WHERE product_id = ?)", p)),
    };
    let lq = ListQuery { scope, filter };
    let select = format!("SELECT {COLUMNS} FROM apis a");
    let (rows, total): (Vec<Row>, i64) =
        lq.page(conn, &select, "FROM apis a", "lower(a.name), a.id", top, skip).await?;
    Ok((rows.into_iter().map(|r| r.into_row().1).collect(), total))
}
