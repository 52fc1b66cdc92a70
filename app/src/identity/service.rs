//! Administering identity providers (the screen and the REST API share
//! this), and what the sign-in page offers.
use super::repo::{self, Stored};
use super::{split_list, ProviderForm, ProviderKind, ProviderRow, ProvidersScreen, SignInOptions};
use crate::activity::{repo as activity, repo::Change};
use crate::auth::capability::Admin;
use crate::config::Settings;
use crate::db::Conn;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::secret::Secret;
use crate::state::AppState;

pub const MAX_DISPLAY_NAME: usize = 100;
const MAX_FIELD: usize = 400;

/// Where the provider sends the browser back; registered at the provider.
pub fn redirect_uri(settings: &Settings, kind: ProviderKind) -> String {
    format!("{}/oidc/{}/callback", settings.public_url.trim_end_matches('/'), kind.as_str())
}

/// What the sealed client secret is bound to.
fn sealed_for(kind: ProviderKind) -> String {
    format!("identity-provider/{}", kind.as_str())
}

impl Stored {
    /// The issuer whose discovery document describes this provider. Entra
    /// ID's authority is a host (APIM's form) with the tenant after it;
    /// B2C's also names the sign-in user flow.
    pub fn issuer(&self) -> String {
        let base = if self.authority.contains("://") {
            self.authority.trim_end_matches('/').to_string()
        } else {
            format!("https://{}", self.authority.trim_end_matches('/'))
        };
        let tenant = self
            .signin_tenant
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| self.allowed_tenants().into_iter().next())
            .unwrap_or_else(|| "organizations".into());
        match self.kind() {
            ProviderKind::Oidc => base,
            ProviderKind::Aad => format!("{base}/{tenant}/v2.0"),
            ProviderKind::AadB2C => {
                format!("{base}/{tenant}/{}/v2.0", self.signin_policy.as_deref().unwrap_or_default())
            }
        }
    }

    pub fn form(&self) -> ProviderForm {
        ProviderForm {
            display_name: self.display_name.clone(),
            authority: self.authority.clone(),
            signin_tenant: self.signin_tenant.clone().unwrap_or_default(),
            signin_policy: self.signin_policy.clone().unwrap_or_default(),
            client_id: self.client_id.clone(),
            client_secret: String::new(),
            allowed_tenants: self.allowed_tenants().join("\n"),
            scopes: self.scopes.clone(),
            groups_claim: self.groups_claim.clone(),
            email_domains: self.email_domains().join("\n"),
            create_groups: self.create_groups,
        }
    }

    pub fn row(&self, settings: &Settings) -> ProviderRow {
        ProviderRow {
            kind: self.kind(),
            form: self.form(),
            version: self.version,
            redirect_uri: redirect_uri(settings, self.kind()),
        }
    }
}

/// Opens the stored client secret.
pub fn client_secret_of(state: &AppState, p: &Stored) -> Result<Secret, ServiceError> {
    state.gate.vault().open_for(&p.client_secret, &sealed_for(p.kind())).map(Secret::new).map_err(|e| {
        tracing::error!(error = %e, provider = p.kind, "cannot open an identity provider's client secret");
        ServiceError::Refused(Msg::ErrInternal)
    })
}

fn too_long(errs: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errs.push(FieldError::new(field, Msg::ErrTooLong).with_arg(max));
    }
}

