//! Small pieces used by both layouts.
use crate::error::AppError;
use crate::i18n::{switch_language, tr, use_i18n, Lang, Msg};
use crate::SessionActions;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Buttons that switch the page language in place (needs the wasm app).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="lang-switch" role="group" aria-label=tr(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            class="link-button"
                            lang=l.code()
                            aria-pressed=move || (i18n.lang.get() == l).to_string()
                            on:click=move |_| switch_language(i18n, l)
                        >
                            {l.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    view! {
        <ActionForm action=actions.sign_out attr:class="inline-form">
            <button type="submit" class="link-button" data-testid="sign-out">{tr(Msg::NavSignOut)}</button>
        </ActionForm>
    }
}

/// A form-level error message, announced to screen readers.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! { <p class="error-banner" role="alert">{e.message(i18n.lang.get())}</p> }
        })
    }
}

/// The error for one field, if the last submission had one.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .and_then(|e| e.field_message(field, i18n.lang.get()))
            .map(|m| view! { <span class="field-error" id=format!("{field}-error")>{m}</span> })
    }
}
