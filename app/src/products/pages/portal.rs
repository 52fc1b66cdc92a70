//! The developer portal's catalogue and product pages.
use crate::components::format_count;
use crate::components::{field_error, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::products::api::*;
use crate::products::PortalProduct;
use crate::subscriptions::api::Subscribe;
use crate::MeResource;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

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
            {p.rate_limit.map(|(calls, secs)| view! {
                <dt>{tr(Msg::RateLimit)}</dt>
                <dd data-testid="product-rate-limit">{move || Msg::CallsPerSeconds.fmt(i18n.lang.get(), &[&format_count(calls, i18n.lang.get()), &secs])}</dd>
            })}
            {p.quota.map(|(calls, period)| view! {
                <dt>{tr(Msg::Quota)}</dt>
                <dd data-testid="product-quota">{move || Msg::CallsPerMinutes.fmt(i18n.lang.get(), &[&format_count(calls, i18n.lang.get()), &(period / 60)])}</dd>
            })}
        </dl>
        <crate::apis::pages::ProductApisList product=p.uid.clone()/>
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
