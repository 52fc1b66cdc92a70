//! Gatehouse's application crate: domain types, server functions and pages,
//! shared by the server (feature `ssr`) and the browser (feature `hydrate`).
#![recursion_limit = "256"]

pub mod access_tokens;
pub mod activity;
pub mod admin;
#[cfg(feature = "ssr")]
pub mod assets;
pub mod auth;
pub mod components;
pub mod emails;
pub mod error;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod groups;
pub mod i18n;
pub mod invitations;
pub mod links;
pub mod portal;
pub mod products;
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod retention;
pub mod secret;
pub mod signup;
pub mod subscriptions;
pub mod url;
pub mod users;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod state;

use auth::{ChangePassword, SignIn, SignOut};
use i18n::{initial_lang, I18n};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app. Runs on the server only; it also sets
/// the Content-Security-Policy with this response's nonce, which the
/// hydration script carries. The browser app's files are named by their
/// content hash (see `assets`), so the page names exactly this build's files.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    #[cfg(feature = "ssr")]
    if let Some(nonce) = leptos::nonce::use_nonce() {
        if let (Some(res), Ok(v)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&page_csp(&nonce)))
        {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    #[cfg(feature = "ssr")]
    let (css, js, wasm) = {
        let assets = use_context::<std::sync::Arc<assets::Assets>>().unwrap_or_default();
        (assets.url("gatehouse.css"), assets.url("gatehouse.js"), assets.url("gatehouse.wasm"))
    };
    #[cfg(not(feature = "ssr"))]
    let (css, js, wasm) = (String::new(), String::new(), String::new());
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScript js wasm/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads the browser app and hydrates the page: what leptos's
/// `HydrationScripts` does, with the JS glue and the wasm under their own
/// hashed names (leptos's component gives both one name).
#[component]
fn HydrationScript(js: String, wasm: String) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    // `crossorigin` on the wasm preload makes it a CORS fetch, the mode the
    // glue's own fetch uses, so the browser reuses it instead of downloading twice.
    let script =
        format!("import init, {{ hydrate }} from {js:?}; init({{ module_or_path: {wasm:?} }}).then(() => hydrate());");
    view! {
        <link rel="modulepreload" href=js.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{script}</script>
    }
}

/// The page CSP: scripts only from this origin or carrying the nonce, wasm
/// compilation allowed, nothing framed, no plugins, no base-uri tricks.
#[cfg(feature = "ssr")]
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Actions that change who is signed in; the `me` resource refetches after each.
#[derive(Clone, Copy)]
pub struct SessionActions {
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub change_password: ServerAction<ChangePassword>,
    /// Bumped by pages that sign in or out by other means (accepting an
    /// invitation, resetting a password).
    pub epoch: RwSignal<u32>,
}

/// Reads "who is signed in" again once `done` turns true (a page that signed
/// in or out by another door than the session actions).
pub fn refresh_me_when(done: impl Fn() -> bool + Send + Sync + 'static) {
    let session = expect_context::<SessionActions>();
    Effect::new(move |_| {
        if done() {
            session.epoch.update(|n| *n += 1);
        }
    });
}

pub type MeResource = Resource<Result<Option<auth::Me>, error::AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n { lang: RwSignal::new(initial_lang()) };
    provide_context(i18n);
    let actions = SessionActions {
        sign_in: ServerAction::<SignIn>::new(),
        sign_out: ServerAction::<SignOut>::new(),
        change_password: ServerAction::<ChangePassword>::new(),
        epoch: RwSignal::new(0),
    };
    provide_context(actions);
    let me: MeResource = Resource::new(
        move || {
            (
                actions.sign_in.version().get(),
                actions.sign_out.version().get(),
                actions.change_password.version().get(),
                actions.epoch.get(),
            )
        },
        |_| auth::current_user(),
    );
    provide_context(me);

    view! {
        <Title text=move || i18n.t(i18n::Msg::AppName)/>
        <Router>
            <Routes fallback=|| view! { <portal::NotFound/> }>
                <ParentRoute path=path!("/admin") view=admin::AdminLayout ssr=SsrMode::Async>
                    <Route ssr=SsrMode::Async path=path!("") view=admin::Dashboard/>
                    <Route ssr=SsrMode::Async path=path!("users") view=users::pages::UsersPage/>
                    <Route ssr=SsrMode::Async path=path!("users/new") view=users::pages::NewUserPage/>
                    <Route ssr=SsrMode::Async path=path!("users/invite") view=invitations::pages::InvitePage/>
                    <Route ssr=SsrMode::Async path=path!("invitations") view=invitations::pages::InvitationsPage/>
                    <Route ssr=SsrMode::Async path=path!("settings") view=signup::pages::SettingsPage/>
                    <Route ssr=SsrMode::Async path=path!("users/:uid") view=users::pages::UserDetailPage/>
                    <Route ssr=SsrMode::Async path=path!("groups") view=groups::pages::GroupsPage/>
                    <Route ssr=SsrMode::Async path=path!("groups/:uid") view=groups::pages::GroupDetailPage/>
                    <Route ssr=SsrMode::Async path=path!("products") view=products::pages::ProductsPage/>
                    <Route ssr=SsrMode::Async path=path!("products/new") view=products::pages::NewProductPage/>
                    <Route ssr=SsrMode::Async path=path!("products/:uid") view=products::pages::ProductDetailPage/>
                    <Route ssr=SsrMode::Async path=path!("subscriptions") view=subscriptions::pages::SubscriptionsPage/>
                    <Route ssr=SsrMode::Async path=path!("emails") view=emails::pages::EmailsPage/>
                    <Route ssr=SsrMode::Async path=path!("emails/templates") view=emails::pages::TemplatesPage/>
                    <Route ssr=SsrMode::Async path=path!("emails/templates/:name") view=emails::pages::TemplateEditorPage/>
                    <Route ssr=SsrMode::Async path=path!("emails/:id") view=emails::pages::EmailMessagePage/>
                    <Route ssr=SsrMode::Async path=path!("activity") view=activity::pages::ActivityPage/>
                    <Route ssr=SsrMode::Async path=path!("tokens") view=access_tokens::pages::AccessTokensPage/>
                </ParentRoute>
                <ParentRoute path=path!("") view=portal::PortalLayout>
                    <Route ssr=SsrMode::Async path=path!("") view=portal::HomePage/>
                    <Route ssr=SsrMode::Async path=path!("products/:uid") view=products::pages::PortalProductPage/>
                    <Route ssr=SsrMode::Async path=path!("subscriptions") view=subscriptions::pages::MySubscriptionsPage/>
                    <Route path=path!("sign-in") view=auth::pages::SignInPage/>
                    <Route path=path!("profile") view=portal::ProfilePage/>
                    <Route ssr=SsrMode::Async path=path!("invitation") view=invitations::pages::AcceptInvitationPage/>
                    <Route path=path!("forgot-password") view=recovery::pages::ForgotPasswordPage/>
                    <Route ssr=SsrMode::Async path=path!("reset-password") view=recovery::pages::ResetPasswordPage/>
                    <Route ssr=SsrMode::Async path=path!("sign-up") view=signup::pages::SignUpPage/>
                    <Route ssr=SsrMode::Async path=path!("verify-email") view=signup::pages::VerifyEmailPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
