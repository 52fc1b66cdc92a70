//! The REST management API over HTTP: APIM's routes, JSON, status codes,
//! paging, filters, ETags and errors, against the real server.
use gatehouse_tests::{call_form, call_json, Api, TestServer, ADMIN_EMAIL, API_SERVICE_PATH};
use serde_json::{json, Value};

fn user_body(email: &str, first: &str, last: &str) -> Value {
    json!({ "properties": { "email": email, "firstName": first, "lastName": last } })
}

async fn all_pages(api: &Api, path: &str) -> (Vec<Value>, usize, i64) {
    let first = api.get(path).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let count = first.body["count"].as_i64().unwrap();
    let mut items: Vec<Value> = first.body["value"].as_array().unwrap().clone();
    let mut pages = 1;
    let mut next = first.body["nextLink"].as_str().map(String::from);
    while let Some(link) = next {
        let page = api.get_url(&link).await;
        assert_eq!(page.status, 200, "{link}: {}", page.body);
        items.extend(page.body["value"].as_array().unwrap().iter().cloned());
        next = page.body["nextLink"].as_str().map(String::from);
        pages += 1;
        assert!(pages < 100, "nextLink never ends");
    }
    (items, pages, count)
}

fn names(items: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|i| i["name"].as_str().unwrap().to_string()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn calls_need_a_live_token_of_an_active_administrator() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let url = format!("{}{API_SERVICE_PATH}/users?api-version=2022-08-01", app.base);
    let plain = reqwest::Client::new();
    let res = plain.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Unauthorized");
    // A browser session is not a token.
    assert_eq!(admin.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(app.api_with("ghat_not-a-real-token").get("/users").await.status, 401);

    let t = app.create_token(&admin, "CI", 30).await;
    let token = t["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("ghat_") && token.len() > 40);
    let api = app.api_with(&token);
    let ok = api.get("/users").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // The api-version is required, and must be one this server speaks.
    let res = plain.get(format!("{}{API_SERVICE_PATH}/users", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "MissingApiVersionParameter");
    let old = format!("{}{API_SERVICE_PATH}/users?api-version=2019-01-01", app.base);
    assert_eq!(plain.get(old).bearer_auth(&token).send().await.unwrap().status(), 400);

    // The screen lists it with its last use, never the token itself.
    let (_, list) = call_form(&admin, &app, "/api/admin/tokens/list", &[]).await;
    let row = &list[0];
    assert_eq!(row["name"], "CI");
    assert_eq!(row["owner_email"], ADMIN_EMAIL);
    assert!(row["expires_at"].as_i64().is_some());
    assert!(!list.to_string().contains(&token[10..]));
    let mut used = false;
    for _ in 0..50 {
        let (_, list) = call_form(&admin, &app, "/api/admin/tokens/list", &[]).await;
        if list[0]["last_used_at"].as_i64().is_some() {
            used = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(used, "last use recorded");

    // A token stops when its administrator is blocked, and when revoked.
    let other = app.add_user(&admin, "ops@example.com", "Op", "Erator", "ops-passphrase-1").await;
    let (s, _) = call_form(&admin, &app, "/api/admin/users/set_admin", &[("uid", &other), ("admin", "true")]).await;
    assert_eq!(s, 200);
    let ops = app.client();
    app.sign_in(&ops, "ops@example.com", "ops-passphrase-1").await;
    let ops_token = app.create_token(&ops, "ops script", 0).await["token"].as_str().unwrap().to_string();
    assert_eq!(app.api_with(&ops_token).get("/users").await.status, 200);
    let (s, _) = call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &other), ("state", "blocked")]).await;
    assert_eq!(s, 200);
    assert_eq!(app.api_with(&ops_token).get("/users").await.status, 401, "blocked administrator's token");

    let uid = t["row"]["uid"].as_str().unwrap();
    let (s, _) = call_form(&admin, &app, "/api/admin/tokens/revoke", &[("uid", uid)]).await;
    assert_eq!(s, 200);
    assert_eq!(api.get("/users").await.status, 401, "revoked token");
    let (_, list) = call_form(&admin, &app, "/api/admin/tokens/list", &[]).await;
    let revoked = list.as_array().unwrap().iter().find(|r| r["uid"] == uid).unwrap();
    assert_eq!(revoked["state"], "revoked");
    // A developer cannot make tokens.
    app.create_developer("dev@example.com", "dev-passphrase-1").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "dev-passphrase-1").await;
    let (s, _) = call_form(&dev, &app, "/api/admin/tokens/create", &[("name", "x"), ("valid_days", "0")]).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_token_expires() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let t = app.create_token(&admin, "short", 7).await;
    let token = t["token"].as_str().unwrap().to_string();
    assert_eq!(app.api_with(&token).get("/groups").await.status, 200);
    let dir = app.stop();
    let app = TestServer::start_in(dir, &[("GATEHOUSE_CLOCK_OFFSET_SECONDS", &(8 * 86_400).to_string())]);
    assert_eq!(app.api_with(&token).get("/groups").await.status, 401);
}

#[tokio::test]
async fn users_are_created_read_updated_blocked_and_deleted_as_in_apim() {
    let app = TestServer::start();
    let api = app.api().await;

    let created = api
        .put("/users/ada", json!({ "properties": { "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "password": "analytical-engine-1843", "note": "first" } }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let tag = created.etag.clone().expect("ETag on create");
    let u = &created.body;
    assert_eq!(u["name"], "ada");
    assert_eq!(u["type"], "Microsoft.ApiManagement/service/users");
    assert_eq!(u["id"], format!("{API_SERVICE_PATH}/users/ada"));
    assert_eq!(u["properties"]["email"], "ada@example.com");
    assert_eq!(u["properties"]["state"], "active");
    assert_eq!(u["properties"]["note"], "first");
    assert_eq!(u["properties"]["identities"], json!([{ "provider": "Basic", "id": "ada@example.com" }]));
    assert!(u["properties"]["registrationDate"].as_str().unwrap().ends_with('Z'));

    // She can sign in with the password given, and is in Developers.
    let c = app.client();
    assert!(app.sign_in(&c, "ada@example.com", "analytical-engine-1843").await.headers().get("set-cookie").is_some());
    let groups = api.get("/users/ada/groups").await;
    assert_eq!(names(groups.body["value"].as_array().unwrap()), ["developers"]);
    let expanded = api.get("/users/ada?expandGroups=true").await;
    assert_eq!(expanded.body["properties"]["groups"][0]["displayName"], "Developers");

    let got = api.get("/users/ada").await;
    assert_eq!((got.status, got.etag.as_deref()), (200, Some(tag.as_str())));
    let head = api.send(api.client.head(api.url("/users/ada"))).await;
    assert_eq!((head.status, head.etag.as_deref()), (200, Some(tag.as_str())));
    assert_eq!(api.get("/users/nobody").await.status, 404);
    assert_eq!(api.get("/users/nobody").await.body["error"]["code"], "ResourceNotFound");

    // PATCH needs If-Match; a stale one is refused; * is unconditional.
    let no_match = api.patch("/users/ada", None, json!({ "properties": { "note": "x" } })).await;
    assert_eq!(no_match.status, 428, "{}", no_match.body);
    let renamed = api.patch("/users/ada", Some(&tag), json!({ "properties": { "firstName": "Augusta Ada" } })).await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["properties"]["firstName"], "Augusta Ada");
    assert_eq!(renamed.body["properties"]["lastName"], "Lovelace", "fields not given stay");
    let new_tag = renamed.etag.unwrap();
    assert_ne!(new_tag, tag);
    let stale = api.patch("/users/ada", Some(&tag), json!({ "properties": { "note": "late" } })).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["error"]["code"], "PreconditionFailed");
    assert_eq!(api.get("/users/ada").await.body["properties"]["note"], "first", "nothing written");

    // Block: her session ends and she cannot sign in; activate again.
    let blocked = api.patch("/users/ada", Some("*"), json!({ "properties": { "state": "blocked" } })).await;
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    assert_eq!(blocked.body["properties"]["state"], "blocked");
    let (s, _) = call_form(&c, &app, "/api/current_user", &[]).await;
    assert_eq!(s, 200);
    let res = app.sign_in(&app.client(), "ada@example.com", "analytical-engine-1843").await;
    assert!(res.headers().get("set-cookie").is_none(), "a blocked account cannot sign in");
    let active = api
        .patch(
            "/users/ada",
            Some("*"),
            json!({ "properties": { "state": "active", "password": "difference-engine-1822" } }),
        )
        .await;
    assert_eq!(active.status, 200, "{}", active.body);
    assert!(app
        .sign_in(&app.client(), "ada@example.com", "difference-engine-1822")
        .await
        .headers()
        .get("set-cookie")
        .is_some());

    // PUT on an existing user updates it (200).
    let put = api.put("/users/ada", user_body("ada@lovelace.example", "Ada", "Lovelace")).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["properties"]["email"], "ada@lovelace.example");

    // Identities, subscriptions, password reset email.
    let ids = api.get("/users/ada/identities").await;
    assert_eq!(ids.body["value"][0]["id"], "ada@lovelace.example");
    let subs = api.get("/users/ada/subscriptions").await;
    assert_eq!((subs.status, subs.body["count"].as_i64()), (200, Some(0)));
    let sent = api.send(api.client.post(api.url("/users/ada/confirmations/password/send"))).await;
    assert_eq!(sent.status, 204, "{}", sent.body);

    // DELETE needs If-Match; then the user is gone; a second DELETE is 204.
    assert_eq!(api.delete("/users/ada", None).await.status, 428);
    let tag = api.get("/users/ada").await.etag.unwrap();
    assert_eq!(api.delete("/users/ada", Some(&tag)).await.status, 200);
    assert_eq!(api.get("/users/ada").await.status, 404);
    assert_eq!(api.delete("/users/ada", Some("*")).await.status, 204);

    // Every change is in the activity log, by the token's administrator.
    let admin = app.admin().await;
    let (_, log) = call_form(&admin, &app, "/api/admin/activity/list", &[("page", "1")]).await;
    let actions: Vec<&str> = log["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in ["user.created", "user.updated", "user.blocked", "user.activated", "user.password_set", "user.deleted"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(log["rows"][0]["actor"].as_str().unwrap().starts_with(ADMIN_EMAIL));
}

#[tokio::test]
async fn bad_bodies_get_a_400_that_names_the_property() {
    let app = TestServer::start();
    let api = app.api().await;
    let cases = [
        (
            json!({ "properties": { "email": 5, "firstName": "A", "lastName": "B" } }),
            "properties.email",
            "invalid type",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "state": "sleeping" } }),
            "properties.state",
            "unknown variant",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "confirmation": "maybe" } }),
            "properties.confirmation",
            "unknown variant",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A".repeat(101), "lastName": "B" } }),
            "firstName",
            "100",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "note": "n".repeat(1001) } }),
            "note",
            "1000",
        ),
        (json!({ "properties": { "email": "not-an-email", "firstName": "A", "lastName": "B" } }), "email", "email"),
        (json!({ "properties": { "email": "a@example.com", "firstName": "A" } }), "properties.lastName", "needs"),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "colour": "red" } }),
            "properties.colour",
            "unknown field",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "password": "short" } }),
            "password",
            "characters",
        ),
        (
            json!({ "properties": { "email": "a@example.com", "firstName": "A", "lastName": "B", "state": "deleted" } }),
            "properties.state",
            "DELETE",
        ),
    ];
    for (body, target, words) in cases {
        let a = api.put("/users/someone", body.clone()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.body["error"]["code"], "ValidationError");
        let msg = a.body["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(target), "{msg} names {target}");
        assert!(msg.to_lowercase().contains(&words.to_lowercase()), "{msg} says {words}");
    }
    let raw = api
        .send(api.client.put(api.url("/users/someone")).header("content-type", "application/json").body("{not json"))
        .await;
    assert_eq!(raw.status, 400);
    assert_eq!(api.put("/users/bad%20id", user_body("a@example.com", "A", "B")).await.status, 400);
    assert_eq!(api.get("/users/someone").await.status, 404, "nothing was created");
    // Unknown operations are JSON 404s too.
    let a = api.get("/backends").await;
    assert_eq!((a.status, a.body["error"]["code"].as_str()), (404, Some("ResourceNotFound")));
}

