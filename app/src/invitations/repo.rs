//! Every SQL statement on `invitations`.
use super::{InvitationRow, InvitationState};
use crate::db::Conn;
use crate::users::UserId;

/// The state of an invitation row, as SQL (needs `now` bound as ?1).
const STATE_SQL: &str = "CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted'
                              WHEN i.revoked_at IS NOT NULL THEN 'revoked'
                              WHEN i.expires_at <= ?1 THEN 'expired' ELSE 'pending' END";

pub async fn insert(
    conn: &mut dyn Conn,
    user: UserId,
    invited_by: Option<UserId>,
    invited_by_label: &str,
    now: i64,
    expires_at: i64,
) -> Result<(i64, String), sqlx::Error> {
    let uid = crate::users::repo::new_uid();
    let id = crate::db::query_scalar(
        "INSERT INTO invitations (uid, user_id, invited_by, invited_by_label, created_at, expires_at, last_sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&uid)
    .bind(user.0)
    .bind(invited_by.map(|u| u.0))
    .bind(invited_by_label)
    .bind(now)
    .bind(expires_at)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok((id, uid))
}

#[derive(sqlx::FromRow)]
struct Row {
    uid: String,
    user_uid: String,
    email: String,
    first_name: String,
    last_name: String,
    state: String,
    invited_by_label: String,
    created_at: i64,
    expires_at: i64,
    sent_count: i64,
    last_sent_at: i64,
    accepted_at: Option<i64>,
}

impl From<Row> for InvitationRow {
    fn from(r: Row) -> Self {
        InvitationRow {
            uid: r.uid,
            user_uid: r.user_uid,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            state: InvitationState::parse(&r.state).unwrap_or(InvitationState::Pending),
            invited_by: r.invited_by_label,
            created_at: r.created_at,
            expires_at: r.expires_at,
            sent_count: r.sent_count,
            last_sent_at: r.last_sent_at,
            accepted_at: r.accepted_at,
        }
    }
}

fn select() -> String {
    format!(
        "SELECT i.id, i.uid, u.uid AS user_uid, u.email, u.first_name, u.last_name, {STATE_SQL} AS state,
                i.invited_by_label, i.created_at, i.expires_at, i.sent_count, i.last_sent_at, i.accepted_at, i.user_id
         FROM invitations i JOIN users u ON u.id = i.user_id"
    )
}

/// Newest first, optionally in one state.
pub async fn list(
    conn: &mut dyn Conn,
    now: i64,
    state: Option<InvitationState>,
    page: u32,
    per: u32,
) -> Result<(Vec<InvitationRow>, i64), sqlx::Error> {
    let filter = format!("WHERE (?2 IS NULL OR {STATE_SQL} = ?2)");
    let rows: Vec<Row> = crate::db::query_as(&format!("{} {filter} ORDER BY i.id DESC LIMIT ?3 OFFSET ?4", select()))
        .bind(now)
        .bind(state.map(|s| s.as_str()))
        .bind(per as i64)
        .bind((page.max(1) as i64 - 1) * per as i64)
        .fetch_all(&mut *conn)
        .await?;
    let total = crate::db::query_scalar(&format!("SELECT COUNT(*) FROM invitations i {filter}"))
        .bind(now)
        .bind(state.map(|s| s.as_str()))
        .fetch_one(conn)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// An invitation with the ids the service needs.
pub struct Found {
    pub id: i64,
    pub user_id: UserId,
    pub row: InvitationRow,
}

pub async fn by_uid(conn: &mut dyn Conn, uid: &str, now: i64) -> Result<Option<Found>, sqlx::Error> {
    by(conn, "i.uid = ?2", crate::db::Arg::Text(Some(uid.to_string())), now).await
}

pub async fn by_id(conn: &mut dyn Conn, id: i64, now: i64) -> Result<Option<Found>, sqlx::Error> {
    by(conn, "i.id = ?2", crate::db::Arg::I64(Some(id)), now).await
}

/// The newest invitation of an account.
pub async fn latest_for_user(conn: &mut dyn Conn, user: UserId, now: i64) -> Result<Option<Found>, sqlx::Error> {
    let id: Option<i64> = crate::db::query_scalar("SELECT MAX(id) FROM invitations WHERE user_id = ?")
        .bind(user.0)
        .fetch_one(&mut *conn)
        .await?;
    match id {
        Some(id) => by_id(conn, id, now).await,
        None => Ok(None),
    }
}

async fn by(conn: &mut dyn Conn, cond: &str, key: crate::db::Arg, now: i64) -> Result<Option<Found>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithIds {
        id: i64,
        user_id: i64,
        #[sqlx(flatten)]
        row: Row,
    }
    let r: Option<WithIds> =
        crate::db::query_as(&format!("{} WHERE {cond}", select())).bind(now).bind_arg(key).fetch_optional(conn).await?;
    Ok(r.map(|r| Found { id: r.id, user_id: UserId(r.user_id), row: r.row.into() }))
}

/// A new link went out: new expiry, one more send, no longer revoked.
pub async fn record_resend(conn: &mut dyn Conn, id: i64, now: i64, expires_at: i64) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE invitations SET expires_at = ?, last_sent_at = ?, sent_count = sent_count + 1, revoked_at = NULL
         WHERE id = ?",
    )
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke(conn: &mut dyn Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = crate::db::query(
        "UPDATE invitations SET revoked_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_accepted(conn: &mut dyn Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = crate::db::query(
        "UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
