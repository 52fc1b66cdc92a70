-- Sign-in through OpenID Connect providers (APIM's identityProviders, keyed
-- by type as APIM keys them: 'aad', 'aadB2C', and Gatehouse's 'oidc').
CREATE TABLE identity_providers (
    kind            TEXT    PRIMARY KEY CHECK (kind IN ('aad', 'aadB2C', 'oidc')),
    display_name    TEXT    NOT NULL,
    authority       TEXT    NOT NULL,   -- the issuer (aad: a host, with signin_tenant)
    signin_tenant   TEXT,
    signin_policy   TEXT,               -- aadB2C's sign-in (and sign-up) user flow
    client_id       TEXT    NOT NULL,
    client_secret   BLOB    NOT NULL,   -- sealed with the server secret, never shown on GET
    allowed_tenants TEXT    NOT NULL DEFAULT '[]',  -- JSON array
    scopes          TEXT    NOT NULL DEFAULT 'openid email profile',
    groups_claim    TEXT    NOT NULL DEFAULT '',    -- '' = groups are not synced
    email_domains   TEXT    NOT NULL DEFAULT '[]',  -- JSON array; [] = any
    create_groups   INTEGER NOT NULL DEFAULT 0 CHECK (create_groups IN (0, 1)),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at      INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT, WITHOUT ROWID;

-- An account's identities at providers (APIM's UserIdentityContract): the
-- provider and the subject it names the person by. One subject is one account.
CREATE TABLE user_identities (
    provider    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at   INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (provider, subject)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_identities_by_user ON user_identities (user_id);

-- A sign-in on its way through a provider: looked up by the hash of the
-- `state` the browser brings back, used once (deleted), short-lived.
CREATE TABLE oidc_pending (
    state_hash  BLOB    PRIMARY KEY,
    provider    TEXT    NOT NULL,
    nonce       TEXT    NOT NULL,
    verifier    TEXT    NOT NULL,       -- PKCE code verifier
    next        TEXT,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
