//! Every SQL statement on `products` and `product_groups` lives here.
use super::{ProductForm, ProductRow, ProductState, VisibleProduct};
use crate::db::Conn;
use crate::groups::{GroupKind, GroupRef};
use crate::users::UserId;

/// Who is looking at the portal.
#[derive(Clone, Copy, Debug)]
pub enum Viewer {
    Anonymous,
    Developer(UserId),
    /// Administrators see every product, published or not.
    Admin,
}

/// The SQL condition "the viewer may see product `p`". Anonymous visitors see
/// what Guests see; a signed-in developer sees that too, plus what any of
/// their groups (Developers included) sees.
fn visible_sql(viewer: Viewer) -> &'static str {
    match viewer {
        // Every form names ?1, so the same binding fits them all.
        Viewer::Admin => "?1 IS NOT NULL",
        Viewer::Anonymous => {
            "?1 IS NOT NULL AND p.state = 'published' AND EXISTS (SELECT 1 FROM product_groups pg JOIN groups g ON g.id = pg.group_id
                 WHERE pg.product_id = p.id AND g.uid = 'guests')"
        }
        Viewer::Developer(_) => {
            "p.state = 'published' AND EXISTS (SELECT 1 FROM product_groups pg JOIN groups g ON g.id = pg.group_id
                 WHERE pg.product_id = p.id
                   AND (g.uid = 'guests' OR pg.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?1)))"
        }
    }
}

fn viewer_id(viewer: Viewer) -> i64 {
    match viewer {
        Viewer::Developer(u) => u.0,
        _ => 0,
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    uid: String,
    name: String,
    description: String,
    terms: String,
    state: String,
    subscription_required: bool,
    approval_required: bool,
    subscriptions_limit: Option<i64>,
    rate_limit_calls: Option<i64>,
    rate_limit_seconds: Option<i64>,
    quota_calls: Option<i64>,
    quota_period_seconds: Option<i64>,
    subscriptions: i64,
    version: i64,
}

const COLUMNS: &str = "p.id, p.uid, p.name, p.description, p.terms, p.state, p.subscription_required,
    p.approval_required, p.subscriptions_limit, p.rate_limit_calls, p.rate_limit_seconds, p.quota_calls,
    p.quota_period_seconds, p.version,
    (SELECT COUNT(*) FROM subscriptions s WHERE s.product_id = p.id) AS subscriptions";

impl Row {
    fn into_row(self) -> (i64, ProductRow) {
        (
            self.id,
            ProductRow {
                uid: self.uid,
                name: self.name,
                description: self.description,
                terms: self.terms,
                state: ProductState::parse(&self.state).unwrap_or(ProductState::NotPublished),
                subscription_required: self.subscription_required,
                approval_required: self.approval_required,
                subscriptions_limit: self.subscriptions_limit,
                rate_limit: self.rate_limit_calls.zip(self.rate_limit_seconds),
                quota: self.quota_calls.zip(self.quota_period_seconds),
                subscriptions: self.subscriptions,
                groups: vec![],
                version: self.version,
            },
        )
    }
}

/// A product with its visibility groups.
pub async fn by_uid(conn: &mut dyn Conn, uid: &str) -> Result<Option<(i64, ProductRow)>, sqlx::Error> {
    let row: Option<Row> = crate::db::query_as(&format!("SELECT {COLUMNS} FROM products p WHERE p.uid = ?"))
        .bind(uid)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let (id, mut p) = r.into_row();
            p.groups = groups_of(conn, id).await?;
            Ok(Some((id, p)))
        }
    }
}

/// Products whose name contains `q`, by name; with the total.
pub async fn list(
    conn: &mut dyn Conn,
    q: &str,
    limit: u32,
    offset: u64,
) -> Result<(Vec<ProductRow>, i64), sqlx::Error> {
    let like = crate::db::like_contains(&q.trim().to_lowercase());
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT {COLUMNS} FROM products p WHERE p.name_canonical LIKE ?1 ESCAPE '\\'
         ORDER BY p.name_canonical, p.id LIMIT ?2 OFFSET ?3"
    ))
    .bind(&like)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar("SELECT COUNT(*) FROM products WHERE name_canonical LIKE ?1 ESCAPE '\\'")
        .bind(&like)
        .fetch_one(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (id, mut p) = r.into_row();
        p.groups = groups_of(conn, id).await?;
        out.push(p);
    }
    Ok((out, total))
}

/// Every product `viewer` may see, by name.
pub async fn visible(conn: &mut dyn Conn, viewer: Viewer) -> Result<Vec<(i64, ProductRow)>, sqlx::Error> {
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT {COLUMNS} FROM products p WHERE {} ORDER BY p.name_canonical, p.id",
        visible_sql(viewer)
    ))
    .bind(viewer_id(viewer))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Row::into_row).collect())
}

