//! Every SQL statement on `email_outbox` lives here.
use super::{EmailStatus, EmailSummary};
use crate::db::Conn;

/// A message to write to the outbox, inside the caller's transaction.
pub struct NewEmail<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub recipient_name: &'a str,
    pub lang: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    /// Host part of the Message-ID (the sender's domain).
    pub domain: &'a str,
    /// The one-time link the message carries, checked again just before sending.
    pub link_id: Option<i64>,
}

pub async fn enqueue(conn: &mut dyn Conn, m: &NewEmail<'_>) -> Result<i64, sqlx::Error> {
    // Fixed when the row is written, so a message sent twice after a crash
    // carries the same Message-ID and mail clients show it once.
    let message_id = format!("<{}@{}>", crate::auth::tokens::random_token(), m.domain);
    crate::db::query_scalar(
        "INSERT INTO email_outbox (kind, user_id, recipient, recipient_name, lang, subject, text_body, html_body,
                                   message_id, link_id, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(m.kind)
    .bind(m.user_id)
    .bind(m.recipient)
    .bind(m.recipient_name)
    .bind(m.lang)
    .bind(m.subject)
    .bind(m.text_body)
    .bind(m.html_body)
    .bind(message_id)
    .bind(m.link_id)
    .bind(crate::db::now())
    .bind(crate::db::now())
    .fetch_one(conn)
    .await
}

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub attempts: i64,
    pub link_id: Option<i64>,
}

/// Takes up to `limit` due messages for one worker until `lease_until`. A
/// row whose lease ran out (its worker died mid-send) is due again. On
/// PostgreSQL every replica drains the outbox: rows another replica is
/// claiming at the same moment are skipped, not claimed twice (SQLite has
/// one writer at a time).
pub async fn claim(conn: &mut dyn Conn, now: i64, lease_until: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let skip_locked = match conn.backend() {
        crate::db::Backend::Sqlite => "",
        crate::db::Backend::Postgres => "FOR UPDATE SKIP LOCKED",
    };
    crate::db::query_as(&format!(
        "UPDATE email_outbox SET status = 'sending', lease_until = ?1, attempts = attempts + 1
         WHERE id IN (SELECT id FROM email_outbox
                      WHERE (status = 'queued' AND next_attempt_at <= ?2) OR (status = 'sending' AND lease_until <= ?2)
                      ORDER BY id LIMIT ?3 {skip_locked})
         RETURNING id, recipient, recipient_name, subject, text_body, html_body, message_id, attempts, link_id"
    ))
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Delivered (`sent`) or kept for the Emails screen (`kept`).
pub async fn mark_done(conn: &mut dyn Conn, id: i64, status: EmailStatus, now: i64) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE email_outbox SET status = ?, sent_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A temporary failure: try again at `next_at`.
pub async fn mark_retry(conn: &mut dyn Conn, id: i64, next_at: i64, error: &str) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE email_outbox SET status = 'queued', next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?",
    )
    .bind(next_at)
    .bind(error)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives a message up after its last attempt. A message that carried a
/// one-time link loses it here: it will not be sent again with it (Retry is
/// refused for it), so the outbox must not keep a working link.
pub async fn mark_failed(conn: &mut dyn Conn, id: i64, error: &str) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE email_outbox SET status = 'failed', lease_until = NULL, last_error = ? WHERE id = ?")
        .bind(error)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    scrub(conn, id, NOT_SENT).await
}

/// What the Retry button found.
#[derive(Debug, PartialEq, Eq)]
pub enum Requeue {
    Queued,
    NotFailed,
    /// It carried a one-time link, removed when it failed.
    HadLink,
}

/// Puts a failed message back in the queue (the Retry button).
pub async fn requeue_failed(conn: &mut dyn Conn, id: i64, now: i64) -> Result<Requeue, sqlx::Error> {
    let row: Option<(String, bool)> =
        crate::db::query_as("SELECT status, link_id IS NOT NULL FROM email_outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((status, _)) if status != "failed" => return Ok(Requeue::NotFailed),
        None => return Ok(Requeue::NotFailed),
        Some((_, true)) => return Ok(Requeue::HadLink),
        Some(_) => {}
    }
    crate::db::query("UPDATE email_outbox SET status = 'queued', next_attempt_at = ?, attempts = 0 WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(Requeue::Queued)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
}

/// Newest first.
pub async fn list(conn: &mut dyn Conn, page: u32, per: u32) -> Result<(Vec<EmailSummary>, i64), sqlx::Error> {
    let rows: Vec<Row> = crate::db::query_as(
        "SELECT id, kind, recipient, subject, status, attempts, last_error, created_at, sent_at
         FROM email_outbox ORDER BY id DESC LIMIT ? OFFSET ?",
    )
    .bind(per as i64)
    .bind((page.max(1) as i64 - 1) * per as i64)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = crate::db::query_scalar("SELECT COUNT(*) FROM email_outbox").fetch_one(conn).await?;
    Ok((
        rows.into_iter()
            .map(|r| EmailSummary {
                id: r.id,
                kind: r.kind,
                recipient: r.recipient,
                subject: r.subject,
                status: EmailStatus::parse(&r.status).unwrap_or(EmailStatus::Queued),
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
                sent_at: r.sent_at,
            })
            .collect(),
        total,
    ))
}

/// A claimed message that was not tried goes back to the queue unchanged.
pub async fn release(conn: &mut dyn Conn, id: i64) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE email_outbox SET status = 'queued', lease_until = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
         WHERE id = ? AND status = 'sending'",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives up a message before it is sent (its link was used, replaced or
/// cancelled in the meantime), and removes the link it carried.
pub async fn mark_cancelled(conn: &mut dyn Conn, id: i64, why: &str) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE email_outbox SET status = 'cancelled', lease_until = NULL, last_error = ? WHERE id = ?")
        .bind(why)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    scrub(conn, id, NOT_SENT).await
}

