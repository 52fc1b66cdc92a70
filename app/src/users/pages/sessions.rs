//! An account's sessions: on the profile (the developer's own, each can be
//! ended) and on the user page (an administrator's "Sign out everywhere").
use crate::components::{format_time, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::users::api::{end_my_other_sessions, end_my_session, my_sessions, sign_out_everywhere, user_sessions};
use crate::users::sessions::SessionView;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whose sessions a card shows.
#[derive(Clone, PartialEq)]
pub enum Whose {
    Mine,
    /// An administrator looking at this account.
    Account(String),
}

#[component]
pub fn SessionsCard(whose: Whose) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let mine = whose == Whose::Mine;
    let fetch_for = whose.clone();
    let sessions = Resource::new(
        move || reload.get(),
        move |_| {
            let whose = fetch_for.clone();
            async move {
                match whose {
                    Whose::Mine => my_sessions().await,
                    Whose::Account(uid) => user_sessions(uid).await,
                }
            }
        },
    );
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let done = move |r: Result<String, AppError>| {
        busy.set(false);
        confirming.set(false);
        match r {
            Ok(m) => {
                notice.set(Some(m));
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let start = move || {
        busy.set(true);
        error.set(None);
        notice.set(None);
    };
    let end_one = move |reference: String| {
        start();
        spawn_local(async move {
            let r = end_my_session(reference).await.map(|_| i18n.t(Msg::DoneSessionEnded).to_string());
            done(r);
        });
    };
    let uid = match &whose {
        Whose::Account(uid) => Some(uid.clone()),
        Whose::Mine => None,
    };
    let everywhere = Callback::new(move |_: Option<String>| {
        let uid = uid.clone();
        start();
        spawn_local(async move {
            let lang = i18n.lang.get_untracked();
            let r = match uid {
                Some(uid) => sign_out_everywhere(uid).await.map(|n| Msg::DoneSignedOutEverywhere.fmt(lang, &[&n])),
                None => end_my_other_sessions().await.map(|_| Msg::DoneOtherSessionsEnded.text(lang).to_string()),
            };
            done(r);
        });
    });
    view! {
        <section class="card wide" data-testid="sessions">
            <h2>{tr(Msg::SessionsTitle)}</h2>
            <p class="muted">{tr(if mine { Msg::SessionsHelp } else { Msg::SessionsAdminHelp })}</p>
            {move || notice.get().map(|m| view! { <p class="success" role="status">{m}</p> })}
            <ErrorBanner error=Signal::derive(move || error.get())/>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">{tr(Msg::NoSessions)}</p> }.into_any(),
                        Ok(rows) => {
                            let others = rows.iter().any(|s| !s.current);
                            view! {
                                <SessionsTable rows mine busy end_one/>
                                {(others || !mine).then(|| view! {
                                    <div class="actions">
                                        <button type="button" class="button secondary" data-testid="sign-out-everywhere"
                                            disabled=move || busy.get()
                                            on:click=move |_| confirming.set(true)>
                                            {tr(if mine { Msg::SignOutOthers } else { Msg::SignOutEverywhere })}
                                        </button>
                                    </div>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || confirming.get().then(|| view! {
                <ConfirmPanel
                    title=Signal::derive(move || i18n.t(if mine { Msg::SignOutOthers } else { Msg::ConfirmSignOutEverywhereTitle }).to_string())
                    confirm_label=Signal::derive(move || i18n.t(if mine { Msg::SignOutOthers } else { Msg::SignOutEverywhere }).to_string())
                    danger=true
                    no_reason=true
                    pending=busy
                    on_confirm=everywhere
                    on_cancel=Callback::new(move |_| confirming.set(false))
                >
                    <p>{tr(Msg::ConfirmSignOutEverywhereBody)}</p>
                </ConfirmPanel>
            })}
        </section>
    }
}

#[component]
fn SessionsTable(
    rows: Vec<SessionView>,
    mine: bool,
    busy: RwSignal<bool>,
    end_one: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="data compact" data-testid="sessions-table">
                <caption class="sr-only">{tr(Msg::SessionsTitle)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColBrowser)}</th>
                        <th scope="col">{tr(Msg::ColAddress)}</th>
                        <th scope="col">{tr(Msg::ColStarted)}</th>
                        <th scope="col">{tr(Msg::ColLastActive)}</th>
                        {mine.then(|| view! { <th scope="col"><span class="sr-only">{tr(Msg::EndSession)}</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|s| {
                        let SessionView { reference, started_at, last_seen_at, client_addr, browser, system, current } = s;
                        let what = move || {
                            let lang = i18n.lang.get();
                            match (&browser, &system) {
                                (Some(b), Some(o)) => Msg::BrowserOn.fmt(lang, &[b, o]),
                                (Some(b), None) => b.clone(),
                                (None, _) => Msg::UnknownBrowser.text(lang).to_string(),
                            }
                        };
                        view! {
                            <tr class:current=current>
                                <td>{what}{current.then(|| view! { " "<span class="badge">{tr(Msg::ThisSession)}</span> })}</td>
                                <td>{client_addr.unwrap_or_else(|| "—".into())}</td>
                                <td class="nowrap">{format_time(started_at)}</td>
                                <td class="nowrap">{format_time(last_seen_at)}</td>
                                {mine.then(|| view! {
                                    <td class="nowrap">
                                        <button type="button" class="button small secondary" data-testid="end-session"
                                            disabled=move || busy.get()
                                            on:click=move |_| end_one(reference.clone())>
                                            {tr(if current { Msg::NavSignOut } else { Msg::EndSession })}
                                        </button>
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
