//! Every SQL statement on `activity` lives here.
use super::{ActivityEntry, Actor};
use crate::db::Conn;

pub struct Change<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_uid: &'a str,
    pub target_label: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

/// Written inside the transaction of the change it describes.
pub async fn record(conn: &mut dyn Conn, actor: &Actor, c: Change<'_>) -> Result<(), sqlx::Error> {
    record_related(conn, actor, c, None).await
}

/// As `record`, for a change that also belongs in a second record's history
/// (`related`: its kind and uid), as a membership belongs to the group.
pub async fn record_related(
    conn: &mut dyn Conn,
    actor: &Actor,
    c: Change<'_>,
    related: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    let reason = c
        .reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(super::MAX_REASON).collect::<String>());
    crate::db::query(
        "INSERT INTO activity (actor_id, actor_label, action, target_kind, target_uid, target_label, before, after, reason,
                               at, related_kind, related_uid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(actor.id.map(|i| i.0))
    .bind(&actor.label)
    .bind(c.action)
    .bind(c.target_kind)
    .bind(c.target_uid)
    .bind(c.target_label)
    .bind(c.before.map(|v| v.to_string()))
    .bind(c.after.map(|v| v.to_string()))
    .bind(reason)
    .bind(crate::db::now())
    .bind(related.map(|r| r.0))
    .bind(related.map(|r| r.1))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_label: String,
    action: String,
    target_kind: String,
    target_uid: String,
    target_label: String,
    before: Option<String>,
    after: Option<String>,
    reason: Option<String>,
}

/// Newest first: the entries about one record (`target`: kind and uid, or
/// the filter's kind and id), also those it is related to, or all, narrowed
/// by `filter`; `(from, to)` is its checked `range()`.
pub async fn list(
    conn: &mut dyn Conn,
    target: Option<(&str, &str)>,
    filter: &super::ActivityFilter,
    (from, to): (Option<i64>, Option<i64>),
    limit: u32,
    offset: u64,
) -> Result<(Vec<ActivityEntry>, i64), sqlx::Error> {
    let (kind, uid) = target.unwrap_or((filter.kind.as_str(), filter.id.trim()));
    // One static statement: an empty argument switches its condition off.
    // instr() rather than LIKE, so % and _ in what was typed mean themselves.
    const WHERE: &str = "WHERE ((?1 = '' OR target_kind = ?1) AND (?2 = '' OR target_uid = ?2)
               OR ?2 <> '' AND related_kind = ?1 AND related_uid = ?2)
          AND (?3 = '' OR instr(lower(actor_label), lower(?3)) > 0)
          AND (?4 = '' OR instr(lower(target_label), lower(?4)) > 0)
          AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)";
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT id, at, actor_label, action, target_kind, target_uid, target_label, before, after, reason
         FROM activity {WHERE} ORDER BY id DESC LIMIT ?7 OFFSET ?8"
    ))
    .bind(kind)
    .bind(uid)
    .bind(filter.who.trim())
    .bind(filter.target.trim())
    .bind(from)
    .bind(to)
    .bind(limit as i64)
    .bind(offset as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar(&format!("SELECT COUNT(*) FROM activity {WHERE}"))
        .bind(kind)
        .bind(uid)
        .bind(filter.who.trim())
        .bind(filter.target.trim())
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| ActivityEntry {
                id: r.id,
                at: r.at,
                actor: r.actor_label,
                action: r.action,
                target_kind: r.target_kind,
                target_uid: r.target_uid,
                target_label: r.target_label,
                before: r.before,
                after: r.after,
                reason: r.reason,
            })
            .collect(),
        total,
    ))
}
