//! Invitations end to end over HTTP, with a real SMTP server: invite, the
//! email and its link, accept, a second click, resend, revoke, expiry, and an
//! SMTP outage during 20 invitations.
use gatehouse_tests::{
    call_form, header, link_in, mime_part, restart_with_smtp, start_with_smtp, wait_for_mail, SmtpServer, TestServer,
};
use serde_json::Value;

/// Opens an emailed link like a browser: the link sets a cookie and sends
/// the browser to the page. Returns the page's path.
pub async fn follow(client: &reqwest::Client, app: &TestServer, link: &str) -> String {
    let path = &link[link.find("/l/").expect("a /l/ link")..];
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "the link redirects");
    let cookie = res.headers().get("set-cookie").expect("the link sets a cookie").to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let to = res.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(!to.contains(&path[path.rfind('/').unwrap() + 1..]), "the token leaves the URL");
    to
}

async fn invite(admin: &reqwest::Client, app: &TestServer, email: &str, first: &str, lang: &str) -> (u16, Value) {
    call_form(
        admin,
        app,
        "/api/admin/invitations/invite",
        &[("email", email), ("first_name", first), ("last_name", "Tester"), ("lang", lang)],
    )
    .await
}

async fn invitations(admin: &reqwest::Client, app: &TestServer) -> Vec<Value> {
    let (s, page) = call_form(admin, app, "/api/admin/invitations/list", &[("page", "1")]).await;
    assert_eq!(s, 200, "{page}");
    page["rows"].as_array().unwrap().clone()
}

fn problem(body: &Value) -> &str {
    body["Link"].as_str().unwrap_or("")
}

#[tokio::test]
async fn an_invited_developer_accepts_once_and_lands_signed_in() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[("GATEHOUSE_ORGANIZATION_NAME", "Acme APIs")]);
    let admin = app.admin().await;

    let (s, uid) = invite(&admin, &app, "grace@example.com", "Grace", "en").await;
    assert_eq!(s, 200, "{uid}");
    let uid = uid.as_str().unwrap().to_string();
    let (_, user) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await;
    assert_eq!(user["state"], "pending");
    assert_eq!(user["groups"].as_array().unwrap().len(), 0, "not in Developers until accepted");
    assert_eq!(user["invitation"]["state"], "pending");
    // The same address twice is refused with a reason.
    let (s, body) = invite(&admin, &app, "Grace@Example.com", "Grace", "en").await;
    assert_eq!(s, 422, "{body}");
    assert!(body.to_string().contains("ErrEmailTaken"), "{body}");

    let mail = wait_for_mail(&smtp, "grace@example.com", "invited to the Acme APIs developer portal", 20);
    let text = mime_part(&mail, "text/plain").unwrap();
    assert!(text.contains("Hello Grace,") && text.contains("for 2 days"), "{text}");
    assert!(mime_part(&mail, "text/html").unwrap().contains("<a href=\"http://127.0.0.1:"), "HTML part with a link");
    let link = link_in(&mail);
    assert!(link.starts_with(&app.base), "the link names the server's address: {link}");

    // The developer's browser.
    let dev = app.client();
    assert_eq!(follow(&dev, &app, &link).await, "/invitation");
    let (s, view) = call_form(&dev, &app, "/api/invitation/view", &[]).await;
    assert_eq!(s, 200, "{view}");
    assert_eq!(view["email"], "grace@example.com");
    assert_eq!(view["organization"], "Acme APIs");
    // Bad passwords are refused by rule, and nothing is used up.
    let (s, body) =
        call_form(&dev, &app, "/api/invitation/accept", &[("password", "sunshine"), ("confirm", "sunshine")]).await;
    assert_eq!(s, 422);
    assert!(body.to_string().contains("ErrPasswordCommon"), "{body}");
    let (s, body) =
        call_form(&dev, &app, "/api/invitation/accept", &[("password", "short"), ("confirm", "short")]).await;
    assert_eq!(s, 422);
    assert!(body.to_string().contains("ErrPasswordTooShort"), "{body}");
    let pw = "graces own passphrase";
    let (s, body) = call_form(&dev, &app, "/api/invitation/accept", &[("password", pw), ("confirm", "other")]).await;
    assert_eq!(s, 422);
    assert!(body.to_string().contains("ErrPasswordMismatch"), "{body}");
    let (s, body) = call_form(&dev, &app, "/api/invitation/accept", &[("password", pw), ("confirm", pw)]).await;
    assert_eq!(s, 200, "{body}");

    // Signed in, active, in Developers.
    let (_, me) = call_form(&dev, &app, "/api/current_user", &[]).await;
    assert_eq!(me["email"], "grace@example.com", "{me}");
    let (_, user) = call_form(&admin, &app, "/api/admin/users/get", &[("uid", &uid)]).await;
    assert_eq!(user["state"], "active");
    assert_eq!(user["groups"][0]["name"], "Developers");
    assert_eq!(user["invitation"]["state"], "accepted");
    wait_for_mail(&smtp, "grace@example.com", "Welcome", 20);
    // The password works for a fresh sign-in.
    let other = app.client();
    assert!(app.sign_in(&other, "grace@example.com", pw).await.headers().get("set-cookie").is_some());

    // The same link again: "already used", in a fresh browser too.
    let again = app.client();
    follow(&again, &app, &link).await;
    let (s, body) = call_form(&again, &app, "/api/invitation/view", &[]).await;
    assert_eq!(s, 410, "{body}");
    assert_eq!(problem(&body), "Used");
    let (s, body) = call_form(&again, &app, "/api/invitation/accept", &[("password", pw), ("confirm", pw)]).await;
    assert_eq!(s, 410, "{body}");
    // Without any link: it says to open the link.
    let (s, body) = call_form(&app.client(), &app, "/api/invitation/view", &[]).await;
    assert_eq!((s, problem(&body)), (410, "Missing"));
    // A made-up token.
    let fake = app.client();
    follow(&fake, &app, &format!("{}/l/invitation/{}", app.base, "A".repeat(43))).await;
    let (s, body) = call_form(&fake, &app, "/api/invitation/view", &[]).await;
    assert_eq!((s, problem(&body)), (410, "Unknown"));
}

