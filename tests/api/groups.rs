use gatehouse_tests::{call_form, call_json, TestServer};
use serde_json::{json, Value};

#[tokio::test]
async fn system_groups_exist_and_refuse_rename_and_delete() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (_, list) = call_form(&admin, &app, "/api/admin/groups/list", &[("q", ""), ("page", "1")]).await;
    let names: Vec<(&str, &str)> = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("Administrators", "system"), ("Developers", "system"), ("Guests", "system")]);
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", "administrators")]).await;
    let version = g["version"].to_string();
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/groups/update",
        &[("uid", "administrators"), ("version", &version), ("name", "Admins"), ("description", "")],
    )
    .await;
    assert_eq!((s, body), (409, json!({"Refused": "ErrSystemGroup"})));
    let (s, body) = call_form(&admin, &app, "/api/admin/groups/delete", &[("uid", "guests")]).await;
    assert_eq!((s, body), (409, json!({"Refused": "ErrSystemGroup"})));
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", "administrators")]).await;
    assert_eq!(g["name"], "Administrators");
}

#[tokio::test]
async fn custom_groups_have_unique_case_insensitive_names_and_can_be_edited() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (s, uid) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Partner APIs"), ("description", "For partners")],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(uid, "partner-apis");
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "  partner apis "), ("description", "")],
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(body["Validation"][0]["field"], "name");
    assert_eq!(body["Validation"][0]["msg"], "ErrGroupNameTaken");
    let long = "d".repeat(1001);
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Other"), ("description", &long)],
    )
    .await;
    assert_eq!((s, body["Validation"][0]["field"].as_str()), (422, Some("description")));

    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", "partner-apis")]).await;
    let v = g["version"].to_string();
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/groups/update",
        &[("uid", "partner-apis"), ("version", &v), ("name", "Partners"), ("description", "Renamed")],
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/groups/update",
        &[("uid", "partner-apis"), ("version", &v), ("name", "Partners 2"), ("description", "")],
    )
    .await;
    assert_eq!((s, body), (409, json!("Conflict")), "a stale version is refused");
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", "partner-apis")]).await;
    assert_eq!(g["name"], "Partners");
}

#[tokio::test]
async fn external_groups_carry_an_external_identifier() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (s, body) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "external"), ("name", "Contoso"), ("description", "")],
    )
    .await;
    assert_eq!((s, body["Validation"][0]["field"].as_str()), (422, Some("external_id")));
    let (s, uid) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[
            ("kind", "external"),
            ("name", "Contoso"),
            ("description", ""),
            ("external_id", "aad://contoso.onmicrosoft.com/groups/1234"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let (_, g) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", uid.as_str().unwrap())]).await;
    assert_eq!(g["kind"], "external");
    assert_eq!(g["external_id"], "aad://contoso.onmicrosoft.com/groups/1234");
}

#[tokio::test]
async fn deleting_a_group_shows_its_members_and_keeps_the_accounts() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (_, gid) = call_form(
        &admin,
        &app,
        "/api/admin/groups/create",
        &[("kind", "custom"), ("name", "Temp"), ("description", "")],
    )
    .await;
    let gid = gid.as_str().unwrap().to_string();
    let a = app.add_user(&admin, "a@example.com", "A", "A", "").await;
    let b = app.add_user(&admin, "b@example.com", "B", "B", "").await;
    call_json(
        &admin,
        &app,
        "/api/admin/users/bulk",
        json!({"uids": [a, b], "action": {"AddToGroup": gid}, "reason": null}),
    )
    .await;
    let (_, p) = call_form(&admin, &app, "/api/admin/groups/delete_preview", &[("uid", &gid)]).await;
    assert_eq!(p["members"], 2);
    assert_eq!(p["product_links"], 0);
    let (s, _) = call_form(&admin, &app, "/api/admin/groups/delete", &[("uid", &gid), ("reason", "cleanup")]).await;
    assert_eq!(s, 200);
    let (s, _) = call_form(&admin, &app, "/api/admin/groups/get", &[("uid", &gid)]).await;
    assert_eq!(s, 404);
    let (_, u) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &a)]).await;
    let groups: Vec<&str> =
        u["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect::<Vec<_>>();
    assert_eq!(groups, ["Developers"]);
    let (_, log) = call_form(&admin, &app, "/api/admin/activity/list", &[("page", "1")]).await;
    let first: &Value = &log["rows"][0];
    assert_eq!((first["action"].as_str(), first["reason"].as_str()), (Some("group.deleted"), Some("cleanup")));
}
