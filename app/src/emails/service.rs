//! What administrators do with outgoing email.
use super::templates::{duration_text, render_html, render_text, TemplateName, Values};
use super::{repo, EmailMessage, EmailPage, TemplateDetail, TemplateSummary, TemplateText};
use crate::activity::Actor;
use crate::auth::capability::Admin;
use crate::db::now;
use crate::db::Conn;
use crate::error::ServiceError;
use crate::i18n::{Lang, Msg};
use crate::state::AppState;
use crate::users::UserId;

/// The domain of the sender address: the host part of every Message-ID.
pub fn sender_domain(mail_from: &str) -> String {
    mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// A test message to the administrator who asks (their stored address),
/// built from their name and address by `compose` into (subject, text, html).
async fn send_to_self(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    compose: impl FnOnce(&str, &str, &str) -> (String, String, String),
) -> Result<i64, ServiceError> {
    let Some(user) = actor.id else { return Err(ServiceError::NotFound) };
    let mut tx = state.begin_write().await?;
    let (email, first, last): (String, String, String) =
        crate::db::query_as("SELECT email, first_name, last_name FROM users WHERE id = ?")
            .bind(user.0)
            .fetch_one(&mut tx)
            .await?;
    let (subject, text, html) = compose(&email, &first, &last);
    let id = repo::enqueue(
        &mut tx,
        &repo::NewEmail {
            kind: "test",
            user_id: Some(user.0),
            recipient: &email,
            recipient_name: &format!("{first} {last}"),
            lang: lang.code(),
            subject: &subject,
            text_body: &text,
            html_body: &html,
            domain: &sender_domain(&state.settings.mail_from),
            link_id: None,
        },
    )
    .await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(id)
}

/// The Emails screen's "Send a test message to me".
pub async fn send_test(state: &AppState, admin: &Admin, lang: Lang) -> Result<i64, ServiceError> {
    let actor = admin.actor();
    let url = state.settings.public_url.clone();
    send_to_self(state, actor, lang, |_, first, _| {
        let text = Msg::TestEmailBody.fmt(lang, &[&first, &url]);
        let html = format!("<p>{}</p>", super::templates::html_escape(&text));
        (Msg::TestEmailSubject.fmt(lang, &[]), text, html)
    })
    .await
}

pub async fn list(state: &AppState, _: &Admin, page: u32) -> Result<EmailPage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = 50;
    let (rows, total) = repo::list(&mut conn, page, per).await?;
    Ok(EmailPage { rows, total, page: page.max(1), per_page: per, keeping: state.settings.smtp.is_none() })
}

/// The Retry button of a failed message.
pub async fn retry(state: &AppState, _: &Admin, id: i64) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    match repo::requeue_failed(&mut tx, id, now()).await? {
        repo::Requeue::Queued => {}
        repo::Requeue::NotFailed => return Err(ServiceError::Refused(Msg::EmailNotFailed)),
        repo::Requeue::HadLink => return Err(ServiceError::Refused(Msg::EmailLinkRemoved)),
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// Who a templated message goes to: always the stored account, never an
/// address typed by a visitor.
pub struct Recipient {
    pub user_id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub lang: Lang,
}

impl Recipient {
    pub fn of(u: &crate::users::repo::UserRecord) -> Recipient {
        Recipient {
            user_id: u.user_id(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            lang: Lang::from_code(&u.lang).unwrap_or_default(),
        }
    }
}

/// A one-time link a message carries.
pub struct Link<'a> {
    pub id: i64,
    pub url: &'a str,
    pub valid_secs: i64,
}

/// The template's text in `lang`: the administrator's version or the shipped one.
pub async fn template_text(
    conn: &mut dyn Conn,
    name: TemplateName,
    lang: Lang,
) -> Result<(String, String), sqlx::Error> {
    Ok(match repo::template_override(conn, name.api_name(), lang.code()).await? {
        Some(t) => t,
        None => {
            let (s, b) = name.default_text(lang);
            (s.to_string(), b.to_string())
        }
    })
}

/// Template texts already read in this batch.
#[derive(Default)]
pub struct TemplateCache(std::collections::HashMap<(TemplateName, Lang), (String, String)>);

impl TemplateCache {
    async fn get(
        &mut self,
        conn: &mut dyn Conn,
        name: TemplateName,
        lang: Lang,
    ) -> Result<(String, String), sqlx::Error> {
        if let Some(t) = self.0.get(&(name, lang)) {
            return Ok(t.clone());
        }
        let t = template_text(conn, name, lang).await?;
        self.0.insert((name, lang), t.clone());
        Ok(t)
    }
}

/// Renders a template for one account and writes it to the outbox, in the
/// caller's transaction. The caller wakes the worker after committing.
pub async fn enqueue_template(
    conn: &mut dyn Conn,
    state: &AppState,
    name: TemplateName,
    to: &Recipient,
    link: Option<Link<'_>>,
) -> Result<i64, sqlx::Error> {
    enqueue_cached(conn, state, &mut TemplateCache::default(), name, to, link).await
}

/// `enqueue_template` with the template text read once per batch.
pub async fn enqueue_cached(
    conn: &mut dyn Conn,
    state: &AppState,
    texts: &mut TemplateCache,
    name: TemplateName,
    to: &Recipient,
    link: Option<Link<'_>>,
) -> Result<i64, sqlx::Error> {
    let values = Values {
        first_name: to.first_name.clone(),
        last_name: to.last_name.clone(),
        email: to.email.clone(),
        organization: state.settings.organization_name.clone(),
        portal_url: state.settings.public_url.clone(),
        confirm_url: link.as_ref().map(|l| l.url.to_string()).unwrap_or_default(),
        link_valid_for: link.as_ref().map(|l| duration_text(l.valid_secs, to.lang)).unwrap_or_default(),
        ..Values::default()
    };
    enqueue_values(conn, state, texts, name, to, &values, link.map(|l| l.id)).await
}

/// What a subscription email says about the subscription.
pub struct SubscriptionFacts<'a> {
    pub product: &'a str,
    pub subscription: &'a str,
    pub state: crate::subscriptions::SubscriptionState,
    pub comment: Option<&'a str>,
}

