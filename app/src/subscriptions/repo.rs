//! Every SQL statement on `subscriptions` and `retired_keys` lives here.
use super::keys::{KeyHash, KeySlot};
use super::{SubscriptionQuery, SubscriptionRow, SubscriptionScope, SubscriptionState};
use crate::db::Conn;
use crate::users::UserId;

/// What a new subscription opens, by row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeId {
    Product(i64),
    Api(i64),
    AllApis,
}

impl ScopeId {
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            ScopeId::Product(p) => (Some(p), None),
            ScopeId::Api(a) => (None, Some(a)),
            ScopeId::AllApis => (None, None),
        }
    }
}

pub struct NewSubscription<'a> {
    pub uid: &'a str,
    pub user: UserId,
    pub scope: ScopeId,
    pub name: &'a str,
    pub state: SubscriptionState,
    pub primary: (KeyHash, Vec<u8>),
    pub secondary: (KeyHash, Vec<u8>),
    pub expiration_date: Option<i64>,
}

pub async fn insert(conn: &mut dyn Conn, s: &NewSubscription<'_>) -> Result<i64, sqlx::Error> {
    let now = crate::db::now();
    crate::db::query_scalar(
        "INSERT INTO subscriptions (uid, user_id, product_id, api_id, display_name, state, primary_hash,
                                    primary_secret, secondary_hash, secondary_secret, created_at, start_date,
                                    updated_at, expiration_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(s.uid)
    .bind(s.user.0)
    .bind(s.scope.columns().0)
    .bind(s.scope.columns().1)
    .bind(s.name)
    .bind(s.state.as_str())
    .bind(&s.primary.0[..])
    .bind(&s.primary.1)
    .bind(&s.secondary.0[..])
    .bind(&s.secondary.1)
    .bind(now)
    .bind((s.state == SubscriptionState::Active).then_some(now))
    .bind(now)
    .bind(s.expiration_date)
    .fetch_one(conn)
    .await
}

/// A subscription with the ids the services need.
pub struct SubRecord {
    pub id: i64,
    pub user_id: UserId,
    /// The product it is scoped to, if it is.
    pub product_id: Option<i64>,
    pub row: SubscriptionRow,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    product_id: Option<i64>,
    uid: String,
    display_name: String,
    state: String,
    state_comment: Option<String>,
    product_uid: Option<String>,
    product_name: Option<String>,
    api_uid: Option<String>,
    api_name: Option<String>,
    user_uid: String,
    user_email: String,
    first_name: String,
    last_name: String,
    created_at: i64,
    start_date: Option<i64>,
    end_date: Option<i64>,
    expiration_date: Option<i64>,
    version: i64,
}

const SELECT: &str = "SELECT s.id, s.user_id, s.product_id, s.uid, s.display_name, s.state, s.state_comment,
        p.uid AS product_uid, p.name AS product_name, a.uid AS api_uid, a.name AS api_name,
        u.uid AS user_uid, u.email AS user_email,
        u.first_name, u.last_name, s.created_at, s.start_date, s.end_date, s.expiration_date, s.version
    FROM subscriptions s LEFT JOIN products p ON p.id = s.product_id LEFT JOIN apis a ON a.id = s.api_id
        JOIN users u ON u.id = s.user_id";

/// The tables `SELECT` reads, for counting.
const FROM: &str = "FROM subscriptions s LEFT JOIN products p ON p.id = s.product_id
    LEFT JOIN apis a ON a.id = s.api_id JOIN users u ON u.id = s.user_id";

impl Row {
    fn into_record(self) -> SubRecord {
        SubRecord {
            id: self.id,
            user_id: UserId(self.user_id),
            product_id: self.product_id,
            row: SubscriptionRow {
                uid: self.uid,
                name: self.display_name,
                state: SubscriptionState::parse(&self.state).unwrap_or(SubscriptionState::Cancelled),
                state_comment: self.state_comment,
                scope: match (self.product_uid, self.product_name, self.api_uid, self.api_name) {
                    (Some(uid), Some(name), ..) => SubscriptionScope::Product { uid, name },
                    (_, _, Some(uid), Some(name)) => SubscriptionScope::Api { uid, name },
                    _ => SubscriptionScope::AllApis,
                },
                user_uid: self.user_uid,
                user_email: self.user_email,
                user_name: format!("{} {}", self.first_name, self.last_name),
                created_at: self.created_at,
                start_date: self.start_date,
                end_date: self.end_date,
                expiration_date: self.expiration_date,
                version: self.version,
            },
        }
    }
}

pub async fn by_uid(conn: &mut dyn Conn, uid: &str) -> Result<Option<SubRecord>, sqlx::Error> {
    let row: Option<Row> =
        crate::db::query_as(&format!("{SELECT} WHERE s.uid = ?")).bind(uid).fetch_optional(conn).await?;
    Ok(row.map(Row::into_record))
}

/// A user's subscriptions, newest first.
pub async fn for_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    let rows: Vec<Row> =
        crate::db::query_as(&format!("{SELECT} WHERE s.user_id = ? ORDER BY s.created_at DESC, s.id DESC"))
            .bind(user.0)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.into_record().row).collect())
}