#[tokio::test]
async fn lists_page_through_next_link_and_filter_like_apim() {
    let app = TestServer::start();
    let api = app.api().await;
    for i in 0..23 {
        let (first, last) =
            if i % 2 == 0 { ("Grace", format!("Hopper{i:02}")) } else { ("Alan", format!("Turing{i:02}")) };
        let a = api
            .put(&format!("/users/u{i:02}"), user_body(&format!("user{i:02}@corp{}.example", i % 3), first, &last))
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let blocked = api.patch("/users/u05", Some("*"), json!({ "properties": { "state": "blocked" } })).await;
    assert_eq!(blocked.status, 200);

    // 23 users and the administrator, in pages of 5: 5 pages, nothing twice.
    let (items, pages, count) = all_pages(&api, "/users?$top=5").await;
    assert_eq!((items.len(), pages, count), (24, 5, 24));
    let mut n = names(&items);
    n.dedup();
    assert_eq!(n.len(), 24);
    let last_page = api.get("/users?$top=5&$skip=20").await;
    assert!(last_page.body.get("nextLink").is_none(), "no nextLink on the last page");

    let q = |f: &str| format!("/users?$filter={}", gatehouse_tests::urlencode(f));
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("contains(properties/email,'corp1')", vec!["u01", "u04", "u07", "u10", "u13", "u16", "u19", "u22"]),
        ("contains(email,'R1')", vec!["u10", "u11", "u12", "u13", "u14", "u15", "u16", "u17", "u18", "u19"]),
        ("startswith(properties/lastName,'Turing1')", vec!["u11", "u13", "u15", "u17", "u19"]),
        ("endswith(properties/email,'@corp2.example') and firstName eq 'alan'", vec!["u05", "u11", "u17"]),
        ("properties/state eq 'blocked'", vec!["u05"]),
        ("state ne 'active' or name eq 'u00'", vec!["u00", "u05"]),
        ("substringof('hopper2', lastName)", vec!["u20", "u22"]),
        ("not contains(email,'corp') ", vec![]),
        ("name eq 'u03'", vec!["u03"]),
        ("email eq 'USER04@CORP1.EXAMPLE'", vec!["u04"]),
    ];
    for (f, want) in cases {
        let (items, _, count) = all_pages(&api, &format!("{}&$top=3", q(f))).await;
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        let got: Vec<String> = names(&items).into_iter().filter(|n| n != "admin" && n.starts_with('u')).collect();
        // The administrator matches only "not contains(email,'corp')".
        assert_eq!(got, want, "{f}");
        assert_eq!(count as usize, items.len(), "{f}: count is the total across pages");
    }
    let (items, _, _) = all_pages(&api, &q("not contains(email,'corp')")).await;
    assert_eq!(items.len(), 1, "only the administrator");
    let recent = api.get(&q("registrationDate ge '2020-01-01T00:00:00Z'")).await;
    assert_eq!(recent.body["count"], 24);

    for (bad, says) in [
        ("contains(password,'x')", "cannot be filtered"),
        ("state gt 'active'", "only eq and ne"),
        ("email eq 'x", "not closed"),
        ("email like 'x'", "unknown operator"),
        ("registrationDate ge 'soon'", "not a date"),
    ] {
        let a = api.get(&q(bad)).await;
        assert_eq!(a.status, 400, "{bad}");
        assert!(a.body["error"]["message"].as_str().unwrap().contains(says), "{bad}: {}", a.body);
    }
    for bad in ["/users?$top=0", "/users?$top=x", "/users?$skip=-1"] {
        assert_eq!(api.get(bad).await.status, 400, "{bad}");
    }

    // Groups list and its filter.
    let g = api.get(&format!("/groups?$filter={}", gatehouse_tests::urlencode("type eq 'system'"))).await;
    assert_eq!(names(g.body["value"].as_array().unwrap()), ["administrators", "developers", "guests"]);
    let g = api.get(&format!("/groups?$filter={}", gatehouse_tests::urlencode("contains(displayName,'dev')"))).await;
    assert_eq!(names(g.body["value"].as_array().unwrap()), ["developers"]);
}

