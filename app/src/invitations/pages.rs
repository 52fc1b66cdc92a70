//! The Invite form, the Invitations screen and the invited developer's page.
use super::api::*;
use super::{InvitationState, InviteForm};
use crate::components::{field_error, format_time, ErrorBanner, NewPasswordFields};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Lang, Msg};
use crate::links::{LinkProblem, LinkPurpose};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<InviteUser>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    // The form empties after each invitation sent, ready for the next one
    // (not after an error, which keeps what was typed).
    let form = NodeRef::<leptos::html::Form>::new();
    let last_email = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
    view! {
        <p class="crumbs"><a href="/admin/users">{tr(Msg::NavUsers)}</a>" / "{tr(Msg::InviteUser)}</p>
        <div class="page-head">
            <h1>{tr(Msg::InviteUser)}</h1>
            <div class="actions"><a class="button secondary" href="/admin/invitations">{tr(Msg::NavInvitations)}</a></div>
        </div>
        <section class="card">
            <p class="muted">{move || Msg::InviteIntro.fmt(i18n.lang.get(), &[])}</p>
            {move || matches!(action.value().get(), Some(Ok(_))).then(|| view! {
                <p class="success" role="status" data-testid="invited">
                    {move || Msg::InvitationSentTo.fmt(i18n.lang.get(), &[&last_email.get()])}
                    " " <a href="/admin/invitations">{tr(Msg::SeeInvitations)}</a>
                </p>
            })}
            <ErrorBanner error/>
            <ActionForm action node_ref=form attr:class="stack" attr:data-testid="invite-form">
                    <label for="email">{tr(Msg::Email)}</label>
                    <input id="email" name="email" type="email" required maxlength="254" autocomplete="off" autofocus
                        on:input=move |ev| last_email.set(event_target_value(&ev))/>
                    {field_error(error, "email")}
                    <label for="first_name">{tr(Msg::FirstName)}</label>
                    <input id="first_name" name="first_name" type="text" required maxlength="100"/>
                    {field_error(error, "first_name")}
                    <label for="last_name">{tr(Msg::LastName)}</label>
                    <input id="last_name" name="last_name" type="text" required maxlength="100"/>
                    {field_error(error, "last_name")}
                    <label for="lang">{tr(Msg::EmailLanguage)}</label>
                    <select id="lang" name="lang">
                        {Lang::ALL.into_iter().map(|l| view! {
                            <option value=l.code() selected=move || i18n.lang.get() == l>{l.native_name()}</option>
                        }).collect_view()}
                    </select>
                    <div class="actions">
                        <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::SendInvitation)}</button>
                        <a href="/admin/users" class="button secondary">{tr(Msg::Cancel)}</a>
                    </div>
                </ActionForm>
        </section>
        <CsvInvite/>
    }
}

/// The state of a running CSV import.
#[derive(Clone, Default)]
struct ImportProgress {
    total: usize,
    done: usize,
    ok: usize,
    failed: Vec<super::BulkInviteResult>,
    running: bool,
}

