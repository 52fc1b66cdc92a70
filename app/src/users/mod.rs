//! Developer and administrator accounts.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserState {
    Active,
    Blocked,
    Pending,
    Deleted,
}

impl UserState {
    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Active => "active",
            UserState::Blocked => "blocked",
            UserState::Pending => "pending",
            UserState::Deleted => "deleted",
        }
    }
}

/// Emails compare case-insensitively and ignore surrounding space.
pub fn canonical_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A light syntactic check: one @, something on both sides, a dot in the
/// domain, no spaces or control characters (they would break mail headers).
pub fn is_valid_email(email: &str) -> bool {
    let e = email.trim();
    if e.is_empty() || e.chars().count() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_compared_case_insensitively_and_trimmed() {
        assert_eq!(canonical_email("  Ada@Example.COM "), "ada@example.com");
        assert!(is_valid_email("ada@example.com"));
        assert!(!is_valid_email("ada@example"));
        assert!(!is_valid_email("ada example@example.com"));
        assert!(!is_valid_email("a@b@example.com"));
        assert!(!is_valid_email("ada@example.com\r\nBcc: x@y.z"));
    }
}
