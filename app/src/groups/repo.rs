//! Every SQL statement on `groups` and `group_members` lives here.
use super::{GroupForm, GroupKind, GroupRef, GroupRow, SystemGroup};
use crate::db::Conn;
use crate::users::UserId;

pub async fn add_to_system_group(conn: &mut dyn Conn, user: UserId, group: SystemGroup) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO group_members (group_id, user_id)
         SELECT id, ? FROM groups WHERE uid = ? ON CONFLICT DO NOTHING",
    )
    .bind(user.0)
    .bind(group.uid())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_from_system_group(
    conn: &mut dyn Conn,
    user: UserId,
    group: SystemGroup,
) -> Result<(), sqlx::Error> {
    crate::db::query(
        "DELETE FROM group_members WHERE user_id = ? AND group_id = (SELECT id FROM groups WHERE uid = ?)",
    )
    .bind(user.0)
    .bind(group.uid())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_members(conn: &mut dyn Conn, group: SystemGroup) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar(
        // Kept by triggers (migration 0003).
        "SELECT member_count FROM groups WHERE uid = ?",
    )
    .bind(group.uid())
    .fetch_one(conn)
    .await
}

pub async fn count(conn: &mut dyn Conn) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT COUNT(*) FROM groups").fetch_one(conn).await
}

/// Names of the groups a user belongs to, system groups first.
pub async fn names_for_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<String>, sqlx::Error> {
    Ok(refs_for_user(conn, user).await?.into_iter().map(|g| g.name).collect())
}

#[derive(sqlx::FromRow)]
struct RefRow {
    uid: String,
    name: String,
    kind: String,
}

pub async fn refs_for_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<GroupRef>, sqlx::Error> {
    let rows: Vec<RefRow> = crate::db::query_as(
        "SELECT g.uid, g.name, g.kind FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id = ? ORDER BY g.kind <> 'system', g.name_canonical",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupRef { uid: r.uid, name: r.name, kind: GroupKind::parse(&r.kind).unwrap_or(GroupKind::Custom) })
        .collect())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    uid: String,
    name: String,
    description: Option<String>,
    kind: String,
    external_id: Option<String>,
    members: i64,
    version: i64,
}

impl Row {
    fn into_parts(self) -> (i64, GroupRow) {
        (
            self.id,
            GroupRow {
                uid: self.uid,
                name: self.name,
                description: self.description,
                kind: GroupKind::parse(&self.kind).unwrap_or(GroupKind::Custom),
                external_id: self.external_id,
                members: self.members,
                version: self.version,
            },
        )
    }
}

const SELECT: &str = "SELECT g.id, g.uid, g.name, g.description, g.kind, g.external_id, g.version,
        g.member_count AS members
     FROM groups g";

/// Groups whose name or description contains `q`: system groups first, then by name.
pub async fn list(conn: &mut dyn Conn, q: &str, limit: u32, offset: u64) -> Result<(Vec<GroupRow>, i64), sqlx::Error> {
    let like = crate::db::like_contains(&q.trim().to_lowercase());
    let filter =
        "WHERE (g.name_canonical LIKE ?1 ESCAPE '\\' OR lower(coalesce(g.description, '')) LIKE ?1 ESCAPE '\\')";
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "{SELECT} {filter} ORDER BY g.kind <> 'system', g.name_canonical LIMIT ?2 OFFSET ?3"
    ))
    .bind(&like)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar(&format!("SELECT COUNT(*) FROM groups g {filter}"))
        .bind(&like)
        .fetch_one(&mut *conn)
        .await?;
    Ok((rows.into_iter().map(|r| r.into_parts().1).collect(), total))
}

/// The group and its row id.
pub async fn by_uid(conn: &mut dyn Conn, uid: &str) -> Result<Option<(i64, GroupRow)>, sqlx::Error> {
    let row: Option<Row> =
        crate::db::query_as(&format!("{SELECT} WHERE g.uid = ?")).bind(uid).fetch_optional(conn).await?;
    Ok(row.map(Row::into_parts))
}

pub async fn name_taken(conn: &mut dyn Conn, name: &str, except: Option<i64>) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM groups WHERE name_canonical = ? AND id IS DISTINCT FROM ?)")
        .bind(name.trim().to_lowercase())
        .bind(except)
        .fetch_one(conn)
        .await
}

pub async fn uid_taken(conn: &mut dyn Conn, uid: &str) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM groups WHERE uid = ?)").bind(uid).fetch_one(conn).await
}