/// A user's subscriptions as (uid, row id, product row id), newest first
/// (their usage on the developer's page).
pub async fn ids_of_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<(String, i64, Option<i64>)>, sqlx::Error> {
    crate::db::query_as(
        "SELECT uid, id, product_id FROM subscriptions WHERE user_id = ? ORDER BY created_at DESC, id DESC",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await
}

/// The administrators' list, newest first.
pub async fn list(
    conn: &mut dyn Conn,
    q: &SubscriptionQuery,
    limit: u32,
    offset: u64,
) -> Result<(Vec<SubscriptionRow>, i64), sqlx::Error> {
    let user = q.user.trim().to_lowercase();
    let like = crate::db::like_contains(&user);
    let filter = "(?1 IS NULL OR s.state = ?1)
        AND (?2 IS NULL OR p.uid = ?2)
        AND (?3 = '' OR u.email_canonical LIKE ?4 ESCAPE '\\'
             OR lower(u.first_name || ' ' || u.last_name) LIKE ?4 ESCAPE '\\' OR u.uid = ?3)";
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "{SELECT} WHERE {filter} ORDER BY s.created_at DESC, s.id DESC LIMIT ?5 OFFSET ?6"
    ))
    .bind(q.state.map(|s| s.as_str()))
    .bind(q.product.as_deref())
    .bind(&user)
    .bind(&like)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar(&format!("SELECT COUNT(*) {FROM} WHERE {filter}"))
        .bind(q.state.map(|s| s.as_str()))
        .bind(q.product.as_deref())
        .bind(&user)
        .bind(&like)
        .fetch_one(&mut *conn)
        .await?;
    Ok((rows.into_iter().map(|r| r.into_record().row).collect(), total))
}

pub async fn count_by_state(conn: &mut dyn Conn) -> Result<Vec<(SubscriptionState, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        crate::db::query_as("SELECT state, COUNT(*) FROM subscriptions GROUP BY state").fetch_all(conn).await?;
    Ok(SubscriptionState::ALL
        .into_iter()
        .map(|st| (st, rows.iter().find(|(s, _)| s == st.as_str()).map(|(_, n)| *n).unwrap_or(0)))
        .collect())
}

/// Subscriptions of `user` to `product` that still count against the limit.
pub async fn open_count(conn: &mut dyn Conn, user: UserId, product: i64) -> Result<(i64, i64), sqlx::Error> {
    crate::db::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN state = 'submitted' THEN 1 END) FROM subscriptions
         WHERE user_id = ? AND product_id = ? AND state IN ('submitted', 'active', 'suspended')",
    )
    .bind(user.0)
    .bind(product)
    .fetch_one(conn)
    .await
}

