//! Gateway key checks per second and their latency, against the real server
//! on loopback, with 100,000 accounts and 200,000 subscriptions.
//!
//! The data is written straight into the database (keys sealed and hashed
//! with the server's own secret, as the service does) while the server is
//! stopped; the server then starts and loads its key index. The load comes
//! from a minimal HTTP/1.1 client over keep-alive connections, so the client
//! takes as little of the two cores as possible: each connection sends its
//! next check as soon as the previous answer is in (closed loop).
//!
//! Every check carries the original path (`X-Original-URI`, as nginx passes
//! it): 40 APIs, two in each of the 20 products, matched by the longest
//! prefix; every product has a rate limit and a quota (high enough not to
//! refuse), so each check also counts the call and keeps both limits. One
//! check in ten asks for an API outside the key's product (403).
//!
//! With `GATEHOUSE_TEST_PG` set (a PostgreSQL server, as `scripts/pg.sh`
//! starts one) it runs on PostgreSQL, and then also through nginx (which
//! must be installed) in front of one replica and of two, and times
//! revoking calls with one replica and with two.
//!
//! cargo run --release -p gatehouse-tests --bin bench-gateway [users] [subscriptions]
use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Rows per transaction: on PostgreSQL every row bumps one counter row (the
/// key change log's head, the account totals), and a transaction cannot
/// prune the versions it leaves, so one huge transaction slows down as it goes.
const CHUNK: usize = 2000;

/// A key, the path it asks for, and the status it should get.
type Sample = (String, String, &'static str);

/// The two APIs of product `p`, by path.
fn api_paths(p: usize) -> [String; 2] {
    [format!("api-{:02}/v1", 2 * p), format!("api-{:02}/v1", 2 * p + 1)]
}

async fn seed(dir: &std::path::Path, users: usize, subs: usize) -> Vec<Sample> {
    let settings = gatehouse_tests::settings_for(dir);
    let vault = app::subscriptions::keys::Vault::load(&settings).unwrap();
    let pool = app::db::connect(&settings).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    if pool.backend() == app::db::Backend::Sqlite {
        app::db::query("PRAGMA synchronous = OFF").execute(&mut conn).await.unwrap();
    }
    let t = Instant::now();
    let mut tx = app::db::begin(&mut conn).await.unwrap();
    let now = app::db::now();
    let mut products = Vec::new();
    for p in 0..20 {
        let id: i64 = app::db::query_scalar(
            "INSERT INTO products (uid, name, name_canonical, state, created_at, updated_at, rate_limit_calls,
                                   rate_limit_seconds, quota_calls, quota_period_seconds)
             VALUES (?, ?, ?, 'published', ?, ?, 1000000000, 60, 1000000000, 86400) RETURNING id",
        )
        .bind(format!("product-{p:02}"))
        .bind(format!("Product {p:02}"))
        .bind(format!("product {p:02}"))
        .bind(now)
        .bind(now)
        .fetch_one(&mut tx)
        .await
        .unwrap();
        products.push(id);
        for path in api_paths(p) {
            let api: i64 = app::db::query_scalar(
                "INSERT INTO apis (uid, name, path, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(path.replace('/', "-"))
            .bind(&path)
            .bind(&path)
            .bind(now)
            .bind(now)
            .fetch_one(&mut tx)
            .await
            .unwrap();
            app::db::query("INSERT INTO product_apis (product_id, api_id) VALUES (?, ?)")
                .bind(id)
                .bind(api)
                .execute(&mut tx)
                .await
                .unwrap();
        }
    }
    let mut user_ids = Vec::with_capacity(users);
    for i in 0..users {
        let email = format!("dev{i}@example{}.com", i % 97);
        // One account in fifty is blocked.
        let state = if i % 50 == 7 { "blocked" } else { "active" };
        let id: i64 = app::db::query_scalar(
            "INSERT INTO users (uid, email, email_canonical, first_name, last_name, state, search_text)
             VALUES (?, ?, ?, 'Dev', ?, ?, ?) RETURNING id",
        )
        .bind(format!("{i:016x}"))
        .bind(&email)
        .bind(&email)
        .bind(format!("N{i}"))
        .bind(state)
        .bind(app::users::search_text("Dev", &format!("N{i}"), &email))
        .fetch_one(&mut tx)
        .await
        .unwrap();
        user_ids.push((id, state));
        if i % CHUNK == CHUNK - 1 {
            tx.commit().await.unwrap();
            tx = app::db::begin(&mut conn).await.unwrap();
        }
    }
    println!("seeded {users} accounts in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    // The keys the load uses, with the answer each should get.
    let mut sample = Vec::new();
    for n in 0..subs {
        let (user, user_state) = user_ids[n % users];
        let pi = (n / users + n * 7) % products.len();
        let product = products[pi];
        let uid = format!("s{n:015x}");
        // One subscription in twenty is suspended.
        let state = if n % 20 == 3 { "suspended" } else { "active" };
        let p = app::subscriptions::keys::Vault::generate();
        let s = app::subscriptions::keys::Vault::generate();
        app::db::query(
            "INSERT INTO subscriptions (uid, user_id, product_id, display_name, state, primary_hash, primary_secret,
                                        secondary_hash, secondary_secret, created_at, start_date, updated_at)
             VALUES (?, ?, ?, 'App', ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&uid)
        .bind(user)
        .bind(product)
        .bind(state)
        .bind(&vault.hash(&p)[..])
        .bind(vault.seal(&p, &uid, app::subscriptions::keys::KeySlot::Primary))
        .bind(&vault.hash(&s)[..])
        .bind(vault.seal(&s, &uid, app::subscriptions::keys::KeySlot::Secondary))
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&mut tx)
        .await
        .unwrap();
        if n % CHUNK == CHUNK - 1 {
            tx.commit().await.unwrap();
            tx = app::db::begin(&mut conn).await.unwrap();
        }
        if n % 20 < 4 && sample.len() < 20_000 {
            let mut expect = if state == "active" && user_state == "active" { "200" } else { "403" };
            // One in ten asks for another product's API.
            let path = if sample.len() % 10 == 9 {
                expect = "403";
                api_paths((pi + 1) % products.len())[0].clone()
            } else {
                api_paths(pi)[n % 2].clone()
            };
            sample.push((if n % 2 == 0 { p } else { s }, format!("/{path}/orders/{n}?x=1"), expect));
        }
    }
    tx.commit().await.unwrap();
    app::db::query("ANALYZE").execute(&mut conn).await.unwrap();
    println!("seeded {subs} subscriptions (two sealed, hashed keys each) in {:.1} s", t.elapsed().as_secs_f64());
    // A few unknown keys too: a gateway sees those from scanners.
    for i in 0..200 {
        sample.push((format!("{i:032x}"), format!("/{}/orders", api_paths(i % 20)[0]), "401"));
    }
    sample
}

struct Run {
    checks: usize,
    wrong: usize,
    rps: f64,
    p50: f64,
    p99: f64,
    p999: f64,
    max: f64,
}

/// `conns` keep-alive connections, each sending checks back to back for `secs`.
///
/// The client is built to take as little of the two cores as it can, as wrk
/// does: it runs on one thread (the main runtime is single-threaded, like
/// one nginx worker, so no wake-ups cross threads), every request's bytes are
/// made before the clock starts, and an answer is read without allocating.
async fn load(addr: &str, keys: &[Sample], conns: usize, secs: u64) -> Run {
    let requests: std::sync::Arc<Vec<(Vec<u8>, &'static str)>> = std::sync::Arc::new(
        keys.iter()
            .map(|(key, path, expect)| {
                // An empty key or path is left out (the floor run sends neither).
                let path = if path.is_empty() { String::new() } else { format!("X-Original-URI: {path}\r\n") };
                let key = if key.is_empty() { String::new() } else { format!("Ocp-Apim-Subscription-Key: {key}\r\n") };
                let req = format!("GET /gateway/check HTTP/1.1\r\nHost: {addr}\r\n{path}{key}\r\n");
                (req.into_bytes(), *expect)
            })
            .collect(),
    );
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (requests, addr) = (requests.clone(), addr.to_string());
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let mut buf = vec![0u8; 4096];
            let mut lat = Vec::with_capacity(1 << 20);
            let mut wrong = 0;
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let (req, expect) = &requests[i % requests.len()];
                i += 1;
                let t = Instant::now();
                stream.write_all(req).await.unwrap();
                // Read one response: headers, then Content-Length bytes of body.
                let mut have = 0;
                loop {
                    let n = stream.read(&mut buf[have..]).await.unwrap();
                    assert!(n > 0, "server closed the connection");
                    have += n;
                    if let Some((end, len)) = head_end_and_length(&buf[..have]) {
                        if have >= end + len {
                            if &buf[9..12] != expect.as_bytes() {
                                wrong += 1;
                            }
                            break;
                        }
                    }
                }
                lat.push(t.elapsed());
            }
            (lat, wrong)
        }));
    }
    let mut all = Vec::new();
    let mut wrong = 0;
    for t in tasks {
        let (l, w) = t.await.unwrap();
        all.extend(l);
        wrong += w;
    }
    let wall = start.elapsed().as_secs_f64();
    all.sort();
    let q = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    Run {
        checks: all.len(),
        wrong,
        rps: all.len() as f64 / wall,
        p50: q(0.50),
        p99: q(0.99),
        p999: q(0.999),
        max: all.last().unwrap().as_secs_f64() * 1000.0,
    }
}

