//! Sign-in through an identity provider (issue 17), against a real OpenID
//! provider: npm's `oidc-provider` on a free port (tests/browser/idp.mjs).
//! The provider is configured through the REST API on APIM's contract, and
//! each sign-in goes the whole way a browser goes: Gatehouse's start URL,
//! the provider's login form, its redirect back with a code, and
//! Gatehouse's callback redeeming it.
use gatehouse_tests::{call_form, Api, Idp, TestServer, IDP_CLIENT_ID, IDP_CLIENT_SECRET};
use serde_json::{json, Value};

/// Configures the test provider as `oidc` and registers Gatehouse's
/// redirect URI at it.
async fn configure(api: &Api, idp: &Idp, extra: Value) -> Value {
    let mut props = json!({
        "clientId": IDP_CLIENT_ID,
        "clientSecret": IDP_CLIENT_SECRET,
        "authority": idp.issuer,
        "displayName": "Test IdP",
        "groupsClaim": "groups",
        "scopes": "openid email profile groups",
    });
    for (k, v) in extra.as_object().unwrap() {
        props[k] = v.clone();
    }
    let put = api.put("/identityProviders/oidc", json!({ "properties": props })).await;
    assert!(put.status == 201 || put.status == 200, "{}", put.body);
    idp.allow_redirect(put.body["properties"]["redirectUri"].as_str().unwrap()).await;
    put.body
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res.headers().get("location").expect("a redirect").to_str().unwrap();
    reqwest::Url::parse(base).unwrap().join(loc).unwrap().to_string()
}

/// Goes through the provider as `login`, from Gatehouse's start URL to where
/// Gatehouse sends the browser at the end; returns that path (with query).
async fn through_idp(app: &TestServer, browser: &reqwest::Client, login: &str) -> String {
    let mut url = app.url("/oidc/oidc/start");
    for _ in 0..20 {
        let res = browser.get(&url).send().await.unwrap();
        if res.status() == 200 && url.contains("/interaction/") {
            // The provider's login page: a form that names the account.
            let res = browser.post(format!("{url}/login")).form(&[("login", login)]).send().await.unwrap();
            assert!(res.status().is_redirection(), "login form: {}", res.status());
            url = location(&res, &url);
            continue;
        }
        assert!(res.status().is_redirection(), "{url}: {} {}", res.status(), res.text().await.unwrap());
        let next = location(&res, &url);
        if next.starts_with(&app.base) && !next.contains("/oidc/") {
            return next[app.base.len()..].to_string();
        }
        url = next;
    }
    panic!("too many redirects");
}

/// The URL the provider sends the browser back to (code and state), without
/// following it: for replaying it.
async fn callback_url(app: &TestServer, browser: &reqwest::Client, login: &str) -> String {
    let mut url = app.url("/oidc/oidc/start");
    loop {
        let res = browser.get(&url).send().await.unwrap();
        if res.status() == 200 && url.contains("/interaction/") {
            let res = browser.post(format!("{url}/login")).form(&[("login", login)]).send().await.unwrap();
            url = location(&res, &url);
            continue;
        }
        let next = location(&res, &url);
        if next.contains("/oidc/oidc/callback") {
            return next;
        }
        url = next;
    }
}

async fn me(app: &TestServer, browser: &reqwest::Client) -> Value {
    let (s, me) = call_form(browser, app, "/api/current_user", &[]).await;
    assert_eq!(s, 200, "{me}");
    me
}

