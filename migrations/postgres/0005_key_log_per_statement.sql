-- The key change log written once per statement instead of once per row.
-- Per row, every changed row bumped the one head row; a transaction cannot
-- prune the versions that leaves, so each bump walked a longer chain:
-- deleting a product with 10,000 subscriptions took 2.3 s, and with 100,000
-- it would pass the statement timeout. Per statement, the head moves once
-- by the number of rows, the rows get consecutive numbers in id order, and
-- one notification carries the last. The row lock on the head still orders
-- commits, so the log has no gaps.
DROP TRIGGER key_log_user_state ON users;
DROP TRIGGER key_log_user_delete ON users;
DROP TRIGGER key_log_subscription_insert ON subscriptions;
DROP TRIGGER key_log_subscription_update ON subscriptions;
DROP TRIGGER key_log_subscription_delete ON subscriptions;
DROP TRIGGER key_log_product_uid ON products;
DROP FUNCTION key_log_row();
DROP FUNCTION key_log(TEXT, BIGINT);

CREATE FUNCTION key_log_many(change_kind TEXT, ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n    BIGINT := COALESCE(array_length(ids, 1), 0);
    last BIGINT;
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    UPDATE key_log_head SET seq = seq + n WHERE id = 1 RETURNING seq INTO last;
    INSERT INTO key_changes (seq, kind, entity)
        SELECT last - n + t.o, change_kind, t.e FROM unnest(ids) WITH ORDINALITY AS t(e, o);
    PERFORM pg_notify('gatehouse_keys', last::TEXT);
END $$;

-- The ids a statement changed in a way a key check reads, logged as the kind
-- the trigger names (its argument).
CREATE FUNCTION key_log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
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
               OR o.product_id IS DISTINCT FROM n.product_id OR o.uid IS DISTINCT FROM n.uid
            ORDER BY n.id));
    ELSE
        -- products: the product's id is in every allowed answer.
        PERFORM key_log_many(TG_ARGV[0], ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.uid IS DISTINCT FROM n.uid ORDER BY n.id));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER key_log_user_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('user');
CREATE TRIGGER key_log_user_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('user');
CREATE TRIGGER key_log_subscription_insert AFTER INSERT ON subscriptions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('subscription');
CREATE TRIGGER key_log_subscription_update AFTER UPDATE ON subscriptions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('subscription');
-- Also fires for the rows that a product's or an account's deletion cascades to.
CREATE TRIGGER key_log_subscription_delete AFTER DELETE ON subscriptions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('subscription');
CREATE TRIGGER key_log_product_update AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION key_log_statement('product');