/// Where a response's head ends (the body's first byte) and its
/// Content-Length, once the whole head is in.
fn head_end_and_length(text: &[u8]) -> Option<(usize, usize)> {
    let end = text.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let len = text[..end]
        .split(|&b| b == b'\n')
        .find_map(|line| {
            let (name, value) = line.split_at(line.iter().position(|&b| b == b':')?);
            name.eq_ignore_ascii_case(b"content-length")
                .then(|| std::str::from_utf8(&value[1..]).ok()?.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    Some((end, len))
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let users = args.first().copied().unwrap_or(100_000);
    let subs = args.get(1).copied().unwrap_or(200_000);
    // First start: migrations, the first administrator and the server secret.
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_LOG", "error"),
    ]);
    let dir = app.stop();
    let keys = seed(dir.path(), users, subs).await;
    // GATEHOUSE_USAGE_FLUSH_MILLIS passes through, to see what writing the counts costs.
    let flush = std::env::var("GATEHOUSE_USAGE_FLUSH_MILLIS").unwrap_or_else(|_| "5000".into());
    let app = TestServer::start_in(dir, &[("GATEHOUSE_LOG", "error"), ("GATEHOUSE_USAGE_FLUSH_MILLIS", &flush)]);
    println!("call counts written every {flush} ms");
    let started = app.startup_output.lines().last().unwrap_or_default().to_string();
    println!("restarted with the key index loaded: {started}");
    println!("server memory (RSS): {:.0} MiB", rss_mib(app.pid()));
    let addr = app.base.trim_start_matches("http://").to_string();
    println!(
        "{} sample keys ({} expected 200, the rest suspended, blocked or unknown)",
        keys.len(),
        keys.iter().filter(|k| k.2 == "200").count()
    );
    let warm_up = load(&addr, &keys, 8, 2).await.checks;
    let floor = floor(&addr).await;
    let sent = warm_up + floor + runs("one replica, direct", &addr, &keys).await;
    println!("server memory (RSS) after the runs: {:.0} MiB", rss_mib(app.pid()));
    let api = app.api().await;
    counted(&api, sent).await;
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let sub = "s00000000000000a";
    revoking_calls("one replica", &api, sub).await;
    let b = app.replica(&[("GATEHOUSE_LOG", "error")]);
    revoking_calls("two replicas", &api, sub).await;
    let a_addr = addr.clone();
    let b_addr = b.base.trim_start_matches("http://").to_string();
    let nginx = Nginx::start(&[&a_addr]);
    load(&nginx.addr, &keys, 8, 2).await;
    runs("one replica behind nginx", &nginx.addr, &keys).await;
    drop(nginx);
    let nginx = Nginx::start(&[&a_addr, &b_addr]);
    load(&nginx.addr, &keys, 8, 2).await;
    runs("two replicas behind nginx", &nginx.addr, &keys).await;
}

/// What the reports counted against what was sent (the warm-up included),
/// once the last counts were written.
async fn counted(api: &gatehouse_tests::Api, sent: usize) {
    let now = app::db::now();
    let day = |t: i64| format!("{}T00:00:00", app::components::format_date(t));
    let f = format!("timestamp ge datetime'{}' and timestamp le datetime'{}'", day(now - 86_400), day(now + 86_400));
    let mut total = 0;
    // Until two reports in a row agree (a flush may be under way).
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_secs(6)).await;
        let a = api.get(&format!("/reports/byTime?$filter={}&interval=P1D", gatehouse_tests::urlencode(&f))).await;
        let t: i64 = a.body["value"].as_array().unwrap().iter().map(|r| r["callCountTotal"].as_i64().unwrap()).sum();
        if t == total && t > 0 {
            break;
        }
        total = t;
    }
    println!("the reports count {total} checks; the load client sent {sent} (warm-up included)");
}

