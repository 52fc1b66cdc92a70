-- Call counts from the key check, and products' rate limits and quotas.

-- Both or neither: N calls per S seconds per subscription (APIM's
-- rate-limit-by-key), and N calls per renewal period (quota-by-key; periods
-- are whole minutes, aligned to the Unix epoch, so replicas agree on them).
ALTER TABLE products ADD COLUMN rate_limit_calls INTEGER CHECK (rate_limit_calls IS NULL OR rate_limit_calls >= 1);
ALTER TABLE products ADD COLUMN rate_limit_seconds INTEGER
    CHECK (rate_limit_seconds IS NULL OR rate_limit_seconds BETWEEN 1 AND 86400);
ALTER TABLE products ADD COLUMN quota_calls INTEGER CHECK (quota_calls IS NULL OR quota_calls >= 1);
ALTER TABLE products ADD COLUMN quota_period_seconds INTEGER
    CHECK (quota_period_seconds IS NULL OR (quota_period_seconds >= 60 AND quota_period_seconds % 60 = 0));

-- The key index holds the limits: a change to them is a key change.
DROP TRIGGER key_log_product_uid;
CREATE TRIGGER key_log_product_update
AFTER UPDATE OF uid, rate_limit_calls, rate_limit_seconds, quota_calls, quota_period_seconds ON products
WHEN old.uid IS NOT new.uid OR old.rate_limit_calls IS NOT new.rate_limit_calls
  OR old.rate_limit_seconds IS NOT new.rate_limit_seconds OR old.quota_calls IS NOT new.quota_calls
  OR old.quota_period_seconds IS NOT new.quota_period_seconds BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'product', new.id FROM key_log_head WHERE id = 1;
END;

-- A product created with limits: the index must learn them too.
CREATE TRIGGER key_log_product_insert AFTER INSERT ON products
WHEN new.rate_limit_calls IS NOT NULL OR new.quota_calls IS NOT NULL BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'product', new.id FROM key_log_head WHERE id = 1;
END;

-- Calls per subscription, API and minute, as the key check answered them.
-- Written by a background task from memory (never on the check's path),
-- adding to what is there, so several replicas add up. subscription_id and
-- api_id are 0 where there was none (an unknown key; no path); the product
-- and the account are kept as they were at the call, for reports by them.
CREATE TABLE usage (
    subscription_id  INTEGER NOT NULL,
    api_id           INTEGER NOT NULL,
    minute           INTEGER NOT NULL,   -- Unix time / 60
    product_id       INTEGER NOT NULL DEFAULT 0,
    user_id          INTEGER NOT NULL DEFAULT 0,
    allowed          INTEGER NOT NULL DEFAULT 0,
    unauthenticated  INTEGER NOT NULL DEFAULT 0,   -- 401
    forbidden        INTEGER NOT NULL DEFAULT 0,   -- 403
    rate_limited     INTEGER NOT NULL DEFAULT 0,   -- 429, rate limit
    quota_exceeded   INTEGER NOT NULL DEFAULT 0,   -- 429, quota
    other            INTEGER NOT NULL DEFAULT 0,   -- 404 no API, 503
    PRIMARY KEY (subscription_id, api_id, minute)
) STRICT, WITHOUT ROWID;
CREATE INDEX usage_by_minute ON usage (minute);
CREATE INDEX usage_by_product ON usage (product_id, minute);
CREATE INDEX usage_by_user ON usage (user_id, minute);
CREATE INDEX usage_by_api ON usage (api_id, minute);

-- Each subscription's calls in its product's current quota period, added to
-- by every replica at its flush: one row to read instead of a period's
-- minutes to sum.
CREATE TABLE quota_use (
    subscription_id  INTEGER NOT NULL,
    period_start     INTEGER NOT NULL,   -- Unix seconds
    used             INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, period_start)
) STRICT, WITHOUT ROWID;
CREATE INDEX quota_use_by_period ON quota_use (period_start);
