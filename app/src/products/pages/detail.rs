//! One product: its settings and which groups may see it.
use super::{product_state_badge, ProductEditor};
use crate::components::{format_count, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::groups::pages::kind_badge;
use crate::i18n::{tr, use_i18n, Msg};
use crate::products::api::*;
use crate::products::{ProductForm, ProductRow, ProductState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Settings,
    Visibility,
    Apis,
    Usage,
    Activity,
}

#[component]
pub fn ProductDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let tab = Memo::new(move |_| match query.read().get("tab").as_deref() {
        Some("visibility") => Tab::Visibility,
        Some("apis") => Tab::Apis,
        Some("usage") => Tab::Usage,
        Some("activity") => Tab::Activity,
        _ => Tab::Settings,
    });
    let created = Memo::new(move |_| query.read().get("created").is_some());
    let reload = RwSignal::new(0u32);
    // Lives above the reloading part, so "Saved" survives the reload it causes.
    let saved = RwSignal::new(false);
    let product = Resource::new(move || (uid.get(), reload.get()), |(uid, _)| get_product(uid));
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::NavProducts)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/products">{tr(Msg::BackToProducts)}</a></p>
                    }.into_any(),
                    Ok(p) => {
                        let base = format!("/admin/products/{}", p.uid);
                        let settings_href = base.clone();
                        let visibility_href = format!("{base}?tab=visibility");
                        let activity_href = format!("{base}?tab=activity");
                        let apis_href = format!("{base}?tab=apis");
                        let usage_href = format!("{base}?tab=usage");
                        view! {
                            <p class="crumbs"><a href="/admin/products">{tr(Msg::NavProducts)}</a>" / "{p.name.clone()}</p>
                            <div class="page-head">
                                <h1>{p.name.clone()}" "{product_state_badge(p.state)}</h1>
                                <a class="button secondary" href=format!("/admin/subscriptions?product={}", p.uid)>
                                    {move || Msg::ProductSubscriptionsLink.fmt(i18n.lang.get(), &[&p.subscriptions])}
                                </a>
                            </div>
                            {move || (created.get() && !saved.get()).then(|| view! { <p class="success" role="status">{tr(Msg::ProductCreated)}</p> })}
                            {move || saved.get().then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                            <nav class="tabs" aria-label=tr(Msg::ProductSections)>
                                <a class="tab" href=settings_href aria-current=move || (tab.get() == Tab::Settings).then_some("page")>{tr(Msg::Settings)}</a>
                                <a class="tab" href=visibility_href data-testid="visibility-tab"
                                    aria-current=move || (tab.get() == Tab::Visibility).then_some("page")>{tr(Msg::Visibility)}</a>
                                <a class="tab" href=apis_href data-testid="apis-tab"
                                    aria-current=move || (tab.get() == Tab::Apis).then_some("page")>{tr(Msg::Apis)}</a>
                                <a class="tab" href=usage_href data-testid="usage-tab"
                                    aria-current=move || (tab.get() == Tab::Usage).then_some("page")>{tr(Msg::Usage)}</a>
                                <a class="tab" href=activity_href data-testid="activity-tab"
                                    aria-current=move || (tab.get() == Tab::Activity).then_some("page")>{tr(Msg::NavActivity)}</a>
                            </nav>
                            {move || match tab.get() {
                                Tab::Settings => view! { <ProductSettings p=p.clone() reload saved/> }.into_any(),
                                Tab::Visibility => view! { <VisibilityTab uid=p.uid.clone() saved/> }.into_any(),
                                Tab::Apis => view! { <crate::apis::pages::ProductApisTab uid=p.uid.clone() saved/> }.into_any(),
                                Tab::Usage => view! { <crate::usage::pages::AdminUsage kind="product" uid=p.uid.clone()/> }.into_any(),
                                Tab::Activity => view! {
                                    <crate::activity::pages::ActivityList target=Some(("product", p.uid.clone())) reload=reload/>
                                }.into_any(),
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductSettings(p: ProductRow, reload: RwSignal<u32>, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateProduct>::new();
    let error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved.set(true);
            reload.update(|n| *n += 1);
        }
    });
    let deleting = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    let uid = p.uid.clone();
    let preview = {
        let uid = uid.clone();
        Resource::new(
            move || deleting.get().then(|| uid.clone()),
            |u| async move {
                match u {
                    Some(u) => preview_product_delete(u).await.map(Some),
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
                // The confirmation listed the subscriptions: they go too.
                match delete_product(uid, true, reason).await {
                    Ok(()) => navigate("/admin/products", Default::default()),
                    Err(e) => {
                        busy.set(false);
                        deleting.set(false);
                        delete_error.set(Some(e));
                    }
                }
            });
        })
    };
    let initial = ProductForm {
        name: p.name.clone(),
        description: p.description.clone(),
        terms: p.terms.clone(),
        published: p.state == ProductState::Published,
        subscription_required: p.subscription_required,
        approval_required: p.approval_required,
        subscriptions_limit: p.subscriptions_limit.map(|n| n.to_string()).unwrap_or_default(),
        rate_limit_calls: p.rate_limit.map(|r| r.0.to_string()).unwrap_or_default(),
        rate_limit_seconds: p.rate_limit.map(|r| r.1.to_string()).unwrap_or_default(),
        quota_calls: p.quota.map(|q| q.0.to_string()).unwrap_or_default(),
        quota_minutes: p.quota.map(|q| (q.1 / 60).to_string()).unwrap_or_default(),
    };
    let version = p.version;
    let on_submit = {
        let uid = uid.clone();
        Callback::new(move |form| {
            saved.set(false);
            update.dispatch(UpdateProduct { uid: uid.clone(), version, form });
        })
    };
    view! {
        <div class="detail-grid">
            <section class="card">
                <h2>{tr(Msg::Details)}</h2>
                <ProductEditor initial error pending=update.pending() submit_label=Msg::Save on_submit/>
            </section>
            <section class="card">
                <h2>{tr(Msg::DeleteProduct)}</h2>
                <p>{tr(Msg::DeleteProductHelp)}</p>
                <ErrorBanner error=Signal::derive(move || delete_error.get())/>
                <button type="button" class="button danger" data-testid="delete-product" on:click=move |_| deleting.set(true)>{tr(Msg::Delete)}</button>
                {move || deleting.get().then(|| view! {
                    <ConfirmPanel
                        title=Signal::derive(move || i18n.t(Msg::ConfirmDeleteProductTitle).to_string())
                        confirm_label=Signal::derive(move || i18n.t(Msg::Delete).to_string())
                        danger=true
                        pending=busy
                        on_confirm=do_delete
                        on_cancel=Callback::new(move |_| deleting.set(false))
                    >
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                preview.await.ok().flatten().map(|p| view! {
                                    <p data-testid="product-delete-preview">{move || if p.subscriptions == 0 {
                                        i18n.t(Msg::ProductGoesAlone).to_string()
                                    } else {
                                        Msg::ProductGoesWith.fmt(i18n.lang.get(), &[&p.subscriptions, &p.active])
                                    }}</p>
                                })
                            })}
                        </Transition>
                    </ConfirmPanel>
                })}
            </section>
        </div>
    }
}

