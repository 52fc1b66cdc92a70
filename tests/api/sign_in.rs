use gatehouse_tests::{TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};

fn set_cookie(res: &reqwest::Response) -> String {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn an_administrator_signs_in_reaches_the_dashboard_and_signs_out() {
    let app = TestServer::start();
    let client = app.client();

    let res = app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let cookie = set_cookie(&res);
    assert!(cookie.starts_with("gatehouse_sid="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert_eq!(res.headers().get("location").unwrap(), "/admin");

    let page = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Dashboard"), "{html}");
    assert!(html.contains("Signed in as Gatehouse Administrator"), "{html}");

    let stats = client.post(app.url("/api/admin/dashboard_stats")).send().await.unwrap();
    assert_eq!(stats.status(), 200);
    let stats: serde_json::Value = stats.json().await.unwrap();
    assert_eq!(stats["administrators"], 1);
    assert_eq!(stats["groups"], 3);

    let out = client.post(app.url("/api/sign_out")).send().await.unwrap();
    assert!(set_cookie(&out).contains("Max-Age=0"));
    let again = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers().get("location").unwrap(), "/sign-in?next=%2Fadmin");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestServer::start();
    let client = app.client();
    let wrong = app.sign_in(&client, ADMIN_EMAIL, "not-the-password").await;
    let (s1, b1) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = app.sign_in(&client, "nobody@example.com", "not-the-password").await;
    let (s2, b2) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(s1, s2);
    assert_eq!(b1, b2);
    assert!(b1.contains("InvalidCredentials"), "{b1}");
    assert_eq!(s1, 401);
}

#[tokio::test]
async fn email_is_matched_case_insensitively() {
    let app = TestServer::start();
    let res = app.sign_in(&app.client(), "  ADMIN@Example.com ", ADMIN_PASSWORD).await;
    assert!(res.headers().get("set-cookie").is_some(), "{}", res.status());
}

#[tokio::test]
async fn repeated_failures_are_throttled_and_the_answer_says_when_to_retry() {
    let app = TestServer::start();
    let client = app.client();
    for _ in 0..5 {
        let r = app.sign_in(&client, ADMIN_EMAIL, "wrong-password").await;
        assert!(r.text().await.unwrap().contains("InvalidCredentials"));
    }
    let r = app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
    let body = r.text().await.unwrap();
    assert!(body.contains("Throttled") && body.contains("retry_after_secs"), "{body}");
    // Another account is not affected by this account's failures.
    app.create_developer("dev@example.com", "developer-password").await;
    let r = app.sign_in(&client, "dev@example.com", "developer-password").await;
    assert!(r.headers().get("set-cookie").is_some());
}

#[tokio::test]
async fn a_signed_in_session_gets_a_new_id_at_each_sign_in() {
    let app = TestServer::start();
    let client = app.client();
    let first = set_cookie(&app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let second = set_cookie(&app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert_ne!(first, second);
    let state = app.state().await;
    let n: i64 = app::db::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&state.pool).await.unwrap();
    assert_eq!(n, 1, "the old session ended when the new one began");
}

#[tokio::test]
async fn a_developer_is_refused_from_the_admin_area_and_admin_functions() {
    let app = TestServer::start();
    app.create_developer("dev@example.com", "developer-password").await;
    let client = app.client();
    let res = app.sign_in(&client, "dev@example.com", "developer-password").await;
    assert_eq!(res.headers().get("location").unwrap(), "/");

    let page = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("You do not have access to this page."));

    let stats = client.post(app.url("/api/admin/dashboard_stats")).send().await.unwrap();
    assert_eq!(stats.status(), 403);
    assert!(stats.text().await.unwrap().contains("Forbidden"));

    let anonymous = app.client().post(app.url("/api/admin/dashboard_stats")).send().await.unwrap();
    assert!(anonymous.text().await.unwrap().contains("Unauthenticated"));
}

#[tokio::test]
async fn a_blocked_account_cannot_sign_in_and_its_session_ends_on_the_next_request() {
    let app = TestServer::start();
    let dev = app.create_developer("dev@example.com", "developer-password").await;
    let client = app.client();
    app.sign_in(&client, "dev@example.com", "developer-password").await;
    let me: serde_json::Value = client.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email"], "dev@example.com");

    let state = app.state().await;
    let mut conn = state.pool.acquire().await.unwrap();
    app::users::repo::set_state(&mut conn, dev, app::users::UserState::Blocked).await.unwrap();

    let me: serde_json::Value = client.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert!(me.is_null(), "blocked session must be anonymous, got {me}");
    let res = app.sign_in(&app.client(), "dev@example.com", "developer-password").await;
    assert!(res.text().await.unwrap().contains("InvalidCredentials"));
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestServer::start();
    let client = app.client();
    app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let state = app.state().await;
    app::db::query("UPDATE sessions SET last_seen_at = last_seen_at - 31 * 60").execute(&state.pool).await.unwrap();
    let res = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), 303, "an idle session must not open the admin area");
    let n: i64 = app::db::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&state.pool).await.unwrap();
    assert_eq!(n, 0, "the dead session is deleted");
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = TestServer::start();
    let a = app.client();
    let b = app.client();
    app.sign_in(&a, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.sign_in(&b, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let short = a
        .post(app.url("/api/change_password"))
        .form(&[("current", ADMIN_PASSWORD), ("new_password", "short"), ("confirm", "short")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(short.contains("ErrPasswordTooShort") && short.contains("new_password"), "{short}");

    let ok = a
        .post(app.url("/api/change_password"))
        .form(&[
            ("current", ADMIN_PASSWORD),
            ("new_password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "{}", ok.text().await.unwrap());

    let me_a: serde_json::Value = a.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me_a["email"], ADMIN_EMAIL, "this browser stays signed in");
    let me_b: serde_json::Value = b.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert!(me_b.is_null(), "the other browser is signed out");
    let old = app.sign_in(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(old.text().await.unwrap().contains("InvalidCredentials"));
}

/// After sign-in the server follows `next` only to a path on its own origin,
/// however the value tries to leave it; a value that cannot be a header never
/// reaches one (no panic, no half-written sign-in).
#[tokio::test]
async fn next_after_sign_in_never_leaves_the_site() {
    let app = TestServer::start();
    let cases = [
        ("/admin/users?state=blocked", "/admin/users?state=blocked"),
        ("/\t/evil.example", "/admin"),
        ("/\n/evil.example", "/admin"),
        ("/\r\nSet-Cookie: x=1", "/admin"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("//evil.example", "/admin"),
        ("/\\evil.example", "/admin"),
        ("https://evil.example/", "/admin"),
        ("http://127.0.0.1:1/elsewhere", "/admin"),
        ("javascript:alert(1)", "/admin"),
    ];
    for (next, want) in cases {
        let client = app.client();
        let res = client
            .post(app.url("/api/sign_in"))
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success() || res.status().is_redirection(), "{next:?}: {}", res.status());
        assert_eq!(res.headers().get("location").unwrap(), want, "next = {next:?}");
        assert!(set_cookie(&res).starts_with("gatehouse_sid="), "{next:?}: signed in");
    }
}

/// Parallel wrong passwords for one account: the throttle counts each
/// attempt before its password is checked, so no more than the free ones
/// are ever checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_cannot_race_the_throttle() {
    let app = std::sync::Arc::new(TestServer::start());
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(
                async move { app.sign_in(&app.client(), ADMIN_EMAIL, "wrong-password").await.status().as_u16() },
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + throttled, 40, "{statuses:?}");
    assert!(checked <= 5, "{checked} of 40 parallel attempts were checked: the throttle allows 5");
}

/// Sign-up and Forgot password each cost a hash or an email and need no
/// account: one address gets a few, then waits.
#[tokio::test]
async fn costly_anonymous_requests_are_limited_per_address() {
    let app = TestServer::start();
    let client = app.client();
    let mut answers = Vec::new();
    for i in 0..12 {
        let email = format!("someone{i}@example.com");
        let res = client.post(app.url("/api/forgot_password")).form(&[("email", email.as_str())]).send().await.unwrap();
        answers.push((res.status().as_u16(), res.headers().get("retry-after").is_some()));
    }
    assert!(answers[..10].iter().all(|a| a.0 == 200), "{answers:?}");
    assert_eq!(answers[10], (429, true), "{answers:?}");
    let body = client
        .post(app.url("/api/signup"))
        .form(&[("email", "x@example.com"), ("first_name", "X"), ("last_name", "Y"), ("password", "a long passphrase")])
        .send()
        .await
        .unwrap();
    assert_ne!(body.status(), 429, "sign-up has its own allowance");
}

/// Beyond a short queue of password hashes the server answers 503 with
/// Retry-After at once instead of holding requests for minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_hash_queue_answers_503_with_retry_after() {
    let app = std::sync::Arc::new(TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_PASSWORD_HASH_QUEUE", "0"),
    ]));
    // Different accounts (the per-account throttle stays out of the way),
    // all at once from one client address (30 free attempts).
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let res = app.sign_in(&app.client(), &format!("user{i}@example.com"), "wrong-password").await;
                (res.status().as_u16(), res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string()))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(answers.iter().all(|(s, _)| *s == 401 || *s == 503), "{answers:?}");
    assert!(answers.iter().any(|a| a.0 == 503 && a.1.as_deref() == Some("1")), "{answers:?}");
    assert!(answers.iter().any(|a| a.0 == 401), "{answers:?}");
}

/// Parallel attempts read the clock before they take turns on the throttle's
/// row, so a later turn can carry a slightly earlier time. The first attempts
/// are free: none of them may be told to wait (this was a 429 with
/// Retry-After 1 on a fresh address, now and then, under load).
#[tokio::test]
async fn a_first_attempt_is_never_told_to_wait_whatever_order_the_turns_take() {
    use app::auth::throttle::attempt_at;
    use app::state::IP_THROTTLE;
    let app = TestServer::start();
    let state = app.state().await;
    let now = 1_900_000_000_000;
    assert_eq!(attempt_at(&state, &[(&IP_THROTTLE, "192.0.2.7")], now).await.unwrap(), None);
    assert_eq!(
        attempt_at(&state, &[(&IP_THROTTLE, "192.0.2.7")], now - 1).await.unwrap(),
        None,
        "the second of 30 free attempts, read 1 ms before the first took its turn"
    );
}
