//! The users screens: the list (`list`), add (here), and one account's page
//! (`detail`), an account's sessions (`sessions`).
mod close;
mod detail;
mod list;
mod sessions;

pub use close::CloseAccountCard;
pub use detail::UserDetailPage;
pub use list::{list_url, UsersPage};
pub use sessions::{SessionsCard, Whose};

use crate::components::{field_error, ErrorBanner};
use crate::i18n::{tr, Msg};
use crate::users::api::*;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NewUserPage() -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(uid)) = action.value().get() {
            navigate(&format!("/admin/users/{uid}"), Default::default());
        }
    });
    view! {
        <div class="page-head"><h1>{tr(Msg::AddUser)}</h1></div>
        <section class="card">
            <p class="muted">{tr(Msg::AddUserIntro)}</p>
            <ErrorBanner error/>
            <ActionForm action attr:class="stack" attr:data-testid="add-user-form">
                <label for="email">{tr(Msg::Email)}</label>
                <input id="email" name="email" type="email" required maxlength="254" autocomplete="off"/>
                {field_error(error, "email")}
                <label for="first_name">{tr(Msg::FirstName)}</label>
                <input id="first_name" name="first_name" type="text" required maxlength="100"/>
                {field_error(error, "first_name")}
                <label for="last_name">{tr(Msg::LastName)}</label>
                <input id="last_name" name="last_name" type="text" required maxlength="100"/>
                {field_error(error, "last_name")}
                <label for="password">{tr(Msg::PasswordOptional)}</label>
                <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-help"/>
                <span class="help" id="password-help">{tr(Msg::PasswordOptionalHelp)}</span>
                {field_error(error, "password")}
                <label for="note">{tr(Msg::Note)}</label>
                <textarea id="note" name="note" rows="3" maxlength="1000"></textarea>
                {field_error(error, "note")}
                <div class="actions">
                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::AddUser)}</button>
                    <a href="/admin/users" class="button secondary">{tr(Msg::Cancel)}</a>
                </div>
            </ActionForm>
        </section>
    }
}