/// What this machine's HTTP stack and the load client reach at this moment
/// with nothing to check: the same 8-connection load with neither key nor
/// path, which the check refuses at once (401). The runs below compare
/// with it, since on this shared machine the figures move from run to run.
async fn floor(addr: &str) -> usize {
    let none = [(String::new(), String::new(), "401")];
    let r = load(addr, &none, 8, 10).await;
    println!(
        "floor, nothing to check (401 at once):   8 connections: {:>7.0} checks/s  p50 {:.3} ms  p99 {:.3} ms  \
         ({} checks, {} wrong answers)",
        r.rps, r.p50, r.p99, r.checks, r.wrong
    );
    r.checks
}

/// The runs; returns how many checks they sent.
async fn runs(label: &str, addr: &str, keys: &[Sample]) -> usize {
    let mut sent = 0;
    for conns in [8, 32, 64] {
        let r = load(addr, keys, conns, 10).await;
        sent += r.checks;
        println!(
            "{label}: {conns:>3} connections: {:>7.0} checks/s  p50 {:.3} ms  p99 {:.3} ms  p99.9 {:.3} ms  \
             max {:.1} ms  ({} checks, {} wrong answers)",
            r.rps, r.p50, r.p99, r.p999, r.max, r.checks, r.wrong
        );
    }
    sent
}

