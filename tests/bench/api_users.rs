//! The REST API's users list at scale: `$filter=contains(properties/email,'…')`
//! with `$top=100`, against the real server on loopback.
//! `cargo run --release -p gatehouse-tests --bin bench-api-users [-- 100000]`
#[path = "load.rs"]
mod load;
#[path = "seed.rs"]
mod seed;

use gatehouse_tests::{urlencode, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD, API_SERVICE_PATH};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_LOG", "error"),
    ]);
    seed::seed(&app, n).await;
    {
        let state = app.state().await;
        let mut conn = state.pool.acquire().await.unwrap();
        while app::users::repo::merge_search_index(&mut conn, 200).await.unwrap() {}
    }
    let admin = app.admin().await;
    let token = app.create_token(&admin, "bench", 0).await["token"].as_str().unwrap().to_string();
    let client = reqwest::Client::new();
    let workers = 4;
    let secs = Duration::from_secs(10);
    println!("{n} accounts; {workers} connections, closed loop, {} s per row", secs.as_secs());
    for term in ["hopper42", "lovelace12", "silv", "example4", "@example1"] {
        let filter = format!("contains(properties/email,'{term}')");
        let url = format!(
            "{}{API_SERVICE_PATH}/users?api-version=2022-08-01&$top=100&$filter={}",
            app.base,
            urlencode(&filter)
        );
        let probe: serde_json::Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let shown = probe["value"].as_array().map(|a| a.len()).unwrap_or(0);
        let (c, u, t) = (client.clone(), url.clone(), token.clone());
        let report = load::run(workers, secs, move |_| c.get(&u).bearer_auth(&t)).await;
        println!("  contains(email,'{term:<10}') | {:>6} match, {shown:>3} shown | {report}", probe["count"]);
    }
}