#[tokio::test]
async fn groups_and_their_members() {
    let app = TestServer::start();
    let api = app.api().await;
    for (id, email) in [("grace", "grace@example.com"), ("alan", "alan@example.com")] {
        assert_eq!(api.put(&format!("/users/{id}"), user_body(email, "Dev", id)).await.status, 201);
    }
    let body = json!({ "properties": { "displayName": "Beta testers", "description": "Early access" } });
    let created = api.put("/groups/beta", body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["properties"],
        json!({ "displayName": "Beta testers", "description": "Early access", "builtIn": false, "type": "custom", "externalId": null })
    );
    let tag = created.etag.unwrap();
    assert_eq!(api.put("/groups/beta", body).await.status, 200, "PUT again updates");
    let dup = api.put("/groups/beta2", json!({ "properties": { "displayName": "beta TESTERS" } })).await;
    assert_eq!(dup.status, 400, "names are unique: {}", dup.body);
    assert!(dup.body["error"]["message"].as_str().unwrap().contains("displayName"));
    let ext = api.put("/groups/aad", json!({ "properties": { "displayName": "AAD team", "type": "external", "externalId": "aad://contoso.onmicrosoft.com/groups/1" } })).await;
    assert_eq!((ext.status, ext.body["properties"]["type"].as_str()), (201, Some("external")));
    let patched =
        api.patch("/groups/beta", Some("*"), json!({ "properties": { "description": "Early access to v2" } })).await;
    assert_eq!(patched.status, 200);
    assert_eq!(patched.body["properties"]["displayName"], "Beta testers");
    assert_eq!(
        api.patch("/groups/beta", Some(&tag), json!({ "properties": { "description": "x" } })).await.status,
        412
    );

    // System groups refuse change, deletion and membership edits.
    for (status, a) in [
        (400, api.patch("/groups/developers", Some("*"), json!({ "properties": { "displayName": "Devs" } })).await),
        (400, api.put("/groups/guests", json!({ "properties": { "displayName": "Visitors" } })).await),
        (400, api.delete("/groups/administrators", Some("*")).await),
        (400, api.put("/groups/administrators/users/grace", json!({})).await),
    ] {
        assert_eq!(a.status, status, "{}", a.body);
        assert!(a.body["error"]["message"].as_str().unwrap().contains("system group"), "{}", a.body);
    }
    assert_eq!(api.get("/groups/administrators").await.body["properties"]["displayName"], "Administrators");

    // Members: add (201, then 200), check (204/404), list, remove (200, then 204).
    let add = api.send(api.client.put(api.url("/groups/beta/users/grace"))).await;
    assert_eq!(add.status, 201, "{}", add.body);
    assert_eq!(add.body["name"], "grace");
    assert_eq!(api.send(api.client.put(api.url("/groups/beta/users/grace"))).await.status, 200);
    assert_eq!(api.send(api.client.head(api.url("/groups/beta/users/grace"))).await.status, 204);
    assert_eq!(api.send(api.client.head(api.url("/groups/beta/users/alan"))).await.status, 404);
    let members = api.get("/groups/beta/users").await;
    assert_eq!((members.body["count"].as_i64(), members.body["value"][0]["name"].as_str()), (Some(1), Some("grace")));
    let in_groups = api.get("/users/grace/groups").await;
    assert_eq!(names(in_groups.body["value"].as_array().unwrap()), ["beta", "developers"]);
    assert_eq!(api.send(api.client.put(api.url("/groups/beta/users/nobody"))).await.status, 404);
    assert_eq!(api.send(api.client.delete(api.url("/groups/beta/users/grace"))).await.status, 200);
    assert_eq!(api.send(api.client.delete(api.url("/groups/beta/users/grace"))).await.status, 204);

    assert_eq!(api.delete("/groups/beta", None).await.status, 428);
    assert_eq!(api.delete("/groups/beta", Some("*")).await.status, 200);
    assert_eq!(api.get("/groups/beta").await.status, 404);
    assert_eq!(api.delete("/groups/beta", Some("*")).await.status, 204);
}

