//! A database held by a long write (an import, a backup, the CLI): signed-in
//! pages keep working, and a write that cannot get in answers 503 with
//! Retry-After instead of 500.
use gatehouse_tests::{TestServer, API_SERVICE_PATH};
use sqlx::Connection;
use std::time::{Duration, Instant};

/// Another process's connection holding SQLite's write lock until dropped.
async fn hold_write_lock(app: &TestServer) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", app.db_path().display())).await.unwrap();
    app::db::query("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
    conn
}

async fn last_seen(app: &TestServer) -> i64 {
    let state = app.state().await;
    app::db::query_scalar("SELECT last_seen_at FROM sessions").fetch_one(&state.pool).await.unwrap()
}

#[tokio::test]
async fn signed_in_pages_work_while_another_process_writes_and_last_seen_is_written_later() {
    if gatehouse_tests::on_postgres() {
        return; // SQLite's single writer lock; PostgreSQL locks rows.
    }
    let app = TestServer::start();
    let dev = app.client();
    app.create_developer("dev@example.com", "developer-password").await;
    app.sign_in(&dev, "dev@example.com", "developer-password").await;
    // Two minutes since the session was last seen: this request's touch is due.
    let state = app.state().await;
    app::db::query("UPDATE sessions SET last_seen_at = last_seen_at - 120").execute(&state.pool).await.unwrap();
    let before = last_seen(&app).await;

    let lock = hold_write_lock(&app).await;
    let started = Instant::now();
    let res = dev.post(app.url("/api/current_user")).send().await.unwrap();
    assert_eq!(res.status(), 200, "a read-only signed-in request must not wait for the write lock");
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["email"], "dev@example.com", "still signed in");
    let page = dev.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    // Not a timing assertion on speed: the busy timeout is 5 s, and a request
    // that had waited for it would have failed above.
    eprintln!("two signed-in requests under a held write lock took {:?}", started.elapsed());
    drop(lock);

    // The touch is written in the background once the database is free.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = last_seen(&app).await;
        if now >= before + 100 {
            break;
        }
        assert!(Instant::now() < deadline, "last_seen_at was never written (still {now}, was {before})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_write_that_outlasts_the_busy_timeout_answers_503_with_retry_after() {
    if gatehouse_tests::on_postgres() {
        return; // SQLite's single writer lock; PostgreSQL locks rows.
    }
    let app = TestServer::start();
    let api = app.api().await;
    let lock = hold_write_lock(&app).await;
    let res = api
        .client
        .put(format!("{}{API_SERVICE_PATH}/users/ada?api-version=2022-08-01", app.url("")))
        .bearer_auth(&api.token)
        .json(&serde_json::json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("2"));
    drop(lock);
    // Nothing was half-written: the same request succeeds afterwards.
    let again = api
        .send(api.client.put(api.url("/users/ada")).json(&serde_json::json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace" } })))
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
}
