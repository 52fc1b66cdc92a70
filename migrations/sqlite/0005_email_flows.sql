-- Email flows: invitations, one-time links (invitation, sign-up verification,
-- password reset), editable email templates and portal settings.

-- The language of the emails an account receives (English or Dutch).
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'nl'));

-- An administrator's invitation. The account exists (pending) from the
-- moment it is invited; this row says who invited it and what became of it.
-- Its state is derived: accepted, revoked, expired (expires_at passed) or pending.
CREATE TABLE invitations (
    id                INTEGER PRIMARY KEY,
    uid               TEXT    NOT NULL UNIQUE,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    invited_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    invited_by_label  TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,   -- of the newest link
    sent_count        INTEGER NOT NULL DEFAULT 1,
    last_sent_at      INTEGER NOT NULL,
    accepted_at       INTEGER,
    revoked_at        INTEGER
) STRICT;
CREATE INDEX invitations_by_user ON invitations (user_id);
CREATE INDEX invitations_by_created ON invitations (created_at, id);

-- Every emailed secret. Only the SHA-256 of the token is stored; a link is
-- consumed by one conditional UPDATE (used_at IS NULL AND not expired AND not
-- cancelled). Old rows stay so a second click can be told "already used" or
-- "replaced by a newer link" instead of "unknown".
CREATE TABLE account_links (
    id             INTEGER PRIMARY KEY,
    token_hash     BLOB    NOT NULL UNIQUE,
    purpose        TEXT    NOT NULL CHECK (purpose IN ('invitation', 'verification', 'reset')),
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    invitation_id  INTEGER REFERENCES invitations(id) ON DELETE CASCADE,
    -- The canonical address the link was sent to: a changed address kills it.
    email          TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    cancelled_at   INTEGER,
    cancel_reason  TEXT     -- replaced, revoked, blocked, password_set, email_changed
) STRICT;
CREATE INDEX account_links_by_user ON account_links (user_id, purpose);

-- A message that carries a link names it, so the worker can check, just
-- before sending, that the link is still good (no FK: a deleted account's
-- links are gone, and then the message must not go either).
ALTER TABLE email_outbox ADD COLUMN link_id INTEGER;

-- Templates an administrator edited; the shipped defaults live in the code.
CREATE TABLE email_templates (
    name        TEXT    NOT NULL,
    lang        TEXT    NOT NULL CHECK (lang IN ('en', 'nl')),
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (name, lang)
) STRICT, WITHOUT ROWID;

-- Settings an administrator changes on a screen (sign-up on/off, terms).
CREATE TABLE portal_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Forgot-password requests, one row per request whether or not the address
-- has an account (so both answers cost one commit, and time tells nothing).
-- It also limits reset emails per address. Keyed by SHA-256 of the typed
-- address: the table does not become a list of who asked.
CREATE TABLE reset_requests (
    email_hash  BLOB    NOT NULL,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX reset_requests_by_email ON reset_requests (email_hash, at);

-- The activity log also records changes to portal settings and email
-- templates. SQLite cannot change a CHECK in place: rebuild the table.
CREATE TABLE activity_new (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL DEFAULT (unixepoch()),
    actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target_kind   TEXT    NOT NULL CHECK (target_kind IN ('user', 'group', 'settings', 'template')),
    target_uid    TEXT    NOT NULL,
    target_label  TEXT    NOT NULL,
    before        TEXT,
    after         TEXT,
    reason        TEXT
) STRICT;
INSERT INTO activity_new SELECT id, at, actor_id, actor_label, action, target_kind, target_uid, target_label, before, after, reason
FROM activity;
DROP TABLE activity;
ALTER TABLE activity_new RENAME TO activity;
CREATE INDEX activity_by_target ON activity (target_kind, target_uid, id);
