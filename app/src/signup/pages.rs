//! Sign up, Verify email, and the administrator's sign-up settings.
use super::api::*;
use crate::components::{field_error, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::invitations::pages::LinkProblemView;
use crate::links::LinkPurpose;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = Resource::new(|| (), |_| load_signup_settings());
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <crate::delegation::pages::DelegateRedirect sign_up=true/>
        <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(e) => return view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                };
                if !s.enabled {
                    return view! {
                        <section class="card narrow" data-testid="signup-closed">
                            <h1>{tr(Msg::SignUpTitle)}</h1>
                            <p>{tr(Msg::ErrSignupClosed)}</p>
                            <p><a href="/sign-in">{tr(Msg::NavSignIn)}</a></p>
                        </section>
                    }.into_any();
                }
                let min = s.password_min_length;
                let rule = move || Msg::PasswordRule.fmt(i18n.lang.get(), &[&min, &crate::auth::MAX_PASSWORD_LEN]);
                let terms = s.terms.clone();
                view! {
                    <section class="card narrow">
                        <h1>{tr(Msg::SignUpTitle)}</h1>
                        {move || if done() {
                            view! { <p class="success" role="status" data-testid="signup-done">{tr(Msg::SignUpDone)}</p> }.into_any()
                        } else {
                            let terms = terms.clone();
                            view! {
                                <p class="muted">{tr(Msg::SignUpIntro)}</p>
                                <ErrorBanner error/>
                                <ActionForm action attr:class="stack" attr:data-testid="signup-form">
                                    <label for="email">{tr(Msg::Email)}</label>
                                    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" autofocus/>
                                    {field_error(error, "email")}
                                    <label for="first_name">{tr(Msg::FirstName)}</label>
                                    <input id="first_name" name="first_name" type="text" autocomplete="given-name" required maxlength="100"/>
                                    {field_error(error, "first_name")}
                                    <label for="last_name">{tr(Msg::LastName)}</label>
                                    <input id="last_name" name="last_name" type="text" autocomplete="family-name" required maxlength="100"/>
                                    {field_error(error, "last_name")}
                                    <p class="muted" id="password-rule">{rule}</p>
                                    <label for="password">{tr(Msg::Password)}</label>
                                    <input id="password" name="password" type="password" autocomplete="new-password"
                                        aria-describedby="password-rule" required/>
                                    {field_error(error, "password")}
                                    {(!terms.is_empty()).then(|| view! {
                                        <h2>{tr(Msg::TermsOfUse)}</h2>
                                        <div class="terms" tabindex="0" data-testid="terms">{terms.clone()}</div>
                                        <label class="checkbox"><input type="checkbox" name="accept_terms"/>{tr(Msg::AcceptTerms)}</label>
                                        {field_error(error, "accept_terms")}
                                    })}
                                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::SignUpButton)}</button>
                                </ActionForm>
                                <p>{tr(Msg::HaveAccount)}" "<a href="/sign-in">{tr(Msg::NavSignIn)}</a></p>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// `/verify-email`: the address to confirm and a Confirm button (a mail
/// scanner that only fetches the link confirms nothing).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| load_verification());
    let action = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        {move || done().then(|| view! {
            <section class="card narrow" data-testid="verified">
                <h1>{tr(Msg::EmailVerifiedTitle)}</h1>
                <p>{tr(Msg::EmailVerifiedBody)}</p>
                <p><a class="button" href="/sign-in">{tr(Msg::NavSignIn)}</a></p>
            </section>
        })}
        <Show when=move || !done()>
            <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Err(AppError::Link(p)) => view! { <LinkProblemView problem=p purpose=LinkPurpose::Verification/> }.into_any(),
                        Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                        Ok(v) => view! {
                            <section class="card narrow" data-testid="verify">
                                <h1>{tr(Msg::VerifyTitle)}</h1>
                                <p>{move || Msg::VerifyBody.fmt(i18n.lang.get(), &[&v.email])}</p>
                                {move || error.get().map(|e| match e {
                                    AppError::Link(p) => view! { <LinkProblemView problem=p purpose=LinkPurpose::Verification/> }.into_any(),
                                    e => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                                })}
                                <ActionForm action attr:class="stack">
                                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::VerifyButton)}</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Show>
    }
}

/// Administration → Settings: sign-up on or off, and the terms of use.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let action = ServerAction::<SaveSignupSettings>::new();
    let settings = Resource::new(move || action.version().get(), |_| load_signup_settings());
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <div class="page-head"><h1>{tr(Msg::NavSettings)}</h1></div>
        <section class="card">
            <h2>{tr(Msg::SignUpTitle)}</h2>
            {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
            <ErrorBanner error/>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    settings.await.map(|s| view! {
                        <ActionForm action attr:class="stack" attr:data-testid="signup-settings">
                            <label class="checkbox"><input type="checkbox" name="enabled" checked=s.enabled/>{tr(Msg::SignUpEnabled)}</label>
                            <span class="help">{tr(Msg::SignUpEnabledHelp)}</span>
                            <label for="terms">{tr(Msg::TermsOfUse)}</label>
                            <textarea id="terms" name="terms" rows="8" maxlength="20000" aria-describedby="terms-help">{s.terms.clone()}</textarea>
                            <span class="help" id="terms-help">{tr(Msg::TermsHelp)}</span>
                            {field_error(error, "terms")}
                            <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::Save)}</button>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
        <crate::identity::pages::ProvidersSection/>
        <crate::delegation::pages::DelegationSection/>
    }
}
