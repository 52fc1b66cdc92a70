//! One-time links sent by email: invitation, sign-up verification and
//! password reset. The token travels once, in the emailed URL
//! (`/l/{purpose}/{token}`); that URL puts it in an HttpOnly cookie and
//! redirects to a page without it, so the token does not stay in the
//! address bar, the history or a shared screenshot.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod web;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    Invitation,
    Verification,
    Reset,
}

impl LinkPurpose {
    pub const ALL: [LinkPurpose; 3] = [LinkPurpose::Invitation, LinkPurpose::Verification, LinkPurpose::Reset];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Verification => "verification",
            LinkPurpose::Reset => "reset",
        }
    }

    pub fn parse(s: &str) -> Option<LinkPurpose> {
        LinkPurpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The page the emailed URL leads to.
    pub fn page(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "/invitation",
            LinkPurpose::Verification => "/verify-email",
            LinkPurpose::Reset => "/reset-password",
        }
    }
}

/// Why a link cannot be used. Each gets its own plain explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkProblem {
    /// The page was opened without following a link (or the cookie is gone).
    Missing,
    /// Not a link Gatehouse issued (mistyped, or its account was deleted).
    Unknown,
    Used,
    Expired,
    /// A newer link was sent; only that one works.
    Replaced,
    /// An administrator revoked the invitation.
    Revoked,
    /// The account changed (blocked, address changed, already active).
    Cancelled,
}

impl LinkProblem {
    pub fn title(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            LinkProblem::Missing => Msg::LinkMissingTitle,
            LinkProblem::Unknown => Msg::LinkUnknownTitle,
            LinkProblem::Used => Msg::LinkUsedTitle,
            LinkProblem::Expired => Msg::LinkExpiredTitle,
            LinkProblem::Replaced => Msg::LinkReplacedTitle,
            LinkProblem::Revoked => Msg::LinkRevokedTitle,
            LinkProblem::Cancelled => Msg::LinkCancelledTitle,
        }
    }
}
