//! Access tokens for the REST management API: an administrator creates one
//! on the Access tokens screen, sees it once, and later sees when it was last
//! used and revokes it. A token acts as the administrator who created it.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        }
    }
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            TokenState::Active => Msg::TokenActive,
            TokenState::Expired => Msg::TokenExpired,
            TokenState::Revoked => Msg::TokenRevoked,
        }
    }
}

/// One token as the screen lists it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub uid: String,
    pub name: String,
    /// The token's first characters, to tell it apart from others.
    pub prefix: String,
    pub owner_email: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub state: TokenState,
}

/// A token just created: the only time its value is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub row: TokenRow,
    pub token: crate::secret::Secret,
}

pub const MAX_TOKEN_NAME: usize = 100;
/// Choices of the expiry field, in days (0 = never).
pub const EXPIRY_CHOICES: [u32; 5] = [7, 30, 90, 365, 0];
/// Every token starts with this, so secret scanners can recognise a leaked one.
pub const TOKEN_PREFIX: &str = "ghat_";
