-- Outgoing email: a transactional outbox. A message is written in the same
-- transaction as the change that causes it, then delivered by a background
-- worker (emails::delivery). Nothing is lost when SMTP is down or the process
-- dies; a message in flight at a crash may go out again, with the same
-- Message-ID (at-least-once).
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,  -- test, invitation, verification, reset_by_admin, reset_self, welcome, closed
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recipient       TEXT    NOT NULL,  -- the stored address, never one typed by a visitor
    recipient_name  TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    -- queued → sending → sent | failed; kept = no SMTP server configured
    status          TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'kept', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT (unixepoch()),
    lease_until     INTEGER,           -- a worker owns a 'sending' row until then
    last_error      TEXT,              -- the SMTP server's reply, for the Emails screen
    created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
    sent_at         INTEGER
) STRICT;
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at, id);
