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
pub mod templates;

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

/// One language of a template in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateText {
    pub lang: crate::i18n::Lang,
    pub subject: String,
    pub body: String,
    /// The shipped text (not edited).
    pub is_default: bool,
    pub updated_by: Option<String>,
    pub updated_at: Option<i64>,
}

/// A template with both languages and what the preview needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub name: templates::TemplateName,
    pub texts: Vec<TemplateText>,
    pub organization: String,
    pub portal_url: String,
    /// How long this template's link works (0 when it carries none).
    pub link_valid_secs: i64,
}

/// The templates list: name and whether each language is edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub name: templates::TemplateName,
    pub edited: Vec<crate::i18n::Lang>,
}

/// One message in full, as the Emails screen opens it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub status: EmailStatus,
}

pub const MAX_SUBJECT: usize = 1000;
pub const MAX_BODY: usize = 20_000;
