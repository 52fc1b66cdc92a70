use gatehouse_tests::{binary, TestServer, ADMIN_EMAIL};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs the `gatehouse` binary on `app`'s data folder (a second process).
pub(super) fn gatehouse(app: &TestServer, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(binary())
        .args(args)
        .env("GATEHOUSE_DATA_DIR", app.dir.path())
        .env("GATEHOUSE_DATABASE_URL", gatehouse_tests::database_url(app.dir.path()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn help_documents_the_subcommands_and_configuration() {
    let out = Command::new(binary()).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["serve", "admin", "GATEHOUSE_BIND", "GATEHOUSE_ADMIN_EMAIL", "GATEHOUSE_DATABASE_URL", "--config"] {
        assert!(text.contains(needle), "--help lacks {needle}:\n{text}");
    }
    let out = Command::new(binary()).args(["admin", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("create") && text.contains("reset-password"), "{text}");
}

#[tokio::test]
async fn the_cli_creates_an_administrator_and_resets_a_locked_out_one() {
    let app = TestServer::start();
    let (ok, out, err) = gatehouse(
        &app,
        &[
            "admin",
            "create",
            "--email",
            "second@example.com",
            "--first-name",
            "Sec",
            "--last-name",
            "Ond",
            "--password-stdin",
        ],
        Some("second admin password\n"),
    );
    assert!(ok, "{out}{err}");
    let client = app.client();
    let res = app.sign_in(&client, "second@example.com", "second admin password").await;
    assert_eq!(res.headers().get("location").unwrap(), "/admin");

    let (ok, _, err) = gatehouse(&app, &["admin", "create", "--email", "SECOND@example.com"], None);
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");

    // Recovery: the first admin is blocked; reset-password re-activates it.
    let state = app.state().await;
    app::db::query("UPDATE users SET state = 'blocked' WHERE email_canonical = ?")
        .bind(ADMIN_EMAIL)
        .execute(&state.pool)
        .await
        .unwrap();
    let (ok, out, err) = gatehouse(&app, &["admin", "reset-password", "--email", ADMIN_EMAIL], None);
    assert!(ok, "{out}{err}");
    let pw = out.lines().find_map(|l| l.split("first sign-in): ").nth(1)).expect("password printed").trim().to_string();
    let res = app.sign_in(&app.client(), ADMIN_EMAIL, &pw).await;
    assert_eq!(res.headers().get("location").unwrap(), "/profile");

    let (ok, _, err) = gatehouse(&app, &["admin", "reset-password", "--email", "nobody@example.com"], None);
    assert!(!ok && err.contains("no administrator account"), "{err}");
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_a_working_portal() {
    let app = TestServer::start();
    app.create_developer("kept@example.com", "a developer passphrase").await;
    let copy = app.dir.path().join("backup.db");
    let (ok, out, err) = gatehouse(&app, &["backup", copy.to_str().unwrap()], None);
    if gatehouse_tests::on_postgres() {
        assert!(!ok && err.contains("pg_dump"), "{out}{err}");
        return;
    }
    assert!(ok, "{out}{err}");
    assert!(out.contains("Wrote a copy"), "{out}");
    // Never over an existing file.
    let (ok, _, err) = gatehouse(&app, &["backup", copy.to_str().unwrap()], None);
    assert!(!ok && err.contains("exists already"), "{err}");
    // Restored: a new portal on the copy (with the server secret, kept apart).
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(copy, restored.path().join("gatehouse.db")).unwrap();
    std::fs::copy(app.dir.path().join("secret.key"), restored.path().join("secret.key")).unwrap();
    drop(app);
    let back = TestServer::start_in(restored, &[]);
    let res = back.sign_in(&back.client(), "kept@example.com", "a developer passphrase").await;
    assert_eq!(res.status(), 200);
}