/// A checkbox per group and Save, as in APIM's "Visibility" blade.
#[component]
fn VisibilityTab(uid: String, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(0u32);
    let vis = {
        let uid = uid.clone();
        Resource::new(move || (uid.clone(), local.get()), |(uid, _)| product_visibility(uid))
    };
    let save = ServerAction::<SetProductVisibility>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            saved.set(true);
            local.update(|n| *n += 1);
        }
    });
    view! {
        <section class="card">
            <h2>{tr(Msg::Visibility)}</h2>
            <p class="lead">{tr(Msg::VisibilityIntro)}</p>
            <ErrorBanner error/>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || {
                    let uid = uid.clone();
                    Suspend::new(async move {
                        match vis.await {
                            Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                            Ok((v, version)) => {
                                let ticked = RwSignal::new(
                                    v.groups.iter().filter(|(_, on)| *on).map(|(g, _)| g.uid.clone()).collect::<std::collections::BTreeSet<_>>(),
                                );
                                let developers = v.developers;
                                let guests = v.guests;
                                let submit = move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    saved.set(false);
                                    save.dispatch(SetProductVisibility {
                                        uid: uid.clone(),
                                        version,
                                        groups: ticked.get_untracked().into_iter().collect(),
                                    });
                                };
                                view! {
                                    <p data-testid="visibility-count">{move || if guests {
                                        Msg::VisibleToDevelopersAndGuests.fmt(i18n.lang.get(), &[&format_count(developers, i18n.lang.get())])
                                    } else {
                                        Msg::VisibleToDevelopers.fmt(i18n.lang.get(), &[&format_count(developers, i18n.lang.get())])
                                    }}</p>
                                    <form on:submit=submit data-testid="visibility-form">
                                        <fieldset class="checklist">
                                            <legend>{tr(Msg::GroupsThatSee)}</legend>
                                            {v.groups.into_iter().map(|(g, _)| {
                                                let gid = g.uid.clone();
                                                let gid2 = g.uid.clone();
                                                let name = g.name.clone();
                                                view! {
                                                    <label class="checkbox">
                                                        <input type="checkbox" value=g.uid.clone()
                                                            prop:checked=move || ticked.with(|t| t.contains(&gid))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                ticked.update(|t| { if on { t.insert(gid2.clone()); } else { t.remove(&gid2); } });
                                                            }/>
                                                        {move || crate::groups::display_name(&name, i18n.lang.get())}" "{kind_badge(g.kind)}
                                                        {(g.uid == "guests").then(|| view! { <span class="muted small">" — "{tr(Msg::GuestsMeans)}</span> })}
                                                        {(g.uid == "developers").then(|| view! { <span class="muted small">" — "{tr(Msg::DevelopersMeans)}</span> })}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                        <button type="submit" class="button" disabled=move || save.pending().get()>{tr(Msg::Save)}</button>
                                    </form>
                                }.into_any()
                            }
                        }
                    })
                }}
            </Transition>
        </section>
    }
}
