//! The sign-in page.
use crate::components::ErrorBanner;
use crate::i18n::{tr, Msg};
use crate::SessionActions;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let action = actions.sign_in;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section class="card narrow">
            <h1>{tr(Msg::SignInTitle)}</h1>
            <p class="muted">{tr(Msg::SignInIntro)}</p>
            <crate::delegation::pages::DelegateRedirect sign_up=false/>
            <crate::identity::pages::ProviderButtons/>
            <ErrorBanner error/>
            <ActionForm action attr:class="stack" attr:data-testid="sign-in-form">
                <input type="hidden" name="next" value=next/>
                <label for="email">{tr(Msg::Email)}</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                <label for="password">{tr(Msg::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { tr(Msg::SigningIn)() } else { tr(Msg::SignInButton)() }}
                </button>
            </ActionForm>
            <p class="form-links">
                <a href="/forgot-password" data-testid="forgot-link">{tr(Msg::ForgotLink)}</a>
                <a href="/sign-up">{tr(Msg::SignUpLink)}</a>
            </p>
        </section>
    }
}
