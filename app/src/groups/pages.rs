//! The groups screens: list and create; detail with edit, delete, members.
use super::api::*;
use super::{GroupKind, GroupRow};
use crate::activity::pages::ActivityList;
use crate::components::{field_error, format_count, state_badge, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::users::api::{bulk_users, list_users};
use crate::users::{BulkAction, BulkRowResult, UserQuery};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeSet;

pub fn kind_badge(kind: GroupKind) -> impl IntoView {
    let class = format!("badge kind-{}", kind.as_str());
    view! { <span class=class>{tr(kind.label())}</span> }
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let create = ServerAction::<CreateGroup>::new();
    let groups =
        Resource::new(move || (q.get(), page.get(), create.version().get()), |(q, page, _)| list_groups(q, page));
    let kind = RwSignal::new("custom".to_string());
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(uid)) = create.value().get() {
            navigate(&format!("/admin/groups/{uid}"), Default::default());
        }
    });
    view! {
        <div class="page-head"><h1>{tr(Msg::NavGroups)}</h1></div>
        <p class="lead">{tr(Msg::GroupsIntro)}</p>
        <Form method="GET" action="/admin/groups" attr:class="toolbar" attr:role="search">
            <label class="sr-only" for="gq">{tr(Msg::Search)}</label>
            <input id="gq" type="search" name="q" placeholder=move || i18n.t(Msg::SearchGroupsPlaceholder) prop:value=move || q.get()/>
            <button type="submit" class="button secondary">{tr(Msg::Search)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <div class="empty-state"><p class="empty-title">{tr(Msg::NoGroupsMatch)}</p></div> }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        let qv = q.get_untracked();
                        view! {
                            <table class="data" data-testid="groups-table">
                                <thead><tr>
                                    <th>{tr(Msg::Name)}</th><th>{tr(Msg::Type)}</th><th>{tr(Msg::Description)}</th><th class="num">{tr(Msg::Members)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|g| view! {
                                        <tr>
                                            <td><a href=format!("/admin/groups/{}", g.uid)>{let name = g.name.clone(); move || super::display_name(&name, i18n.lang.get())}</a></td>
                                            <td>{kind_badge(g.kind)}</td>
                                            <td>{g.description.clone().unwrap_or_default()}
                                                {g.external_id.clone().map(|x| view! { <div class="muted small">{x}</div> })}</td>
                                            <td class="num">{move || format_count(g.members, i18n.lang.get())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span>{move || Msg::TotalGroups.fmt(i18n.lang.get(), &[&p.total])}</span>
                                {(page_no > 1).then(|| view! { <a href=format!("/admin/groups?q={}&page={}", qv, page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=format!("/admin/groups?q={}&page={}", qv, page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <section class="card">
            <h2>{tr(Msg::NewGroup)}</h2>
            <ErrorBanner error/>
            <ActionForm action=create attr:class="stack" attr:data-testid="new-group-form">
                <label for="kind">{tr(Msg::Type)}</label>
                <select id="kind" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="custom">{tr(Msg::KindCustom)}</option>
                    <option value="external">{tr(Msg::KindExternal)}</option>
                </select>
                <label for="group-name">{tr(Msg::Name)}</label>
                <input id="group-name" name="name" type="text" required maxlength="300"/>
                {field_error(error, "name")}
                <label for="group-description">{tr(Msg::Description)}</label>
                <textarea id="group-description" name="description" rows="2" maxlength="1000"></textarea>
                {field_error(error, "description")}
                {move || (kind.get() == "external").then(|| view! {
                    <label for="external-id">{tr(Msg::ExternalId)}</label>
                    <input id="external-id" name="external_id" type="text" placeholder="aad://contoso.onmicrosoft.com/groups/…"/>
                    <span class="help">{tr(Msg::ExternalIdHelp)}</span>
                })}
                {field_error(error, "external_id")}
                <button type="submit" class="button" disabled=move || create.pending().get()>{tr(Msg::CreateGroup)}</button>
            </ActionForm>
        </section>
    }
}

#[derive(Clone, Debug, Default)]
struct Outcome {
    ok: usize,
    failed: Vec<BulkRowResult>,
}

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let update = ServerAction::<UpdateGroup>::new();
    let group = Resource::new(move || (uid.get(), update.version().get()), |(uid, _)| get_group(uid));
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match group.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::NavGroups)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/groups">{tr(Msg::BackToGroups)}</a></p>
                    }.into_any(),
                    Ok(g) => view! { <GroupDetail g update/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupDetail(g: GroupRow, update: ServerAction<UpdateGroup>) -> impl IntoView {
    let i18n = use_i18n();
    let system = g.kind == GroupKind::System;
    let error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let deleting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    let uid = g.uid.clone();
    let preview = {
        let uid = uid.clone();
        Resource::new(
            move || deleting.get().then(|| uid.clone()),
            |u| async move {
                match u {
                    Some(u) => preview_group_delete(u).await.map(Some),
                    None => Ok(None),
                }
            },
        )
    };
    let do_delete = {
        let uid = uid.clone();
        Callback::new(move |reason: Option<String>| {
            let uid = uid.clone();
            let navigate = navigate.clone();
            busy.set(true);
            spawn_local(async move {
                match delete_group(uid, reason).await {
                    Ok(()) => navigate("/admin/groups", Default::default()),
                    Err(e) => {
                        busy.set(false);
                        deleting.set(false);
                        delete_error.set(Some(e));
                    }
                }
            });
        })
    };
    let activity_uid = g.uid.clone();
    view! {
        <p class="crumbs"><a href="/admin/groups">{tr(Msg::NavGroups)}</a>" / "{let name = g.name.clone(); move || super::display_name(&name, i18n.lang.get())}</p>
        <div class="page-head"><h1>{let name = g.name.clone(); move || super::display_name(&name, i18n.lang.get())}" "{kind_badge(g.kind)}</h1></div>
        {system.then(|| view! { <p class="notice" role="note">{tr(Msg::SystemGroupNote)}</p> })}
        <ErrorBanner error=Signal::derive(move || delete_error.get())/>
        <div class="detail-grid">
            <section class="card">
                <h2>{tr(Msg::Details)}</h2>
                {move || matches!(update.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                <ErrorBanner error/>
                <ActionForm action=update attr:class="stack" attr:data-testid="edit-group-form">
                    <input type="hidden" name="uid" value=g.uid.clone()/>
                    <input type="hidden" name="version" value=g.version/>
                    <label for="group-name">{tr(Msg::Name)}</label>
                    <input id="group-name" name="name" type="text" required maxlength="300" value=g.name.clone()/>
                    {field_error(error, "name")}
                    <label for="group-description">{tr(Msg::Description)}</label>
                    <textarea id="group-description" name="description" rows="3" maxlength="1000">{g.description.clone().unwrap_or_default()}</textarea>
                    {field_error(error, "description")}
                    {(g.kind == GroupKind::External).then(|| view! {
                        <label for="external-id">{tr(Msg::ExternalId)}</label>
                        <input id="external-id" name="external_id" type="text" required value=g.external_id.clone().unwrap_or_default()/>
                    })}
                    {field_error(error, "external_id")}
                    <div class="actions">
                        <button type="submit" class="button" disabled=move || update.pending().get()>{tr(Msg::Save)}</button>
                        {(!system).then(|| view! {
                            <button type="button" class="button danger" data-testid="delete-group" on:click=move |_| deleting.set(true)>{tr(Msg::Delete)}</button>
                        })}
                    </div>
                </ActionForm>
                {move || deleting.get().then(|| view! {
                    <ConfirmPanel
                        title=Signal::derive(move || i18n.t(Msg::ConfirmDeleteGroupTitle).to_string())
                        confirm_label=Signal::derive(move || i18n.t(Msg::Delete).to_string())
                        danger=true
                        pending=busy
                        on_confirm=do_delete
                        on_cancel=Callback::new(move |_| deleting.set(false))
                    >
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                preview.await.ok().flatten().map(|p| view! {
                                    <p data-testid="group-delete-preview">{move || Msg::GroupGoesWith.fmt(i18n.lang.get(), &[&p.members, &p.product_links])}</p>
                                })
                            })}
                        </Transition>
                    </ConfirmPanel>
                })}
            </section>
            <section class="card wide">
                <h2>{tr(Msg::Members)}</h2>
                <Members group_uid=uid.clone() system/>
            </section>
        </div>
        <section>
            <h2>{tr(Msg::NavActivity)}</h2>
            <ActivityList target=Some(("group", activity_uid)) reload=Signal::derive(move || update.version().get() as u32)/>
        </section>
    }
}

/// Members with search and paging; for custom and external groups also
/// "remove selected" and an "add members" picker.
#[component]
fn Members(group_uid: String, system: bool) -> impl IntoView {
    // Its own reload: bumping the page's would re-create this component and
    // lose the outcome message the administrator has not read yet.
    let reload = RwSignal::new(0u32);
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let gid = group_uid.clone();
    let members = Resource::new(
        move || (q.get(), page.get(), reload.get(), gid.clone()),
        |(q, page, _, gid)| list_users(UserQuery { q, group: Some(gid), page, per_page: 25, ..Default::default() }),
    );
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let adding = RwSignal::new(false);
    let add_q = RwSignal::new(String::new());
    let candidates = Resource::new(
        move || (adding.get(), add_q.get()),
        |(adding, q)| async move {
            if !adding {
                return Ok(None);
            }
            list_users(UserQuery { q, per_page: 25, ..Default::default() }).await.map(Some)
        },
    );
    let to_add = RwSignal::new(BTreeSet::<String>::new());
    let confirm_remove = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);

    let apply = {
        let group_uid = group_uid.clone();
        Callback::new(move |(add, reason): (bool, Option<String>)| {
            let uids: Vec<String> =
                if add { to_add.get_untracked() } else { selected.get_untracked() }.into_iter().collect();
            let action = if add {
                BulkAction::AddToGroup(group_uid.clone())
            } else {
                BulkAction::RemoveFromGroup(group_uid.clone())
            };
            busy.set(true);
            spawn_local(async move {
                let mut out = Outcome::default();
                for chunk in uids.chunks(100) {
                    match bulk_users(chunk.to_vec(), action.clone(), reason.clone()).await {
                        Ok(rows) => {
                            for r in rows {
                                if r.error.is_none() {
                                    out.ok += 1
                                } else {
                                    out.failed.push(r)
                                }
                            }
                        }
                        Err(e) => out.failed.extend(chunk.iter().map(|u| BulkRowResult {
                            uid: u.clone(),
                            label: u.clone(),
                            error: Some(e.clone()),
                        })),
                    }
                }
                busy.set(false);
                confirm_remove.set(false);
                selected.set(BTreeSet::new());
                to_add.set(BTreeSet::new());
                outcome.set(Some(out));
                reload.update(|n| *n += 1);
            });
        })
    };

    view! {
        <div class="toolbar">
            <label class="sr-only" for="member-q">{tr(Msg::Search)}</label>
            <input id="member-q" type="search" placeholder=move || i18n.t(Msg::SearchUsersPlaceholder)
                on:change=move |ev| { q.set(event_target_value(&ev)); page.set(1); }/>
            {(!system).then(|| view! {
                <button type="button" class="button secondary" data-testid="remove-members"
                    disabled=move || selected.get().is_empty()
                    on:click=move |_| confirm_remove.set(true)>{tr(Msg::RemoveSelected)}</button>
                <button type="button" class="button secondary" data-testid="add-members" on:click=move |_| adding.update(|a| *a = !*a)>{tr(Msg::AddMembers)}</button>
            })}
        </div>
        {move || outcome.get().map(|o| {
            let (ok, failed) = (o.ok, o.failed.len());
            view! {
            <div class="progress-panel" role="status" data-testid="member-outcome">
                {move || Msg::BulkDone.fmt(i18n.lang.get(), &[&ok, &failed])}
                <ul class="bulk-failures">
                    {o.failed.iter().map(|f| view! { <li>{f.label.clone()}": "{f.error.as_ref().map(|e| e.message(i18n.lang.get())).unwrap_or_default()}</li> }).collect_view()}
                </ul>
            </div>
        }})}
        {move || confirm_remove.get().then(|| view! {
            <ConfirmPanel
                title=Signal::derive(move || Msg::ConfirmBulkRemove.fmt(i18n.lang.get(), &[&selected.get().len()]))
                confirm_label=Signal::derive(move || i18n.t(Msg::RemoveSelected).to_string())
                danger=true
                pending=busy
                on_confirm=Callback::new(move |reason| apply.run((false, reason)))
                on_cancel=Callback::new(move |_| confirm_remove.set(false))
            >
                <p>{tr(Msg::BulkExplain)}</p>
            </ConfirmPanel>
        })}
        {move || adding.get().then(|| view! {
            <div class="picker" data-testid="member-picker">
                <h3>{tr(Msg::AddMembers)}</h3>
                <input type="search" aria-label=tr(Msg::Search) placeholder=move || i18n.t(Msg::SearchUsersPlaceholder)
                    on:change=move |ev| add_q.set(event_target_value(&ev))/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        candidates.await.ok().flatten().map(|p| view! {
                            <ul class="pick-list">
                                {p.rows.into_iter().map(|u| {
                                    let uid = u.uid.clone();
                                    let uid2 = u.uid.clone();
                                    view! {
                                        <li><label class="checkbox">
                                            <input type="checkbox" prop:checked=move || to_add.get().contains(&uid)
                                                on:change=move |ev| { let on = event_target_checked(&ev); to_add.update(|s| { if on { s.insert(uid2.clone()); } else { s.remove(&uid2); } }); }/>
                                            {format!("{} {} <{}>", u.first_name, u.last_name, u.email)}
                                        </label></li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    })}
                </Transition>
                <button type="button" class="button" data-testid="add-selected" disabled=move || to_add.get().is_empty() || busy.get()
                    on:click=move |_| apply.run((true, None))>
                    {move || Msg::AddNSelected.fmt(i18n.lang.get(), &[&to_add.get().len()])}
                </button>
            </div>
        })}
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <p class="muted" data-testid="no-members">{tr(Msg::NoMembers)}</p> }.into_any(),
                    Ok(p) => {
                        let more = p.has_next;
                        let page_no = p.page;
                        view! {
                            <table class="data" data-testid="members-table">
                                <thead><tr>
                                    {(!system).then(|| view! { <th class="check"><span class="sr-only">{tr(Msg::Select)}</span></th> })}
                                    <th>{tr(Msg::Name)}</th><th>{tr(Msg::Email)}</th><th>{tr(Msg::State)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|u| {
                                        let uid = u.uid.clone();
                                        let uid2 = u.uid.clone();
                                        let name = format!("{} {}", u.first_name, u.last_name);
                                        view! {
                                            <tr>
                                                {(!system).then(|| view! {
                                                    <td class="check"><input type="checkbox" aria-label=name.clone()
                                                        prop:checked=move || selected.get().contains(&uid)
                                                        on:change=move |ev| { let on = event_target_checked(&ev); selected.update(|s| { if on { s.insert(uid2.clone()); } else { s.remove(&uid2); } }); }/></td>
                                                })}
                                                <td><a href=format!("/admin/users/{}", u.uid)>{name.clone()}</a></td>
                                                <td>{u.email.clone()}</td>
                                                <td>{state_badge(u.state)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager">
                                <span>{move || Msg::TotalMembers.fmt(i18n.lang.get(), &[&format_count(p.total, i18n.lang.get())])}</span>
                                {(page_no > 1).then(|| view! { <button type="button" class="link-button link" on:click=move |_| page.update(|n| *n -= 1)>{tr(Msg::Previous)}</button> })}
                                {more.then(|| view! { <button type="button" class="link-button link" on:click=move |_| page.update(|n| *n += 1)>{tr(Msg::Next)}</button> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
