//! Password reset: the administrator's "Reset password" button, the
//! portal's "Forgot password" page and the page where a new password is
//! chosen from the emailed link.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

/// What the reset page shows before the new password is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetView {
    pub email: String,
    pub expires_at: i64,
    pub password_min_length: usize,
}
