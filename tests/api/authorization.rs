//! Every server function the binary registers, called by someone who may not:
//! refused everywhere but a reviewed allow-list. A new server function outside
//! `/api/admin/` fails this test until it is added to a list below.
use super::cli::gatehouse;
use gatehouse_tests::{call_form, TestServer};

/// Callable by anyone: signing in and the steps before an account is usable.
const ANONYMOUS: &[&str] = &[
    // What the visitor may see: Guests' products and their APIs (checked in apis.rs).
    "/api/apis/of_product",
    "/api/apis/reference",
    "/api/current_user",
    "/api/delegation/target",
    "/api/forgot_password",
    "/api/identity/sign_in_options",
    "/api/invitation/accept",
    "/api/invitation/view",
    "/api/products/catalogue",
    "/api/products/page",
    "/api/reset/set_password",
    "/api/reset/view",
    "/api/sign_in",
    "/api/sign_out",
    "/api/signup",
    "/api/signup/settings",
    "/api/verify/confirm",
    "/api/verify/view",
];

/// Callable by a signed-in developer (their own account only).
const DEVELOPER: &[&str] = &[
    "/api/account/close",
    "/api/account/sessions",
    "/api/account/sessions/end",
    "/api/account/sessions/end_others",
    "/api/change_password",
    "/api/my_groups",
    "/api/profile/name",
    "/api/subscriptions/cancel",
    "/api/subscriptions/keys",
    "/api/subscriptions/mine",
    "/api/subscriptions/regenerate",
    "/api/subscriptions/subscribe",
    "/api/usage/mine",
];

fn registered(app: &TestServer) -> Vec<(reqwest::Method, String)> {
    let (ok, out, err) = gatehouse(app, &["server-functions"], None);
    assert!(ok, "{err}");
    out.lines()
        .map(|l| {
            let (m, p) = l.split_once(' ').unwrap();
            (reqwest::Method::from_bytes(m.as_bytes()).unwrap(), p.to_string())
        })
        .collect()
}

#[tokio::test]
async fn every_server_function_refuses_whoever_may_not_call_it() {
    let app = TestServer::start();
    let admin = app.admin().await;
    app.add_user(&admin, "dev@example.com", "Dev", "Eloper", "devs long passphrase").await;
    let developer = app.client();
    assert_eq!(app.sign_in(&developer, "dev@example.com", "devs long passphrase").await.status(), 200);
    let anonymous = app.client();

    let fns = registered(&app);
    assert!(fns.len() >= 70, "{} server functions", fns.len());
    let mut admin_only = 0;
    for (method, path) in &fns {
        let is_admin = path.starts_with("/api/admin/");
        assert!(
            is_admin || ANONYMOUS.contains(&path.as_str()) || DEVELOPER.contains(&path.as_str()),
            "{path} is neither for administrators (/api/admin/) nor on a reviewed list"
        );
        let call = |c: &reqwest::Client| c.request(method.clone(), app.url(path)).form(&[("x", "")]).send();
        let anon = call(&anonymous).await.unwrap();
        let dev = call(&developer).await.unwrap();
        // Arguments that do not decode are the caller's mistake, never a 500.
        for (who, res) in [("a visitor", &anon), ("a developer", &dev)] {
            assert_ne!(res.status(), 500, "{method} {path} as {who}");
        }
        if is_admin {
            admin_only += 1;
            assert_eq!(anon.status(), 401, "{method} {path} as a visitor");
            assert_eq!(dev.status(), 403, "{method} {path} as a developer");
        } else if DEVELOPER.contains(&path.as_str()) {
            // Refused (401), or refused for its missing arguments (400): never done.
            assert!(matches!(anon.status().as_u16(), 400 | 401), "{method} {path} as a visitor: {}", anon.status());
        }
    }
    assert!(admin_only >= 50, "{admin_only} administrators' server functions");
    // The lists name only what exists, so they stay reviewed.
    for p in ANONYMOUS.iter().chain(DEVELOPER) {
        assert!(fns.iter().any(|(_, f)| f == p), "{p} is listed but not registered");
    }
}

/// An account whose password was set with "must change" does nothing but
/// change it: not the portal's data, not its subscriptions, not the admin area.
#[tokio::test]
async fn a_one_time_password_must_be_changed_before_anything_else() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "temp@example.com", "Tem", "Porary", "first long passphrase").await;
    let (s, b) = call_form(
        &admin,
        &app,
        "/api/admin/users/set_password",
        &[("uid", &uid), ("password", "one-time passphrase 1"), ("must_change", "on")],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let dev = app.client();
    assert_eq!(app.sign_in(&dev, "temp@example.com", "one-time passphrase 1").await.status(), 200);
    for path in ["/api/my_groups", "/api/subscriptions/mine"] {
        let (s, b) = call_form(&dev, &app, path, &[]).await;
        assert_eq!(s, 403, "{path} before the password is changed: {b}");
    }
    let (s, b) = call_form(&dev, &app, "/api/profile/name", &[("first_name", "X"), ("last_name", "Y")]).await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = call_form(
        &dev,
        &app,
        "/api/change_password",
        &[
            ("current", "one-time passphrase 1"),
            ("new_password", "my own long passphrase"),
            ("confirm", "my own long passphrase"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    for path in ["/api/my_groups", "/api/subscriptions/mine"] {
        let (s, b) = call_form(&dev, &app, path, &[]).await;
        assert_eq!(s, 200, "{path} after: {b}");
    }
}