pub async fn insert(conn: &mut dyn Conn, uid: &str, kind: GroupKind, form: &GroupForm) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar(
        "INSERT INTO groups (uid, name, name_canonical, description, kind, external_id)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(uid)
    .bind(form.name.trim())
    .bind(form.name.trim().to_lowercase())
    .bind(Some(form.description.trim()).filter(|d| !d.is_empty()))
    .bind(kind.as_str())
    .bind((kind == GroupKind::External).then(|| form.external_id.trim()))
    .fetch_one(conn)
    .await
}

/// Updates if the version still matches; false if it did not.
pub async fn update(
    conn: &mut dyn Conn,
    id: i64,
    form: &GroupForm,
    kind: GroupKind,
    expected_version: i64,
) -> Result<bool, sqlx::Error> {
    let done = crate::db::query(
        "UPDATE groups SET name = ?, name_canonical = ?, description = ?, external_id = ?,
                updated_at = unixepoch(), version = version + 1
         WHERE id = ? AND version = ? AND kind <> 'system'",
    )
    .bind(form.name.trim())
    .bind(form.name.trim().to_lowercase())
    .bind(Some(form.description.trim()).filter(|d| !d.is_empty()))
    .bind((kind == GroupKind::External).then(|| form.external_id.trim()))
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut dyn Conn, id: i64) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM groups WHERE id = ? AND kind <> 'system'").bind(id).execute(conn).await?;
    Ok(())
}

/// True if the membership was added (false: already a member).
pub async fn add_member(conn: &mut dyn Conn, group_id: i64, user: UserId) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(group_id)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// True if the membership was removed (false: was not a member).
pub async fn remove_member(conn: &mut dyn Conn, group_id: i64, user: UserId) -> Result<bool, sqlx::Error> {
    let r = crate::db::query("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")
        .bind(group_id)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---- the REST API's list (APIM's $filter, $top, $skip) ----

use crate::filter::{Field, Kind, ListQuery, SqlWhere};

pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "g.uid", kind: Kind::Text, fts: None },
    Field { name: "displayName", sql: "g.name", kind: Kind::Text, fts: None },
    Field { name: "description", sql: "g.description", kind: Kind::Text, fts: None },
    Field { name: "externalId", sql: "g.external_id", kind: Kind::Text, fts: None },
    Field { name: "type", sql: "g.kind", kind: Kind::Enum(&["system", "custom", "external"]), fts: None },
];

/// Which groups an API list covers.
#[derive(Clone, Copy)]
pub enum Scope {
    All,
    OfUser(UserId),
    OfProduct(i64),
}

/// A page of groups, system groups first (as the screen shows them), and
/// how many match.
pub async fn api_list(
    conn: &mut dyn Conn,
    scope: Scope,
    filter: Option<&SqlWhere>,
    top: i64,
    skip: i64,
) -> Result<(Vec<GroupRow>, i64), sqlx::Error> {
    let scope = match scope {
        Scope::All => None,
        Scope::OfUser(u) => Some(("g.id IN (SELECT group_id FROM group_members WHERE user_id = ?)", u.0)),
        Scope::OfProduct(p) => Some(("g.id IN (SELECT group_id FROM product_groups WHERE product_id = ?)", p)),
    };
    let lq = ListQuery { scope, filter };
    let (rows, total): (Vec<Row>, i64) =
        lq.page(conn, SELECT, "FROM groups g", "g.kind <> 'system', g.id", top, skip).await?;
    Ok((rows.into_iter().map(|r| r.into_parts().1).collect(), total))
}

pub async fn is_member(conn: &mut dyn Conn, group_id: i64, user: UserId) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?)")
        .bind(group_id)
        .bind(user.0)
        .fetch_one(conn)
        .await
}

// ---- external groups filled from identity providers' claims ----

/// The external groups a user is in.
pub async fn external_of_user(conn: &mut dyn Conn, user: UserId) -> Result<Vec<(i64, GroupRow)>, sqlx::Error> {
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "{SELECT} WHERE g.kind = 'external' AND g.id IN (SELECT group_id FROM group_members WHERE user_id = ?)"
    ))
    .bind(user.0)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Row::into_parts).collect())
}

/// Every external group (a claim's values are matched against their
/// external ids; there are few such groups, so one read serves a sign-in).
pub async fn all_external(conn: &mut dyn Conn) -> Result<Vec<(i64, GroupRow)>, sqlx::Error> {
    let rows: Vec<Row> = crate::db::query_as(&format!("{SELECT} WHERE g.kind = 'external'")).fetch_all(conn).await?;
    Ok(rows.into_iter().map(Row::into_parts).collect())
}