/// The form's rules. `creating`: the client secret is required.
pub fn validate(kind: ProviderKind, f: &ProviderForm, creating: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let required = |errs: &mut Vec<FieldError>, field: &str, v: &str| {
        if v.trim().is_empty() {
            errs.push(FieldError::new(field, Msg::ErrRequired));
        }
    };
    required(&mut errs, "display_name", &f.display_name);
    too_long(&mut errs, "display_name", &f.display_name, MAX_DISPLAY_NAME);
    required(&mut errs, "client_id", &f.client_id);
    too_long(&mut errs, "client_id", &f.client_id, MAX_FIELD);
    if creating {
        required(&mut errs, "client_secret", &f.client_secret);
    }
    too_long(&mut errs, "client_secret", &f.client_secret, 2000);
    let authority = f.authority.trim();
    match kind {
        ProviderKind::Oidc => {
            if authority.is_empty() {
                errs.push(FieldError::new("authority", Msg::ErrRequired));
            } else if !super::oidc::acceptable_url(authority) {
                errs.push(FieldError::new("authority", Msg::ErrIssuerUrl));
            }
        }
        ProviderKind::Aad | ProviderKind::AadB2C => {
            let url = if authority.contains("://") { authority.to_string() } else { format!("https://{authority}") };
            if authority.is_empty() && kind == ProviderKind::AadB2C {
                errs.push(FieldError::new("authority", Msg::ErrRequired));
            } else if !authority.is_empty() && !super::oidc::acceptable_url(&url) {
                errs.push(FieldError::new("authority", Msg::ErrIssuerUrl));
            }
        }
    }
    if kind == ProviderKind::AadB2C {
        required(&mut errs, "signin_tenant", &f.signin_tenant);
        required(&mut errs, "signin_policy", &f.signin_policy);
    }
    too_long(&mut errs, "signin_tenant", &f.signin_tenant, MAX_FIELD);
    too_long(&mut errs, "signin_policy", &f.signin_policy, MAX_FIELD);
    too_long(&mut errs, "allowed_tenants", &f.allowed_tenants, 4000);
    too_long(&mut errs, "scopes", &f.scopes, MAX_FIELD);
    let claim = f.groups_claim.trim();
    if claim.chars().count() > 100 || claim.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errs.push(FieldError::new("groups_claim", Msg::ErrClaimName));
    }
    too_long(&mut errs, "email_domains", &f.email_domains, 4000);
    for d in split_list(&f.email_domains) {
        let d = d.trim_start_matches('@');
        if !d.contains('.') || d.contains('@') || d.starts_with('.') || d.ends_with('.') {
            errs.push(FieldError::new("email_domains", Msg::ErrEmailDomain).with_arg(d));
            break;
        }
    }
    errs
}

/// The stored form of a valid form: lists as JSON, `openid` always among
/// the scopes, domains lower-cased without `@`.
fn to_stored(kind: ProviderKind, f: &ProviderForm, client_secret: Vec<u8>) -> Stored {
    let mut scopes = split_list(&f.scopes);
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    let domains: Vec<String> =
        split_list(&f.email_domains).into_iter().map(|d| d.trim_start_matches('@').to_lowercase()).collect();
    let authority = match (kind, f.authority.trim()) {
        (ProviderKind::Aad, "") => kind.default_authority().to_string(),
        (_, a) => a.trim_end_matches('/').to_string(),
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Stored {
        kind: kind.as_str().into(),
        display_name: f.display_name.trim().into(),
        authority,
        signin_tenant: opt(&f.signin_tenant),
        signin_policy: opt(&f.signin_policy),
        client_id: f.client_id.trim().into(),
        client_secret,
        allowed_tenants: serde_json::to_string(&split_list(&f.allowed_tenants)).unwrap_or_else(|_| "[]".into()),
        scopes: scopes.join(" "),
        groups_claim: f.groups_claim.trim().into(),
        email_domains: serde_json::to_string(&domains).unwrap_or_else(|_| "[]".into()),
        create_groups: f.create_groups,
        version: 0,
    }
}

pub async fn screen(state: &AppState, _: &Admin) -> Result<ProvidersScreen, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let providers = repo::all(&mut conn).await?.iter().map(|p| p.row(&state.settings)).collect();
    Ok(ProvidersScreen {
        providers,
        password_sign_in: repo::password_sign_in(&mut conn).await?,
        callback_base: format!("{}/oidc/", state.settings.public_url.trim_end_matches('/')),
    })
}

pub async fn all(state: &AppState, _: &Admin) -> Result<Vec<Stored>, ServiceError> {
    Ok(repo::all(&mut state.pool.acquire().await?).await?)
}

pub async fn get(state: &AppState, _: &Admin, kind: ProviderKind) -> Result<Stored, ServiceError> {
    repo::get(&mut state.pool.acquire().await?, kind).await?.ok_or(ServiceError::NotFound)
}

async fn log(
    conn: &mut dyn Conn,
    admin: &Admin,
    action: &str,
    kind: ProviderKind,
    after: Option<serde_json::Value>,
) -> Result<(), ServiceError> {
    let uid = format!("identity-provider/{}", kind.as_str());
    let change = Change {
        action,
        target_kind: "settings",
        target_uid: &uid,
        target_label: kind.title(),
        before: None,
        after,
        reason: None,
    };
    activity::record(conn, admin.actor(), change).await?;
    Ok(())
}

