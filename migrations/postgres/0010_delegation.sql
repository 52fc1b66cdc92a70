-- See migrations/sqlite/0016.
CREATE TABLE sso_tokens_used (
    token_hash  BYTEA   PRIMARY KEY,
    expires_at  BIGINT  NOT NULL
);
