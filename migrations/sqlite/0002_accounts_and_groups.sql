-- Accounts and groups administration: search, sort orders, activity log.

-- Substring search over names and email at 1M accounts: an FTS5 index with
-- the trigram tokenizer (case-insensitive) answers `MATCH '"ada"'` from the
-- index instead of scanning every row as LIKE '%ada%' would. It mirrors
-- `users` (external content) through the triggers below.
CREATE VIRTUAL TABLE users_fts USING fts5(
    first_name, last_name, email,
    content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, first_name, last_name, email)
    VALUES (new.id, new.first_name, new.last_name, new.email);
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email);
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF first_name, last_name, email ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email);
    INSERT INTO users_fts (rowid, first_name, last_name, email)
    VALUES (new.id, new.first_name, new.last_name, new.email);
END;
INSERT INTO users_fts (rowid, first_name, last_name, email) SELECT id, first_name, last_name, email FROM users;

-- Account totals per state, kept by triggers: COUNT(*) over a million rows
-- costs milliseconds on every list request; this is one row read.
CREATE TABLE user_counts (
    state TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO user_counts (state, n)
    SELECT s.state, (SELECT COUNT(*) FROM users u WHERE u.state = s.state)
    FROM (SELECT 'active' AS state UNION ALL SELECT 'blocked' UNION ALL SELECT 'pending' UNION ALL SELECT 'deleted') s;
CREATE TRIGGER user_counts_insert AFTER INSERT ON users BEGIN
    UPDATE user_counts SET n = n + 1 WHERE state = new.state;
END;
CREATE TRIGGER user_counts_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET n = n - 1 WHERE state = old.state;
END;
CREATE TRIGGER user_counts_update AFTER UPDATE OF state ON users WHEN old.state <> new.state BEGIN
    UPDATE user_counts SET n = n - 1 WHERE state = old.state;
    UPDATE user_counts SET n = n + 1 WHERE state = new.state;
END;

-- Sort orders of the users list (each ends in id, so pages are stable).
CREATE INDEX users_by_name ON users (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
CREATE INDEX users_by_registered ON users (registered_at, id);
CREATE INDEX users_by_state ON users (state, registered_at, id);
CREATE INDEX group_members_by_group ON group_members (group_id, user_id);

-- Who changed what, when, from what to what, and why. Labels are copied so
-- the log still reads after the account or group is deleted.
CREATE TABLE activity (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL DEFAULT (unixepoch()),
    actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target_kind   TEXT    NOT NULL CHECK (target_kind IN ('user', 'group')),
    target_uid    TEXT    NOT NULL,
    target_label  TEXT    NOT NULL,
    before        TEXT,   -- JSON
    after         TEXT,   -- JSON
    reason        TEXT
) STRICT;
CREATE INDEX activity_by_target ON activity (target_kind, target_uid, id);
