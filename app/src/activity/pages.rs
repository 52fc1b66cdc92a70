//! The Activity screen, and the list reused on each user's detail page.
use super::api::list_activity;
use super::ActivityEntry;
use crate::components::format_time;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

/// The translated name of an action such as "user.blocked".
pub fn action_label(action: &str) -> Msg {
    match action {
        "user.created" => Msg::ActUserCreated,
        "user.updated" => Msg::ActUserUpdated,
        "user.password_set" => Msg::ActPasswordSet,
        "user.blocked" => Msg::ActBlocked,
        "user.activated" => Msg::ActActivated,
        "user.deleted" => Msg::ActUserDeleted,
        "user.admin_granted" => Msg::ActAdminGranted,
        "user.admin_revoked" => Msg::ActAdminRevoked,
        "group.created" => Msg::ActGroupCreated,
        "group.updated" => Msg::ActGroupUpdated,
        "group.deleted" => Msg::ActGroupDeleted,
        "group.member_added" => Msg::ActMemberAdded,
        "group.member_removed" => Msg::ActMemberRemoved,
        "token.created" => Msg::ActTokenCreated,
        "token.revoked" => Msg::ActTokenRevoked,
        _ => Msg::ActOther,
    }
}

fn rows(entries: Vec<ActivityEntry>, show_target: bool) -> impl IntoView {
    view! {
        <table class="data activity" data-testid="activity-table">
            <thead>
                <tr>
                    <th>{tr(Msg::When)}</th>
                    <th>{tr(Msg::Who)}</th>
                    <th>{tr(Msg::What)}</th>
                    {show_target.then(|| view! { <th>{tr(Msg::Target)}</th> })}
                    <th>{tr(Msg::Change)}</th>
                    <th>{tr(Msg::Reason)}</th>
                </tr>
            </thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let href = match e.target_kind.as_str() {
                        "group" => format!("/admin/groups/{}", e.target_uid),
                        "token" => "/admin/tokens".to_string(),
                        _ => format!("/admin/users/{}", e.target_uid),
                    };
                    let change = match (&e.before, &e.after) {
                        (Some(b), Some(a)) => format!("{b} → {a}"),
                        (None, Some(a)) => a.clone(),
                        (Some(b), None) => b.clone(),
                        (None, None) => String::new(),
                    };
                    view! {
                        <tr>
                            <td class="nowrap">{format_time(e.at)}</td>
                            <td>{e.actor}</td>
                            <td>{tr(action_label(&e.action))}</td>
                            {show_target.then(|| view! { <td><a href=href>{e.target_label.clone()}</a></td> })}
                            <td class="change"><code>{change}</code></td>
                            <td>{e.reason.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The newest entries about one user (or all, when `target` is None).
#[component]
pub fn ActivityList(target: Option<String>, #[prop(into)] reload: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let show_target = target.is_none();
    let data = Resource::new(
        move || (target.clone(), reload.get()),
        |(target, _)| async move {
            match target {
                Some(uid) => crate::users::api::user_activity(uid, 1).await,
                None => list_activity(1).await,
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if p.rows.is_empty() => view! { <p class="muted">{tr(Msg::NoActivity)}</p> }.into_any(),
                    Ok(p) => rows(p.rows, show_target).into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1));
    let data = Resource::new(move || page.get(), list_activity);
    view! {
        <div class="page-head"><h1>{tr(Msg::NavActivity)}</h1></div>
        <p class="lead">{tr(Msg::ActivityIntro)}</p>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if p.rows.is_empty() => view! { <div class="empty-state"><p>{tr(Msg::NoActivity)}</p></div> }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        view! {
                            {rows(p.rows, true)}
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                {(page_no > 1).then(|| view! { <a href=format!("/admin/activity?page={}", page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=format!("/admin/activity?page={}", page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
