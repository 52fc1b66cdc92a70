-- See migrations/sqlite/0015.
CREATE TABLE identity_providers (
    kind            TEXT    PRIMARY KEY CHECK (kind IN ('aad', 'aadB2C', 'oidc')),
    display_name    TEXT    NOT NULL,
    authority       TEXT    NOT NULL,
    signin_tenant   TEXT,
    signin_policy   TEXT,
    client_id       TEXT    NOT NULL,
    client_secret   BYTEA   NOT NULL,
    allowed_tenants TEXT    NOT NULL DEFAULT '[]',
    scopes          TEXT    NOT NULL DEFAULT 'openid email profile',
    groups_claim    TEXT    NOT NULL DEFAULT '',
    email_domains   TEXT    NOT NULL DEFAULT '[]',
    create_groups   BOOLEAN NOT NULL DEFAULT FALSE,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      BIGINT  NOT NULL DEFAULT unixepoch(),
    updated_at      BIGINT  NOT NULL DEFAULT unixepoch()
);

CREATE TABLE user_identities (
    provider    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at   BIGINT  NOT NULL DEFAULT unixepoch(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_by_user ON user_identities (user_id);

CREATE TABLE oidc_pending (
    state_hash  BYTEA   PRIMARY KEY,
    provider    TEXT    NOT NULL,
    nonce       TEXT    NOT NULL,
    verifier    TEXT    NOT NULL,
    next        TEXT,
    expires_at  BIGINT  NOT NULL
);
