//! The error that crosses from server functions to the page. It carries no
//! internal detail (those go to the log on the server); each variant maps to
//! a translated message, and validation errors name their field.
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
    pub args: Vec<String>,
}

impl FieldError {
    pub fn new(field: &str, msg: Msg) -> Self {
        FieldError { field: field.into(), msg, args: vec![] }
    }
    pub fn with_arg(mut self, arg: impl ToString) -> Self {
        self.args.push(arg.to_string());
        self
    }
    pub fn message(&self, lang: Lang) -> String {
        let args: Vec<&dyn std::fmt::Display> = self.args.iter().map(|a| a as _).collect();
        self.msg.fmt(lang, &args)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("throttled for {retry_after_secs}s")]
    Throttled { retry_after_secs: u64 },
    /// Too many costly anonymous requests (sign-up, forgot password) from one address.
    #[error("too many requests; retry after {retry_after_secs}s")]
    TooManyRequests { retry_after_secs: u64 },
    /// The server is overloaded (a full password-hash queue, a database
    /// busy beyond its timeout): 503 with Retry-After.
    #[error("busy; retry after {retry_after_secs}s")]
    Busy { retry_after_secs: u64 },
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("not found")]
    NotFound,
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// The record changed since the form was opened (optimistic concurrency).
    #[error("conflict: the record changed")]
    Conflict,
    /// A business rule refused the change (last administrator, system group…).
    #[error("refused: {0:?}")]
    Refused(Msg),
    /// An emailed link that cannot be used (used, expired, replaced…).
    #[error("link: {0:?}")]
    Link(crate::links::LinkProblem),
    #[error("internal error")]
    Internal,
    /// Transport and (de)serialization problems reported by server_fn.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, msg: Msg) -> Self {
        AppError::Validation(vec![FieldError::new(field, msg)])
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::InvalidCredentials => Msg::InvalidCredentials.text(lang).into(),
            AppError::Throttled { retry_after_secs } => Msg::Throttled.fmt(lang, &[retry_after_secs]),
            AppError::TooManyRequests { retry_after_secs } => Msg::TooManyRequests.fmt(lang, &[retry_after_secs]),
            AppError::Busy { retry_after_secs } => Msg::ErrBusy.fmt(lang, &[retry_after_secs]),
            AppError::Unauthenticated => Msg::ErrUnauthenticated.text(lang).into(),
            AppError::Forbidden => Msg::ErrForbidden.text(lang).into(),
            AppError::PasswordChangeRequired => Msg::ErrPasswordChangeRequired.text(lang).into(),
            AppError::NotFound => Msg::ErrNotFound.text(lang).into(),
            AppError::Validation(errs) if errs.len() == 1 && errs[0].field.is_empty() => errs[0].message(lang),
            AppError::Validation(_) => Msg::ErrValidation.text(lang).into(),
            AppError::Conflict => Msg::ErrConflict.text(lang).into(),
            AppError::Refused(m) => m.text(lang).into(),
            AppError::Link(p) => p.title().text(lang).into(),
            AppError::Internal => Msg::ErrInternal.text(lang).into(),
            AppError::Transport(e) => Msg::ErrNetwork.fmt(lang, &[e]),
        }
    }

    /// The message for one form field, if this error names it.
    pub fn field_message(&self, field: &str, lang: Lang) -> Option<String> {
        match self {
            AppError::Validation(errs) => errs.iter().find(|e| e.field == field).map(|e| e.message(lang)),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// The service layer's error, shared by the server functions, the CLI and
/// (later) the REST API, each of which maps it to its own answer.
#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message(Lang::En))).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("the record changed since it was read")]
    Conflict,
    #[error("{}", .0.text(Lang::En))]
    Refused(Msg),
    #[error("link: {0:?}")]
    Link(crate::links::LinkProblem),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("busy; retry after {0}s")]
    Busy(u64),
}

#[cfg(feature = "ssr")]
impl From<crate::auth::password::HasherBusy> for ServiceError {
    fn from(_: crate::auth::password::HasherBusy) -> Self {
        ServiceError::Busy(1)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::auth::password::HasherBusy> for AppError {
    fn from(_: crate::auth::password::HasherBusy) -> Self {
        AppError::Busy { retry_after_secs: 1 }
    }
}

#[cfg(feature = "ssr")]
impl ServiceError {
    pub fn field(field: &str, msg: Msg) -> Self {
        ServiceError::Validation(vec![FieldError::new(field, msg)])
    }

    /// Adds an argument to the first field error's message.
    pub fn map_arg(self, arg: impl ToString) -> Self {
        match self {
            ServiceError::Validation(mut v) if !v.is_empty() => {
                let first = v.remove(0).with_arg(arg);
                v.insert(0, first);
                ServiceError::Validation(v)
            }
            other => other,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Validation(v) => AppError::Validation(v),
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Conflict => AppError::Conflict,
            ServiceError::Refused(m) => AppError::Refused(m),
            ServiceError::Link(p) => AppError::Link(p),
            ServiceError::Db(e) => e.into(),
            ServiceError::Busy(secs) => AppError::Busy { retry_after_secs: secs },
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_busy(&e) {
            tracing::warn!(error = %e, "database busy beyond its timeout");
            return AppError::Busy { retry_after_secs: crate::db::BUSY_RETRY_SECS };
        }
        // The cause goes to the log only: never to the client.
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}
