//! The key change log: every path that changes what a key check answers is
//! seen by the gateway index without a restart, right after the call that
//! made it returns (this process), or within a poll (another process), and a
//! change the log never saw is repaired by the periodic comparison.
use super::invitations::follow;
use gatehouse_tests::{
    call_form, link_in, start_with_smtp, wait_for_mail, Api, SmtpServer, TestServer, ADMIN_PASSWORD,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A subscription created through the REST API (active), and its primary key.
async fn subscription(api: &Api, id: &str, owner: &str, product: &str) -> String {
    let body = json!({ "properties": {
        "scope": format!("/products/{product}"), "ownerId": format!("/users/{owner}"),
        "displayName": id, "state": "active" } });
    let created = api.put(&format!("/subscriptions/{id}"), body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secrets = api.send(api.client.post(api.url(&format!("/subscriptions/{id}/listSecrets")))).await;
    secrets.body["primaryKey"].as_str().unwrap().to_string()
}

async fn product(api: &Api, id: &str) {
    let body = json!({ "properties": { "displayName": id, "state": "published", "subscriptionRequired": true } });
    assert_eq!(api.put(&format!("/products/{id}"), body).await.status, 201);
}

/// What the check answers at once: no waiting, no retry.
async fn now(app: &TestServer, key: &str) -> (u16, String) {
    app.check_key(&reqwest::Client::new(), key).await
}

/// Asks until the check gives `status` (changes written by another process
/// arrive with the index's poll); gives up after 5 s.
async fn eventually(app: &TestServer, key: &str, status: u16) -> (u16, String) {
    let w = app.check_until(key, status, Duration::from_secs(5)).await;
    (w.status, w.body)
}

/// An active developer made through the services, and its REST id.
async fn developer(app: &TestServer, api: &Api, email: &str) -> String {
    app.create_developer(email, "a developer's long passphrase").await;
    let users = api.get(&format!("/users?$filter=properties/email eq '{email}'")).await;
    user_id_of(&users.body, email)
}

fn user_id_of(list: &Value, email: &str) -> String {
    list["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["properties"]["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {list}"))["name"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn every_change_of_account_state_reaches_the_key_check_without_a_restart() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let api = app.api().await;
    product(&api, "orders").await;

    // Invited (pending) with a subscription made through REST: refused until
    // the invitation is accepted, then allowed at once.
    let invited = json!({ "properties": {
        "email": "ivy@example.com", "firstName": "Ivy", "lastName": "Invited", "confirmation": "invite" } });
    assert_eq!(api.put("/users/ivy?notify=true", invited).await.status, 201);
    let ivy = subscription(&api, "ivy-orders", "ivy", "orders").await;
    assert_eq!(now(&app, &ivy).await, (403, "user not yet active".into()));
    let mail = wait_for_mail(&smtp, "ivy@example.com", "invited", 20);
    let browser = app.client();
    assert_eq!(follow(&browser, &app, &link_in(&mail)).await, "/invitation");
    let pw = "ivy's long passphrase";
    let (s, body) = call_form(&browser, &app, "/api/invitation/accept", &[("password", pw), ("confirm", pw)]).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(now(&app, &ivy).await.0, 200, "accepting the invitation opens the key");

    // Signed up (pending until verified), subscription through REST.
    let form = [("email", "sam@example.com"), ("first_name", "Sam"), ("last_name", "Signup"), ("password", pw)];
    let res = app.client().post(app.url("/api/signup")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let users = api.get("/users?$filter=properties/email eq 'sam@example.com'").await;
    let sam_uid = user_id_of(&users.body, "sam@example.com");
    let sam = subscription(&api, "sam-orders", &sam_uid, "orders").await;
    assert_eq!(now(&app, &sam).await, (403, "user not yet active".into()));
    let mail = wait_for_mail(&smtp, "sam@example.com", "Confirm your email address", 20);
    let browser = app.client();
    assert_eq!(follow(&browser, &app, &link_in(&mail)).await, "/verify-email");
    assert_eq!(call_form(&browser, &app, "/api/verify/confirm", &[]).await.0, 200);
    assert_eq!(now(&app, &sam).await.0, 200, "verifying the email opens the key");

    // REST PATCH state, then the screen's Activate.
    let blocked = api.patch("/users/ivy", Some("*"), json!({ "properties": { "state": "blocked" } })).await;
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    assert_eq!(now(&app, &ivy).await, (403, "user blocked".into()));
    let (s, body) = call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", "ivy"), ("state", "active")]).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(now(&app, &ivy).await.0, 200, "Activate opens the key");

    // Deleted through REST.
    let deleted = api.delete(&format!("/users/{sam_uid}?deleteSubscriptions=true"), Some("*")).await;
    assert!(matches!(deleted.status, 200 | 204), "{} {}", deleted.status, deleted.body);
    assert_eq!(now(&app, &sam).await, (403, "user deleted".into()));

    // Another process: the command-line tool re-activates a blocked
    // administrator. The server hears of it through the log, no restart.
    let ops_pw = "ops long passphrase";
    let (ok, out) = cli(&app, &["admin", "create", "--email", "ops@example.com", "--password-stdin"], ops_pw);
    assert!(ok, "{out}");
    let users = api.get("/users?$filter=properties/email eq 'ops@example.com'").await;
    let ops_uid = user_id_of(&users.body, "ops@example.com");
    let ops = subscription(&api, "ops-orders", &ops_uid, "orders").await;
    assert_eq!(now(&app, &ops).await.0, 200);
    let path = format!("/users/{ops_uid}");
    let blocked = api.patch(&path, Some("*"), json!({ "properties": { "state": "blocked" } })).await;
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    assert_eq!(now(&app, &ops).await, (403, "user blocked".into()));
    let (ok, out) = cli(&app, &["admin", "reset-password", "--email", "ops@example.com", "--password-stdin"], ops_pw);
    assert!(ok, "{out}");
    assert_eq!(eventually(&app, &ops, 200).await.0, 200, "a change by another process is seen without a restart");
    // The first administrator still signs in: nothing else was disturbed.
    assert!(app.sign_in(&app.client(), gatehouse_tests::ADMIN_EMAIL, ADMIN_PASSWORD).await.status().is_success());
}

fn cli(app: &TestServer, args: &[&str], stdin: &str) -> (bool, String) {
    let (ok, out, err) = super::cli::gatehouse(app, args, Some(stdin));
    (ok, format!("{out}{err}"))
}

/// Writes from the test process through the real services (a second
/// process as far as the server is concerned): a subscription suspended,
/// then a product deleted with its subscriptions.
#[tokio::test]
async fn changes_from_another_process_and_cascades_are_followed() {
    let app = TestServer::start();
    let api = app.api().await;
    product(&api, "maps").await;
    let dora = developer(&app, &api, "dora@example.com").await;
    let key = subscription(&api, "dora-maps", &dora, "maps").await;
    assert_eq!(now(&app, &key).await.0, 200);

    let state = app.state().await;
    let mut tx = state.begin_write().await.unwrap();
    app::db::query("UPDATE subscriptions SET state = 'suspended' WHERE uid = 'dora-maps'")
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(eventually(&app, &key, 403).await, (403, "subscription suspended".into()));

    let mut tx = state.begin_write().await.unwrap();
    app::db::query("UPDATE subscriptions SET state = 'active' WHERE uid = 'dora-maps'").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(eventually(&app, &key, 200).await.0, 200);

    // A product deleted with a plain DELETE: its subscriptions go by cascade,
    // and the cascade is in the log too.
    let mut tx = state.begin_write().await.unwrap();
    app::db::query("DELETE FROM products WHERE uid = 'maps'").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(eventually(&app, &key, 401).await.0, 401, "the key opens nothing once its subscription is gone");
}

/// A commit whose caller goes away half-way (a dropped request) still
/// brings the index up to date: the commit and the apply run in a task of
/// their own. This index follows no poll, so only that task can update it.
#[tokio::test]
async fn a_request_dropped_mid_commit_leaves_the_index_right() {
    let app = TestServer::start();
    let api = app.api().await;
    product(&api, "pay").await;
    let pat = developer(&app, &api, "pat@example.com").await;
    let key = subscription(&api, "pat-pay", &pat, "pay").await;

    let state = app.state().await;
    let settings = gatehouse_tests::settings_for(app.dir.path());
    state.gate.open(&settings).await.unwrap();
    assert!(matches!(state.gate.check(Some(&key), None), app::gateway::Verdict::Allowed { .. }));

    for (round, to) in ["blocked", "active", "blocked", "active"].iter().enumerate() {
        let mut tx = state.begin_write().await.unwrap();
        app::db::query("UPDATE users SET state = ? WHERE uid = ?").bind(*to).bind(&pat).execute(&mut tx).await.unwrap();
        // Polled exactly once, then dropped, as axum drops a handler whose
        // client left. (A zero timeout is not enough: its timer may not fire
        // on the first poll, and the commit then finishes before the drop.)
        let first = {
            use std::future::Future as _;
            let mut commit = std::pin::pin!(tx.commit());
            std::future::poll_fn(|cx| std::task::Poll::Ready(commit.as_mut().poll(cx).is_pending())).await
        };
        assert!(first, "round {round}: the commit finished in one poll; the test proves nothing");
        let want_allowed = *to == "active";
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let v = state.gate.check(Some(&key), None);
            let allowed = matches!(v, app::gateway::Verdict::Allowed { .. });
            if allowed == want_allowed {
                if !want_allowed {
                    assert_eq!(v, app::gateway::Verdict::Forbidden("user blocked"));
                }
                break;
            }
            assert!(Instant::now() < deadline, "round {round}: the index never applied the dropped commit: {v:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A change the log never saw (written with the triggers dropped) is found
/// by the periodic comparison with the database and repaired.
#[tokio::test]
async fn the_periodic_comparison_repairs_what_the_log_missed() {
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", gatehouse_tests::ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_KEY_RECONCILE_SECONDS", "1"),
    ]);
    let api = app.api().await;
    product(&api, "docs").await;
    let rey = developer(&app, &api, "rey@example.com").await;
    let key = subscription(&api, "rey-docs", &rey, "docs").await;
    assert_eq!(now(&app, &key).await.0, 200);

    let state = app.state().await;
    let mut tx = state.begin_write().await.unwrap();
    let drop = if gatehouse_tests::on_postgres() {
        "DROP TRIGGER key_log_subscription_update ON subscriptions"
    } else {
        "DROP TRIGGER key_log_subscription_update"
    };
    app::db::query(drop).execute(&mut tx).await.unwrap();
    app::db::query("UPDATE subscriptions SET state = 'cancelled' WHERE uid = 'rey-docs'")
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(eventually(&app, &key, 403).await, (403, "subscription cancelled".into()));
}
