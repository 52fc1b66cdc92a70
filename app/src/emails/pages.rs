//! The Emails screen: every message Gatehouse sends, and its delivery state.
use super::api::{
    get_email, get_template, list_emails, list_templates, reset_template, save_template, send_template_test,
    RetryEmail, SendTestEmail,
};
use crate::components::format_time;
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

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
                <a class="button secondary" href="/admin/emails/templates" data-testid="templates-link">{tr(Msg::Templates)}</a>
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
                                    <th>{tr(Msg::State)}</th><th>{tr(Msg::EmailAttempts)}</th><th>{tr(Msg::EmailServerReply)}</th><th><span class="sr-only">{tr(Msg::Actions)}</span></th>
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
                                                <td><a href=format!("/admin/emails/{}", m.id)>{m.subject}</a></td>
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

/// Emails → Templates: the six emails developers receive.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| list_templates());
    view! {
        <p class="crumbs"><a href="/admin/emails">{tr(Msg::NavEmails)}</a>" / "{tr(Msg::Templates)}</p>
        <div class="page-head"><h1>{tr(Msg::Templates)}</h1></div>
        <p class="lead">{tr(Msg::TemplatesIntro)}</p>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="data" data-testid="templates-table">
                            <thead><tr><th>{tr(Msg::Template)}</th><th>{tr(Msg::State)}</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| {
                                    let edited = t.edited.iter().map(|l| l.native_name()).collect::<Vec<_>>().join(", ");
                                    view! {
                                        <tr>
                                            <td><a href=format!("/admin/emails/templates/{}", t.name.api_name())>{tr(t.name.title())}</a></td>
                                            <td>{if t.edited.is_empty() {
                                                view! { <span class="muted">{tr(Msg::TemplateDefault)}</span> }.into_any()
                                            } else {
                                                view! { <span>{move || Msg::TemplateEditedIn.fmt(i18n.lang.get(), &[&edited])}</span> }.into_any()
                                            }}</td>
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

#[component]
pub fn TemplateEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    // Kept here, not in the editor: a save reloads the editors below.
    let notice = RwSignal::new(None::<(crate::i18n::Lang, Msg)>);
    let data = Resource::new(move || (name.get(), reload.get()), |(n, _)| get_template(n));
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/emails/templates">{tr(Msg::Templates)}</a></p>
                    }.into_any(),
                    Ok(t) => {
                        let title = t.name.title();
                        let placeholders = t.name.placeholders();
                        view! {
                            <p class="crumbs"><a href="/admin/emails">{tr(Msg::NavEmails)}</a>" / "
                                <a href="/admin/emails/templates">{tr(Msg::Templates)}</a>" / "{tr(title)}</p>
                            <div class="page-head"><h1>{tr(title)}</h1></div>
                            <div class="editor-grid">
                                <div>
                                    {t.texts.iter().cloned().map(|text| view! {
                                        <TemplateLanguage detail=t.clone() text reload notice/>
                                    }).collect_view()}
                                </div>
                                <aside class="card placeholders" aria-labelledby="ph-title">
                                    <h2 id="ph-title">{tr(Msg::Placeholders)}</h2>
                                    <p class="muted">{tr(Msg::PlaceholdersHelp)}</p>
                                    <dl data-testid="placeholders">
                                        {placeholders.into_iter().map(|p| {
                                            let what = super::templates::PLACEHOLDERS.iter().find(|(n, _)| *n == p).map(|(_, m)| *m).unwrap_or(Msg::Template);
                                            view! { <dt><code>{format!("${p}")}</code></dt><dd>{tr(what)}</dd> }
                                        }).collect_view()}
                                    </dl>
                                </aside>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The editor and live preview of one language of a template.
#[component]
fn TemplateLanguage(
    detail: super::TemplateDetail,
    text: super::TemplateText,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<(crate::i18n::Lang, Msg)>>,
) -> impl IntoView {
    use super::templates::{render_html, render_text, unknown_placeholders, Values};
    let i18n = use_i18n();
    let name = detail.name;
    let lang = text.lang;
    let subject = RwSignal::new(text.subject.clone());
    let body = RwSignal::new(text.body.clone());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let confirm_reset = RwSignal::new(false);
    let values = Values::sample(lang, &detail.organization, &detail.portal_url, detail.link_valid_secs.max(3600));
    let values2 = values.clone();
    let unknown = Memo::new(move |_| {
        let mut u = unknown_placeholders(name, &subject.get());
        u.extend(unknown_placeholders(name, &body.get()));
        u.dedup();
        u
    });
    let preview_html = Memo::new(move |_| {
        let html = render_html(&body.get(), &values);
        // Only the paragraphs: the page supplies its own frame.
        let start = html.find("<p>").unwrap_or(0);
        let end = html.rfind("</body>").unwrap_or(html.len());
        html[start..end].to_string()
    });
    let call = move |what: &'static str| {
        busy.set(true);
        error.set(None);
        notice.set(None);
        let (n, l, s, b) =
            (name.api_name().to_string(), lang.code().to_string(), subject.get_untracked(), body.get_untracked());
        spawn_local(async move {
            let result = match what {
                "save" => save_template(n, l, s, b).await.map(|_| Msg::TemplateSaved),
                "test" => send_template_test(n, l, s, b).await.map(|_| Msg::TemplateTestSent),
                _ => reset_template(n, l).await.map(|_| Msg::TemplateResetDone),
            };
            busy.set(false);
            confirm_reset.set(false);
            match result {
                Ok(m) => {
                    notice.set(Some((lang, m)));
                    if what != "test" {
                        reload.update(|n| *n += 1);
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let err = Signal::derive(move || error.get());
    let id = |f: &str| format!("{f}-{}", lang.code());
    let status = match (&text.updated_by, text.updated_at) {
        (Some(by), Some(at)) => {
            let (by, at) = (by.clone(), crate::components::format_time(at));
            view! { <span class="badge edited">{move || Msg::TemplateEditedBy.fmt(i18n.lang.get(), &[&by, &at])}</span> }.into_any()
        }
        _ => view! { <span class="badge">{tr(Msg::TemplateDefault)}</span> }.into_any(),
    };
    let is_default = text.is_default;
    view! {
        <section class="card" data-testid=format!("template-{}", lang.code())>
            <h2>{lang.native_name()}" "{status}</h2>
            {move || notice.get().filter(|(l, _)| *l == lang).map(|(_, m)| view! { <p class="success" role="status">{tr(m)}</p> })}
            <crate::components::ErrorBanner error=err/>
            <div class="stack">
                <label for=id("subject")>{tr(Msg::EmailSubject)}</label>
                <input id=id("subject") type="text" maxlength="1000" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))/>
                {crate::components::field_error(err, "subject")}
                <label for=id("body")>{tr(Msg::TemplateBody)}</label>
                <textarea id=id("body") rows="12" maxlength="20000" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                {crate::components::field_error(err, "body")}
                {move || (!unknown.get().is_empty()).then(|| view! {
                    <p class="field-error" role="alert" data-testid="unknown-placeholders">
                        {move || Msg::ErrUnknownPlaceholders.fmt(i18n.lang.get(), &[&unknown.get().join(", ")])}
                    </p>
                })}
                <div class="actions">
                    <button type="button" class="button" data-testid="save-template" disabled=move || busy.get() || !unknown.get().is_empty()
                        on:click=move |_| call("save")>{tr(Msg::Save)}</button>
                    <button type="button" class="button secondary" data-testid="test-template" disabled=move || busy.get()
                        on:click=move |_| call("test")>{tr(Msg::SendTest)}</button>
                    {(!is_default).then(|| view! {
                        <button type="button" class="button secondary" data-testid="reset-template" disabled=move || busy.get()
                            on:click=move |_| confirm_reset.set(true)>{tr(Msg::ResetToDefault)}</button>
                    })}
                </div>
                {move || confirm_reset.get().then(|| view! {
                    <crate::components::ConfirmPanel
                        title=Signal::derive(move || i18n.t(Msg::ConfirmResetTemplateTitle).to_string())
                        confirm_label=Signal::derive(move || i18n.t(Msg::ResetToDefault).to_string())
                        danger=true
                        pending=busy
                        on_confirm=Callback::new(move |_| call("reset"))
                        on_cancel=Callback::new(move |_| confirm_reset.set(false))
                    >
                        <p>{tr(Msg::ConfirmResetTemplateBody)}</p>
                    </crate::components::ConfirmPanel>
                })}
            </div>
            <h3>{tr(Msg::Preview)}</h3>
            <div class="mail-preview" data-testid=format!("preview-{}", lang.code())>
                <p class="mail-subject"><strong>{move || render_text(&subject.get(), &values2)}</strong></p>
                <div class="mail-body" inner_html=move || preview_html.get()></div>
            </div>
        </section>
    }
}

/// One message opened from the list: the text as it was sent (or kept).
#[component]
pub fn EmailMessagePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = Resource::new(move || id.get(), get_email);
    view! {
        <p class="crumbs"><a href="/admin/emails">{tr(Msg::NavEmails)}</a></p>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(m) => {
                        let class = format!("badge email-{}", m.status.as_str());
                        view! {
                            <div class="page-head"><h1>{m.subject.clone()}</h1></div>
                            <dl class="facts">
                                <dt>{tr(Msg::EmailTo)}</dt><dd>{m.recipient.clone()}</dd>
                                <dt>{tr(Msg::State)}</dt><dd><span class=class>{tr(m.status.label())}</span></dd>
                            </dl>
                            <pre class="mail-text" data-testid="mail-text">{m.text_body.clone()}</pre>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
