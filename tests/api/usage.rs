//! Calls counted by the key check (exact counts after a known number of
//! checks, as APIM's Reports_* show them), and products' rate limits and
//! quotas: 429 past them, quotas kept across a restart and renewed with
//! their period.
use gatehouse_tests::{urlencode, Answer, Api, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::{json, Value};
use std::time::Duration;

const FLUSH: &str = "200";

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_USAGE_FLUSH_MILLIS", FLUSH),
    ]
}

/// Ada with an active subscription to Gold (which holds Orders), and a key
/// for the Billing API alone.
async fn setup(api: &Api) -> (String, String) {
    let ada = json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
        "password": "another long passphrase" } });
    assert_eq!(api.put("/users/ada", ada).await.status, 201);
    for (id, path) in [("orders", "orders"), ("billing", "billing")] {
        let a = api.put(&format!("/apis/{id}"), json!({ "properties": { "displayName": id, "path": path } })).await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let gold = json!({ "properties": { "displayName": "Gold", "state": "published" } });
    assert_eq!(api.put("/products/gold", gold).await.status, 201);
    assert_eq!(api.put("/products/gold/apis/orders", json!({})).await.status, 201);
    let mut keys = Vec::new();
    for (sid, scope) in [("ada-gold", "/products/gold"), ("ada-billing", "/apis/billing")] {
        let body =
            json!({ "properties": { "scope": scope, "ownerId": "/users/ada", "state": "active", "displayName": sid } });
        assert_eq!(api.put(&format!("/subscriptions/{sid}"), body).await.status, 201);
        let s = api.send(api.client.post(api.url(&format!("/subscriptions/{sid}/listSecrets")))).await;
        keys.push(s.body["primaryKey"].as_str().unwrap().to_string());
    }
    (keys[0].clone(), keys[1].clone())
}

async fn check(c: &reqwest::Client, app: &TestServer, key: &str, uri: Option<&str>) -> reqwest::Response {
    let mut req = c.get(app.url("/gateway/check")).header("Ocp-Apim-Subscription-Key", key);
    if let Some(u) = uri {
        req = req.header("X-Original-URI", u);
    }
    req.send().await.unwrap()
}

fn today() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let day = |t: i64| {
        let d = app::components::format_date(t);
        format!("{d}T00:00:00")
    };
    urlencode(&format!("timestamp ge datetime'{}' and timestamp le datetime'{}'", day(now - 86_400), day(now + 86_400)))
}

