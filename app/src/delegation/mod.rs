//! APIM's delegation: a team's own website owns sign-in and sign-up (and,
//! later, subscription and profile steps). Gatehouse sends the browser there
//! with APIM's signed parameters; the site signs the developer back in with
//! a single-sign-on token it gets from the REST API
//! (User_GetSharedAccessToken, User_GenerateSsoUrl) and `/signin-sso`.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sso;
#[cfg(feature = "ssr")]
pub mod web;

/// The settings, without the validation key (shown once when generated,
/// and through `listSecrets`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DelegationSettings {
    /// The delegate site's endpoint; empty = no delegation.
    pub url: String,
    /// Sign-in and sign-up go to the delegate site.
    pub user_registration: bool,
    /// Subscribing, unsubscribing and renewing go to the delegate site.
    pub subscriptions: bool,
    pub has_key: bool,
    pub version: i64,
}

/// The operations Gatehouse hands over, named as APIM names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    SignIn,
    SignUp,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::SignIn => "SignIn",
            Operation::SignUp => "SignUp",
        }
    }
}