#[tokio::test]
async fn the_api_and_the_screens_are_one_set_of_accounts() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let api = app.api().await;
    assert_eq!(api.put("/users/from-api", user_body("api@example.com", "Api", "Made")).await.status, 201);
    let query = json!({ "query": { "q": "api@example", "state": null, "group": null, "sort": "name", "desc": false, "page": 1, "per_page": 25 } });
    let (s, page) = call_json(&admin, &app, "/api/admin/users/list", query).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["rows"][0]["uid"], "from-api");
    assert_eq!(page["rows"][0]["email"], "api@example.com");

    let uid = app.add_user(&admin, "screen@example.com", "Screen", "Made", "").await;
    let got = api.get(&format!("/users/{uid}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["properties"]["email"], "screen@example.com");
    let f = api.get(&format!("/users?$filter={}", gatehouse_tests::urlencode("email eq 'screen@example.com'"))).await;
    assert_eq!(f.body["value"][0]["name"], uid.as_str());

    // An invitation through the API is the screen's invitation.
    let inv = api
        .put("/users/invited?notify=true", json!({ "properties": { "email": "new@example.com", "firstName": "New", "lastName": "Dev", "confirmation": "invite" } }))
        .await;
    assert_eq!(inv.status, 201, "{}", inv.body);
    assert_eq!(inv.body["properties"]["state"], "pending");
    let (_, invitations) = call_form(&admin, &app, "/api/admin/invitations/list", &[("page", "1")]).await;
    assert_eq!(invitations["rows"][0]["user_uid"], "invited");
    assert_eq!(invitations["rows"][0]["state"], "pending");
}

#[tokio::test]
async fn the_openapi_document_lists_every_operation_the_server_answers() {
    let app = TestServer::start();
    let api = app.api().await;
    let doc: Value = reqwest::get(app.url("/openapi.json")).await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    let mut n = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            n += 1;
            assert!(op["operationId"].as_str().is_some());
            let concrete = path
                .replace("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}", "")
                .replace("{userId}", "nobody")
                .replace("{groupId}", "nogroup")
                .replace("{productId}", "noproduct")
                .replace("{sid}", "nosub")
                .replace("{apiId}", "noapi")
                .replace("{templateName}", "inviteUserNotificationMessage")
                .replace("{identityProviderName}", "oidc");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let a = api
                .send(
                    api.client
                        .request(m, api.url(&concrete))
                        .header("if-match", "*")
                        .json(&json!({ "properties": {} })),
                )
                .await;
            assert_ne!(a.status, 405, "{method} {path} is served");
            let text = a.body.to_string();
            assert!(!text.contains("No such operation"), "{method} {path} is served: {text}");
        }
    }
    assert!(n >= 42, "{n} operations");
}