/// Creates the provider of this kind or changes it. `expected_version`:
/// the version the form was read at (None: whatever is stored, as a REST
/// PUT without If-Match). An empty secret keeps the stored one. Returns
/// whether it was created.
pub async fn save(
    state: &AppState,
    admin: &Admin,
    kind: ProviderKind,
    form: ProviderForm,
    expected_version: Option<i64>,
) -> Result<bool, ServiceError> {
    let mut tx = state.begin_write().await?;
    let current = repo::get(&mut tx, kind).await?;
    let errs = validate(kind, &form, current.is_none());
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let secret = match (&current, form.client_secret.trim()) {
        (Some(cur), "") => cur.client_secret.clone(),
        (_, s) => state.gate.vault().seal_for(s, &sealed_for(kind)),
    };
    let stored = to_stored(kind, &form, secret);
    let saved = match (&current, expected_version) {
        (None, Some(_)) => return Err(ServiceError::NotFound),
        (None, None) => repo::save(&mut tx, &stored, None).await?,
        (Some(cur), v) => repo::save(&mut tx, &stored, Some(v.unwrap_or(cur.version))).await?,
    };
    if !saved {
        return Err(ServiceError::Conflict);
    }
    let after = serde_json::json!({
        "displayName": stored.display_name, "authority": stored.authority, "clientId": stored.client_id,
        "clientSecret": if form.client_secret.trim().is_empty() { "unchanged" } else { "changed" },
        "groupsClaim": stored.groups_claim, "emailDomains": stored.email_domains(),
    });
    log(&mut tx, admin, "settings.identity_provider_saved", kind, Some(after)).await?;
    tx.commit().await?;
    if let Some(cur) = &current {
        state.oidc.forget(&cur.issuer());
    }
    Ok(current.is_none())
}

/// Removes a provider. Its identities stay on the accounts (the same
/// provider configured again finds them); the accounts keep their other
/// ways in. Refused when it would leave developers no way to sign in.
pub async fn delete(
    state: &AppState,
    admin: &Admin,
    kind: ProviderKind,
    expected_version: Option<i64>,
) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    let cur = repo::get(&mut tx, kind).await?.ok_or(ServiceError::NotFound)?;
    if expected_version.is_some_and(|v| v != cur.version) {
        return Err(ServiceError::Conflict);
    }
    if !repo::password_sign_in(&mut tx).await? && repo::all(&mut tx).await?.len() == 1 {
        return Err(ServiceError::Refused(Msg::ErrLastWayIn));
    }
    repo::delete(&mut tx, kind).await?;
    log(&mut tx, admin, "settings.identity_provider_deleted", kind, None).await?;
    tx.commit().await?;
    state.oidc.forget(&cur.issuer());
    Ok(())
}

/// APIM's listSecrets: the client secret, for an administrator.
pub async fn client_secret(state: &AppState, admin: &Admin, kind: ProviderKind) -> Result<Secret, ServiceError> {
    let p = get(state, admin, kind).await?;
    client_secret_of(state, &p)
}

/// Switches password sign-in for developers on or off. Off needs a
/// provider to sign in with instead.
pub async fn set_password_sign_in(state: &AppState, admin: &Admin, on: bool) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    if !on && repo::all(&mut tx).await?.is_empty() {
        return Err(ServiceError::Refused(Msg::ErrLastWayIn));
    }
    repo::set_password_sign_in(&mut tx, on).await?;
    let change = Change {
        action: "settings.password_sign_in",
        target_kind: "settings",
        target_uid: "password-sign-in",
        target_label: "Password sign-in",
        before: None,
        after: Some(serde_json::json!({ "developers": on })),
        reason: None,
    };
    activity::record(&mut tx, admin.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The sign-in page's buttons, for anyone.
pub async fn sign_in_options(state: &AppState) -> Result<SignInOptions, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let buttons = repo::all(&mut conn).await?.into_iter().map(|p| (p.kind.clone(), p.display_name)).collect();
    Ok(SignInOptions { buttons, password_for_developers: repo::password_sign_in(&mut conn).await? })
}

/// An account's identities at providers, as APIM lists them (provider, id).
pub async fn identities_of(
    conn: &mut dyn Conn,
    user: crate::users::UserId,
) -> Result<Vec<(String, String)>, ServiceError> {
    Ok(repo::of_user(conn, user).await?)
}
