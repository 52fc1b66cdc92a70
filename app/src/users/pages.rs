//! The users screens: list with search, filters, sort, paging and bulk
//! changes; add; detail with edit, password, block/activate, delete.
use super::api::*;
use super::{BulkAction, BulkRowResult, UserQuery, UserSort, UserState, PAGE_SIZES};
use crate::activity::pages::ActivityList;
use crate::components::{field_error, format_count, format_date, state_badge, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::groups::{api::list_groups, display_name, display_names, GroupKind};
use crate::i18n::{tr, use_i18n, Msg};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeSet;

/// Rows sent per bulk call: small enough to show progress, large enough to be quick.
const BULK_CHUNK: usize = 100;

fn query_from_url() -> Memo<UserQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let m = query.read();
        let get = |k: &str| m.get(k).filter(|v| !v.is_empty());
        UserQuery {
            q: get("q").unwrap_or_default(),
            state: get("state").and_then(|s| UserState::parse(&s)),
            group: get("group"),
            sort: get("sort").and_then(|s| UserSort::parse(&s)).unwrap_or_default(),
            desc: get("desc").is_some_and(|d| d == "1"),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            per_page: get("per").and_then(|p| p.parse().ok()).unwrap_or(PAGE_SIZES[0]),
            after: get("after"),
            before: get("before"),
        }
    })
}

/// The URL of the list for a query (what bookmarks and the pager use).
pub fn list_url(q: &UserQuery) -> String {
    let mut parts = Vec::new();
    let enc = crate::url::percent_encode;
    if !q.q.is_empty() {
        parts.push(format!("q={}", enc(&q.q)));
    }
    if let Some(s) = q.state {
        parts.push(format!("state={}", s.as_str()));
    }
    if let Some(g) = &q.group {
        parts.push(format!("group={}", enc(g)));
    }
    if q.sort != UserSort::Name {
        parts.push(format!("sort={}", q.sort.as_str()));
    }
    if q.desc {
        parts.push("desc=1".into());
    }
    if q.per_page() != PAGE_SIZES[0] {
        parts.push(format!("per={}", q.per_page()));
    }
    if q.page() > 1 {
        parts.push(format!("page={}", q.page()));
    }
    if let Some(uid) = &q.after {
        parts.push(format!("after={}", enc(uid)));
    } else if let Some(uid) = &q.before {
        parts.push(format!("before={}", enc(uid)));
    }
    if parts.is_empty() {
        "/admin/users".into()
    } else {
        format!("/admin/users?{}", parts.join("&"))
    }
}

#[derive(Clone, Debug, Default)]
struct BulkProgress {
    done: usize,
    total: usize,
    running: bool,
    ok: usize,
    failed: Vec<BulkRowResult>,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = query_from_url();
    let reload = RwSignal::new(0u32);
    let users = Resource::new(move || (query.get(), reload.get()), |(q, _)| list_users(q));
    let groups = Resource::new(|| (), |_| list_groups(String::new(), 1));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let progress = RwSignal::new(BulkProgress::default());
    let pending_action = RwSignal::new(None::<BulkAction>);
    let group_choice = RwSignal::new(String::new());

    // A new view (search, filter, page) starts with nothing selected.
    Effect::new(move |_| {
        query.track();
        selected.set(BTreeSet::new());
    });

    let run_bulk = move |action: BulkAction, reason: Option<String>| {
        let uids: Vec<String> = selected.get_untracked().into_iter().collect();
        progress.set(BulkProgress { total: uids.len(), running: true, ..Default::default() });
        pending_action.set(None);
        spawn_local(async move {
            for chunk in uids.chunks(BULK_CHUNK) {
                match bulk_users(chunk.to_vec(), action.clone(), reason.clone()).await {
                    Ok(rows) => progress.update(|p| {
                        p.done += rows.len();
                        for r in rows {
                            if r.error.is_none() {
                                p.ok += 1
                            } else {
                                p.failed.push(r)
                            }
                        }
                    }),
                    Err(e) => progress.update(|p| {
                        p.done += chunk.len();
                        p.failed.extend(chunk.iter().map(|u| BulkRowResult {
                            uid: u.clone(),
                            label: u.clone(),
                            error: Some(e.clone()),
                        }));
                    }),
                }
            }
            progress.update(|p| p.running = false);
            selected.set(BTreeSet::new());
            reload.update(|n| *n += 1);
        });
    };

