//! Server functions for invitations: the administrator's side and the
//! invited developer's page.
use super::{BulkInviteResult, CsvPreview, InvitationPage, InvitationView, InviteForm};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{service, InvitationState},
    crate::auth::ssr::*,
    crate::i18n::Lang,
};

/// `lang` is "en" or "nl": the language of the email and of the account.
#[server(endpoint = "admin/invitations/invite")]
pub async fn invite_user(
    email: String,
    first_name: String,
    last_name: String,
    lang: String,
) -> Result<String, AppError> {
    run(async move {
        let admin = require_admin()?;
        let lang = Lang::from_code(&lang).unwrap_or_default();
        Ok(service::invite(&app_state(), &admin, InviteForm { email, first_name, last_name, lang }).await?)
    })
    .await
}

#[server(endpoint = "admin/invitations/list")]
pub async fn list_invitations(state: Option<String>, page: u32) -> Result<InvitationPage, AppError> {
    run(async move {
        let admin = require_admin()?;
        let filter = state.as_deref().and_then(InvitationState::parse);
        Ok(service::list(&app_state(), &admin, filter, page).await?)
    })
    .await
}

#[server(endpoint = "admin/invitations/resend")]
pub async fn resend_invitation(uid: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::resend(&app_state(), &admin, &uid).await?)
    })
    .await
}

#[server(endpoint = "admin/invitations/revoke")]
pub async fn revoke_invitation(uid: String) -> Result<(), AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::revoke(&app_state(), &admin, &uid).await?)
    })
    .await
}

/// Who the invitation link in this browser is for (anyone holding it may ask).
#[server(endpoint = "invitation/view")]
pub async fn load_invitation() -> Result<InvitationView, AppError> {
    run(async move {
        let token = crate::links::web::request_token(crate::links::LinkPurpose::Invitation);
        Ok(service::view(&app_state(), token.as_deref()).await?)
    })
    .await
}

/// Sets the password, activates the account and signs it in.
#[server(endpoint = "invitation/accept")]
pub async fn accept_invitation(password: String, confirm: String) -> Result<(), AppError> {
    run(async move {
        use crate::links::{web, LinkPurpose};
        let state = app_state();
        let token = web::request_token(LinkPurpose::Invitation);
        let session = service::accept(&state, token, password, confirm, &crate::auth::ssr::client()).await?;
        set_cookie(&crate::auth::sessions::set_cookie_header(&state.settings, &session));
        set_cookie(&web::clear_cookie(&state.settings, LinkPurpose::Invitation));
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// The dry run of a CSV import (writes nothing).
#[server(endpoint = "admin/invitations/preview_csv")]
pub async fn preview_invitations_csv(csv: String) -> Result<CsvPreview, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::preview_csv(&app_state(), &admin, &csv).await?)
    })
    .await
}

/// Invites up to 500 developers; the page sends an import in such chunks.
#[server(endpoint = "admin/invitations/bulk", input = server_fn::codec::Json)]
pub async fn bulk_invite(rows: Vec<InviteForm>) -> Result<Vec<BulkInviteResult>, AppError> {
    run(async move {
        let admin = require_admin()?;
        Ok(service::bulk_invite(&app_state(), &admin, &rows).await?)
    })
    .await
}
