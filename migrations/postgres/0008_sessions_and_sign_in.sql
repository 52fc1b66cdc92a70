-- See migrations/sqlite/0014.
ALTER TABLE sessions ADD COLUMN client_addr TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;
