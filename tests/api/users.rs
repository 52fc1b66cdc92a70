use gatehouse_tests::{call_form, call_json, TestServer, ADMIN_EMAIL};
use serde_json::{json, Value};

async fn get_user(app: &TestServer, c: &reqwest::Client, uid: &str) -> (u16, Value) {
    call_form(c, app, "/api/admin/users/get", &[("uid", uid)]).await
}

fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["Validation"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| (e["field"].as_str().unwrap().to_string(), e["msg"].as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_added_user_is_active_in_developers_and_a_duplicate_email_is_refused_on_the_field() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "ada@example.com", "Ada", "Lovelace", "analytical engine").await;
    let (s, u) = get_user(&app, &admin, &uid).await;
    assert_eq!(s, 200);
    assert_eq!(u["state"], "active");
    assert_eq!(u["email"], "ada@example.com");
    let groups: Vec<&str> = u["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(groups, ["Developers"]);
    assert_eq!(u["identities"], json!([{"provider": "Basic", "id": "ada@example.com"}]));
    // She can sign in at once.
    let dev = app.client();
    assert!(app.sign_in(&dev, "ada@example.com", "analytical engine").await.headers().get("set-cookie").is_some());

    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/users/create",
        &[
            ("email", " ADA@example.com "),
            ("first_name", "Other"),
            ("last_name", "Ada"),
            ("password", ""),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(field_errors(&body), [("email".into(), "ErrEmailTaken".into())]);
}

#[tokio::test]
async fn bad_input_gets_an_error_per_field_and_nothing_is_written() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let long = "x".repeat(101);
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/users/create",
        &[("email", "not-an-email"), ("first_name", ""), ("last_name", &long), ("password", "short"), ("note", "")],
    )
    .await;
    assert_eq!(s, 422);
    let errs = field_errors(&body);
    assert!(errs.contains(&("email".into(), "ErrEmailInvalid".into())), "{errs:?}");
    assert!(errs.contains(&("first_name".into(), "ErrRequired".into())));
    assert!(errs.contains(&("last_name".into(), "ErrNameLength".into())));
    assert!(errs.contains(&("password".into(), "ErrPasswordTooShort".into())));
    let (_, page) = call_json(&admin, &app, "/api/admin/users/list", json!({"query": {"q": "", "state": null, "group": null, "sort": "name", "desc": false, "page": 1, "per_page": 25}})).await;
    assert_eq!(page["total"], 1, "only the administrator exists");
}

#[tokio::test]
async fn a_user_without_a_password_cannot_sign_in() {
    let app = TestServer::start();
    let admin = app.admin().await;
    app.add_user(&admin, "nopass@example.com", "No", "Pass", "").await;
    let res = app.sign_in(&app.client(), "nopass@example.com", "").await;
    assert_eq!(res.status(), 401);
}

fn query(q: &str, state: Option<&str>, group: Option<&str>, sort: &str, desc: bool, page: u32, per: u32) -> Value {
    json!({"query": {"q": q, "state": state, "group": group, "sort": sort, "desc": desc, "page": page, "per_page": per}})
}

