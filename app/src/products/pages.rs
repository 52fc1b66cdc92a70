//! Products screens (administration) and the portal's product pages.
use super::api::*;
use super::{PortalProduct, ProductForm, ProductRow, ProductState};
use crate::components::{field_error, format_count, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::groups::pages::kind_badge;
use crate::i18n::{tr, use_i18n, Msg};
use crate::subscriptions::api::Subscribe;
use crate::MeResource;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

pub fn product_state_badge(state: ProductState) -> impl IntoView {
    let class = match state {
        ProductState::Published => "badge state-active",
        ProductState::NotPublished => "badge state-pending",
    };
    view! { <span class=class>{tr(state.label())}</span> }
}

fn group_names(p: &ProductRow, lang: crate::i18n::Lang) -> String {
    p.groups.iter().map(|g| crate::groups::display_name(&g.name, lang)).collect::<Vec<_>>().join(", ")
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let products = Resource::new(move || (q.get(), page.get()), |(q, page)| list_products(q, page));
    view! {
        <div class="page-head">
            <h1>{tr(Msg::NavProducts)}</h1>
            <a class="button" href="/admin/products/new" data-testid="new-product">{tr(Msg::NewProduct)}</a>
        </div>
        <p class="lead">{tr(Msg::ProductsIntro)}</p>
        <Form method="GET" action="/admin/products" attr:class="toolbar" attr:role="search">
            <label class="sr-only" for="pq">{tr(Msg::Search)}</label>
            <input id="pq" type="search" name="q" placeholder=move || i18n.t(Msg::SearchProductsPlaceholder) prop:value=move || q.get()/>
            <button type="submit" class="button secondary">{tr(Msg::Search)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() && q.get_untracked().is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::NoProductsYet)}</p>
                            <p>{tr(Msg::ProductsEmpty)}</p>
                            <a class="button" href="/admin/products/new">{tr(Msg::NewProduct)}</a>
                        </div>
                    }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <div class="empty-state"><p class="empty-title">{tr(Msg::NoProductsMatch)}</p></div> }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        let qv = q.get_untracked();
                        view! {
                            <table class="data" data-testid="products-table">
                                <thead><tr>
                                    <th>{tr(Msg::Name)}</th><th>{tr(Msg::State)}</th><th>{tr(Msg::VisibleTo)}</th>
                                    <th>{tr(Msg::Approval)}</th><th class="num">{tr(Msg::NavSubscriptions)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|row| {
                                        let groups = row.clone();
                                        view! {
                                            <tr>
                                                <td><a href=format!("/admin/products/{}", row.uid)>{row.name.clone()}</a></td>
                                                <td>{product_state_badge(row.state)}</td>
                                                <td>{move || {
                                                    let names = group_names(&groups, i18n.lang.get());
                                                    if names.is_empty() { i18n.t(Msg::AdministratorsOnly).to_string() } else { names }
                                                }}</td>
                                                <td>{tr(if !row.subscription_required { Msg::OpenProduct } else if row.approval_required { Msg::Yes } else { Msg::No })}</td>
                                                <td class="num">{move || format_count(row.subscriptions, i18n.lang.get())}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span>{move || Msg::TotalProducts.fmt(i18n.lang.get(), &[&p.total])}</span>
                                {(page_no > 1).then(|| view! { <a href=format!("/admin/products?q={}&page={}", qv, page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=format!("/admin/products?q={}&page={}", qv, page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The product's settings, for creating and editing.
#[component]
fn ProductEditor(
    initial: ProductForm,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    submit_label: Msg,
    on_submit: Callback<ProductForm>,
) -> impl IntoView {
    let name = RwSignal::new(initial.name);
    let description = RwSignal::new(initial.description);
    let terms = RwSignal::new(initial.terms);
    let published = RwSignal::new(initial.published);
    let required = RwSignal::new(initial.subscription_required);
    let approval = RwSignal::new(initial.approval_required);
    let limit = RwSignal::new(initial.subscriptions_limit);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_submit.run(ProductForm {
            name: name.get_untracked(),
            description: description.get_untracked(),
            terms: terms.get_untracked(),
            published: published.get_untracked(),
            subscription_required: required.get_untracked(),
            approval_required: approval.get_untracked(),
            subscriptions_limit: limit.get_untracked(),
        });
    };
    view! {
        <form class="stack" on:submit=submit data-testid="product-form">
            <ErrorBanner error/>
            <label for="product-name">{tr(Msg::Name)}</label>
            <input id="product-name" type="text" required maxlength="300" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            {field_error(error, "name")}
            <label for="product-description">{tr(Msg::Description)}</label>
            <textarea id="product-description" rows="3" maxlength="1000" prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            {field_error(error, "description")}
            <label for="product-terms">{tr(Msg::TermsOfUse)}</label>
            <textarea id="product-terms" rows="4" maxlength="10000" aria-describedby="terms-help" prop:value=move || terms.get()
                on:input=move |ev| terms.set(event_target_value(&ev))></textarea>
            <span class="help" id="terms-help">{tr(Msg::ProductTermsHelp)}</span>
            {field_error(error, "terms")}
            <label class="checkbox">
                <input type="checkbox" id="product-required" prop:checked=move || required.get()
                    on:change=move |ev| required.set(event_target_checked(&ev))/>
                {tr(Msg::SubscriptionRequired)}
            </label>
            <span class="help">{tr(Msg::SubscriptionRequiredHelp)}</span>
            <fieldset class="stack" disabled=move || !required.get()>
                <label class="checkbox">
                    <input type="checkbox" id="product-approval" prop:checked=move || approval.get()
                        on:change=move |ev| approval.set(event_target_checked(&ev))/>
                    {tr(Msg::ApprovalRequired)}
                </label>
                <label for="product-limit">{tr(Msg::SubscriptionsLimit)}</label>
                <input id="product-limit" type="text" inputmode="numeric" class="short" aria-describedby="limit-help"
                    prop:value=move || limit.get() on:input=move |ev| limit.set(event_target_value(&ev))/>
                <span class="help" id="limit-help">{tr(Msg::SubscriptionsLimitHelp)}</span>
                {field_error(error, "subscriptions_limit")}
            </fieldset>
            <label class="checkbox">
                <input type="checkbox" id="product-published" prop:checked=move || published.get()
                    on:change=move |ev| published.set(event_target_checked(&ev))/>
                {tr(Msg::PublishProduct)}
            </label>
            <span class="help">{tr(Msg::PublishProductHelp)}</span>
            <div class="actions">
                <button type="submit" class="button" disabled=move || pending.get()>{tr(submit_label)}</button>
            </div>
        </form>
    }
}

#[component]
pub fn NewProductPage() -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(uid)) = create.value().get() {
            navigate(&format!("/admin/products/{uid}?tab=visibility&created=1"), Default::default());
        }
    });
    let initial = ProductForm { subscription_required: true, ..Default::default() };
    view! {
        <p class="crumbs"><a href="/admin/products">{tr(Msg::NavProducts)}</a>" / "{tr(Msg::NewProduct)}</p>
        <h1>{tr(Msg::NewProduct)}</h1>
        <section class="card">
            <ProductEditor initial error pending=create.pending() submit_label=Msg::CreateProduct
                on_submit=Callback::new(move |form| { create.dispatch(CreateProduct { form }); })/>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Settings,
    Visibility,
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
                                <a class="tab" href=activity_href data-testid="activity-tab"
                                    aria-current=move || (tab.get() == Tab::Activity).then_some("page")>{tr(Msg::NavActivity)}</a>
                            </nav>
                            {move || match tab.get() {
                                Tab::Settings => view! { <ProductSettings p=p.clone() reload saved/> }.into_any(),
                                Tab::Visibility => view! { <VisibilityTab uid=p.uid.clone() saved/> }.into_any(),
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

// ---- the developer portal ----

/// A product card on the portal's home page.
#[component]
fn ProductCard(p: PortalProduct) -> impl IntoView {
    view! {
        <article class="card product-card" data-testid="product-card">
            <h2><a href=format!("/products/{}", p.uid)>{p.name.clone()}</a></h2>
            <p>{p.description.clone()}</p>
            <p class="muted small">
                {tr(if !p.subscription_required { Msg::OpenProduct } else if p.approval_required { Msg::NeedsApproval } else { Msg::InstantAccess })}
                {(!p.published).then(|| view! { " · " {tr(Msg::ProductNotPublished)} })}
            </p>
        </article>
    }
}

/// The portal's list of products the visitor may see.
#[component]
pub fn Catalogue() -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<MeResource>();
    let products = Resource::new(move || me.get().map(|m| m.ok().flatten().map(|m| m.email)), |_| catalogue());
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::PortalNoProducts)}</p>
                            {move || matches!(me.get(), Some(Ok(None))).then(|| view! { <p>{tr(Msg::PortalSignInHint)}</p> })}
                        </div>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="product-grid" data-testid="catalogue">
                            {list.into_iter().map(|p| view! { <ProductCard p/> }).collect_view()}
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A product's page: description, terms and Subscribe.
#[component]
pub fn PortalProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let subscribe = ServerAction::<Subscribe>::new();
    let me = expect_context::<MeResource>();
    // Not refetched after Subscribe: a refused attempt must keep what was typed,
    // and a successful one shows its own message.
    let product = Resource::new(
        move || (uid.get(), me.get().map(|m| m.ok().flatten().map(|m| m.email))),
        |(uid, _)| portal_product_page(uid),
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Err(AppError::NotFound) => view! { <crate::portal::NotFound/> }.into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) => view! { <ProductPage p subscribe/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductPage(p: PortalProduct, subscribe: ServerAction<Subscribe>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let accept = RwSignal::new(false);
    let error = Signal::derive(move || subscribe.value().get().and_then(|r| r.err()));
    let done = Signal::derive(move || subscribe.value().get().and_then(|r| r.ok()));
    let has_terms = !p.terms.trim().is_empty();
    let uid = p.uid.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        subscribe.dispatch(Subscribe {
            product: uid.clone(),
            name: name.get_untracked(),
            accept_terms: accept.get_untracked(),
        });
    };
    let blocked_by = p.blocked_by;
    let sign_in_href = format!("/sign-in?next=/products/{}", p.uid);
    view! {
        <p class="crumbs"><a href="/">{tr(Msg::NavHome)}</a>" / "{p.name.clone()}</p>
        <h1>{p.name.clone()}</h1>
        {(!p.description.is_empty()).then(|| view! { <p class="lead">{p.description.clone()}</p> })}
        <dl class="facts">
            <dt>{tr(Msg::Access)}</dt>
            <dd>{tr(if !p.subscription_required { Msg::OpenProduct } else if p.approval_required { Msg::NeedsApproval } else { Msg::InstantAccess })}</dd>
            {p.subscriptions_limit.map(|l| view! {
                <dt>{tr(Msg::SubscriptionsLimit)}</dt>
                <dd>{move || Msg::LimitOf.fmt(i18n.lang.get(), &[&l, &p.mine])}</dd>
            })}
        </dl>
        {has_terms.then(|| view! {
            <section class="card">
                <h2>{tr(Msg::TermsOfUse)}</h2>
                <div class="terms" data-testid="product-terms">{p.terms.clone()}</div>
            </section>
        })}
        <section class="card" data-testid="subscribe-card">
            <h2>{tr(Msg::Subscribe)}</h2>
            {move || match done.get() {
                Some(s) => view! {
                    <p class="success" role="status" data-testid="subscribed">
                        {tr(if s.state == crate::subscriptions::SubscriptionState::Active { Msg::SubscribedActive } else { Msg::SubscribedWaiting })}
                    </p>
                    <p><a class="button" href="/subscriptions">{tr(Msg::GoToSubscriptions)}</a></p>
                }.into_any(),
                None => match blocked_by {
                    Some(Msg::ProductSignInToSubscribe) => view! {
                        <p>{tr(Msg::ProductSignInToSubscribe)}" "<a href=sign_in_href.clone()>{tr(Msg::NavSignIn)}</a></p>
                    }.into_any(),
                    Some(m) => view! { <p class="notice">{tr(m)}</p> }.into_any(),
                    None => view! {
                        <form class="stack" on:submit=submit.clone() data-testid="subscribe-form">
                            <ErrorBanner error/>
                            <label for="sub-name">{tr(Msg::SubscriptionNameLabel)}</label>
                            <input id="sub-name" type="text" maxlength="100" aria-describedby="sub-name-help"
                                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                            <span class="help" id="sub-name-help">{tr(Msg::SubscriptionNameHelp)}</span>
                            {field_error(error, "name")}
                            {has_terms.then(|| view! {
                                <label class="checkbox">
                                    <input type="checkbox" id="accept-terms" prop:checked=move || accept.get()
                                        on:change=move |ev| accept.set(event_target_checked(&ev))/>
                                    {tr(Msg::AcceptProductTerms)}
                                </label>
                                {field_error(error, "accept_terms")}
                            })}
                            <button type="submit" class="button" disabled=move || subscribe.pending().get()>{tr(Msg::Subscribe)}</button>
                        </form>
                    }.into_any(),
                },
            }}
        </section>
    }
}
