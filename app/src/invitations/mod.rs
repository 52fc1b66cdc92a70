//! Inviting developers by email: the invitation records administrators see
//! (pending, accepted, expired, revoked) with Resend and Revoke, and the page
//! where the invited developer chooses a password.
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationState {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationState {
    pub const ALL: [InvitationState; 4] =
        [InvitationState::Pending, InvitationState::Accepted, InvitationState::Expired, InvitationState::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Expired => "expired",
            InvitationState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<InvitationState> {
        InvitationState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            InvitationState::Pending => Msg::InvPending,
            InvitationState::Accepted => Msg::InvAccepted,
            InvitationState::Expired => Msg::InvExpired,
            InvitationState::Revoked => Msg::InvRevoked,
        }
    }
}

/// One invitation as the administrator's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub uid: String,
    pub user_uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub state: InvitationState,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub sent_count: i64,
    pub last_sent_at: i64,
    pub accepted_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub rows: Vec<InvitationRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The Invite form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// The language of the invitation email (and of the account's later emails).
    pub lang: Lang,
}

impl InviteForm {
    /// The same field rules as adding an account.
    #[cfg(feature = "ssr")]
    pub fn problems(&self) -> Vec<crate::error::FieldError> {
        crate::users::service::validate(&crate::users::UserForm {
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            note: String::new(),
        })
    }
}

/// What the invited developer sees before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub organization: String,
    pub expires_at: i64,
    pub password_min_length: usize,
}

pub mod csv;

/// What an import would do with one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    New,
    /// An account with this address exists already.
    Exists,
    /// The address appears earlier in the same file.
    Duplicate,
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: csv::CsvRow,
    pub status: RowStatus,
    pub problems: Vec<crate::error::FieldError>,
}

/// The dry run of a CSV import: nothing is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvPreview {
    pub rows: Vec<PreviewRow>,
    pub new: usize,
    pub exists: usize,
    pub duplicate: usize,
    pub invalid: usize,
}

/// The outcome of one row of a bulk invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkInviteResult {
    pub email: String,
    pub error: Option<crate::error::AppError>,
}

/// Rows per bulk call: the page sends an import in chunks and shows progress.
pub const BULK_INVITE_CHUNK: usize = 500;