pub async fn is_visible(conn: &mut dyn Conn, product: i64, viewer: Viewer) -> Result<bool, sqlx::Error> {
    let n: i64 = crate::db::query_scalar(&format!(
        "SELECT COUNT(*) FROM products p WHERE p.id = ?2 AND {}",
        visible_sql(viewer)
    ))
    .bind(viewer_id(viewer))
    .bind(product)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The published products a user can see and, for each, the groups that grant it.
pub async fn visible_to_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<VisibleProduct>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = crate::db::query_as(
        "SELECT p.uid, p.name, g.name FROM products p
         JOIN product_groups pg ON pg.product_id = p.id
         JOIN groups g ON g.id = pg.group_id
         WHERE p.state = 'published'
           AND (g.uid = 'guests' OR g.id IN (SELECT group_id FROM group_members WHERE user_id = ?))
         ORDER BY p.name_canonical, p.id, g.kind <> 'system', g.name_canonical",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<VisibleProduct> = Vec::new();
    for (uid, name, group) in rows {
        match out.last_mut() {
            Some(last) if last.uid == uid => last.via.push(group),
            _ => out.push(VisibleProduct { uid, name, via: vec![group] }),
        }
    }
    Ok(out)
}

pub async fn name_taken(conn: &mut dyn Conn, name: &str, except: Option<i64>) -> Result<bool, sqlx::Error> {
    let n: i64 =
        crate::db::query_scalar("SELECT COUNT(*) FROM products WHERE name_canonical = ? AND id IS DISTINCT FROM ?")
            .bind(name.trim().to_lowercase())
            .bind(except)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

pub async fn uid_taken(conn: &mut dyn Conn, uid: &str) -> Result<bool, sqlx::Error> {
    let n: i64 =
        crate::db::query_scalar("SELECT COUNT(*) FROM products WHERE uid = ?").bind(uid).fetch_one(conn).await?;
    Ok(n > 0)
}

/// The form after validation: trimmed, limits parsed.
pub struct Fields<'a> {
    pub form: &'a ProductForm,
    pub limits: super::LimitFields,
}

pub async fn insert(conn: &mut dyn Conn, uid: &str, f: &Fields<'_>) -> Result<i64, sqlx::Error> {
    let now = crate::db::now();
    crate::db::query_scalar(
        "INSERT INTO products (uid, name, name_canonical, description, terms, state, subscription_required,
                               approval_required, subscriptions_limit, rate_limit_calls, rate_limit_seconds,
                               quota_calls, quota_period_seconds, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(uid)
    .bind(f.form.name.trim())
    .bind(f.form.name.trim().to_lowercase())
    .bind(f.form.description.trim())
    .bind(f.form.terms.trim())
    .bind(if f.form.published { "published" } else { "notPublished" })
    .bind(f.form.subscription_required)
    .bind(f.form.approval_required)
    .bind(f.limits.subscriptions)
    .bind(f.limits.rate.map(|r| r.0))
    .bind(f.limits.rate.map(|r| r.1))
    .bind(f.limits.quota.map(|q| q.0))
    .bind(f.limits.quota.map(|q| q.1))
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Writes the form if the row is still at `version`; false if it moved on.
pub async fn update(conn: &mut dyn Conn, id: i64, f: &Fields<'_>, version: i64) -> Result<bool, sqlx::Error> {
    let r = crate::db::query(
        "UPDATE products SET name = ?, name_canonical = ?, description = ?, terms = ?, state = ?,
                subscription_required = ?, approval_required = ?, subscriptions_limit = ?, rate_limit_calls = ?,
                rate_limit_seconds = ?, quota_calls = ?, quota_period_seconds = ?, updated_at = ?,
                version = version + 1
         WHERE id = ? AND version = ?",
    )
    .bind(f.form.name.trim())
    .bind(f.form.name.trim().to_lowercase())
    .bind(f.form.description.trim())
    .bind(f.form.terms.trim())
    .bind(if f.form.published { "published" } else { "notPublished" })
    .bind(f.form.subscription_required)
    .bind(f.form.approval_required)
    .bind(f.limits.subscriptions)
    .bind(f.limits.rate.map(|r| r.0))
    .bind(f.limits.rate.map(|r| r.1))
    .bind(f.limits.quota.map(|q| q.0))
    .bind(f.limits.quota.map(|q| q.1))
    .bind(crate::db::now())
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut dyn Conn, id: i64) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM products WHERE id = ?").bind(id).execute(conn).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GroupRefRow {
    uid: String,
    name: String,
    kind: String,
}

fn group_ref(r: &GroupRefRow) -> GroupRef {
    GroupRef { uid: r.uid.clone(), name: r.name.clone(), kind: GroupKind::parse(&r.kind).unwrap_or(GroupKind::Custom) }
}

pub async fn groups_of(conn: &mut dyn Conn, product: i64) -> Result<Vec<GroupRef>, sqlx::Error> {
    let rows: Vec<GroupRefRow> = crate::db::query_as(
        "SELECT g.uid, g.name, g.kind FROM product_groups pg JOIN groups g ON g.id = pg.group_id
         WHERE pg.product_id = ? ORDER BY g.kind <> 'system', g.name_canonical",
    )
    .bind(product)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(group_ref).collect())
}

/// Every group (system first), with its id, and whether it sees the product.
pub async fn all_groups_for(conn: &mut dyn Conn, product: i64) -> Result<Vec<(i64, GroupRef, bool)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, bool)> = crate::db::query_as(
        "SELECT g.id, g.uid, g.name, g.kind,
                EXISTS (SELECT 1 FROM product_groups pg WHERE pg.group_id = g.id AND pg.product_id = ?)
         FROM groups g ORDER BY g.kind <> 'system', g.kind, g.name_canonical",
    )
    .bind(product)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, uid, name, kind, on)| {
            (id, GroupRef { uid, name, kind: GroupKind::parse(&kind).unwrap_or(GroupKind::Custom) }, on)
        })
        .collect())
}