async fn user_by_email(api: &Api, email: &str) -> Value {
    let list = api.get(&format!("/users?$filter=email eq '{email}'")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["value"].as_array().unwrap().first().cloned().unwrap_or(Value::Null)
}

async fn group_names(api: &Api, uid: &str) -> Vec<String> {
    let g = api.get(&format!("/users/{uid}/groups")).await;
    let mut names: Vec<String> = g.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["properties"]["displayName"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn providers_are_configured_through_rest_on_apims_contract_with_a_write_only_secret() {
    let app = TestServer::start();
    let idp = Idp::start();
    let api = app.api().await;
    assert_eq!(api.get("/identityProviders").await.body["value"], json!([]));
    assert_eq!(api.get("/identityProviders/oidc").await.status, 404);

    let created = api
        .put(
            "/identityProviders/oidc",
            json!({ "properties": { "clientId": "gatehouse", "clientSecret": "s3cret", "authority": idp.issuer, "displayName": "Okta" } }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let p = &created.body["properties"];
    assert_eq!(created.body["name"], "oidc");
    assert_eq!(created.body["type"], "Microsoft.ApiManagement/service/identityProviders");
    assert_eq!(p["type"], "oidc");
    assert_eq!(p["clientId"], "gatehouse");
    assert_eq!(p["scopes"], "openid email profile", "openid is always asked");
    assert!(p.get("clientSecret").is_none(), "the secret is write-only: {p}");
    assert_eq!(p["redirectUri"], app.url("/oidc/oidc/callback"));

    let got = api.get("/identityProviders/oidc").await;
    assert!(got.body["properties"].get("clientSecret").is_none());
    let secrets = api.send(api.client.post(api.url("/identityProviders/oidc/listSecrets"))).await;
    assert_eq!(secrets.status, 200);
    assert_eq!(secrets.body, json!({ "clientSecret": "s3cret" }));

    // PATCH needs If-Match, and keeps the secret when none is sent.
    assert_eq!(
        api.patch("/identityProviders/oidc", None, json!({ "properties": { "displayName": "X" } })).await.status,
        428
    );
    let etag = got.etag.unwrap();
    let patched = api
        .patch("/identityProviders/oidc", Some(&etag), json!({ "properties": { "displayName": "Okta (staff)" } }))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["properties"]["displayName"], "Okta (staff)");
    assert_eq!(
        api.patch("/identityProviders/oidc", Some(&etag), json!({ "properties": {} })).await.status,
        412,
        "stale ETag"
    );
    let secrets = api.send(api.client.post(api.url("/identityProviders/oidc/listSecrets"))).await;
    assert_eq!(secrets.body["clientSecret"], "s3cret");

    // Clear errors for what cannot work.
    let bad = api
        .put(
            "/identityProviders/oidc",
            json!({ "properties": { "clientId": "x", "clientSecret": "y", "authority": "http://idp.example.com" } }),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["details"][0]["target"], "authority", "{}", bad.body);
    let b2c =
        api.put("/identityProviders/aadB2C", json!({ "properties": { "clientId": "x", "clientSecret": "y" } })).await;
    assert_eq!(b2c.status, 400);
    let targets: Vec<&str> =
        b2c.body["error"]["details"].as_array().unwrap().iter().map(|d| d["target"].as_str().unwrap()).collect();
    assert!(targets.contains(&"signinTenant") && targets.contains(&"signinPolicyName"), "{targets:?}");
    let facebook =
        api.put("/identityProviders/facebook", json!({ "properties": { "clientId": "x", "clientSecret": "y" } })).await;
    assert_eq!(facebook.status, 400);
    assert!(facebook.body["error"]["message"].as_str().unwrap().contains("oidc"), "{}", facebook.body);

    let aad = api
        .put(
            "/identityProviders/aad",
            json!({ "properties": { "clientId": "app", "clientSecret": "z", "allowedTenants": ["contoso.onmicrosoft.com"] } }),
        )
        .await;
    assert_eq!(aad.status, 201, "{}", aad.body);
    assert_eq!(aad.body["properties"]["authority"], "login.microsoftonline.com");
    let list = api.get("/identityProviders").await;
    assert_eq!(list.body["count"], 2);

    let cur = api.get("/identityProviders/aad").await;
    assert_eq!(api.delete("/identityProviders/aad", None).await.status, 428);
    assert_eq!(api.delete("/identityProviders/aad", Some(&cur.etag.unwrap())).await.status, 200);
    assert_eq!(api.get("/identityProviders/aad").await.status, 404);
    assert_eq!(api.delete("/identityProviders/aad", Some("*")).await.status, 204);
}

#[tokio::test]
async fn first_sign_in_creates_the_account_the_next_finds_it_and_groups_follow_the_claim() {
    let app = TestServer::start();
    let idp = Idp::start();
    let api = app.api().await;
    configure(&api, &idp, json!({})).await;
    // External groups named by the claim's values, plain and in APIM's form.
    for (id, name, ext) in
        [("eng", "Engineering", "eng"), ("ops", "Operations", "aad://t1/groups/ops"), ("x", "Other", "other")]
    {
        let g = api
            .put(
                &format!("/groups/{id}"),
                json!({ "properties": { "displayName": name, "type": "external", "externalId": ext } }),
            )
            .await;
        assert_eq!(g.status, 201, "{}", g.body);
    }
    idp.account(
        "ada",
        json!({ "email": "ada@example.com", "email_verified": true, "given_name": "Ada", "family_name": "Lovelace", "groups": ["eng", "ops", "unknown"] }),
    )
    .await;

    // The sign-in page offers the provider.
    let anon = app.client();
    let (_, options) = call_form(&anon, &app, "/api/identity/sign_in_options", &[]).await;
    assert_eq!(options["buttons"], json!([["oidc", "Test IdP"]]));

    let browser = app.client();
    assert_eq!(through_idp(&app, &browser, "ada").await, "/");
    let who = me(&app, &browser).await;
    assert_eq!(who["email"], "ada@example.com");
    assert_eq!(who["first_name"], "Ada");
    assert_eq!(who["last_name"], "Lovelace");
    let user = user_by_email(&api, "ada@example.com").await;
    let uid = user["name"].as_str().unwrap().to_string();
    assert_eq!(user["properties"]["state"], "active");
    assert_eq!(
        group_names(&api, &uid).await,
        ["Developers", "Engineering", "Operations"],
        "an unknown value is ignored"
    );
    let ids = api.get(&format!("/users/{uid}/identities")).await;
    assert_eq!(
        ids.body["value"],
        json!([{ "provider": "Basic", "id": "ada@example.com" }, { "provider": "oidc", "id": "ada" }])
    );
    let full = api.get(&format!("/users/{uid}")).await;
    assert_eq!(full.body["properties"]["identities"][1], json!({ "provider": "oidc", "id": "ada" }));

    // The second sign-in finds the same account; the claim now has fewer
    // groups, and membership follows it.
    idp.account("ada", json!({ "email": "ada@example.com", "email_verified": true, "groups": ["ops"] })).await;
    let second = app.client();
    assert_eq!(through_idp(&app, &second, "ada").await, "/");
    assert_eq!(me(&app, &second).await["email"], "ada@example.com");
    assert_eq!(user_by_email(&api, "ada@example.com").await["name"], uid.as_str(), "the same account");
    assert_eq!(group_names(&api, &uid).await, ["Developers", "Operations"]);
    assert_eq!(api.get("/users?$filter=email eq 'ada@example.com'").await.body["count"], 1);

    // With creating turned on, a value naming no group creates one.
    let cur = api.get("/identityProviders/oidc").await;
    let on = api
        .patch("/identityProviders/oidc", cur.etag.as_deref(), json!({ "properties": { "createGroups": true } }))
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    idp.account("ada", json!({ "email": "ada@example.com", "email_verified": true, "groups": ["ops", "research"] }))
        .await;
    assert_eq!(through_idp(&app, &app.client(), "ada").await, "/");
    assert_eq!(group_names(&api, &uid).await, ["Developers", "Operations", "research"]);
    let created = api.get("/groups?$filter=externalId eq 'research'").await;
    assert_eq!(created.body["value"][0]["properties"]["type"], "external", "{}", created.body);

    // A blocked account stays blocked whatever the provider says.
    let etag = api.get(&format!("/users/{uid}")).await.etag.unwrap();
    let blocked =
        api.patch(&format!("/users/{uid}"), Some(&etag), json!({ "properties": { "state": "blocked" } })).await;
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    let third = app.client();
    assert_eq!(through_idp(&app, &third, "ada").await, "/sign-in?sso=blocked");
    assert!(me(&app, &third).await.is_null(), "no session for a blocked account");
}

#[tokio::test]
async fn an_existing_account_is_linked_only_when_the_provider_vouches_for_the_email() {
    let app = TestServer::start();
    let idp = Idp::start();
    let api = app.api().await;
    configure(&api, &idp, json!({ "groupsClaim": "" })).await;
    let grace = app.create_developer("grace@example.com", "a-long-password-1").await;
    let _ = grace;
    let mallory = app.create_developer("mallory-target@example.com", "a-long-password-2").await;
    let _ = mallory;

    // Unverified: no link, no new account, no session.
    idp.account("evil", json!({ "email": "mallory-target@example.com", "email_verified": false })).await;
    let b = app.client();
    assert_eq!(through_idp(&app, &b, "evil").await, "/sign-in?sso=unverified");
    assert!(me(&app, &b).await.is_null());
    let target = user_by_email(&api, "mallory-target@example.com").await;
    let ids = api.get(&format!("/users/{}/identities", target["name"].as_str().unwrap())).await;
    assert_eq!(ids.body["count"], 1, "only Basic: {}", ids.body);

    // Verified: linked to the existing account, which keeps its password.
    idp.account("grace-sub", json!({ "email": "Grace@Example.com", "email_verified": true })).await;
    let b = app.client();
    assert_eq!(through_idp(&app, &b, "grace-sub").await, "/");
    let user = user_by_email(&api, "grace@example.com").await;
    assert_eq!(me(&app, &b).await["email"], "grace@example.com");
    let ids = api.get(&format!("/users/{}/identities", user["name"].as_str().unwrap())).await;
    assert_eq!(ids.body["value"][1], json!({ "provider": "oidc", "id": "grace-sub" }));
    let pw = app.client();
    assert_eq!(app.sign_in(&pw, "grace@example.com", "a-long-password-1").await.status(), 200);

    // Administrators may sign in through the provider too, and land on the
    // administration.
    idp.account("boss", json!({ "email": gatehouse_tests::ADMIN_EMAIL, "email_verified": true })).await;
    let b = app.client();
    assert_eq!(through_idp(&app, &b, "boss").await, "/admin");
    assert_eq!(me(&app, &b).await["is_admin"], true);

    // An email domain outside the allowed ones is refused.
    let cur = api.get("/identityProviders/oidc").await;
    let r = api
        .patch(
            "/identityProviders/oidc",
            cur.etag.as_deref(),
            json!({ "properties": { "allowedEmailDomains": ["corp.example"] } }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    idp.account("newbie", json!({ "email": "newbie@example.com", "email_verified": true })).await;
    assert_eq!(through_idp(&app, &app.client(), "newbie").await, "/sign-in?sso=domain");
    assert!(user_by_email(&api, "newbie@example.com").await.is_null());
}

#[tokio::test]
async fn tampered_misdirected_or_expired_id_tokens_are_refused_and_key_rotation_is_followed() {
    let app = TestServer::start();
    let idp = Idp::start();
    let api = app.api().await;
    configure(&api, &idp, json!({})).await;
    idp.account("lin", json!({ "email": "lin@example.com", "email_verified": true })).await;

    for mode in ["signature", "nonce", "audience", "expired"] {
        idp.tamper(mode).await;
        let b = app.client();
        assert_eq!(through_idp(&app, &b, "lin").await, "/sign-in?sso=failed", "{mode}");
        assert!(me(&app, &b).await.is_null(), "{mode}: no session");
    }
    assert!(user_by_email(&api, "lin@example.com").await.is_null(), "no account from a bad token");
    idp.tamper("").await;
    let b = app.client();
    assert_eq!(through_idp(&app, &b, "lin").await, "/");
    assert_eq!(me(&app, &b).await["email"], "lin@example.com");

    // The provider rotates its signing key: the next token names a key
    // Gatehouse has not seen, which it fetches.
    let kid = idp.rotate_key().await;
    assert_eq!(kid, "key-2");
    idp.allow_redirect(&app.url("/oidc/oidc/callback")).await;
    let b = app.client();
    assert_eq!(through_idp(&app, &b, "lin").await, "/");
    assert_eq!(me(&app, &b).await["email"], "lin@example.com");

    // The code and state come back once: the same callback again, or in
    // another browser, signs nobody in.
    let b = app.client();
    let back = callback_url(&app, &b, "lin").await;
    let other = app.client();
    let res = other.get(&back).send().await.unwrap();
    assert_eq!(location(&res, &back), app.url("/sign-in?sso=expired"), "another browser");
    let res = b.get(&back).send().await.unwrap();
    assert_eq!(location(&res, &back), app.url("/sign-in?sso=expired"), "the state was used up");
    assert!(me(&app, &b).await.is_null());
}

#[tokio::test]
async fn password_sign_in_can_be_switched_off_for_developers_but_not_administrators() {
    let app = TestServer::start();
    let admin = app.admin().await;
    // Without a provider, switching it off would lock developers out.
    let (s, e) = call_form(&admin, &app, "/api/admin/identity_providers/password_sign_in", &[]).await;
    assert_eq!(s, 409, "{e}");
    let idp = Idp::start();
    let api = app.api().await;
    configure(&api, &idp, json!({})).await;
    app.create_developer("dev@example.com", "a-long-password-3").await;
    let (s, e) = call_form(&admin, &app, "/api/admin/identity_providers/password_sign_in", &[]).await;
    assert_eq!(s, 200, "{e}");

    let dev = app.client();
    let res = app.sign_in(&dev, "dev@example.com", "a-long-password-3").await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert!(body.to_string().contains("ErrPasswordSignInOff"), "{body}");
    assert!(me(&app, &dev).await.is_null());
    // A wrong password says only that: nothing about the switch.
    let res = app.sign_in(&app.client(), "dev@example.com", "wrong-password-here").await;
    assert_eq!(res.status(), 401);
    // Administrators keep their password.
    let res = app.sign_in(&app.client(), gatehouse_tests::ADMIN_EMAIL, gatehouse_tests::ADMIN_PASSWORD).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let (_, options) = call_form(&app.client(), &app, "/api/identity/sign_in_options", &[]).await;
    assert_eq!(options["password_for_developers"], false);
    // The last provider cannot go while password sign-in is off.
    let cur = api.get("/identityProviders/oidc").await;
    let del = api.delete("/identityProviders/oidc", cur.etag.as_deref()).await;
    assert_eq!(del.status, 400, "{}", del.body);
}