/// Invite many: paste or upload a CSV, see the dry run, then send with progress.
#[component]
fn CsvInvite() -> impl IntoView {
    use super::{RowStatus, BULK_INVITE_CHUNK};
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let lang = RwSignal::new(i18n.lang.get_untracked());
    let preview = RwSignal::new(None::<super::CsvPreview>);
    let error = RwSignal::new(None::<AppError>);
    let checking = RwSignal::new(false);
    let progress = RwSignal::new(ImportProgress::default());

    let check = move || {
        checking.set(true);
        error.set(None);
        preview.set(None);
        let csv = text.get_untracked();
        spawn_local(async move {
            match preview_invitations_csv(csv).await {
                Ok(p) => preview.set(Some(p)),
                Err(e) => error.set(Some(e)),
            }
            checking.set(false);
        });
    };
    let send = move || {
        let Some(p) = preview.get_untracked() else { return };
        let lang = lang.get_untracked();
        let rows: Vec<InviteForm> = p
            .rows
            .into_iter()
            .filter(|r| r.status == RowStatus::New)
            .map(|r| InviteForm { email: r.row.email, first_name: r.row.first_name, last_name: r.row.last_name, lang })
            .collect();
        progress.set(ImportProgress { total: rows.len(), running: true, ..Default::default() });
        preview.set(None);
        spawn_local(async move {
            for chunk in rows.chunks(BULK_INVITE_CHUNK) {
                match bulk_invite(chunk.to_vec()).await {
                    Ok(results) => progress.update(|p| {
                        p.done += results.len();
                        for r in results {
                            if r.error.is_none() {
                                p.ok += 1
                            } else {
                                p.failed.push(r)
                            }
                        }
                    }),
                    Err(e) => progress.update(|p| {
                        p.done += chunk.len();
                        p.failed.extend(
                            chunk
                                .iter()
                                .map(|f| super::BulkInviteResult { email: f.email.clone(), error: Some(e.clone()) }),
                        );
                    }),
                }
            }
            progress.update(|p| p.running = false);
            text.set(String::new());
        });
    };

    view! {
        <section class="card" data-testid="csv-invite">
            <h2>{tr(Msg::CsvInviteTitle)}</h2>
            <p class="muted">{tr(Msg::CsvInviteIntro)}</p>
            <ErrorBanner error=Signal::derive(move || error.get())/>
            <div class="stack">
                <label for="csv">{tr(Msg::CsvLabel)}</label>
                <textarea id="csv" rows="8" placeholder="email,first name,last name" aria-describedby="csv-help"
                    prop:value=move || text.get()
                    on:input=move |ev| { text.set(event_target_value(&ev)); preview.set(None); }></textarea>
                <span class="help" id="csv-help">{tr(Msg::CsvHelp)}</span>
                {field_error(Signal::derive(move || error.get()), "csv")}
                <label for="csv-file">{tr(Msg::CsvFile)}</label>
                <input id="csv-file" type="file" accept=".csv,.txt,text/csv,text/plain"
                    on:change=move |ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use leptos::wasm_bindgen::JsCast;
                            let input = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
                            if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
                                spawn_local(async move {
                                    if let Ok(v) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                                        text.set(v.as_string().unwrap_or_default());
                                        preview.set(None);
                                    }
                                });
                            }
                        }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                    }/>
                <label for="csv-lang">{tr(Msg::EmailLanguage)}</label>
                <select id="csv-lang" on:change=move |ev| lang.set(Lang::from_code(&event_target_value(&ev)).unwrap_or_default())>
                    {Lang::ALL.into_iter().map(|l| view! {
                        <option value=l.code() selected=move || lang.get() == l>{l.native_name()}</option>
                    }).collect_view()}
                </select>
                <div class="actions">
                    <button type="button" class="button secondary" data-testid="csv-check"
                        disabled=move || checking.get() || progress.get().running || text.get().trim().is_empty()
                        on:click=move |_| check()>{tr(Msg::CsvCheck)}</button>
                </div>
            </div>
            {move || preview.get().map(|p| {
                let new = p.new;
                let problems: Vec<_> = p.rows.iter().filter(|r| r.status != RowStatus::New).take(500).cloned().collect();
                let more_problems = (p.rows.len() - p.new).saturating_sub(problems.len());
                view! {
                    <div class="csv-preview" data-testid="csv-preview">
                        <p role="status"><strong>{move || Msg::CsvSummary.fmt(i18n.lang.get(), &[&p.new, &p.exists, &p.duplicate, &p.invalid])}</strong></p>
                        {(!problems.is_empty()).then(|| view! {
                            <table class="data" data-testid="csv-problems">
                                <thead><tr><th>{tr(Msg::CsvLine)}</th><th>{tr(Msg::Email)}</th><th>{tr(Msg::Name)}</th><th>{tr(Msg::CsvWhat)}</th></tr></thead>
                                <tbody>
                                    {problems.into_iter().map(|r| {
                                        let what = match r.status {
                                            RowStatus::Exists => i18n.t(Msg::CsvExists).to_string(),
                                            RowStatus::Duplicate => i18n.t(Msg::CsvDuplicate).to_string(),
                                            _ => r.problems.iter().map(|e| format!("{}: {}", field_label(&e.field, i18n.lang.get_untracked()), e.message(i18n.lang.get_untracked()))).collect::<Vec<_>>().join("; "),
                                        };
                                        let class = if r.status == RowStatus::Invalid { "csv-invalid" } else { "csv-skip" };
                                        view! {
                                            <tr class=class>
                                                <td>{r.row.line}</td><td>{r.row.email}</td>
                                                <td>{format!("{} {}", r.row.first_name, r.row.last_name)}</td><td>{what}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        {(more_problems > 0).then(|| view! { <p class="muted">{move || Msg::CsvMoreProblems.fmt(i18n.lang.get(), &[&more_problems])}</p> })}
                        <div class="actions">
                            <button type="button" class="button" data-testid="csv-send" disabled=move || new == 0
                                on:click=move |_| send()>{move || Msg::CsvSend.fmt(i18n.lang.get(), &[&new])}</button>
                        </div>
                    </div>
                }
            })}
            {move || {
                let p = progress.get();
                (p.total > 0).then(|| view! {
                    <div class="progress-panel" role="status" data-testid="csv-progress">
                        <progress max=p.total value=p.done></progress>
                        <span>{Msg::CsvProgress.fmt(i18n.lang.get(), &[&p.done, &p.total, &p.ok, &p.failed.len()])}</span>
                        {(!p.failed.is_empty()).then(|| view! {
                            <ul class="bulk-failures">
                                {p.failed.iter().map(|f| view! {
                                    <li>{f.email.clone()}": "{f.error.as_ref().map(|e| e.message(i18n.lang.get())).unwrap_or_default()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        {(!p.running).then(|| view! { <a href="/admin/invitations">{tr(Msg::SeeInvitations)}</a> })}
                    </div>
                })
            }}
        </section>
    }
    .into_any()
}

/// A form field's name for a row problem.
fn field_label(field: &str, lang: Lang) -> &'static str {
    match field {
        "email" => Msg::Email.text(lang),
        "first_name" => Msg::FirstName.text(lang),
        "last_name" => Msg::LastName.text(lang),
        _ => "",
    }
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.read().get("state").filter(|s| InvitationState::parse(s).is_some()));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1));
    let reload = RwSignal::new(0u32);
    let data = Resource::new(move || (filter.get(), page.get(), reload.get()), |(f, p, _)| list_invitations(f, p));
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let confirm_revoke = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);

    let act = move |uid: String, email: String, revoke: bool| {
        busy.set(true);
        error.set(None);
        notice.set(None);
        spawn_local(async move {
            let r = if revoke { revoke_invitation(uid).await } else { resend_invitation(uid).await };
            busy.set(false);
            confirm_revoke.set(None);
            match r {
                Ok(()) => {
                    let msg = if revoke { Msg::InvitationRevokedFor } else { Msg::InvitationResentTo };
                    notice.set(Some(msg.fmt(i18n.lang.get_untracked(), &[&email])));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let tab = move |state: Option<InvitationState>| {
        let href = match state {
            Some(s) => format!("/admin/invitations?state={}", s.as_str()),
            None => "/admin/invitations".to_string(),
        };
        let current = move || filter.get().as_deref() == state.map(|s| s.as_str());
        let label = state.map(|s| s.label()).unwrap_or(Msg::All);
        view! { <a href=href class="tab" aria-current=move || current().then_some("page")>{tr(label)}</a> }
    };

    view! {
        <div class="page-head">
            <h1>{tr(Msg::NavInvitations)}</h1>
            <div class="actions"><a class="button" href="/admin/users/invite" data-testid="invite">{tr(Msg::InviteButton)}</a></div>
        </div>
        <p class="lead">{tr(Msg::InvitationsIntro)}</p>
        <nav class="tabs" aria-label=tr(Msg::State)>
            {tab(None)}
            {InvitationState::ALL.into_iter().map(|s| tab(Some(s))).collect_view()}
        </nav>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <ErrorBanner error=Signal::derive(move || error.get())/>
        {move || confirm_revoke.get().map(|(uid, email)| {
            let email2 = email.clone();
            view! {
                <crate::components::ConfirmPanel
                    title=Signal::derive(move || Msg::ConfirmRevokeTitle.fmt(i18n.lang.get(), &[&email]))
                    confirm_label=Signal::derive(move || i18n.t(Msg::Revoke).to_string())
                    danger=true
                    pending=busy
                    on_confirm=Callback::new(move |_| act(uid.clone(), email2.clone(), true))
                    on_cancel=Callback::new(move |_| confirm_revoke.set(None))
                >
                    <p>{tr(Msg::ConfirmRevokeBody)}</p>
                </crate::components::ConfirmPanel>
            }
        })}
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::NoInvitations)}</p>
                            <p><a class="button" href="/admin/users/invite">{tr(Msg::InviteButton)}</a></p>
                        </div>
                    }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        let base = filter.get_untracked().map(|s| format!("state={s}&")).unwrap_or_default();
                        view! {
                            <p class="muted">{move || Msg::InvitationCount.fmt(i18n.lang.get(), &[&p.total])}</p>
                            <table class="data" data-testid="invitations-table">
                                <thead><tr>
                                    <th>{tr(Msg::Name)}</th><th>{tr(Msg::Email)}</th><th>{tr(Msg::State)}</th>
                                    <th>{tr(Msg::InvitedBy)}</th><th>{tr(Msg::LastSent)}</th><th>{tr(Msg::LinkExpires)}</th><th><span class="sr-only">{tr(Msg::Actions)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|r| {
                                        let class = format!("badge inv-{}", r.state.as_str());
                                        let can_resend = r.state != InvitationState::Accepted;
                                        let can_revoke = matches!(r.state, InvitationState::Pending | InvitationState::Expired);
                                        let (uid1, uid2, email1, email2) = (r.uid.clone(), r.uid.clone(), r.email.clone(), r.email.clone());
                                        let sent = if r.sent_count > 1 {
                                            format!("{} (×{})", format_time(r.last_sent_at), r.sent_count)
                                        } else {
                                            format_time(r.last_sent_at)
                                        };
                                        view! {
                                            <tr data-testid="invitation-row">
                                                <td><a href=format!("/admin/users/{}", r.user_uid)>{format!("{} {}", r.first_name, r.last_name)}</a></td>
                                                <td>{r.email.clone()}</td>
                                                <td><span class=class>{tr(r.state.label())}</span></td>
                                                <td>{r.invited_by}</td>
                                                <td>{sent}</td>
                                                <td>{match r.state {
                                                    InvitationState::Pending | InvitationState::Expired => format_time(r.expires_at),
                                                    InvitationState::Accepted => r.accepted_at.map(format_time).unwrap_or_default(),
                                                    InvitationState::Revoked => String::new(),
                                                }}</td>
                                                <td class="row-actions">
                                                    {can_resend.then(|| view! {
                                                        <button type="button" class="button small secondary" data-testid="resend"
                                                            disabled=move || busy.get()
                                                            on:click=move |_| act(uid1.clone(), email1.clone(), false)>{tr(Msg::Resend)}</button>
                                                    })}
                                                    {can_revoke.then(|| view! {
                                                        <button type="button" class="button small danger" data-testid="revoke"
                                                            on:click=move |_| confirm_revoke.set(Some((uid2.clone(), email2.clone())))>{tr(Msg::Revoke)}</button>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager">
                                {(page_no > 1).then(|| view! { <a class="button secondary" href=format!("/admin/invitations?{base}page={}", page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a class="button secondary" href=format!("/admin/invitations?{base}page={}", page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// What the page says about a link that cannot be used, and what to do next.
#[component]
pub fn LinkProblemView(problem: LinkProblem, purpose: LinkPurpose) -> impl IntoView {
    let next = match (problem, purpose) {
        (LinkProblem::Used, LinkPurpose::Invitation) => Msg::LinkUsedInvitationNext,
        (_, LinkPurpose::Invitation) => Msg::LinkInvitationNext,
        (LinkProblem::Used, LinkPurpose::Verification) => Msg::LinkUsedVerificationNext,
        (_, LinkPurpose::Verification) => Msg::LinkVerificationNext,
        (_, LinkPurpose::Reset) => Msg::LinkResetNext,
    };
    let explain = match problem {
        LinkProblem::Missing => Msg::LinkMissingBody,
        LinkProblem::Unknown => Msg::LinkUnknownBody,
        LinkProblem::Used => Msg::LinkUsedBody,
        LinkProblem::Expired => Msg::LinkExpiredBody,
        LinkProblem::Replaced => Msg::LinkReplacedBody,
        LinkProblem::Revoked => Msg::LinkRevokedBody,
        LinkProblem::Cancelled => Msg::LinkCancelledBody,
    };
    let (href, label) = match (problem, purpose) {
        (_, LinkPurpose::Reset) => ("/forgot-password", Msg::RequestNewLink),
        (LinkProblem::Used, _) => ("/sign-in", Msg::NavSignIn),
        _ => ("/", Msg::BackHome),
    };
    view! {
        <section class="card narrow" data-testid="link-problem" data-problem=format!("{problem:?}").to_lowercase()>
            <h1>{tr(problem.title())}</h1>
            <p>{tr(explain)}</p>
            <p>{tr(next)}</p>
            <p><a class="button" href=href>{tr(label)}</a></p>
        </section>
    }
}

/// `/invitation`: who is invited, a password to choose, and Accept.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let view_res = Resource::new(|| (), |_| load_invitation());
    let action = ServerAction::<AcceptInvitation>::new();
    crate::refresh_me_when(move || matches!(action.value().get(), Some(Ok(()))));
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Err(AppError::Link(p)) => view! { <LinkProblemView problem=p purpose=LinkPurpose::Invitation/> }.into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(v) => {
                        let min = v.password_min_length;
                        let org = v.organization.clone();
                        let name = format!("{} {}", v.first_name, v.last_name);
                        let email = v.email.clone();
                        view! {
                            <section class="card narrow" data-testid="accept-invitation">
                                <h1>{move || Msg::InvitationWelcome.fmt(i18n.lang.get(), &[&v.first_name])}</h1>
                                <p>{move || Msg::InvitationWho.fmt(i18n.lang.get(), &[&org, &name, &email])}</p>
                                <p class="muted">{move || Msg::LinkValidUntil.fmt(i18n.lang.get(), &[&format_time(v.expires_at)])}</p>
                                {move || error.get().and_then(|e| match e {
                                    AppError::Link(p) => Some(view! { <LinkProblemView problem=p purpose=LinkPurpose::Invitation/> }.into_any()),
                                    _ => None,
                                })}
                                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Link(_))))/>
                                <ActionForm action attr:class="stack" attr:data-testid="accept-form">
                                    <NewPasswordFields min_len=min error label=Msg::ChoosePassword/>
                                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::AcceptInvitation)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
