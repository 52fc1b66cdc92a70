//! An account's sessions, its last sign-in, and closing one's own account
//! (issue 17), through the server functions the screens call.
use gatehouse_tests::{call_form, call_json, TestServer};
use serde_json::{json, Value};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                      Version/17.5 Mobile/15E148 Safari/604.1";

/// A browser-like client that says which browser it is.
fn browser(app: &TestServer, user_agent: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", app.base.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .user_agent(user_agent)
        .build()
        .unwrap()
}

async fn activity_of(app: &TestServer, admin: &reqwest::Client, uid: &str) -> Vec<String> {
    let filter = [
        ("page", "1"),
        ("filter[who]", ""),
        ("filter[kind]", "user"),
        ("filter[target]", ""),
        ("filter[id]", uid),
        ("filter[from]", ""),
        ("filter[to]", ""),
    ];
    let (s, log) = call_form(admin, app, "/api/admin/activity/list", &filter).await;
    assert_eq!(s, 200, "{log}");
    log["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_account_sees_where_it_is_signed_in_and_ends_sessions_one_by_one_or_everywhere() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "dev@example.com", "Dev", "Eloper", "devs long passphrase").await;
    let (_, detail) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await;
    assert_eq!(detail["last_sign_in_at"], Value::Null, "never signed in yet");

    let laptop = browser(&app, FIREFOX);
    let phone = browser(&app, SAFARI);
    let before = app::db::now();
    for c in [&laptop, &phone] {
        assert_eq!(app.sign_in(c, "dev@example.com", "devs long passphrase").await.status(), 200);
    }
    let (s, mine) = call_form(&laptop, &app, "/api/account/sessions", &[]).await;
    assert_eq!(s, 200, "{mine}");
    let rows = mine.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{mine}");
    assert_eq!(rows[0]["current"], true, "this session comes first: {mine}");
    assert_eq!((rows[0]["browser"].as_str(), rows[0]["system"].as_str()), (Some("Firefox"), Some("Linux")));
    assert_eq!((rows[1]["browser"].as_str(), rows[1]["system"].as_str()), (Some("Safari"), Some("iOS")));
    assert_eq!(rows[1]["current"], false);
    for r in rows {
        assert_eq!(r["client_addr"], "127.0.0.1", "{r}");
        assert!(r["started_at"].as_i64().unwrap() >= before);
    }
    let (_, detail) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await;
    assert!(detail["last_sign_in_at"].as_i64().unwrap() >= before, "{detail}");

    // The laptop ends the phone's session: the phone is signed out at once.
    let phone_ref = rows[1]["reference"].as_str().unwrap().to_string();
    let (s, b) = call_form(&laptop, &app, "/api/account/sessions/end", &[("reference", &phone_ref)]).await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = call_form(&phone, &app, "/api/account/sessions", &[]).await;
    assert_eq!(s, 401, "the ended session no longer signs anyone in");
    // Once ended, the same reference names nothing; another account's cannot be reached.
    let (s, _) = call_form(&laptop, &app, "/api/account/sessions/end", &[("reference", &phone_ref)]).await;
    assert_eq!(s, 404);
    let (_, admins_own) = call_form(&admin, &app, "/api/account/sessions", &[]).await;
    let admin_ref = admins_own[0]["reference"].as_str().unwrap().to_string();
    let (s, _) = call_form(&laptop, &app, "/api/account/sessions/end", &[("reference", &admin_ref)]).await;
    assert_eq!(s, 404, "a developer cannot end an administrator's session");
    let (s, _) = call_form(&admin, &app, "/api/account/sessions", &[]).await;
    assert_eq!(s, 200, "the administrator is still signed in");

    // "Sign out everywhere else" keeps the session that asked.
    assert_eq!(app.sign_in(&phone, "dev@example.com", "devs long passphrase").await.status(), 200);
    let (s, b) = call_form(&laptop, &app, "/api/account/sessions/end_others", &[]).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(call_form(&phone, &app, "/api/account/sessions", &[]).await.0, 401);
    let (_, mine) = call_form(&laptop, &app, "/api/account/sessions", &[]).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");

    // The administrator sees the account's sessions and signs it out everywhere.
    assert_eq!(app.sign_in(&phone, "dev@example.com", "devs long passphrase").await.status(), 200);
    let (s, theirs) = call_form(&admin, &app, "/api/admin/users/sessions", &[("uid", &uid)]).await;
    assert_eq!(s, 200, "{theirs}");
    assert_eq!(theirs.as_array().unwrap().len(), 2, "{theirs}");
    assert!(theirs.as_array().unwrap().iter().all(|r| r["current"] == false), "none is the administrator's");
    let (s, n) = call_form(&admin, &app, "/api/admin/users/sign_out_everywhere", &[("uid", &uid)]).await;
    assert_eq!((s, n), (200, json!(2)));
    for c in [&laptop, &phone] {
        assert_eq!(call_form(c, &app, "/api/account/sessions", &[]).await.0, 401);
    }
    let (_, theirs) = call_form(&admin, &app, "/api/admin/users/sessions", &[("uid", &uid)]).await;
    assert_eq!(theirs, json!([]));
    assert_eq!(activity_of(&app, &admin, &uid).await[0], "user.signed_out_everywhere");
    // The password still works: signing out is not a lock-out.
    assert_eq!(app.sign_in(&laptop, "dev@example.com", "devs long passphrase").await.status(), 200);
}

#[tokio::test]
async fn the_users_list_finds_accounts_not_signed_in_for_a_number_of_days() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let early = app.add_user(&admin, "early@example.com", "Early", "Bird", "early long passphrase").await;
    let never = app.add_user(&admin, "never@example.com", "Never", "Seen", "never long passphrase").await;
    let lately = app.add_user(&admin, "lately@example.com", "Late", "Comer", "lately long passphrase").await;
    assert_eq!(app.sign_in(&app.client(), "early@example.com", "early long passphrase").await.status(), 200);
    // A hundred days later, one of them signs in again.
    let dir = app.stop();
    let app = TestServer::start_in(dir, &[("GATEHOUSE_CLOCK_OFFSET_SECONDS", &(100 * 86_400).to_string())]);
    let admin = app.admin().await;
    assert_eq!(app.sign_in(&app.client(), "lately@example.com", "lately long passphrase").await.status(), 200);

    let list = |days: Option<u32>| json!({"query": {"q": "", "sort": "email", "desc": false, "page": 1, "per_page": 25, "inactive_days": days}});
    let uids = |p: &Value| -> Vec<String> {
        p["rows"].as_array().unwrap().iter().map(|r| r["uid"].as_str().unwrap().to_string()).collect()
    };
    let (s, page) = call_json(&admin, &app, "/api/admin/users/list", list(Some(90))).await;
    assert_eq!(s, 200, "{page}");
    // Sorted by email: early, never (the administrator just signed in).
    assert_eq!(uids(&page), [early.clone(), never.clone()], "{page}");
    assert_eq!(page["total"], 2);
    let row = |uid: &str| page["rows"].as_array().unwrap().iter().find(|r| r["uid"] == uid).unwrap().clone();
    assert!(row(&early)["last_sign_in_at"].is_i64(), "the old sign-in shows");
    assert_eq!(row(&never)["last_sign_in_at"], Value::Null, "never signed in");
    let (_, page) = call_json(&admin, &app, "/api/admin/users/list", list(Some(180))).await;
    assert_eq!(uids(&page), Vec::<String>::new(), "nobody is that idle: {page}");
    let (_, page) = call_json(&admin, &app, "/api/admin/users/list", list(None)).await;
    assert_eq!(page["total"], 4, "without the filter, everyone");
    assert!(uids(&page).contains(&lately));
    // "Select all that match" takes the same filter (for a bulk clean-out).
    let (s, matching) = call_json(&admin, &app, "/api/admin/users/matching", list(Some(90))).await;
    assert_eq!(s, 200, "{matching}");
    assert_eq!(matching, json!([early, never]));
}