/// What replaces the text of a message with a link that was never sent.
pub const NOT_SENT: &str = "(Removed: this message carried a one-time link and was not sent.)";

/// Removes the one-time link from a message that is not going out again:
/// the outbox is no place to find working links.
pub async fn scrub(conn: &mut dyn Conn, id: i64, note: &str) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE email_outbox SET text_body = ?, html_body = ? WHERE id = ? AND link_id IS NOT NULL")
        .bind(note)
        .bind(format!("<p>{}</p>", super::templates::html_escape(note)))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// An administrator's version of a template, if there is one.
pub async fn template_override(
    conn: &mut dyn Conn,
    name: &str,
    lang: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    crate::db::query_as("SELECT subject, body FROM email_templates WHERE name = ? AND lang = ?")
        .bind(name)
        .bind(lang)
        .fetch_optional(conn)
        .await
}

#[derive(sqlx::FromRow)]
pub struct TemplateRow {
    pub name: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
    pub updated_at: i64,
    pub updated_by: String,
}

/// Every edited template (a handful of rows).
pub async fn template_overrides(conn: &mut dyn Conn) -> Result<Vec<TemplateRow>, sqlx::Error> {
    crate::db::query_as("SELECT name, lang, subject, body, updated_at, updated_by FROM email_templates")
        .fetch_all(conn)
        .await
}

pub async fn save_template(
    conn: &mut dyn Conn,
    name: &str,
    lang: &str,
    subject: &str,
    body: &str,
    by: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    crate::db::query(
        "INSERT INTO email_templates (name, lang, subject, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, lang) DO UPDATE SET subject = excluded.subject, body = excluded.body,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(name)
    .bind(lang)
    .bind(subject)
    .bind(body)
    .bind(at)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Back to the shipped text. False if it was not edited.
pub async fn delete_template(conn: &mut dyn Conn, name: &str, lang: &str) -> Result<bool, sqlx::Error> {
    let done = crate::db::query("DELETE FROM email_templates WHERE name = ? AND lang = ?")
        .bind(name)
        .bind(lang)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn message(conn: &mut dyn Conn, id: i64) -> Result<Option<super::EmailMessage>, sqlx::Error> {
    let row: Option<(i64, String, String, String, String)> =
        crate::db::query_as("SELECT id, recipient, subject, text_body, status FROM email_outbox WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, recipient, subject, text_body, status)| super::EmailMessage {
        id,
        recipient,
        subject,
        text_body,
        status: EmailStatus::parse(&status).unwrap_or(EmailStatus::Queued),
    }))
}

// ---- the REST API's template list ($filter over a fixed set) ----

use crate::filter::{Field, Kind, SqlWhere};

/// Templates are a fixed set, not rows; the filter runs over them as a
/// VALUES table, so it means exactly what it means on the other lists.
pub const API_FIELDS: &[Field] = &[
    Field { name: "name", sql: "t.name", kind: Kind::Text, fts: None },
    Field { name: "title", sql: "t.title", kind: Kind::Text, fts: None },
    Field { name: "isDefault", sql: "t.is_default", kind: Kind::Bool, fts: None },
];

/// The names, out of `rows` (name, title, is default), that `filter` keeps, in order.
pub async fn filter_templates(
    conn: &mut dyn Conn,
    rows: &[(String, String, bool)],
    filter: &SqlWhere,
) -> Result<Vec<String>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let values = vec!["(?, ?, ?, ?)"; rows.len()].join(", ");
    let sql = format!(
        "WITH t(n, name, title, is_default) AS (VALUES {values}) SELECT name FROM t WHERE {} ORDER BY n",
        filter.sql
    );
    let mut q = crate::db::query_scalar(&sql);
    for (i, (name, title, is_default)) in rows.iter().enumerate() {
        q = q.bind(i as i64).bind(name).bind(title).bind(*is_default);
    }
    for a in &filter.args {
        q = q.bind_arg(a.clone().into());
    }
    q.fetch_all(conn).await
}

/// Retention: deletes up to `batch` messages created before `before` that
/// will not be sent again (sent, failed, cancelled, kept). Queued and
/// in-flight ones stay, however old.
pub async fn prune(conn: &mut dyn Conn, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "DELETE FROM email_outbox WHERE id IN (SELECT id FROM email_outbox
         WHERE created_at < ? AND status IN ('sent', 'failed', 'cancelled', 'kept') LIMIT ?)",
    )
    .bind(before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
