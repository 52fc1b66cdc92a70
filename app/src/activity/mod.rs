//! The activity log: every administrator change, who made it, when, what it
//! was before and after, and the reason typed in the confirmation.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_uid: String,
    pub target_label: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub rows: Vec<ActivityEntry>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Who made a change: an administrator, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<crate::users::UserId>,
    pub label: String,
}

impl Actor {
    pub fn cli() -> Actor {
        Actor { id: None, label: "command line".into() }
    }

    /// The retention job, deleting what outlived its period.
    pub fn retention() -> Actor {
        Actor { id: None, label: "retention".into() }
    }
}

pub const MAX_REASON: usize = 500;