#[tokio::test]
async fn the_list_searches_filters_sorts_and_pages() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"];
    let mut uids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let (first, last) = n.split_once(' ').unwrap();
        uids.push(app.add_user(&admin, &format!("{}{}@example.com", first.to_lowercase(), i), first, last, "").await);
    }
    // Substring of a last name (trigram index), case-insensitive.
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("OPPE", None, None, "name", false, 1, 25)).await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["rows"][0]["last_name"], "Hopper");
    // Substring of an email, two characters (the short-search path).
    let (_, p) = call_json(&admin, &app, "/api/admin/users/list", query("n1", None, None, "name", false, 1, 25)).await;
    assert_eq!(p["total"], 1, "{p}");
    assert_eq!(p["rows"][0]["email"], "alan1@example.com");
    // Sort by email, descending, and page by 25 / 2 rows per page is not allowed: 25 is the minimum page size.
    let (_, p) = call_json(&admin, &app, "/api/admin/users/list", query("", None, None, "email", true, 1, 25)).await;
    let emails: Vec<&str> = p["rows"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
    let mut sorted = emails.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(emails, sorted);
    assert_eq!(p["total"], 7);
    // Filter by state.
    call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &uids[0]), ("state", "blocked"), ("reason", "")])
        .await;
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("", Some("blocked"), None, "name", false, 1, 25)).await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["rows"][0]["first_name"], "Ada");
    // Filter by group.
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("", None, Some("administrators"), "name", false, 1, 25))
            .await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["rows"][0]["email"], ADMIN_EMAIL);
    // Sort by name: last names in order.
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("", None, Some("developers"), "name", false, 1, 25))
            .await;
    let lasts: Vec<&str> = p["rows"].as_array().unwrap().iter().map(|r| r["last_name"].as_str().unwrap()).collect();
    assert_eq!(lasts, ["Administrator", "Dijkstra", "Hopper", "Knuth", "Liskov", "Lovelace", "Turing"]);
}

#[tokio::test]
async fn paging_reports_the_total_and_the_second_page() {
    let app = TestServer::start();
    let state = app.state().await;
    // 60 accounts through the repository (fast: no password hashing).
    let mut tx = state.begin_write().await.unwrap();
    for i in 0..60 {
        let email = format!("user{i:02}@example.com");
        let id = app::users::repo::insert(
            &mut tx,
            &app::users::repo::NewUser {
                email: &email,
                first_name: "User",
                last_name: &format!("N{i:02}"),
                password_hash: None,
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        app::groups::repo::add_to_system_group(&mut tx, id, app::groups::SystemGroup::Developers).await.unwrap();
    }
    tx.commit().await.unwrap();
    let admin = app.admin().await;
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("user", None, None, "email", false, 3, 25)).await;
    assert_eq!(p["total"], 60);
    assert_eq!(p["rows"].as_array().unwrap().len(), 10);
    assert_eq!(p["rows"][0]["email"], "user50@example.com");
    let (_, uids) =
        call_json(&admin, &app, "/api/admin/users/matching", query("user", None, None, "email", false, 1, 25)).await;
    assert_eq!(uids.as_array().unwrap().len(), 60, "select all that match");
}

#[tokio::test]
async fn blocking_ends_sessions_and_activating_restores_access_with_the_reason_logged() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "dev@example.com", "Dev", "One", "developer password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;

    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/users/set_state",
        &[("uid", &uid), ("state", "blocked"), ("reason", "abuse report #12")],
    )
    .await;
    assert_eq!(s, 200);
    let me: Value = dev.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert!(me.is_null(), "the blocked developer's session ended");
    assert_eq!(app.sign_in(&app.client(), "dev@example.com", "developer password").await.status(), 401);

    let (s, _) =
        call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &uid), ("state", "active"), ("reason", "")])
            .await;
    assert_eq!(s, 200);
    assert!(app
        .sign_in(&app.client(), "dev@example.com", "developer password")
        .await
        .headers()
        .get("set-cookie")
        .is_some());

    let (_, log) =
        call_form(&admin, &app, "/api/admin/activity/of", &[("kind", "user"), ("uid", &uid), ("page", "1")]).await;
    let actions: Vec<&str> = log["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["user.activated", "user.blocked", "user.created"]);
    assert_eq!(log["rows"][1]["reason"], "abuse report #12");
    assert_eq!(log["rows"][1]["actor"], ADMIN_EMAIL);
    assert!(log["rows"][1]["before"].as_str().unwrap().contains("active"));
    assert!(log["rows"][1]["after"].as_str().unwrap().contains("blocked"));
}

