//! Proof that the caller may administer Gatehouse. Every administrator-only
//! service takes an [`Admin`]; its field is private, so the only ways to get
//! one are the checks below. A server function or REST handler that forgets
//! the check has nothing to pass and does not compile.
use crate::activity::Actor;
use crate::auth::sessions::SessionUser;
use crate::error::AppError;
use crate::users::UserId;

/// An administrator (or a trusted in-process operator) acting now.
#[derive(Clone, Debug)]
pub struct Admin {
    actor: Actor,
}

impl Admin {
    /// The browser check: a signed-in administrator who has set their own
    /// password.
    pub fn from_session(u: &SessionUser) -> Result<Admin, AppError> {
        if !u.is_admin {
            return Err(AppError::Forbidden);
        }
        if u.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(Admin { actor: Actor { id: Some(u.user_id), label: u.email.clone() } })
    }

    /// The REST check, made by `access_tokens::service::authenticate`: a live
    /// token whose owner is an active administrator (the query that found
    /// the token checked both).
    pub(crate) fn from_checked_token(user: UserId, label: String) -> Admin {
        Admin { actor: Actor { id: Some(user), label } }
    }

    /// `gatehouse admin …`: whoever runs the binary on the database file.
    pub fn command_line() -> Admin {
        Admin { actor: Actor::cli() }
    }

    /// Who this is, for the activity log.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The administrator's account (None for the command line and jobs).
    pub fn user_id(&self) -> Option<UserId> {
        self.actor.id
    }
}
