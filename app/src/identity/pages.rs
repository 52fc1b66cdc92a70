//! The sign-in page's provider buttons, and Settings → Identity providers.
use super::api::{load_providers, load_sign_in_options, DeleteProvider, SavePasswordSignIn, SaveProvider};
use super::{ProviderKind, ProviderRow, SsoProblem};
use crate::components::{field_error, ConfirmPanel, ErrorBanner};
use crate::i18n::{tr, use_i18n, Msg};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One button per configured provider, the problem a failed provider
/// sign-in came back with, and (when developers may not use a password)
/// a note that the form below is for administrators.
#[component]
pub fn ProviderButtons() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_sign_in_options());
    let query = use_query_map();
    let i18n = use_i18n();
    let problem = move || query.read().get("sso").and_then(|c| SsoProblem::parse(&c));
    let next = move || query.read().get("next");
    view! {
        {move || problem().map(|p| view! {
            <div class="error-banner" role="alert" data-testid="sso-problem">{move || p.message().text(i18n.lang.get())}</div>
        })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let o = options.await.unwrap_or_default();
                let any = !o.buttons.is_empty();
                let buttons = o.buttons.into_iter().map(|(kind, label)| {
                    let href = move || match next() {
                        Some(n) => format!("/oidc/{kind}/start?next={}", crate::url::percent_encode(&n)),
                        None => format!("/oidc/{kind}/start"),
                    };
                    view! {
                        <a class="button provider" rel="external" href=href data-testid="provider-button">
                            {move || Msg::SignInWith.fmt(i18n.lang.get(), &[&label])}
                        </a>
                    }
                }).collect_view();
                view! {
                    <div class="providers stack">{buttons}</div>
                    {any.then(|| view! {
                        <p class="divider"><span>{if o.password_for_developers { tr(Msg::OrWithPassword) } else { tr(Msg::PasswordForAdminsOnly) }}</span></p>
                    })}
                }
            })}
        </Transition>
    }
}

