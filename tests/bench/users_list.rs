//! Users list at scale, against the real server on loopback.
//! `cargo run --release -p gatehouse-tests --bin bench-users-list [-- 100000 1000000]`
//! Seeds the accounts across 20 custom groups (plus Developers), then
//! measures a substring search (first page) and an unfiltered deep page.
#[path = "load.rs"]
mod load;

use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;
use std::time::{Duration, Instant};

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Ken",
    "Dennis",
    "Linus",
    "Guido",
    "Bjarne",
    "James",
    "Anders",
    "Margaret",
    "Frances",
    "Radia",
    "Sophie",
    "Lynn",
    "Hedy",
    "Katherine",
    "Tim",
    "Vint",
    "Bob",
    "John",
    "Niklaus",
    "Leslie",
    "Tony",
    "Robin",
    "Ivan",
    "Fran",
    "Jean",
    "Shafi",
    "Silvio",
    "Whitfield",
    "Martin",
    "Adele",
    "Susan",
    "Carol",
    "Joan",
    "Mary",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Thompson",
    "Ritchie",
    "Torvalds",
    "Rossum",
    "Stroustrup",
    "Gosling",
    "Hejlsberg",
    "Hamilton",
    "Allen",
    "Perlman",
    "Wilson",
    "Conway",
    "Lamarr",
    "Johnson",
    "Berners",
    "Cerf",
    "Kahn",
    "McCarthy",
    "Wirth",
    "Lamport",
    "Hoare",
    "Milner",
    "Sutherland",
    "Bilas",
    "Sammet",
    "Goldwasser",
    "Micali",
    "Diffie",
    "Hellman",
    "Goldberg",
    "Kare",
    "Shaw",
    "Clarke",
    "Keller",
    "Silva",
    "Jansen",
    "deVries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
];

/// Which of the 20 teams an account joins: a hash of its id, so that team
/// membership does not follow the name pattern (with `i % 20`, every member
/// of a team shared one of two first names).
fn team_of(id: i64) -> i64 {
    id * 2_654_435_761 % 4_294_967_291 % 20
}

async fn seed(app: &TestServer, total: usize) {
    let state = app.state().await;
    let mut conn = state.pool.acquire().await.unwrap();
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *conn).await.unwrap();
    let need = total as i64 + 1 - have;
    if need <= 0 {
        return;
    }
    let t = Instant::now();
    sqlx::query("PRAGMA synchronous = OFF").execute(&mut *conn).await.unwrap();
    let groups: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE kind = 'custom'").fetch_one(&mut *conn).await.unwrap();
    for g in groups..20 {
        sqlx::query("INSERT INTO groups (uid, name, name_canonical, kind) VALUES (?, ?, ?, 'custom')")
            .bind(format!("team-{g:02}"))
            .bind(format!("Team {g:02}"))
            .bind(format!("team {g:02}"))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let dev: i64 =
        sqlx::query_scalar("SELECT id FROM groups WHERE uid = 'developers'").fetch_one(&mut *conn).await.unwrap();
    let team0: i64 =
        sqlx::query_scalar("SELECT id FROM groups WHERE uid = 'team-00'").fetch_one(&mut *conn).await.unwrap();
    let base = have as usize;
    let batch = 10_000;
    let mut done = 0usize;
    while (done as i64) < need {
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        for k in 0..batch.min(need as usize - done) {
            let i = base + done + k;
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len()) % LAST.len()];
            let email = format!("{}.{}{}@example{}.com", first.to_lowercase(), last.to_lowercase(), i, i % 97);
            let state = if i % 50 == 0 { "blocked" } else { "active" };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (uid, email, email_canonical, first_name, last_name, state, registered_at, search_text)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(format!("{i:016x}"))
            .bind(&email)
            .bind(&email)
            .bind(first)
            .bind(last)
            .bind(state)
            .bind(1_700_000_000 + i as i64 * 60)
            .bind(app::users::search_text(first, last, &email))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES (?, ?), (?, ?)")
                .bind(dev)
                .bind(id)
                .bind(team0 + team_of(id))
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        done += batch.min(need as usize - done);
    }
    sqlx::query("PRAGMA optimize").execute(&mut *conn).await.unwrap();
    sqlx::query("ANALYZE").execute(&mut *conn).await.unwrap();
    println!("seeded {need} accounts in {:.1} s", t.elapsed().as_secs_f64());
    if let Ok(path) = std::env::var("BENCH_SNAPSHOT") {
        // A copy to study query plans with: BENCH_SNAPSHOT=/tmp/users.db
        let _ = std::fs::remove_file(&path);
        sqlx::query(&format!("VACUUM INTO '{path}'")).execute(&mut *conn).await.unwrap();
    }
}

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
            sqlx::query_scalar("SELECT uid FROM users ORDER BY registered_at, id LIMIT 1 OFFSET ?")
                .bind((deep_page as i64 - 1) * 25 - 1)
                .fetch_one(&mut *conn)
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
