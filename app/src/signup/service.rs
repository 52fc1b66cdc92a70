//! Sign-up and email verification.
use super::{SignupSettings, VerifyView, MAX_TERMS};
use crate::activity::{repo as activity, repo::Change, Actor};
use crate::auth::capability::Admin;
use crate::db::now;
use crate::db::Conn;
use crate::emails::service::{enqueue_template, Recipient};
use crate::emails::templates::TemplateName;
use crate::error::{FieldError, ServiceError};
use crate::groups::{repo as groups_repo, SystemGroup};
use crate::i18n::{Lang, Msg};
use crate::links::{repo as links_repo, service as links, LinkProblem, LinkPurpose};
use crate::state::AppState;
use crate::users::repo::{self as users_repo, UserRecord};
use crate::users::service::log;
use crate::users::{canonical_email, UserForm, UserId, UserState};

pub async fn settings(state: &AppState) -> Result<SignupSettings, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let rows: Vec<(String, String)> =
        crate::db::query_as("SELECT key, value FROM portal_settings WHERE key IN ('signup_enabled', 'signup_terms')")
            .fetch_all(&mut conn)
            .await?;
    let get = |k: &str| rows.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    Ok(SignupSettings {
        enabled: get("signup_enabled").is_none_or(|v| v == "true"),
        terms: get("signup_terms").unwrap_or_default(),
        password_min_length: state.settings.password_min_length,
    })
}

pub async fn save_settings(state: &AppState, admin: &Admin, enabled: bool, terms: &str) -> Result<(), ServiceError> {
    let actor = admin.actor();
    if terms.chars().count() > MAX_TERMS {
        return Err(ServiceError::field("terms", Msg::ErrTooLong).map_arg(MAX_TERMS));
    }
    let mut tx = state.begin_write().await?;
    for (k, v) in [("signup_enabled", if enabled { "true" } else { "false" }), ("signup_terms", terms.trim())] {
        crate::db::query("INSERT INTO portal_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(k)
            .bind(v)
            .execute(&mut tx)
            .await?;
    }
    let change = Change {
        action: "settings.signup_changed",
        target_kind: "settings",
        target_uid: "signup",
        target_label: "Sign-up",
        before: None,
        after: Some(serde_json::json!({ "enabled": enabled, "terms": !terms.trim().is_empty() })),
        reason: None,
    };
    activity::record(&mut tx, actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// The developer's own action, in the activity log.
async fn log_self(conn: &mut dyn Conn, action: &str, u: &UserRecord) -> Result<(), ServiceError> {
    let me = Actor { id: Some(u.user_id()), label: u.email.clone() };
    log(conn, &me, action, u, None, None, None).await
}

pub struct SignupForm {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: String,
    pub accept_terms: bool,
    pub lang: Lang,
}

/// Creates a pending account and mails the verification link. For an
/// address that already has an account the answer is the same ("check your
/// email") and nothing is sent: the page must not tell who has an account.
pub async fn sign_up(state: &AppState, form: SignupForm) -> Result<(), ServiceError> {
    let settings = settings(state).await?;
    if !settings.enabled {
        return Err(ServiceError::Refused(Msg::ErrSignupClosed));
    }
    let user_form = UserForm {
        email: form.email.clone(),
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        note: String::new(),
    };
    let mut errs = crate::users::service::validate(&user_form);
    if let Err(e) = crate::auth::password::check_policy(&form.password, state.settings.password_min_length) {
        errs.push(e);
    }
    if !settings.terms.is_empty() && !form.accept_terms {
        errs.push(FieldError::new("accept_terms", Msg::ErrAcceptTerms));
    }
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    // Hashed on both paths, so the time does not tell either.
    let hash = state.hasher.hash(form.password).await?;
    let mut tx = state.begin_write().await?;
    match users_repo::credentials_by_email(&mut tx, &canonical_email(&form.email)).await? {
        Some(existing) => {
            // Recorded for the administrators (and it costs the same commit).
            let u = users_repo::by_uid_id(&mut tx, UserId(existing.id)).await?;
            log_self(&mut tx, "user.signup_for_existing_address", &u).await?;
        }
        None => {
            let new = users_repo::NewUser {
                email: &form.email,
                first_name: &form.first_name,
                last_name: &form.last_name,
                password_hash: Some(&hash),
                must_change_password: false,
            };
            let u = users_repo::insert_as(&mut tx, &new, UserState::Pending, form.lang).await?;
            links::send(&mut tx, state, LinkPurpose::Verification, TemplateName::SignupConfirmation, &u, None).await?;
            log_self(&mut tx, "user.signed_up", &u).await?;
        }
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// The live verification link and its account, which must still be pending.
async fn live_link(
    conn: &mut dyn Conn,
    token: Option<&str>,
    at: i64,
) -> Result<(crate::links::repo::LiveLink, UserRecord), ServiceError> {
    let (link, u) = links::live(conn, token, LinkPurpose::Verification, at).await?;
    match u.state() {
        UserState::Pending => Ok((link, u)),
        UserState::Active => Err(ServiceError::Link(LinkProblem::Used)),
        _ => Err(ServiceError::Link(LinkProblem::Cancelled)),
    }
}

pub async fn verify_view(state: &AppState, token: Option<&str>) -> Result<VerifyView, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (_, u) = live_link(&mut conn, token, now()).await?;
    Ok(VerifyView { email: u.email })
}

/// Confirms the address: the account becomes active and joins Developers.
pub async fn verify(state: &AppState, token: Option<&str>) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    let at = now();
    let (link, u) = live_link(&mut tx, token, at).await?;
    if !links_repo::consume(&mut tx, link.id, at).await? {
        return Err(ServiceError::Link(LinkProblem::Used));
    }
    users_repo::set_state(&mut tx, u.user_id(), UserState::Active).await?;
    groups_repo::add_to_system_group(&mut tx, u.user_id(), SystemGroup::Developers).await?;
    enqueue_template(&mut tx, state, TemplateName::Welcome, &Recipient::of(&u), None).await?;
    log_self(&mut tx, "user.email_verified", &u).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// User detail → Resend verification email, for a pending sign-up.
pub async fn resend_verification(state: &AppState, admin: &Admin, uid: &str) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let u = users_repo::by_uid(&mut tx, uid).await?.ok_or(ServiceError::NotFound)?;
    if u.state() != UserState::Pending {
        return Err(ServiceError::Refused(Msg::ErrNotPending));
    }
    links::send(&mut tx, state, LinkPurpose::Verification, TemplateName::SignupConfirmation, &u, None).await?;
    log(&mut tx, actor, "user.verification_resent", &u, None, None, None).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(())
}

/// Retention: deletes up to `batch` accounts that signed up, never verified
/// their address, and whose last verification link expired before `before`;
/// the activity log records each deletion. Returns how many went, and the
/// last account looked at (where the next batch starts).
pub async fn prune_unverified(
    tx: &mut dyn Conn,
    before: i64,
    after: UserId,
    batch: i64,
) -> Result<(u64, Option<UserId>), ServiceError> {
    let candidates = links_repo::unverified_signups(&mut *tx, before, after, batch).await?;
    let mut deleted = 0;
    for id in &candidates {
        let u = users_repo::by_uid_id(&mut *tx, *id).await?;
        // Still pending: an account activated some other way (an
        // administrator's REST call) is no longer a sign-up to clean up.
        if u.state() == UserState::Pending {
            crate::users::service::delete_in(&mut *tx, &Actor::retention(), &u, Some("email never verified")).await?;
            deleted += 1;
        }
    }
    Ok((deleted, candidates.last().copied()))
}
