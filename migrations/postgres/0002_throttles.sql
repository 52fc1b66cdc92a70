-- Sign-in and costly-request throttles (see migrations/sqlite/0011).
CREATE TABLE throttles (
    scope         TEXT   NOT NULL,
    key_hash      BYTEA  NOT NULL,
    failures      BIGINT NOT NULL,
    last_at       BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX throttles_by_last ON throttles (last_at);
