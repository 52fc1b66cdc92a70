//! A sign-in through a provider, as OpenID Connect's authorization code
//! flow with PKCE: `begin` sends the browser to the provider with a fresh
//! state, nonce and code challenge; `complete` takes the code back, redeems
//! it, checks the ID token and finds, links or creates the account.
use super::oidc::{challenge, random_token, OidcError};
use super::repo::{self, Pending, Stored};
use super::{ProviderKind, SsoProblem};
use crate::activity::Actor;
use crate::auth::sessions::{self, Client};
use crate::db::now;
use crate::groups::{repo as groups_repo, SystemGroup};
use crate::state::AppState;
use crate::users::repo::{self as users_repo, UserRecord};
use crate::users::{canonical_email, UserState};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// How long the person may take at the provider.
pub const PENDING_SECS: i64 = 600;

pub struct Begun {
    pub location: String,
    /// Also kept in a cookie, so only the browser that began can complete.
    pub state: String,
}

fn state_hash(state: &str) -> Vec<u8> {
    Sha256::digest(state.as_bytes()).to_vec()
}

fn failed(what: &str, e: impl std::fmt::Display) -> SsoProblem {
    tracing::warn!(error = %e, "sign-in through a provider failed: {what}");
    SsoProblem::Failed
}

async fn provider(state: &AppState, kind: ProviderKind) -> Result<Stored, SsoProblem> {
    let mut conn = state.pool.acquire().await.map_err(|e| failed("database", e))?;
    repo::get(&mut conn, kind).await.map_err(|e| failed("database", e))?.ok_or(SsoProblem::Failed)
}

pub async fn begin(state: &AppState, kind: ProviderKind, next: Option<String>) -> Result<Begun, SsoProblem> {
    let p = provider(state, kind).await?;
    let d = state.oidc.discover(&p.issuer(), kind == ProviderKind::Oidc).await.map_err(|e| failed("discovery", e))?;
    let (st, nonce, verifier) = (random_token(), random_token(), random_token());
    let mut url = url::Url::parse(&d.authorization_endpoint).map_err(|e| failed("authorization endpoint", e))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &p.client_id)
        .append_pair("redirect_uri", &super::service::redirect_uri(&state.settings, kind))
        .append_pair("scope", &p.scopes)
        .append_pair("state", &st)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge(&verifier))
        .append_pair("code_challenge_method", "S256");
    let next = crate::auth::safe_next(&state.settings.public_url, next.as_deref());
    let pending = Pending { provider: kind.as_str().into(), nonce, verifier, next };
    let mut tx = state.begin_write().await.map_err(|e| failed("database", e))?;
    // Abandoned sign-ins go as new ones begin: the table only ever holds
    // the last ten minutes' worth.
    repo::purge_pending(&mut tx, now()).await.map_err(|e| failed("database", e))?;
    repo::put_pending(&mut tx, &state_hash(&st), &pending, now() + PENDING_SECS)
        .await
        .map_err(|e| failed("database", e))?;
    tx.commit().await.map_err(|e| failed("database", e))?;
    Ok(Begun { location: url.into(), state: st })
}

/// What the provider sent back to the redirect URI.
#[derive(serde::Deserialize, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

pub struct Completed {
    pub token: String,
    pub target: String,
}

pub async fn complete(
    state: &AppState,
    kind: ProviderKind,
    cb: Callback,
    cookie_state: Option<String>,
    client: Client,
    old_session: Option<Vec<u8>>,
) -> Result<Completed, SsoProblem> {
    let st = cb.state.ok_or(SsoProblem::Expired)?;
    // The state is used up now, whatever follows: a second try with the
    // same state (a replay, a reload) finds nothing.
    let pending = {
        let mut tx = state.begin_write().await.map_err(|e| failed("database", e))?;
        let p = repo::take_pending(&mut tx, &state_hash(&st), now()).await.map_err(|e| failed("database", e))?;
        tx.commit().await.map_err(|e| failed("database", e))?;
        p
    };
    let same_browser = cookie_state.is_some_and(|c| super::jwt::constant_eq(c.as_bytes(), st.as_bytes()));
    let pending = pending.filter(|p| p.provider == kind.as_str() && same_browser).ok_or(SsoProblem::Expired)?;
    if let Some(e) = cb.error {
        tracing::info!(error = e, "the provider ended the sign-in");
        return Err(SsoProblem::Denied);
    }
    let code = cb.code.ok_or(SsoProblem::Failed)?;
    let p = provider(state, kind).await?;
    let d = state.oidc.discover(&p.issuer(), kind == ProviderKind::Oidc).await.map_err(|e| failed("discovery", e))?;
    let secret = super::service::client_secret_of(state, &p).map_err(|e| failed("client secret", e))?;
    let want = super::jwt::Expected { issuer: &d.issuer, client_id: &p.client_id, nonce: &pending.nonce, now: now() };
    let claims = state
        .oidc
        .redeem(
            &p.issuer(),
            &d,
            &p.client_id,
            secret.expose(),
            &code,
            &pending.verifier,
            &super::service::redirect_uri(&state.settings, kind),
            &want,
        )
        .await
        .map_err(|e| match e {
            OidcError::Token(t) => failed("ID token", t),
            other => failed("token endpoint", other),
        })?;
    let (token, is_admin) = account(state, &p, &claims, &client, old_session).await?;
    let target = match pending.next {
        Some(n) => n,
        None if is_admin => "/admin".into(),
        None => "/".into(),
    };
    Ok(Completed { token, target })
}

fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The groups claim's values: a list of strings (or numbers), or one string.
pub fn claim_values(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match claims.get(name) {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => vec![],
    }
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Finds the account of these claims (by identity, or by a verified email,
/// linking it) or creates one, syncs its groups and opens a session, all in
/// one transaction. Returns the session token and whether it is an administrator.
async fn account(
    state: &AppState,
    p: &Stored,
    claims: &Map<String, Value>,
    client: &Client,
    old_session: Option<Vec<u8>>,
) -> Result<(String, bool), SsoProblem> {
    let db = |e: sqlx::Error| failed("database", e);
    let kind = p.kind();
    let subject = claim(claims, "sub").ok_or(SsoProblem::Failed)?;
    let email = claim(claims, "email");
    // Some providers send the flag as a string.
    let verified = matches!(claims.get("email_verified"), Some(Value::Bool(true)))
        || claim(claims, "email_verified") == Some("true");
    let tenant = claim(claims, "tid");
    let tenants = p.allowed_tenants();
    if !tenants.is_empty() && !tenant.is_some_and(|t| tenants.iter().any(|a| a.eq_ignore_ascii_case(t))) {
        return Err(SsoProblem::Tenant);
    }
    let domains = p.email_domains();
    if !domains.is_empty() {
        let domain = email.ok_or(SsoProblem::NoEmail)?.rsplit_once('@').map(|(_, d)| d.to_lowercase());
        if !domain.is_some_and(|d| domains.contains(&d)) {
            return Err(SsoProblem::Domain);
        }
    }
    let actor = Actor { id: None, label: format!("{} sign-in", p.display_name) };
    let mut tx = state.begin_write().await.map_err(db)?;
    let user: UserRecord = match repo::user_of(&mut tx, kind, subject).await.map_err(db)? {
        Some(id) => users_repo::by_uid_id(&mut tx, id).await.map_err(db)?,
        None => {
            let email = email.filter(|e| e.contains('@')).ok_or(SsoProblem::NoEmail)?;
            let link_info = serde_json::json!({ "provider": kind.as_str(), "id": subject });
            match users_repo::credentials_by_email(&mut tx, &canonical_email(email)).await.map_err(db)? {
                Some(existing) => {
                    // Only the provider's word that the address is the
                    // person's lets it take over an existing account.
                    if !verified {
                        return Err(SsoProblem::Unverified);
                    }
                    let u = users_repo::by_uid_id(&mut tx, crate::users::UserId(existing.id)).await.map_err(db)?;
                    if u.state() == UserState::Pending {
                        return Err(SsoProblem::Pending);
                    }
                    repo::link(&mut tx, kind, subject, u.user_id()).await.map_err(db)?;
                    crate::users::service::log(
                        &mut tx,
                        &actor,
                        "user.identity_linked",
                        &u,
                        None,
                        Some(link_info),
                        None,
                    )
                    .await
                    .map_err(|e| failed("activity", e))?;
                    u
                }
                None => {
                    let (first, last) = match (claim(claims, "given_name"), claim(claims, "family_name")) {
                        (Some(f), l) => (f.to_string(), l.unwrap_or_default().to_string()),
                        (None, _) => match claim(claims, "name") {
                            Some(n) => match n.split_once(' ') {
                                Some((f, l)) => (f.to_string(), l.trim().to_string()),
                                None => (n.to_string(), String::new()),
                            },
                            None => (email.split('@').next().unwrap_or_default().to_string(), String::new()),
                        },
                    };
                    let new = users_repo::NewUser {
                        email: &cut(email, 254),
                        first_name: &cut(&first, 100),
                        last_name: &cut(&last, 100),
                        password_hash: None,
                        must_change_password: false,
                    };
                    let u = users_repo::insert_as(&mut tx, &new, UserState::Active, crate::i18n::Lang::En)
                        .await
                        .map_err(db)?;
                    groups_repo::add_to_system_group(&mut tx, u.user_id(), SystemGroup::Developers)
                        .await
                        .map_err(db)?;
                    repo::link(&mut tx, kind, subject, u.user_id()).await.map_err(db)?;
                    let created = users_repo::by_uid_id(&mut tx, u.user_id()).await.map_err(db)?;
                    let mut after = created.snapshot();
                    after["identity"] = link_info;
                    crate::users::service::log(&mut tx, &actor, "user.created", &created, None, Some(after), None)
                        .await
                        .map_err(|e| failed("activity", e))?;
                    created
                }
            }
        }
    };
    // A blocked account stays blocked whatever the provider says.
    match user.state() {
        UserState::Active => {}
        UserState::Blocked => return Err(SsoProblem::Blocked),
        _ => return Err(SsoProblem::Pending),
    }
    if !p.groups_claim.is_empty() {
        let values = claim_values(claims, &p.groups_claim);
        crate::groups::service::sync_external(&mut tx, &actor, &user, &values, tenant, p.create_groups)
            .await
            .map_err(|e| failed("groups", e))?;
    }
    if let Some(old) = old_session {
        sessions::delete(&mut tx, &old).await.map_err(db)?;
    }
    let token = sessions::sign_in(&mut tx, user.user_id(), client, now()).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok((token, user.is_admin))
}
