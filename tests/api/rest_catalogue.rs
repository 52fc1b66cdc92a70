//! The REST management API for products, their groups, subscriptions with
//! their keys, and email templates: APIM's routes and JSON, and the same
//! services (the portal, the gateway check, the screens) behind them.
use gatehouse_tests::{call_form, urlencode, Answer, Api, TestServer, ADMIN_EMAIL};
use serde_json::{json, Value};

fn names(a: &Answer) -> Vec<String> {
    a.body["value"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

fn filtered(path: &str, filter: &str) -> String {
    format!("{path}?$filter={}", urlencode(filter))
}

async fn post(api: &Api, path: &str) -> Answer {
    api.send(api.client.post(api.url(path))).await
}

async fn head(api: &Api, path: &str) -> u16 {
    api.send(api.client.head(api.url(path))).await.status
}

async fn developer(api: &Api, id: &str, email: &str, password: &str) {
    let body = json!({ "properties": { "email": email, "firstName": "Dev", "lastName": id, "password": password } });
    let a = api.put(&format!("/users/{id}"), body).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

/// The target of the first error detail and the whole message.
fn error_of(a: &Answer) -> (u16, String, String) {
    let e = &a.body["error"];
    (
        a.status,
        e["details"][0]["target"].as_str().unwrap_or("").to_string(),
        e["message"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn products_are_created_filtered_linked_to_groups_and_deleted() {
    let app = TestServer::start();
    let api = app.api().await;
    let starter = json!({ "properties": {
        "displayName": "Starter", "description": "Our first <b>APIs</b>", "terms": "Be nice.",
        "subscriptionRequired": true, "approvalRequired": false, "subscriptionsLimit": 2, "state": "published" } });
    let created = api.put("/products/starter", starter.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.body["id"].as_str().unwrap().ends_with("/service/gh/products/starter"));
    assert_eq!(created.body["type"], "Microsoft.ApiManagement/service/products");
    assert_eq!(created.body["properties"], starter["properties"]);
    assert_eq!(api.put("/products/starter", starter).await.status, 200, "PUT again updates");

    // APIM's defaults: subscription required, no approval, no limit, not published.
    let free = api.put("/products/free", json!({ "properties": { "displayName": "Free tier" } })).await;
    assert_eq!(free.status, 201, "{}", free.body);
    assert_eq!(
        free.body["properties"],
        json!({ "displayName": "Free tier", "description": "", "terms": "", "subscriptionRequired": true,
                "approvalRequired": false, "subscriptionsLimit": null, "state": "notPublished" })
    );

    // Bad bodies: each answer names the property.
    let long = "x".repeat(301);
    for (body, target, says) in [
        (json!({ "properties": { "displayName": "starter" } }), "displayName", "Another product already has this name"),
        (
            json!({ "properties": { "displayName": "P", "state": "draft" } }),
            "properties.state",
            "unknown variant `draft`",
        ),
        (
            json!({ "properties": { "displayName": "P", "subscriptionsLimit": 0 } }),
            "subscriptionsLimit",
            "whole number",
        ),
        (
            json!({ "properties": { "displayName": "P", "subscriptionsLimit": "two" } }),
            "properties.subscriptionsLimit",
            "invalid type",
        ),
        (json!({ "properties": { "displayName": long } }), "displayName", "300"),
        (
            json!({ "properties": { "displayName": "P", "colour": "red" } }),
            "properties.colour",
            "unknown field `colour`",
        ),
        (json!({ "properties": { "description": "no name" } }), "properties.displayName", "required"),
    ] {
        let a = api.put("/products/new-one", body.clone()).await;
        let (status, t, message) = error_of(&a);
        assert_eq!((status, t.as_str()), (400, target), "{body}: {}", a.body);
        assert!(message.contains(says), "{body}: {message}");
    }
    assert_eq!(api.get("/products/new-one").await.status, 404, "nothing half-made");
    assert_eq!(error_of(&api.put("/products/bad%20id", json!({ "properties": { "displayName": "B" } })).await).0, 400);

    // ETags: PATCH needs If-Match; a stale one is refused; null clears the limit.
    let tag = api.get("/products/starter").await.etag.unwrap();
    let h = api.send(api.client.head(api.url("/products/starter"))).await;
    assert_eq!((h.status, h.etag.as_deref()), (200, Some(tag.as_str())), "HEAD answers the ETag");
    assert_eq!(head(&api, "/products/nothing").await, 404);
    assert_eq!(api.patch("/products/starter", None, json!({ "properties": { "terms": "" } })).await.status, 428);
    let p = api.patch("/products/starter", Some(&tag), json!({ "properties": { "subscriptionsLimit": null } })).await;
    assert_eq!((p.status, p.body["properties"]["subscriptionsLimit"].clone()), (200, Value::Null), "{}", p.body);
    assert_eq!(p.body["properties"]["terms"], "Be nice.", "PATCH leaves the rest");
    assert_eq!(api.patch("/products/starter", Some(&tag), json!({ "properties": { "terms": "" } })).await.status, 412);

    // Filters on the documented fields.
    for (filter, expect) in [
        ("properties/state eq 'published'", vec!["starter"]),
        ("state ne 'published'", vec!["free"]),
        ("contains(properties/displayName,'TIER')", vec!["free"]),
        ("startswith(name,'sta')", vec!["starter"]),
        ("endswith(properties/description,'</b>')", vec!["starter"]),
        ("terms eq 'Be nice.' or name eq 'free'", vec!["free", "starter"]),
        ("approvalRequired eq true", vec![]),
    ] {
        let a = api.get(&filtered("/products", filter)).await;
        assert_eq!(a.status, 200, "{filter}: {}", a.body);
        assert_eq!(names(&a), expect, "{filter}");
        assert_eq!(a.body["count"], expect.len(), "{filter}");
    }
    let bad = api.get(&filtered("/products", "state eq 'draft'")).await;
    assert_eq!(error_of(&bad).1, "$filter");

    // Groups decide who sees it: link developers, and a developer finds it in the portal.
    let link = api.send(api.client.put(api.url("/products/starter/groups/developers"))).await;
    assert_eq!((link.status, link.body["name"].as_str()), (201, Some("developers")), "{}", link.body);
    assert_eq!(api.send(api.client.put(api.url("/products/starter/groups/developers"))).await.status, 200);
    assert_eq!(head(&api, "/products/starter/groups/developers").await, 204);
    assert_eq!(head(&api, "/products/starter/groups/guests").await, 404);
    assert_eq!(api.send(api.client.put(api.url("/products/starter/groups/nogroup"))).await.status, 404);
    assert_eq!(names(&api.get("/products/starter/groups").await), ["developers"]);
    let expanded = api.get("/products?expandGroups=true&$filter=name%20eq%20'starter'").await;
    assert_eq!(expanded.body["value"][0]["properties"]["groups"][0]["displayName"], "Developers");
    developer(&api, "ada", "ada@example.com", "ada's long password").await;
    let ada = app.client();
    app.sign_in(&ada, "ada@example.com", "ada's long password").await;
    let (_, seen) = call_form(&ada, &app, "/api/products/catalogue", &[]).await;
    assert_eq!(seen[0]["uid"], "starter", "{seen}");
    let admin = app.admin().await;
    let (_, on_screen) = call_form(&admin, &app, "/api/admin/products/get", &[("uid", "starter")]).await;
    assert_eq!(on_screen["groups"][0]["uid"], "developers", "the product screen shows the API's link");
    assert_eq!(api.send(api.client.delete(api.url("/products/starter/groups/developers"))).await.status, 200);
    assert_eq!(api.send(api.client.delete(api.url("/products/starter/groups/developers"))).await.status, 204);
    let (_, seen) = call_form(&ada, &app, "/api/products/catalogue", &[]).await;
    assert_eq!(seen, json!([]));

    // A product with a subscription goes only with deleteSubscriptions=true, and its keys stop working.
    let sub = api
        .put(
            "/subscriptions/ada-starter",
            json!({ "properties": {
        "scope": "/products/starter", "ownerId": "/users/ada", "displayName": "Ada", "state": "active" } }),
        )
        .await;
    assert_eq!(sub.status, 201, "{}", sub.body);
    let key =
        post(&api, "/subscriptions/ada-starter/listSecrets").await.body["primaryKey"].as_str().unwrap().to_string();
    assert_eq!(app.check_key(&app.client(), &key).await.0, 200);
    assert_eq!(names(&api.get("/products/starter/subscriptions").await), ["ada-starter"]);
    let refused = api.delete("/products/starter", Some("*")).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body["error"]["message"].as_str().unwrap().contains("deleteSubscriptions=true"),
        "{}",
        refused.body
    );
    assert_eq!(api.get("/products/starter").await.status, 200, "still there");
    assert_eq!(api.delete("/products/starter?deleteSubscriptions=true", None).await.status, 428);
    assert_eq!(api.delete("/products/starter?deleteSubscriptions=true", Some("*")).await.status, 200);
    assert_eq!(api.get("/products/starter").await.status, 404);
    assert_eq!(api.get("/subscriptions/ada-starter").await.status, 404);
    assert_eq!(app.check_key(&app.client(), &key).await, (403, "product deleted".to_string()));
    assert_eq!(api.delete("/products/starter", Some("*")).await.status, 204);
}

#[tokio::test]
async fn subscriptions_move_through_their_states_and_their_keys_work_at_the_gateway() {
    let app = TestServer::start();
    let api = app.api().await;
    let gold = json!({ "properties": { "displayName": "Gold", "state": "published", "approvalRequired": true } });
    assert_eq!(api.put("/products/gold", gold).await.status, 201);
    developer(&api, "ada", "ada@example.com", "ada's long password").await;
    let gw = app.client();

    // Created as submitted (APIM's default), ids in APIM's long form, keys only from listSecrets.
    let body =
        json!({ "properties": { "scope": "/products/gold", "ownerId": "/users/ada", "displayName": "Ada's gold" } });
    let created = api.put("/subscriptions/ada-gold", body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let p = &created.body["properties"];
    assert_eq!((p["state"].as_str(), p["displayName"].as_str()), (Some("submitted"), Some("Ada's gold")));
    assert!(p["ownerId"].as_str().unwrap().ends_with("/service/gh/users/ada"), "{p}");
    assert!(p["scope"].as_str().unwrap().ends_with("/service/gh/products/gold"), "{p}");
    assert!(p.get("primaryKey").is_none() && !created.body.to_string().contains("Key\""));
    let secrets = post(&api, "/subscriptions/ada-gold/listSecrets").await;
    assert_eq!(secrets.status, 200, "{}", secrets.body);
    let primary = secrets.body["primaryKey"].as_str().unwrap().to_string();
    let secondary = secrets.body["secondaryKey"].as_str().unwrap().to_string();
    assert_ne!(primary, secondary);
    assert_ne!(app.check_key(&gw, &primary).await.0, 200, "a request does not open the gateway");

    // Approve, then suspend with a comment, then reactivate: the gateway follows each step.
    let tag = created.etag.unwrap();
    let h = api.send(api.client.head(api.url("/subscriptions/ada-gold"))).await;
    assert_eq!((h.status, h.etag.as_deref()), (200, Some(tag.as_str())));
    assert_eq!(head(&api, "/subscriptions/nosub").await, 404);
    assert_eq!(
        api.patch("/subscriptions/ada-gold", None, json!({ "properties": { "state": "active" } })).await.status,
        428
    );
    let active = api.patch("/subscriptions/ada-gold", Some(&tag), json!({ "properties": { "state": "active" } })).await;
    assert_eq!((active.status, active.body["properties"]["state"].as_str()), (200, Some("active")), "{}", active.body);
    assert!(active.body["properties"]["startDate"].is_string());
    assert_eq!(app.check_key(&gw, &primary).await, (200, "ada-gold".to_string()));
    assert_eq!(
        api.patch("/subscriptions/ada-gold", Some(&tag), json!({ "properties": { "state": "suspended" } }))
            .await
            .status,
        412
    );
    let back = api.patch("/subscriptions/ada-gold", Some("*"), json!({ "properties": { "state": "submitted" } })).await;
    assert_eq!(back.status, 400, "not a lifecycle step: {}", back.body);
    assert!(back.body["error"]["message"].as_str().unwrap().contains("current state"));
    let suspended = api
        .patch(
            "/subscriptions/ada-gold",
            Some("*"),
            json!({ "properties": { "state": "suspended", "stateComment": "unpaid invoice" } }),
        )
        .await;
    assert_eq!(suspended.body["properties"]["stateComment"], "unpaid invoice", "{}", suspended.body);
    assert_eq!(app.check_key(&gw, &primary).await.0, 403);
    api.patch(
        "/subscriptions/ada-gold",
        Some("*"),
        json!({ "properties": { "state": "active", "displayName": "Gold for Ada" } }),
    )
    .await;
    assert_eq!(api.get("/subscriptions/ada-gold").await.body["properties"]["displayName"], "Gold for Ada");
    assert_eq!(app.check_key(&gw, &secondary).await.0, 200);

    // Regenerating: 204, the old key says so at once, the new one works.
    assert_eq!(post(&api, "/subscriptions/ada-gold/regeneratePrimaryKey").await.status, 204);
    assert_eq!(app.check_key(&gw, &primary).await, (401, "this key was regenerated".to_string()));
    let renewed =
        post(&api, "/subscriptions/ada-gold/listSecrets").await.body["primaryKey"].as_str().unwrap().to_string();
    assert_ne!(renewed, primary);
    assert_eq!(app.check_key(&gw, &renewed).await.0, 200);
    assert_eq!(post(&api, "/subscriptions/ada-gold/regenerateSecondaryKey").await.status, 204);
    assert_eq!(app.check_key(&gw, &secondary).await.0, 401);
    assert_eq!(post(&api, "/subscriptions/nosub/regeneratePrimaryKey").await.status, 404);

    // Keys carried over from another gateway work as given; weak or reused keys are refused.
    let moved = json!({ "properties": { "scope": "/products/gold", "ownerId": "/users/ada", "displayName": "Moved",
        "state": "active", "primaryKey": "0123456789abcdef0123456789abcdef", "secondaryKey": "fedcba9876543210fedcba9876543210" } });
    let a = api.put("/subscriptions/moved", moved).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(app.check_key(&gw, "0123456789abcdef0123456789abcdef").await, (200, "moved".to_string()));
    let same_back = api
        .patch(
            "/subscriptions/moved",
            Some("*"),
            json!({ "properties": { "primaryKey": "0123456789abcdef0123456789abcdef" } }),
        )
        .await;
    assert_eq!(same_back.status, 200, "sending a key back unchanged is no change: {}", same_back.body);
    let twice = api
        .patch(
            "/subscriptions/moved",
            Some("*"),
            json!({ "properties": { "primaryKey": "one-new-key-for-both", "secondaryKey": "one-new-key-for-both" } }),
        )
        .await;
    assert_eq!(error_of(&twice).1, "secondaryKey", "{}", twice.body);
    assert_eq!(app.check_key(&gw, "0123456789abcdef0123456789abcdef").await.0, 200, "a refused PATCH changes nothing");
    for (body, target, says) in [
        (
            json!({ "scope": "/products/gold", "ownerId": "/users/ada", "primaryKey": "short" }),
            "primaryKey",
            "16 to 256",
        ),
        (
            json!({ "scope": "/products/gold", "ownerId": "/users/ada", "secondaryKey": "0123456789abcdef0123456789abcdef" }),
            "secondaryKey",
            "already in use",
        ),
        (
            json!({ "scope": "/products/gold", "ownerId": "/users/ada", "primaryKey": "the-same-key-twice", "secondaryKey": "the-same-key-twice" }),
            "secondaryKey",
            "must differ",
        ),
        (json!({ "scope": "/apis/echo", "ownerId": "/users/ada" }), "scope", "no API"),
        (json!({ "scope": "/groups/x", "ownerId": "/users/ada" }), "properties.scope", "/apis/{apiId}"),
        (json!({ "ownerId": "/users/ada" }), "properties.scope", "required"),
        (json!({ "scope": "/products/gold", "ownerId": "/users/nobody" }), "ownerId", "no user"),
        (json!({ "scope": "/products/nothing", "ownerId": "/users/ada" }), "scope", "no product"),
        (json!({ "scope": "/products/gold", "state": "paused" }), "properties.state", "unknown variant `paused`"),
        (json!({ "scope": "/products/gold", "displayName": 7 }), "properties.displayName", "invalid type"),
        (json!({ "scope": "/products/gold", "displayName": "d".repeat(101) }), "displayName", "100"),
        (
            json!({ "scope": "/products/gold", "expirationDate": "next week" }),
            "properties.expirationDate",
            "not a date",
        ),
        (json!({ "scope": "/products/gold", "allowTracing": true }), "properties.allowTracing", "tracing"),
    ] {
        let a = api.put("/subscriptions/bad-one", json!({ "properties": body })).await;
        let (status, t, message) = error_of(&a);
        assert_eq!((status, t.as_str()), (400, target), "{body}: {}", a.body);
        assert!(message.contains(says), "{body}: {message}");
    }
    assert_eq!(api.get("/subscriptions/bad-one").await.status, 404, "nothing half-made");
    let elsewhere = api
        .put(
            "/subscriptions/moved",
            json!({ "properties": { "scope": "/products/gold", "ownerId": "/users/someone" } }),
        )
        .await;
    assert_eq!(error_of(&elsewhere).1, "properties.ownerId", "{}", elsewhere.body);

    // Lists: by state, by product, by user; bookkeeping dates as given.
    let dated = api
        .patch("/subscriptions/moved", Some("*"), json!({ "properties": { "expirationDate": "2030-01-31T00:00:00Z" } }))
        .await;
    assert_eq!(dated.body["properties"]["expirationDate"], "2030-01-31T00:00:00Z", "{}", dated.body);
    assert_eq!(dated.body["properties"]["state"], "active", "an expiration date changes no state");
    assert_eq!(
        names(&api.get(&filtered("/subscriptions", "properties/state eq 'active'")).await),
        ["ada-gold", "moved"]
    );
    assert_eq!(names(&api.get(&filtered("/subscriptions", "displayName eq 'Moved'")).await), ["moved"]);
    assert_eq!(api.get("/products/gold/subscriptions").await.body["count"], 2);
    assert_eq!(names(&api.get(&filtered("/users/ada/subscriptions", "startswith(name,'mov')")).await), ["moved"]);

    // The developer sees what the API did in their own list.
    let ada = app.client();
    app.sign_in(&ada, "ada@example.com", "ada's long password").await;
    let (_, mine) = call_form(&ada, &app, "/api/subscriptions/mine", &[]).await;
    let mut uids: Vec<&str> = mine.as_array().unwrap().iter().map(|s| s["uid"].as_str().unwrap()).collect();
    uids.sort();
    assert_eq!(uids, ["ada-gold", "moved"]);

    // Cancelled ends it; deleting takes the keys with it.
    let c = api.patch("/subscriptions/moved", Some("*"), json!({ "properties": { "state": "cancelled" } })).await;
    assert_eq!((c.status, c.body["properties"]["endDate"].is_string()), (200, true), "{}", c.body);
    assert_eq!(api.delete("/subscriptions/ada-gold", None).await.status, 428);
    assert_eq!(api.delete("/subscriptions/ada-gold", Some("*")).await.status, 200);
    assert_eq!(app.check_key(&gw, &renewed).await, (403, "subscription deleted".to_string()));
    assert_eq!(api.get("/subscriptions/ada-gold").await.status, 404);
    assert_eq!(api.delete("/subscriptions/ada-gold", Some("*")).await.status, 204);
}

#[tokio::test]
async fn notify_decides_whether_the_owner_is_emailed() {
    let app = TestServer::start();
    let api = app.api().await;
    let admin = app.admin().await;
    assert_eq!(
        api.put("/products/gold", json!({ "properties": { "displayName": "Gold", "state": "published" } }))
            .await
            .status,
        201
    );
    developer(&api, "ada", "ada@example.com", "ada's long password").await;
    let mails_to_ada = || async {
        let (_, page) = call_form(&admin, &app, "/api/admin/emails/list", &[("page", "1")]).await;
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["recipient"] == "ada@example.com")
            .map(|m| m["kind"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let before = mails_to_ada().await.len();
    let quiet = json!({ "properties": { "scope": "/products/gold", "ownerId": "/users/ada", "state": "active" } });
    assert_eq!(api.put("/subscriptions/quiet", quiet).await.status, 201);
    assert_eq!(mails_to_ada().await.len(), before, "no notify, no email");
    let told = json!({ "properties": { "scope": "/products/gold", "ownerId": "/users/ada", "state": "active" } });
    assert_eq!(api.put("/subscriptions/told?notify=true", told).await.status, 201);
    assert_eq!(mails_to_ada().await[0], "subscription_active");
    let s = api
        .patch("/subscriptions/told?notify=true", Some("*"), json!({ "properties": { "state": "suspended" } }))
        .await;
    assert_eq!(s.status, 200);
    assert_eq!(mails_to_ada().await[0], "subscription_changed");

    // The administrator's changes are in the activity log under the token.
    let (_, log) = call_form(&admin, &app, "/api/admin/activity/list", &[("page", "1")]).await;
    let row = log["rows"].as_array().unwrap().iter().find(|r| r["action"] == "subscription.suspend").expect("logged");
    let actor = row["actor"].as_str().unwrap();
    assert!(actor.starts_with(ADMIN_EMAIL) && actor.contains("(token "), "{actor}");
}

#[tokio::test]
async fn email_templates_are_read_edited_with_etags_and_reset() {
    let app = TestServer::start();
    let api = app.api().await;
    let all = api.get("/templates").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.body["count"], 11);
    assert!(names(&all).contains(&"inviteUserNotificationMessage".to_string()));
    assert!(all.body["value"].as_array().unwrap().iter().all(|t| t["properties"]["isDefault"] == true));
    assert_eq!(
        names(&api.get(&filtered("/templates", "startswith(name,'passwordReset')")).await),
        ["passwordResetByAdminNotificationMessage", "passwordResetIdentityDefault"]
    );
    let page = api.get("/templates?$top=4").await;
    assert_eq!((names(&page).len(), page.body["nextLink"].is_string()), (4, true));

    let invite = api.get("/templates/inviteUserNotificationMessage").await;
    assert_eq!(invite.status, 200);
    let p = &invite.body["properties"];
    assert!(p["body"].as_str().unwrap().contains("$ConfirmUrl"));
    assert!(p["parameters"].as_array().unwrap().iter().any(|x| x["name"] == "ConfirmUrl"), "{p}");
    let old_tag = invite.etag.unwrap();
    assert_eq!(
        api.send(api.client.head(api.url("/templates/inviteUserNotificationMessage"))).await.etag,
        Some(old_tag.clone())
    );
    let unchanged =
        api.put("/templates/inviteUserNotificationMessage", json!({ "properties": { "subject": p["subject"] } })).await;
    assert_eq!(
        (unchanged.status, unchanged.body["properties"]["isDefault"].as_bool()),
        (200, Some(true)),
        "the same text is no edit"
    );

    // Edit: the placeholders must be the template's own, and the link must stay.
    for (body, target, says) in [
        (json!({ "body": "Hello, no link here" }), "body", "$ConfirmUrl"),
        (json!({ "subject": "Hi $Nobody", "body": "$ConfirmUrl" }), "subject", "$Nobody"),
        (json!({ "subject": "Two\nlines" }), "subject", "one line"),
        (json!({ "subject": 3 }), "properties.subject", "invalid type"),
    ] {
        let a = api.put("/templates/inviteUserNotificationMessage", json!({ "properties": body })).await;
        let (status, t, message) = error_of(&a);
        assert_eq!((status, t.as_str()), (400, target), "{body}: {}", a.body);
        assert!(message.to_lowercase().contains(&says.to_lowercase()), "{body}: {message}");
    }
    let edit = json!({ "properties": { "subject": "Join $OrganizationName", "body": "Hi $DevFirstName, start here: $ConfirmUrl" } });
    let saved = api.put("/templates/inviteUserNotificationMessage", edit).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["properties"]["isDefault"], false);
    let new_tag = saved.etag.unwrap();
    assert_ne!(new_tag, old_tag);
    let stale = api
        .patch("/templates/inviteUserNotificationMessage", Some(&old_tag), json!({ "properties": { "subject": "x" } }))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(
        api.patch("/templates/inviteUserNotificationMessage", None, json!({ "properties": { "subject": "x" } }))
            .await
            .status,
        428
    );
    assert_eq!(names(&api.get(&filtered("/templates", "isDefault eq false")).await), ["inviteUserNotificationMessage"]);

    // The Emails screen shows the edit, and the API's invitation uses it.
    let admin = app.admin().await;
    let (_, detail) =
        call_form(&admin, &app, "/api/admin/templates/get", &[("name", "inviteUserNotificationMessage")]).await;
    assert_eq!(
        (detail["texts"][0]["subject"].as_str(), detail["texts"][0]["is_default"].as_bool()),
        (Some("Join $OrganizationName"), Some(false))
    );
    let inv = api
        .put("/users/newdev", json!({ "properties": { "email": "new@example.com", "firstName": "New", "lastName": "Dev", "confirmation": "invite" } }))
        .await;
    assert_eq!(inv.status, 201);
    let (_, mails) = call_form(&admin, &app, "/api/admin/emails/list", &[("page", "1")]).await;
    assert!(mails["rows"][0]["subject"].as_str().unwrap().starts_with("Join "), "{mails}");

    // Dutch is its own text; an unknown language or template is refused.
    let nl = api.get("/templates/inviteUserNotificationMessage?language=nl").await;
    assert_eq!(nl.body["properties"]["isDefault"], true);
    assert_ne!(nl.body["properties"]["subject"], "Join $OrganizationName");
    assert_eq!(error_of(&api.get("/templates/inviteUserNotificationMessage?language=fr").await).1, "language");
    assert_eq!(api.get("/templates/noSuchTemplate").await.status, 404);

    // DELETE resets to the shipped text.
    assert_eq!(api.delete("/templates/inviteUserNotificationMessage", None).await.status, 428);
    assert_eq!(api.delete("/templates/inviteUserNotificationMessage", Some(&new_tag)).await.status, 200);
    let reset = api.get("/templates/inviteUserNotificationMessage").await;
    assert_eq!(reset.body["properties"], invite.body["properties"]);
    assert_eq!(reset.etag.unwrap(), old_tag);
}