#[tokio::test]
async fn the_last_active_administrator_cannot_be_blocked_deleted_or_demoted() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (_, me) =
        call_json(&admin, &app, "/api/admin/users/list", query("", None, Some("administrators"), "name", false, 1, 25))
            .await;
    let my_uid = me["rows"][0]["uid"].as_str().unwrap().to_string();
    // Not yourself...
    let (s, body) =
        call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &my_uid), ("state", "blocked")]).await;
    assert_eq!(s, 409);
    assert_eq!(body["Refused"], "ErrNotYourself");
    // ...and not the last one, even by another administrator.
    let second = app.add_user(&admin, "second@example.com", "Second", "Admin", "second admin pw").await;
    call_form(&admin, &app, "/api/admin/users/set_admin", &[("uid", &second), ("admin", "true")]).await;
    let other = app.client();
    app.sign_in(&other, "second@example.com", "second admin pw").await;
    let (s, _) = call_form(&other, &app, "/api/admin/users/set_state", &[("uid", &my_uid), ("state", "blocked")]).await;
    assert_eq!(s, 200, "two admins: one may block the other");
    let (s, body) = call_form(&admin, &app, "/api/admin/users/delete", &[("uid", &second)]).await;
    assert_eq!(s, 401, "the blocked admin's session is gone: {body}");
    let (s, body) =
        call_form(&other, &app, "/api/admin/users/set_admin", &[("uid", &second), ("admin", "false")]).await;
    assert_eq!((s, body["Refused"].as_str()), (409, Some("ErrNotYourself")));
    // Re-activate the first; then demoting or deleting the second is fine, but not both.
    call_form(&other, &app, "/api/admin/users/set_state", &[("uid", &my_uid), ("state", "active")]).await;
    let admin = app.admin().await;
    let (s, _) = call_form(&admin, &app, "/api/admin/users/delete", &[("uid", &second)]).await;
    assert_eq!(s, 200);
    let (s, body) = call_form(&admin, &app, "/api/admin/users/delete", &[("uid", &my_uid)]).await;
    assert_eq!((s, body["Refused"].as_str()), (409, Some("ErrNotYourself")));
    let state = app.state().await;
    let mut conn = state.pool.acquire().await.unwrap();
    assert_eq!(app::users::repo::count_active_admins(&mut conn).await.unwrap(), 1);
    drop(conn);
    // Any other door (command line, later the REST API) meets the same rule.
    let cli = app::auth::capability::Admin::command_line();
    let refused = app::users::service::set_state(&state, &cli, &my_uid, app::users::UserState::Blocked, None).await;
    assert!(matches!(refused, Err(app::error::ServiceError::Refused(app::i18n::Msg::ErrLastAdmin))), "{refused:?}");
    let refused = app::users::service::delete(&state, &cli, &my_uid, None).await;
    assert!(matches!(refused, Err(app::error::ServiceError::Refused(app::i18n::Msg::ErrLastAdmin))), "{refused:?}");
}

#[tokio::test]
async fn delete_shows_what_goes_and_then_removes_the_account() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "gone@example.com", "Gone", "Soon", "a password here").await;
    let (_, g) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Partners"), ("description", "")],
    )
    .await;
    call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [uid], "action": {"AddToGroup": g}, "reason": null}),
    )
    .await;
    app.sign_in(&app.client(), "gone@example.com", "a password here").await;

    let (s, p) = call_form(&admin, &app, "/api/admin/users/delete_preview", &[("uid", &uid)]).await;
    assert_eq!(s, 200);
    assert_eq!(p["groups"], json!(["Developers", "Partners"]));
    assert_eq!(p["sessions"], 1);
    let (s, _) =
        call_form(&admin, &app, "/api/admin/users/delete", &[("uid", &uid), ("reason", "left the company")]).await;
    assert_eq!(s, 200);
    let (s, body) = get_user(&app, &admin, &uid).await;
    assert_eq!((s, body), (404, json!("NotFound")));
    assert_eq!(app.sign_in(&app.client(), "gone@example.com", "a password here").await.status(), 401);
    let (_, log) = call_form(&admin, &app, "/api/admin/activity/list", &[("page", "1")]).await;
    assert_eq!(log["rows"][0]["action"], "user.deleted");
    assert_eq!(log["rows"][0]["reason"], "left the company");
    assert!(log["rows"][0]["before"].as_str().unwrap().contains("Partners"));
}

