//! Strict revocation across replicas on PostgreSQL: once a revoking call has
//! returned on one replica, no replica grants the key any more, whether it
//! is listening, has lost its connections, or was frozen (it answers 503
//! until it has caught up). SQLite has one serving process: these tests run
//! on PostgreSQL only.
use gatehouse_tests::{Api, TestServer};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An active subscription of a developer, with its primary key.
async fn a_key(a: &TestServer, api: &Api) -> String {
    a.create_developer("dev@example.com", "a developer passphrase").await;
    let users = api.get("/users?$filter=properties/email eq 'dev@example.com'").await;
    let dev = users.body["value"][0]["name"].as_str().unwrap().to_string();
    let product =
        json!({ "properties": { "displayName": "Docs", "state": "published", "subscriptionRequired": true } });
    assert_eq!(api.put("/products/docs", product).await.status, 201);
    let sub = json!({ "properties": { "scope": "/products/docs", "ownerId": format!("/users/{dev}"),
        "displayName": "docs app", "state": "active" } });
    assert_eq!(api.put("/subscriptions/docs-app", sub).await.status, 201);
    let secrets = api.send(api.client.post(api.url("/subscriptions/docs-app/listSecrets"))).await;
    secrets.body["primaryKey"].as_str().unwrap().to_string()
}

async fn set_state(api: &Api, state: &str) -> Duration {
    let started = Instant::now();
    let res = api.patch("/subscriptions/docs-app", Some("*"), json!({ "properties": { "state": state } })).await;
    assert_eq!(res.status, 200, "{}", res.body);
    started.elapsed()
}

/// Asks `app`'s check until it answers `status`; fails after 10 s. Returns
/// every answer seen on the way.
async fn check_until(app: &TestServer, key: &str, status: u16) -> Vec<u16> {
    let w = app.check_until(key, status, Duration::from_secs(10)).await;
    assert_eq!(w.status, status, "still {} ({}) after 10 s; saw {:?}", w.status, w.body, w.seen);
    w.seen
}

/// Key checks on `app` from `n` connections until stopped: when each began,
/// and what it answered.
struct Hammer {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<(Instant, u16)>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Hammer {
    fn start(app: &TestServer, key: &str, n: usize) -> Hammer {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let tasks = (0..n)
            .map(|_| {
                let (stop, seen, url, key) = (stop.clone(), seen.clone(), app.url("/gateway/check"), key.to_string());
                tokio::spawn(async move {
                    // One connection, reused, as a gateway keeps it.
                    let client = reqwest::Client::new();
                    while !stop.load(Ordering::Relaxed) {
                        let began = Instant::now();
                        let status = match client.get(&url).header("Ocp-Apim-Subscription-Key", &key).send().await {
                            Ok(r) => r.status().as_u16(),
                            Err(_) => 0,
                        };
                        seen.lock().unwrap().push((began, status));
                    }
                })
            })
            .collect();
        Hammer { stop, seen, tasks }
    }

    async fn finish(self) -> Vec<(Instant, u16)> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.unwrap();
        }
        let seen = self.seen.lock().unwrap().clone();
        seen
    }
}

/// How many of the checks that began after `t` answered each status.
fn after(seen: &[(Instant, u16)], t: Instant) -> std::collections::BTreeMap<u16, usize> {
    let mut m = std::collections::BTreeMap::new();
    for (began, status) in seen {
        if *began >= t {
            *m.entry(*status).or_insert(0) += 1;
        }
    }
    m
}

/// Two replicas (with `env` on both), and a key that B grants.
async fn two_replicas(env: &[(&str, &str)]) -> (TestServer, TestServer, Api, String) {
    let mut with_admin = vec![
        ("GATEHOUSE_ADMIN_EMAIL", gatehouse_tests::ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", gatehouse_tests::ADMIN_PASSWORD),
    ];
    with_admin.extend_from_slice(env);
    let a = TestServer::start_with(&with_admin);
    let b = a.replica(env);
    let api = a.api().await;
    let key = a_key(&a, &api).await;
    check_until(&b, &key, 200).await;
    (a, b, api, key)
}

const SHORT_LEASE: [(&str, &str); 1] = [("GATEHOUSE_REPLICA_LEASE_MILLIS", "1500")];

#[tokio::test]
async fn a_suspension_on_one_replica_is_in_force_on_the_other_when_the_call_returns() {
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let (_a, b, api, key) = two_replicas(&[]).await;

    let mut took = Vec::new();
    for round in 0..8 {
        // Checks on B from four connections, before, during and after the call on A.
        let hammer = Hammer::start(&b, &key, 4);
        tokio::time::sleep(Duration::from_millis(150)).await;
        let called = Instant::now();
        took.push(set_state(&api, "suspended").await);
        let returned = Instant::now();
        tokio::time::sleep(Duration::from_millis(150)).await;
        let seen = hammer.finish().await;
        let before = seen.iter().filter(|(t, s)| *t < called && *s == 200).count();
        assert!(before > 0, "round {round}: B granted the key before the call");
        let answers = after(&seen, returned);
        assert_eq!(
            answers.keys().copied().collect::<Vec<_>>(),
            vec![403],
            "round {round}: every check B began after A's call returned refused the key: {answers:?}"
        );

        // And a grant is in force on B as soon as its call returns, too.
        let hammer = Hammer::start(&b, &key, 4);
        set_state(&api, "active").await;
        let returned = Instant::now();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let answers = after(&hammer.finish().await, returned);
        assert_eq!(answers.keys().copied().collect::<Vec<_>>(), vec![200], "round {round}: {answers:?}");
    }
    println!("suspending calls with two replicas took {took:?}");
}

/// Ends B's connections to the database (as a database restart or a network
/// cut would): `which` narrows them by their last statement.
async fn end_connections(a: &TestServer, b: &TestServer, which: &str) -> i64 {
    let state = a.state().await;
    let ended: i64 = app::db::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ? AND query LIKE ?",
    )
    .bind(format!("gatehouse/{}", b.pid()))
    .bind(which.to_string())
    .fetch_one(&state.pool)
    .await
    .unwrap();
    ended
}

