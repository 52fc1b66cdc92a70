//! The delivery worker: takes due messages from the outbox and sends them
//! over SMTP (lettre), or keeps them when no SMTP server is configured.
use super::{repo, EmailStatus};
use crate::config::{Settings, SmtpSecurity};
use crate::db::now;
use crate::state::AppState;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// After this many attempts a message that keeps failing temporarily is
/// given up (at 30 s doubling to an hour, about 9 hours of trying).
const MAX_ATTEMPTS: i64 = 12;
/// A worker owns the messages it claimed this long; if it dies, they are due again.
const LEASE_SECS: i64 = 300;
/// What a delivered message that carried a one-time link keeps of its body.
const SCRUBBED: &str = "(Removed after delivery: this message carried a one-time link.)";
/// Looked at even without a wake-up (messages whose retry time has come).
const POLL: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP server: .eml files in this folder, and the Emails screen.
    Keep(PathBuf),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        let Some(s) = &settings.smtp else {
            return Ok(Mailer::Keep(settings.data_dir.join("outbox")));
        };
        let builder = match s.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)),
        }
        .map_err(|e| format!("SMTP server {}: {e}", s.host))?;
        let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(pass)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_string()));
        }
        Ok(Mailer::Smtp(builder.build()))
    }
}

/// What became of one attempt.
enum Outcome {
    Done(EmailStatus),
    Retry(String),
    Fail(String),
}

fn build(from: &str, c: &repo::Claimed) -> Result<Message, String> {
    let to_addr = c.recipient.parse().map_err(|e| format!("recipient {}: {e}", c.recipient))?;
    let name = Some(c.recipient_name.clone()).filter(|n| !n.is_empty());
    Message::builder()
        .message_id(Some(c.message_id.clone()))
        .from(from.parse::<Mailbox>().map_err(|e| format!("sender {from}: {e}"))?)
        .to(Mailbox::new(name, to_addr))
        .subject(c.subject.clone())
        .multipart(MultiPart::alternative_plain_html(c.text_body.clone(), c.html_body.clone()))
        .map_err(|e| e.to_string())
}

async fn attempt(mailer: &Mailer, from: &str, c: &repo::Claimed) -> Outcome {
    let message = match build(from, c) {
        Ok(m) => m,
        Err(e) => return Outcome::Fail(e),
    };
    match mailer {
        Mailer::Keep(dir) => {
            let path = dir.join(format!("{:08}.eml", c.id));
            let bytes = message.formatted();
            let written = async {
                tokio::fs::create_dir_all(dir).await?;
                // Kept messages hold live links: readable by the owner only.
                let mut opts = tokio::fs::OpenOptions::new();
                opts.write(true).create(true).truncate(true);
                #[cfg(unix)]
                opts.mode(0o600);
                use tokio::io::AsyncWriteExt;
                let mut f = opts.open(&path).await?;
                f.write_all(&bytes).await?;
                f.sync_all().await
            };
            match written.await {
                Ok(()) => Outcome::Done(EmailStatus::Kept),
                Err(e) => Outcome::Retry(format!("{}: {e}", path.display())),
            }
        }
        Mailer::Smtp(smtp) => match smtp.send(message).await {
            Ok(_) => Outcome::Done(EmailStatus::Sent),
            // 5xx: the server will not take it, however often we ask.
            Err(e) if e.is_permanent() => Outcome::Fail(e.to_string()),
            // 4xx, refused connections, timeouts: try again later.
            Err(e) => Outcome::Retry(e.to_string()),
        },
    }
}

/// Seconds before attempt `attempts + 1`: base doubling per attempt, at
/// most an hour, with up to 10% jitter so a backlog does not retry in step.
pub fn backoff(base_secs: i64, attempts: i64) -> i64 {
    use rand::Rng;
    let wait = base_secs.saturating_mul(1i64 << (attempts - 1).clamp(0, 20)).min(3600);
    wait + rand::thread_rng().gen_range(0..=wait / 10)
}

/// Messages taken per round. Their outcomes are written in one transaction
/// (one disk sync for the lot, not one per message); a crash in between can
/// only send these again, with their Message-IDs.
const BATCH: i64 = 20;

