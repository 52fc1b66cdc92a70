//! The administrator area: layout, navigation and dashboard. Later issues
//! replace the placeholder screens with users, groups, products and more.
use crate::components::{Brand, LanguageSwitch, SignOutButton};
use crate::error::AppError;
use crate::i18n::{tr, use_i18n, Msg};
use crate::MeResource;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStats {
    pub users: i64,
    pub active: i64,
    pub blocked: i64,
    pub pending: i64,
    pub groups: i64,
    pub administrators: i64,
}

#[server(endpoint = "admin/dashboard_stats")]
pub async fn dashboard_stats() -> Result<AdminStats, AppError> {
    crate::auth::ssr::run(async move {
        use crate::auth::ssr::{app_state, require_admin};
        use crate::groups::{repo as groups_repo, SystemGroup};
        require_admin()?;
        let state = app_state();
        let mut conn = state.pool.acquire().await?;
        let c = crate::users::repo::count_by_state(&mut conn).await?;
        Ok(AdminStats {
            users: c.total,
            active: c.active,
            blocked: c.blocked,
            pending: c.pending,
            groups: groups_repo::count(&mut conn).await?,
            administrators: groups_repo::count_members(&mut conn, SystemGroup::Administrators).await?,
        })
    })
    .await
}

const NAV: [(&str, Msg); 11] = [
    ("/admin", Msg::NavDashboard),
    ("/admin/users", Msg::NavUsers),
    ("/admin/invitations", Msg::NavInvitations),
    ("/admin/groups", Msg::NavGroups),
    ("/admin/products", Msg::NavProducts),
    ("/admin/apis", Msg::NavApis),
    ("/admin/subscriptions", Msg::NavSubscriptions),
    ("/admin/emails", Msg::NavEmails),
    ("/admin/activity", Msg::NavActivity),
    ("/admin/tokens", Msg::NavTokens),
    ("/admin/settings", Msg::NavSettings),
];

/// The admin frame. The server already refused anonymous and non-admin
/// requests for /admin before rendering; `AdminGuard` repeats the check for
/// navigation inside the app. The `<Outlet/>` stays outside every Suspense:
/// a suspended closure that re-runs would re-create the page's resources
/// with new ids on the server and break hydration.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let i18n = use_i18n();
    view! {
        <div class="admin">
            <a class="skip-link" href="#main">{tr(Msg::SkipToContent)}</a>
            <header class="topbar">
                <Brand href="/admin" sub=Msg::AdminTitle/>
                <div class="topbar-right">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            me.await.ok().flatten().map(|me| {
                                let name = me.display_name();
                                view! { <span class="whoami">{move || Msg::SignedInAs.fmt(i18n.lang.get(), &[&name])}</span> }
                            })
                        })}
                    </Transition>
                    <a href="/">{tr(Msg::NavPortal)}</a>
                    <LanguageSwitch/>
                    <SignOutButton/>
                </div>
            </header>
            <div class="admin-body">
                <nav class="sidenav" aria-label=tr(Msg::NavAdmin)>
                    <ul>
                        {NAV
                            .into_iter()
                            .map(|(href, label)| view! { <li><A href=href exact=true>{tr(label)}</A></li> })
                            .collect_view()}
                    </ul>
                </nav>
                <main id="main" class="content">
                    <AdminGuard/>
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// Sends anonymous visitors to sign-in and tells developers they have no access.
#[component]
fn AdminGuard() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let location = use_location();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if me.is_admin && !me.must_change_password => ().into_any(),
                    Ok(Some(me)) if me.is_admin => view! { <Redirect path="/profile"/> }.into_any(),
                    Ok(Some(_)) => view! {
                        <div class="narrow" data-testid="forbidden">
                            <h1>{tr(Msg::ForbiddenTitle)}</h1>
                            <p>{tr(Msg::ErrForbidden)}</p>
                            <p><a href="/">{tr(Msg::BackHome)}</a></p>
                        </div>
                    }.into_any(),
                    _ => {
                        let next = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/sign-in?next={next}")/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let stats = Resource::new(move || refresh.get(), |_| dashboard_stats());
    let i18n = use_i18n();
    view! {
        <div class="page-head">
            <h1>{tr(Msg::DashboardTitle)}</h1>
            <button type="button" class="button secondary" data-testid="refresh"
                on:click=move |_| refresh.update(|n| *n += 1)>
                {tr(Msg::Refresh)}
            </button>
        </div>
        <p class="lead">{tr(Msg::DashboardIntro)}</p>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(s) => {
                        let cards = [
                            (Msg::StatUsers, s.users),
                            (Msg::StatActive, s.active),
                            (Msg::StatBlocked, s.blocked),
                            (Msg::StatPending, s.pending),
                            (Msg::StatAdmins, s.administrators),
                            (Msg::StatGroups, s.groups),
                        ];
                        view! {
                            <ul class="stats" data-testid="stats" data-refreshes=move || refresh.get().to_string()>
                                {cards
                                    .into_iter()
                                    .map(|(label, n)| view! {
                                        <li class="stat"><span class="stat-n">{n}</span><span class="stat-l">{tr(label)}</span></li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                }
            })}
        </Transition>
        <crate::usage::pages::DashboardUsagePanel/>
    }
}