#[tokio::test]
async fn a_second_save_with_a_stale_version_is_refused() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "edit@example.com", "Edit", "Me", "").await;
    let (_, u) = get_user(&app, &admin, &uid).await;
    let version = u["version"].to_string();
    let form = |first: &'static str| {
        vec![
            ("uid", uid.clone()),
            ("version", version.clone()),
            ("email", "edit@example.com".into()),
            ("first_name", first.into()),
            ("last_name", "Me".into()),
            ("note", "".into()),
        ]
    };
    let f1 = form("First");
    let f1: Vec<(&str, &str)> = f1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _) = call_form(&admin, &app, "/api/admin/users/update", &f1).await;
    assert_eq!(s, 200);
    let f2 = form("Second");
    let f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, body) = call_form(&admin, &app, "/api/admin/users/update", &f2).await;
    assert_eq!((s, body), (409, json!("Conflict")));
    let (_, u) = get_user(&app, &admin, &uid).await;
    assert_eq!(u["first_name"], "First", "the first save stands");
}

#[tokio::test]
async fn setting_a_password_signs_the_account_out_and_requires_a_change() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "pw@example.com", "Pw", "User", "the old password").await;
    let dev = app.client();
    app.sign_in(&dev, "pw@example.com", "the old password").await;
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/users/set_password",
        &[("uid", &uid), ("password", "the new password"), ("must_change", "on")],
    )
    .await;
    assert_eq!(s, 200);
    let me: Value = dev.post(app.url("/api/current_user")).send().await.unwrap().json().await.unwrap();
    assert!(me.is_null());
    let res = app.sign_in(&app.client(), "pw@example.com", "the new password").await;
    assert_eq!(res.headers().get("location").unwrap(), "/profile");
}

#[tokio::test]
async fn bulk_changes_report_each_row_and_one_bad_row_does_not_undo_the_others() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let mut uids = Vec::new();
    for i in 0..3 {
        uids.push(app.add_user(&admin, &format!("b{i}@example.com"), "Bulk", &format!("User{i}"), "").await);
    }
    let (_, gid) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Beta testers"), ("description", "")],
    )
    .await;
    let mut with_bad = uids.clone();
    with_bad.insert(1, "no-such-user".into());
    let (s, rows) = call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": with_bad, "action": {"AddToGroup": gid}, "reason": null}),
    )
    .await;
    assert_eq!(s, 200);
    let errors: Vec<Value> = rows.as_array().unwrap().iter().map(|r| r["error"].clone()).collect();
    assert_eq!(errors, [Value::Null, json!("NotFound"), Value::Null, Value::Null]);
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", gid.as_str().unwrap())]).await;
    assert_eq!(g["members"], 3);

    let (_, rows) = call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [uids[0]], "action": {"RemoveFromGroup": gid}, "reason": "left beta"}),
    )
    .await;
    assert_eq!(rows[0]["error"], Value::Null);
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", gid.as_str().unwrap())]).await;
    assert_eq!(g["members"], 2);

    // Block in bulk includes the caller: that row is refused, the others are blocked.
    let (_, me) =
        call_json(&admin, &app, "/api/admin/users/list", query("", None, Some("administrators"), "name", false, 1, 25))
            .await;
    let mine = me["rows"][0]["uid"].as_str().unwrap();
    let (_, rows) = call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [uids[1], mine, uids[2]], "action": "Block", "reason": null}),
    )
    .await;
    let errors: Vec<Value> = rows.as_array().unwrap().iter().map(|r| r["error"].clone()).collect();
    assert_eq!(errors, [Value::Null, json!({"Refused": "ErrNotYourself"}), Value::Null]);
    let (_, p) =
        call_json(&admin, &app, "/api/admin/users/list", query("", Some("blocked"), None, "name", false, 1, 25)).await;
    assert_eq!(p["total"], 2);
}

