//! Gatehouse's application crate: domain types, server functions and pages,
//! shared by the server (feature `ssr`) and the browser (feature `hydrate`).
#![recursion_limit = "256"]

pub mod access_tokens;
pub mod activity;
pub mod admin;
pub mod apis;
#[cfg(feature = "ssr")]
pub mod assets;
pub mod auth;
pub mod components;
pub mod delegation;
pub mod emails;
pub mod error;
#[cfg(feature = "ssr")]
pub mod gateway;
pub mod groups;
pub mod i18n;
pub mod identity;
pub mod invitations;
mod lazy;
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
#[cfg(feature = "ssr")]
pub mod uid;
pub mod url;
pub mod usage;
pub mod users;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod filter;
#[cfg(feature = "ssr")]
pub mod health;
#[cfg(feature = "ssr")]
pub mod state;

use auth::{ChangePassword, SignIn, SignOut};
use i18n::{initial_lang, I18n};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
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
    let (css, js, wasm, chunks) = {
        let assets = use_context::<std::sync::Arc<assets::Assets>>().unwrap_or_default();
        let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string()).unwrap_or_default();
        let chunks = screens::area_of(&path).map(|area| assets.area_urls(area)).unwrap_or_default();
        (assets.url("gatehouse.css"), assets.url("gatehouse.js"), assets.url("gatehouse.wasm"), chunks)
    };
    #[cfg(not(feature = "ssr"))]
    let (css, js, wasm, chunks) = (String::new(), String::new(), String::new(), Vec::new());
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScript js wasm chunks/>
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
/// `chunks`: the chunk loader and the wasm files of this page's area, which
/// the loader would otherwise ask for only once the main module runs.
#[component]
fn HydrationScript(js: String, wasm: String, chunks: Vec<String>) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    // `crossorigin` on the wasm preload makes it a CORS fetch, the mode the
    // glue's own fetch uses, so the browser reuses it instead of downloading twice.
    // The chunk loader takes `initSync` from this global rather than
    // importing the glue by name (scripts/link-chunks.mjs says why).
    let script = format!(
        "import init, {{ hydrate, initSync }} from {js:?}; globalThis.__gatehouseInitSync = initSync; \
         init({{ module_or_path: {wasm:?} }}).then(() => hydrate());"
    );
    view! {
        <link rel="modulepreload" href=js.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        {chunks
            .into_iter()
            .map(|url| {
                if url.ends_with(".js") {
                    view! { <link rel="modulepreload" href=url/> }.into_any()
                } else {
                    view! { <link rel="preload" href=url r#as="fetch" r#type="application/wasm" crossorigin=""/> }
                        .into_any()
                }
            })
            .collect_view()}
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
    let (is_routing, set_is_routing) = signal(false);
    let tr_loading = i18n::tr(i18n::Msg::Loading);

    view! {
        <Title text=move || i18n.t(i18n::Msg::AppName)/>
        <Router set_is_routing>
            // While a screen's code or data loads after a click, the old
            // screen stays; this bar says something is on its way.
            <div class="route-progress" role="progressbar" aria-label=tr_loading hidden=move || !is_routing.get()></div>
            <Routes fallback=|| view! { <portal::NotFound/> }>
                <ParentRoute path=path!("/admin") view=admin::AdminLayout ssr=SsrMode::Async>
                    <Route ssr=SsrMode::Async path=path!("") view={Lazy::<screens::DashboardScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users") view={Lazy::<screens::UsersScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users/new") view={Lazy::<screens::NewUserScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users/invite") view={Lazy::<screens::InviteScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("invitations") view={Lazy::<screens::InvitationsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings") view={Lazy::<screens::SettingsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users/:uid") view={Lazy::<screens::UserDetailScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("groups") view={Lazy::<screens::GroupsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("groups/:uid") view={Lazy::<screens::GroupDetailScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("products") view={Lazy::<screens::ProductsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("products/new") view={Lazy::<screens::NewProductScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("products/:uid") view={Lazy::<screens::ProductDetailScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("apis") view={Lazy::<screens::ApisScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("apis/new") view={Lazy::<screens::NewApiScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("apis/:uid") view={Lazy::<screens::ApiDetailScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("subscriptions") view={Lazy::<screens::SubscriptionsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("emails") view={Lazy::<screens::EmailsScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("emails/templates") view={Lazy::<screens::TemplatesScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("emails/templates/:name") view={Lazy::<screens::TemplateEditorScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("emails/:id") view={Lazy::<screens::EmailMessageScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("activity") view={Lazy::<screens::ActivityScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("tokens") view={Lazy::<screens::AccessTokensScreen>::new()}/>
                </ParentRoute>
                <ParentRoute path=path!("") view=portal::PortalLayout>
                    <Route ssr=SsrMode::Async path=path!("") view={Lazy::<screens::HomeScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("products/:uid") view={Lazy::<screens::PortalProductScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("apis/:uid") view={Lazy::<screens::ApiReferenceScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("subscriptions") view={Lazy::<screens::MySubscriptionsScreen>::new()}/>
                    <Route path=path!("sign-in") view={Lazy::<screens::SignInScreen>::new()}/>
                    <Route path=path!("profile") view={Lazy::<screens::ProfileScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("invitation") view={Lazy::<screens::AcceptInvitationScreen>::new()}/>
                    <Route path=path!("forgot-password") view={Lazy::<screens::ForgotPasswordScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("reset-password") view={Lazy::<screens::ResetPasswordScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("sign-up") view={Lazy::<screens::SignUpScreen>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("verify-email") view={Lazy::<screens::VerifyEmailScreen>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Every screen is a lazy route: the browser fetches a screen's code when it
/// is first shown (see `lazy`). Chunk names appear in the built file names.
mod screens {
    /// The area (see `lazy_screens!` below) of the screen at `path`, so the
    /// page can ask for its code at once. Mirrors the routes in `App`; a
    /// wrong answer only costs a useless or a missing preload.
    #[cfg(feature = "ssr")]
    pub fn area_of(path: &str) -> Option<&'static str> {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        Some(match path {
            "/admin" | "/admin/" => "admin_home",
            _ if ["/admin/users", "/admin/invitations", "/admin/settings"].iter().any(|p| under(p)) => "admin_users",
            _ if under("/admin/groups") => "admin_groups",
            _ if under("/admin/products") || under("/admin/subscriptions") || under("/admin/apis") => "admin_products",
            _ if under("/admin/emails") => "admin_emails",
            _ if under("/admin/activity") => "admin_activity",
            _ if under("/admin/tokens") => "admin_tokens",
            _ if under("/admin") => return None,
            "/sign-in" | "/invitation" | "/forgot-password" | "/reset-password" | "/sign-up" | "/verify-email" => {
                "account"
            }
            "/" | "/subscriptions" | "/profile" => "portal",
            _ if path.starts_with("/products/") || path.starts_with("/apis/") => "portal",
            _ => return None,
        })
    }

    #[cfg(all(test, feature = "ssr"))]
    #[test]
    fn each_route_preloads_its_own_area() {
        for (path, area) in [
            ("/", Some("portal")),
            ("/products/starter", Some("portal")),
            ("/sign-in", Some("account")),
            ("/verify-email", Some("account")),
            ("/admin", Some("admin_home")),
            ("/admin/users/new", Some("admin_users")),
            ("/admin/invitations", Some("admin_users")),
            ("/admin/groups/g1", Some("admin_groups")),
            ("/admin/subscriptions", Some("admin_products")),
            ("/admin/apis/orders", Some("admin_products")),
            ("/apis/orders", Some("portal")),
            ("/admin/emails/templates/x", Some("admin_emails")),
            ("/admin/activity", Some("admin_activity")),
            ("/admin/tokens", Some("admin_tokens")),
            ("/admin/nothing-here", None),
            ("/no-such-page", None),
            ("/admin-users", None),
        ] {
            assert_eq!(area_of(path), area, "{path}");
        }
    }

    use crate::access_tokens::pages::AccessTokensPage;
    use crate::activity::pages::ActivityPage;
    use crate::admin::Dashboard;
    use crate::apis::pages::ApiDetailPage;
    use crate::apis::pages::ApiReferencePage;
    use crate::apis::pages::ApisPage;
    use crate::apis::pages::NewApiPage;
    use crate::auth::pages::SignInPage;
    use crate::emails::pages::EmailMessagePage;
    use crate::emails::pages::EmailsPage;
    use crate::emails::pages::TemplateEditorPage;
    use crate::emails::pages::TemplatesPage;
    use crate::groups::pages::GroupDetailPage;
    use crate::groups::pages::GroupsPage;
    use crate::invitations::pages::AcceptInvitationPage;
    use crate::invitations::pages::InvitationsPage;
    use crate::invitations::pages::InvitePage;
    use crate::portal::HomePage;
    use crate::portal::ProfilePage;
    use crate::products::pages::NewProductPage;
    use crate::products::pages::PortalProductPage;
    use crate::products::pages::ProductDetailPage;
    use crate::products::pages::ProductsPage;
    use crate::recovery::pages::ForgotPasswordPage;
    use crate::recovery::pages::ResetPasswordPage;
    use crate::signup::pages::SettingsPage;
    use crate::signup::pages::SignUpPage;
    use crate::signup::pages::VerifyEmailPage;
    use crate::subscriptions::pages::MySubscriptionsPage;
    use crate::subscriptions::pages::SubscriptionsPage;
    use crate::users::pages::NewUserPage;
    use crate::users::pages::UserDetailPage;
    use crate::users::pages::UsersPage;

    crate::lazy::lazy_screens! {
        DashboardScreen => admin_home: Dashboard,
        UsersScreen => admin_users: UsersPage,
        NewUserScreen => admin_users: NewUserPage,
        InviteScreen => admin_users: InvitePage,
        InvitationsScreen => admin_users: InvitationsPage,
        SettingsScreen => admin_users: SettingsPage,
        UserDetailScreen => admin_users: UserDetailPage,
        GroupsScreen => admin_groups: GroupsPage,
        GroupDetailScreen => admin_groups: GroupDetailPage,
        ProductsScreen => admin_products: ProductsPage,
        NewProductScreen => admin_products: NewProductPage,
        ProductDetailScreen => admin_products: ProductDetailPage,
        SubscriptionsScreen => admin_products: SubscriptionsPage,
        ApisScreen => admin_products: ApisPage,
        NewApiScreen => admin_products: NewApiPage,
        ApiDetailScreen => admin_products: ApiDetailPage,
        EmailsScreen => admin_emails: EmailsPage,
        TemplatesScreen => admin_emails: TemplatesPage,
        TemplateEditorScreen => admin_emails: TemplateEditorPage,
        EmailMessageScreen => admin_emails: EmailMessagePage,
        ActivityScreen => admin_activity: ActivityPage,
        AccessTokensScreen => admin_tokens: AccessTokensPage,
        HomeScreen => portal: HomePage,
        PortalProductScreen => portal: PortalProductPage,
        MySubscriptionsScreen => portal: MySubscriptionsPage,
        ApiReferenceScreen => portal: ApiReferencePage,
        SignInScreen => account: SignInPage,
        ProfileScreen => portal: ProfilePage,
        AcceptInvitationScreen => account: AcceptInvitationPage,
        ForgotPasswordScreen => account: ForgotPasswordPage,
        ResetPasswordScreen => account: ResetPasswordPage,
        SignUpScreen => account: SignUpPage,
        VerifyEmailScreen => account: VerifyEmailPage,
    }
}
