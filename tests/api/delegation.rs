//! APIM delegation (issue 18): Gatehouse hands sign-in and sign-up to a
//! team's own site with APIM's signed parameters; the site checks the
//! signature the way APIM's documented sample does, creates the developer
//! through the REST API, asks for a single-sign-on URL and sends the browser
//! there. The delegate site here is a real HTTP server on a free port.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use gatehouse_tests::{call_form, Api, TestServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha512;
use std::collections::HashMap;
use std::sync::Arc;

/// The delegate site: `GET /delegate?operation=…&returnUrl=…&salt=…&sig=…`.
/// It recomputes `sig` over salt + "\n" + returnUrl with the base64-decoded
/// validation key (APIM's sample), signs "its" user up through the REST API
/// and redirects to the single-sign-on URL with the returnUrl.
async fn delegate_site(api: Arc<Api>, key: String, email: String) -> String {
    use axum::extract::Query;
    use axum::response::{IntoResponse, Redirect};
    let handler = move |Query(q): Query<HashMap<String, String>>| {
        let (api, key, email) = (api.clone(), key.clone(), email.clone());
        async move {
            let get = |k: &str| q.get(k).cloned().unwrap_or_default();
            let mut mac = Hmac::<Sha512>::new_from_slice(&STANDARD.decode(&key).unwrap()).unwrap();
            mac.update(format!("{}\n{}", get("salt"), get("returnUrl")).as_bytes());
            let expected = STANDARD.encode(mac.finalize().into_bytes());
            if expected != get("sig") {
                return (axum::http::StatusCode::FORBIDDEN, "bad signature").into_response();
            }
            assert!(["SignIn", "SignUp"].contains(&get("operation").as_str()), "{q:?}");
            // The site's own account system decides who this is; here, always
            // the same person, created in Gatehouse on first visit.
            let uid = "delegated-dev";
            if api.get(&format!("/users/{uid}")).await.status == 404 {
                let body = json!({ "properties": { "email": email, "firstName": "Del", "lastName": "Egate" } });
                assert_eq!(api.put(&format!("/users/{uid}"), body).await.status, 201);
            }
            let sso = api.send(api.client.post(api.url(&format!("/users/{uid}/generateSsoUrl")))).await;
            assert_eq!(sso.status, 200, "{}", sso.body);
            let url = format!(
                "{}&returnUrl={}",
                sso.body["value"].as_str().unwrap(),
                gatehouse_tests::urlencode(&get("returnUrl"))
            );
            Redirect::to(&url).into_response()
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, axum::Router::new().route("/delegate", axum::routing::get(handler))).await
    });
    format!("http://{addr}/delegate")
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").expect("a redirect").to_str().unwrap().to_string()
}

async fn me(app: &TestServer, browser: &reqwest::Client) -> Value {
    call_form(browser, app, "/api/current_user", &[]).await.1
}