#[tokio::test]
async fn system_group_membership_cannot_be_changed_in_bulk() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "x@example.com", "X", "Y", "").await;
    let (s, body) = call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [uid], "action": {"AddToGroup": "administrators"}, "reason": null}),
    )
    .await;
    assert_eq!((s, body), (409, json!({"Refused": "ErrSystemMembership"})));
}

#[tokio::test]
async fn making_someone_an_administrator_is_an_explicit_action() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "promo@example.com", "Pro", "Moted", "promoted password").await;
    let dev = app.client();
    app.sign_in(&dev, "promo@example.com", "promoted password").await;
    assert_eq!(dev.get(app.url("/admin")).send().await.unwrap().status(), 403);
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/users/set_admin",
        &[("uid", &uid), ("admin", "true"), ("reason", "new team lead")],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(dev.get(app.url("/admin")).send().await.unwrap().status(), 200, "takes effect on the next request");
}

#[tokio::test]
async fn developers_and_anonymous_callers_are_refused_by_every_admin_function() {
    let app = TestServer::start();
    app.create_developer("dev@example.com", "developer-password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer-password").await;
    let anon = app.client();
    let q = query("", None, None, "name", false, 1, 25);
    for (client, expected) in [(&dev, 403), (&anon, 401)] {
        for path in ["/api/admin/users/list", "/api/admin/users/matching"] {
            assert_eq!(call_json(client, &app, path, q.clone()).await.0, expected, "{path}");
        }
        let (s, _) =
            call_json(client, &app, "/api/admin/users/bulk", json!({"uids": [], "action": "Block", "reason": null}))
                .await;
        assert_eq!(s, expected);
        for (path, fields) in [
            ("/api/admin/users/get", vec![("uid", "x")]),
            (
                "/api/admin/users/create",
                vec![("email", "a@b.co"), ("first_name", "a"), ("last_name", "b"), ("password", ""), ("note", "")],
            ),
            (
                "/api/admin/users/update",
                vec![
                    ("uid", "x"),
                    ("version", "1"),
                    ("email", "a@b.co"),
                    ("first_name", "a"),
                    ("last_name", "b"),
                    ("note", ""),
                ],
            ),
            ("/api/admin/users/set_password", vec![("uid", "x"), ("password", "whatever123")]),
            ("/api/admin/users/set_state", vec![("uid", "x"), ("state", "blocked")]),
            ("/api/admin/users/delete_preview", vec![("uid", "x")]),
            ("/api/admin/users/delete", vec![("uid", "x")]),
            ("/api/admin/users/set_admin", vec![("uid", "x"), ("admin", "true")]),
            ("/api/admin/activity/of", vec![("kind", "user"), ("uid", "x"), ("page", "1")]),
            ("/api/admin/groups/list", vec![("q", ""), ("page", "1")]),
            ("/api/admin/groups/get", vec![("uid", "developers")]),
            ("/api/admin/groups/create", vec![("kind", "custom"), ("name", "n"), ("description", "")]),
            (
                "/api/admin/groups/update",
                vec![("uid", "developers"), ("version", "1"), ("name", "n"), ("description", "")],
            ),
            ("/api/admin/groups/delete_preview", vec![("uid", "x")]),
            ("/api/admin/groups/delete", vec![("uid", "x")]),
            ("/api/admin/activity/list", vec![("page", "1")]),
        ] {
            let (s, body) = call_form(client, &app, path, &fields).await;
            assert_eq!(s, expected, "{path}: {body}");
        }
    }
}
