//! The users list: search, filters, sort, paging and bulk changes with
//! progress.
use crate::components::{format_count, format_date, state_badge, ConfirmPanel};
use crate::groups::{api::list_groups, display_name, display_names, GroupKind};
use crate::i18n::{tr, use_i18n, Msg};
use crate::users::api::*;
use crate::users::{BulkAction, BulkRowResult, UserQuery, UserSort, UserState, PAGE_SIZES};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

/// The "not signed in for" filter's choices, in days.
const INACTIVE_CHOICES: [u32; 4] = [30, 90, 180, 365];

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
            inactive_days: get("inactive").and_then(|d| d.parse().ok()).filter(|d| *d > 0),
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
    if let Some(d) = q.inactive_days {
        parts.push(format!("inactive={d}"));
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
                        <label class="sr-only" for="inactive-filter">{tr(Msg::SignInFilter)}</label>
                        <select id="inactive-filter" name="inactive">
                            <option value="" selected=move || query.get().inactive_days.is_none()>{tr(Msg::AnySignIn)}</option>
                            {INACTIVE_CHOICES.into_iter().map(|d| view! {
                                <option value=d.to_string() selected=move || query.get().inactive_days == Some(d)>
                                    {move || Msg::NotSignedInFor.fmt(i18n.lang.get(), &[&d])}
                                </option>
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
                                        <th>{tr(Msg::LastSignIn)}</th>
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
                                                <td>{match u.last_sign_in_at {
                                                    Some(t) => format_date(t).into_any(),
                                                    None => view! { <span class="muted">{tr(Msg::NeverSignedIn)}</span> }.into_any(),
                                                }}</td>
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
