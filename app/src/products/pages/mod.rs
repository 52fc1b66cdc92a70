//! Products screens (administration): the list and the editor here, one
//! product's page in `detail`; the portal's product pages in `portal`.
mod detail;
mod portal;

pub use detail::ProductDetailPage;
pub use portal::{Catalogue, PortalProductPage};

use crate::components::{field_error, format_count, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::products::api::*;
use crate::products::{ProductForm, ProductRow, ProductState};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

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
    let rate_calls = RwSignal::new(initial.rate_limit_calls);
    let rate_seconds = RwSignal::new(initial.rate_limit_seconds);
    let quota_calls = RwSignal::new(initial.quota_calls);
    let quota_minutes = RwSignal::new(initial.quota_minutes);
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
            rate_limit_calls: rate_calls.get_untracked(),
            rate_limit_seconds: rate_seconds.get_untracked(),
            quota_calls: quota_calls.get_untracked(),
            quota_minutes: quota_minutes.get_untracked(),
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
                <div class="limits" data-testid="product-limits">
                    <fieldset>
                        <legend>{tr(Msg::RateLimit)}</legend>
                        <span class="inline">
                            <input id="rate-calls" type="text" inputmode="numeric" class="short" aria-label=tr(Msg::LimitCalls)
                                prop:value=move || rate_calls.get() on:input=move |ev| rate_calls.set(event_target_value(&ev))/>
                            {tr(Msg::CallsPer)}
                            <input id="rate-seconds" type="text" inputmode="numeric" class="short" aria-label=tr(Msg::LimitSeconds)
                                prop:value=move || rate_seconds.get() on:input=move |ev| rate_seconds.set(event_target_value(&ev))/>
                            {tr(Msg::Seconds)}
                        </span>
                        {field_error(error, "rate_limit_calls")}
                        {field_error(error, "rate_limit_seconds")}
                    </fieldset>
                    <fieldset>
                        <legend>{tr(Msg::Quota)}</legend>
                        <span class="inline">
                            <input id="quota-calls" type="text" inputmode="numeric" class="short" aria-label=tr(Msg::LimitCalls)
                                prop:value=move || quota_calls.get() on:input=move |ev| quota_calls.set(event_target_value(&ev))/>
                            {tr(Msg::CallsPer)}
                            <input id="quota-minutes" type="text" inputmode="numeric" class="short" aria-label=tr(Msg::LimitMinutes)
                                prop:value=move || quota_minutes.get() on:input=move |ev| quota_minutes.set(event_target_value(&ev))/>
                            {tr(Msg::Minutes)}
                        </span>
                        {field_error(error, "quota_calls")}
                        {field_error(error, "quota_minutes")}
                    </fieldset>
                    <span class="help">{tr(Msg::LimitsHelp)}</span>
                </div>
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
