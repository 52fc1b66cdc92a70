//! Self sign-up with email verification, terms, and the administrator's switch.
use super::invitations::follow;
use gatehouse_tests::{call_form, link_in, start_with_smtp, wait_for_mail, SmtpServer, TestServer};
use std::time::Duration;

pub(crate) async fn sign_up(app: &TestServer, email: &str, password: &str, terms: bool) -> (u16, String) {
    let mut form = vec![("email", email), ("first_name", "Sam"), ("last_name", "Signup"), ("password", password)];
    if terms {
        form.push(("accept_terms", "on"));
    }
    let res = app.client().post(app.url("/api/signup")).form(&form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The one pending account that matches `q` in the users list.
async fn pending_uid(admin: &reqwest::Client, app: &TestServer, q: &str) -> String {
    let query = serde_json::json!({ "query": {
        "q": q, "state": "pending", "group": null, "sort": "name", "desc": false, "page": 1, "per_page": 25 } });
    let (_, page) = gatehouse_tests::call_json(admin, app, "/api/admin/users/list", query).await;
    assert_eq!(page["total"], 1, "{page}");
    page["rows"][0]["uid"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn sign_up_waits_for_verification_then_the_account_is_active() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let pw = "sams long passphrase";

    let (s, body) = sign_up(&app, "sam@example.com", pw, false).await;
    assert_eq!(s, 200, "{body}");
    // Pending: cannot sign in yet, and the users list shows it under Pending.
    assert_eq!(app.sign_in(&app.client(), "sam@example.com", pw).await.status().as_u16(), 401);
    let uid = pending_uid(&admin, &app, "sam@").await;

    // The same address again: the same answer, and no second account or mail.
    let again = sign_up(&app, "SAM@example.com", "another passphrase", false).await;
    assert_eq!(again, (s, body));
    let mail = wait_for_mail(&smtp, "sam@example.com", "Confirm your email address", 20);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.messages().len(), 1);

    // Bad input says which rule.
    let (s, body) = sign_up(&app, "weak@example.com", "password", false).await;
    assert_eq!(s, 422);
    assert!(body.contains("ErrPasswordCommon"), "{body}");

    // Following the link shows the address; confirming activates.
    let browser = app.client();
    assert_eq!(follow(&browser, &app, &link_in(&mail)).await, "/verify-email");
    let (s, view) = call_form(&browser, &app, "/api/verify/view", &[]).await;
    assert_eq!((s, view["email"].as_str()), (200, Some("sam@example.com")));
    assert_eq!(call_form(&browser, &app, "/api/verify/confirm", &[]).await.0, 200);
    let (_, user) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await;
    assert_eq!(user["state"], "active");
    assert_eq!(user["groups"][0]["name"], "Developers");
    assert!(app.sign_in(&app.client(), "sam@example.com", pw).await.headers().get("set-cookie").is_some());
    // Once only.
    let (s, body) = call_form(&browser, &app, "/api/verify/confirm", &[]).await;
    assert_eq!(s, 410, "{body}");
    wait_for_mail(&smtp, "sam@example.com", "Welcome", 20);
}

#[tokio::test]
async fn administrators_resend_verification_require_terms_and_close_sign_up() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let pw = "sams long passphrase";

    // Terms: required once configured.
    let (s, _) =
        call_form(&admin, &app, "/api/admin/settings/signup", &[("enabled", "on"), ("terms", "Be nice to our APIs.")])
            .await;
    assert_eq!(s, 200);
    let (_, settings) = call_form(&app.client(), &app, "/api/signup/settings", &[]).await;
    assert_eq!(settings["terms"], "Be nice to our APIs.");
    let (s, body) = sign_up(&app, "sam@example.com", pw, false).await;
    assert_eq!(s, 422);
    assert!(body.contains("ErrAcceptTerms"), "{body}");
    assert_eq!(sign_up(&app, "sam@example.com", pw, true).await.0, 200);
    let first = wait_for_mail(&smtp, "sam@example.com", "Confirm", 20);

    // Resend from the user page: a new link, the old one replaced.
    let uid = pending_uid(&admin, &app, "sam@").await;
    assert_eq!(call_form(&admin, &app, "/api/admin/users/resend_verification", &[("uid", &uid)]).await.0, 200);
    smtp.wait_for(2, 20);
    let b = app.client();
    follow(&b, &app, &link_in(&first)).await;
    let (s, body) = call_form(&b, &app, "/api/verify/view", &[]).await;
    assert_eq!((s, body["Link"].as_str()), (410, Some("Replaced")));
    // Or the administrator activates it by hand.
    assert_eq!(
        call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &uid), ("state", "active")]).await.0,
        200
    );
    assert!(app.sign_in(&app.client(), "sam@example.com", pw).await.headers().get("set-cookie").is_some());

    // Closed: refused with a reason.
    assert_eq!(call_form(&admin, &app, "/api/admin/settings/signup", &[("terms", "")]).await.0, 200);
    let (s, body) = sign_up(&app, "late@example.com", pw, true).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("ErrSignupClosed"));
    // Only administrators change the setting.
    assert_eq!(
        call_form(&app.client(), &app, "/api/admin/settings/signup", &[("enabled", "on"), ("terms", "")]).await.0,
        401
    );
}