#[tokio::test]
async fn sign_in_is_delegated_to_a_site_that_checks_the_signature_and_signs_the_developer_back_in() {
    let app = TestServer::start();
    let api = Arc::new(app.api().await);
    let get = api.get("/portalsettings/delegation").await;
    assert_eq!(get.status, 200);
    assert_eq!(get.body["properties"]["userRegistration"]["enabled"], false);
    assert_eq!(get.body["properties"]["url"], Value::Null);
    // Subscription steps are not delegated yet: refused, not silently kept.
    let subs =
        api.put("/portalsettings/delegation", json!({ "properties": { "subscriptions": { "enabled": true } } })).await;
    assert_eq!(subs.status, 400, "{}", subs.body);
    assert_eq!(subs.body["error"]["details"][0]["target"], "subscriptions.enabled");

    // The site's URL is not known before it listens; the key is made by the
    // first save and read back with listSecrets.
    let first = api.put("/portalsettings/delegation", json!({ "properties": { "url": "http://127.0.0.1:9/x" } })).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let key = api.send(api.client.post(api.url("/portalsettings/delegation/listSecrets"))).await;
    let key = key.body["validationKey"].as_str().unwrap().to_string();
    assert_eq!(STANDARD.decode(&key).unwrap().len(), 64);
    let site = delegate_site(api.clone(), key, "del@example.com".into()).await;
    let etag = api.get("/portalsettings/delegation").await.etag.unwrap();
    assert_eq!(api.patch("/portalsettings/delegation", None, json!({ "properties": {} })).await.status, 428);
    let on = api
        .patch(
            "/portalsettings/delegation",
            Some(&etag),
            json!({ "properties": { "url": site, "userRegistration": { "enabled": true } } }),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);

    // The sign-in page now goes to the site, which signs the developer up
    // and back in, and the browser ends where it wanted to go.
    let browser = app.client();
    let res = browser.get(app.url("/sign-in?next=/subscriptions")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let to_site = location(&res);
    assert!(to_site.starts_with(&site) && to_site.contains("operation=SignIn"), "{to_site}");
    assert!(to_site.contains("returnUrl=%2Fsubscriptions"), "{to_site}");
    let res = browser.get(&to_site).send().await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let sso = location(&res);
    assert!(sso.starts_with(&app.url("/signin-sso?token=SharedAccessSignature")), "{sso}");
    let res = browser.get(&sso).send().await.unwrap();
    assert_eq!(location(&res), "/subscriptions");
    assert_eq!(me(&app, &browser).await["email"], "del@example.com");

    // The same URL again signs nobody in: each token is used once.
    let again = app.client();
    let res = again.get(&sso).send().await.unwrap();
    assert_eq!(location(&res), "/sign-in?local&sso=expired");
    assert!(me(&app, &again).await.is_null());

    // Sign-up goes there too; a tampered signature is refused by the site.
    let res = app.client().get(app.url("/sign-up")).send().await.unwrap();
    let to_site = location(&res);
    assert!(to_site.contains("operation=SignUp"), "{to_site}");
    let tampered = to_site.replace("returnUrl=%2F", "returnUrl=%2Fadmin");
    assert_eq!(reqwest::get(&tampered).await.unwrap().status(), 403);

    // Administrators keep this site's sign-in page.
    let res = app.client().get(app.url("/sign-in?local")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn shared_access_tokens_are_checked_for_signature_expiry_and_reuse() {
    let app = TestServer::start();
    let api = app.api().await;
    let body = json!({ "properties": { "email": "sas@example.com", "firstName": "Sas", "lastName": "Token" } });
    assert_eq!(api.put("/users/sas", body).await.status, 201);
    let token = |expiry: String, key_type: &'static str| {
        let api = &api;
        async move {
            let body = json!({ "properties": { "keyType": key_type, "expiry": expiry } });
            api.send(api.client.post(api.url("/users/sas/token")).json(&body)).await
        }
    };
    let in_secs = |s: i64| app::rest::odata::format_date(app::db::now() + s);
    let t = token(in_secs(3600), "secondary").await;
    assert_eq!(t.status, 200, "{}", t.body);
    let value = t.body["value"].as_str().unwrap().to_string();
    assert!(value.starts_with("SharedAccessSignature uid=sas&ex="), "{value}");
    assert_eq!(token(in_secs(31 * 86_400), "primary").await.status, 400, "more than 30 days");
    assert_eq!(token(in_secs(-10), "primary").await.status, 400, "in the past");
    assert_eq!(token(in_secs(60), "tertiary").await.status, 400);
    let missing = api
        .send(api.client.post(api.url("/users/nobody/token")).json(&json!({ "properties": { "expiry": in_secs(60) } })))
        .await;
    assert_eq!(missing.status, 404);

    let sign_in = |token: String| {
        let app = &app;
        async move {
            let b = app.client();
            let url = format!("{}?token={}", app.url("/signin-sso"), gatehouse_tests::urlencode(&token));
            let res = b.get(&url).send().await.unwrap();
            (location(&res), me(app, &b).await)
        }
    };
    // A changed signature, user or expiry: refused.
    let (sn_at, _) = value.split_at(value.find("&sn=").unwrap() + 4);
    let forged = format!("{sn_at}{}", STANDARD.encode([7u8; 64]));
    assert_eq!(sign_in(forged).await.0, "/sign-in?local&sso=failed");
    assert_eq!(sign_in(value.replace("uid=sas", "uid=admin")).await.0, "/sign-in?local&sso=failed");
    // The real one, once.
    let (to, who) = sign_in(value.clone()).await;
    assert_eq!(to, "/");
    assert_eq!(who["email"], "sas@example.com");
    assert_eq!(sign_in(value).await.0, "/sign-in?local&sso=expired", "used already");
    // An expired one.
    let short = token(in_secs(2), "primary").await.body["value"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let (to, who) = sign_in(short).await;
    assert_eq!(to, "/sign-in?local&sso=expired");
    assert!(who.is_null());
    // A blocked account: refused.
    let etag = api.get("/users/sas").await.etag.unwrap();
    api.patch("/users/sas", Some(&etag), json!({ "properties": { "state": "blocked" } })).await;
    let fresh = token(in_secs(600), "primary").await.body["value"].as_str().unwrap().to_string();
    assert_eq!(sign_in(fresh).await.0, "/sign-in?local&sso=failed");
}