/// What `/openapi.json` declares is what the server accepts: every declared
/// api-version is served, an undeclared one is refused with the list, and an
/// operation that requires If-Match refuses a call without it (428) before it
/// looks for the entity.
#[tokio::test]
async fn declared_api_versions_are_served_and_if_match_is_checked_first() {
    let app = TestServer::start();
    let api = app.api().await;
    let doc: Value = reqwest::get(app.url("/openapi.json")).await.unwrap().json().await.unwrap();
    let users_get = &doc["paths"][format!("{}/users", app_prefix())]["get"];
    let version_param =
        users_get["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "api-version").unwrap().clone();
    let declared: Vec<String> =
        version_param["schema"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    for v in [
        "2022-08-01",
        "2022-09-01-preview",
        "2023-03-01-preview",
        "2023-05-01-preview",
        "2023-09-01-preview",
        "2024-05-01",
    ] {
        assert!(declared.iter().any(|d| d == v), "{v} declared: {declared:?}");
    }
    let at = |path: &str, v: &str| format!("{}{path}?api-version={v}", api.service);
    for v in &declared {
        let a = api.send(api.client.get(at("/users", v))).await;
        assert_eq!(a.status, 200, "api-version {v}: {}", a.body);
    }
    for v in ["2030-01-01", "2024-06-01-preview", "2021-08-01", "latest"] {
        let a = api.send(api.client.get(at("/users", v))).await;
        assert_eq!(a.status, 400, "api-version {v}");
        assert_eq!(a.body["error"]["code"], "InvalidApiVersionParameter");
        assert!(a.body["error"]["message"].as_str().unwrap().contains("2024-05-01"), "{}", a.body);
    }

    // Every operation whose If-Match is required, on an id that does not
    // exist and without the header: 428, in every version.
    let mut required = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let needs =
                op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "If-Match" && p["required"] == true);
            if !needs {
                continue;
            }
            required += 1;
            let concrete = path
                .replace(&app_prefix(), "")
                .replace("{userId}", "nobody")
                .replace("{groupId}", "nogroup")
                .replace("{productId}", "noproduct")
                .replace("{sid}", "nosub")
                .replace("{apiId}", "noapi")
                .replace("{templateName}", "inviteUserNotificationMessage")
                .replace("{identityProviderName}", "oidc");
            for v in &declared {
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let a = api.send(api.client.request(m, at(&concrete, v)).json(&json!({ "properties": {} }))).await;
                assert_eq!(a.status, 428, "{method} {concrete} at {v} without If-Match: {}", a.body);
                assert_eq!(a.body["error"]["code"], "PreconditionRequired");
            }
        }
    }
    assert!(required >= 10, "{required} operations require If-Match");

    // User_Delete: 200 up to 2023-03-01-preview; a long-running operation
    // from 2023-05-01-preview on, answered 204 when it is done (Microsoft's
    // SDK 5.0.0 sends 2024-05-01 and refuses 200).
    for (i, v) in declared.iter().enumerate() {
        let id = format!("gone{i}");
        let body =
            json!({ "properties": { "email": format!("{id}@example.com"), "firstName": "G", "lastName": "One" } });
        assert_eq!(api.send(api.client.put(at(&format!("/users/{id}"), v)).json(&body)).await.status, 201);
        let res = api
            .client
            .delete(at(&format!("/users/{id}"), v))
            .bearer_auth(&api.token)
            .header("if-match", "*")
            .send()
            .await
            .unwrap();
        let want = if v.as_str() < "2023-05-01" { 200 } else { 204 };
        assert_eq!(res.status().as_u16(), want, "User_Delete at {v}");
        assert!(res.text().await.unwrap().is_empty());
        assert_eq!(api.send(api.client.get(at(&format!("/users/{id}"), v))).await.status, 404);
        // Deleting it again: already gone.
        let again = api.send(api.client.delete(at(&format!("/users/{id}"), v)).header("if-match", "*")).await;
        assert_eq!(again.status, 204, "second User_Delete at {v}");
    }
}

fn app_prefix() -> String {
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}".to_string()
}
