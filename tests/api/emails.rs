//! The outbox and its delivery, with a real SMTP server (aiosmtpd).
use gatehouse_tests::{call_form, start_with_smtp, SmtpServer, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::Value;
use std::time::{Duration, Instant};

async fn emails(admin: &reqwest::Client, app: &TestServer) -> Vec<Value> {
    let (s, page) = call_form(admin, app, "/api/admin/emails/list", &[("page", "1")]).await;
    assert_eq!(s, 200, "{page}");
    page["rows"].as_array().unwrap().clone()
}

/// Polls the Emails list until `check` holds for every row (or panics).
async fn wait_until(
    admin: &reqwest::Client,
    app: &TestServer,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = emails(admin, app).await;
        if !rows.is_empty() && rows.iter().all(&check) {
            return rows;
        }
        assert!(Instant::now() < deadline, "never {what}: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_each_message_arrives_once() {
    let mut smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;

    // One message while the server is up.
    assert_eq!(call_form(&admin, &app, "/api/admin/emails/send_test", &[]).await.0, 200);
    let first = smtp.wait_for(1, 20);
    assert_eq!(header(&first[0], "Subject"), Some("Gatehouse test message"));
    assert!(first[0].contains("text/plain") && first[0].contains("text/html"), "both parts: {}", first[0]);
    assert!(header(&first[0], "To").unwrap().contains(ADMIN_EMAIL));

    // Down: 20 more are accepted, tried, and wait with the server's answer.
    smtp.stop();
    for _ in 0..20 {
        assert_eq!(call_form(&admin, &app, "/api/admin/emails/send_test", &[]).await.0, 200);
    }
    let rows = wait_until(&admin, &app, "tried while down", |r| {
        r["status"] == "sent"
            || (r["status"] == "queued" && r["attempts"].as_i64() >= Some(1) && !r["last_error"].is_null())
    })
    .await;
    assert_eq!(rows.len(), 21);

    // Up again: all 20 arrive, each once, with their own Message-ID.
    smtp.resume();
    smtp.wait_for(21, 60);
    wait_until(&admin, &app, "all sent", |r| r["status"] == "sent").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all = smtp.messages();
    assert_eq!(all.len(), 21, "no message twice");
    let mut ids: Vec<&str> = all.iter().map(|m| header(m, "Message-ID").expect("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 21);
}

#[tokio::test]
async fn without_an_smtp_server_messages_are_kept_on_the_emails_screen_and_as_files() {
    let app = TestServer::start();
    let admin = app.admin().await;
    let (s, _) = call_form(&admin, &app, "/api/admin/emails/send_test", &[]).await;
    assert_eq!(s, 200);
    wait_until(&admin, &app, "kept", |r| r["status"] == "kept").await;
    let (_, page) = call_form(&admin, &app, "/api/admin/emails/list", &[("page", "1")]).await;
    assert_eq!(page["keeping"], true);
    let eml = app.dir.path().join("outbox").join("00000001.eml");
    let text = std::fs::read_to_string(&eml).expect("the .eml file");
    assert!(text.contains("Subject: Gatehouse test message"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&eml).unwrap().permissions().mode() & 0o777,
        0o600,
        "owner only: it can hold live links"
    );

    // Only administrators see or send email.
    app.create_developer("dev@example.com", "developer password").await;
    let dev = app.client();
    app.sign_in(&dev, "dev@example.com", "developer password").await;
    assert_eq!(call_form(&dev, &app, "/api/admin/emails/send_test", &[]).await.0, 403);
    assert_eq!(call_form(&dev, &app, "/api/admin/emails/list", &[("page", "1")]).await.0, 403);
    // A message that is not failed cannot be retried.
    let (s, e) = call_form(&admin, &app, "/api/admin/emails/retry", &[("id", "1")]).await;
    assert_eq!(s, 409, "{e}");
}

#[tokio::test]
async fn a_graceful_stop_puts_messages_in_flight_back_in_the_queue() {
    // An SMTP server that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let _hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming().flatten() {
            held.push(c);
        }
    });
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_SMTP_HOST", "127.0.0.1"),
        ("GATEHOUSE_SMTP_PORT", &port),
        ("GATEHOUSE_SMTP_SECURITY", "none"),
    ]);
    let admin = app.admin().await;
    for _ in 0..3 {
        assert_eq!(call_form(&admin, &app, "/api/admin/emails/send_test", &[]).await.0, 200);
    }
    // One is in the worker's hands (the server never answers), two wait.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !emails(&admin, &app).await.iter().any(|r| r["status"] == "sending") {
        assert!(Instant::now() < deadline, "never sending");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let started = Instant::now();
    let (dir, clean) = app.terminate();
    assert!(clean, "exit status 0 after SIGTERM");
    assert!(started.elapsed() < Duration::from_secs(15), "did not wait out the SMTP timeout");
    let settings = gatehouse_tests::settings_for(dir.path());
    let pool = app::db::connect(&settings).await.unwrap();
    let rows: Vec<(String, i64, Option<i64>)> =
        app::db::query_as("SELECT status, attempts, lease_until FROM email_outbox").fetch_all(&pool).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r == &("queued".to_string(), 0, None)), "released, not leased: {rows:?}");
}

