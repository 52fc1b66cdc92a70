-- Gatehouse schema, part 1. Table names are plural; times are unix seconds (UTC).
-- Never edit a migration once it has landed: add a new one.

-- Accounts. `email_canonical` (trimmed, lower-cased) carries the uniqueness rule,
-- because SQLite's NOCASE only folds ASCII. `uid` is the public resource name
-- (APIM's userId) so integer ids never leak into URLs of the REST API.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    uid                  TEXT    NOT NULL UNIQUE,
    email                TEXT    NOT NULL,
    email_canonical      TEXT    NOT NULL UNIQUE,
    first_name           TEXT    NOT NULL,
    last_name            TEXT    NOT NULL,
    note                 TEXT,
    state                TEXT    NOT NULL DEFAULT 'active'
                         CHECK (state IN ('active', 'blocked', 'pending', 'deleted')),
    password_hash        TEXT,            -- argon2id PHC string; NULL = cannot sign in yet
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    registered_at        INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at           INTEGER NOT NULL DEFAULT (unixepoch()),
    version              INTEGER NOT NULL DEFAULT 1   -- optimistic concurrency
) STRICT;

-- Groups: system groups (fixed `uid`s administrators/developers/guests, never
-- renamed or deleted), custom groups and external groups (with external_id).
CREATE TABLE groups (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    name_canonical  TEXT    NOT NULL UNIQUE,
    description     TEXT,
    kind            TEXT    NOT NULL CHECK (kind IN ('system', 'custom', 'external')),
    external_id     TEXT,
    created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at      INTEGER NOT NULL DEFAULT (unixepoch()),
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'external') = (external_id IS NOT NULL))
) STRICT;

INSERT INTO groups (uid, name, name_canonical, description, kind) VALUES
    ('administrators', 'Administrators', 'administrators', 'Administrators manage this Gatehouse.', 'system'),
    ('developers', 'Developers', 'developers', 'Every developer account.', 'system'),
    ('guests', 'Guests', 'guests', 'Anonymous visitors of the developer portal.', 'system');

CREATE TABLE group_members (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at   INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

-- Server-side sessions. Only the SHA-256 of the cookie value is stored, so a
-- copy of the database cannot be turned into signed-in browsers.
CREATE TABLE sessions (
    id_hash       BLOB    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    user_agent    TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
