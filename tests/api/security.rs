use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn cross_site_posts_to_server_functions_are_refused() {
    let app = TestServer::start();
    let plain = reqwest::Client::new();
    let forged = plain
        .post(app.url("/api/sign_in"))
        .header("origin", "https://evil.example")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().get("set-cookie").is_none());

    let fetch_meta = plain.post(app.url("/api/sign_out")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(fetch_meta.status(), 403);

    let same = app.sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(same.headers().get("set-cookie").is_some());
}

#[tokio::test]
async fn server_function_answers_are_not_cached() {
    let app = TestServer::start();
    let res = app.client().post(app.url("/api/current_user")).send().await.unwrap();
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let app = TestServer::start();
    let state = app.state().await;
    if !gatehouse_tests::on_postgres() {
        let mode: String = app::db::query_scalar("PRAGMA journal_mode").fetch_one(&state.pool).await.unwrap();
        assert_eq!(mode, "wal");
    }
    let groups: Vec<String> = app::db::query_scalar("SELECT uid FROM groups WHERE kind = 'system' ORDER BY id")
        .fetch_all(&state.pool)
        .await
        .unwrap();
    assert_eq!(groups, ["administrators", "developers", "guests"]);
    let hash: String = app::db::query_scalar("SELECT password_hash FROM users").fetch_one(&state.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}
