//! The portal's API pages: a product's APIs, and an API's reference
//! (operations, parameters, responses) read from its OpenAPI document.
use super::shown_path;
use crate::apis::api::*;
use crate::apis::Reference;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The APIs of a product, on its portal page.
#[component]
pub fn ProductApisList(product: String) -> impl IntoView {
    let i18n = use_i18n();
    let apis = Resource::new(move || product.clone(), portal_product_apis);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match apis.await {
                    Ok(list) if !list.is_empty() => Some(view! {
                        <section class="card" data-testid="portal-product-apis">
                            <h2>{tr(Msg::Apis)}</h2>
                            <ul class="api-list">
                                {list.into_iter().map(|a| view! {
                                    <li>
                                        <a href=format!("/apis/{}", a.uid)>{a.name.clone()}</a>" "<code>{shown_path(&a.path)}</code>
                                        {(!a.subscription_required).then(|| view! { " "<span class="badge">{tr(Msg::OpenApi)}</span> })}
                                        {(!a.description.is_empty()).then(|| view! { <p class="muted">{a.description.clone()}</p> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any()),
                    Ok(_) => None,
                    Err(e) => Some(view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any()),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let page = Resource::new(move || uid.get(), api_reference_page);
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::Api)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/">{tr(Msg::BrowseProducts)}</a></p>
                    }.into_any(),
                    Ok(p) => {
                        let a = p.api;
                        view! {
                            <leptos_meta::Title text=a.name.clone()/>
                            {p.products.first().map(|(uid, name)| view! {
                                <p class="crumbs"><a href=format!("/products/{uid}")>{name.clone()}</a>" / "{a.name.clone()}</p>
                            })}
                            <h1>{a.name.clone()}</h1>
                            {(!a.description.is_empty()).then(|| view! { <p class="lead">{a.description.clone()}</p> })}
                            <dl class="facts">
                                <dt>{tr(Msg::ApiPath)}</dt><dd><code data-testid="api-base-path">{shown_path(&a.path)}</code></dd>
                                <dt>{tr(Msg::Access)}</dt><dd>{tr(if a.subscription_required { Msg::KeyRequiredLong } else { Msg::OpenApi })}</dd>
                                {(!p.products.is_empty()).then(|| view! {
                                    <dt>{tr(Msg::InProductsShort)}</dt>
                                    <dd>{p.products.iter().enumerate().map(|(i, (uid, name))| view! {
                                        {(i > 0).then_some(", ")}<a href=format!("/products/{uid}")>{name.clone()}</a>
                                    }).collect_view()}</dd>
                                })}
                            </dl>
                            {match p.reference {
                                Some(r) => view! { <ReferenceView r/> }.into_any(),
                                None => view! { <p class="empty-state" data-testid="no-reference">{tr(Msg::NoReference)}</p> }.into_any(),
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The operations of a reference: a contents list, then each operation with
/// its parameters and responses.
#[component]
pub fn ReferenceView(r: Reference) -> impl IntoView {
    let ops = r.operations.clone();
    view! {
        <section class="reference" data-testid="api-reference">
            <p class="muted">{format!("{} · {} {}", r.format, r.title, r.version)}</p>
            {(!r.description.is_empty()).then(|| view! { <p>{r.description.clone()}</p> })}
            {if ops.is_empty() {
                view! { <p class="muted">{tr(Msg::NoOperations)}</p> }.into_any()
            } else {
                view! {
                    <nav aria-label=tr(Msg::Operations)>
                        <h2>{tr(Msg::Operations)}</h2>
                        <ul class="op-index">
                            {ops.iter().map(|o| view! {
                                <li><a href=format!("#op-{}", o.id)><span class=format!("method m-{}", o.method.to_lowercase())>{o.method.clone()}</span>" "<code>{o.path.clone()}</code></a>
                                    {(!o.summary.is_empty()).then(|| view! { " — "{o.summary.clone()} })}</li>
                            }).collect_view()}
                        </ul>
                    </nav>
                    {ops.into_iter().map(|o| view! {
                        <article class="operation card" id=format!("op-{}", o.id) data-testid="operation">
                            <h3><span class=format!("method m-{}", o.method.to_lowercase())>{o.method.clone()}</span>" "<code>{o.path.clone()}</code>
                                {o.deprecated.then(|| view! { " "<span class="badge state-blocked">{tr(Msg::Deprecated)}</span> })}</h3>
                            {(!o.summary.is_empty()).then(|| view! { <p><strong>{o.summary.clone()}</strong></p> })}
                            {(!o.description.is_empty()).then(|| view! { <p>{o.description.clone()}</p> })}
                            {(!o.parameters.is_empty()).then(|| view! {
                                <h4>{tr(Msg::Parameters)}</h4>
                                <table class="data compact">
                                    <thead><tr><th>{tr(Msg::Name)}</th><th>{tr(Msg::ParamIn)}</th><th>{tr(Msg::ParamType)}</th><th>{tr(Msg::Required)}</th><th>{tr(Msg::Description)}</th></tr></thead>
                                    <tbody>
                                        {o.parameters.into_iter().map(|p| view! {
                                            <tr><td><code>{p.name}</code></td><td>{p.location}</td><td>{p.kind}</td>
                                                <td>{tr(if p.required { Msg::Yes } else { Msg::No })}</td><td>{p.description}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })}
                            {o.body.map(|b| view! { <h4>{tr(Msg::RequestBody)}</h4><p><code>{b}</code></p> })}
                            <h4>{tr(Msg::Responses)}</h4>
                            <table class="data compact">
                                <thead><tr><th>{tr(Msg::StatusCode)}</th><th>{tr(Msg::Description)}</th></tr></thead>
                                <tbody>
                                    {o.responses.into_iter().map(|r| view! { <tr><td><code>{r.code}</code></td><td>{r.description}</td></tr> }).collect_view()}
                                </tbody>
                            </table>
                        </article>
                    }).collect_view()}
                }.into_any()
            }}
        </section>
    }
}
