//! Developer and administrator accounts: the list, add, edit, block,
//! activate, delete, set password, make administrator and bulk changes.
use crate::groups::GroupRef;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sessions;

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
    pub const ALL: [UserState; 4] = [UserState::Active, UserState::Blocked, UserState::Pending, UserState::Deleted];

    pub fn parse(s: &str) -> Option<UserState> {
        UserState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            UserState::Active => Msg::StateActive,
            UserState::Blocked => Msg::StateBlocked,
            UserState::Pending => Msg::StatePending,
            UserState::Deleted => Msg::StateDeleted,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Active => "active",
            UserState::Blocked => "blocked",
            UserState::Pending => "pending",
            UserState::Deleted => "deleted",
        }
    }
}

/// One row of the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub state: UserState,
    pub registered_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub groups: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UserSort {
    #[default]
    Name,
    Email,
    Registered,
}

impl UserSort {
    pub fn parse(s: &str) -> Option<UserSort> {
        match s {
            "name" => Some(UserSort::Name),
            "email" => Some(UserSort::Email),
            "registered" => Some(UserSort::Registered),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Name => "name",
            UserSort::Email => "email",
            UserSort::Registered => "registered",
        }
    }
}

pub const PAGE_SIZES: [u32; 3] = [25, 50, 100];

/// What the users list shows: carried in the URL so views can be bookmarked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserQuery {
    pub q: String,
    pub state: Option<UserState>,
    /// A group's uid.
    pub group: Option<String>,
    pub sort: UserSort,
    pub desc: bool,
    /// 1-based. Without a cursor it is also the position (an OFFSET).
    pub page: u32,
    pub per_page: u32,
    /// The page after (or before) the account with this uid: how Next and
    /// Previous page, so a page deep in a million accounts costs what the
    /// first one does. `page` then only labels the position.
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
    /// Only accounts not signed in for this many days (those that never
    /// signed in count from their registration).
    #[serde(default)]
    pub inactive_days: Option<u32>,
}

impl UserQuery {
    pub fn per_page(&self) -> u32 {
        if PAGE_SIZES.contains(&self.per_page) {
            self.per_page
        } else {
            PAGE_SIZES[0]
        }
    }
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    /// Exact when `total_exact`; otherwise a lower bound ("more than 1,000"):
    /// counting every match of a broad search at a million accounts would
    /// cost more than the page itself.
    pub total: i64,
    pub total_exact: bool,
    pub has_next: bool,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub note: Option<String>,
    pub state: UserState,
    pub registered_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub has_password: bool,
    pub version: i64,
    pub groups: Vec<GroupRef>,
    pub identities: Vec<Identity>,
    pub is_admin: bool,
    /// The administrator looking at the page is this user.
    pub is_self: bool,
    /// The newest invitation of this account, if it was invited.
    pub invitation: Option<crate::invitations::InvitationRow>,
    pub subscriptions: Vec<crate::subscriptions::SubscriptionRow>,
    /// Published products this account can see, with the groups that grant each.
    pub products: Vec<crate::products::VisibleProduct>,
}

/// A way to sign in (APIM's UserIdentityContract). For now every account has
/// one: provider "Basic", the email/password identity, whose id is the email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub provider: String,
    pub id: String,
}

/// The editable fields of an account (add and edit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserForm {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub note: String,
}

/// What goes with an account when it is deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletePreview {
    pub email: String,
    pub groups: Vec<String>,
    pub sessions: i64,
    pub subscriptions: Vec<crate::subscriptions::SubscriptionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    AddToGroup(String),
    RemoveFromGroup(String),
    Block,
    Activate,
}

/// The outcome for one selected account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRowResult {
    pub uid: String,
    pub label: String,
    pub error: Option<crate::error::AppError>,
}

/// What the users search looks in: "first last email", lower-cased, so a
/// search can span the full name. The search term is lower-cased the same way.
pub fn search_text(first_name: &str, last_name: &str, email: &str) -> String {
    format!("{} {} {}", first_name.trim(), last_name.trim(), email.trim()).to_lowercase()
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
