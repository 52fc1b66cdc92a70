use gatehouse_tests::TestServer;

#[tokio::test]
async fn first_start_without_settings_prints_a_one_time_password_that_must_be_changed() {
    let app = TestServer::start_with(&[]);
    let out = app.startup_output.clone();
    let pw = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("One-time password: "))
        .unwrap_or_else(|| panic!("no password printed:\n{out}"))
        .to_string();
    assert!(pw.len() >= 20);
    assert!(out.contains("admin@localhost.localdomain"));

    let client = app.client();
    let res = app.sign_in(&client, "admin@localhost.localdomain", &pw).await;
    assert_eq!(res.headers().get("location").unwrap(), "/profile", "must change the password first");
    let admin = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(admin.status(), 303);
    assert_eq!(admin.headers().get("location").unwrap(), "/profile");
    let stats = client.post(app.url("/api/admin/dashboard_stats")).send().await.unwrap();
    assert!(stats.text().await.unwrap().contains("PasswordChangeRequired"));

    let changed = client
        .post(app.url("/api/change_password"))
        .form(&[("current", pw.as_str()), ("new_password", "my own passphrase"), ("confirm", "my own passphrase")])
        .send()
        .await
        .unwrap();
    assert!(changed.status().is_success());
    assert_eq!(client.get(app.url("/admin")).send().await.unwrap().status(), 200);

    // A restart neither creates another administrator nor prints a password.
    let dir = app.stop();
    let again = TestServer::start_in(dir, &[]);
    assert!(!again.startup_output.contains("One-time password"), "{}", again.startup_output);
}

#[tokio::test]
async fn the_first_administrator_can_come_from_the_environment() {
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", "ops@example.com"),
        ("GATEHOUSE_ADMIN_PASSWORD", "from the environment"),
    ]);
    assert!(!app.startup_output.contains("One-time password"));
    let client = app.client();
    let res = app.sign_in(&client, "ops@example.com", "from the environment").await;
    assert_eq!(res.headers().get("location").unwrap(), "/admin");
}
