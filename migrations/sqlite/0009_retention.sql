-- The retention job (app::retention) deletes finished rows in small batches
-- by age. These indexes let each batch find its rows without scanning the
-- table while it holds the write lock.
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_by_created ON sessions (created_at);
CREATE INDEX account_links_by_expiry ON account_links (expires_at);
CREATE INDEX reset_requests_by_at ON reset_requests (at);
CREATE INDEX email_outbox_by_created ON email_outbox (created_at);