/// What to write after a round.
enum Record {
    Outcome(i64, i64, Outcome),
    Cancelled(i64),
    /// Claimed but not tried (shutting down): back in the queue as it was.
    Release(i64),
}

/// Runs until `state.stopping` is set (graceful shutdown): then it finishes
/// the message in hand, records the round and puts the rest back.
pub async fn run(state: AppState, mailer: Mailer) {
    let from = state.settings.mail_from.clone();
    let stopping = || state.stopping.load(std::sync::atomic::Ordering::Relaxed);
    while !stopping() {
        let claimed = async {
            let mut conn = state.pool.acquire().await?;
            let t = now();
            repo::claim(&mut conn, t, t + LEASE_SECS, BATCH).await
        }
        .await;
        let claimed = match claimed {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "claiming outgoing email");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                _ = state.outbox.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
            continue;
        }
        let mut records = Vec::with_capacity(claimed.len());
        let mut to_send = Vec::with_capacity(claimed.len());
        for c in claimed {
            if stopping() {
                records.push(Record::Release(c.id));
                continue;
            }
            if let Some(link) = c.link_id {
                // A newer link, a use or a block since the message was
                // written: sending it now would only confuse.
                let live = async {
                    let mut conn = state.pool.acquire().await?;
                    crate::links::repo::is_live(&mut conn, link, now()).await
                }
                .await;
                match live {
                    Ok(true) => {}
                    Ok(false) => {
                        records.push(Record::Cancelled(c.id));
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, id = c.id, "checking an email's link");
                        records.push(Record::Release(c.id));
                        continue;
                    }
                }
            }
            to_send.push(c);
        }
        // Sent side by side (up to the transport's pool of 10 connections):
        // one SMTP exchange waits on round trips and delayed ACKs far more
        // than on either machine, so in parallel they overlap.
        let mut tasks = tokio::task::JoinSet::new();
        let mut in_flight: std::collections::HashSet<i64> = to_send.iter().map(|c| c.id).collect();
        for c in to_send {
            let (mailer, from) = (mailer.clone(), from.clone());
            tasks.spawn(async move { (c.id, c.attempts, attempt(&mailer, &from, &c).await) });
        }
        loop {
            tokio::select! {
                next = tasks.join_next() => match next {
                    Some(Ok((id, attempts, outcome))) => {
                        in_flight.remove(&id);
                        records.push(Record::Outcome(id, attempts, outcome));
                    }
                    Some(Err(e)) => tracing::warn!(error = %e, "an email send task failed"),
                    None => break,
                },
                // A shutdown does not wait out a slow server (30 s timeout):
                // those messages go back and, at worst, out again with their Message-ID.
                _ = until_stopping(&state) => {
                    tasks.abort_all();
                    break;
                }
            }
        }
        records.extend(in_flight.into_iter().map(Record::Release));
        if let Err(e) = record(&state, records).await {
            tracing::warn!(error = %e, "recording email deliveries");
        }
    }
}

async fn until_stopping(state: &AppState) {
    while !state.stopping.load(std::sync::atomic::Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn record(state: &AppState, records: Vec<Record>) -> Result<(), sqlx::Error> {
    let mut tx = state.begin_write().await?;
    let t = now();
    for r in records {
        match r {
            Record::Outcome(id, _, Outcome::Done(status)) => {
                repo::mark_done(&mut tx, id, status, t).await?;
                if status == EmailStatus::Sent {
                    repo::scrub(&mut tx, id, SCRUBBED).await?;
                }
            }
            Record::Outcome(id, attempts, Outcome::Retry(e)) if attempts < MAX_ATTEMPTS => {
                let next = t + backoff(state.settings.smtp_retry_secs, attempts);
                repo::mark_retry(&mut tx, id, next, &e).await?
            }
            Record::Outcome(id, _, Outcome::Retry(e) | Outcome::Fail(e)) => repo::mark_failed(&mut tx, id, &e).await?,
            Record::Cancelled(id) => {
                repo::mark_cancelled(&mut tx, id, "not sent: its link was used, replaced or cancelled first").await?
            }
            Record::Release(id) => repo::release(&mut tx, id).await?,
        }
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert!((30..=33).contains(&super::backoff(30, 1)));
        assert!((60..=66).contains(&super::backoff(30, 2)));
        assert!((3600..=3960).contains(&super::backoff(30, 12)));
    }
}
