//! Builds the router and runs the server until ctrl-c or SIGTERM.
use crate::middleware;
use app::state::AppState;
use app::{shell, App};
use axum::{
    routing::{any, get},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

pub fn router(state: AppState) -> Router {
    let options = LeptosOptions::builder()
        .output_name("gatehouse")
        .site_root(state.settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(state.settings.bind)
        .build();
    let routes = generate_route_list(App);
    let assets = Arc::new(app::assets::Assets::load(&state.settings.site_root.join("pkg")));
    let ctx = {
        let state = state.clone();
        let assets = assets.clone();
        move || {
            provide_context(state.clone());
            provide_context(assets.clone());
        }
    };
    let links_state = state.clone();
    let activity_state = state.clone();
    let ready_state = state.clone();
    let (oidc_start, oidc_back, sso_state) = (state.clone(), state.clone(), state.clone());
    Router::new()
        // The emailed link: its token moves into a cookie, then to the page.
        .route("/l/{purpose}/{token}", get(move |path| app::links::web::follow(links_state.clone(), path)))
        // The activity log as CSV, behind the page guard (session, CSRF).
        .route(
            "/admin/activity/export.csv",
            get(move |viewer, query| app::activity::web::export(activity_state.clone(), viewer, query)),
        )
        // Sign-in through an identity provider: there and back again.
        .route("/oidc/{kind}/start", get(move |req| app::identity::web::start(oidc_start.clone(), req)))
        .route("/oidc/{kind}/callback", get(move |req| app::identity::web::callback(oidc_back.clone(), req)))
        // A delegate site's single-sign-on token (APIM's portal path).
        .route("/signin-sso", get(move |req| app::delegation::web::sign_in(sso_state.clone(), req)))
        .leptos_routes_with_context(&options, routes, ctx.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<LeptosOptions, _>(ctx, shell))
        .with_state(options)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::request_guard))
        // Request bodies beyond 1 MiB are refused before any handler reads them.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        // The REST management API, outside the page middleware too: it
        // authenticates each call by its bearer token (no cookies, so no
        // CSRF), and answers JSON errors of its own.
        .merge(app::rest::router(state.clone()))
        // The browser app's files, outside the page middleware: no session
        // lookup for a static file. Hashed names are cached for a year.
        .merge(
            Router::new()
                .route(&format!("{}/{{file}}", app::assets::PREFIX), get(app::assets::serve))
                .with_state(assets),
        )
        // Load balancers' checks, outside the page middleware: no session.
        .route("/health", get(app::health::alive))
        .route("/healthz", get(app::health::alive))
        .route("/readyz", get(move || app::health::ready(ready_state.clone())))
        // The gateway's key check, outside the page middleware: it reads no
        // session and no database, only the in-memory key index.
        .merge(
            Router::new()
                .route("/gateway/check", any(app::gateway::web::check))
                .route("/gateway/check/{*path}", any(app::gateway::web::check))
                .with_state(state.gate.clone()),
        )
}