pub async fn set_groups(conn: &mut dyn Conn, product: i64, groups: &[i64]) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM product_groups WHERE product_id = ?").bind(product).execute(&mut *conn).await?;
    for g in groups {
        crate::db::query("INSERT INTO product_groups (product_id, group_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(product)
            .bind(*g)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Bumps the product's version (visibility changed: another admin's open
/// Visibility tab must not overwrite it silently).
pub async fn touch(conn: &mut dyn Conn, product: i64, version: i64) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("UPDATE products SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?")
        .bind(crate::db::now())
        .bind(product)
        .bind(version)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Active developers (administrators see everything anyway) who are members
/// of at least one of the product's groups.
pub async fn developers_who_see(conn: &mut dyn Conn, product: i64) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar(
        "SELECT COUNT(*) FROM users u WHERE u.state = 'active'
           AND EXISTS (SELECT 1 FROM group_members gm JOIN product_groups pg ON pg.group_id = gm.group_id
                       WHERE gm.user_id = u.id AND pg.product_id = ?)
           AND NOT EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
                           WHERE gm.user_id = u.id AND g.uid = 'administrators')",
    )
    .bind(product)
    .fetch_one(conn)
    .await
}

/// Number of products linked to a group (the group delete confirmation says so).
pub async fn count_for_group(conn: &mut dyn Conn, group: i64) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT COUNT(*) FROM product_groups WHERE group_id = ?").bind(group).fetch_one(conn).await
}

// ---- the REST API's list (APIM's $filter, $top, $skip) ----

use crate::filter::{Field, Kind, ListQuery, SqlWhere};

pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "p.uid", kind: Kind::Text, fts: None },
    Field { name: "displayName", sql: "p.name", kind: Kind::Text, fts: None },
    Field { name: "description", sql: "p.description", kind: Kind::Text, fts: None },
    Field { name: "terms", sql: "p.terms", kind: Kind::Text, fts: None },
    Field { name: "state", sql: "p.state", kind: Kind::Enum(&["notPublished", "published"]), fts: None },
    Field { name: "subscriptionRequired", sql: "p.subscription_required", kind: Kind::Bool, fts: None },
    Field { name: "approvalRequired", sql: "p.approval_required", kind: Kind::Bool, fts: None },
];

/// Which products a REST list covers.
#[derive(Clone, Copy)]
pub enum ProductScope {
    All,
    /// Those holding this API.
    OfApi(i64),
}

/// A page of products by name, with their groups when `with_groups`, and
/// how many match.
pub async fn api_list(
    conn: &mut dyn Conn,
    scope: ProductScope,
    filter: Option<&SqlWhere>,
    top: i64,
    skip: i64,
    with_groups: bool,
) -> Result<(Vec<ProductRow>, i64), sqlx::Error> {
    let scope = match scope {
        ProductScope::All => None,
        ProductScope::OfApi(a) => Some(("p.id IN (SELECT product_id FROM product_apis WHERE api_id = ?)", a)),
    };
    let lq = ListQuery { scope, filter };
    let select = format!("SELECT {COLUMNS} FROM products p");
    let (rows, total): (Vec<Row>, i64) =
        lq.page(conn, &select, "FROM products p", "p.name_canonical, p.id", top, skip).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (id, mut p) = r.into_row();
        if with_groups {
            p.groups = groups_of(conn, id).await?;
        }
        out.push(p);
    }
    Ok((out, total))
}

/// A product's limits as the key index holds them.
#[derive(sqlx::FromRow)]
pub struct GateLimits {
    pub id: i64,
    pub rate_limit_calls: Option<i64>,
    pub rate_limit_seconds: Option<i64>,
    pub quota_calls: Option<i64>,
    pub quota_period_seconds: Option<i64>,
}

/// The products that carry a rate limit or a quota.
pub async fn gate_limits(conn: &mut dyn Conn) -> Result<Vec<GateLimits>, sqlx::Error> {
    crate::db::query_as(
        "SELECT id, rate_limit_calls, rate_limit_seconds, quota_calls, quota_period_seconds FROM products
         WHERE rate_limit_calls IS NOT NULL OR quota_calls IS NOT NULL",
    )
    .fetch_all(conn)
    .await
}