/// Settings → Identity providers: each kind, configured or not, and the
/// switch for developers' password sign-in.
#[component]
pub fn ProvidersSection() -> impl IntoView {
    let save = ServerAction::<SaveProvider>::new();
    let delete = ServerAction::<DeleteProvider>::new();
    let password = ServerAction::<SavePasswordSignIn>::new();
    let screen = Resource::new(
        move || (save.version().get(), delete.version().get(), password.version().get()),
        |_| load_providers(),
    );
    let save_error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let delete_error = Signal::derive(move || delete.value().get().and_then(|r| r.err()));
    let password_error = Signal::derive(move || password.value().get().and_then(|r| r.err()));
    view! {
        <section class="card" data-testid="identity-providers">
            <h2>{tr(Msg::IdentityProviders)}</h2>
            <p class="muted">{tr(Msg::IdentityProvidersIntro)}</p>
            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
            <ErrorBanner error=delete_error/>
            <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    screen.await.map(|s| {
                        let kinds = ProviderKind::ALL.into_iter().map(|kind| {
                            let row = s.providers.iter().find(|p| p.kind == kind).cloned();
                            let redirect = format!("{}{}/callback", s.callback_base, kind.as_str());
                            view! { <ProviderCard kind row redirect save save_error delete/> }
                        }).collect_view();
                        let configured = !s.providers.is_empty();
                        view! {
                            {kinds}
                            <h3>{tr(Msg::PasswordSignIn)}</h3>
                            {move || matches!(password.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                            <ErrorBanner error=password_error/>
                            <ActionForm action=password attr:class="stack" attr:data-testid="password-sign-in">
                                <label class="checkbox">
                                    <input type="checkbox" name="enabled" checked=s.password_sign_in/>
                                    {tr(Msg::DevelopersMayUsePassword)}
                                </label>
                                <span class="help">{if configured { tr(Msg::PasswordSignInHelp) } else { tr(Msg::PasswordSignInNeedsProvider) }}</span>
                                <button type="submit" class="button secondary" disabled=move || password.pending().get()>{tr(Msg::Save)}</button>
                            </ActionForm>
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProviderCard(
    kind: ProviderKind,
    row: Option<ProviderRow>,
    redirect: String,
    save: ServerAction<SaveProvider>,
    save_error: Signal<Option<crate::error::AppError>>,
    delete: ServerAction<DeleteProvider>,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let configured = row.is_some();
    let version = row.as_ref().map(|r| r.version);
    let f = row.map(|r| r.form).unwrap_or_else(|| super::ProviderForm {
        authority: kind.default_authority().into(),
        scopes: "openid email profile".into(),
        ..Default::default()
    });
    let id = move |field: &str| format!("{}-{field}", kind.as_str());
    let summary_name = f.display_name.clone();
    let status = move || {
        if configured {
            Msg::ProviderConfigured.fmt(i18n.lang.get(), &[&summary_name])
        } else {
            Msg::ProviderNotConfigured.text(i18n.lang.get()).to_string()
        }
    };
    let authority_label = if kind == ProviderKind::Oidc { Msg::IssuerUrl } else { Msg::Authority };
    let is_aad = kind != ProviderKind::Oidc;
    view! {
        <details class="provider-card" data-testid=format!("provider-{}", kind.as_str()) open=configured>
            <summary><strong>{kind.title()}</strong>" · "<span class="muted">{status}</span></summary>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="kind" value=kind.as_str()/>
                {version.map(|v| view! { <input type="hidden" name="version" value=v/> })}
                <p class="help">{tr(Msg::RedirectUriHelp)}" "<code data-testid="redirect-uri">{redirect}</code></p>
                <label for=id("display_name")>{tr(Msg::ButtonLabel)}</label>
                <input id=id("display_name") name="p[display_name]" type="text" maxlength="100" required value=f.display_name.clone()/>
                {field_error(save_error, "display_name")}
                <label for=id("authority")>{tr(authority_label)}</label>
                <input id=id("authority") name="p[authority]" type="text" value=f.authority.clone()
                    placeholder=if is_aad { "login.microsoftonline.com" } else { "https://idp.example.com/realms/main" }/>
                {field_error(save_error, "authority")}
                {is_aad.then(|| view! {
                    <label for=id("signin_tenant")>{tr(Msg::SigninTenant)}</label>
                    <input id=id("signin_tenant") name="p[signin_tenant]" type="text" value=f.signin_tenant.clone()/>
                    {field_error(save_error, "signin_tenant")}
                    <label for=id("allowed_tenants")>{tr(Msg::AllowedTenants)}</label>
                    <textarea id=id("allowed_tenants") name="p[allowed_tenants]" rows="2">{f.allowed_tenants.clone()}</textarea>
                })}
                {(kind == ProviderKind::AadB2C).then(|| view! {
                    <label for=id("signin_policy")>{tr(Msg::SigninPolicy)}</label>
                    <input id=id("signin_policy") name="p[signin_policy]" type="text" value=f.signin_policy.clone() placeholder="B2C_1_signin"/>
                    {field_error(save_error, "signin_policy")}
                })}
                <label for=id("client_id")>{tr(Msg::ClientId)}</label>
                <input id=id("client_id") name="p[client_id]" type="text" required value=f.client_id.clone() autocomplete="off"/>
                {field_error(save_error, "client_id")}
                <label for=id("client_secret")>{tr(Msg::ClientSecret)}</label>
                <input id=id("client_secret") name="p[client_secret]" type="password" autocomplete="new-password"
                    placeholder=move || if configured { Msg::SecretUnchanged.text(i18n.lang.get()) } else { "" }/>
                {field_error(save_error, "client_secret")}
                <label for=id("scopes")>{tr(Msg::Scopes)}</label>
                <input id=id("scopes") name="p[scopes]" type="text" value=f.scopes.clone()/>
                <label for=id("groups_claim")>{tr(Msg::GroupsClaim)}</label>
                <input id=id("groups_claim") name="p[groups_claim]" type="text" value=f.groups_claim.clone() placeholder="groups"/>
                <span class="help">{tr(Msg::GroupsClaimHelp)}</span>
                {field_error(save_error, "groups_claim")}
                <label class="checkbox"><input type="checkbox" name="p[create_groups]" checked=f.create_groups/>{tr(Msg::CreateGroupsFromClaim)}</label>
                <label for=id("email_domains")>{tr(Msg::EmailDomains)}</label>
                <textarea id=id("email_domains") name="p[email_domains]" rows="2" placeholder="example.com">{f.email_domains.clone()}</textarea>
                <span class="help">{tr(Msg::EmailDomainsHelp)}</span>
                {field_error(save_error, "email_domains")}
                <div class="actions">
                    <button type="submit" class="button" disabled=move || save.pending().get()>{tr(Msg::Save)}</button>
                    {configured.then(|| view! {
                        <button type="button" class="button secondary danger" data-testid="remove-provider"
                            on:click=move |_| confirming.set(true)>{tr(Msg::Remove)}</button>
                    })}
                </div>
            </ActionForm>
            <Show when=move || confirming.get()>
                <ConfirmPanel
                    title=Signal::derive(move || Msg::RemoveProviderTitle.fmt(i18n.lang.get(), &[&kind.title()]))
                    confirm_label=Signal::derive(move || Msg::Remove.text(i18n.lang.get()).to_string())
                    danger=true
                    no_reason=true
                    pending=delete.pending()
                    on_confirm=Callback::new(move |_| {
                        confirming.set(false);
                        delete.dispatch(super::api::DeleteProvider { kind: kind.as_str().into(), version: version.unwrap_or_default() });
                    })
                    on_cancel=Callback::new(move |_| confirming.set(false))
                >
                    <p>{tr(Msg::RemoveProviderBody)}</p>
                </ConfirmPanel>
            </Show>
        </details>
    }
}
