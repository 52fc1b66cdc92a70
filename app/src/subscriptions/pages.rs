//! The developer's Subscriptions page (keys: masked, reveal, copy,
//! regenerate; cancel) and the administrators' Subscriptions screen.
use super::api::*;
use super::{
    SubscriptionAction, SubscriptionKeys, SubscriptionQuery, SubscriptionRow, SubscriptionScope, SubscriptionState,
};
use crate::components::{copy_to_clipboard, format_count, format_date, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::MeResource;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

pub fn sub_state_badge(state: SubscriptionState) -> impl IntoView {
    let class = match state {
        SubscriptionState::Active => "badge state-active",
        SubscriptionState::Submitted => "badge state-pending",
        SubscriptionState::Suspended | SubscriptionState::Rejected => "badge state-blocked",
        SubscriptionState::Cancelled | SubscriptionState::Expired => "badge state-deleted",
    };
    view! { <span class=class data-testid="sub-state">{tr(state.label())}</span> }
}

#[component]
pub fn MySubscriptionsPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let subs = Resource::new(move || reload.get(), |_| my_subscriptions());
    // Usage comes apart from the keys: a slow report must not hold the keys back.
    let usage = Resource::new(|| (), |_| crate::usage::api::my_usage());
    view! {
        <h1>{tr(Msg::MySubscriptions)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match (me.await, subs.await) {
                    (Ok(None), _) | (_, Err(AppError::Unauthenticated)) => {
                        view! { <Redirect path="/sign-in?next=/subscriptions"/> }.into_any()
                    }
                    (_, Err(e)) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    (_, Ok(list)) if list.is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::NoSubscriptionsYet)}</p>
                            <p><a class="button" href="/">{tr(Msg::BrowseProducts)}</a></p>
                        </div>
                    }.into_any(),
                    (_, Ok(list)) => view! {
                        <div class="stack" data-testid="my-subscriptions">
                            {list.into_iter().map(|s| view! { <MySubscription s reload usage/> }).collect_view()}
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MySubscription(
    s: SubscriptionRow,
    reload: RwSignal<u32>,
    usage: Resource<Result<Vec<crate::usage::SubscriptionUsage>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let keys = RwSignal::new(None::<SubscriptionKeys>);
    let shown = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let regenerating = RwSignal::new(None::<super::KeySlot>);
    let cancelling = RwSignal::new(false);
    let notice = RwSignal::new(None::<Msg>);
    let over = matches!(s.state, SubscriptionState::Cancelled | SubscriptionState::Rejected);
    let uid = s.uid.clone();
    let load_keys = {
        let uid = uid.clone();
        move || {
            let uid = uid.clone();
            spawn_local(async move {
                match reveal_keys(uid).await {
                    Ok(k) => {
                        keys.set(Some(k));
                        shown.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let do_regenerate = {
        let uid = uid.clone();
        Callback::new(move |_reason: Option<String>| {
            let Some(slot) = regenerating.get_untracked() else { return };
            let uid = uid.clone();
            busy.set(true);
            spawn_local(async move {
                // The notice waits for the new keys: "the old one no longer
                // works" must never sit next to the old key.
                let result = match regenerate_key(uid.clone(), slot.as_str().to_string()).await {
                    Ok(()) => reveal_keys(uid).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(k) => {
                        keys.set(Some(k));
                        shown.set(true);
                        notice.set(Some(slot.regenerated()));
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
                regenerating.set(None);
            });
        })
    };
    let do_cancel = {
        let uid = uid.clone();
        Callback::new(move |_reason: Option<String>| {
            let uid = uid.clone();
            busy.set(true);
            spawn_local(async move {
                match cancel_subscription(uid).await {
                    Ok(_) => reload.update(|n| *n += 1),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
                cancelling.set(false);
            });
        })
    };
    let key_row = move |slot: super::KeySlot| {
        let copied = RwSignal::new(false);
        let value = move || keys.with(|k| k.as_ref().map(|k| slot.pick(k).to_string()));
        let load_keys = load_keys.clone();
        view! {
            <div class="key-row" data-testid=format!("{}-key", slot.as_str())>
                <span class="key-label">{tr(slot.label())}</span>
                <code class="key-value">{move || if shown.get() { value().unwrap_or_default() } else { "••••••••••••••••••••••••••••••••".to_string() }}</code>
                <button type="button" class="button small secondary" on:click=move |_| {
                    if shown.get_untracked() { shown.set(false) } else { load_keys() }
                }>{move || i18n.t(if shown.get() { Msg::HideKey } else { Msg::ShowKey })}</button>
                <button type="button" class="button small secondary" disabled=move || !shown.get() on:click=move |_| {
                    if let Some(v) = value() { copy_to_clipboard(v, copied) }
                }>{move || i18n.t(if copied.get() { Msg::Copied } else { Msg::CopyKey })}</button>
                {(!over).then(|| view! {
                    <button type="button" class="button small secondary" data-testid=format!("regenerate-{}", slot.as_str())
                        on:click=move |_| regenerating.set(Some(slot))>{tr(Msg::Regenerate)}</button>
                })}
            </div>
        }
    };
    let state = s.state;
    view! {
        <article class="card subscription" data-testid="subscription">
            <div class="page-head">
                <h2>{s.name.clone()}" "{sub_state_badge(state)}</h2>
                {state.is_open().then(|| view! {
                    <button type="button" class="button secondary" data-testid="cancel-subscription" on:click=move |_| cancelling.set(true)>{tr(Msg::SubCancel)}</button>
                })}
            </div>
            <p class="muted">
                {scope_link(&s.scope, false)}
                " · "{tr(Msg::Since)}" "{format_date(s.created_at)}
            </p>
            {(state == SubscriptionState::Submitted).then(|| view! { <p class="notice">{tr(Msg::WaitingForApproval)}</p> })}
            {(state == SubscriptionState::Suspended).then(|| view! { <p class="notice">{tr(Msg::SuspendedKeysRefused)}</p> })}
            {s.state_comment.clone().map(|c| view! { <p class="comment"><strong>{tr(Msg::AdminComment)}": "</strong>{c}</p> })}
            {move || notice.get().map(|m| view! { <p class="success" role="status">{tr(m)}</p> })}
            <ErrorBanner error=Signal::derive(move || error.get())/>
            {(!over).then(|| view! {
                <div class="keys">
                    {key_row(super::KeySlot::Primary)}
                    {key_row(super::KeySlot::Secondary)}
                </div>
            })}
            <Transition fallback=|| ()>
                {
                    let uid = uid.clone();
                    move || {
                        let uid = uid.clone();
                        Suspend::new(async move {
                            usage.await.ok().and_then(|all| all.into_iter().find(|u| u.uid == uid))
                                .map(|u| view! { <crate::usage::pages::MyUsage u/> })
                        })
                    }
                }
            </Transition>
            {move || regenerating.get().map(|slot| view! {
                <ConfirmPanel
                    title=Signal::derive(move || i18n.t(slot.confirm_title()).to_string())
                    confirm_label=Signal::derive(move || i18n.t(Msg::Regenerate).to_string())
                    danger=true
                    no_reason=true
                    pending=busy
                    on_confirm=do_regenerate
                    on_cancel=Callback::new(move |_| regenerating.set(None))
                >
                    <p>{tr(Msg::RegenerateWarning)}</p>
                </ConfirmPanel>
            })}
            {move || cancelling.get().then(|| view! {
                <ConfirmPanel
                    title=Signal::derive(move || i18n.t(Msg::ConfirmCancelSubscription).to_string())
                    confirm_label=Signal::derive(move || i18n.t(Msg::SubCancel).to_string())
                    danger=true
                    no_reason=true
                    pending=busy
                    on_confirm=do_cancel
                    on_cancel=Callback::new(move |_| cancelling.set(false))
                >
                    <p>{tr(Msg::CancelSubscriptionWarning)}</p>
                </ConfirmPanel>
            })}
        </article>
    }
}

// ---- administrators ----

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| {
        let r = query.read();
        SubscriptionQuery {
            state: r.get("state").and_then(|s| SubscriptionState::parse(&s)),
            product: r.get("product").filter(|p| !p.is_empty()),
            user: r.get("user").unwrap_or_default(),
            page: r.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let reload = RwSignal::new(0u32);
    let page = Resource::new(move || (q.get(), reload.get()), |(q, _)| list_subscriptions(q));
    let products = Resource::new(|| (), |_| crate::products::api::list_products(String::new(), 1));
    let notice = RwSignal::new(None::<String>);
    let href = move |state: Option<SubscriptionState>, page: u32| {
        let q = q.get_untracked();
        let mut parts = vec![];
        if let Some(s) = state {
            parts.push(format!("state={}", s.as_str()));
        }
        if let Some(p) = &q.product {
            parts.push(format!("product={p}"));
        }
        if !q.user.is_empty() {
            parts.push(format!("user={}", q.user));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/admin/subscriptions?{}", parts.join("&"))
    };
    view! {
        <div class="page-head"><h1>{tr(Msg::NavSubscriptions)}</h1></div>
        <p class="lead">{tr(Msg::SubscriptionsEmpty)}</p>
        <Form method="GET" action="/admin/subscriptions" attr:class="toolbar" attr:role="search">
            {move || q.get().state.map(|s| view! { <input type="hidden" name="state" value=s.as_str()/> })}
            <label for="sub-product">{tr(Msg::Product)}</label>
            <select id="sub-product" name="product">
                <option value="">{tr(Msg::AllProducts)}</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        products.await.map(|p| p.rows.into_iter().map(|p| {
                            let selected = q.get_untracked().product.as_deref() == Some(p.uid.as_str());
                            view! { <option value=p.uid.clone() selected=selected>{p.name.clone()}</option> }
                        }).collect_view()).ok()
                    })}
                </Transition>
            </select>
            <label for="sub-user">{tr(Msg::Developer)}</label>
            <input id="sub-user" type="search" name="user" placeholder=move || i18n.t(Msg::SearchDeveloperPlaceholder) prop:value=move || q.get().user/>
            <button type="submit" class="button secondary">{tr(Msg::Filter)}</button>
        </Form>
        {move || notice.get().map(|n| view! { <p class="success" role="status" data-testid="sub-notice">{n}</p> })}
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) => {
                        let current = q.get_untracked().state;
                        let all: i64 = p.by_state.iter().map(|(_, n)| n).sum();
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        view! {
                            <nav class="tabs" aria-label=tr(Msg::FilterByState)>
                                <a class="tab" href=href(None, 1) aria-current=(current.is_none()).then_some("page")>
                                    {tr(Msg::All)}" ("{move || format_count(all, i18n.lang.get())}")"
                                </a>
                                {p.by_state.iter().map(|(st, n)| {
                                    let (st, n) = (*st, *n);
                                    view! {
                                        <a class="tab" href=href(Some(st), 1) data-testid=format!("tab-{}", st.as_str())
                                            aria-current=(current == Some(st)).then_some("page")>
                                            {tr(st.label())}" ("{move || format_count(n, i18n.lang.get())}")"
                                        </a>
                                    }
                                }).collect_view()}
                            </nav>
                            {if p.rows.is_empty() {
                                view! { <div class="empty-state"><p class="empty-title">{tr(Msg::NoSubscriptionsMatch)}</p></div> }.into_any()
                            } else {
                                view! {
                                    <table class="data" data-testid="subscriptions-table">
                                        <thead><tr>
                                            <th>{tr(Msg::Name)}</th><th>{tr(Msg::Product)}</th><th>{tr(Msg::Developer)}</th>
                                            <th>{tr(Msg::State)}</th><th>{tr(Msg::Created)}</th><th>{tr(Msg::Actions)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {p.rows.into_iter().map(|s| view! { <AdminRow s reload notice/> }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span>{move || Msg::TotalSubscriptions.fmt(i18n.lang.get(), &[&p.total])}</span>
                                {(page_no > 1).then(|| view! { <a href=href(current, page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=href(current, page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// One row with the actions its state allows. Reject, suspend and cancel
/// ask first (reject and suspend take a comment the developer sees).
#[component]
fn AdminRow(s: SubscriptionRow, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(None::<SubscriptionAction>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let uid = s.uid.clone();
    let version = s.version;
    let label = format!("{} ({})", s.name, s.user_email);
    let run = {
        let uid = uid.clone();
        let label = label.clone();
        Callback::new(move |(action, comment): (SubscriptionAction, Option<String>)| {
            let uid = uid.clone();
            let label = label.clone();
            busy.set(true);
            spawn_local(async move {
                match act_on_subscription(uid, action.as_str().to_string(), comment, Some(version)).await {
                    Ok(after) => {
                        let lang = i18n.lang.get_untracked();
                        notice.set(Some(Msg::SubscriptionNowIn.fmt(lang, &[&label, &after.state.label().text(lang)])));
                        pending.set(None);
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let actions: Vec<SubscriptionAction> =
        SubscriptionAction::ALL.into_iter().filter(|a| a.apply(s.state).is_some()).collect();
    let usage_open = RwSignal::new(false);
    let usage_uid = s.uid.clone();
    view! {
        <tr data-testid="subscription-row">
            <td>{s.name.clone()}</td>
            <td>{scope_link(&s.scope, true)}</td>
            <td><a href=format!("/admin/users/{}", s.user_uid)>{s.user_email.clone()}</a><div class="muted small">{s.user_name.clone()}</div></td>
            <td>{sub_state_badge(s.state)}
                {s.state_comment.clone().map(|c| view! { <div class="muted small">{c}</div> })}</td>
            <td>{format_date(s.created_at)}</td>
            <td class="row-actions">
                // A subscription has no page of its own: its history is the Activity screen narrowed to it.
                <a class="button small secondary" data-testid="sub-history"
                    href=crate::activity::history_href("subscription", &s.uid)>
                    {tr(Msg::SubscriptionHistory)}
                </a>
                <button type="button" class="button small secondary" data-testid="sub-usage"
                    aria-expanded=move || usage_open.get().to_string()
                    on:click=move |_| usage_open.update(|o| *o = !*o)>{tr(Msg::Usage)}</button>
                {actions.into_iter().map(|a| {
                    let quick = matches!(a, SubscriptionAction::Approve | SubscriptionAction::Reactivate);
                    view! {
                        <button type="button" data-testid=format!("sub-{}", a.as_str())
                            class=if quick { "button small" } else { "button small secondary" }
                            disabled=move || busy.get()
                            on:click=move |_| if quick { run.run((a, None)) } else { pending.set(Some(a)) }>
                            {tr(a.label())}
                        </button>
                    }
                }).collect_view()}
                <ErrorBanner error=Signal::derive(move || error.get())/>
                {move || pending.get().map(|a| {
                    let title = match a {
                        SubscriptionAction::Reject => Msg::ConfirmRejectSubscription,
                        SubscriptionAction::Suspend => Msg::ConfirmSuspendSubscription,
                        _ => Msg::ConfirmCancelSubscription,
                    };
                    view! {
                        <ConfirmPanel
                            title=Signal::derive(move || i18n.t(title).to_string())
                            confirm_label=Signal::derive(move || i18n.t(a.label()).to_string())
                            danger=true
                            reason_label=Msg::CommentForDeveloper
                            pending=busy
                            on_confirm=Callback::new(move |comment| run.run((a, comment)))
                            on_cancel=Callback::new(move |_| pending.set(None))
                        >
                            <p>{tr(match a {
                                SubscriptionAction::Reject => Msg::RejectWarning,
                                SubscriptionAction::Suspend => Msg::SuspendWarning,
                                _ => Msg::AdminCancelWarning,
                            })}</p>
                        </ConfirmPanel>
                    }
                })}
            </td>
        </tr>
        {move || usage_open.get().then(|| view! {
            <tr class="usage-row"><td colspan="6"><crate::usage::pages::AdminUsage kind="subscription" uid=usage_uid.clone()/></td></tr>
        })}
    }
}

/// The user detail's list of an account's subscriptions.
#[component]
pub fn UserSubscriptions(subs: Vec<SubscriptionRow>) -> impl IntoView {
    if subs.is_empty() {
        return view! { <p class="muted">{tr(Msg::NoSubscriptions)}</p> }.into_any();
    }
    view! {
        <table class="data compact" data-testid="user-subscriptions">
            <thead><tr><th>{tr(Msg::Name)}</th><th>{tr(Msg::Product)}</th><th>{tr(Msg::State)}</th><th>{tr(Msg::Created)}</th></tr></thead>
            <tbody>
                {subs.into_iter().map(|s| view! {
                    <tr>
                        <td>{s.name.clone()}</td>
                        <td>{scope_link(&s.scope, true)}</td>
                        <td>{sub_state_badge(s.state)}</td>
                        <td>{format_date(s.created_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// What a subscription opens, linked: its product or API (the portal's page,
/// or the administrators' when `admin`), or "All APIs".
pub fn scope_link(scope: &SubscriptionScope, admin: bool) -> AnyView {
    let (label, href) = match scope {
        SubscriptionScope::Product { uid, .. } => {
            (Msg::Product, if admin { scope.admin_href() } else { format!("/products/{uid}") })
        }
        SubscriptionScope::Api { uid, .. } => {
            (Msg::Api, if admin { scope.admin_href() } else { format!("/apis/{uid}") })
        }
        SubscriptionScope::AllApis => return view! { <span class="scope">{tr(Msg::AllApis)}</span> }.into_any(),
    };
    let name = scope.name().to_string();
    view! { <span class="scope">{tr(label)}": "<a href=href>{name}</a></span> }.into_any()
}