/// Per product, the open subscriptions of one user (the portal's "you have 1").
pub async fn open_by_product(conn: &mut dyn Conn, user: UserId) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    crate::db::query_as(
        "SELECT product_id, COUNT(*) FROM subscriptions
         WHERE user_id = ? AND product_id IS NOT NULL AND state IN ('submitted', 'active', 'suspended')
         GROUP BY product_id",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await
}

/// Subscriptions scoped to one API alone.
pub async fn count_for_api(conn: &mut dyn Conn, api: i64) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE api_id = ?").bind(api).fetch_one(conn).await
}

pub async fn count_for_product(conn: &mut dyn Conn, product: i64) -> Result<(i64, i64), sqlx::Error> {
    crate::db::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN state = 'active' THEN 1 END) FROM subscriptions WHERE product_id = ?",
    )
    .bind(product)
    .fetch_one(conn)
    .await
}

/// Moves the subscription to `to` if it is still at `version`.
pub async fn set_state(
    conn: &mut dyn Conn,
    id: i64,
    to: SubscriptionState,
    comment: Option<&str>,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let now = crate::db::now();
    let ends = matches!(to, SubscriptionState::Cancelled | SubscriptionState::Rejected | SubscriptionState::Expired);
    let r = crate::db::query(
        "UPDATE subscriptions SET state = ?, state_comment = ?,
                start_date = CASE WHEN ? AND start_date IS NULL THEN ? ELSE start_date END,
                end_date = CASE WHEN ? THEN ? ELSE end_date END,
                updated_at = ?, version = version + 1
         WHERE id = ? AND version = ?",
    )
    .bind(to.as_str())
    .bind(comment)
    .bind(to == SubscriptionState::Active)
    .bind(now)
    .bind(ends)
    .bind(now)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Sets the subscription's name, comment and expiration date; bumps the version.
pub async fn update_details(
    conn: &mut dyn Conn,
    id: i64,
    name: &str,
    comment: Option<&str>,
    expiration_date: Option<i64>,
) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE subscriptions SET display_name = ?, state_comment = ?, expiration_date = ?, updated_at = ?,
                version = version + 1
         WHERE id = ?",
    )
    .bind(name)
    .bind(comment)
    .bind(expiration_date)
    .bind(crate::db::now())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a key with this hash is held by any subscription or was ever
/// retired (a retired key must not come back to life on another one).
pub async fn key_in_use(conn: &mut dyn Conn, hash: &KeyHash) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE primary_hash = ?1 OR secondary_hash = ?1)
             OR EXISTS (SELECT 1 FROM retired_keys WHERE key_hash = ?1)",
    )
    .bind(&hash[..])
    .fetch_one(conn)
    .await
}

