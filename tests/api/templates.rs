//! Editable email templates: checks before saving, the edited text in real
//! messages, Send test, and Reset to default.
use gatehouse_tests::{call_form, mime_part, start_with_smtp, wait_for_mail, SmtpServer, TestServer, ADMIN_EMAIL};

const INVITE: &str = "inviteUserNotificationMessage";

async fn save(admin: &reqwest::Client, app: &TestServer, lang: &str, subject: &str, body: &str) -> (u16, String) {
    let (s, b) = call_form(
        admin,
        app,
        "/api/admin/templates/save",
        &[("name", INVITE), ("lang", lang), ("subject", subject), ("body", body)],
    )
    .await;
    (s, b.to_string())
}

async fn invite(admin: &reqwest::Client, app: &TestServer, email: &str, lang: &str) {
    let (s, body) = call_form(
        admin,
        app,
        "/api/admin/invitations/invite",
        &[("email", email), ("first_name", "Tess"), ("last_name", "Template"), ("lang", lang)],
    )
    .await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn an_edited_template_is_checked_used_tested_and_reset() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;

    let (s, list) = call_form(&admin, &app, "/api/admin/templates/list", &[]).await;
    assert_eq!(s, 200);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 11, "{names:?}");
    assert!(names.contains(&"ApprovalNeeded"), "{names:?}");
    let (s, t) = call_form(&admin, &app, "/api/admin/templates/get", &[("name", INVITE)]).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["texts"][0]["is_default"], true);
    assert_eq!(t["texts"][1]["lang"], "Nl");
    assert_eq!(call_form(&admin, &app, "/api/admin/templates/get", &[("name", "nope")]).await.0, 404);

    // Refused before saving, with the reason.
    let (s, b) = save(&admin, &app, "en", "Hi $DevFirstName", "Hello $DevFirstname, go to $ConfirmUrl").await;
    assert_eq!(s, 422);
    assert!(b.contains("ErrUnknownPlaceholders") && b.contains("$DevFirstname"), "{b}");
    let (s, b) = save(&admin, &app, "en", "Hi $DevFirstName", "Hello, welcome.").await;
    assert_eq!(s, 422);
    assert!(b.contains("ErrConfirmUrlRequired"), "{b}");
    let (s, b) = save(&admin, &app, "en", "", "x $ConfirmUrl").await;
    assert_eq!(s, 422);
    assert!(b.contains("ErrRequired"), "{b}");

    // Saved, and used by the next invitation in English; Dutch keeps the default.
    let body = "Dear $DevFirstName $DevLastName,\n\nJoin $OrganizationName: $ConfirmUrl\n(valid $LinkValidFor)";
    let (s, b) = save(&admin, &app, "en", "Join us, $DevFirstName!", body).await;
    assert_eq!(s, 200, "{b}");
    invite(&admin, &app, "tess@example.com", "en").await;
    let mail = wait_for_mail(&smtp, "tess@example.com", "Join us, Tess!", 20);
    let text = mime_part(&mail, "text/plain").unwrap();
    assert!(text.contains("Dear Tess Template,") && text.contains("(valid 2 days)"), "{text}");
    invite(&admin, &app, "tineke@example.com", "nl").await;
    wait_for_mail(&smtp, "tineke@example.com", "uitgenodigd", 20);

    // Send test: the editor's text, to the administrator.
    let (s, _) = call_form(
        &admin,
        &app,
        "/api/admin/templates/send_test",
        &[("name", INVITE), ("lang", "en"), ("subject", "Trying $DevFirstName"), ("body", "See $ConfirmUrl")],
    )
    .await;
    assert_eq!(s, 200);
    let test = wait_for_mail(&smtp, ADMIN_EMAIL, "[TEST] Trying Gatehouse", 20);
    assert!(mime_part(&test, "text/plain").unwrap().contains("/l/example/"), "a sample link, not a live one");

    // Reset to default.
    assert_eq!(call_form(&admin, &app, "/api/admin/templates/reset", &[("name", INVITE), ("lang", "en")]).await.0, 200);
    let (_, t) = call_form(&admin, &app, "/api/admin/templates/get", &[("name", INVITE)]).await;
    assert_eq!(t["texts"][0]["is_default"], true);
    invite(&admin, &app, "third@example.com", "en").await;
    wait_for_mail(&smtp, "third@example.com", "You are invited", 20);

    // Developers may not touch templates.
    app.create_developer("dev@example.com", "developer passphrase").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer passphrase").await;
    assert_eq!(call_form(&dev, &app, "/api/admin/templates/list", &[]).await.0, 403);
    let (s, _) = call_form(
        &dev,
        &app,
        "/api/admin/templates/save",
        &[("name", INVITE), ("lang", "en"), ("subject", "x"), ("body", "$ConfirmUrl")],
    )
    .await;
    assert_eq!(s, 403);
}