#[tokio::test]
async fn a_developer_closes_their_own_account_after_giving_the_password() {
    let smtp = gatehouse_tests::SmtpServer::start();
    let app = gatehouse_tests::start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "leaving@example.com", "Lea", "Ving", "leaving long passphrase").await;
    let product = app.create_product(&admin, "Orders", false, "").await;
    app.set_visibility(&admin, &product, &["developers"]).await;
    let dev = app.client();
    assert_eq!(app.sign_in(&dev, "leaving@example.com", "leaving long passphrase").await.status(), 200);
    let sub = app.subscribe(&dev, &product).await;
    let sub = sub["uid"].as_str().unwrap().to_string();

    let (s, b) = call_form(&dev, &app, "/api/account/close", &[("password", "wrong passphrase")]).await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("ErrCurrentPasswordWrong"), "{b}");
    let (s, b) = call_form(&dev, &app, "/api/account/close", &[("password", "")]).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await.0, 200, "still there");
    // An administrator cannot close their own account this way.
    let (s, b) = call_form(&admin, &app, "/api/account/close", &[("password", gatehouse_tests::ADMIN_PASSWORD)]).await;
    assert_eq!((s, b), (409, json!({"Refused": "ErrAdminClosesOwnAccount"})));

    let res =
        dev.post(app.url("/api/account/close")).form(&[("password", "leaving long passphrase")]).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let cookie = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(cookie.contains("Max-Age=0"), "the cookie is cleared: {cookie}");
    // Gone, as an administrator's delete leaves it: the account, its session, its subscription.
    assert_eq!(call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await.0, 404);
    assert_eq!(call_form(&dev, &app, "/api/account/sessions", &[]).await.0, 401);
    assert_eq!(app.sign_in(&app.client(), "leaving@example.com", "leaving long passphrase").await.status(), 401);
    let (_, page) = call_json(
        &admin,
        &app,
        "/api/admin/subscriptions/list",
        json!({"query": {"state": null, "product": null, "user": "", "page": 1}}),
    )
    .await;
    assert!(!page.to_string().contains(&sub), "the subscription went with the account: {page}");
    assert_eq!(activity_of(&app, &admin, &uid).await[0], "user.account_closed");
    gatehouse_tests::wait_for_mail(&smtp, "leaving@example.com", "account is closed", 10);
}