/// The key hashes of a subscription (primary, secondary).
pub async fn key_hashes(conn: &mut dyn Conn, id: i64) -> Result<(Vec<u8>, Vec<u8>), sqlx::Error> {
    crate::db::query_as("SELECT primary_hash, secondary_hash FROM subscriptions WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// The sealed keys of a subscription (primary, secondary).
pub async fn sealed_keys(conn: &mut dyn Conn, id: i64) -> Result<(Vec<u8>, Vec<u8>), sqlx::Error> {
    crate::db::query_as("SELECT primary_secret, secondary_secret FROM subscriptions WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Replaces one key; the old one is retired (the check then says "regenerated").
pub async fn replace_key(
    conn: &mut dyn Conn,
    id: i64,
    slot: KeySlot,
    hash: &KeyHash,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    let (hash_col, secret_col) = match slot {
        KeySlot::Primary => ("primary_hash", "primary_secret"),
        KeySlot::Secondary => ("secondary_hash", "secondary_secret"),
    };
    let now = crate::db::now();
    crate::db::query(&format!(
        "INSERT INTO retired_keys (key_hash, reason, retired_at)
         SELECT {hash_col}, 'regenerated', ? FROM subscriptions WHERE id = ?
         ON CONFLICT (key_hash) DO UPDATE SET reason = excluded.reason, retired_at = excluded.retired_at"
    ))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    crate::db::query(&format!(
        "UPDATE subscriptions SET {hash_col} = ?, {secret_col} = ?, updated_at = ?, version = version + 1 WHERE id = ?"
    ))
    .bind(&hash[..])
    .bind(sealed)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which subscriptions a deletion is about to take with it.
pub enum Owner {
    User(UserId),
    Product(i64),
    /// Those scoped to this API alone.
    Api(i64),
    One(i64),
}

impl Owner {
    fn condition(&self) -> (&'static str, i64) {
        match self {
            Owner::User(u) => ("user_id = ?", u.0),
            Owner::Product(p) => ("product_id = ?", *p),
            Owner::Api(a) => ("api_id = ?", *a),
            Owner::One(id) => ("id = ?", *id),
        }
    }
}

/// Before the rows go: their keys are kept as retired, with the reason, and
/// their ids returned (the gateway index drops them).
pub async fn retire_keys_of(conn: &mut dyn Conn, owner: Owner, reason: &str) -> Result<Vec<i64>, sqlx::Error> {
    let (cond, arg) = owner.condition();
    let now = crate::db::now();
    for col in ["primary_hash", "secondary_hash"] {
        crate::db::query(&format!(
            "INSERT INTO retired_keys (key_hash, reason, retired_at)
             SELECT {col}, ?, ? FROM subscriptions WHERE {cond}
             ON CONFLICT (key_hash) DO UPDATE SET reason = excluded.reason, retired_at = excluded.retired_at"
        ))
        .bind(reason)
        .bind(now)
        .bind(arg)
        .execute(&mut *conn)
        .await?;
    }
    crate::db::query_scalar(&format!("SELECT id FROM subscriptions WHERE {cond}")).bind(arg).fetch_all(conn).await
}

pub async fn delete(conn: &mut dyn Conn, id: i64) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM subscriptions WHERE id = ?").bind(id).execute(conn).await?;
    Ok(())
}

// ---- what the gateway index loads ----

#[derive(sqlx::FromRow)]
pub struct GateRow {
    pub id: i64,
    pub uid: String,
    /// Scope: a product, an API, or neither (every API).
    pub product_id: Option<i64>,
    pub product_uid: Option<String>,
    pub api_id: Option<i64>,
    pub user_id: i64,
    pub state: String,
    pub primary_hash: Vec<u8>,
    pub secondary_hash: Vec<u8>,
}

const GATE_SELECT: &str =
    "SELECT s.id, s.uid, s.product_id, p.uid AS product_uid, s.api_id, s.user_id, s.state, s.primary_hash,
        s.secondary_hash
    FROM subscriptions s LEFT JOIN products p ON p.id = s.product_id";

pub async fn gate_all(conn: &mut dyn Conn) -> Result<Vec<GateRow>, sqlx::Error> {
    crate::db::query_as(GATE_SELECT).fetch_all(conn).await
}

pub async fn gate_one(conn: &mut dyn Conn, id: i64) -> Result<Option<GateRow>, sqlx::Error> {
    crate::db::query_as(&format!("{GATE_SELECT} WHERE s.id = ?")).bind(id).fetch_optional(conn).await
}

pub async fn gate_of_user(conn: &mut dyn Conn, user: i64) -> Result<Vec<GateRow>, sqlx::Error> {
    crate::db::query_as(&format!("{GATE_SELECT} WHERE s.user_id = ?")).bind(user).fetch_all(conn).await
}

pub async fn gate_ids_of_product(conn: &mut dyn Conn, product: i64) -> Result<Vec<i64>, sqlx::Error> {
    crate::db::query_scalar("SELECT id FROM subscriptions WHERE product_id = ?").bind(product).fetch_all(conn).await
}

/// (id, uid, state) of the accounts that hold subscriptions.
pub async fn gate_users(conn: &mut dyn Conn) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    crate::db::query_as("SELECT id, uid, state FROM users WHERE id IN (SELECT user_id FROM subscriptions)")
        .fetch_all(conn)
        .await
}

pub async fn gate_user(conn: &mut dyn Conn, id: i64) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    crate::db::query_as("SELECT id, uid, state FROM users WHERE id = ?").bind(id).fetch_optional(conn).await
}

pub async fn retired(conn: &mut dyn Conn) -> Result<Vec<(Vec<u8>, String)>, sqlx::Error> {
    crate::db::query_as("SELECT key_hash, reason FROM retired_keys").fetch_all(conn).await
}

pub async fn retired_one(conn: &mut dyn Conn, hash: &KeyHash) -> Result<Option<String>, sqlx::Error> {
    crate::db::query_scalar("SELECT reason FROM retired_keys WHERE key_hash = ?")
        .bind(&hash[..])
        .fetch_optional(conn)
        .await
}

/// The server secret's fingerprint, kept in `portal_settings` at first start.
pub async fn secret_fingerprint(conn: &mut dyn Conn) -> Result<Option<String>, sqlx::Error> {
    crate::db::query_scalar("SELECT value FROM portal_settings WHERE key = 'secret_fingerprint'")
        .fetch_optional(conn)
        .await
}

pub async fn set_secret_fingerprint(conn: &mut dyn Conn, fp: &str) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO portal_settings (key, value) VALUES ('secret_fingerprint', ?) ON CONFLICT DO NOTHING",
    )
    .bind(fp)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- the REST API's list (APIM's $filter, $top, $skip) ----