/// A subscription email to `to` about `developer`'s subscription (the same
/// person, except for the approval request that goes to administrators).
pub async fn enqueue_subscription(
    conn: &mut dyn Conn,
    state: &AppState,
    name: TemplateName,
    to: &Recipient,
    developer: &Recipient,
    facts: &SubscriptionFacts<'_>,
) -> Result<i64, sqlx::Error> {
    let values = Values {
        first_name: developer.first_name.clone(),
        last_name: developer.last_name.clone(),
        email: developer.email.clone(),
        organization: state.settings.organization_name.clone(),
        portal_url: state.settings.public_url.clone(),
        product: facts.product.to_string(),
        subscription: facts.subscription.to_string(),
        subscription_state: facts.state.label().text(to.lang).to_lowercase(),
        state_comment: facts.comment.map(str::trim).filter(|c| !c.is_empty()).unwrap_or("-").to_string(),
        review_url: format!("{}/admin/subscriptions?state=submitted", state.settings.public_url),
        ..Values::default()
    };
    enqueue_values(conn, state, &mut TemplateCache::default(), name, to, &values, None).await
}

async fn enqueue_values(
    conn: &mut dyn Conn,
    state: &AppState,
    texts: &mut TemplateCache,
    name: TemplateName,
    to: &Recipient,
    values: &Values,
    link_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (subject, body) = texts.get(conn, name, to.lang).await?;
    // A subject is one line: a newline typed into a template must not become a header break.
    let subject = render_text(&subject, values).replace(['\r', '\n'], " ");
    repo::enqueue(
        conn,
        &repo::NewEmail {
            kind: name.kind(),
            user_id: Some(to.user_id.0),
            recipient: &to.email,
            recipient_name: &format!("{} {}", to.first_name, to.last_name),
            lang: to.lang.code(),
            subject: &subject,
            text_body: &render_text(&body, values),
            html_body: &render_html(&body, values),
            domain: &sender_domain(&state.settings.mail_from),
            link_id,
        },
    )
    .await
}

// ---- templates: list, edit, reset, test ----

fn link_valid_secs(state: &AppState, name: TemplateName) -> i64 {
    use crate::links::{service::valid_secs, LinkPurpose};
    match name {
        TemplateName::Invitation => valid_secs(&state.settings, LinkPurpose::Invitation),
        TemplateName::SignupConfirmation => valid_secs(&state.settings, LinkPurpose::Verification),
        TemplateName::ResetByAdmin | TemplateName::ResetRequested => valid_secs(&state.settings, LinkPurpose::Reset),
        _ => 0,
    }
}

pub async fn templates(state: &AppState, _: &Admin) -> Result<Vec<TemplateSummary>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let edited = repo::template_overrides(&mut conn).await?;
    Ok(TemplateName::ALL
        .into_iter()
        .map(|name| TemplateSummary {
            name,
            edited: edited
                .iter()
                .filter(|r| r.name == name.api_name())
                .filter_map(|r| Lang::from_code(&r.lang))
                .collect(),
        })
        .collect())
}

pub async fn template(state: &AppState, _: &Admin, name: TemplateName) -> Result<TemplateDetail, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let edited = repo::template_overrides(&mut conn).await?;
    Ok(detail(state, name, &edited))
}

/// Every template in full (the REST API's list), from one read of the edits.
pub async fn all_templates(state: &AppState, _: &Admin) -> Result<Vec<TemplateDetail>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let edited = repo::template_overrides(&mut conn).await?;
    Ok(TemplateName::ALL.into_iter().map(|name| detail(state, name, &edited)).collect())
}

