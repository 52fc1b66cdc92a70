//! Password reset over HTTP with a real SMTP server: the administrator's
//! button, Forgot password (same answer for every address), single use, a
//! newer link cancelling older ones, sign-out everywhere, and expiry.
use super::invitations::follow;
use gatehouse_tests::{call_form, link_in, restart_with_smtp, start_with_smtp, wait_for_mail, SmtpServer, TestServer};
use std::time::Duration;

async fn forgot(app: &TestServer, email: &str) -> (u16, String) {
    let res = app.client().post(app.url("/api/forgot_password")).form(&[("email", email)]).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn signed_in(client: &reqwest::Client, app: &TestServer) -> bool {
    let (_, me) = call_form(client, app, "/api/current_user", &[]).await;
    !me.is_null()
}

#[tokio::test]
async fn forgot_password_answers_alike_and_mails_only_active_accounts() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    app.add_user(&admin, "active@example.com", "Ann", "Active", "ann's passphrase").await;
    let blocked = app.add_user(&admin, "blocked@example.com", "Bob", "Blocked", "bob's passphrase").await;
    assert_eq!(
        call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &blocked), ("state", "blocked")]).await.0,
        200
    );

    let known = forgot(&app, "active@example.com").await;
    let unknown = forgot(&app, "nobody@example.com").await;
    let blocked_answer = forgot(&app, "blocked@example.com").await;
    assert_eq!(known, unknown, "the same answer whether or not the account exists");
    assert_eq!(known, blocked_answer);
    assert_eq!(known.0, 200);
    // A malformed address is a form error, which tells nothing about accounts.
    assert_eq!(forgot(&app, "not-an-address").await.0, 422);

    wait_for_mail(&smtp, "active@example.com", "Reset your", 20);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let to: Vec<String> =
        smtp.messages().iter().map(|m| gatehouse_tests::header(m, "To").unwrap_or("").to_string()).collect();
    assert_eq!(to.len(), 1, "only the active account got mail: {to:?}");

    // Asking again and again: three mails an hour per address, then the same answer and no mail.
    for _ in 0..4 {
        assert_eq!(forgot(&app, "active@example.com").await, known);
    }
    // Three queued in all; a queued one whose link a newer request replaced
    // is not sent (it could only confuse), so two or three arrive.
    let state = app.state().await;
    let queued: Vec<(String,)> =
        app::db::query_as("SELECT status FROM email_outbox WHERE kind = 'reset_self' ORDER BY id")
            .fetch_all(&state.pool)
            .await
            .unwrap();
    assert_eq!(queued.len(), 3, "rate limited per address: {queued:?}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let statuses: Vec<String> =
            app::db::query_scalar("SELECT status FROM email_outbox WHERE kind = 'reset_self' ORDER BY id")
                .fetch_all(&state.pool)
                .await
                .unwrap();
        if statuses.iter().all(|s| s == "sent" || s == "cancelled") {
            assert_eq!(statuses.last().map(String::as_str), Some("sent"), "the newest link goes out");
            let sent = statuses.iter().filter(|s| *s == "sent").count();
            assert_eq!(smtp.wait_for(sent, 20).len(), sent);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{statuses:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_reset_link_works_once_signs_out_everywhere_and_a_newer_one_cancels_it() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "dev@example.com", "Dev", "Eloper", "old passphrase here").await;
    let laptop = app.client();
    app.sign_in(&laptop, "dev@example.com", "old passphrase here").await;
    assert!(signed_in(&laptop, &app).await);

    // The administrator's button, twice: only the newer link works.
    assert_eq!(call_form(&admin, &app, "/api/admin/users/send_reset", &[("uid", &uid)]).await.0, 200);
    let first = wait_for_mail(&smtp, "dev@example.com", "Choose a new password", 20);
    assert_eq!(call_form(&admin, &app, "/api/admin/users/send_reset", &[("uid", &uid)]).await.0, 200);
    smtp.wait_for(2, 20);
    let second = smtp.messages().into_iter().find(|m| link_in(m) != link_in(&first)).unwrap();
    let b = app.client();
    assert_eq!(follow(&b, &app, &link_in(&first)).await, "/reset-password");
    let (s, body) = call_form(&b, &app, "/api/reset/view", &[]).await;
    assert_eq!((s, body["Link"].as_str()), (410, Some("Replaced")));

    // The current password still works until a new one is chosen.
    assert!(app
        .sign_in(&app.client(), "dev@example.com", "old passphrase here")
        .await
        .headers()
        .get("set-cookie")
        .is_some());

    let c = app.client();
    follow(&c, &app, &link_in(&second)).await;
    let (s, view) = call_form(&c, &app, "/api/reset/view", &[]).await;
    assert_eq!(s, 200, "{view}");
    assert_eq!(view["email"], "dev@example.com");
    let (s, body) =
        call_form(&c, &app, "/api/reset/set_password", &[("password", "iloveyou"), ("confirm", "iloveyou")]).await;
    assert_eq!(s, 422, "common password refused: {body}");
    let new = "a brand new passphrase";
    let (s, body) = call_form(&c, &app, "/api/reset/set_password", &[("password", new), ("confirm", new)]).await;
    assert_eq!(s, 200, "{body}");

    // Signed out everywhere; the old password is gone; the new one works.
    assert!(!signed_in(&laptop, &app).await, "the laptop's session ended");
    assert_eq!(app.sign_in(&app.client(), "dev@example.com", "old passphrase here").await.status().as_u16(), 401);
    assert!(app.sign_in(&app.client(), "dev@example.com", new).await.headers().get("set-cookie").is_some());
    // Used once.
    let (s, body) = call_form(&c, &app, "/api/reset/set_password", &[("password", new), ("confirm", new)]).await;
    assert_eq!(s, 410, "{body}");
    let again = app.client();
    follow(&again, &app, &link_in(&second)).await;
    let (s, body) = call_form(&again, &app, "/api/reset/view", &[]).await;
    assert_eq!((s, body["Link"].as_str()), (410, Some("Used")));
}

#[tokio::test]
async fn reset_links_expire_and_a_block_cancels_them() {
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[("GATEHOUSE_RESET_VALID_MINUTES", "30")]);
    let admin = app.admin().await;
    let uid = app.add_user(&admin, "dev@example.com", "Dev", "Eloper", "old passphrase here").await;
    let uid2 = app.add_user(&admin, "dev2@example.com", "Dev", "Two", "old passphrase here").await;
    forgot(&app, "dev@example.com").await;
    let mail = wait_for_mail(&smtp, "dev@example.com", "Reset your", 20);
    assert!(gatehouse_tests::mime_part(&mail, "text/plain").unwrap().contains("for 30 minutes"));
    forgot(&app, "dev2@example.com").await;
    let mail2 = wait_for_mail(&smtp, "dev2@example.com", "Reset your", 20);

    // Blocking cancels the link.
    assert_eq!(
        call_form(&admin, &app, "/api/admin/users/set_state", &[("uid", &uid2), ("state", "blocked")]).await.0,
        200
    );
    let b = app.client();
    follow(&b, &app, &link_in(&mail2)).await;
    let (s, body) = call_form(&b, &app, "/api/reset/view", &[]).await;
    assert_eq!((s, body["Link"].as_str()), (410, Some("Cancelled")));
    // A blocked account cannot be sent one either.
    let (s, body) = call_form(&admin, &app, "/api/admin/users/send_reset", &[("uid", &uid2)]).await;
    assert_eq!(s, 409, "{body}");

    // 31 minutes later the first link has expired.
    let app = restart_with_smtp(
        app,
        &smtp,
        &[("GATEHOUSE_RESET_VALID_MINUTES", "30"), ("GATEHOUSE_CLOCK_OFFSET_SECONDS", "1860")],
    );
    let c = app.client();
    follow(&c, &app, &link_in(&mail)).await;
    let (s, body) = call_form(&c, &app, "/api/reset/view", &[]).await;
    assert_eq!((s, body["Link"].as_str()), (410, Some("Expired")));
    let _ = uid;
}
