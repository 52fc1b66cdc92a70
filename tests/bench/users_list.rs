//! Users list at scale, against the real server on loopback.
//! `cargo run --release -p gatehouse-tests --bin bench-users-list [-- 100000 1000000]`
//! Seeds the accounts across 20 custom groups (plus Developers), then
//! measures a substring search (first page) and an unfiltered deep page.
#[path = "load.rs"]
mod load;
#[path = "seed.rs"]
mod seed;

use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use seed::seed;
use serde_json::json;
use std::time::{Duration, Instant};

fn query(q: &str, page: u32, sort: &str) -> serde_json::Value {
    json!({"query": {"q": q, "state": null, "group": null, "sort": sort, "desc": false, "page": page, "per_page": 25}})
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100_000, 1_000_000] } else { sizes };
    // Enough clients to keep both cores busy; each sends its next request
    // as soon as the previous answer arrives.
    let workers = 4;
    let secs = Duration::from_secs(10);
    // One data folder for all sizes: the larger size tops the smaller up.
    let mut dir = None;
    for n in sizes {
        let app = match dir.take() {
            // BENCH_FROM=/path/of/a/snapshot.db starts from a copy of a kept
            // database (BENCH_SNAPSHOT) instead of seeding again.
            None if std::env::var("BENCH_FROM").is_ok() => {
                let d = tempfile::tempdir().unwrap();
                std::fs::copy(std::env::var("BENCH_FROM").unwrap(), d.path().join("gatehouse.db")).unwrap();
                TestServer::start_in(d, &[("GATEHOUSE_LOG", "error")])
            }
            None => TestServer::start_with(&[
                ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
                ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
                ("GATEHOUSE_LOG", "error"),
            ]),
            Some(d) => TestServer::start_in(d, &[("GATEHOUSE_LOG", "error")]),
        };
        seed(&app, n).await;
        {
            // What the server's upkeep does at start and every ten minutes:
            // merge the search index's segments (see search_index_upkeep).
            let state = app.state().await;
            let mut conn = state.pool.acquire().await.unwrap();
            let t = Instant::now();
            while app::users::repo::merge_search_index(&mut conn, 200).await.unwrap() {}
            println!("merged the search index in {:.1} s", t.elapsed().as_secs_f64());
        }
        let admin = app.admin().await;
        let url = app.url("/api/admin/users/list");

        // The searched term and the deep page are fixed so runs compare.
        let probe: serde_json::Value =
            admin.post(&url).json(&query("silv", 1, "name")).send().await.unwrap().json().await.unwrap();
        let deep_page = (n as u32 / 25) * 9 / 10;
        // Next from the page before `deep_page` carries the uid of that
        // page's last row: the same request the pager's Next link makes.
        let cursor: String = {
            let state = app.state().await;
            let mut conn = state.pool.acquire().await.unwrap();
            app::db::query_scalar("SELECT uid FROM users ORDER BY registered_at, id LIMIT 1 OFFSET ?")
                .bind((deep_page as i64 - 1) * 25 - 1)
                .fetch_one(&mut conn)
                .await
                .unwrap()
        };
        println!(
            "{n} accounts: search 'silv' matches {} accounts (exact: {}); deep page = page {deep_page} of {}",
            probe["total"],
            probe["total_exact"],
            n / 25 + 1
        );
        let mut by_cursor = query("", deep_page, "registered");
        by_cursor["query"]["after"] = json!(cursor);
        let mut in_group = query("", 1, "name");
        in_group["query"]["group"] = json!("team-07");

        for (label, body) in [
            ("search 'hopper4242' (few), page 1 by name", query("hopper4242", 1, "name")),
            ("search 'silv', page 1 by name", query("silv", 1, "name")),
            ("search 'example4', page 1 by email", query("example4", 1, "email")),
            ("unfiltered, page 1 by name", query("", 1, "name")),
            ("group team-07, page 1 by name", in_group),
            ("deep page by registration, Next (cursor)", by_cursor),
            ("deep page by registration, ?page= (OFFSET)", query("", deep_page, "registered")),
        ] {
            let (client, url, body) = (admin.clone(), url.clone(), body.clone());
            let report = load::run(workers, secs, move |_| client.post(&url).json(&body)).await;
            println!("  {n:>8} | {label:<44} | {report}");
        }
        dir = Some(app.stop());
    }
}
