//! Server functions for the users screens. Each checks the caller, then
//! calls one service function; the REST API will call the same services.
use super::{BulkAction, BulkRowResult, DeletePreview, UserDetail, UserPage, UserQuery};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::ssr::*};

#[server(endpoint = "admin/users/list", input = Json)]
pub async fn list_users(query: UserQuery) -> Result<UserPage, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::list(&app_state(), &admin, &query).await?)
    })
    .await
}

/// Every uid that matches the query (for "select all that match").
#[server(endpoint = "admin/users/matching", input = Json)]
pub async fn matching_user_uids(query: UserQuery) -> Result<Vec<String>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::matching_uids(&app_state(), &admin, &query).await?)
    })
    .await
}

#[server(endpoint = "admin/users/get")]
pub async fn get_user(uid: String) -> Result<UserDetail, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::detail(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/users/create")]
pub async fn create_user(
    email: String,
    first_name: String,
    last_name: String,
    password: String,
    note: String,
) -> Result<String, AppError> {
    run(async move {
        let admin = require_admin()?;
        let form = super::UserForm { email, first_name, last_name, note };
        let password = Some(password).filter(|p| !p.is_empty());
        Ok(service::create(&app_state(), &admin, form, password).await?)
    })
    .await
}

#[server(endpoint = "admin/users/update")]
pub async fn update_user(
    uid: String,
    version: i64,
    email: String,
    first_name: String,
    last_name: String,
    note: String,
) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        let form = super::UserForm { email, first_name, last_name, note };
        Ok(service::update(&app_state(), &admin, &uid, form, version).await?)
    })
    .await
}

/// `must_change` is a checkbox: present ("on") when ticked.
#[server(endpoint = "admin/users/set_password")]
pub async fn set_user_password(uid: String, password: String, must_change: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::set_password(&app_state(), &admin, &uid, password, must_change.is_some()).await?)
    })
    .await
}

/// `state` is "active" or "blocked".
#[server(endpoint = "admin/users/set_state")]
pub async fn set_user_state(uid: String, state: String, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        let to = super::UserState::parse(&state).ok_or(AppError::Refused(crate::i18n::Msg::ErrBadState))?;
        Ok(service::set_state(&app_state(), &admin, &uid, to, reason.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "admin/users/delete_preview")]
pub async fn user_delete_preview(uid: String) -> Result<DeletePreview, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::delete_preview(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// `notify` ("true"): email the developer that the account is closed.
#[server(endpoint = "admin/users/delete")]
pub async fn delete_user(uid: String, reason: Option<String>, notify: Option<bool>) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        let notify = notify.unwrap_or(false);
        Ok(service::delete_notifying(&app_state(), &admin, &uid, reason.as_deref(), notify).await?)
    })
    .await
}

#[server(endpoint = "admin/users/set_admin")]
pub async fn set_user_admin(uid: String, admin: bool, reason: Option<String>) -> Result<(), AppError> {
    run(async move {
        let me = require_admin()?;
        Ok(service::set_admin(&app_state(), &me, &uid, admin, reason.as_deref()).await?)
    })
    .await
}

#[server(endpoint = "admin/users/bulk", input = Json)]
pub async fn bulk_users(
    uids: Vec<String>,
    action: BulkAction,
    reason: Option<String>,
) -> Result<Vec<BulkRowResult>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::bulk(&app_state(), &admin, &uids, &action, reason.as_deref()).await?)
    })
    .await
}

/// An account's live sessions, for the user page.
#[server(endpoint = "admin/users/sessions")]
pub async fn user_sessions(uid: String) -> Result<Vec<super::sessions::SessionView>, AppError> {
    run(async move {
        let admin = require_admin()?;
        let mine = viewer().map(|v| v.session_hash).unwrap_or_default();
        Ok(service::sessions_of(&app_state(), &admin, &uid, &mine).await?)
    })
    .await
}

/// Ends every session of an account. Returns how many there were.
#[server(endpoint = "admin/users/sign_out_everywhere")]
pub async fn sign_out_everywhere(uid: String) -> Result<i64, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::sign_out_everywhere(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// The caller's own live sessions, for the profile.
#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<super::sessions::SessionView>, AppError> {
    run(async move {
        let me = require_user()?;
        Ok(service::my_sessions(&app_state(), &me).await?)
    })
    .await
}

/// Ends one of the caller's sessions; ending the current one signs out.
#[server(endpoint = "account/sessions/end")]
pub async fn end_my_session(reference: String) -> Result<(), AppError> {
    run(async move {
        let state = app_state();
        let me = require_user()?;
        if service::end_my_session(&state, &me, &reference).await? {
            set_cookie(&crate::auth::sessions::clear_cookie_header(&state.settings));
            leptos_axum::redirect("/sign-in");
        }
        Ok(())
    })
    .await
}

/// Ends every session of the caller but the one making this call.
#[server(endpoint = "account/sessions/end_others")]
pub async fn end_my_other_sessions() -> Result<(), AppError> {
    run(async move {
        let me = require_user()?;
        Ok(service::end_my_other_sessions(&app_state(), &me).await?)
    })
    .await
}

/// The caller closes their own account (password required when it has one),
/// is signed out and sent home.
#[server(endpoint = "account/close")]
pub async fn close_my_account(password: String) -> Result<(), AppError> {
    run(async move {
        let state = app_state();
        let me = require_user()?;
        service::close_own_account(&state, &me, password).await?;
        set_cookie(&crate::auth::sessions::clear_cookie_header(&state.settings));
        leptos_axum::redirect("/?closed");
        Ok(())
    })
    .await
}
