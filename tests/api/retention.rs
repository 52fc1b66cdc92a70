//! The retention job: every kind of finished record is deleted once its
//! period has passed, in batches, and what is still within its period (or
//! still in use) stays.
use super::signup::sign_up;
use gatehouse_tests::{call_form, link_in, restart_with_smtp, start_with_smtp, wait_for_mail, SmtpServer};
use serde_json::json;
use std::time::{Duration, Instant};

/// Rows in each table the job cleans, plus the accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counts {
    sessions: i64,
    links: i64,
    reset_requests: i64,
    emails: i64,
    access_tokens: i64,
    key_changes: i64,
    users: i64,
}

async fn counts(pool: &app::db::Pool) -> Counts {
    let n = |table: &'static str| async move {
        app::db::query_scalar::<i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await.unwrap()
    };
    Counts {
        sessions: n("sessions").await,
        links: n("account_links").await,
        reset_requests: n("reset_requests").await,
        emails: n("email_outbox").await,
        access_tokens: n("access_tokens").await,
        key_changes: n("key_changes").await,
        users: n("users").await,
    }
}

async fn emails(pool: &app::db::Pool) -> Vec<(String, String)> {
    app::db::query_as("SELECT recipient, status FROM email_outbox ORDER BY id").fetch_all(pool).await.unwrap()
}

#[tokio::test]
async fn finished_records_are_deleted_after_their_period_and_the_rest_stays() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let api = app.api().await;

    // A sign-up that never verifies, and one that does.
    assert_eq!(sign_up(&app, "never@example.com", "nevers long passphrase", false).await.0, 200);
    assert_eq!(sign_up(&app, "kept@example.com", "kepts long passphrase", false).await.0, 200);
    let mail = wait_for_mail(&smtp, "kept@example.com", "Confirm your email address", 20);
    let browser = app.client();
    super::invitations::follow(&browser, &app, &link_in(&mail)).await;
    assert_eq!(call_form(&browser, &app, "/api/verify/confirm", &[]).await.0, 200);
    // Sessions (the developer signs in twice), a forgot-password request
    // with its link and email.
    for _ in 0..2 {
        let s = app.sign_in(&app.client(), "kept@example.com", "kepts long passphrase").await;
        assert_eq!(s.status(), 200);
    }
    let res = app.client().post(app.url("/api/forgot_password")).form(&[("email", "kept@example.com")]).send().await;
    assert_eq!(res.unwrap().status(), 200);
    // Access tokens: one revoked, one that expires in a day, and `api`'s own
    // (no expiry), which must stay.
    let revoked = app.create_token(&admin, "revoked", 0).await;
    let uid = revoked["row"]["uid"].as_str().unwrap().to_string();
    assert_eq!(call_form(&admin, &app, "/api/admin/tokens/revoke", &[("uid", &uid)]).await.0, 200);
    app.create_token(&admin, "short-lived", 1).await;
    // Key changes: a product and a subscription of the verified developer.
    assert_eq!(
        api.put("/products/docs", json!({ "properties": { "displayName": "Docs", "state": "published" } }))
            .await
            .status,
        201
    );
    let users = api.get("/users?$filter=properties/email eq 'kept@example.com'").await;
    let kept_uid = users.body["value"][0]["name"].as_str().unwrap().to_string();
    let sub = json!({ "properties": { "scope": "/products/docs", "ownerId": format!("/users/{kept_uid}"),
        "displayName": "kept-docs", "state": "active" } });
    assert_eq!(api.put("/subscriptions/kept-docs", sub).await.status, 201);
    let key = api.send(api.client.post(api.url("/subscriptions/kept-docs/listSecrets"))).await.body["primaryKey"]
        .as_str()
        .unwrap()
        .to_string();

    let state = app.state().await;
    let pool = state.pool.clone();
    // Many more ended sessions and old reset requests than one batch holds,
    // as a long-running server collects them.
    let kept_id: i64 =
        app::db::query_scalar("SELECT id FROM users WHERE email = 'kept@example.com'").fetch_one(&pool).await.unwrap();
    // An hour old: not yet past any period today (a pass may run while
    // this test arranges), long past it two months from now.
    let hour_ago = app::db::now() - 3600;
    for i in 0..1200i64 {
        app::db::query("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)")
            .bind(i.to_be_bytes().to_vec())
            .bind(kept_id)
            .bind(hour_ago)
            .bind(hour_ago)
            .execute(&pool)
            .await
            .unwrap();
        app::db::query("INSERT INTO reset_requests (email_hash, at) VALUES (?, ?)")
            .bind(i.to_be_bytes().to_vec())
            .bind(hour_ago)
            .execute(&pool)
            .await
            .unwrap();
    }
    // Every email was delivered.
    let deadline = Instant::now() + Duration::from_secs(30);
    while emails(&pool).await.iter().any(|(_, s)| s != "sent") {
        assert!(Instant::now() < deadline, "emails not delivered: {:?}", emails(&pool).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = counts(&pool).await;
    assert!(before.sessions >= 1203, "{before:?}");
    assert!(before.reset_requests >= 1201, "{before:?}");
    assert!(before.links >= 3 && before.emails >= 4 && before.key_changes >= 2, "{before:?}");
    assert_eq!(before.access_tokens, 3);
    drop(state);

    // Two months later. Emails are kept for 90 days here: they must stay.
    let app = restart_with_smtp(
        app,
        &smtp,
        &[
            ("GATEHOUSE_CLOCK_OFFSET_SECONDS", &(60 * 86_400).to_string()),
            ("GATEHOUSE_RETENTION_EVERY_SECONDS", "1"),
            ("GATEHOUSE_RETAIN_EMAILS_DAYS", "90"),
        ],
    );
    let want = Counts {
        sessions: 0,
        links: 0,
        reset_requests: 0,
        emails: before.emails,
        // `api`'s token, with no expiry and never revoked.
        access_tokens: 1,
        // The newest change stays: a follower further behind sees the gap.
        key_changes: 1,
        users: before.users - 1,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = counts(&pool).await;
        if now == want {
            break;
        }
        assert!(Instant::now() < deadline, "after the retention job: {now:?}, wanted {want:?} (before: {before:?})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The unverified sign-up is gone, and the activity log says who removed it.
    let emails_left: Vec<String> =
        app::db::query_scalar("SELECT email FROM users ORDER BY email").fetch_all(&pool).await.unwrap();
    assert!(!emails_left.contains(&"never@example.com".to_string()), "{emails_left:?}");
    assert!(emails_left.contains(&"kept@example.com".to_string()), "{emails_left:?}");
    let (actor, reason): (String, Option<String>) = app::db::query_as(
        "SELECT actor_label, reason FROM activity WHERE action = 'user.deleted' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((actor.as_str(), reason.as_deref()), ("retention", Some("email never verified")));
    // The developer's key still opens the product: nothing in use was touched.
    assert_eq!(app.check_key(&reqwest::Client::new(), &key).await.0, 200);
    // The token that stayed still works.
    assert_eq!(app.api_with(&api.token).get("/users").await.status, 200);
}