/// An SMTP server that refuses every recipient (550): lettre's permanent
/// failure, so the message ends as failed.
fn refusing_smtp() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut out = conn.try_clone().unwrap();
                let _ = out.write_all(b"220 refuse.example ESMTP\r\n");
                for line in BufReader::new(conn).lines() {
                    let Ok(line) = line else { break };
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 refuse.example\r\n",
                        "RCPT" => b"550 5.1.1 no such mailbox\r\n",
                        "QUIT" => b"221 bye\r\n",
                        _ => b"250 ok\r\n",
                    };
                    if out.write_all(reply).is_err() || verb == "QUIT" {
                        break;
                    }
                }
            });
        }
    });
    port
}

async fn stored_bodies(app: &TestServer) -> Vec<(String, String, String)> {
    let state = app.state().await;
    app::db::query_as("SELECT status, text_body, html_body FROM email_outbox ORDER BY id")
        .fetch_all(&state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_message_that_will_not_be_sent_again_keeps_no_link() {
    let port = refusing_smtp().to_string();
    let app = TestServer::start_with(&[
        ("GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL),
        ("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GATEHOUSE_SMTP_HOST", "127.0.0.1"),
        ("GATEHOUSE_SMTP_PORT", &port),
        ("GATEHOUSE_SMTP_SECURITY", "none"),
    ]);
    let admin = app.admin().await;
    let form = [("email", "nobody@example.com"), ("first_name", "No"), ("last_name", "Body"), ("lang", "en")];
    assert_eq!(call_form(&admin, &app, "/api/admin/invitations/invite", &form).await.0, 200);
    let rows = wait_until(&admin, &app, "failed", |r| r["status"] == "failed").await;
    assert!(rows[0]["last_error"].as_str().unwrap().contains("no such mailbox"), "{rows:?}");
    let stored = stored_bodies(&app).await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].1.contains("/l/") && !stored[0].2.contains("/l/"), "a failed message keeps no link: {stored:?}");
    // Retry would send it without its link: refused with the reason.
    let id = rows[0]["id"].to_string();
    let (s, e) = call_form(&admin, &app, "/api/admin/emails/retry", &[("id", &id)]).await;
    assert_eq!(s, 409, "{e}");
    assert!(e.to_string().contains("EmailLinkRemoved"), "{e}");
}

#[tokio::test]
async fn a_message_cancelled_before_sending_keeps_no_link() {
    let mut smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    smtp.stop();
    let form = [("email", "late@example.com"), ("first_name", "Late"), ("last_name", "Comer"), ("lang", "en")];
    let (s, uid) = call_form(&admin, &app, "/api/admin/invitations/invite", &form).await;
    assert_eq!(s, 200, "{uid}");
    wait_until(&admin, &app, "tried while down", |r| r["attempts"].as_i64() >= Some(1)).await;
    let (_, list) = call_form(&admin, &app, "/api/admin/invitations/list", &[("page", "1")]).await;
    let inv = list["rows"][0]["uid"].as_str().unwrap().to_string();
    assert_eq!(call_form(&admin, &app, "/api/admin/invitations/revoke", &[("uid", &inv)]).await.0, 200);
    smtp.resume();
    wait_until(&admin, &app, "cancelled", |r| r["status"] == "cancelled").await;
    let stored = stored_bodies(&app).await;
    assert!(stored.iter().all(|(_, t, h)| !t.contains("/l/") && !h.contains("/l/")), "{stored:?}");
    assert!(smtp.messages().is_empty(), "nothing was sent");
}
