//! Several replicas on one database (PostgreSQL in production; the same
//! holds for two processes on one SQLite file): whatever a person or a
//! gateway meets on one replica, the others know.
use gatehouse_tests::{call_form, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn accounts_sessions_throttles_and_key_changes_reach_every_replica() {
    let a = TestServer::start();
    let b = a.replica(&[]);

    // An account created on A signs in on B.
    let admin = a.admin().await;
    let (s, _) = call_form(
        &admin,
        &a,
        "/api/admin/users/create",
        &[
            ("email", "dev@example.com"),
            ("first_name", "Dev"),
            ("last_name", "One"),
            ("password", "a developer passphrase"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let dev = b.client();
    assert_eq!(b.sign_in(&dev, "dev@example.com", "a developer passphrase").await.status(), 200);

    // A session begun on A works on B: its cookie, sent to B as a load
    // balancer would send it.
    let res = a.sign_in(&reqwest::Client::new(), "dev@example.com", "a developer passphrase").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let res = reqwest::Client::new()
        .post(b.url("/api/subscriptions/mine"))
        .header("origin", &b.base)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // A key made on A opens B's check; suspended on A, B refuses it.
    let api = a.api().await;
    let product =
        json!({ "properties": { "displayName": "Docs", "state": "published", "subscriptionRequired": true } });
    assert_eq!(api.put("/products/docs", product).await.status, 201);
    let users = api.get("/users?$filter=properties/email eq 'dev@example.com'").await;
    let owner = users.body["value"][0]["name"].as_str().unwrap().to_string();
    let sub = json!({ "properties": { "scope": "/products/docs", "ownerId": format!("/users/{owner}"),
        "displayName": "docs app", "state": "active" } });
    assert_eq!(api.put("/subscriptions/docs-app", sub).await.status, 201);
    let secrets = api.send(api.client.post(api.url("/subscriptions/docs-app/listSecrets"))).await;
    let key = secrets.body["primaryKey"].as_str().unwrap().to_string();
    let gatehouse_tests::Waited { status, body, took, .. } = b.check_until(&key, 200, Duration::from_secs(5)).await;
    assert_eq!(status, 200, "{body}");
    println!("a new key reached B's check after {took:?}");
    let patch = json!({ "properties": { "state": "suspended" } });
    assert_eq!(api.patch("/subscriptions/docs-app", Some("*"), patch).await.status, 200);
    let gatehouse_tests::Waited { status, body, took, .. } = b.check_until(&key, 403, Duration::from_secs(5)).await;
    assert_eq!((status, body.as_str()), (403, "subscription suspended"));
    println!("a suspension reached B's check after {took:?}");

    // Failed sign-ins on A count on B too: the sixth attempt waits, wherever it lands.
    let (on_a, on_b) = (a.client(), b.client());
    for (i, (app, client)) in [(&a, &on_a), (&b, &on_b), (&a, &on_a), (&b, &on_b), (&a, &on_a)].into_iter().enumerate()
    {
        let res = app.sign_in(client, ADMIN_EMAIL, "wrong password").await;
        assert_eq!(res.status(), 401, "attempt {}", i + 1);
    }
    let res = b.sign_in(&on_b, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429, "throttled on B by the failures counted on A and B");
}

#[tokio::test]
async fn two_replicas_drain_the_outbox_and_each_message_arrives_once() {
    let smtp = gatehouse_tests::SmtpServer::start();
    let a = gatehouse_tests::start_with_smtp(&smtp, &[]);
    let env = smtp.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let b = a.replica(&env);
    let admin = a.admin().await;
    // 500 invitations in one transaction on A; B's worker finds them within
    // its poll, A's is woken at once: both claim from the same queue.
    let rows: Vec<serde_json::Value> = (0..500)
        .map(|i| json!({ "email": format!("m{i}@example.com"), "first_name": "M", "last_name": "M", "lang": "En" }))
        .collect();
    let (s, results) =
        gatehouse_tests::call_json(&admin, &a, "/api/admin/invitations/bulk", json!({ "rows": rows })).await;
    assert_eq!(s, 200, "{results}");
    let messages = smtp.wait_for(500, 90);
    // Nothing more comes: a second copy would arrive within the workers' poll.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = if smtp.messages().len() > messages.len() { smtp.messages() } else { messages };
    let mut ids: Vec<&str> =
        messages.iter().map(|m| gatehouse_tests::header(m, "Message-ID").expect("a Message-ID")).collect();
    assert_eq!(ids.len(), 500, "every invitation arrived, none twice");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 500, "no Message-ID twice");
    drop(b);
}

/// The claim itself, two replicas at the same instant: while one replica's
/// claim is still uncommitted, another's takes other messages at once
/// instead of waiting for it and then taking the same ones. (SQLite has one
/// writer at a time: there the second claim waits its turn by design.)
#[tokio::test]
async fn a_claim_skips_what_another_replica_is_claiming() {
    if !gatehouse_tests::on_postgres() {
        return;
    }
    let app = TestServer::start();
    let state = app.state().await;
    let now = app::db::now();
    for i in 0..10 {
        app::db::query(
            "INSERT INTO email_outbox (kind, recipient, lang, subject, text_body, html_body, message_id, next_attempt_at)
             VALUES ('test', ?, 'en', 'Hello', 'Hello', '<p>Hello</p>', ?, ?)",
        )
        .bind(format!("r{i}@example.com"))
        .bind(format!("<claim-{i}@example.com>"))
        .bind(now + 3600) // not due for the server's own worker
        .execute(&state.pool)
        .await
        .unwrap();
    }
    let later = now + 7200;
    let mut first = state.pool.begin_read().await.unwrap();
    let mine = app::emails::repo::claim(&mut first, later, later + 300, 5).await.unwrap();
    assert_eq!(mine.len(), 5);
    let mut second = state.pool.acquire().await.unwrap();
    let theirs =
        tokio::time::timeout(Duration::from_secs(3), app::emails::repo::claim(&mut second, later, later + 300, 5))
            .await
            .expect("the second claim does not wait for the first")
            .unwrap();
    first.commit().await.unwrap();
    let mut ids: Vec<i64> = mine.iter().chain(&theirs).map(|c| c.id).collect();
    assert_eq!(ids.len(), 10);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10, "no message claimed by both");
}
