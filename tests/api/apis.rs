//! APIs inside products: APIM's Api, ProductApi and ApiProduct operations,
//! subscription scopes (a product, one API, every API), and the key check
//! matching the original request's path to an API by its longest prefix.
use gatehouse_tests::{urlencode, Answer, Api, TestServer};
use serde_json::{json, Value};

fn names(a: &Answer) -> Vec<String> {
    a.body["value"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

fn error_of(a: &Answer) -> (u16, String, String) {
    let e = &a.body["error"];
    (
        a.status,
        e["details"][0]["target"].as_str().unwrap_or("").to_string(),
        e["message"].as_str().unwrap_or("").to_string(),
    )
}

async fn head(api: &Api, path: &str) -> u16 {
    api.send(api.client.head(api.url(path))).await.status
}

async fn put_api(api: &Api, id: &str, path: &str, subscription_required: bool) {
    let body = json!({ "properties": { "displayName": id, "path": path, "protocols": ["https"],
        "subscriptionRequired": subscription_required } });
    let a = api.put(&format!("/apis/{id}"), body).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

/// An active subscription for `owner` with this scope; its primary key.
async fn subscription(api: &Api, sid: &str, owner: &str, scope: &str) -> String {
    let body = json!({ "properties": { "scope": scope, "ownerId": format!("/users/{owner}"), "state": "active" } });
    let a = api.put(&format!("/subscriptions/{sid}"), body).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let s = api.send(api.client.post(api.url(&format!("/subscriptions/{sid}/listSecrets")))).await;
    s.body["primaryKey"].as_str().unwrap().to_string()
}

/// The key check as nginx asks it (the original URI in `X-Original-URI`):
/// (status, the API's id or the reason).
async fn check(app: &TestServer, key: Option<&str>, uri: &str) -> (u16, String) {
    let mut req = reqwest::Client::new().get(app.url("/gateway/check")).header("X-Original-URI", uri);
    if let Some(k) = key {
        req = req.header("Ocp-Apim-Subscription-Key", k);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let api = res.headers().get("gatehouse-api-id").map(|v| v.to_str().unwrap().to_string());
    let body = res.text().await.unwrap();
    (status, api.unwrap_or(body))
}

#[tokio::test]
async fn apis_are_created_filtered_put_in_products_and_deleted() {
    let app = TestServer::start();
    let api = app.api().await;
    let body = json!({ "properties": { "displayName": "Orders", "description": "Place and track orders",
        "path": "/orders/v1/", "serviceUrl": "https://backend.internal/orders" } });
    let created = api.put("/apis/orders", body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let p = &created.body["properties"];
    assert_eq!(created.body["type"], "Microsoft.ApiManagement/service/apis");
    assert!(created.body["id"].as_str().unwrap().ends_with("/service/gh/apis/orders"), "{}", created.body);
    assert_eq!(p["path"], "orders/v1", "stored without surrounding slashes");
    assert_eq!(p["protocols"], json!(["https"]), "APIM's default");
    assert_eq!((p["subscriptionRequired"].as_bool(), p["isCurrent"].as_bool()), (Some(true), Some(true)));
    assert_eq!(p["apiRevision"], "1");
    assert_eq!(p["subscriptionKeyParameterNames"]["header"], "Ocp-Apim-Subscription-Key");
    let tag = created.etag.clone().unwrap();
    let h = api.send(api.client.head(api.url("/apis/orders"))).await;
    assert_eq!((h.status, h.etag.as_deref()), (200, Some(tag.as_str())));

    // Clear errors for what cannot be stored, and nothing half-written.
    for (body, target, says) in [
        (json!({ "displayName": "Again", "path": "orders/v1" }), "path", "The API orders already has this path"),
        (json!({ "displayName": "Bad", "path": "a//b" }), "path", "URL path"),
        (json!({ "displayName": "Bad", "path": "x", "protocols": ["ftp"] }), "protocols", "ftp is not a protocol"),
        (json!({ "displayName": "Bad", "path": "x", "serviceUrl": "backend" }), "serviceUrl", "http://"),
        (json!({ "displayName": "Bad" }), "properties.path", "required"),
        (json!({ "displayName": "Bad", "path": "x", "apiRevision": "2" }), "properties.apiRevision", "one revision"),
        (json!({ "displayName": "Bad", "path": "x", "format": "openapi" }), "", "unknown field `format`"),
    ] {
        let a = api.put("/apis/bad", json!({ "properties": body })).await;
        let (status, t, message) = error_of(&a);
        assert_eq!(status, 400, "{body}: {}", a.body);
        if !target.is_empty() {
            assert_eq!(t, target, "{body}: {}", a.body);
        }
        assert!(message.contains(says), "{body}: {message}");
    }
    assert_eq!(api.get("/apis/bad").await.status, 404);

    put_api(&api, "billing", "billing", true).await;
    put_api(&api, "status", "status", false).await;
    let all = api.get("/apis").await;
    assert_eq!((all.body["count"].as_i64(), names(&all).len()), (Some(3), 3));
    let f = api.get(&format!("/apis?$filter={}", urlencode("startswith(properties/path,'ord')"))).await;
    assert_eq!(names(&f), ["orders"]);
    let f = api.get(&format!("/apis?$filter={}", urlencode("isCurrent eq true and contains(displayName,'ill')"))).await;
    assert_eq!(names(&f), ["billing"]);
    let paged = api.get("/apis?$top=2").await;
    assert_eq!(names(&paged).len(), 2);
    assert!(
        paged.body["nextLink"].as_str().unwrap().contains("%24skip=2")
            || paged.body["nextLink"].as_str().unwrap().contains("$skip=2")
    );

    // PATCH needs If-Match; a stale one is refused.
    assert_eq!(api.patch("/apis/orders", None, json!({ "properties": { "description": "x" } })).await.status, 428);
    let changed = api.patch("/apis/orders", Some(&tag), json!({ "properties": { "displayName": "Orders v1" } })).await;
    assert_eq!((changed.status, changed.body["properties"]["displayName"].as_str()), (200, Some("Orders v1")));
    assert_eq!(changed.body["properties"]["path"], "orders/v1", "PATCH keeps what it does not name");
    assert_eq!(api.patch("/apis/orders", Some(&tag), json!({ "properties": {} })).await.status, 412);

    // Products hold APIs.
    let gold = json!({ "properties": { "displayName": "Gold", "state": "published" } });
    assert_eq!(api.put("/products/gold", gold).await.status, 201);
    assert_eq!(head(&api, "/products/gold/apis/orders").await, 404);
    let added = api.put("/products/gold/apis/orders", json!({})).await;
    assert_eq!((added.status, added.body["name"].as_str()), (201, Some("orders")), "{}", added.body);
    assert_eq!(api.put("/products/gold/apis/orders", json!({})).await.status, 200, "already in it");
    assert_eq!(api.put("/products/gold/apis/billing", json!({})).await.status, 201);
    assert_eq!(head(&api, "/products/gold/apis/orders").await, 204);
    assert_eq!(names(&api.get("/products/gold/apis").await), ["billing", "orders"]);
    assert_eq!(names(&api.get("/apis/orders/products").await), ["gold"]);
    assert_eq!(api.get("/apis/orders").await.body["properties"]["displayName"], "Orders v1");
    assert_eq!(api.put("/products/gold/apis/nothing", json!({})).await.status, 404);
    assert_eq!(api.put("/products/nothing/apis/orders", json!({})).await.status, 404);
    assert_eq!(api.send(api.client.delete(api.url("/products/gold/apis/billing"))).await.status, 200);
    assert_eq!(api.send(api.client.delete(api.url("/products/gold/apis/billing"))).await.status, 204);
    assert_eq!(names(&api.get("/products/gold/apis").await), ["orders"]);

    // Deleting an API takes it out of its products.
    assert_eq!(api.delete("/apis/orders", None).await.status, 428);
    assert_eq!(api.delete("/apis/orders", Some("*")).await.status, 200);
    assert_eq!(api.get("/apis/orders").await.status, 404);
    assert_eq!(names(&api.get("/products/gold/apis").await), Vec::<String>::new());
    assert_eq!(api.delete("/apis/orders", Some("*")).await.status, 204);

    // The activity log has the API's history.
    let admin = app.admin().await;
    let filter = [
        ("page", "1"),
        ("filter[who]", ""),
        ("filter[kind]", "api"),
        ("filter[target]", ""),
        ("filter[id]", "orders"),
        ("filter[from]", ""),
        ("filter[to]", ""),
    ];
    let (s, log) = gatehouse_tests::call_form(&admin, &app, "/api/admin/activity/list", &filter).await;
    assert_eq!(s, 200, "{log}");
    let actions: Vec<&str> = log["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["api.deleted", "api.added_to_product", "api.updated", "api.created"], "newest first: {log}");
}

#[tokio::test]
async fn keys_open_only_the_apis_their_scope_covers() {
    let app = TestServer::start();
    let api = app.api().await;
    let ada = json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "L" } });
    assert_eq!(api.put("/users/ada", ada).await.status, 201);
    put_api(&api, "orders", "orders", true).await;
    put_api(&api, "orders-admin", "orders/admin", true).await;
    put_api(&api, "billing", "billing", true).await;
    put_api(&api, "status", "status", false).await;
    for (product, apis) in [("gold", &["orders"][..]), ("silver", &["orders-admin", "billing"][..])] {
        let body = json!({ "properties": { "displayName": product, "state": "published" } });
        assert_eq!(api.put(&format!("/products/{product}"), body).await.status, 201);
        for a in apis {
            assert_eq!(api.put(&format!("/products/{product}/apis/{a}"), json!({})).await.status, 201);
        }
    }
    let gold = subscription(&api, "ada-gold", "ada", "/products/gold").await;
    let silver = subscription(&api, "ada-silver", "ada", "/products/silver").await;
    let billing = subscription(&api, "ada-billing", "ada", "/apis/billing").await;
    let every = subscription(&api, "ada-all", "ada", "/apis").await;
    let scope_of = |sid: &'static str| {
        let api = &api;
        async move {
            api.get(&format!("/subscriptions/{sid}")).await.body["properties"]["scope"].as_str().unwrap().to_string()
        }
    };
    assert!(scope_of("ada-billing").await.ends_with("/service/gh/apis/billing"));
    assert!(scope_of("ada-all").await.ends_with("/service/gh/apis"));
    let f = api.get(&format!("/subscriptions?$filter={}", urlencode("scope eq '/apis'"))).await;
    assert_eq!(names(&f), ["ada-all"]);

    let not_valid = (403, "this key is not valid for this API".to_string());
    // A product's key: its product's APIs, found by the longest prefix.
    assert_eq!(check(&app, Some(&gold), "/orders/42?x=1").await, (200, "orders".into()));
    assert_eq!(check(&app, Some(&gold), "/orders").await, (200, "orders".into()));
    assert_eq!(check(&app, Some(&gold), "/orders/admin/users").await, not_valid, "orders/admin is a longer match");
    assert_eq!(check(&app, Some(&gold), "/billing/invoices").await, not_valid);
    assert_eq!(check(&app, Some(&silver), "/orders/admin/users").await, (200, "orders-admin".into()));
    assert_eq!(check(&app, Some(&silver), "/orders/42").await, not_valid);
    // One API's key, and a key for every API.
    assert_eq!(check(&app, Some(&billing), "/billing/invoices").await, (200, "billing".into()));
    assert_eq!(check(&app, Some(&billing), "/orders/1").await, not_valid);
    for uri in ["/orders/1", "/orders/admin", "/billing"] {
        assert_eq!(check(&app, Some(&every), uri).await.0, 200, "{uri}");
    }
    // An open API needs no key; a path no API claims is not found; whole segments only.
    assert_eq!(check(&app, None, "/status/health").await, (200, "status".into()));
    assert_eq!(check(&app, None, "/orders/1").await, (401, "no subscription key".into()));
    assert_eq!(check(&app, Some(&gold), "/ordersx").await, (404, "no API at this path".into()));
    assert_eq!(check(&app, Some(&gold), "/").await.0, 404);
    // Without a path (one gateway location per product) a working key passes as before.
    assert_eq!(app.check_key(&reqwest::Client::new(), &billing).await, (200, "ada-billing".into()));
    // Envoy's path suffix and Traefik's header.
    let c = reqwest::Client::new();
    let envoy = c.post(app.url("/gateway/check/orders/7")).header("Ocp-Apim-Subscription-Key", &gold);
    let res = envoy.send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["gatehouse-product-id"], "gold");
    assert_eq!(res.headers()["gatehouse-api-id"], "orders");
    let envoy = c.get(app.url("/gateway/check/billing")).header("Ocp-Apim-Subscription-Key", &gold);
    assert_eq!(envoy.send().await.unwrap().status(), 403);
    let traefik = c
        .get(app.url("/gateway/check"))
        .header("X-Forwarded-Uri", "/billing/1")
        .header("Ocp-Apim-Subscription-Key", &silver);
    let res = traefik.send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("gatehouse-product-id").is_some());

    // Changes are in force when the call returns.
    assert_eq!(api.send(api.client.delete(api.url("/products/gold/apis/orders"))).await.status, 200);
    assert_eq!(check(&app, Some(&gold), "/orders/42").await, not_valid);
    assert_eq!(api.put("/products/gold/apis/orders", json!({})).await.status, 201);
    assert_eq!(check(&app, Some(&gold), "/orders/42").await.0, 200);
    let open = api.patch("/apis/billing", Some("*"), json!({ "properties": { "subscriptionRequired": false } })).await;
    assert_eq!(open.status, 200, "{}", open.body);
    assert_eq!(check(&app, None, "/billing/1").await, (200, "billing".into()));
    let moved = api.patch("/apis/status", Some("*"), json!({ "properties": { "path": "health" } })).await;
    assert_eq!(moved.status, 200);
    assert_eq!(check(&app, None, "/status").await.0, 404);
    assert_eq!(check(&app, None, "/health").await.0, 200);
    // A root API catches every path no other API claims.
    put_api(&api, "root", "/", true).await;
    assert_eq!(check(&app, Some(&gold), "/ordersx").await, not_valid);
    assert_eq!(check(&app, Some(&every), "/anything/else").await, (200, "root".into()));
    // Deleting an API deletes the subscriptions to it alone.
    assert_eq!(api.delete("/apis/billing", Some("*")).await.status, 200);
    assert_eq!(api.get("/subscriptions/ada-billing").await.status, 404);
    assert_eq!(app.check_key(&reqwest::Client::new(), &billing).await, (403, "subscription deleted".into()));
    assert_eq!(check(&app, Some(&every), "/billing/1").await, (200, "root".into()), "billing now falls to the root");
}

