//! Sign-in latency against the real server on loopback.
//! `cargo run --release -p gatehouse-tests --bin bench-sign-in [-- N]`
use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::time::{Duration, Instant};

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let t = Instant::now();
    let app = TestServer::start();
    let ready = t.elapsed();
    let reported = app.startup_output.lines().find(|l| l.contains("started in")).unwrap_or("").to_string();
    println!("server start: {:.0} ms from spawn to listening ({})", ready.as_secs_f64() * 1000.0, reported.trim());

    let client = app.client();
    for _ in 0..10 {
        app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let res = app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(res.headers().get("set-cookie").is_some(), "sign-in failed: {}", res.status());
        lat.push(t.elapsed());
    }
    let wall = start.elapsed();
    lat.sort();
    println!(
        "sign-in, 1 client, {n} requests: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, {:.0} sign-ins/s",
        pct(&lat, 0.5),
        pct(&lat, 0.9),
        pct(&lat, 0.99),
        n as f64 / wall.as_secs_f64()
    );

    // Concurrent clients: hashing is bounded to the cores, so this shows queueing, not overload.
    let clients = 8;
    let per = n / clients;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = app.client();
        let url = app.url("/api/sign_in");
        tasks.push(tokio::spawn(async move {
            let mut v = Vec::new();
            for _ in 0..per {
                let t = Instant::now();
                client.post(&url).form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).send().await.unwrap();
                v.push(t.elapsed());
            }
            v
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let wall = start.elapsed();
    all.sort();
    println!(
        "sign-in, {clients} clients, {} requests: p50 {:.1} ms, p99 {:.1} ms, {:.0} sign-ins/s",
        all.len(),
        pct(&all, 0.5),
        pct(&all, 0.99),
        all.len() as f64 / wall.as_secs_f64()
    );
}
