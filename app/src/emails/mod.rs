//! Outgoing email: the outbox, its delivery worker and the Emails screen.
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod delivery;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailStatus {
    Queued,
    Sending,
    Sent,
    Kept,
    Failed,
    Cancelled,
}

impl EmailStatus {
    pub const ALL: [EmailStatus; 6] = [
        EmailStatus::Queued,
        EmailStatus::Sending,
        EmailStatus::Sent,
        EmailStatus::Kept,
        EmailStatus::Failed,
        EmailStatus::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sending => "sending",
            EmailStatus::Sent => "sent",
            EmailStatus::Kept => "kept",
            EmailStatus::Failed => "failed",
            EmailStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<EmailStatus> {
        EmailStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            EmailStatus::Queued => Msg::EmailQueued,
            EmailStatus::Sending => Msg::EmailSending,
            EmailStatus::Sent => Msg::EmailSent,
            EmailStatus::Kept => Msg::EmailKept,
            EmailStatus::Failed => Msg::EmailFailed,
            EmailStatus::Cancelled => Msg::EmailCancelled,
        }
    }
}

/// One message as the Emails screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSummary {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: EmailStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPage {
    pub rows: Vec<EmailSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// No SMTP server is configured: messages are kept, not sent.
    pub keeping: bool,
}
