//! The gateway key check: every state combination, revocation under load,
//! and keys that a copy of the database does not give away.
use gatehouse_tests::{call_form, TestServer};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

struct Setup {
    app: TestServer,
    admin: reqwest::Client,
    dev: reqwest::Client,
    dev_uid: String,
    product: String,
    sub: String,
    primary: String,
    secondary: String,
}

/// A developer with an active subscription to a product open to Developers.
async fn setup() -> Setup {
    let app = TestServer::start();
    let admin = app.admin().await;
    let dev_uid = app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    let product = app.create_product(&admin, "Orders", false, "").await;
    app.set_visibility(&admin, &product, &["developers"]).await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;
    let sub: Value = app.subscribe(&dev, &product).await;
    assert_eq!(sub["state"], "active");
    let sub = sub["uid"].as_str().unwrap().to_string();
    let (primary, secondary) = app.keys(&dev, &sub).await;
    Setup { app, admin, dev, dev_uid, product, sub, primary, secondary }
}

#[tokio::test]
async fn the_check_answers_for_every_state_of_subscription_and_account() {
    let s = setup().await;
    let (app, admin, c) = (&s.app, &s.admin, reqwest::Client::new());
    assert_eq!(s.primary.len(), 32, "128-bit keys in hex");
    assert_ne!(s.primary, s.secondary);

    // Both keys open the subscription; the headers say whose it is.
    let res = c.get(app.url("/gateway/check")).header("Ocp-Apim-Subscription-Key", &s.primary).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = |n: &str| res.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(h("gatehouse-subscription-id").as_deref(), Some(s.sub.as_str()));
    assert_eq!(h("gatehouse-product-id").as_deref(), Some(s.product.as_str()));
    assert_eq!(h("gatehouse-user-id").as_deref(), Some(s.dev_uid.as_str()));
    assert_eq!(h("gatehouse-key").as_deref(), Some("primary"));
    assert_eq!(app.check_key(&c, &s.secondary).await, (200, s.sub.clone()));
    // The query parameter, on this request or on the original one (nginx).
    let q = c.get(app.url(&format!("/gateway/check?subscription-key={}", s.secondary))).send().await.unwrap();
    assert_eq!(q.status(), 200);
    let n = c
        .get(app.url("/gateway/check"))
        .header("X-Original-URI", format!("/orders/1?subscription-key={}", s.primary))
        .send()
        .await
        .unwrap();
    assert_eq!(n.status(), 200);
    let post = c.post(app.url("/gateway/check/orders/1")).header("Ocp-Apim-Subscription-Key", &s.primary);
    assert_eq!(post.send().await.unwrap().status(), 200, "any method, Envoy's path prefix");

    // No key, an unknown key.
    let none = c.get(app.url("/gateway/check")).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.text().await.unwrap(), "no subscription key");
    assert_eq!(app.check_key(&c, "0123456789abcdef0123456789abcdef").await, (401, "unknown subscription key".into()));

    // Suspended, then active again.
    app.act(admin, &s.sub, "suspend").await;
    assert_eq!(app.check_key(&c, &s.primary).await, (403, "subscription suspended".into()));
    assert_eq!(app.check_key(&c, &s.secondary).await, (403, "subscription suspended".into()));
    app.act(admin, &s.sub, "reactivate").await;
    assert_eq!(app.check_key(&c, &s.primary).await.0, 200);

    // A blocked account, then active again.
    let (st, _) =
        call_form(admin, app, "/api/admin/users/set_state", &[("uid", &s.dev_uid), ("state", "blocked")]).await;
    assert_eq!(st, 200);
    assert_eq!(app.check_key(&c, &s.primary).await, (403, "user blocked".into()));
    call_form(admin, app, "/api/admin/users/set_state", &[("uid", &s.dev_uid), ("state", "active")]).await;
    assert_eq!(app.check_key(&c, &s.primary).await.0, 200);
    // Blocking ended the developer's sessions.
    app.sign_in(&s.dev, "dev@example.com", "developer password").await;

    // A regenerated key stops; its replacement and the other key work.
    let (st, _) = call_form(&s.dev, app, "/api/subscriptions/regenerate", &[("uid", &s.sub), ("key", "primary")]).await;
    assert_eq!(st, 200);
    assert_eq!(app.check_key(&c, &s.primary).await, (401, "this key was regenerated".into()));
    let (new_primary, secondary) = app.keys(&s.dev, &s.sub).await;
    assert_ne!(new_primary, s.primary);
    assert_eq!(secondary, s.secondary);
    assert_eq!(app.check_key(&c, &new_primary).await.0, 200);
    assert_eq!(app.check_key(&c, &s.secondary).await.0, 200);

    // Cancelled by the developer: final.
    let (st, _) = call_form(&s.dev, app, "/api/subscriptions/cancel", &[("uid", &s.sub)]).await;
    assert_eq!(st, 200);
    assert_eq!(app.check_key(&c, &new_primary).await, (403, "subscription cancelled".into()));
    let (st, body) =
        call_form(admin, app, "/api/admin/subscriptions/act", &[("uid", &s.sub), ("action", "reactivate")]).await;
    assert_eq!((st, body), (409, serde_json::json!({"Refused": "ErrSubscriptionTransition"})));

    // Submitted (approval required), then rejected.
    let gated = app.create_product(admin, "Payments", true, "").await;
    app.set_visibility(admin, &gated, &["developers"]).await;
    let req = app.subscribe(&s.dev, &gated).await;
    assert_eq!(req["state"], "submitted");
    let req = req["uid"].as_str().unwrap().to_string();
    let (k, _) = app.keys(&s.dev, &req).await;
    assert_eq!(app.check_key(&c, &k).await, (403, "subscription waits for approval".into()));
    app.act(admin, &req, "reject").await;
    assert_eq!(app.check_key(&c, &k).await, (403, "subscription rejected".into()));

    // A deleted product, a deleted account.
    let again = app.subscribe(&s.dev, &s.product).await["uid"].as_str().unwrap().to_string();
    let (k_again, _) = app.keys(&s.dev, &again).await;
    let third = app.create_product(admin, "Stock", false, "").await;
    app.set_visibility(admin, &third, &["developers"]).await;
    let on_third = app.subscribe(&s.dev, &third).await["uid"].as_str().unwrap().to_string();
    let (k_third, _) = app.keys(&s.dev, &on_third).await;
    assert_eq!(app.check_key(&c, &k_third).await.0, 200);
    let (st, body) =
        call_form(admin, app, "/api/admin/products/delete", &[("uid", &third), ("with_subscriptions", "false")]).await;
    assert_eq!((st, body), (409, serde_json::json!({"Refused": "ErrProductHasSubscriptions"})));
    assert_eq!(app.check_key(&c, &k_third).await.0, 200, "a refused delete changes nothing");
    let (st, _) =
        call_form(admin, app, "/api/admin/products/delete", &[("uid", &third), ("with_subscriptions", "true")]).await;
    assert_eq!(st, 200);
    assert_eq!(app.check_key(&c, &k_third).await, (403, "product deleted".into()));
    assert_eq!(app.check_key(&c, &k_again).await.0, 200);
    let (st, _) = call_form(admin, app, "/api/admin/users/delete", &[("uid", &s.dev_uid)]).await;
    assert_eq!(st, 200);
    assert_eq!(app.check_key(&c, &k_again).await, (403, "user deleted".into()));

    // After a restart the index is rebuilt from the database with the same answers.
    let dir = s.app.stop();
    let app = TestServer::start_in(dir, &[]);
    assert_eq!(app.check_key(&c, &k_again).await, (403, "user deleted".into()));
    assert_eq!(app.check_key(&c, &s.primary).await, (401, "this key was regenerated".into()));
    assert_eq!(app.check_key(&c, &k_third).await, (403, "product deleted".into()));
}

