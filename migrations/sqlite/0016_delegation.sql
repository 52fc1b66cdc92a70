-- Single-sign-on tokens (APIM's SharedAccessSignature, from
-- User_GetSharedAccessToken or User_GenerateSsoUrl) sign a developer in
-- once: a used token's hash stays here until it would have expired anyway.
CREATE TABLE sso_tokens_used (
    token_hash  BLOB    PRIMARY KEY,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
