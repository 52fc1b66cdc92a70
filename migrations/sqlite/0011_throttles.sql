-- Sign-in and costly-request throttles (app::auth::throttle), in the database
-- so that every replica counts the same attempts. The key (a typed email, a
-- client address) is stored as its SHA-256 only.
CREATE TABLE throttles (
    scope         TEXT    NOT NULL,
    key_hash      BLOB    NOT NULL,
    failures      INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL,
    PRIMARY KEY (scope, key_hash)
) STRICT, WITHOUT ROWID;
CREATE INDEX throttles_by_last ON throttles (last_at);
