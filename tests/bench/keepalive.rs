//! Requests per second over reused (keep-alive) connections, as browsers
//! fetch assets and call server functions and as gateways call the key
//! check: a static file, the sign-in page, a server function and the REST
//! users list, on 1 and 8 connections. This is the figure a missing
//! TCP_NODELAY ruins (each response waits ~40 ms for a delayed ACK).
//!
//! `cargo run --release -p gatehouse-tests --bin bench-keepalive [-- seconds]`
//! (`GATEHOUSE_BIN=<other build>` measures another binary).
#[path = "load.rs"]
mod load;

use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD, API_SERVICE_PATH};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_LOG", "error"),
    ]);
    for i in 0..200 {
        app.create_developer(&format!("dev{i}@example.com"), "a long passphrase").await;
    }
    let admin = app.admin().await;
    let token = app.create_token(&admin, "bench", 0).await["token"].as_str().unwrap().to_string();
    let users = format!("{}{API_SERVICE_PATH}/users?api-version=2022-08-01&$top=100", app.base);
    let targets: Vec<(&str, Request)> = vec![
        ("static file /favicon.svg", {
            let u = app.url("/favicon.svg");
            Box::new(move |c: &reqwest::Client| c.get(&u))
        }),
        ("sign-in page /sign-in", {
            let u = app.url("/sign-in");
            Box::new(move |c: &reqwest::Client| c.get(&u))
        }),
        ("server function /api/signup/settings", {
            let (u, origin) = (app.url("/api/signup/settings"), app.base.clone());
            Box::new(move |c: &reqwest::Client| c.post(&u).header("origin", &origin))
        }),
        ("REST users list, $top=100", {
            let (u, t) = (users.clone(), token.clone());
            Box::new(move |c: &reqwest::Client| c.get(&u).bearer_auth(&t))
        }),
    ];
    println!("{}: keep-alive connections, closed loop, {secs} s per row", gatehouse_tests::binary().display());
    for (name, make) in targets {
        let make = std::sync::Arc::new(make);
        for conns in [1, 8] {
            // One client per connection: each keeps exactly one connection alive.
            let clients: Vec<reqwest::Client> =
                (0..conns).map(|_| reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap()).collect();
            let m = make.clone();
            let r = load::run(conns, Duration::from_secs(secs), move |i| m(&clients[i % clients.len()])).await;
            println!("{name:<40} {conns} conn  {r}");
        }
    }
}

/// Builds one request of a target on a client.
type Request = Box<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>;