#[tokio::test]
async fn resend_replaces_the_link_revoke_stops_it_and_links_expire() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;

    let (s, _) = invite(&admin, &app, "ada@example.com", "Ada", "nl").await;
    assert_eq!(s, 200);
    let first = wait_for_mail(&smtp, "ada@example.com", "uitgenodigd", 20);
    assert!(mime_part(&first, "text/plain").unwrap().contains("Hallo Ada,"), "Dutch, as chosen");
    let rows = invitations(&admin, &app).await;
    let inv = rows[0]["uid"].as_str().unwrap().to_string();
    assert_eq!(rows[0]["state"], "pending");

    // Resend: a new link; the old one says a newer one was sent.
    assert_eq!(call_form(&admin, &app, "/api/admin/invitations/resend", &[("uid", &inv)]).await.0, 200);
    smtp.wait_for(2, 20);
    let second = smtp.messages().into_iter().find(|m| link_in(m) != link_in(&first)).expect("a second invitation");
    let old = app.client();
    follow(&old, &app, &link_in(&first)).await;
    let (s, body) = call_form(&old, &app, "/api/invitation/view", &[]).await;
    assert_eq!((s, problem(&body)), (410, "Replaced"));
    assert_eq!(invitations(&admin, &app).await[0]["sent_count"], 2);

    // Revoke: the newest link stops too, and says why.
    assert_eq!(call_form(&admin, &app, "/api/admin/invitations/revoke", &[("uid", &inv)]).await.0, 200);
    let new = app.client();
    follow(&new, &app, &link_in(&second)).await;
    let (s, body) = call_form(&new, &app, "/api/invitation/view", &[]).await;
    assert_eq!((s, problem(&body)), (410, "Revoked"));
    assert_eq!(invitations(&admin, &app).await[0]["state"], "revoked");

    // Resend after revoking: pending again, and that link works until it
    // expires. Move the clock two days on (the server restarts on the same data).
    assert_eq!(call_form(&admin, &app, "/api/admin/invitations/resend", &[("uid", &inv)]).await.0, 200);
    smtp.wait_for(3, 20);
    let third =
        smtp.messages().into_iter().find(|m| link_in(m) != link_in(&first) && link_in(m) != link_in(&second)).unwrap();
    let app = restart_with_smtp(app, &smtp, &[("GATEHOUSE_CLOCK_OFFSET_SECONDS", &(2 * 86_400 + 60).to_string())]);
    let late = app.client();
    follow(&late, &app, &link_in(&third)).await;
    let (s, body) = call_form(&late, &app, "/api/invitation/view", &[]).await;
    assert_eq!((s, problem(&body)), (410, "Expired"));
    let admin = app.admin().await;
    assert_eq!(invitations(&admin, &app).await[0]["state"], "expired");
    let (s, _) = call_form(&admin, &app, "/api/admin/invitations/list", &[("page", "1"), ("state", "expired")]).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn developers_cannot_invite_or_see_invitations() {
    let app = TestServer::start();
    app.create_developer("dev@example.com", "developer passphrase").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer passphrase").await;
    assert_eq!(invite(&dev, &app, "x@example.com", "X", "en").await.0, 403);
    assert_eq!(call_form(&dev, &app, "/api/admin/invitations/list", &[("page", "1")]).await.0, 403);
    assert_eq!(call_form(&app.client(), &app, "/api/admin/invitations/list", &[("page", "1")]).await.0, 401);
}

