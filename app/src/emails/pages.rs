//! The Emails screen: every message Gatehouse sends, and its delivery state.
use super::api::{list_emails, RetryEmail, SendTestEmail};
use crate::components::format_time;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

#[component]
pub fn EmailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1));
    let send_test = ServerAction::<SendTestEmail>::new();
    let retry = ServerAction::<RetryEmail>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (page.get(), reload.get(), send_test.version().get(), retry.version().get()),
        |(p, ..)| list_emails(p),
    );
    let error = Signal::derive(move || {
        send_test.value().get().and_then(|r| r.err()).or_else(|| retry.value().get().and_then(|r| r.err()))
    });
    view! {
        <div class="page-head">
            <h1>{tr(Msg::NavEmails)}</h1>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| reload.update(|n| *n += 1)>{tr(Msg::Refresh)}</button>
                <button type="button" class="button" data-testid="send-test" on:click=move |_| { send_test.dispatch(SendTestEmail {}); }>
                    {tr(Msg::SendTestEmail)}
                </button>
            </div>
        </div>
        <p class="lead">{tr(Msg::EmailsIntro)}</p>
        {move || error.get().map(|e| view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> })}
        {move || send_test.value().get().and_then(|r| r.ok()).map(|_| view! {
            <p class="notice" role="status">{tr(Msg::TestEmailQueued)}</p>
        })}
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) => {
                        let keeping = p.keeping.then(|| view! { <p class="notice" data-testid="keeping">{tr(Msg::EmailsKeeping)}</p> });
                        if p.rows.is_empty() {
                            return view! { {keeping} <div class="empty-state"><p>{tr(Msg::NoEmails)}</p></div> }.into_any();
                        }
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        view! {
                            {keeping}
                            <table class="data" data-testid="emails-table">
                                <thead><tr>
                                    <th>{tr(Msg::When)}</th><th>{tr(Msg::EmailTo)}</th><th>{tr(Msg::EmailSubject)}</th>
                                    <th>{tr(Msg::State)}</th><th>{tr(Msg::EmailAttempts)}</th><th>{tr(Msg::EmailServerReply)}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|m| {
                                        let class = format!("badge email-{}", m.status.as_str());
                                        let failed = m.status == super::EmailStatus::Failed;
                                        let id = m.id;
                                        view! {
                                            <tr>
                                                <td class="nowrap">{format_time(m.created_at)}</td>
                                                <td>{m.recipient}</td>
                                                <td>{m.subject}</td>
                                                <td><span class=class>{tr(m.status.label())}</span></td>
                                                <td>{m.attempts}</td>
                                                <td class="change"><code>{m.last_error.unwrap_or_default()}</code></td>
                                                <td>{failed.then(|| view! {
                                                    <button type="button" class="button secondary" on:click=move |_| { retry.dispatch(RetryEmail { id }); }>
                                                        {tr(Msg::Retry)}
                                                    </button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                {(page_no > 1).then(|| view! { <a href=format!("/admin/emails?page={}", page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=format!("/admin/emails?page={}", page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
