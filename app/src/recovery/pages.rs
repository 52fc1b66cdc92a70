//! Forgot password and Reset password pages.
use super::api::*;
use crate::components::{field_error, format_time, ErrorBanner, NewPasswordFields};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::invitations::pages::LinkProblemView;
use crate::links::LinkPurpose;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card narrow">
            <h1>{tr(Msg::ForgotTitle)}</h1>
            {move || if done() {
                view! {
                    <p class="success" role="status" data-testid="forgot-done">{tr(Msg::ForgotDone)}</p>
                    <p><a href="/sign-in">{tr(Msg::BackToSignIn)}</a></p>
                }.into_any()
            } else {
                view! {
                    <p class="muted">{tr(Msg::ForgotIntro)}</p>
                    <ErrorBanner error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Validation(_))))/>
                    <ActionForm action attr:class="stack" attr:data-testid="forgot-form">
                        <label for="email">{tr(Msg::Email)}</label>
                        <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                        {field_error(error, "email")}
                        <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::SendResetLink)}</button>
                    </ActionForm>
                    <p><a href="/sign-in">{tr(Msg::BackToSignIn)}</a></p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let info = Resource::new(|| (), |_| load_reset_link());
    let action = ServerAction::<ResetPassword>::new();
    crate::refresh_me_when(move || matches!(action.value().get(), Some(Ok(()))));
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                if matches!(action.value().get(), Some(Ok(()))) {
                    return view! {
                        <section class="card narrow" data-testid="reset-done">
                            <h1>{tr(Msg::PasswordChangedTitle)}</h1>
                            <p>{tr(Msg::ResetDone)}</p>
                            <p><a class="button" href="/sign-in">{tr(Msg::NavSignIn)}</a></p>
                        </section>
                    }.into_any();
                }
                match info.await {
                    Err(AppError::Link(p)) => view! { <LinkProblemView problem=p purpose=LinkPurpose::Reset/> }.into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(v) => {
                        let min = v.password_min_length;
                        view! {
                            <section class="card narrow" data-testid="reset-form-card">
                                <h1>{tr(Msg::ChooseNewPassword)}</h1>
                                <p>{move || Msg::ResetFor.fmt(i18n.lang.get(), &[&v.email])}</p>
                                <p class="muted">{move || Msg::LinkValidUntil.fmt(i18n.lang.get(), &[&format_time(v.expires_at)])}</p>
                                {move || error.get().and_then(|e| match e {
                                    AppError::Link(p) => Some(view! { <LinkProblemView problem=p purpose=LinkPurpose::Reset/> }),
                                    _ => None,
                                })}
                                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Link(_))))/>
                                <ActionForm action attr:class="stack" attr:data-testid="reset-form">
                                    <NewPasswordFields min_len=min error label=Msg::NewPassword/>
                                    <p class="muted">{tr(Msg::ResetSignsOut)}</p>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::SetNewPassword)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