#[tokio::test]
async fn twenty_invitations_during_an_smtp_outage_all_arrive_once() {
    let mut smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    smtp.stop();
    for i in 0..20 {
        let (s, body) = invite(&admin, &app, &format!("dev{i:02}@example.com"), "Dev", "en").await;
        assert_eq!(s, 200, "{body}");
    }
    // They wait (tried at least once against the closed port).
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(smtp.messages().is_empty());
    smtp.resume();
    smtp.wait_for(20, 60);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let all = smtp.messages();
    assert_eq!(all.len(), 20, "each once");
    let mut to: Vec<&str> = all.iter().map(|m| header(m, "To").unwrap()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 20, "one per developer");
    // Delivered messages no longer hold their link in the outbox.
    let state = app.state().await;
    let bodies: Vec<String> = app::db::query_scalar("SELECT text_body FROM email_outbox WHERE kind = 'invitation'")
        .fetch_all(&state.pool)
        .await
        .unwrap();
    assert_eq!(bodies.len(), 20);
    assert!(bodies.iter().all(|b| !b.contains("/l/invitation/")), "scrubbed after delivery");
}

#[tokio::test]
async fn a_csv_import_is_checked_first_then_sent_row_by_row() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    app.add_user(&admin, "taken@example.com", "Tak", "En", "a fine passphrase").await;

    let csv = "Email;First name;Last name\n\
               new1@example.com;Ann;One\n\
               taken@example.com;Tak;En\n\
               not-an-address;Bad;Row\n\
               NEW1@example.com;Ann;Again\n\
               new2@example.com;;Two\n\
               new3@example.com;Cy;Three\n";
    let (s, p) = call_form(&admin, &app, "/api/admin/invitations/preview_csv", &[("csv", csv)]).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (p["new"].as_u64(), p["exists"].as_u64(), p["duplicate"].as_u64(), p["invalid"].as_u64()),
        (Some(2), Some(1), Some(1), Some(2))
    );
    let statuses: Vec<&str> = p["rows"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["New", "Exists", "Invalid", "Duplicate", "Invalid", "New"]);
    assert_eq!(p["rows"][2]["row"]["line"], 4, "lines count from the top of the text");
    assert!(p["rows"][4]["problems"].to_string().contains("first_name"), "{}", p["rows"][4]);
    // The dry run wrote nothing.
    assert!(invitations(&admin, &app).await.is_empty());

    // Sending: each row stands alone; a row that became taken meanwhile fails alone.
    let rows = serde_json::json!({ "rows": [
        { "email": "new1@example.com", "first_name": "Ann", "last_name": "One", "lang": "En" },
        { "email": "taken@example.com", "first_name": "Tak", "last_name": "En", "lang": "En" },
        { "email": "new3@example.com", "first_name": "Cy", "last_name": "Three", "lang": "Nl" },
    ] });
    let (s, results) = gatehouse_tests::call_json(&admin, &app, "/api/admin/invitations/bulk", rows).await;
    assert_eq!(s, 200, "{results}");
    let errors: Vec<bool> = results.as_array().unwrap().iter().map(|r| !r["error"].is_null()).collect();
    assert_eq!(errors, [false, true, false]);
    assert_eq!(invitations(&admin, &app).await.len(), 2);
    wait_for_mail(&smtp, "new3@example.com", "uitgenodigd", 20);

    // Limits are stated, not silently cut.
    let big = "x@example.com,A,B\n".repeat(10_001);
    let (s, body) = call_form(&admin, &app, "/api/admin/invitations/preview_csv", &[("csv", &big)]).await;
    assert_eq!(s, 422);
    assert!(body.to_string().contains("ErrCsvTooManyRows"), "{body}");
    let many: Vec<Value> = (0..501)
        .map(|i| serde_json::json!({ "email": format!("m{i}@example.com"), "first_name": "M", "last_name": "M", "lang": "En" }))
        .collect();
    let (s, _) =
        gatehouse_tests::call_json(&admin, &app, "/api/admin/invitations/bulk", serde_json::json!({ "rows": many }))
            .await;
    assert_eq!(s, 422);
}
