//! A product's APIs tab: which APIs its keys open; add and remove them.
use super::shown_path;
use crate::apis::api::*;
use crate::components::ErrorBanner;
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ProductApisTab(uid: String, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(0u32);
    let both = {
        let uid = uid.clone();
        Resource::new(move || (uid.clone(), local.get()), |(uid, _)| product_api_choices(uid))
    };
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    // The select's choice; empty until it changes (then its first option).
    let chosen = RwSignal::new(String::new());
    let change = {
        let uid = uid.clone();
        move |api: String, inside: bool| {
            let uid = uid.clone();
            busy.set(true);
            saved.set(false);
            error.set(None);
            spawn_local(async move {
                match set_product_api(uid, api, inside).await {
                    Ok(_) => {
                        chosen.set(String::new());
                        saved.set(true);
                        local.update(|n| *n += 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <section class="card" data-testid="product-apis">
            <h2>{tr(Msg::Apis)}</h2>
            <p class="lead">{tr(Msg::ProductApisIntro)}</p>
            <ErrorBanner error=Signal::derive(move || error.get())/>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || {
                    let change = change.clone();
                    Suspend::new(async move {
                        match both.await {
                            Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                            Ok((inside, addable)) => {
                                let no_apis_at_all = addable.is_empty() && inside.is_empty();
                                let first = addable.first().map(|a| a.uid.clone()).unwrap_or_default();
                                let remove = change.clone();
                                let add = change.clone();
                                view! {
                                    {if inside.is_empty() {
                                        view! { <p class="empty-title" data-testid="no-product-apis">{tr(Msg::ProductHasNoApis)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="data" data-testid="product-apis-table">
                                                <thead><tr><th>{tr(Msg::Name)}</th><th>{tr(Msg::ApiPath)}</th><th>{tr(Msg::Access)}</th><th><span class="sr-only">{tr(Msg::Actions)}</span></th></tr></thead>
                                                <tbody>
                                                    {inside.into_iter().map(|a| {
                                                        let remove = remove.clone();
                                                        let api = a.uid.clone();
                                                        let label = a.name.clone();
                                                        view! {
                                                            <tr>
                                                                <td><a href=format!("/admin/apis/{}", a.uid)>{a.name.clone()}</a></td>
                                                                <td><code>{shown_path(&a.path)}</code></td>
                                                                <td>{tr(if a.subscription_required { Msg::KeyRequired } else { Msg::OpenApi })}</td>
                                                                <td class="actions-cell">
                                                                    <button type="button" class="button small secondary" disabled=move || busy.get()
                                                                        aria-label=move || Msg::RemoveApiFromProduct.fmt(i18n.lang.get(), &[&label])
                                                                        on:click=move |_| remove(api.clone(), false)>{tr(Msg::Remove)}</button>
                                                                </td>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        }.into_any()
                                    }}
                                    {no_apis_at_all.then(|| view! {
                                        <p>{tr(Msg::NoApisToAdd)}" "<a href="/admin/apis/new">{tr(Msg::NewApi)}</a></p>
                                    })}
                                    {(!addable.is_empty()).then(|| view! {
                                        <form class="toolbar" data-testid="add-api-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                            ev.prevent_default();
                                            // Until the select changes, its first option is the one shown.
                                            let api = Some(chosen.get_untracked()).filter(|a| !a.is_empty()).unwrap_or_else(|| first.clone());
                                            if !api.is_empty() { add(api, true); }
                                        }>
                                            <label for="add-api">{tr(Msg::AddApi)}</label>
                                            <select id="add-api" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                                {addable.into_iter().map(|a| view! {
                                                    <option value=a.uid.clone()>{format!("{} ({})", a.name, shown_path(&a.path))}</option>
                                                }).collect_view()}
                                            </select>
                                            <button type="submit" class="button" disabled=move || busy.get()>{tr(Msg::Add)}</button>
                                        </form>
                                    })}
                                }.into_any()
                            }
                        }
                    })
                }}
            </Transition>
        </section>
    }
}
