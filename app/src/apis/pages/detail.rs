//! One API: its settings, its OpenAPI document, the products holding it.
use super::{form_of, shown_path, ApiEditor, ReferenceView};
use crate::apis::api::*;
use crate::apis::ApiRow;
use crate::components::{field_error, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Settings,
    Reference,
    Activity,
}

#[component]
pub fn ApiDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let tab = Memo::new(move |_| match query.read().get("tab").as_deref() {
        Some("reference") => Tab::Reference,
        Some("activity") => Tab::Activity,
        _ => Tab::Settings,
    });
    let created = Memo::new(move |_| query.read().get("created").is_some());
    let reload = RwSignal::new(0u32);
    let saved = RwSignal::new(false);
    let detail = Resource::new(move || (uid.get(), reload.get()), |(uid, _)| get_api(uid));
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::NavApis)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/apis">{tr(Msg::BackToApis)}</a></p>
                    }.into_any(),
                    Ok(d) => {
                        let a = d.api;
                        let base = format!("/admin/apis/{}", a.uid);
                        let settings_href = base.clone();
                        let reference_href = format!("{base}?tab=reference");
                        let activity_href = format!("{base}?tab=activity");
                        let products = d.products;
                        view! {
                            <p class="crumbs"><a href="/admin/apis">{tr(Msg::NavApis)}</a>" / "{a.name.clone()}</p>
                            <div class="page-head">
                                <h1>{a.name.clone()}" "<code class="badge">{shown_path(&a.path)}</code></h1>
                                <a class="button secondary" href=format!("/apis/{}", a.uid)>{tr(Msg::ViewInPortal)}</a>
                            </div>
                            {move || (created.get() && !saved.get()).then(|| view! { <p class="success" role="status">{tr(Msg::ApiCreated)}</p> })}
                            {move || saved.get().then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                            <p data-testid="api-products">
                                {if products.is_empty() {
                                    view! { <span class="muted">{tr(Msg::ApiInNoProduct)}</span> }.into_any()
                                } else {
                                    view! {
                                        {tr(Msg::InProducts)}" "
                                        {products.into_iter().enumerate().map(|(i, (uid, name))| view! {
                                            {(i > 0).then_some(", ")}
                                            <a href=format!("/admin/products/{uid}?tab=apis")>{name}</a>
                                        }).collect_view()}
                                    }.into_any()
                                }}
                            </p>
                            <nav class="tabs" aria-label=tr(Msg::ApiSections)>
                                <a class="tab" href=settings_href aria-current=move || (tab.get() == Tab::Settings).then_some("page")>{tr(Msg::Settings)}</a>
                                <a class="tab" href=reference_href data-testid="reference-tab"
                                    aria-current=move || (tab.get() == Tab::Reference).then_some("page")>{tr(Msg::ApiReference)}</a>
                                <a class="tab" href=activity_href
                                    aria-current=move || (tab.get() == Tab::Activity).then_some("page")>{tr(Msg::NavActivity)}</a>
                            </nav>
                            {move || match tab.get() {
                                Tab::Settings => view! { <ApiSettings a=a.clone() reload saved/> }.into_any(),
                                Tab::Reference => view! { <SpecTab uid=a.uid.clone()/> }.into_any(),
                                Tab::Activity => view! {
                                    <crate::activity::pages::ActivityList target=Some(("api", a.uid.clone())) reload=reload/>
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
fn ApiSettings(a: ApiRow, reload: RwSignal<u32>, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateApi>::new();
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
    let uid = a.uid.clone();
    let preview = {
        let uid = uid.clone();
        Resource::new(
            move || deleting.get().then(|| uid.clone()),
            |u| async move {
                match u {
                    Some(u) => preview_api_delete(u).await.map(Some),
                    None => Ok(None),
                }
            },
        )
    };
    let do_delete = {
        let uid = uid.clone();
        Callback::new(move |_reason: Option<String>| {
            let uid = uid.clone();
            let navigate = navigate.clone();
            busy.set(true);
            spawn_local(async move {
                match delete_api(uid).await {
                    Ok(()) => navigate("/admin/apis", Default::default()),
                    Err(e) => {
                        busy.set(false);
                        deleting.set(false);
                        delete_error.set(Some(e));
                    }
                }
            });
        })
    };
    let version = a.version;
    let on_submit = {
        let uid = uid.clone();
        Callback::new(move |form| {
            saved.set(false);
            update.dispatch(UpdateApi { uid: uid.clone(), version, form });
        })
    };
    view! {
        <div class="detail-grid">
            <section class="card">
                <h2>{tr(Msg::Details)}</h2>
                <ApiEditor initial=form_of(&a) error pending=update.pending() submit_label=Msg::Save on_submit/>
            </section>
            <section class="card">
                <h2>{tr(Msg::DeleteApi)}</h2>
                <p>{tr(Msg::DeleteApiHelp)}</p>
                <ErrorBanner error=Signal::derive(move || delete_error.get())/>
                <button type="button" class="button danger" data-testid="delete-api" on:click=move |_| deleting.set(true)>{tr(Msg::Delete)}</button>
                {move || deleting.get().then(|| view! {
                    <ConfirmPanel
                        title=Signal::derive(move || i18n.t(Msg::ConfirmDeleteApiTitle).to_string())
                        confirm_label=Signal::derive(move || i18n.t(Msg::Delete).to_string())
                        danger=true
                        pending=busy
                        on_confirm=do_delete
                        on_cancel=Callback::new(move |_| deleting.set(false))
                    >
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                preview.await.ok().flatten().map(|p| {
                                    let products = p.products.join(", ");
                                    view! {
                                        <ul data-testid="api-delete-preview">
                                            <li>{move || if products.is_empty() {
                                                i18n.t(Msg::ApiLeavesNoProduct).to_string()
                                            } else {
                                                Msg::ApiLeavesProducts.fmt(i18n.lang.get(), &[&products])
                                            }}</li>
                                            <li>{move || Msg::ApiSubscriptionsGo.fmt(i18n.lang.get(), &[&p.subscriptions])}</li>
                                        </ul>
                                    }
                                })
                            })}
                        </Transition>
                    </ConfirmPanel>
                })}
            </section>
        </div>
    }
}

/// Upload, replace or remove the OpenAPI document, and see what the portal
/// will show from it.
#[component]
fn SpecTab(uid: String) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(0u32);
    let reference = {
        let uid = uid.clone();
        Resource::new(move || (uid.clone(), local.get()), |(uid, _)| admin_api_reference(uid))
    };
    let text = RwSignal::new(String::new());
    let file_name = RwSignal::new(String::new());
    let save = ServerAction::<SetApiSpec>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let done = RwSignal::new(None::<Msg>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = save.value().get() {
            done.set(Some(if r.is_some() { Msg::SpecUploaded } else { Msg::SpecRemoved }));
            text.set(String::new());
            // Only this tab reloads: reloading the page would drop the notice.
            local.update(|n| *n += 1);
        }
    });
    let upload = {
        let uid = uid.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            done.set(None);
            save.dispatch(SetApiSpec { uid: uid.clone(), text: Some(text.get_untracked()) });
        }
    };
    let remove = {
        let uid = uid.clone();
        move |_| {
            done.set(None);
            save.dispatch(SetApiSpec { uid: uid.clone(), text: None });
        }
    };
    view! {
        <section class="card wide">
            <h2>{tr(Msg::ApiReference)}</h2>
            <p class="lead">{tr(Msg::SpecIntro)}</p>
            {move || done.get().map(|m| view! { <p class="success" role="status">{tr(m)}</p> })}
            <ErrorBanner error/>
            <form class="stack" on:submit=upload data-testid="spec-form">
                <label for="spec-file">{tr(Msg::SpecFile)}</label>
                <input id="spec-file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
                    on:change=move |ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use leptos::wasm_bindgen::JsCast;
                            let input = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
                            if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
                                file_name.set(file.name());
                                spawn_local(async move {
                                    if let Ok(v) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                                        text.set(v.as_string().unwrap_or_default());
                                    }
                                });
                            }
                        }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                    }/>
                <label for="spec-text">{tr(Msg::SpecPaste)}</label>
                <textarea id="spec-text" rows="8" class="mono" spellcheck="false" prop:value=move || text.get()
                    on:input=move |ev| { file_name.set(String::new()); text.set(event_target_value(&ev)); }></textarea>
                {field_error(error, "spec")}
                <div class="actions">
                    <button type="submit" class="button" data-testid="spec-upload"
                        disabled=move || save.pending().get() || text.get().trim().is_empty()>{tr(Msg::SpecUpload)}</button>
                </div>
            </form>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || {
                    let remove = remove.clone();
                    Suspend::new(async move {
                        match reference.await {
                            Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                            Ok(None) => view! { <p class="muted" data-testid="no-spec">{tr(Msg::NoSpecYet)}</p> }.into_any(),
                            Ok(Some(r)) => view! {
                                <div class="actions">
                                    <button type="button" class="button secondary danger" data-testid="spec-remove"
                                        on:click=remove>{tr(Msg::SpecRemove)}</button>
                                </div>
                                <ReferenceView r/>
                            }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}