/// Asks a report until its total reaches `total` (the counts arrive with
/// the next flush).
async fn report_until(api: &Api, path: &str, total: i64) -> Answer {
    let started = std::time::Instant::now();
    loop {
        let a = api.get(path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        let sum: i64 = a.body["value"].as_array().unwrap().iter().map(|r| r["callCountTotal"].as_i64().unwrap()).sum();
        if sum >= total || started.elapsed() > Duration::from_secs(10) {
            return a;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn row<'a>(a: &'a Answer, name: &str) -> &'a Value {
    a.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {}", a.body))
}

fn counts(r: &Value) -> (i64, i64, i64, i64) {
    let n = |k: &str| r[k].as_i64().unwrap();
    (n("callCountSuccess"), n("callCountBlocked"), n("callCountOther"), n("callCountTotal"))
}

#[tokio::test]
async fn reports_count_every_check_exactly() {
    let app = TestServer::start_with(&env());
    let api = app.api().await;
    let (gold, billing) = setup(&api).await;
    let c = reqwest::Client::new();
    for _ in 0..7 {
        assert_eq!(check(&c, &app, &gold, Some("/orders/1")).await.status(), 200);
    }
    for _ in 0..3 {
        assert_eq!(check(&c, &app, &gold, Some("/billing/1")).await.status(), 403);
    }
    for _ in 0..4 {
        assert_eq!(check(&c, &app, &gold, None).await.status(), 200, "no path: counted without an API");
    }
    for _ in 0..5 {
        assert_eq!(check(&c, &app, &billing, Some("/billing/2")).await.status(), 200);
    }
    for _ in 0..2 {
        assert_eq!(check(&c, &app, "0123456789abcdef0123456789abcdef", Some("/orders/1")).await.status(), 401);
    }
    assert_eq!(check(&c, &app, &gold, Some("/nothing")).await.status(), 404);

    let f = today();
    let subs = report_until(&api, &format!("/reports/bySubscription?$filter={f}"), 19).await;
    // The 404 went before the key was looked at: it is no subscription's.
    assert_eq!(counts(row(&subs, "ada-gold")), (11, 3, 0, 14), "{}", subs.body);
    assert_eq!(counts(row(&subs, "ada-billing")), (5, 0, 0, 5));
    assert_eq!(subs.body["count"], 2, "unknown keys belong to no subscription");
    let gold_row = row(&subs, "ada-gold");
    assert!(gold_row["subscriptionId"].as_str().unwrap().ends_with("/subscriptions/ada-gold"));
    assert!(gold_row["userId"].as_str().unwrap().ends_with("/users/ada"));
    assert!(gold_row["productId"].as_str().unwrap().ends_with("/products/gold"));
    assert_eq!(gold_row["callCountFailed"], 0);
    assert_eq!(subs.body["value"][0]["name"], "ada-gold", "busiest first");

    let apis = api.get(&format!("/reports/byApi?$filter={f}")).await;
    assert_eq!(counts(row(&apis, "orders")), (7, 2, 0, 9), "the unknown key's calls are the API's: {}", apis.body);
    assert_eq!(counts(row(&apis, "billing")), (5, 3, 0, 8));
    let products = api.get(&format!("/reports/byProduct?$filter={f}")).await;
    assert_eq!(counts(row(&products, "Gold")), (11, 3, 0, 14), "{}", products.body);
    let users = api.get(&format!("/reports/byUser?$filter={f}")).await;
    assert_eq!(counts(row(&users, "Ada Lovelace")), (16, 3, 0, 19), "{}", users.body);
    let narrowed =
        api.get(&format!("/reports/byApi?$filter={f}{}", urlencode(" and subscriptionId eq 'ada-gold'"))).await;
    assert_eq!(counts(row(&narrowed, "orders")), (7, 0, 0, 7));
    let time = api.get(&format!("/reports/byTime?$filter={f}&interval=PT15M")).await;
    assert_eq!(time.status, 200, "{}", time.body);
    let total: i64 = time.body["value"].as_array().unwrap().iter().map(|r| r["callCountTotal"].as_i64().unwrap()).sum();
    assert_eq!(total, 22, "every check, known key or not: {}", time.body);
    assert_eq!(time.body["value"][0]["interval"], "PT15M");
    assert!(time.body["value"][0]["timestamp"].as_str().unwrap().ends_with(":00Z"));

    // What a report cannot answer is said.
    assert_eq!(api.get("/reports/byApi").await.status, 400);
    let bad = api.get(&format!("/reports/byTime?$filter={f}&interval=PT10M")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body["error"]["message"].as_str().unwrap().contains("multiple of 15 minutes"), "{}", bad.body);
    let bad = api.get(&format!("/reports/byApi?$filter={}", urlencode("country eq 'NL'"))).await;
    assert!(bad.body["error"]["message"].as_str().unwrap().contains("cannot be filtered"), "{}", bad.body);
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn limits_answer_429_and_quotas_outlive_a_restart_until_they_renew() {
    let app = TestServer::start_with(&env());
    let api = app.api().await;
    let (gold, billing) = setup(&api).await;
    let c = reqwest::Client::new();
    let limit = json!({ "properties": { "rateLimit": { "calls": 3, "renewalPeriod": 3600 } } });
    let set = api.patch("/products/gold", Some("*"), limit).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["properties"]["rateLimit"]["calls"], 3);
    for left in ["2", "1", "0"] {
        let r = check(&c, &app, &gold, Some("/orders/1")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "gatehouse-rate-limit-remaining").as_deref(), Some(left));
    }
    let over = check(&c, &app, &gold, Some("/orders/1")).await;
    assert_eq!(over.status(), 429);
    let retry: i64 = header(&over, "retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    assert_eq!(over.text().await.unwrap(), "rate limit exceeded");
    assert_eq!(check(&c, &app, &billing, Some("/billing")).await.status(), 200, "another subscription's key");

    // A quota instead: it counts the calls made while it is set.
    let quota = json!({ "properties": { "rateLimit": null, "quota": { "calls": 5, "renewalPeriod": 86400 } } });
    assert_eq!(api.patch("/products/gold", Some("*"), quota).await.status, 200);
    for left in ["4", "3", "2"] {
        let r = check(&c, &app, &gold, Some("/orders/1")).await;
        assert_eq!(header(&r, "gatehouse-quota-remaining").as_deref(), Some(left));
    }
    // A flush in between changes nothing in the count.
    tokio::time::sleep(Duration::from_millis(3 * FLUSH.parse::<u64>().unwrap())).await;
    for left in ["1", "0"] {
        let r = check(&c, &app, &gold, Some("/orders/1")).await;
        assert_eq!(
            (r.status(), header(&r, "gatehouse-quota-remaining")),
            (reqwest::StatusCode::OK, Some(left.to_string()))
        );
    }
    let over = check(&c, &app, &gold, Some("/orders/1")).await;
    assert_eq!(over.status(), 429);
    assert_eq!(over.text().await.unwrap(), "quota exceeded");

    // A restart does not give the quota back.
    let (dir, clean) = app.terminate();
    assert!(clean);
    let app = TestServer::start_in(dir, &env());
    assert_eq!(check(&c, &app, &gold, Some("/orders/1")).await.status(), 429);
    // The next period (the clock a day on) renews it.
    let (dir, _) = app.terminate();
    let mut later = env();
    later.push(("GATEHOUSE_CLOCK_OFFSET_SECONDS", "86400"));
    let app = TestServer::start_in(dir, &later);
    let renewed = check(&c, &app, &gold, Some("/orders/1")).await;
    assert_eq!(renewed.status(), 200);
    assert_eq!(header(&renewed, "gatehouse-quota-remaining").as_deref(), Some("4"));

    // Limits are checked like any other field.
    let api = app.api().await;
    let bad = api
        .patch("/products/gold", Some("*"), json!({ "properties": { "quota": { "calls": 5, "renewalPeriod": 90 } } }))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.to_string().contains("quota.renewalPeriod"), "{}", bad.body);
}

/// Counts stay exact while flushes run during the load: 8 connections,
/// 2,000 checks each, written every 100 ms as they come.
#[tokio::test]
async fn counts_stay_exact_while_they_are_written_during_the_load() {
    let mut e = env();
    e.retain(|(k, _)| *k != "GATEHOUSE_USAGE_FLUSH_MILLIS");
    e.push(("GATEHOUSE_USAGE_FLUSH_MILLIS", "100"));
    let app = TestServer::start_with(&e);
    let api = app.api().await;
    let (gold, _) = setup(&api).await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (c, url, key) = (reqwest::Client::new(), app.url("/gateway/check"), gold.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..2000 {
                let path = if (t + i) % 4 == 0 { "/billing/1" } else { "/orders/1" };
                let r = c.get(&url).header("Ocp-Apim-Subscription-Key", &key).header("X-Original-URI", path);
                r.send().await.unwrap().bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let subs = report_until(&api, &format!("/reports/bySubscription?$filter={}", today()), 16_000).await;
    assert_eq!(counts(row(&subs, "ada-gold")), (12_000, 4_000, 0, 16_000), "{}", subs.body);
}

/// A product created with a limit holds its keys to it at once (the key
/// index learns limits from the change log, also for a new product).
#[tokio::test]
async fn a_product_created_with_a_limit_enforces_it_at_once() {
    let app = TestServer::start_with(&env());
    let api = app.api().await;
    let ada = json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "L" } });
    assert_eq!(api.put("/users/ada", ada).await.status, 201);
    let body = json!({ "properties": { "displayName": "Tight", "state": "published",
        "rateLimit": { "calls": 1, "renewalPeriod": 3600 } } });
    let created = api.put("/products/tight", body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let sub = json!({ "properties": { "scope": "/products/tight", "ownerId": "/users/ada", "state": "active" } });
    assert_eq!(api.put("/subscriptions/ada-tight", sub).await.status, 201);
    let s = api.send(api.client.post(api.url("/subscriptions/ada-tight/listSecrets"))).await;
    let key = s.body["primaryKey"].as_str().unwrap().to_string();
    let c = reqwest::Client::new();
    assert_eq!(check(&c, &app, &key, None).await.status(), 200);
    assert_eq!(check(&c, &app, &key, None).await.status(), 429);
}

/// The sum of a chart's points: (allowed, refused).
fn chart_sum(chart: &Value) -> (i64, i64) {
    chart["series"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .fold((0, 0), |(a, b), p| (a + p[1]["success"].as_i64().unwrap(), b + p[1]["blocked"].as_i64().unwrap()))
}

/// The developer's Subscriptions page shows each subscription's calls per
/// hour and per day, and what the quota leaves; administrators see the same
/// per product, user and subscription, and the dashboard the busiest.
#[tokio::test]
async fn charts_show_each_subscriptions_calls_and_the_quota_left() {
    let app = TestServer::start_with(&env());
    let api = app.api().await;
    let (gold, billing) = setup(&api).await;
    let limit = json!({ "properties": { "quota": { "calls": 100, "renewalPeriod": 3600 } } });
    let a = api.patch("/products/gold", Some("*"), limit).await;
    assert!(a.status < 300, "{}", a.body);
    app.create_developer("grace@example.com", "a long passphrase").await;
    let c = reqwest::Client::new();
    for _ in 0..6 {
        assert_eq!(check(&c, &app, &gold, Some("/orders/1")).await.status(), 200);
    }
    for _ in 0..2 {
        assert_eq!(check(&c, &app, &gold, Some("/billing/1")).await.status(), 403);
    }
    for _ in 0..3 {
        assert_eq!(check(&c, &app, &billing, Some("/billing/1")).await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(600)).await;

    let dev = app.client();
    assert_eq!(app.sign_in(&dev, "ada@example.com", "another long passphrase").await.status(), 200);
    let (s, mine) = gatehouse_tests::call_form(&dev, &app, "/api/usage/mine", &[]).await;
    assert_eq!(s, 200, "{mine}");
    let of = |uid: &str| mine.as_array().unwrap().iter().find(|u| u["uid"] == uid).cloned().unwrap();
    let g = of("ada-gold");
    assert_eq!(chart_sum(&g["charts"]["hourly"]), (6, 2), "{g}");
    assert_eq!(chart_sum(&g["charts"]["daily"]), (6, 2));
    assert_eq!(g["charts"]["hourly"]["series"]["points"].as_array().unwrap().len(), 24);
    assert_eq!(g["charts"]["daily"]["series"]["points"].as_array().unwrap().len(), 30);
    assert!(g["charts"]["hourly"]["svg"].as_str().unwrap().starts_with("<svg"), "drawn on the server");
    assert_eq!((g["quota"]["calls"].as_i64(), g["quota"]["used"].as_i64()), (Some(100), Some(6)), "{g}");
    let b = of("ada-billing");
    assert_eq!(chart_sum(&b["charts"]["hourly"]), (3, 0));
    assert!(b["quota"].is_null(), "a key for one API has no product quota");

    // Another developer sees only their own (none), and no administrator's view.
    let grace = app.client();
    assert_eq!(app.sign_in(&grace, "grace@example.com", "a long passphrase").await.status(), 200);
    let (_, theirs) = gatehouse_tests::call_form(&grace, &app, "/api/usage/mine", &[]).await;
    assert_eq!(theirs, json!([]));
    let (s, _) =
        gatehouse_tests::call_form(&grace, &app, "/api/admin/usage/of", &[("kind", "user"), ("uid", "ada")]).await;
    assert_eq!(s, 403);

    let admin = app.admin().await;
    for (kind, uid, want) in
        [("product", "gold", (6, 2)), ("user", "ada", (9, 2)), ("subscription", "ada-billing", (3, 0))]
    {
        let (s, charts) =
            gatehouse_tests::call_form(&admin, &app, "/api/admin/usage/of", &[("kind", kind), ("uid", uid)]).await;
        assert_eq!(s, 200, "{charts}");
        assert_eq!(chart_sum(&charts["daily"]), want, "{kind} {uid}");
    }
    let (s, _) =
        gatehouse_tests::call_form(&admin, &app, "/api/admin/usage/of", &[("kind", "product"), ("uid", "nope")]).await;
    assert_eq!(s, 404);
    let (_, d) = gatehouse_tests::call_form(&admin, &app, "/api/admin/usage/dashboard", &[]).await;
    assert_eq!(chart_sum(&d["charts"]["hourly"]), (9, 2), "{d}");
    assert_eq!(d["top_subscriptions"][0]["uid"], "ada-gold", "busiest first: {d}");
    assert_eq!(d["top_products"][0]["name"], "Gold");
}