/// A template's texts: the edited ones from `edited`, the shipped ones otherwise.
fn detail(state: &AppState, name: TemplateName, edited: &[repo::TemplateRow]) -> TemplateDetail {
    let texts = Lang::ALL
        .into_iter()
        .map(|lang| match edited.iter().find(|r| r.name == name.api_name() && r.lang == lang.code()) {
            Some(r) => TemplateText {
                lang,
                subject: r.subject.clone(),
                body: r.body.clone(),
                is_default: false,
                updated_by: Some(r.updated_by.clone()),
                updated_at: Some(r.updated_at),
            },
            None => {
                let (subject, body) = name.default_text(lang);
                TemplateText {
                    lang,
                    subject: subject.into(),
                    body: body.into(),
                    is_default: true,
                    updated_by: None,
                    updated_at: None,
                }
            }
        })
        .collect();
    TemplateDetail {
        name,
        texts,
        organization: state.settings.organization_name.clone(),
        portal_url: state.settings.public_url.clone(),
        link_valid_secs: link_valid_secs(state, name),
    }
}

/// The rules for an edited template, each failure naming its field.
pub fn check_template(name: TemplateName, subject: &str, body: &str) -> Result<(), ServiceError> {
    use crate::error::FieldError;
    let mut errs = Vec::new();
    for (field, text, max) in [("subject", subject, super::MAX_SUBJECT), ("body", body, super::MAX_BODY)] {
        if text.trim().is_empty() {
            errs.push(FieldError::new(field, Msg::ErrRequired));
        } else if text.chars().count() > max {
            errs.push(FieldError::new(field, Msg::ErrTooLong).with_arg(max));
        } else {
            let unknown = super::templates::unknown_placeholders(name, text);
            if !unknown.is_empty() {
                errs.push(FieldError::new(field, Msg::ErrUnknownPlaceholders).with_arg(unknown.join(", ")));
            }
        }
    }
    if subject.contains(['\r', '\n']) {
        errs.push(FieldError::new("subject", Msg::ErrOneLine));
    }
    // A link email without its link would leave the developer stuck.
    if name.has_link() && !body.contains("$ConfirmUrl") && !errs.iter().any(|e| e.field == "body") {
        errs.push(FieldError::new("body", Msg::ErrConfirmUrlRequired));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errs))
    }
}

/// A template edit or reset, in the activity log.
async fn log_template(
    conn: &mut dyn Conn,
    actor: &Actor,
    name: TemplateName,
    lang: Lang,
    after: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let label = format!("{} ({})", name.title().text(Lang::En), lang.code());
    let change = crate::activity::repo::Change {
        action: "template.changed",
        target_kind: "template",
        target_uid: name.api_name(),
        target_label: &label,
        before: None,
        after: Some(after),
        reason: None,
    };
    crate::activity::repo::record(conn, actor, change).await
}

pub async fn save_template(
    state: &AppState,
    admin: &Admin,
    name: TemplateName,
    lang: Lang,
    subject: &str,
    body: &str,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    check_template(name, subject, body)?;
    let mut tx = state.begin_write().await?;
    repo::save_template(&mut tx, name.api_name(), lang.code(), subject.trim(), body, &actor.label, now()).await?;
    log_template(&mut tx, actor, name, lang, serde_json::json!({ "subject": subject.trim() })).await?;
    tx.commit().await?;
    Ok(())
}

/// Reset to default: the shipped text again.
pub async fn reset_template(
    state: &AppState,
    admin: &Admin,
    name: TemplateName,
    lang: Lang,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    if repo::delete_template(&mut tx, name.api_name(), lang.code()).await? {
        log_template(&mut tx, actor, name, lang, serde_json::json!({ "default": true })).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Mails the text in the editor (saved or not) to the administrator, with
/// their own name and a sample link.
pub async fn send_template_test(
    state: &AppState,
    admin: &Admin,
    name: TemplateName,
    lang: Lang,
    subject: &str,
    body: &str,
) -> Result<i64, ServiceError> {
    let actor = admin.actor();
    check_template(name, subject, body)?;
    let org = &state.settings.organization_name;
    let mut values = Values::sample(lang, org, &state.settings.public_url, link_valid_secs(state, name).max(3600));
    send_to_self(state, actor, lang, |email, first, last| {
        values.first_name = first.into();
        values.last_name = last.into();
        values.email = email.into();
        let subject = format!("[TEST] {}", render_text(subject, &values).replace(['\r', '\n'], " "));
        (subject, render_text(body, &values), render_html(body, &values))
    })
    .await
}

pub async fn message(state: &AppState, _: &Admin, id: i64) -> Result<EmailMessage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    repo::message(&mut conn, id).await?.ok_or(ServiceError::NotFound)
}
