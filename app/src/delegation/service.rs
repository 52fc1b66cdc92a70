//! Delegation settings (screen and REST), the redirects to the delegate
//! site, and signing in with a single-sign-on token.
use super::repo::{self, Stored};
use super::{sso, DelegationSettings, Operation};
use crate::activity::{repo as activity, repo::Change};
use crate::auth::capability::Admin;
use crate::auth::sessions::{self, Client};
use crate::db::now;
use crate::error::{AppError, FieldError, ServiceError};
use crate::i18n::Msg;
use crate::secret::Secret;
use crate::state::AppState;
use crate::users::UserState;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const SEALED_FOR: &str = "delegation/validation-key";
/// APIM's limit for User_GetSharedAccessToken.
pub const MAX_TOKEN_SECS: i64 = 30 * 86_400;
/// How long the URL from User_GenerateSsoUrl may wait to be followed.
pub const SSO_URL_SECS: i64 = 10 * 60;

fn view(s: &Stored) -> DelegationSettings {
    DelegationSettings {
        url: s.url.clone(),
        user_registration: s.user_registration,
        subscriptions: s.subscriptions,
        has_key: !s.key.is_empty(),
        version: s.version,
    }
}

fn open_key(state: &AppState, s: &Stored) -> Option<String> {
    let sealed = STANDARD.decode(&s.key).ok()?;
    state.gate.vault().open_for(&sealed, SEALED_FOR).ok()
}

pub async fn settings(state: &AppState, _: &Admin) -> Result<DelegationSettings, ServiceError> {
    Ok(view(&repo::get(&mut state.pool.acquire().await?).await?))
}

/// The validation key (APIM's listSecrets); None before one exists.
pub async fn validation_key(state: &AppState, _: &Admin) -> Result<Option<Secret>, ServiceError> {
    let s = repo::get(&mut state.pool.acquire().await?).await?;
    Ok(open_key(state, &s).map(Secret::new))
}

/// What a change sets; None leaves a value as it is.
#[derive(Default)]
pub struct Update {
    pub url: Option<String>,
    pub user_registration: Option<bool>,
    pub subscriptions: Option<bool>,
    /// A key the caller chose (base64), as APIM's PUT allows.
    pub validation_key: Option<String>,
    /// Generate a new key (the screen's button); returned once.
    pub regenerate_key: bool,
}

/// Saves the settings if `expected_version` (when given) still matches.
/// Delegating needs an https URL (http only to this machine) and a key,
/// which is generated on first use. Returns a newly generated key.
pub async fn save(
    state: &AppState,
    admin: &Admin,
    c: Update,
    expected_version: Option<i64>,
) -> Result<Option<String>, ServiceError> {
    let mut tx = state.begin_write().await?;
    let mut s = repo::get(&mut tx).await?;
    if expected_version.is_some_and(|v| v != s.version) {
        return Err(ServiceError::Conflict);
    }
    let mut errs = Vec::new();
    if let Some(url) = c.url {
        let url = url.trim().to_string();
        if !url.is_empty() && !crate::identity::oidc::acceptable_url(url.split('?').next().unwrap_or_default()) {
            errs.push(FieldError::new("url", Msg::ErrIssuerUrl));
        }
        s.url = url;
    }
    if let Some(on) = c.user_registration {
        s.user_registration = on;
    }
    if let Some(on) = c.subscriptions {
        // Subscription steps are not handed over yet: saying "on" would
        // promise what the portal does not do.
        if on {
            errs.push(FieldError::new("subscriptions", Msg::ErrSubscriptionDelegation));
        }
        s.subscriptions = false;
    }
    if (s.user_registration || s.subscriptions) && s.url.is_empty() {
        errs.push(FieldError::new("url", Msg::ErrRequired));
    }
    let mut generated = None;
    if let Some(k) = c.validation_key {
        match STANDARD.decode(k.trim()) {
            Ok(bytes) if bytes.len() >= 32 => {
                s.key = STANDARD.encode(state.gate.vault().seal_for(k.trim(), SEALED_FOR))
            }
            _ => errs.push(FieldError::new("validation_key", Msg::ErrValidationKey)),
        }
    } else if c.regenerate_key || s.key.is_empty() {
        let k = sso::new_validation_key();
        s.key = STANDARD.encode(state.gate.vault().seal_for(&k, SEALED_FOR));
        generated = Some(k);
    }
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    s.version += 1;
    repo::put(&mut tx, &s).await?;
    let change = Change {
        action: "settings.delegation_changed",
        target_kind: "settings",
        target_uid: "delegation",
        target_label: "Delegation",
        before: None,
        after: Some(serde_json::json!({
            "url": s.url, "userRegistration": s.user_registration, "subscriptions": s.subscriptions,
            "validationKey": if generated.is_some() || c.regenerate_key { "new" } else { "unchanged" },
        })),
        reason: None,
    };
    activity::record(&mut tx, admin.actor(), change).await?;
    tx.commit().await?;
    Ok(generated)
}