#[tokio::test]
async fn a_replica_whose_connections_were_ended_catches_up_and_answers_right() {
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let (a, b, api, key) = two_replicas(&[]).await;

    // B's listener only.
    assert_eq!(end_connections(&a, &b, "LISTEN%").await, 1, "B listens on one connection");
    let hammer = Hammer::start(&b, &key, 2);
    set_state(&api, "suspended").await;
    let returned = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answers = after(&hammer.finish().await, returned);
    assert_eq!(answers.get(&200), None, "no grant after the call returned: {answers:?}");
    check_until(&b, &key, 403).await;
    // It listens again: a change reaches it without waiting for a lease.
    set_state(&api, "active").await;
    assert_eq!(b.check_key(&reqwest::Client::new(), &key).await.0, 200);

    // Every connection B has: its pool, its index's, its lease's, its listener.
    let ended = end_connections(&a, &b, "%").await;
    assert!(ended >= 3, "ended {ended} of B's connections");
    let hammer = Hammer::start(&b, &key, 2);
    set_state(&api, "suspended").await;
    let returned = Instant::now();
    let seen = check_until(&b, &key, 403).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answers = after(&hammer.finish().await, returned);
    assert_eq!(answers.get(&200), None, "no grant after the call returned: {answers:?} (then {seen:?})");
    set_state(&api, "active").await;
    check_until(&b, &key, 200).await;
    let ready = reqwest::get(b.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200, "B is ready again");
}

#[tokio::test]
async fn a_frozen_replica_bounds_the_revoking_call_and_fails_closed_when_resumed() {
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let (_a, b, api, key) = two_replicas(&SHORT_LEASE).await;
    // While B answers, a revoking call does not wait for its lease.
    set_state(&api, "suspended").await;
    assert_eq!(b.check_key(&reqwest::Client::new(), &key).await.0, 403);
    set_state(&api, "active").await;
    assert_eq!(b.check_key(&reqwest::Client::new(), &key).await.0, 200);

    b.signal("STOP");
    let took = set_state(&api, "suspended").await;
    println!("suspending with B frozen took {took:?} (lease 1.5 s)");
    assert!(took >= Duration::from_millis(300), "A waited for B's lease to run out: {took:?}");
    assert!(took < Duration::from_millis(1500 + 2000), "A's call returned within B's lease: {took:?}");
    // The next call does not wait: B's lease has run out.
    let took = set_state(&api, "suspended").await;
    assert!(took < Duration::from_millis(1000), "{took:?}");

    // Resumed, B has not heard of the suspension: it must not grant the key.
    let hammer = Hammer::start(&b, &key, 4);
    b.signal("CONT");
    let seen = check_until(&b, &key, 403).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answers = after(&hammer.finish().await, Instant::now() - Duration::from_secs(60));
    println!("B resumed answered {answers:?}; one connection saw {seen:?}");
    assert_eq!(answers.get(&200), None, "B granted a suspended key after resuming: {answers:?}");
    let ready = reqwest::get(b.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200, "B is ready again once caught up");
}

#[tokio::test]
async fn killing_a_replica_during_writes_loses_nothing_it_acknowledged() {
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let (a, b, api, key) = two_replicas(&SHORT_LEASE).await;
    let on_b = Arc::new(b.api_with(&api.token));

    // Four writers on B creating accounts; B is killed while they run.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (on_b, acknowledged) = (on_b.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let id = format!("w{w}-{i}");
                    let body = json!({ "properties": { "email": format!("{id}@example.com"),
                        "firstName": "W", "lastName": "W", "state": "active" } });
                    let req = on_b.client.put(on_b.url(&format!("/users/{id}"))).json(&body);
                    match req.bearer_auth(&on_b.token).send().await {
                        Ok(r) if r.status().as_u16() == 201 => acknowledged.lock().unwrap().push(id),
                        Ok(r) => panic!("{id}: {}", r.status()),
                        Err(_) => return, // B is gone
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.stop(); // SIGKILL
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "B acknowledged {} accounts before it was killed", acknowledged.len());
    for id in &acknowledged {
        assert_eq!(api.get(&format!("/users/{id}")).await.status, 200, "{id} was acknowledged by B");
    }
    // A goes on: a revoking call waits at most for B's lease, then not at all.
    let took = set_state(&api, "suspended").await;
    assert!(took < Duration::from_millis(1500 + 2000), "{took:?}");
    assert_eq!(a.check_key(&reqwest::Client::new(), &key).await.0, 403);
    println!("B acknowledged {} accounts before kill -9; all are there", acknowledged.len());
}
