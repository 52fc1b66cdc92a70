-- Sessions say where they came from (the address the sign-in came from, as
-- the server saw it or a trusted proxy passed it on), so an account's
-- sessions list can show it; accounts remember their last sign-in, so
-- administrators can find accounts nobody has used for months.
ALTER TABLE sessions ADD COLUMN client_addr TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
