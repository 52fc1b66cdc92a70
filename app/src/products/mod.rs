//! Products: bundles of APIs that developers subscribe to. Which groups may
//! see a product decides who finds it in the portal and who may subscribe.
use crate::groups::GroupRef;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductState {
    #[serde(rename = "notPublished")]
    NotPublished,
    #[serde(rename = "published")]
    Published,
}

impl ProductState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductState::NotPublished => "notPublished",
            ProductState::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<ProductState> {
        match s {
            "notPublished" => Some(ProductState::NotPublished),
            "published" => Some(ProductState::Published),
            _ => None,
        }
    }
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            ProductState::NotPublished => crate::i18n::Msg::ProductNotPublished,
            ProductState::Published => crate::i18n::Msg::ProductPublished,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub uid: String,
    pub name: String,
    pub description: String,
    pub terms: String,
    pub state: ProductState,
    pub subscription_required: bool,
    pub approval_required: bool,
    /// Subscriptions one developer may hold at once; None = unlimited.
    pub subscriptions_limit: Option<i64>,
    /// Calls per subscription: (calls, per seconds).
    pub rate_limit: Option<(i64, i64)>,
    /// Calls per subscription: (calls, per renewal period in seconds).
    pub quota: Option<(i64, i64)>,
    /// All of the product's subscriptions, whatever their state.
    pub subscriptions: i64,
    pub groups: Vec<GroupRef>,
    pub version: i64,
}

/// What the create and edit forms send. The limit is text so an empty field
/// means "unlimited" and "abc" gets a message instead of a decoding error.
/// Fields left out are empty (scripts written before limits existed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub description: String,
    pub terms: String,
    pub published: bool,
    pub subscription_required: bool,
    pub approval_required: bool,
    pub subscriptions_limit: String,
    /// Rate limit: calls, and the window in seconds; both empty for none.
    pub rate_limit_calls: String,
    pub rate_limit_seconds: String,
    /// Quota: calls, and the renewal period in minutes; both empty for none.
    pub quota_calls: String,
    pub quota_minutes: String,
}

/// The limits a form asks for, parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LimitFields {
    pub subscriptions: Option<i64>,
    pub rate: Option<(i64, i64)>,
    pub quota: Option<(i64, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDeletePreview {
    pub name: String,
    pub subscriptions: i64,
    pub active: i64,
}

/// The product detail's Visibility tab: every group, ticked or not, and how
/// many developers that adds up to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visibility {
    pub groups: Vec<(GroupRef, bool)>,
    /// Active developers who can see the product (members of a ticked group).
    pub developers: i64,
    pub guests: bool,
}

/// A product as the portal shows it to one visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalProduct {
    pub uid: String,
    pub name: String,
    pub description: String,
    pub terms: String,
    pub published: bool,
    pub subscription_required: bool,
    pub approval_required: bool,
    pub subscriptions_limit: Option<i64>,
    /// (calls, seconds) per subscription, as the key check applies them.
    pub rate_limit: Option<(i64, i64)>,
    /// (calls, renewal period in seconds) per subscription.
    pub quota: Option<(i64, i64)>,
    /// The visitor's subscriptions to it that still count (submitted, active, suspended).
    pub mine: i64,
    /// Why the visitor cannot subscribe now, if they cannot.
    pub blocked_by: Option<crate::i18n::Msg>,
}

/// "Why can this user see this product?": the product and the groups that grant it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibleProduct {
    pub uid: String,
    pub name: String,
    pub via: Vec<String>,
}

pub const MAX_PRODUCT_NAME: usize = 300;
pub const MAX_PRODUCT_DESCRIPTION: usize = 1000;
pub const MAX_PRODUCT_TERMS: usize = 10_000;
