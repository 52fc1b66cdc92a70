//! Every SQL statement on `account_links`.
use super::{LinkProblem, LinkPurpose};
use crate::auth::tokens::{hash_token, random_token};
use crate::db::Conn;
use crate::users::UserId;

/// A link that can still be used.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct LiveLink {
    pub id: i64,
    pub user_id: i64,
    pub invitation_id: Option<i64>,
}

/// Issues a new link for `user`, cancelling every unused one of the same
/// purpose ("a newer link cancels older ones"). Returns its id and the token
/// (which exists only in the email from here on). The one caller is the
/// service, which hands over what it already checked, field by field.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    conn: &mut dyn Conn,
    purpose: LinkPurpose,
    user: UserId,
    email_canonical: &str,
    invitation_id: Option<i64>,
    now: i64,
    valid_secs: i64,
    new_account: bool,
) -> Result<(i64, String), sqlx::Error> {
    // A brand-new account has no older links to cancel.
    if !new_account {
        cancel_for_user(&mut *conn, user, Some(purpose), "replaced", now).await?;
    }
    let token = random_token();
    let id = crate::db::query_scalar(
        "INSERT INTO account_links (token_hash, purpose, user_id, invitation_id, email, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(hash_token(&token))
    .bind(purpose.as_str())
    .bind(user.0)
    .bind(invitation_id)
    .bind(email_canonical)
    .bind(now)
    .bind(now + valid_secs)
    .fetch_one(conn)
    .await?;
    Ok((id, token))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    purpose: String,
    user_id: i64,
    invitation_id: Option<i64>,
    email: String,
    email_now: String,
    expires_at: i64,
    used_at: Option<i64>,
    cancel_reason: Option<String>,
}

/// What a presented token is: a live link, or why not.
pub async fn inspect(
    conn: &mut dyn Conn,
    token: &str,
    purpose: LinkPurpose,
    now: i64,
) -> Result<Result<LiveLink, LinkProblem>, sqlx::Error> {
    let row: Option<Row> = crate::db::query_as(
        "SELECT l.id, l.purpose, l.user_id, l.invitation_id, l.email, u.email_canonical AS email_now, l.expires_at,
                l.used_at, CASE WHEN l.cancelled_at IS NULL THEN NULL ELSE l.cancel_reason END AS cancel_reason
         FROM account_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = ?",
    )
    .bind(hash_token(token))
    .fetch_optional(conn)
    .await?;
    let Some(r) = row.filter(|r| r.purpose == purpose.as_str()) else { return Ok(Err(LinkProblem::Unknown)) };
    Ok(if r.used_at.is_some() {
        Err(LinkProblem::Used)
    } else if let Some(reason) = r.cancel_reason {
        Err(match reason.as_str() {
            "replaced" => LinkProblem::Replaced,
            "revoked" => LinkProblem::Revoked,
            _ => LinkProblem::Cancelled,
        })
    } else if r.expires_at <= now {
        Err(LinkProblem::Expired)
    } else if r.email != r.email_now {
        Err(LinkProblem::Cancelled)
    } else {
        Ok(LiveLink { id: r.id, user_id: r.user_id, invitation_id: r.invitation_id })
    })
}

/// Uses a link: one conditional UPDATE, so of two simultaneous clicks only
/// one succeeds. False if it was used, cancelled or expired in between.
pub async fn consume(conn: &mut dyn Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = crate::db::query(
        "UPDATE account_links SET used_at = ?1
         WHERE id = ?2 AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > ?1",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels a user's unused links (of one purpose, or all).
pub async fn cancel_for_user(
    conn: &mut dyn Conn,
    user: UserId,
    purpose: Option<LinkPurpose>,
    reason: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "UPDATE account_links SET cancelled_at = ?, cancel_reason = ?
         WHERE user_id = ? AND (? IS NULL OR purpose = ?) AND used_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(user.0)
    .bind(purpose.map(|p| p.as_str()))
    .bind(purpose.map(|p| p.as_str()))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Whether a link can still be used: the delivery worker asks just before
/// sending a message that carries it.
pub async fn is_live(conn: &mut dyn Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM account_links l JOIN users u ON u.id = l.user_id
                        WHERE l.id = ? AND l.used_at IS NULL AND l.cancelled_at IS NULL AND l.expires_at > ?
                          AND l.email = u.email_canonical)",
    )
    .bind(id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Retention: deletes up to `batch` links that expired before `before`
/// (used or not: until then a later click is told why the link fails).
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "DELETE FROM account_links WHERE id IN (SELECT id FROM account_links WHERE expires_at < ? LIMIT ?)",
    )
    .bind(before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Retention: accounts that signed up and never verified. Their links are
/// all verification links, none used or live, the newest expired before
/// `before`. Ordered by account, after `after`, so a caller that skips some
/// (the account changed since) still moves on.
pub async fn unverified_signups(
    conn: &mut dyn Conn,
    before: i64,
    after: UserId,
    batch: i64,
) -> Result<Vec<UserId>, sqlx::Error> {
    let ids: Vec<i64> = crate::db::query_scalar(
        "SELECT DISTINCT l.user_id FROM account_links l
         WHERE l.purpose = 'verification' AND l.expires_at < ?1 AND l.user_id > ?2
           AND NOT EXISTS (SELECT 1 FROM account_links o WHERE o.user_id = l.user_id
                           AND (o.purpose <> 'verification' OR o.expires_at >= ?1 OR o.used_at IS NOT NULL))
         ORDER BY l.user_id LIMIT ?3",
    )
    .bind(before)
    .bind(after.0)
    .bind(batch)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}
