//! The error that crosses from server functions to the page. It carries no
//! internal detail (those go to the log on the server); each variant maps to
//! a translated message, and validation errors name their field.
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use server_fn::{codec::JsonEncoding, error::{FromServerFnError, ServerFnErrorErr}};

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
            AppError::Unauthenticated => Msg::ErrUnauthenticated.text(lang).into(),
            AppError::Forbidden => Msg::ErrForbidden.text(lang).into(),
            AppError::PasswordChangeRequired => Msg::ErrPasswordChangeRequired.text(lang).into(),
            AppError::NotFound => Msg::ErrNotFound.text(lang).into(),
            AppError::Validation(_) => Msg::ErrValidation.text(lang).into(),
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

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // The cause goes to the log only: never to the client.
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}
