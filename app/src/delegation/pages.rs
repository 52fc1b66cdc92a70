//! Settings → Delegation.
use super::api::{load_delegation, NewDelegationKey, SaveDelegation};
use crate::components::{field_error, ConfirmPanel, ErrorBanner};
use crate::i18n::{tr, use_i18n, Msg};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn DelegationSection() -> impl IntoView {
    let save = ServerAction::<SaveDelegation>::new();
    let new_key = ServerAction::<NewDelegationKey>::new();
    let settings = Resource::new(move || (save.version().get(), new_key.version().get()), |_| load_delegation());
    let error = Signal::derive(move || {
        save.value().get().and_then(|r| r.err()).or_else(|| new_key.value().get().and_then(|r| r.err()))
    });
    // The key a save or the button just made: shown once.
    let shown_key = move || {
        new_key
            .value()
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .or_else(|| save.value().get().and_then(|r| r.ok()).flatten())
    };
    let confirming = RwSignal::new(false);
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="delegation">
            <h2>{tr(Msg::Delegation)}</h2>
            <p class="muted">{tr(Msg::DelegationIntro)}</p>
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
            <ErrorBanner error/>
            {move || shown_key().map(|k| view! {
                <div class="pending-box" role="status" data-testid="validation-key">
                    <p>{tr(Msg::ValidationKeyShownOnce)}</p>
                    <code>{k}</code>
                </div>
            })}
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    settings.await.map(|s| {
                        let version = s.version;
                        view! {
                            <ActionForm action=save attr:class="stack">
                                <input type="hidden" name="version" value=version/>
                                <label for="delegation-url">{tr(Msg::DelegationUrl)}</label>
                                <input id="delegation-url" name="url" type="text" value=s.url.clone() placeholder="https://www.example.com/delegation"/>
                                {field_error(error, "url")}
                                <label class="checkbox"><input type="checkbox" name="user_registration" checked=s.user_registration/>{tr(Msg::DelegateSignIn)}</label>
                                <p class="help">{tr(Msg::ValidationKey)}": "{if s.has_key { tr(Msg::KeySet) } else { tr(Msg::KeyNotSet) }}</p>
                                <div class="actions">
                                    <button type="submit" class="button" disabled=move || save.pending().get()>{tr(Msg::Save)}</button>
                                    {s.has_key.then(|| view! {
                                        <button type="button" class="button secondary" on:click=move |_| confirming.set(true)>{tr(Msg::NewValidationKey)}</button>
                                    })}
                                </div>
                            </ActionForm>
                            <Show when=move || confirming.get()>
                                <ConfirmPanel
                                    title=Signal::derive(move || Msg::NewValidationKey.text(i18n.lang.get()).to_string())
                                    confirm_label=Signal::derive(move || Msg::NewValidationKey.text(i18n.lang.get()).to_string())
                                    no_reason=true
                                    pending=new_key.pending()
                                    on_confirm=Callback::new(move |_| {
                                        confirming.set(false);
                                        new_key.dispatch(NewDelegationKey { version });
                                    })
                                    on_cancel=Callback::new(move |_| confirming.set(false))
                                >
                                    <p>{tr(Msg::NewValidationKeyBody)}</p>
                                </ConfirmPanel>
                            </Show>
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

/// On the sign-in and sign-up pages: when delegated, goes to the delegate
/// site (unless `?local`). Page loads are redirected by the server before
/// this renders; this covers the browser app's own navigations.
#[component]
pub fn DelegateRedirect(sign_up: bool) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let local = move || query.read().get("local").is_some();
    // Effects run in the browser only: nothing to do while rendering on the server.
    Effect::new(move |_| {
        let next = query.read().get("next");
        if local() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(Some(url)) = super::api::delegation_target(sign_up, next).await {
                let _ = window().location().replace(&url);
            }
        });
    });
}
