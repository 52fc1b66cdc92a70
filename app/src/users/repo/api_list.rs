//! The REST API's users list (APIM's `$filter`, `$top`, `$skip`).
use super::{UserRecord, IS_ADMIN};
use crate::db::Conn;
use crate::filter::{Field, Kind, ListQuery, SqlWhere};

/// The user properties `$filter` may name, and their columns.
pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "u.uid", kind: Kind::Text, fts: None },
    Field { name: "firstName", sql: "u.first_name", kind: Kind::Text, fts: Some("search_text") },
    Field { name: "lastName", sql: "u.last_name", kind: Kind::Text, fts: Some("search_text") },
    Field { name: "email", sql: "u.email", kind: Kind::Text, fts: Some("search_text") },
    Field { name: "note", sql: "u.note", kind: Kind::Text, fts: None },
    Field { name: "state", sql: "u.state", kind: Kind::Enum(&["active", "blocked", "pending", "deleted"]), fts: None },
    Field { name: "registrationDate", sql: "u.registered_at", kind: Kind::Date, fts: None },
];
/// SQLite's trigram index over "first last email", keyed by `u.id`, which
/// narrows a substring filter before LIKE decides (PostgreSQL has none to
/// offer for single columns; its LIKE reads the rows).
pub fn api_fts(backend: crate::db::Backend) -> Option<(&'static str, &'static str)> {
    (backend == crate::db::Backend::Sqlite).then_some(("users_fts", "u.id"))
}

/// Restricts the API list to one group's members.
#[derive(Clone, Copy)]
pub enum Scope {
    All,
    MembersOf(i64),
}

fn api_query(scope: Scope, filter: Option<&SqlWhere>) -> ListQuery<'_> {
    let scope = match scope {
        Scope::All => None,
        Scope::MembersOf(g) => Some(("u.id IN (SELECT user_id FROM group_members WHERE group_id = ?)", g)),
    };
    ListQuery { scope, filter }
}

#[derive(sqlx::FromRow)]
struct CountedRecord {
    #[sqlx(flatten)]
    record: UserRecord,
    matches: i64,
}

/// A page of accounts in registration order (stable under `$skip`) and how
/// many match in all. The page and the count come from one statement
/// (`COUNT(*) OVER ()`): a filter is evaluated once, not once for the page
/// and again for the total.
pub async fn api_list(
    conn: &mut dyn Conn,
    scope: Scope,
    filter: Option<&SqlWhere>,
    top: i64,
    skip: i64,
) -> Result<(Vec<UserRecord>, i64), sqlx::Error> {
    let lq = api_query(scope, filter);
    let unfiltered = matches!((scope, filter), (Scope::All, None));
    // The page's ids and the count first; the columns (and the
    // administrator check) only for the rows of the page.
    let sql = format!(
        "WITH page AS (SELECT u.id, {} AS matches FROM users u {} ORDER BY u.id LIMIT ? OFFSET ?)
         SELECT u.id, u.uid, u.email, u.first_name, u.last_name, u.note, u.state, u.registered_at,
                u.password_hash IS NOT NULL AS has_password, u.version, {IS_ADMIN}, u.lang, page.matches
         FROM page JOIN users u ON u.id = page.id ORDER BY u.id",
        if unfiltered { "CAST(0 AS BIGINT)" } else { "COUNT(*) OVER ()" },
        lq.where_sql()
    );
    let rows: Vec<CountedRecord> =
        lq.bind_as(crate::db::query_as(&sql)).bind(top).bind(skip).fetch_all(&mut *conn).await?;
    let total = match rows.first() {
        Some(r) if !unfiltered => r.matches,
        // Past the end, or no filter: count on its own (no filter: the
        // trigger-kept totals, one row read instead of every account).
        _ => api_count(conn, scope, filter).await?,
    };
    Ok((rows.into_iter().map(|r| r.record).collect(), total))
}

async fn api_count(conn: &mut dyn Conn, scope: Scope, filter: Option<&SqlWhere>) -> Result<i64, sqlx::Error> {
    if let (Scope::All, None) = (scope, filter) {
        return crate::db::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts")
            .fetch_one(conn)
            .await;
    }
    let lq = api_query(scope, filter);
    let sql = format!("SELECT COUNT(*) FROM users u {}", lq.where_sql());
    lq.bind_scalar(crate::db::query_scalar(&sql)).fetch_one(conn).await
}
