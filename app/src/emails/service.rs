//! What administrators do with outgoing email.
use super::{repo, EmailPage};
use crate::activity::Actor;
use crate::db::{begin_write, now};
use crate::error::ServiceError;
use crate::i18n::{Lang, Msg};
use crate::state::AppState;

/// The domain of the sender address: the host part of every Message-ID.
pub fn sender_domain(mail_from: &str) -> String {
    mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// Mails a test message to the administrator who asks (their stored address).
pub async fn send_test(state: &AppState, actor: &Actor, lang: Lang) -> Result<i64, ServiceError> {
    let Some(user) = actor.id else { return Err(ServiceError::NotFound) };
    let mut tx = begin_write(&state.pool).await?;
    let (email, first, last): (String, String, String) =
        sqlx::query_as("SELECT email, first_name, last_name FROM users WHERE id = ?")
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
    let url = &state.settings.public_url;
    let text = Msg::TestEmailBody.fmt(lang, &[&first, url]);
    let html = format!("<p>{}</p>", html_escape(&text));
    let id = repo::enqueue(
        &mut tx,
        &repo::NewEmail {
            kind: "test",
            user_id: Some(user.0),
            recipient: &email,
            recipient_name: &format!("{first} {last}"),
            lang: lang.code(),
            subject: &Msg::TestEmailSubject.fmt(lang, &[]),
            text_body: &text,
            html_body: &html,
            domain: &sender_domain(&state.settings.mail_from),
        },
    )
    .await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(id)
}

pub async fn list(state: &AppState, page: u32) -> Result<EmailPage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = 50;
    let (rows, total) = repo::list(&mut conn, page, per).await?;
    Ok(EmailPage { rows, total, page: page.max(1), per_page: per, keeping: state.settings.smtp.is_none() })
}

/// The Retry button of a failed message.
pub async fn retry(state: &AppState, id: i64) -> Result<(), ServiceError> {
    let mut tx = begin_write(&state.pool).await?;
    if !repo::requeue_failed(&mut tx, id, now()).await? {
        return Err(ServiceError::Refused(Msg::EmailNotFailed));
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
