//! Self sign-up on the developer portal: the form, the verification link,
//! the administrator's on/off switch and terms of use.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

/// What the sign-up page needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SignupSettings {
    pub enabled: bool,
    /// Terms a new developer must accept; empty = none.
    pub terms: String,
    pub password_min_length: usize,
}

/// The address a verification link confirms, shown before confirming.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyView {
    pub email: String,
}

pub const MAX_TERMS: usize = 20_000;
