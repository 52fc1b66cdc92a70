//! Inviting developers from a CSV, against the real server on loopback with
//! a real SMTP server (aiosmtpd), the way the Invite page does it: one dry
//! run of the whole file, then chunks of 500.
//! `cargo run --release -p gatehouse-tests --bin bench-invite-csv [-- ROWS]`
//! Prints: the dry run, the time until every row is committed and every
//! email queued, and the delivery rate to the SMTP server.
use gatehouse_tests::{call_form, call_json, start_with_smtp, SmtpServer};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let smtp = SmtpServer::start();
    let app = start_with_smtp(&smtp, &[]);
    let admin = app.admin().await;
    let csv: String = std::iter::once("email,first name,last name\n".to_string())
        .chain((0..n).map(|i| format!("dev{i:05}@example.com,Dev{i},Tester\n")))
        .collect();
    println!("{n} rows, {} KiB of CSV", csv.len() / 1024);

    let t = Instant::now();
    let (s, preview) = call_form(&admin, &app, "/api/admin/invitations/preview_csv", &[("csv", &csv)]).await;
    assert_eq!(s, 200, "{preview}");
    assert_eq!(preview["new"].as_u64(), Some(n as u64));
    let dry = t.elapsed();
    println!("dry run (parse, check, look up every address): {:.0} ms", dry.as_secs_f64() * 1000.0);

    let rows: Vec<serde_json::Value> = preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::json!({ "email": r["row"]["email"], "first_name": r["row"]["first_name"],
                                     "last_name": r["row"]["last_name"], "lang": "En" })
        })
        .collect();
    let t = Instant::now();
    let mut chunk_times = Vec::new();
    for chunk in rows.chunks(500) {
        let c = Instant::now();
        let (s, results) =
            call_json(&admin, &app, "/api/admin/invitations/bulk", serde_json::json!({ "rows": chunk })).await;
        assert_eq!(s, 200, "{results}");
        assert!(results.as_array().unwrap().iter().all(|r| r["error"].is_null()), "{results}");
        chunk_times.push(c.elapsed());
    }
    let sent = t.elapsed();
    chunk_times.sort();
    println!(
        "send: {n} accounts, invitations and queued emails committed in {:.2} s ({:.0} rows/s; chunk of 500: median {:.0} ms, slowest {:.0} ms)",
        sent.as_secs_f64(),
        n as f64 / sent.as_secs_f64(),
        chunk_times[chunk_times.len() / 2].as_secs_f64() * 1000.0,
        chunk_times.last().unwrap().as_secs_f64() * 1000.0
    );
    println!("dry run + send: {:.2} s (goal: under 10 s)", (dry + sent).as_secs_f64());

    // Delivery: from the first commit until the SMTP server has them all.
    let deadline = Instant::now() + Duration::from_secs(1800);
    let mut last_print = Instant::now();
    loop {
        let got = std::fs::read_dir(smtp.maildir.path().join("mail").join("new")).map(|d| d.count()).unwrap_or(0);
        if got >= n {
            break;
        }
        if last_print.elapsed() > Duration::from_secs(10) {
            println!("  … {got} delivered after {:.0} s", t.elapsed().as_secs_f64());
            last_print = Instant::now();
        }
        assert!(Instant::now() < deadline, "only {got} of {n} delivered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let all = t.elapsed();
    println!(
        "delivery: all {n} emails at the SMTP server {:.1} s after sending began ({:.0} emails/s)",
        all.as_secs_f64(),
        n as f64 / all.as_secs_f64()
    );
}