/// Where a sign-in or sign-up goes when delegated: the delegate URL with
/// APIM's `operation`, `returnUrl`, `salt` and `sig`. None: not delegated.
pub async fn redirect(state: &AppState, op: Operation, return_url: &str) -> Result<Option<String>, ServiceError> {
    let s = repo::get(&mut state.pool.acquire().await?).await?;
    if !s.user_registration || s.url.is_empty() {
        return Ok(None);
    }
    let Some(key) = open_key(state, &s) else { return Ok(None) };
    let salt = crate::identity::oidc::random_token();
    let Some(sig) = sso::delegation_sig(&key, &salt, &[return_url]) else { return Ok(None) };
    let Ok(mut url) = url::Url::parse(&s.url) else { return Ok(None) };
    url.query_pairs_mut()
        .append_pair("operation", op.as_str())
        .append_pair("returnUrl", return_url)
        .append_pair("salt", &salt)
        .append_pair("sig", &sig);
    Ok(Some(url.into()))
}

fn token_keys(state: &AppState) -> [[u8; 32]; 2] {
    let v = state.gate.vault();
    [v.derived_key("sso/primary"), v.derived_key("sso/secondary")]
}

/// APIM's User_GetSharedAccessToken: a token for `uid`, valid until
/// `expires_at` (at most 30 days), signed with the primary or secondary key.
pub async fn shared_access_token(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    secondary: bool,
    expires_at: i64,
) -> Result<Secret, ServiceError> {
    let u = crate::users::service::record(state, admin, uid).await?;
    let t = now();
    if expires_at <= t || expires_at > t + MAX_TOKEN_SECS {
        return Err(ServiceError::field("expiry", Msg::ErrSsoTokenExpiry));
    }
    let keys = token_keys(state);
    Ok(Secret::new(sso::token(&keys[usize::from(secondary)], &u.uid, expires_at)))
}

/// APIM's User_GenerateSsoUrl: the portal URL that signs `uid` in once.
pub async fn sso_url(state: &AppState, admin: &Admin, uid: &str) -> Result<Secret, ServiceError> {
    let token = shared_access_token(state, admin, uid, false, now() + SSO_URL_SECS).await?;
    Ok(Secret::new(format!(
        "{}/signin-sso?token={}",
        state.settings.public_url.trim_end_matches('/'),
        crate::url::percent_encode(token.expose())
    )))
}

/// `/signin-sso`: a valid, unexpired, unused token of an active account
/// opens a session for it. Every failure is the same answer.
pub async fn sign_in_with_token(
    state: &AppState,
    token: &str,
    client: &Client,
    old_session: Option<Vec<u8>>,
) -> Result<(String, bool), AppError> {
    use sha2::{Digest, Sha256};
    let refused = AppError::Link(crate::links::LinkProblem::Unknown);
    let v = sso::verify(token, &token_keys(state)).ok_or(refused.clone())?;
    let t = now();
    if v.expires_at <= t {
        return Err(AppError::Link(crate::links::LinkProblem::Expired));
    }
    let mut tx = state.begin_write().await?;
    let u = crate::users::repo::by_uid(&mut tx, &v.uid).await?.ok_or(refused.clone())?;
    if u.state() != UserState::Active {
        return Err(refused);
    }
    let hash = Sha256::digest(token.trim().as_bytes()).to_vec();
    if !repo::use_token(&mut tx, &hash, v.expires_at, t).await? {
        return Err(AppError::Link(crate::links::LinkProblem::Used));
    }
    if let Some(old) = old_session {
        sessions::delete(&mut tx, &old).await?;
    }
    let session = sessions::sign_in(&mut tx, u.user_id(), client, t).await?;
    tx.commit().await?;
    Ok((session, u.is_admin))
}