pub async fn serve(mut state: AppState) -> Result<(), String> {
    let started = Instant::now();
    app::auth::password::Hasher::warm_up();
    match app::users::service::ensure_first_admin(&state).await {
        Ok(Some((email, pw))) => {
            // Printed once, on the console only; the database keeps just the hash.
            println!("================================================================");
            println!(" First start: created the administrator {email}");
            println!(" One-time password: {pw}");
            println!(" It must be changed at first sign-in and is not shown again.");
            println!("================================================================");
        }
        Ok(None) => {}
        Err(e) => return Err(format!("cannot create the first administrator: {e}")),
    }
    app::subscriptions::service::check_secret(&state).await?;
    let keys = state.gate.open(&state.settings).await.map_err(|e| format!("cannot load subscription keys: {e}"))?;
    tracing::info!("key index loaded: {keys} subscriptions");
    // On PostgreSQL: take a lease among the replicas before answering checks.
    let lease_conn = state
        .gate
        .join(&state.settings, state.pool.clone())
        .await
        .map_err(|e| format!("cannot join the replicas: {e}"))?;
    // Before the first check: quotas carry on where they were.
    if let Err(e) = app::usage::service::load_quota_use(&state).await {
        tracing::warn!(error = %e, "cannot read quota use at start; the first flush reads it");
    }
    tokio::spawn(state.gate.clone().follow(state.settings.clone(), state.stopping.clone(), state.pool.clone()));
    tokio::spawn(state.gate.clone().keep_lease(state.settings.clone(), state.stopping.clone(), lease_conn));
    let listener = tokio::net::TcpListener::bind(state.settings.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", state.settings.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let listener = no_delay(listener);
    if state.settings.public_url.ends_with(":0") {
        // Bound to "any free port" without a public URL: links in emails
        // must name the port actually taken.
        let mut settings = (*state.settings).clone();
        settings.public_url = format!("http://{addr}");
        state.settings = std::sync::Arc::new(settings);
    }
    let site = state.settings.site_root.join("pkg").join("gatehouse.wasm");
    if !site.exists() {
        tracing::warn!(
            "{} is missing: pages render but will not become interactive (run scripts/build.sh)",
            site.display()
        );
    }
    tokio::spawn(app::users::service::search_index_upkeep(state.clone()));
    let mailer = app::emails::delivery::Mailer::from_settings(&state.settings)?;
    match &state.settings.smtp {
        None => tracing::warn!(
            "no SMTP server configured (GATEHOUSE_SMTP_HOST): email is kept on the Emails screen and in {}",
            state.settings.data_dir.join("outbox").display()
        ),
        Some(s) => tracing::info!("email goes through SMTP server {}:{}", s.host, s.port),
    }
    let mail_worker = tokio::spawn(app::emails::delivery::run(state.clone(), mailer));
    tokio::spawn(state.session_touches.clone().run(state.pool.clone(), state.stopping.clone()));
    tokio::spawn(app::retention::run(state.clone()));
    tokio::spawn(app::usage::service::flush_loop(state.clone(), state.stopping.clone()));
    let app = router(state.clone());
    // Tests and scripts wait for this line; keep its shape.
    println!("Gatehouse listening on http://{addr} (started in {} ms)", started.elapsed().as_millis());
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    // Requests are done; let the mail worker finish the message in hand and
    // put back what it claimed, so nothing waits out a lease after a restart.
    state.stopping.store(true, std::sync::atomic::Ordering::Relaxed);
    state.gate.leave().await;
    state.outbox.notify_one();
    if tokio::time::timeout(std::time::Duration::from_secs(10), mail_worker).await.is_err() {
        tracing::warn!("the mail worker did not stop within 10 s; its messages go out again after their lease");
    }
    match app::usage::service::flush(&state).await {
        Ok(n) => tracing::debug!(rows = n, "call counts written at shutdown"),
        Err(e) => tracing::warn!(error = %e, "call counts of the last interval not written at shutdown"),
    }
    if let Err(e) = state.session_touches.flush(&state.pool).await {
        tracing::warn!(error = %e, "session last-seen times not written at shutdown");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Every accepted connection gets TCP_NODELAY. Without it a response written
/// in two parts (headers, then body) waits for the client's delayed ACK:
/// about 40 ms on every request of a reused connection, which is how
/// browsers fetch assets and call server functions and how gateways call the
/// key check.
pub fn no_delay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn set(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY on a connection");
        }
    }
    listener.tap_io(set as fn(&mut tokio::net::TcpStream))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn accepted_connections_have_no_delay() {
        let raw = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = raw.local_addr().unwrap();
        let mut listener = super::no_delay(raw);
        let client = tokio::spawn(tokio::net::TcpStream::connect(addr));
        let (io, _) = listener.accept().await;
        assert!(io.nodelay().unwrap(), "an accepted socket must have TCP_NODELAY set");
        drop(client.await.unwrap().unwrap());
    }
}