    let select_all_matching = move |_| {
        let q = query.get_untracked();
        spawn_local(async move {
            if let Ok(uids) = matching_user_uids(q).await {
                selected.set(uids.into_iter().collect());
            }
        });
    };

    let custom_groups = move || {
        groups
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.rows.into_iter().filter(|g| g.kind != GroupKind::System).collect::<Vec<_>>())
            .unwrap_or_default()
    };

    view! {
        <div class="page-head">
            <h1>{tr(Msg::NavUsers)}</h1>
            <div class="actions">
                <A href="/admin/users/invite" attr:class="button secondary" attr:data-testid="invite-user">{tr(Msg::InviteButton)}</A>
                <A href="/admin/users/new" attr:class="button" attr:data-testid="add-user">{tr(Msg::AddUser)}</A>
            </div>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let all_groups = groups.await.map(|p| p.rows).unwrap_or_default();
                view! {
                    <Form method="GET" action="/admin/users" attr:class="toolbar" attr:role="search">
                        <label class="sr-only" for="q">{tr(Msg::Search)}</label>
                        <input id="q" type="search" name="q" placeholder=move || i18n.t(Msg::SearchUsersPlaceholder)
                            prop:value=move || query.get().q/>
                        <label class="sr-only" for="state-filter">{tr(Msg::State)}</label>
                        <select id="state-filter" name="state">
                            <option value="" selected=move || query.get().state.is_none()>{tr(Msg::AllStates)}</option>
                            {UserState::ALL.into_iter().filter(|s| *s != UserState::Deleted).map(|s| view! {
                                <option value=s.as_str() selected=move || query.get().state == Some(s)>{tr(s.label())}</option>
                            }).collect_view()}
                        </select>
                        <label class="sr-only" for="group-filter">{tr(Msg::Group)}</label>
                        <select id="group-filter" name="group">
                            <option value="">{tr(Msg::AllGroups)}</option>
                            {all_groups.into_iter().map(|g| {
                                let uid = g.uid.clone();
                                let name = g.name.clone();
                                view! { <option value=g.uid selected=move || query.get().group.as_deref() == Some(uid.as_str())>{move || display_name(&name, i18n.lang.get())}</option> }
                            }).collect_view()}
                        </select>
                        <label class="sr-only" for="sort">{tr(Msg::SortBy)}</label>
                        <select id="sort" name="sort">
                            {[(UserSort::Name, Msg::SortName), (UserSort::Email, Msg::SortEmail), (UserSort::Registered, Msg::SortRegistered)]
                                .into_iter().map(|(s, label)| view! {
                                    <option value=s.as_str() selected=move || query.get().sort == s>{tr(label)}</option>
                                }).collect_view()}
                        </select>
                        <label class="checkbox"><input type="checkbox" name="desc" value="1" prop:checked=move || query.get().desc/>{tr(Msg::Descending)}</label>
                        <input type="hidden" name="per" prop:value=move || query.get().per_page().to_string()/>
                        <button type="submit" class="button secondary">{tr(Msg::Search)}</button>
                    </Form>
                }
            })}
        </Transition>

        {move || {
            let n = selected.get().len();
            (n > 0 && !progress.get().running).then(|| view! {
                <div class="bulk-bar" role="region" aria-label=tr(Msg::BulkActions)>
                    <strong data-testid="selected-count">{move || Msg::NSelected.fmt(i18n.lang.get(), &[&format_count(selected.get().len() as i64, i18n.lang.get())])}</strong>
                    <label class="sr-only" for="bulk-group">{tr(Msg::Group)}</label>
                    <select id="bulk-group" on:change=move |ev| group_choice.set(event_target_value(&ev))>
                        <option value="">{tr(Msg::ChooseGroup)}</option>
                        {move || custom_groups().into_iter().map(|g| view! { <option value=g.uid.clone()>{g.name.clone()}</option> }).collect_view()}
                    </select>
                    <button type="button" class="button secondary" data-testid="bulk-add"
                        disabled=move || group_choice.get().is_empty()
                        on:click=move |_| run_bulk(BulkAction::AddToGroup(group_choice.get_untracked()), None)>
                        {tr(Msg::AddToGroup)}
                    </button>
                    <button type="button" class="button secondary" data-testid="bulk-remove"
                        disabled=move || group_choice.get().is_empty()
                        on:click=move |_| pending_action.set(Some(BulkAction::RemoveFromGroup(group_choice.get_untracked())))>
                        {tr(Msg::RemoveFromGroup)}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| pending_action.set(Some(BulkAction::Block))>{tr(Msg::Block)}</button>
                    <button type="button" class="button secondary" on:click=move |_| run_bulk(BulkAction::Activate, None)>{tr(Msg::Activate)}</button>
                    <button type="button" class="link-button" on:click=move |_| selected.set(BTreeSet::new())>{tr(Msg::ClearSelection)}</button>
                </div>
            })
        }}
        {move || pending_action.get().map(|action| {
            let title = match &action {
                BulkAction::Block => Msg::ConfirmBulkBlock,
                _ => Msg::ConfirmBulkRemove,
            };
            let n = selected.get_untracked().len();
            let action2 = action.clone();
            view! {
                <ConfirmPanel
                    title=Signal::derive(move || Msg::fmt(title, i18n.lang.get(), &[&n]))
                    confirm_label=Signal::derive(move || i18n.t(Msg::Confirm).to_string())
                    danger=true
                    pending=Signal::derive(move || progress.get().running)
                    on_confirm=Callback::new(move |reason| run_bulk(action2.clone(), reason))
                    on_cancel=Callback::new(move |_| pending_action.set(None))
                >
                    <p>{tr(Msg::BulkExplain)}</p>
                </ConfirmPanel>
            }
        })}
        {move || {
            let p = progress.get();
            (p.total > 0).then(|| view! {
                <div class="progress-panel" role="status" data-testid="bulk-progress">
                    <progress max=p.total value=p.done></progress>
                    <span>{Msg::BulkProgress.fmt(i18n.lang.get(), &[&p.done, &p.total, &p.ok, &p.failed.len()])}</span>
                    {(!p.failed.is_empty()).then(|| view! {
                        <ul class="bulk-failures">
                            {p.failed.iter().map(|f| view! {
                                <li>{f.label.clone()}": "{f.error.as_ref().map(|e| e.message(i18n.lang.get())).unwrap_or_default()}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!p.running).then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| progress.set(BulkProgress::default())>{tr(Msg::Dismiss)}</button>
                    })}
                </div>
            })
        }}

        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(page) if page.rows.is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::NoUsersMatch)}</p>
                            <p><a href="/admin/users">{tr(Msg::ClearFilters)}</a></p>
                        </div>
                    }.into_any(),
                    Ok(page) => {
                        let page_uids: Vec<String> = page.rows.iter().map(|r| r.uid.clone()).collect();
                        let page_uids2 = page_uids.clone();
                        let all_on_page = Signal::derive(move || { let s = selected.get(); page_uids.iter().all(|u| s.contains(u)) });
                        let total = page.total;
                        let shown = page.rows.len() as i64;
                        let first = (page.page as i64 - 1) * page.per_page as i64 + 1;
                        let last = first + shown - 1;
                        let q = query.get_untracked();
                        // Next and Previous carry the uid of the row they continue
                        // from (keyset paging); page 1 needs none.
                        let first_uid = page.rows.first().map(|r| r.uid.clone());
                        let last_uid = page.rows.last().map(|r| r.uid.clone());
                        let prev = (page.page > 1).then(|| {
                            let before = if page.page > 2 { first_uid } else { None };
                            list_url(&UserQuery { page: page.page - 1, after: None, before, ..q.clone() })
                        });
                        let next = page.has_next.then(|| {
                            list_url(&UserQuery { page: page.page + 1, after: last_uid, before: None, ..q.clone() })
                        });
                        let total_exact = page.total_exact;
                        let has_next = page.has_next;
                        let total_label = move |lang| {
                            if total_exact { format_count(total, lang) } else { Msg::MoreThan.fmt(lang, &[&format_count(total - 1, lang)]) }
                        };
                        view! {
                            {move || (all_on_page.get() && (total > shown || has_next) && (selected.get().len() as i64) < total).then(|| view! {
                                <p class="select-all-note">
                                    {move || Msg::AllOnPageSelected.fmt(i18n.lang.get(), &[&shown])}" "
                                    <button type="button" class="link-button link" data-testid="select-all-matching" on:click=select_all_matching>
                                        {move || if total_exact {
                                            Msg::SelectAllMatching.fmt(i18n.lang.get(), &[&total_label(i18n.lang.get())])
                                        } else {
                                            Msg::SelectAllMatchingMany.fmt(i18n.lang.get(), &[&total_label(i18n.lang.get())])
                                        }}
                                    </button>
                                </p>
                            })}
                            <table class="data" data-testid="users-table">
                                <thead>
                                    <tr>
                                        <th class="check">
                                            <input type="checkbox" aria-label=tr(Msg::SelectPage)
                                                prop:checked=all_on_page
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    selected.update(|s| for u in &page_uids2 { if on { s.insert(u.clone()); } else { s.remove(u); } });
                                                }/>
                                        </th>
                                        <th>{tr(Msg::Name)}</th>
                                        <th>{tr(Msg::Email)}</th>
                                        <th>{tr(Msg::State)}</th>
                                        <th>{tr(Msg::Groups)}</th>
                                        <th>{tr(Msg::Registered)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.rows.into_iter().map(|u| {
                                        let uid = u.uid.clone();
                                        let uid2 = u.uid.clone();
                                        let name = format!("{} {}", u.first_name, u.last_name);
                                        view! {
                                            <tr>
                                                <td class="check">
                                                    <input type="checkbox" aria-label=format!("{name} ({})", u.email)
                                                        prop:checked=move || selected.get().contains(&uid)
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            selected.update(|s| { if on { s.insert(uid2.clone()); } else { s.remove(&uid2); } });
                                                        }/>
                                                </td>
                                                <td><a href=format!("/admin/users/{}", u.uid)>{name.clone()}</a></td>
                                                <td>{u.email.clone()}</td>
                                                <td>{state_badge(u.state)}</td>
                                                <td class="groups-cell">{move || display_names(&u.groups, i18n.lang.get())}</td>
                                                <td>{format_date(u.registered_at)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span data-testid="range">{move || Msg::Range.fmt(i18n.lang.get(), &[&format_count(first, i18n.lang.get()), &format_count(last, i18n.lang.get()), &total_label(i18n.lang.get())])}</span>
                                {prev.map(|href| view! { <a href=href rel="prev">{tr(Msg::Previous)}</a> })}
                                {next.map(|href| view! { <a href=href rel="next">{tr(Msg::Next)}</a> })}
                                <span class="per-page">
                                    {tr(Msg::PerPage)}" "
                                    {PAGE_SIZES.into_iter().map(|n| {
                                        let href = list_url(&UserQuery { per_page: n, page: 1, after: None, before: None, ..q.clone() });
                                        let current = q.per_page() == n;
                                        view! { <a href=href aria-current=current.then_some("true")>{n}</a>" " }
                                    }).collect_view()}
                                </span>
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(uid)) = action.value().get() {
            navigate(&format!("/admin/users/{uid}"), Default::default());
        }
    });
    view! {
        <div class="page-head"><h1>{tr(Msg::AddUser)}</h1></div>
        <section class="card">
            <p class="muted">{tr(Msg::AddUserIntro)}</p>
            <ErrorBanner error/>
            <ActionForm action attr:class="stack" attr:data-testid="add-user-form">
                <label for="email">{tr(Msg::Email)}</label>
                <input id="email" name="email" type="email" required maxlength="254" autocomplete="off"/>
                {field_error(error, "email")}
                <label for="first_name">{tr(Msg::FirstName)}</label>
                <input id="first_name" name="first_name" type="text" required maxlength="100"/>
                {field_error(error, "first_name")}
                <label for="last_name">{tr(Msg::LastName)}</label>
                <input id="last_name" name="last_name" type="text" required maxlength="100"/>
                {field_error(error, "last_name")}
                <label for="password">{tr(Msg::PasswordOptional)}</label>
                <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-help"/>
                <span class="help" id="password-help">{tr(Msg::PasswordOptionalHelp)}</span>
                {field_error(error, "password")}
                <label for="note">{tr(Msg::Note)}</label>
                <textarea id="note" name="note" rows="3" maxlength="1000"></textarea>
                {field_error(error, "note")}
                <div class="actions">
                    <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::AddUser)}</button>
                    <a href="/admin/users" class="button secondary">{tr(Msg::Cancel)}</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Block,
    Activate,
    Delete,
    GrantAdmin,
    RevokeAdmin,
    SendReset,
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let update = ServerAction::<UpdateUser>::new();
    let set_pw = ServerAction::<SetUserPassword>::new();
    let reload = RwSignal::new(0u32);
    let user = Resource::new(
        move || (uid.get(), update.version().get(), set_pw.version().get(), reload.get()),
        |(uid, ..)| get_user(uid),
    );
    let pending = RwSignal::new(None::<Pending>);
    let busy = RwSignal::new(false);
    let action_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<Msg>);
    // The delete confirmation's "email the developer" box.
    let notify_closed = RwSignal::new(true);
    let update_error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let pw_error = Signal::derive(move || set_pw.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();

    let perform = Callback::new(move |(which, reason): (Pending, Option<String>)| {
        let uid = uid.get_untracked();
        busy.set(true);
        action_error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match which {
                Pending::Block => set_user_state(uid, "blocked".into(), reason).await.map(|_| Msg::DoneBlocked),
                Pending::Activate => set_user_state(uid, "active".into(), reason).await.map(|_| Msg::DoneActivated),
                Pending::GrantAdmin => set_user_admin(uid, true, reason).await.map(|_| Msg::DoneAdminGranted),
                Pending::RevokeAdmin => set_user_admin(uid, false, reason).await.map(|_| Msg::DoneAdminRevoked),
                Pending::Delete => set_deleted(uid, reason, notify_closed.get_untracked()).await,
                Pending::SendReset => crate::recovery::api::send_reset_link(uid).await.map(|_| Msg::DoneResetSent),
            };
            busy.set(false);
            pending.set(None);
            match result {
                Ok(Msg::DoneDeleted) => navigate("/admin/users", Default::default()),
                Ok(m) => {
                    notice.set(Some(m));
                    reload.update(|n| *n += 1);
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    });

    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::NavUsers)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/users">{tr(Msg::BackToUsers)}</a></p>
                    }.into_any(),
                    Ok(u) => {
                        let name = format!("{} {}", u.first_name, u.last_name);
                        let blocked = u.state == UserState::Blocked;
                        let can_activate = matches!(u.state, UserState::Blocked | UserState::Pending);
                        let is_admin = u.is_admin;
                        let is_self = u.is_self;
                        let uid_v = u.uid.clone();
                        let uid_pw = u.uid.clone();
                        let uid_act = u.uid.clone();
                        let run_pending = move |which: &'static str, key: String| {
                            busy.set(true);
                            action_error.set(None);
                            spawn_local(async move {
                                let r = pending_action(which, key).await;
                                busy.set(false);
                                match r {
                                    Ok(m) => { notice.set(Some(m)); reload.update(|n| *n += 1); }
                                    Err(e) => action_error.set(Some(e)),
                                }
                            });
                        };
                        let pending_box = match (&u.invitation, u.state) {
                            (Some(inv), _) => {
                                let (k1, k2) = (inv.uid.clone(), inv.uid.clone());
                                let can_resend = inv.state != crate::invitations::InvitationState::Accepted && u.state == UserState::Pending;
                                let can_revoke = matches!(inv.state, crate::invitations::InvitationState::Pending | crate::invitations::InvitationState::Expired);
                                let class = format!("badge inv-{}", inv.state.as_str());
                                let sent = format_date(inv.last_sent_at);
                                let by = inv.invited_by.clone();
                                Some(view! {
                                    <div class="pending-box" data-testid="invitation-box">
                                        <p>{move || Msg::InvitedByOn.fmt(i18n.lang.get(), &[&by, &sent])}" "<span class=class.clone()>{tr(inv.state.label())}</span></p>
                                        <div class="actions">
                                            {can_resend.then(|| view! { <button type="button" class="button small secondary" data-testid="resend-invitation" disabled=move || busy.get() on:click=move |_| run_pending("resend_invitation", k1.clone())>{tr(Msg::ResendInvitation)}</button> })}
                                            {can_revoke.then(|| view! { <button type="button" class="button small danger" disabled=move || busy.get() on:click=move |_| run_pending("revoke_invitation", k2.clone())>{tr(Msg::Revoke)}</button> })}
                                        </div>
                                    </div>
                                }.into_any())
                            }
                            (None, UserState::Pending) => {
                                let k = u.uid.clone();
                                Some(view! {
                                    <div class="pending-box" data-testid="verification-box">
                                        <p>{tr(Msg::PendingVerification)}</p>
                                        <div class="actions">
                                            <button type="button" class="button small secondary" data-testid="resend-verification" disabled=move || busy.get() on:click=move |_| run_pending("resend_verification", k.clone())>{tr(Msg::ResendVerification)}</button>
                                        </div>
                                    </div>
                                }.into_any())
                            }
                            _ => None,
                        };
                        view! {
                            <p class="crumbs"><a href="/admin/users">{tr(Msg::NavUsers)}</a>" / "{name.clone()}</p>
                            <div class="page-head">
                                <h1>{name.clone()}" "{state_badge(u.state)}
                                    {is_admin.then(|| view! { <span class="badge admin">{tr(Msg::StatAdmins)}</span> })}
                                </h1>
                            </div>
                            {move || notice.get().map(|m| view! { <p class="success" role="status">{tr(m)}</p> })}
                            <ErrorBanner error=Signal::derive(move || action_error.get())/>
                            <div class="detail-grid">
                                <section class="card">
                                    <h2>{tr(Msg::Profile)}</h2>
                                    {move || matches!(update.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                                    <ErrorBanner error=update_error/>
                                    <ActionForm action=update attr:class="stack" attr:data-testid="edit-user-form">
                                        <input type="hidden" name="uid" value=uid_v/>
                                        <input type="hidden" name="version" value=u.version/>
                                        <label for="email">{tr(Msg::Email)}</label>
                                        <input id="email" name="email" type="email" required maxlength="254" value=u.email.clone()/>
                                        {field_error(update_error, "email")}
                                        <label for="first_name">{tr(Msg::FirstName)}</label>
                                        <input id="first_name" name="first_name" type="text" required maxlength="100" value=u.first_name.clone()/>
                                        {field_error(update_error, "first_name")}
                                        <label for="last_name">{tr(Msg::LastName)}</label>
                                        <input id="last_name" name="last_name" type="text" required maxlength="100" value=u.last_name.clone()/>
                                        {field_error(update_error, "last_name")}
                                        <label for="note">{tr(Msg::Note)}</label>
                                        <textarea id="note" name="note" rows="3" maxlength="1000">{u.note.clone().unwrap_or_default()}</textarea>
                                        {field_error(update_error, "note")}
                                        <button type="submit" class="button" disabled=move || update.pending().get()>{tr(Msg::Save)}</button>
                                    </ActionForm>
                                </section>
                                <section class="card">
                                    <h2>{tr(Msg::Account)}</h2>
                                    <dl class="facts">
                                        <dt>{tr(Msg::State)}</dt><dd>{state_badge(u.state)}</dd>
                                        <dt>{tr(Msg::Registered)}</dt><dd>{format_date(u.registered_at)}</dd>
                                        <dt>{tr(Msg::Groups)}</dt>
                                        <dd data-testid="user-groups">
                                            {u.groups.iter().map(|g| { let name = g.name.clone(); view! { <a class="chip" href=format!("/admin/groups/{}", g.uid)>{move || display_name(&name, i18n.lang.get())}</a>" " } }).collect_view()}
                                        </dd>
                                        <dt>{tr(Msg::Identities)}</dt>
                                        <dd data-testid="user-identities">
                                            {u.identities.iter().map(|i| view! { <div>{tr(Msg::IdentityBasic)}": "{i.id.clone()}</div> }).collect_view()}
                                        </dd>
                                        <dt>{tr(Msg::Password)}</dt>
                                        <dd>{if u.has_password { tr(Msg::PasswordIsSet)() } else { tr(Msg::PasswordNotSet)() }}</dd>
                                    </dl>
                                    <div class="actions">
                                        {(!blocked && !is_self).then(|| view! {
                                            <button type="button" class="button secondary" data-testid="block" on:click=move |_| pending.set(Some(Pending::Block))>{tr(Msg::Block)}</button>
                                        })}
                                        {can_activate.then(|| view! {
                                            <button type="button" class="button secondary" data-testid="activate" on:click=move |_| pending.set(Some(Pending::Activate))>{tr(Msg::Activate)}</button>
                                        })}
                                        {(!is_admin && !blocked).then(|| view! {
                                            <button type="button" class="button secondary" on:click=move |_| pending.set(Some(Pending::GrantAdmin))>{tr(Msg::MakeAdmin)}</button>
                                        })}
                                        {(is_admin && !is_self).then(|| view! {
                                            <button type="button" class="button secondary" on:click=move |_| pending.set(Some(Pending::RevokeAdmin))>{tr(Msg::RevokeAdmin)}</button>
                                        })}
                                        {(u.state == UserState::Active).then(|| view! {
                                            <button type="button" class="button secondary" data-testid="send-reset" on:click=move |_| pending.set(Some(Pending::SendReset))>{tr(Msg::SendResetButton)}</button>
                                        })}
                                        {(!is_self).then(|| view! {
                                            <button type="button" class="button danger" data-testid="delete" on:click=move |_| pending.set(Some(Pending::Delete))>{tr(Msg::Delete)}</button>
                                        })}
                                    </div>
                                    {pending_box}
                                    {move || pending.get().map(|p| view! { <PendingConfirm which=p uid=uid.get_untracked() busy notify_closed on_confirm=Callback::new(move |reason| perform.run((p, reason))) on_cancel=Callback::new(move |_| pending.set(None))/> })}
                                </section>
                                <section class="card">
                                    <h2>{tr(Msg::SetPassword)}</h2>
                                    <p class="muted">{tr(Msg::SetPasswordHelp)}</p>
                                    {move || matches!(set_pw.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::PasswordSetDone)}</p> })}
                                    <ErrorBanner error=pw_error/>
                                    <ActionForm action=set_pw attr:class="stack">
                                        <input type="hidden" name="uid" value=uid_pw/>
                                        <label for="new-password">{tr(Msg::NewPassword)}</label>
                                        <input id="new-password" name="password" type="password" autocomplete="new-password" required/>
                                        {field_error(pw_error, "password")}
                                        <label class="checkbox"><input type="checkbox" name="must_change" checked/>{tr(Msg::MustChangeAtNextSignIn)}</label>
                                        <button type="submit" class="button" disabled=move || set_pw.pending().get()>{tr(Msg::SetPassword)}</button>
                                    </ActionForm>
                                </section>
                            </div>
                            <div class="detail-grid">
                                <section class="card">
                                    <h2>{tr(Msg::NavSubscriptions)}</h2>
                                    <crate::subscriptions::pages::UserSubscriptions subs=u.subscriptions.clone()/>
                                </section>
                                <section class="card">
                                    <h2>{tr(Msg::VisibleProducts)}</h2>
                                    <p class="muted">{tr(if is_admin { Msg::AdminSeesAll } else { Msg::VisibleProductsHelp })}</p>
                                    <ul class="plain" data-testid="visible-products">
                                        {u.products.iter().map(|p| {
                                            let via = p.via.clone();
                                            view! {
                                                <li><a href=format!("/admin/products/{}", p.uid)>{p.name.clone()}</a>
                                                    <span class="muted small">" — "{tr(Msg::Via)}" "{move || display_names(&via, i18n.lang.get())}</span></li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </section>
                            </div>
                            <section>
                                <h2>{tr(Msg::NavActivity)}</h2>
                                <ActivityList target=Some(("user", uid_act)) reload=Signal::derive(move || reload.get() + update.version().get() as u32)/>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

async fn set_deleted(uid: String, reason: Option<String>, notify: bool) -> Result<Msg, AppError> {
    delete_user(uid, reason, Some(notify)).await.map(|_| Msg::DoneDeleted)
}

/// Resend or revoke an invitation, or resend a verification email, from the user page.
async fn pending_action(which: &'static str, key: String) -> Result<Msg, AppError> {
    use crate::invitations::api::{resend_invitation, revoke_invitation};
    match which {
        "resend_invitation" => resend_invitation(key).await.map(|_| Msg::DoneInvitationResent),
        "revoke_invitation" => revoke_invitation(key).await.map(|_| Msg::DoneInvitationRevoked),
        _ => crate::signup::api::resend_verification(key).await.map(|_| Msg::DoneVerificationResent),
    }
}

/// The confirmation for one of the weighty actions on the detail page.
#[component]
fn PendingConfirm(
    which: Pending,
    uid: String,
    busy: RwSignal<bool>,
    notify_closed: RwSignal<bool>,
    on_confirm: Callback<Option<String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (title, label, body) = match which {
        Pending::Block => (Msg::ConfirmBlockTitle, Msg::Block, Msg::ConfirmBlockBody),
        Pending::Activate => (Msg::ConfirmActivateTitle, Msg::Activate, Msg::ConfirmActivateBody),
        Pending::GrantAdmin => (Msg::ConfirmGrantAdminTitle, Msg::MakeAdmin, Msg::ConfirmGrantAdminBody),
        Pending::RevokeAdmin => (Msg::ConfirmRevokeAdminTitle, Msg::RevokeAdmin, Msg::ConfirmRevokeAdminBody),
        Pending::Delete => (Msg::ConfirmDeleteTitle, Msg::Delete, Msg::ConfirmDeleteBody),
        Pending::SendReset => (Msg::ConfirmResetTitle, Msg::SendResetButton, Msg::ConfirmResetBody),
    };
    let preview = Resource::new(
        move || (which == Pending::Delete).then(|| uid.clone()),
        |uid| async move {
            match uid {
                Some(uid) => user_delete_preview(uid).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <ConfirmPanel
            title=Signal::derive(move || i18n.t(title).to_string())
            confirm_label=Signal::derive(move || i18n.t(label).to_string())
            danger=matches!(which, Pending::Block | Pending::Delete | Pending::RevokeAdmin)
            pending=busy
            on_confirm
            on_cancel
        >
            <p>{tr(body)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    preview.await.ok().flatten().map(|p| view! {
                        <ul class="goes-with" data-testid="delete-preview">
                            <li>{move || Msg::GoesGroups.fmt(i18n.lang.get(), &[&p.groups.len(), &display_names(&p.groups, i18n.lang.get())])}</li>
                            <li>{move || Msg::GoesSessions.fmt(i18n.lang.get(), &[&p.sessions])}</li>
                            <li>{let n = p.subscriptions.len(); move || Msg::GoesSubscriptions.fmt(i18n.lang.get(), &[&n])}
                                {(!p.subscriptions.is_empty()).then(|| view! {
                                    <ul>
                                        {p.subscriptions.iter().map(|s| {
                                            let st = s.state;
                                            view! { <li>{format!("{} · {} · ", s.name, s.product_name)}{tr(st.label())}</li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                            </li>
                        </ul>
                        <label class="checkbox">
                            <input type="checkbox" data-testid="notify-closed" prop:checked=move || notify_closed.get()
                                on:change=move |ev| notify_closed.set(event_target_checked(&ev))/>
                            {tr(Msg::NotifyClosed)}
                        </label>
                    })
                })}
            </Transition>
        </ConfirmPanel>
    }
}
