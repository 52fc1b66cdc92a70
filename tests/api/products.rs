//! Products, who sees them, and subscribing: limits, terms, approval.
use gatehouse_tests::{call_form, call_json, TestServer};
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

async fn catalogue(app: &TestServer, c: &reqwest::Client) -> Vec<String> {
    let (s, list) = call_form(c, app, "/api/products/catalogue", &[]).await;
    assert_eq!(s, 200, "{list}");
    names(&list)
}

#[tokio::test]
async fn products_are_validated_unique_and_protected_against_stale_edits() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let form = |name: &str, limit: &str| {
        json!({ "form": { "name": name, "description": "", "terms": "", "published": false,
            "subscription_required": true, "approval_required": false, "subscriptions_limit": limit } })
    };
    let (s, body) = call_json(&admin, &app, "/api/admin/products/create", form("", "abc")).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        body["Validation"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "subscriptions_limit"]);
    let (s, uid) = call_json(&admin, &app, "/api/admin/products/create", form("Starter Plan", "2")).await;
    assert_eq!((s, uid.clone()), (200, json!("starter-plan")));
    let (s, body) = call_json(&admin, &app, "/api/admin/products/create", form("starter plan", "")).await;
    assert_eq!((s, body["Validation"][0]["msg"].clone()), (422, json!("ErrProductNameTaken")));

    let (_, p) = call_form(&admin, &app, "/api/admin/products/get", &[("uid", "starter-plan")]).await;
    assert_eq!(p["subscriptions_limit"], 2);
    assert_eq!(p["state"], "notPublished");
    let v = p["version"].as_i64().unwrap();
    let mut edit = form("Starter", "");
    edit["uid"] = json!("starter-plan");
    edit["version"] = json!(v);
    let (s, _) = call_json(&admin, &app, "/api/admin/products/update", edit.clone()).await;
    assert_eq!(s, 200);
    let (s, body) = call_json(&admin, &app, "/api/admin/products/update", edit).await;
    assert_eq!((s, body), (409, json!("Conflict")), "the second save used the old version");
    let (_, p) = call_form(&admin, &app, "/api/admin/products/get", &[("uid", "starter-plan")]).await;
    assert_eq!((p["name"].clone(), p["subscriptions_limit"].clone()), (json!("Starter"), Value::Null));

    // Developers cannot manage products.
    app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;
    let (s, _) = call_json(&dev, &app, "/api/admin/products/create", form("Mine", "")).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn groups_decide_who_sees_a_product_and_who_may_subscribe() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let partner_uid = app.add_user(&admin, "partner@example.com", "Pat", "Partner", "partner password").await;
    app.add_user(&admin, "other@example.com", "Oth", "Er", "another password").await;
    let (_, partners) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Partners"), ("description", "")],
    )
    .await;
    let partners = partners.as_str().unwrap().to_string();
    call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [partner_uid], "action": {"AddToGroup": partners}, "reason": null}),
    )
    .await;
    let partner_api = app.create_product(&admin, "Partner API", false, "").await;
    app.set_visibility(&admin, &partner_api, &[&partners]).await;
    let public = app.create_product(&admin, "Public API", false, "").await;
    app.set_visibility(&admin, &public, &["guests"]).await;
    let everyone = app.create_product(&admin, "Developer API", false, "").await;
    app.set_visibility(&admin, &everyone, &["developers"]).await;

    let partner = app.client();
    app.sign_in(&partner, "partner@example.com", "partner password").await;
    let other = app.client();
    app.sign_in(&other, "other@example.com", "another password").await;
    let anonymous = app.client();

    assert_eq!(catalogue(&app, &partner).await, ["Developer API", "Partner API", "Public API"]);
    assert_eq!(catalogue(&app, &other).await, ["Developer API", "Public API"]);
    assert_eq!(catalogue(&app, &anonymous).await, ["Public API"]);
    // Outside the group the product does not exist, page or subscription.
    let (s, _) = call_form(&other, &app, "/api/products/page", &[("uid", &partner_api)]).await;
    assert_eq!(s, 404);
    let (s, _) = call_form(
        &other,
        &app,
        "/api/subscriptions/subscribe",
        &[("product", &partner_api), ("name", ""), ("accept_terms", "true")],
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = call_form(
        &anonymous,
        &app,
        "/api/subscriptions/subscribe",
        &[("product", &public), ("name", ""), ("accept_terms", "true")],
    )
    .await;
    assert_eq!(s, 401);
    let sub = app.subscribe(&partner, &partner_api).await;
    assert_eq!(sub["state"], "active");

    // Visibility counts and "why can this user see it".
    let (_, v) = call_form(&admin, &app, "/api/admin/products/visibility", &[("uid", &partner_api)]).await;
    assert_eq!(v[0]["developers"], 1);
    let (_, v) = call_form(&admin, &app, "/api/admin/products/visibility", &[("uid", &everyone)]).await;
    assert_eq!(v[0]["developers"], 2);
    let (_, detail) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &partner_uid)]).await;
    let why: Vec<(String, Vec<String>)> = detail["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().into(), serde_json::from_value(p["via"].clone()).unwrap()))
        .collect();
    assert_eq!(
        why,
        [
            ("Developer API".into(), vec!["Developers".to_string()]),
            ("Partner API".into(), vec!["Partners".to_string()]),
            ("Public API".into(), vec!["Guests".to_string()]),
        ]
    );
    assert_eq!(detail["subscriptions"][0]["scope"]["Product"]["name"], "Partner API");

    // Unpublished: gone from the portal, still on the admin screen.
    let (_, p) = call_form(&admin, &app, "/api/admin/products/get", &[("uid", &public)]).await;
    let edit = json!({ "uid": public, "version": p["version"], "form": {
        "name": "Public API", "description": "", "terms": "", "published": false,
        "subscription_required": true, "approval_required": false, "subscriptions_limit": "" } });
    assert_eq!(call_json(&admin, &app, "/api/admin/products/update", edit).await.0, 200);
    assert_eq!(catalogue(&app, &anonymous).await, Vec::<String>::new());
    assert_eq!(catalogue(&app, &other).await, ["Developer API"]);
}

