-- Call counts from the key check, and products' rate limits and quotas
-- (see migrations/sqlite/0013).
ALTER TABLE products ADD COLUMN rate_limit_calls BIGINT CHECK (rate_limit_calls IS NULL OR rate_limit_calls >= 1);
ALTER TABLE products ADD COLUMN rate_limit_seconds BIGINT
    CHECK (rate_limit_seconds IS NULL OR rate_limit_seconds BETWEEN 1 AND 86400);
ALTER TABLE products ADD COLUMN quota_calls BIGINT CHECK (quota_calls IS NULL OR quota_calls >= 1);
ALTER TABLE products ADD COLUMN quota_period_seconds BIGINT
    CHECK (quota_period_seconds IS NULL OR (quota_period_seconds >= 60 AND quota_period_seconds % 60 = 0));

CREATE OR REPLACE FUNCTION key_log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'product_apis' THEN
        IF TG_OP = 'INSERT' THEN
            PERFORM key_log_many('api', ARRAY(SELECT DISTINCT api_id FROM new_rows ORDER BY api_id));
        ELSE
            PERFORM key_log_many('api', ARRAY(SELECT DISTINCT api_id FROM old_rows ORDER BY api_id));
        END IF;
    ELSIF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'products' THEN
        -- A product created with limits: the index holds them.
        PERFORM key_log_many(TG_ARGV[0], ARRAY(SELECT id FROM new_rows
            WHERE rate_limit_calls IS NOT NULL OR quota_calls IS NOT NULL ORDER BY id));
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM key_log_many(TG_ARGV[0], ARRAY(SELECT id FROM new_rows ORDER BY id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM key_log_many(TG_ARGV[0], ARRAY(SELECT id FROM old_rows ORDER BY id));
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM key_log_many(TG_ARGV[0], ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.state IS DISTINCT FROM n.state ORDER BY n.id));
    ELSIF TG_TABLE_NAME = 'subscriptions' THEN
        PERFORM key_log_many(TG_ARGV[0], ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.state IS DISTINCT FROM n.state OR o.primary_hash IS DISTINCT FROM n.primary_hash
               OR o.secondary_hash IS DISTINCT FROM n.secondary_hash OR o.user_id IS DISTINCT FROM n.user_id
               OR o.product_id IS DISTINCT FROM n.product_id OR o.api_id IS DISTINCT FROM n.api_id
               OR o.uid IS DISTINCT FROM n.uid
            ORDER BY n.id));
    ELSIF TG_TABLE_NAME = 'apis' THEN
        PERFORM key_log_many(TG_ARGV[0], ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.uid IS DISTINCT FROM n.uid OR o.path IS DISTINCT FROM n.path
               OR o.subscription_required IS DISTINCT FROM n.subscription_required
            ORDER BY n.id));
    ELSE
        -- products: the id is in every allowed answer, and the key index
        -- holds the limits.
        PERFORM key_log_many(TG_ARGV[0], ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.uid IS DISTINCT FROM n.uid OR o.rate_limit_calls IS DISTINCT FROM n.rate_limit_calls
               OR o.rate_limit_seconds IS DISTINCT FROM n.rate_limit_seconds
               OR o.quota_calls IS DISTINCT FROM n.quota_calls
               OR o.quota_period_seconds IS DISTINCT FROM n.quota_period_seconds
            ORDER BY n.id));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER key_log_product_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('product');

CREATE TABLE usage (
    subscription_id  BIGINT NOT NULL,
    api_id           BIGINT NOT NULL,
    minute           BIGINT NOT NULL,
    product_id       BIGINT NOT NULL DEFAULT 0,
    user_id          BIGINT NOT NULL DEFAULT 0,
    allowed          BIGINT NOT NULL DEFAULT 0,
    unauthenticated  BIGINT NOT NULL DEFAULT 0,
    forbidden        BIGINT NOT NULL DEFAULT 0,
    rate_limited     BIGINT NOT NULL DEFAULT 0,
    quota_exceeded   BIGINT NOT NULL DEFAULT 0,
    other            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, api_id, minute)
);
CREATE INDEX usage_by_minute ON usage (minute);
CREATE INDEX usage_by_product ON usage (product_id, minute);
CREATE INDEX usage_by_user ON usage (user_id, minute);
CREATE INDEX usage_by_api ON usage (api_id, minute);

CREATE TABLE quota_use (
    subscription_id  BIGINT NOT NULL,
    period_start     BIGINT NOT NULL,
    used             BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, period_start)
);
CREATE INDEX quota_use_by_period ON quota_use (period_start);