use crate::filter::{Field, Kind, ListQuery, SqlWhere};

pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "s.uid", kind: Kind::Text, fts: None },
    Field { name: "displayName", sql: "s.display_name", kind: Kind::Text, fts: None },
    Field { name: "stateComment", sql: "s.state_comment", kind: Kind::Text, fts: None },
    Field { name: "ownerId", sql: "('/users/' || u.uid)", kind: Kind::Text, fts: None },
    Field { name: "userId", sql: "u.uid", kind: Kind::Text, fts: None },
    Field {
        name: "scope",
        sql: "COALESCE('/products/' || p.uid, '/apis/' || a.uid, '/apis')",
        kind: Kind::Text,
        fts: None,
    },
    Field { name: "productId", sql: "p.uid", kind: Kind::Text, fts: None },
    Field {
        name: "state",
        sql: "s.state",
        kind: Kind::Enum(&["submitted", "active", "suspended", "rejected", "cancelled", "expired"]),
        fts: None,
    },
];

#[derive(Clone, Copy)]
pub enum Scope {
    All,
    OfUser(UserId),
    OfProduct(i64),
    OfApi(i64),
}

/// A page of subscriptions in creation order, and how many match.
pub async fn api_list(
    conn: &mut dyn Conn,
    scope: Scope,
    filter: Option<&SqlWhere>,
    top: i64,
    skip: i64,
) -> Result<(Vec<SubscriptionRow>, i64), sqlx::Error> {
    let scope = match scope {
        Scope::All => None,
        Scope::OfUser(u) => Some(("s.user_id = ?", u.0)),
        Scope::OfProduct(p) => Some(("s.product_id = ?", p)),
        Scope::OfApi(a) => Some(("s.api_id = ?", a)),
    };
    let lq = ListQuery { scope, filter };
    let (rows, total): (Vec<Row>, i64) = lq.page(conn, SELECT, FROM, "s.id", top, skip).await?;
    Ok((rows.into_iter().map(|r| r.into_record().row).collect(), total))
}
