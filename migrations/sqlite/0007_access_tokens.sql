-- Access tokens for the REST management API. An administrator creates one on
-- the Access tokens screen; the token is shown once and only its SHA-256 is
-- kept. A token acts as its administrator: it stops working when that
-- account is blocked, deleted or no longer an administrator.
CREATE TABLE access_tokens (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    token_hash    BLOB    NOT NULL UNIQUE,
    -- The first characters of the token, to tell tokens apart on the screen.
    prefix        TEXT    NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,            -- NULL: no expiry
    last_used_at  INTEGER,
    revoked_at    INTEGER
) STRICT;
CREATE INDEX access_tokens_by_user ON access_tokens (user_id);
