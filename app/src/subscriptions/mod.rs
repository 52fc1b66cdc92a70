//! Subscriptions: a developer's access to a product, with two keys that the
//! API gateway checks. States and their names follow Azure API Management.
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod keys;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionState {
    /// Requested, waiting for an administrator's approval.
    Submitted,
    Active,
    /// Stopped by an administrator; can be reactivated.
    Suspended,
    /// Refused by an administrator (with a comment the developer sees).
    Rejected,
    /// Ended by the developer or an administrator.
    Cancelled,
    Expired,
}

impl SubscriptionState {
    pub const ALL: [SubscriptionState; 6] = [
        SubscriptionState::Submitted,
        SubscriptionState::Active,
        SubscriptionState::Suspended,
        SubscriptionState::Rejected,
        SubscriptionState::Cancelled,
        SubscriptionState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionState::Submitted => "submitted",
            SubscriptionState::Active => "active",
            SubscriptionState::Suspended => "suspended",
            SubscriptionState::Rejected => "rejected",
            SubscriptionState::Cancelled => "cancelled",
            SubscriptionState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionState> {
        SubscriptionState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            SubscriptionState::Submitted => Msg::SubSubmitted,
            SubscriptionState::Active => Msg::SubActive,
            SubscriptionState::Suspended => Msg::SubSuspended,
            SubscriptionState::Rejected => Msg::SubRejected,
            SubscriptionState::Cancelled => Msg::SubCancelled,
            SubscriptionState::Expired => Msg::SubExpired,
        }
    }

    /// Still counts against the product's per-developer limit.
    pub fn is_open(self) -> bool {
        matches!(self, SubscriptionState::Submitted | SubscriptionState::Active | SubscriptionState::Suspended)
    }
}

/// Which of a subscription's two keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySlot {
    Primary,
    Secondary,
}

impl KeySlot {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySlot::Primary => "primary",
            KeySlot::Secondary => "secondary",
        }
    }
    pub fn parse(s: &str) -> Option<KeySlot> {
        match s {
            "primary" => Some(KeySlot::Primary),
            "secondary" => Some(KeySlot::Secondary),
            _ => None,
        }
    }
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            KeySlot::Primary => crate::i18n::Msg::PrimaryKey,
            KeySlot::Secondary => crate::i18n::Msg::SecondaryKey,
        }
    }
    pub fn regenerated(self) -> crate::i18n::Msg {
        match self {
            KeySlot::Primary => crate::i18n::Msg::PrimaryRegenerated,
            KeySlot::Secondary => crate::i18n::Msg::SecondaryRegenerated,
        }
    }
    pub fn confirm_title(self) -> crate::i18n::Msg {
        match self {
            KeySlot::Primary => crate::i18n::Msg::ConfirmRegeneratePrimary,
            KeySlot::Secondary => crate::i18n::Msg::ConfirmRegenerateSecondary,
        }
    }
    pub fn pick(self, keys: &SubscriptionKeys) -> &str {
        match self {
            KeySlot::Primary => keys.primary.expose(),
            KeySlot::Secondary => keys.secondary.expose(),
        }
    }
}

/// What an administrator can do to a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionAction {
    Approve,
    Reject,
    Suspend,
    Reactivate,
    Cancel,
}

impl SubscriptionAction {
    pub const ALL: [SubscriptionAction; 5] = [
        SubscriptionAction::Approve,
        SubscriptionAction::Reject,
        SubscriptionAction::Suspend,
        SubscriptionAction::Reactivate,
        SubscriptionAction::Cancel,
    ];