/// Subscriptions scoped to an API show what they open on the developer's
/// page and in the administrators' list.
#[tokio::test]
async fn scoped_subscriptions_show_what_they_open() {
    let app = TestServer::start();
    let api = app.api().await;
    let admin = app.admin().await;
    let dev = app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    put_api(&api, "billing", "billing", true).await;
    subscription(&api, "dev-billing", &dev, "/apis/billing").await;
    subscription(&api, "dev-all", &dev, "/apis").await;
    let c = app.client();
    app.sign_in(&c, "dev@example.com", "developer password").await;
    let (s, mine) = gatehouse_tests::call_form(&c, &app, "/api/subscriptions/mine", &[]).await;
    assert_eq!(s, 200, "{mine}");
    let scopes: Vec<&Value> = mine.as_array().unwrap().iter().map(|r| &r["scope"]).collect();
    assert_eq!(scopes, [&json!("AllApis"), &json!({ "Api": { "uid": "billing", "name": "billing" } })]);
    let page = c.get(app.url("/subscriptions")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("All APIs") && page.contains(r#"href="/apis/billing""#), "{page}");
    let list = admin.get(app.url("/admin/subscriptions")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(r#"href="/admin/apis/billing""#), "{list}");
}

const ORDERS_YAML: &str = r##"
openapi: 3.0.3
info: { title: Orders, version: "2.1" }
paths:
  /orders/{id}:
    parameters: [ { name: id, in: path, required: true, schema: { type: integer } } ]
    get:
      summary: One order
      responses: { "200": { description: The order }, "404": { description: No such order } }
  /orders:
    post:
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: { "201": { description: Created } }
"##;

/// The screens' server functions: an API created and put in a product, its
/// OpenAPI document checked on upload (a wrong one says what and where, and
/// nothing is stored), its reference shown to whoever can see a product that
/// holds it and to nobody else, and a delete that first says what goes.
#[tokio::test]
async fn an_uploaded_reference_is_checked_and_shown_to_who_can_see_a_product_holding_the_api() {
    use gatehouse_tests::{call_form, call_json};
    let app = TestServer::start();
    let admin = app.admin().await;
    let form = |name: &str, path: &str| {
        json!({ "form": { "name": name, "description": "", "path": path, "protocols": ["https"],
            "service_url": "", "subscription_required": true } })
    };
    let (s, uid) = call_json(&admin, &app, "/api/admin/apis/create", form("Orders", "/orders")).await;
    assert_eq!((s, uid.clone()), (200, json!("orders")));
    let (s, e) = call_json(&admin, &app, "/api/admin/apis/create", form("Again", "orders/")).await;
    assert_eq!((s, e["Validation"][0]["field"].clone()), (422, json!("path")), "{e}");
    assert_eq!(call_json(&admin, &app, "/api/admin/apis/create", form("Internal", "internal")).await.0, 200);

    // A wrong document: a clear error on the field, nothing stored.
    let bad = "openapi: 3.0.0\ninfo: { title: x, version: '1' }\npaths: { /a: { get: { summary: no answers } } }";
    let (s, e) = call_json(&admin, &app, "/api/admin/apis/spec", json!({ "uid": "orders", "text": bad })).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(
        (e["Validation"][0]["field"].as_str(), e["Validation"][0]["msg"].as_str()),
        (Some("spec"), Some("ErrSpecResponses"))
    );
    assert_eq!(e["Validation"][0]["args"], json!(["GET /a"]));
    let (_, r) = call_form(&admin, &app, "/api/admin/apis/reference", &[("uid", "orders")]).await;
    assert_eq!(r, Value::Null, "nothing stored");
    let (s, r) = call_json(&admin, &app, "/api/admin/apis/spec", json!({ "uid": "orders", "text": ORDERS_YAML })).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["title"].as_str(), r["version"].as_str()), (Some("Orders"), Some("2.1")));
    assert_eq!(r["operations"].as_array().unwrap().len(), 2);

    let gold = app.create_product(&admin, "Gold", false, "").await;
    app.set_visibility(&admin, &gold, &["developers"]).await;
    let (s, changed) = call_form(
        &admin,
        &app,
        "/api/admin/products/set_api",
        &[("product", &gold), ("api", "orders"), ("inside", "true")],
    )
    .await;
    assert_eq!((s, changed), (200, json!(true)));
    let (_, inside) = call_form(&admin, &app, "/api/admin/products/apis", &[("product", &gold)]).await;
    assert_eq!(inside[0]["uid"], "orders");

    // A developer who sees Gold sees its APIs and the reference.
    app.create_developer("dev@example.com", "a long passphrase").await;
    let dev = app.client();
    assert_eq!(app.sign_in(&dev, "dev@example.com", "a long passphrase").await.status(), 200);
    let (s, listed) = call_form(&dev, &app, "/api/apis/of_product", &[("product", &gold)]).await;
    assert_eq!((s, listed[0]["path"].clone()), (200, json!("orders")), "{listed}");
    let (s, page) = call_form(&dev, &app, "/api/apis/reference", &[("uid", "orders")]).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["products"], json!([[gold, "Gold"]]));
    let get =
        page["reference"]["operations"].as_array().unwrap().iter().find(|o| o["method"] == "GET").unwrap().clone();
    assert_eq!((get["path"].as_str(), get["summary"].as_str()), (Some("/orders/{id}"), Some("One order")));
    assert_eq!(get["parameters"][0]["name"], "id");
    assert_eq!(get["responses"].as_array().unwrap().len(), 2);
    // ...but not an API in no product they can see, nor is anything shown to
    // anonymous visitors (Gold is for developers): the same 404 as for none.
    assert_eq!(call_form(&dev, &app, "/api/apis/reference", &[("uid", "internal")]).await.0, 404);
    assert_eq!(call_form(&dev, &app, "/api/apis/reference", &[("uid", "nothing")]).await.0, 404);
    let anon = app.client();
    assert_eq!(call_form(&anon, &app, "/api/apis/reference", &[("uid", "orders")]).await.0, 404);
    assert_eq!(call_form(&anon, &app, "/api/apis/of_product", &[("product", &gold)]).await.0, 404);
    assert_eq!(
        call_form(&admin, &app, "/api/apis/reference", &[("uid", "internal")]).await.0,
        200,
        "administrators see every API"
    );
    // Developers cannot change anything.
    assert_eq!(call_json(&dev, &app, "/api/admin/apis/spec", json!({ "uid": "orders", "text": null })).await.0, 403);

    // Removing the document leaves the API without a reference.
    assert_eq!(call_json(&admin, &app, "/api/admin/apis/spec", json!({ "uid": "orders", "text": null })).await.0, 200);
    let (_, page) = call_form(&dev, &app, "/api/apis/reference", &[("uid", "orders")]).await;
    assert_eq!(page["reference"], Value::Null);

    // Delete: the preview says what goes; then it is gone from the product.
    let (_, p) = call_form(&admin, &app, "/api/admin/apis/delete_preview", &[("uid", "orders")]).await;
    assert_eq!((p["products"].clone(), p["subscriptions"].clone()), (json!(["Gold"]), json!(0)));
    assert_eq!(call_form(&admin, &app, "/api/admin/apis/delete", &[("uid", "orders")]).await.0, 200);
    let (_, inside) = call_form(&admin, &app, "/api/admin/products/apis", &[("product", &gold)]).await;
    assert_eq!(inside, json!([]));
    assert_eq!(call_form(&admin, &app, "/api/admin/apis/get", &[("uid", "orders")]).await.0, 404);
}
