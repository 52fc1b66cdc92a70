//! Sign-in through identity providers (OpenID Connect): the providers an
//! administrator configures (APIM's identityProviders: `aad`, `aadB2C`, and
//! `oidc` for any OpenID provider), the identities they give accounts, and
//! the groups their claims fill.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod jwt;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod web;

/// The provider types, keyed as APIM keys them (`identityProviders/{type}`):
/// at most one of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProviderKind {
    Aad,
    AadB2C,
    Oidc,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [ProviderKind::Oidc, ProviderKind::Aad, ProviderKind::AadB2C];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Aad => "aad",
            ProviderKind::AadB2C => "aadB2C",
            ProviderKind::Oidc => "oidc",
        }
    }

    pub fn parse(s: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What the kind is called on the screen.
    pub fn title(self) -> &'static str {
        match self {
            ProviderKind::Aad => "Microsoft Entra ID",
            ProviderKind::AadB2C => "Azure AD B2C",
            ProviderKind::Oidc => "OpenID Connect",
        }
    }

    /// Entra's authority is a host; the issuer follows from the tenant.
    pub fn default_authority(self) -> &'static str {
        match self {
            ProviderKind::Aad => "login.microsoftonline.com",
            ProviderKind::AadB2C => "",
            ProviderKind::Oidc => "",
        }
    }
}

/// A provider's settings (never its secret) and, for the screen, the
/// redirect URI to register at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProviderForm {
    pub display_name: String,
    pub authority: String,
    pub signin_tenant: String,
    pub signin_policy: String,
    pub client_id: String,
    /// Write-only: empty keeps the stored secret.
    pub client_secret: String,
    /// Tenant ids, one per line or separated by commas.
    pub allowed_tenants: String,
    pub scopes: String,
    pub groups_claim: String,
    /// Email domains, one per line or separated by commas; empty = any.
    pub email_domains: String,
    pub create_groups: bool,
}

/// The form as the browser posts it: every field may be absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ProviderInput {
    pub display_name: Option<String>,
    pub authority: Option<String>,
    pub signin_tenant: Option<String>,
    pub signin_policy: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub allowed_tenants: Option<String>,
    pub scopes: Option<String>,
    pub groups_claim: Option<String>,
    pub email_domains: Option<String>,
    pub create_groups: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub kind: ProviderKind,
    pub form: ProviderForm,
    pub version: i64,
    pub redirect_uri: String,
}

/// The administrators' screen: each kind configured or not, and whether
/// developers may still sign in with a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvidersScreen {
    pub providers: Vec<ProviderRow>,
    pub password_sign_in: bool,
    /// Where a kind not yet configured would send people back (to register first).
    pub callback_base: String,
}

/// What the sign-in page offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SignInOptions {
    /// (kind, button label)
    pub buttons: Vec<(String, String)>,
    pub password_for_developers: bool,
}

/// Splits a list typed one per line or with commas.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', '\n', ' ', '\r', '\t']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// Why a sign-in through a provider ended without a session; the sign-in
/// page shows it (`/sign-in?sso=<code>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoProblem {
    /// The person cancelled or the provider refused at its end.
    Denied,
    /// The sign-in took too long, was used already or came from another browser.
    Expired,
    /// The provider could not be reached or its token did not check out.
    Failed,
    NoEmail,
    Domain,
    Tenant,
    /// An account has the email, but the provider does not vouch for it.
    Unverified,
    Blocked,
    /// An invitation not yet accepted holds the email.
    Pending,
}

impl SsoProblem {
    pub const ALL: [SsoProblem; 9] = [
        SsoProblem::Denied,
        SsoProblem::Expired,
        SsoProblem::Failed,
        SsoProblem::NoEmail,
        SsoProblem::Domain,
        SsoProblem::Tenant,
        SsoProblem::Unverified,
        SsoProblem::Blocked,
        SsoProblem::Pending,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SsoProblem::Denied => "denied",
            SsoProblem::Expired => "expired",
            SsoProblem::Failed => "failed",
            SsoProblem::NoEmail => "no_email",
            SsoProblem::Domain => "domain",
            SsoProblem::Tenant => "tenant",
            SsoProblem::Unverified => "unverified",
            SsoProblem::Blocked => "blocked",
            SsoProblem::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<SsoProblem> {
        SsoProblem::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            SsoProblem::Denied => Msg::SsoDenied,
            SsoProblem::Expired => Msg::SsoExpired,
            SsoProblem::Failed => Msg::SsoFailed,
            SsoProblem::NoEmail => Msg::SsoNoEmail,
            SsoProblem::Domain => Msg::SsoDomain,
            SsoProblem::Tenant => Msg::SsoTenant,
            SsoProblem::Unverified => Msg::SsoUnverified,
            SsoProblem::Blocked => Msg::SsoBlocked,
            SsoProblem::Pending => Msg::SsoPending,
        }
    }
}
