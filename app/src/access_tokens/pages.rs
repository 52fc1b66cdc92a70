//! The Access tokens screen: create (shown once), list with last use, revoke.
use super::api::*;
use super::{CreatedToken, TokenState, EXPIRY_CHOICES, MAX_TOKEN_NAME};
use crate::components::{copy_to_clipboard, field_error, format_time, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AccessTokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(move || reload.get(), |_| list_tokens());
    let create = ServerAction::<CreateToken>::new();
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let created = RwSignal::new(None::<CreatedToken>);
    let copied = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(t)) = create.value().get() {
            copied.set(false);
            created.set(Some(t));
            reload.update(|n| *n += 1);
        }
    });
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    let revoke = move |uid: String, name: String, reason: Option<String>| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let r = revoke_token(uid, reason).await;
            busy.set(false);
            confirm.set(None);
            match r {
                Ok(()) => {
                    notice.set(Some(Msg::TokenRevokedNotice.fmt(i18n.lang.get_untracked(), &[&name])));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <div class="page-head"><h1>{tr(Msg::NavTokens)}</h1></div>
        <p class="lead">{tr(Msg::TokensIntro)}</p>
        <section class="card" aria-labelledby="new-token">
            <h2 id="new-token">{tr(Msg::NewToken)}</h2>
            <ErrorBanner error=Signal::derive(move || create_error.get().filter(|e| !matches!(e, AppError::Validation(_))))/>
            <ActionForm action=create attr:class="inline-fields" attr:data-testid="token-form">
                <div>
                    <label for="token-name">{tr(Msg::TokenName)}</label>
                    <input id="token-name" name="name" type="text" required maxlength=MAX_TOKEN_NAME.to_string()
                        placeholder=move || i18n.t(Msg::PhTokenName)/>
                    {field_error(create_error, "name")}
                </div>
                <div>
                    <label for="token-expiry">{tr(Msg::TokenExpiry)}</label>
                    <select id="token-expiry" name="valid_days">
                        {EXPIRY_CHOICES.into_iter().map(|d| {
                            let label = move || if d == 0 { i18n.t(Msg::TokenNoExpiry).to_string() } else { Msg::TokenDays.fmt(i18n.lang.get(), &[&d]) };
                            view! { <option value=d.to_string() selected=d == 90>{label}</option> }
                        }).collect_view()}
                    </select>
                    {field_error(create_error, "valid_days")}
                </div>
                <button type="submit" class="button" data-testid="create-token" disabled=move || create.pending().get()>{tr(Msg::CreateToken)}</button>
            </ActionForm>
            {move || created.get().map(|t| {
                let value = t.token.expose().to_string();
                view! {
                    <div class="token-once" role="status" data-testid="token-created">
                        <p><strong>{move || Msg::TokenCreatedFor.fmt(i18n.lang.get(), &[&t.row.name])}</strong></p>
                        <p>{tr(Msg::TokenShownOnce)}</p>
                        <code class="key" data-testid="token-value">{t.token.expose().to_string()}</code>
                        " "
                        <button type="button" class="button small secondary" data-testid="copy-token"
                            on:click=move |_| copy_to_clipboard(value.clone(), copied)>
                            {move || if copied.get() { tr(Msg::Copied) } else { tr(Msg::CopyKey) }}
                        </button>
                        <p class="muted">{tr(Msg::TokenUsage)}</p>
                    </div>
                }
            })}
        </section>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <ErrorBanner error=Signal::derive(move || error.get())/>
        {move || confirm.get().map(|(uid, name)| {
            let title_name = name.clone();
            view! {
                <ConfirmPanel
                    title=Signal::derive(move || Msg::ConfirmRevokeToken.fmt(i18n.lang.get(), &[&title_name]))
                    confirm_label=Signal::derive(move || i18n.t(Msg::Revoke).to_string())
                    danger=true
                    pending=busy
                    on_confirm=Callback::new(move |reason| revoke(uid.clone(), name.clone(), reason))
                    on_cancel=Callback::new(move |_| confirm.set(None))
                >
                    <p>{tr(Msg::ConfirmRevokeTokenBody)}</p>
                </ConfirmPanel>
            }
        })}
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <div class="empty-state" data-testid="no-tokens"><p class="empty-title">{tr(Msg::NoTokens)}</p></div>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="data" data-testid="tokens-table">
                            <thead><tr>
                                <th>{tr(Msg::TokenName)}</th><th>{tr(Msg::TokenOwner)}</th><th>{tr(Msg::State)}</th>
                                <th>{tr(Msg::Created)}</th><th>{tr(Msg::TokenExpires)}</th><th>{tr(Msg::TokenLastUsed)}</th><th><span class="sr-only">{tr(Msg::Actions)}</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let class = format!("badge token-{}", r.state.as_str());
                                    let (uid, name) = (r.uid.clone(), r.name.clone());
                                    view! {
                                        <tr data-testid="token-row">
                                            <td>{r.name.clone()}<br/><code class="muted">{format!("{}…", r.prefix)}</code></td>
                                            <td>{r.owner_email.clone()}</td>
                                            <td><span class=class data-testid="token-state">{tr(r.state.label())}</span></td>
                                            <td>{format_time(r.created_at)}</td>
                                            <td>{match r.expires_at { Some(e) => format_time(e).into_any(), None => tr(Msg::TokenNoExpiry).into_any() }}</td>
                                            <td data-testid="token-last-used">{match r.last_used_at { Some(t) => format_time(t).into_any(), None => tr(Msg::TokenNeverUsed).into_any() }}</td>
                                            <td class="row-actions">
                                                {(r.state == TokenState::Active).then(|| view! {
                                                    <button type="button" class="button small danger" data-testid="revoke-token"
                                                        on:click=move |_| confirm.set(Some((uid.clone(), name.clone())))>{tr(Msg::Revoke)}</button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
