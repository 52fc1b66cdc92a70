//! The developer portal: home, profile and the shared page frame.
use crate::components::{field_error, Brand, ErrorBanner, LanguageSwitch, SignOutButton};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::{MeResource, SessionActions};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

#[server(endpoint = "my_groups")]
pub async fn my_groups() -> Result<Vec<String>, AppError> {
    crate::auth::ssr::run(async move {
        use crate::auth::ssr::{app_state, require_user};
        let me = require_user()?;
        let mut conn = app_state().pool.acquire().await?;
        Ok(crate::groups::repo::names_for_user(&mut conn, me.user_id).await?)
    })
    .await
}

#[server(endpoint = "profile/name")]
pub async fn change_my_name(first_name: String, last_name: String) -> Result<(), AppError> {
    crate::auth::ssr::run(async move {
        use crate::auth::ssr::{app_state, require_user};
        let me = require_user()?;
        Ok(crate::users::service::change_own_name(&app_state(), me.user_id, &first_name, &last_name).await?)
    })
    .await
}

#[component]
pub fn PortalLayout() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <div class="portal">
            <a class="skip-link" href="#main">{tr(Msg::SkipToContent)}</a>
            <header class="topbar">
                <Brand href="/" sub=Msg::Tagline/>
                <nav class="topbar-right" aria-label=tr(Msg::NavPortal)>
                    <a href="/">{tr(Msg::NavHome)}</a>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match me.await {
                                Ok(Some(me)) => view! {
                                    {me.is_admin.then(|| view! { <a href="/admin">{tr(Msg::NavAdmin)}</a> })}
                                    <a href="/subscriptions">{tr(Msg::NavMySubscriptions)}</a>
                                    <a href="/profile">{tr(Msg::NavProfile)}</a>
                                    <SignOutButton/>
                                }.into_any(),
                                _ => view! { <a href="/sign-in" class="button small">{tr(Msg::NavSignIn)}</a> }.into_any(),
                            }
                        })}
                    </Transition>
                    <LanguageSwitch/>
                </nav>
            </header>
            <main id="main" class="content portal-main">
                <Outlet/>
            </main>
        </div>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    // Where closing one's account lands (`/?closed`).
    let query = leptos_router::hooks::use_query_map();
    let closed = move || query.read().get("closed").is_some();
    view! {
        {move || closed().then(|| view! { <p class="success" role="status" data-testid="account-closed">{tr(Msg::AccountClosedNotice)}</p> })}
        <section class="hero">
            <h1>{tr(Msg::PortalWelcome)}</h1>
            <p class="lead">{tr(Msg::PortalIntro)}</p>
        </section>
        <crate::products::pages::Catalogue/>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    // Created here, not inside the suspended view, so the server and the
    // browser number their resources the same way.
    let groups = Resource::new(|| (), |_| my_groups());
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Profile me groups/> }.into_any(),
                    _ => view! { <Redirect path="/sign-in?next=/profile"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(me: crate::auth::Me, groups: Resource<Result<Vec<String>, AppError>>) -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let action = actions.change_password;
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let rename = ServerAction::<ChangeMyName>::new();
    let rename_error = Signal::derive(move || rename.value().get().and_then(|r| r.err()));
    let must_change = me.must_change_password;
    let min_len = me.password_min_length;
    let rule = move || Msg::PasswordRule.fmt(i18n.lang.get(), &[&min_len, &crate::auth::MAX_PASSWORD_LEN]);
    view! {
        <h1>{tr(Msg::ProfileTitle)}</h1>
        {move || (must_change && !done()).then(|| view! {
            <p class="notice" role="status">{tr(Msg::MustChangePassword)}</p>
        })}
        <dl class="facts">
            <dt>{tr(Msg::Email)}</dt><dd>{me.email.clone()}</dd>
            <dt>{tr(Msg::Groups)}</dt>
            <dd>
                <Transition fallback=|| "…">
                    {move || Suspend::new(async move {
                        groups.await.map(|g| crate::groups::display_names(&g, i18n.lang.get_untracked())).unwrap_or_default()
                    })}
                </Transition>
            </dd>
        </dl>
        <section class="card">
            <h2>{tr(Msg::YourName)}</h2>
            {move || matches!(rename.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
            <ErrorBanner error=rename_error/>
            <ActionForm action=rename attr:class="stack" attr:data-testid="name-form">
                <label for="first_name">{tr(Msg::FirstName)}</label>
                <input id="first_name" name="first_name" type="text" required maxlength="100" autocomplete="given-name" value=me.first_name.clone()/>
                {field_error(rename_error, "first_name")}
                <label for="last_name">{tr(Msg::LastName)}</label>
                <input id="last_name" name="last_name" type="text" required maxlength="100" autocomplete="family-name" value=me.last_name.clone()/>
                {field_error(rename_error, "last_name")}
                <button type="submit" class="button" disabled=move || rename.pending().get()>{tr(Msg::Save)}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{tr(Msg::ChangePassword)}</h2>
            <p class="muted" id="password-rule">{rule}</p>
            {move || done().then(|| view! { <p class="success" role="status">{tr(Msg::PasswordChanged)}</p> })}
            <ErrorBanner error/>
            <ActionForm action attr:class="stack">
                <label for="current">{tr(Msg::CurrentPassword)}</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                {field_error(error, "current")}
                <label for="new_password">{tr(Msg::NewPassword)}</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                    aria-describedby="password-rule" required/>
                {field_error(error, "new_password")}
                <label for="confirm">{tr(Msg::ConfirmPassword)}</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" required/>
                {field_error(error, "confirm")}
                <button type="submit" class="button" disabled=move || action.pending().get()>{tr(Msg::Save)}</button>
            </ActionForm>
        </section>
        <crate::users::pages::SessionsCard whose=crate::users::pages::Whose::Mine/>
        {(!me.is_admin).then(|| view! { <crate::users::pages::CloseAccountCard/> })}
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="narrow">
            <h1>{tr(Msg::NotFoundTitle)}</h1>
            <p>{tr(Msg::ErrNotFound)}</p>
            <p><a href="/">{tr(Msg::BackHome)}</a></p>
        </main>
    }
}