/// 200 calls suspending and reactivating one subscription through the REST
/// API, one after another: how long a revoking call takes to return (on two
/// replicas, until the other replica holds the change too).
async fn revoking_calls(label: &str, api: &gatehouse_tests::Api, sub: &str) {
    let mut took = Vec::new();
    for i in 0..200 {
        let state = if i % 2 == 0 { "suspended" } else { "active" };
        let t = Instant::now();
        let res = api
            .patch(&format!("/subscriptions/{sub}"), Some("*"), serde_json::json!({ "properties": { "state": state } }))
            .await;
        took.push(t.elapsed());
        assert_eq!(res.status, 200, "{}", res.body);
    }
    took.sort();
    let q = |p: f64| took[((took.len() as f64 * p) as usize).min(took.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{label}: revoking and granting calls (200): p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        q(0.5),
        q(0.99),
        q(1.0)
    );
}

/// nginx in front of the replicas as the README's example has it (a
/// keep-alive upstream), on a free port, stopped when dropped.
struct Nginx {
    addr: String,
    /// Its configuration and logs, removed after it stopped.
    _dir: tempfile::TempDir,
    child: std::process::Child,
}

impl Nginx {
    fn start(upstreams: &[&str]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let servers: String = upstreams.iter().map(|u| format!("        server {u};\n")).collect();
        let conf = format!(
            "worker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n    access_log off;\n    keepalive_requests 10000000;\n    client_body_temp_path {d};\n    proxy_temp_path {d};\n\
                 upstream gatehouse {{\n{servers}        keepalive 64;\n        keepalive_requests 10000000;\n    }}\n\
                 server {{\n        listen 127.0.0.1:{port};\n        location / {{\n\
                 proxy_pass http://gatehouse;\n            proxy_http_version 1.1;\n\
                 proxy_set_header Connection \"\";\n        }}\n    }}\n}}\n",
            d = dir.path().display()
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let child = std::process::Command::new("nginx")
            .args(["-e", &dir.path().join("error.log").display().to_string(), "-c", &path.display().to_string()])
            .spawn()
            .expect("nginx (apt install nginx-light)");
        let addr = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(&addr).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx { addr, _dir: dir, child }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
