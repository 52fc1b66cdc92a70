//! APIs screens (administration): the list and the editor here, one API's
//! page in `detail`, a product's APIs tab in `product_tab`, and the
//! portal's API reference in `portal`.
mod detail;
mod portal;
mod product_tab;

pub use detail::ApiDetailPage;
pub use portal::{ApiReferencePage, ProductApisList, ReferenceView};
pub use product_tab::ProductApisTab;

use crate::apis::api::*;
use crate::apis::{ApiForm, ApiRow, PROTOCOLS};
use crate::components::{field_error, format_count, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

/// "/orders/v1": how a path is shown (stored without surrounding '/').
pub fn shown_path(path: &str) -> String {
    format!("/{path}")
}

#[component]
pub fn ApisPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let apis = Resource::new(move || (q.get(), page.get()), |(q, page)| list_apis(q, page));
    view! {
        <div class="page-head">
            <h1>{tr(Msg::NavApis)}</h1>
            <a class="button" href="/admin/apis/new" data-testid="new-api">{tr(Msg::NewApi)}</a>
        </div>
        <p class="lead">{tr(Msg::ApisIntro)}</p>
        <Form method="GET" action="/admin/apis" attr:class="toolbar" attr:role="search">
            <label class="sr-only" for="aq">{tr(Msg::Search)}</label>
            <input id="aq" type="search" name="q" placeholder=move || i18n.t(Msg::SearchApisPlaceholder) prop:value=move || q.get()/>
            <button type="submit" class="button secondary">{tr(Msg::Search)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match apis.await {
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() && q.get_untracked().is_empty() => view! {
                        <div class="empty-state">
                            <p class="empty-title">{tr(Msg::NoApisYet)}</p>
                            <p>{tr(Msg::ApisEmpty)}</p>
                            <a class="button" href="/admin/apis/new">{tr(Msg::NewApi)}</a>
                        </div>
                    }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <div class="empty-state"><p class="empty-title">{tr(Msg::NoApisMatch)}</p></div> }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        let qv = q.get_untracked();
                        view! {
                            <table class="data" data-testid="apis-table">
                                <thead><tr>
                                    <th>{tr(Msg::Name)}</th><th>{tr(Msg::ApiPath)}</th><th>{tr(Msg::Access)}</th>
                                    <th>{tr(Msg::ApiReference)}</th><th class="num">{tr(Msg::NavProducts)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|row| view! {
                                        <tr>
                                            <td><a href=format!("/admin/apis/{}", row.uid)>{row.name.clone()}</a></td>
                                            <td><code>{shown_path(&row.path)}</code></td>
                                            <td>{tr(if row.subscription_required { Msg::KeyRequired } else { Msg::OpenApi })}</td>
                                            <td>{tr(if row.has_spec { Msg::Yes } else { Msg::No })}</td>
                                            <td class="num">{move || format_count(row.products, i18n.lang.get())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span>{move || Msg::TotalApis.fmt(i18n.lang.get(), &[&p.total])}</span>
                                {(page_no > 1).then(|| view! { <a href=format!("/admin/apis?q={}&page={}", qv, page_no - 1)>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=format!("/admin/apis?q={}&page={}", qv, page_no + 1)>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The API's settings, for creating and editing.
#[component]
fn ApiEditor(
    initial: ApiForm,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    submit_label: Msg,
    on_submit: Callback<ApiForm>,
) -> impl IntoView {
    let name = RwSignal::new(initial.name);
    let description = RwSignal::new(initial.description);
    let path = RwSignal::new(initial.path);
    let protocols = RwSignal::new(initial.protocols);
    let service_url = RwSignal::new(initial.service_url);
    let required = RwSignal::new(initial.subscription_required);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_submit.run(ApiForm {
            name: name.get_untracked(),
            description: description.get_untracked(),
            path: path.get_untracked(),
            protocols: protocols.get_untracked(),
            service_url: service_url.get_untracked(),
            subscription_required: required.get_untracked(),
        });
    };
    view! {
        <form class="stack" on:submit=submit data-testid="api-form">
            <ErrorBanner error/>
            <label for="api-name">{tr(Msg::Name)}</label>
            <input id="api-name" type="text" required maxlength="300" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            {field_error(error, "name")}
            <label for="api-description">{tr(Msg::Description)}</label>
            <textarea id="api-description" rows="3" maxlength="1000" prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            {field_error(error, "description")}
            <label for="api-path">{tr(Msg::ApiPath)}</label>
            <input id="api-path" type="text" maxlength="400" aria-describedby="api-path-help" placeholder="orders/v1"
                prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
            <span class="help" id="api-path-help">{tr(Msg::ApiPathHelp)}</span>
            {field_error(error, "path")}
            <fieldset class="checklist inline-list">
                <legend>{tr(Msg::ApiProtocols)}</legend>
                {PROTOCOLS.into_iter().map(|p| view! {
                    <label class="checkbox">
                        <input type="checkbox" value=p prop:checked=move || protocols.with(|v| v.iter().any(|x| x == p))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                protocols.update(|v| {
                                    v.retain(|x| x != p);
                                    if on { v.push(p.to_string()); }
                                });
                            }/>
                        {p}
                    </label>
                }).collect_view()}
            </fieldset>
            {field_error(error, "protocols")}
            <label for="api-service-url">{tr(Msg::ApiServiceUrl)}</label>
            <input id="api-service-url" type="text" inputmode="url" maxlength="2000" aria-describedby="api-url-help" placeholder="https://orders.internal.example"
                prop:value=move || service_url.get() on:input=move |ev| service_url.set(event_target_value(&ev))/>
            <span class="help" id="api-url-help">{tr(Msg::ApiServiceUrlHelp)}</span>
            {field_error(error, "service_url")}
            <label class="checkbox">
                <input type="checkbox" id="api-required" prop:checked=move || required.get()
                    on:change=move |ev| required.set(event_target_checked(&ev))/>
                {tr(Msg::ApiSubscriptionRequired)}
            </label>
            <span class="help">{tr(Msg::ApiSubscriptionRequiredHelp)}</span>
            <div class="actions">
                <button type="submit" class="button" disabled=move || pending.get()>{tr(submit_label)}</button>
            </div>
        </form>
    }
}

pub(crate) fn form_of(a: &ApiRow) -> ApiForm {
    ApiForm {
        name: a.name.clone(),
        description: a.description.clone(),
        path: a.path.clone(),
        protocols: a.protocols.clone(),
        service_url: a.service_url.clone().unwrap_or_default(),
        subscription_required: a.subscription_required,
    }
}

#[component]
pub fn NewApiPage() -> impl IntoView {
    let create = ServerAction::<CreateApi>::new();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(uid)) = create.value().get() {
            navigate(&format!("/admin/apis/{uid}?created=1"), Default::default());
        }
    });
    let initial = ApiForm { protocols: vec!["https".into()], subscription_required: true, ..Default::default() };
    view! {
        <p class="crumbs"><a href="/admin/apis">{tr(Msg::NavApis)}</a>" / "{tr(Msg::NewApi)}</p>
        <h1>{tr(Msg::NewApi)}</h1>
        <section class="card">
            <ApiEditor initial error pending=create.pending() submit_label=Msg::CreateApi
                on_submit=Callback::new(move |form| { create.dispatch(CreateApi { form }); })/>
        </section>
    }
}