/// Hammers the check with `key` from several connections until `stop`;
/// returns (started, status) of each check.
fn hammer(
    base: String,
    key: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(Instant, u16)>>> {
    (0..6)
        .map(|_| {
            let (base, key, stop) = (base.clone(), key.clone(), stop.clone());
            tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = Instant::now();
                    let res = c
                        .get(format!("{base}/gateway/check"))
                        .header("Ocp-Apim-Subscription-Key", &key)
                        .send()
                        .await
                        .unwrap();
                    seen.push((t, res.status().as_u16()));
                }
                seen
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocation_holds_for_every_check_that_starts_after_the_commit() {
    let s = setup().await;
    let app = &s.app;
    // Each revoking change, and the one that undoes it (None: not undone).
    enum Change {
        Suspend,
        Block,
        Regenerate,
        Cancel,
    }
    let mut key = s.primary.clone();
    for change in [Change::Suspend, Change::Block, Change::Regenerate, Change::Suspend, Change::Block, Change::Cancel] {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let workers = hammer(app.base.clone(), key.clone(), stop.clone());
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let revoke = match change {
            Change::Suspend => ("/api/admin/subscriptions/act", vec![("uid", s.sub.as_str()), ("action", "suspend")]),
            Change::Block => ("/api/admin/users/set_state", vec![("uid", s.dev_uid.as_str()), ("state", "blocked")]),
            Change::Regenerate => ("/api/subscriptions/regenerate", vec![("uid", s.sub.as_str()), ("key", "primary")]),
            Change::Cancel => ("/api/admin/subscriptions/act", vec![("uid", s.sub.as_str()), ("action", "cancel")]),
        };
        let client = if matches!(change, Change::Regenerate) { &s.dev } else { &s.admin };
        let (st, body) = call_form(client, app, revoke.0, &revoke.1).await;
        assert_eq!(st, 200, "{body}");
        // The response left after the commit: from here on, nothing may pass.
        let committed = Instant::now();
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut before_ok = 0;
        let mut after = 0;
        for w in workers {
            for (t, status) in w.await.unwrap() {
                if t >= committed {
                    after += 1;
                    assert_ne!(status, 200, "a check that started after the commit succeeded");
                } else if status == 200 {
                    before_ok += 1;
                }
            }
        }
        assert!(before_ok > 0, "the key worked before the change");
        assert!(after > 10, "checks ran after the change ({after})");
        // Undo, so the next round starts from a working key.
        match change {
            Change::Suspend => {
                app.act(&s.admin, &s.sub, "reactivate").await;
            }
            Change::Block => {
                call_form(&s.admin, app, "/api/admin/users/set_state", &[("uid", &s.dev_uid), ("state", "active")])
                    .await;
                app.sign_in(&s.dev, "dev@example.com", "developer password").await;
            }
            Change::Regenerate => key = app.keys(&s.dev, &s.sub).await.0,
            Change::Cancel => {}
        }
        if !matches!(change, Change::Cancel) {
            assert_eq!(app.check_key(&reqwest::Client::new(), &key).await.0, 200);
        }
    }
}

#[tokio::test]
async fn a_copy_of_the_database_holds_no_key_and_another_secret_is_refused() {
    let s = setup().await;
    // The database as a backup holds it: the SQLite file and its log, or a
    // dump of the PostgreSQL database.
    let (db, wal) = if gatehouse_tests::on_postgres() {
        let url = gatehouse_tests::database_url(s.app.dir.path());
        let out = std::process::Command::new("pg_dump").arg(&url).output().unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        (out.stdout, Vec::new())
    } else {
        let wal = std::fs::read(s.app.dir.path().join("gatehouse.db-wal")).unwrap_or_default();
        (std::fs::read(s.app.db_path()).unwrap(), wal)
    };
    for key in [&s.primary, &s.secondary] {
        for file in [&db, &wal] {
            assert!(!file.windows(key.len()).any(|w| w == key.as_bytes()), "a key is stored in clear");
        }
    }
    let secret = std::fs::read_to_string(s.app.dir.path().join("secret.key")).unwrap();
    assert_eq!(secret.trim().len(), 64);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(s.app.dir.path().join("secret.key")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o077, 0, "the secret is readable by its owner only");

    // The same database with another secret: the server refuses to start and says why.
    let dir = s.app.stop();
    let out = std::process::Command::new(gatehouse_tests::binary())
        .arg("serve")
        .env_clear()
        .env("GATEHOUSE_BIND", "127.0.0.1:0")
        .env("GATEHOUSE_DATA_DIR", dir.path())
        .env("GATEHOUSE_DATABASE_URL", gatehouse_tests::database_url(dir.path()))
        .env("GATEHOUSE_SECRET_KEY", "ab".repeat(32))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not the one this database's subscription keys were made with"), "{err}");
    // With its own secret it starts and the keys work.
    let app = TestServer::start_in(dir, &[]);
    assert_eq!(app.check_key(&reqwest::Client::new(), &s.primary).await.0, 200);
}