#[tokio::test]
async fn subscribing_respects_terms_limits_and_approval() {
    let app = TestServer::start();
    let admin = app.admin().await;
    app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;
    let form = json!({ "form": { "name": "Gold", "description": "", "terms": "Be nice.", "published": true,
        "subscription_required": true, "approval_required": true, "subscriptions_limit": "1" } });
    let (_, gold) = call_json(&admin, &app, "/api/admin/products/create", form).await;
    let gold = gold.as_str().unwrap();
    app.set_visibility(&admin, gold, &["developers"]).await;

    let sub = |accept: &'static str| {
        let (dev, app) = (&dev, &app);
        async move {
            call_form(
                dev,
                app,
                "/api/subscriptions/subscribe",
                &[("product", gold), ("name", "My app"), ("accept_terms", accept)],
            )
            .await
        }
    };
    let (s, body) = sub("false").await;
    assert_eq!((s, body["Validation"][0]["field"].clone()), (422, json!("accept_terms")));
    let (s, first) = sub("true").await;
    assert_eq!((s, first["state"].clone(), first["name"].clone()), (200, json!("submitted"), json!("My app")));
    let (s, body) = sub("true").await;
    assert_eq!((s, body), (409, json!({"Refused": "ErrSubscriptionWaiting"})), "no second request while one waits");
    let first = first["uid"].as_str().unwrap();
    let (_, page) = call_json(
        &admin,
        &app,
        "/api/admin/subscriptions/list",
        json!({"query": {"state": "submitted", "product": null, "user": "dev@", "page": 1}}),
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["uid"], first);
    let approved = app.act(&admin, first, "approve").await;
    assert_eq!(approved["state"], "active");
    let (s, body) = sub("true").await;
    assert_eq!((s, body), (409, json!({"Refused": "ErrSubscriptionLimit"})), "limit 1");
    let (s, _) = call_form(&dev, &app, "/api/subscriptions/cancel", &[("uid", first)]).await;
    assert_eq!(s, 200);
    let (s, second) = sub("true").await;
    assert_eq!((s, second["state"].clone()), (200, json!("submitted")), "a cancelled one no longer counts");
    let (s, rejected) = call_form(
        &admin,
        &app,
        "/api/admin/subscriptions/act",
        &[("uid", second["uid"].as_str().unwrap()), ("action", "reject"), ("comment", "Use the Silver plan")],
    )
    .await;
    assert_eq!(
        (s, rejected["state"].clone(), rejected["state_comment"].clone()),
        (200, json!("rejected"), json!("Use the Silver plan"))
    );
    let (_, mine) = call_form(&dev, &app, "/api/subscriptions/mine", &[]).await;
    let states: Vec<&str> = mine.as_array().unwrap().iter().map(|s| s["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["rejected", "cancelled"]);
    assert_eq!(mine[0]["state_comment"], "Use the Silver plan");

    // Someone else's subscription is not found, keys or cancel.
    app.add_user(&admin, "eve@example.com", "Eve", "Else", "eve's password!").await;
    let eve = app.client();
    app.sign_in(&eve, "eve@example.com", "eve's password!").await;
    let (s, _) = call_form(&eve, &app, "/api/subscriptions/keys", &[("uid", first)]).await;
    assert_eq!(s, 404);
    let (s, _) = call_form(&eve, &app, "/api/admin/subscriptions/act", &[("uid", first), ("action", "approve")]).await;
    assert_eq!(s, 403);

    // The product goes only with its subscriptions, after saying how many.
    let (_, preview) = call_form(&admin, &app, "/api/admin/products/delete_preview", &[("uid", gold)]).await;
    assert_eq!((preview["subscriptions"].clone(), preview["active"].clone()), (json!(2), json!(0)));
    let (s, _) =
        call_form(&admin, &app, "/api/admin/products/delete", &[("uid", gold), ("with_subscriptions", "true")]).await;
    assert_eq!(s, 200);
    let (_, mine) = call_form(&dev, &app, "/api/subscriptions/mine", &[]).await;
    assert_eq!(mine, json!([]));
}

#[tokio::test]
async fn every_change_of_state_emails_the_developer_and_requests_email_the_administrators() {
    use gatehouse_tests::{mime_part, start_with_smtp, wait_for_mail, SmtpServer};
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;
    let gold = app.create_product(&admin, "Gold", true, "").await;
    app.set_visibility(&admin, &gold, &["developers"]).await;

    let sub = app.subscribe(&dev, &gold).await["uid"].as_str().unwrap().to_string();
    wait_for_mail(&smtp, "dev@example.com", "Your request for Gold was received", 10);
    let to_admin = wait_for_mail(&smtp, gatehouse_tests::ADMIN_EMAIL, "Dev One asks to subscribe to Gold", 10);
    let text = mime_part(&to_admin, "text/plain").unwrap();
    assert!(text.contains("dev@example.com"), "{text}");
    assert!(text.contains(&format!("{}/admin/subscriptions?state=submitted", app.base)), "{text}");

    app.act(&admin, &sub, "approve").await;
    let active = wait_for_mail(&smtp, "dev@example.com", "Your subscription to Gold is active", 10);
    let html = mime_part(&active, "text/html").unwrap();
    assert!(html.contains(&format!("href=\"{}/subscriptions\"", app.base)), "the link to the keys: {html}");
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/subscriptions/act",
        &[("uid", &sub), ("action", "suspend"), ("comment", "Too many calls")],
    )
    .await;
    assert_eq!(s, 200);
    let suspended = wait_for_mail(&smtp, "dev@example.com", "Your subscription to Gold is now suspended", 10);
    assert!(mime_part(&suspended, "text/plain").unwrap().contains("Comment: Too many calls"));
    app.act(&admin, &sub, "cancel").await;
    wait_for_mail(&smtp, "dev@example.com", "Your subscription to Gold is now cancelled", 10);

    let second = app.subscribe(&dev, &gold).await["uid"].as_str().unwrap().to_string();
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/subscriptions/act",
        &[("uid", &second), ("action", "reject"), ("comment", "Please use Silver")],
    )
    .await;
    assert_eq!(s, 200);
    let rejected = wait_for_mail(&smtp, "dev@example.com", "Your request for Gold was declined", 10);
    assert!(mime_part(&rejected, "text/plain").unwrap().contains("Their comment: Please use Silver"));
}