    /// The state this action leads to, if it applies to `from`.
    pub fn apply(self, from: SubscriptionState) -> Option<SubscriptionState> {
        use SubscriptionAction::*;
        use SubscriptionState::*;
        match (self, from) {
            (Approve, Submitted) => Some(Active),
            (Reject, Submitted) => Some(Rejected),
            (Suspend, Active) => Some(Suspended),
            (Reactivate, Suspended | Expired) => Some(Active),
            (Cancel, Submitted | Active | Suspended) => Some(Cancelled),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionAction::Approve => "approve",
            SubscriptionAction::Reject => "reject",
            SubscriptionAction::Suspend => "suspend",
            SubscriptionAction::Reactivate => "reactivate",
            SubscriptionAction::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionAction> {
        SubscriptionAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            SubscriptionAction::Approve => Msg::SubApprove,
            SubscriptionAction::Reject => Msg::SubReject,
            SubscriptionAction::Suspend => Msg::SubSuspend,
            SubscriptionAction::Reactivate => Msg::SubReactivate,
            SubscriptionAction::Cancel => Msg::SubCancel,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub uid: String,
    pub name: String,
    pub state: SubscriptionState,
    pub state_comment: Option<String>,
    pub scope: SubscriptionScope,
    pub user_uid: String,
    pub user_email: String,
    pub user_name: String,
    pub created_at: i64,
    pub start_date: Option<i64>,
    pub end_date: Option<i64>,
    /// Bookkeeping only, as in APIM: nothing expires by itself.
    pub expiration_date: Option<i64>,
    pub version: i64,
}

/// What a subscription's keys open, as APIM's `scope`: the APIs of one
/// product, one API, or every API (the last two only administrators grant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriptionScope {
    Product { uid: String, name: String },
    Api { uid: String, name: String },
    AllApis,
}

impl SubscriptionScope {
    /// APIM's scope path: `/products/{id}`, `/apis/{id}` or `/apis`.
    pub fn path(&self) -> String {
        match self {
            SubscriptionScope::Product { uid, .. } => format!("/products/{uid}"),
            SubscriptionScope::Api { uid, .. } => format!("/apis/{uid}"),
            SubscriptionScope::AllApis => "/apis".into(),
        }
    }

    /// What the pages and emails call it.
    pub fn name(&self) -> &str {
        match self {
            SubscriptionScope::Product { name, .. } | SubscriptionScope::Api { name, .. } => name,
            SubscriptionScope::AllApis => "All APIs",
        }
    }

    pub fn product_uid(&self) -> Option<&str> {
        match self {
            SubscriptionScope::Product { uid, .. } => Some(uid),
            _ => None,
        }
    }

    /// The administrators' page of what it opens.
    pub fn admin_href(&self) -> String {
        match self {
            SubscriptionScope::Product { uid, .. } => format!("/admin/products/{uid}"),
            SubscriptionScope::Api { uid, .. } => format!("/admin/apis/{uid}"),
            SubscriptionScope::AllApis => "/admin/apis".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionKeys {
    pub primary: crate::secret::Secret,
    pub secondary: crate::secret::Secret,
}

/// The administrators' list: filters and page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SubscriptionQuery {
    pub state: Option<SubscriptionState>,
    /// A product uid.
    pub product: Option<String>,
    /// Part of the developer's email or name.
    pub user: String,
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionPage {
    pub rows: Vec<SubscriptionRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Counts per state over the whole table (the filter tabs).
    pub by_state: Vec<(SubscriptionState, i64)>,
}

pub const MAX_SUBSCRIPTION_NAME: usize = 100;
pub const MAX_STATE_COMMENT: usize = 1000;

#[cfg(test)]
mod tests {
    use super::{SubscriptionAction::*, SubscriptionState::*};

    #[test]
    fn actions_follow_the_apim_lifecycle() {
        assert_eq!(Approve.apply(Submitted), Some(Active));
        assert_eq!(Reject.apply(Submitted), Some(Rejected));
        assert_eq!(Approve.apply(Active), None, "approving twice does nothing");
        assert_eq!(Suspend.apply(Active), Some(Suspended));
        assert_eq!(Reactivate.apply(Suspended), Some(Active));
        assert_eq!(Cancel.apply(Suspended), Some(Cancelled));
        assert_eq!(Cancel.apply(Rejected), None, "a rejected request is already over");
        assert_eq!(Reactivate.apply(Cancelled), None, "cancelled is final");
    }
}
