//! "Close my account" on the developer's profile.
use crate::components::{field_error, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::users::api::close_my_account;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn CloseAccountCard() -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let error_signal = Signal::derive(move || error.get());
    let close = Callback::new(move |_: Option<String>| {
        busy.set(true);
        error.set(None);
        let pw = password.get_untracked();
        spawn_local(async move {
            match close_my_account(pw).await {
                // The session is gone: a full load, so nothing signed-in stays on screen.
                Ok(()) => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().set_href("/?closed");
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e));
                }
            }
        });
    });
    view! {
        <section class="card danger-zone" data-testid="close-account">
            <h2>{tr(Msg::CloseAccountTitle)}</h2>
            <p class="muted">{tr(Msg::CloseAccountHelp)}</p>
            {move || (!confirming.get()).then(|| view! {
                <button type="button" class="button danger" data-testid="close-account-open" on:click=move |_| confirming.set(true)>
                    {tr(Msg::CloseAccountButton)}
                </button>
            })}
            {move || confirming.get().then(|| view! {
                <ConfirmPanel
                    title=Signal::derive(move || i18n.t(Msg::ConfirmCloseAccountTitle).to_string())
                    confirm_label=Signal::derive(move || i18n.t(Msg::CloseAccountButton).to_string())
                    danger=true
                    no_reason=true
                    pending=busy
                    on_confirm=close
                    on_cancel=Callback::new(move |_| { confirming.set(false); error.set(None); })
                >
                    <p>{tr(Msg::ConfirmCloseAccountBody)}</p>
                    <ErrorBanner error=error_signal/>
                    <div class="stack">
                        <label for="close-password">{tr(Msg::Password)}</label>
                        <input id="close-password" type="password" autocomplete="current-password"
                            aria-describedby="password-error"
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))/>
                        {field_error(error_signal, "password")}
                    </div>
                </ConfirmPanel>
            })}
        </section>
    }
}
