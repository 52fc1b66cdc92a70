-- The key change log: every change that can alter a gateway key check's
-- answer is recorded here, in the same transaction, by triggers (so no code
-- path, and no other process writing this file, can forget it). The key index
-- of every server process follows the log by its sequence number.
--
-- The sequence comes from a one-row counter bumped in the writing
-- transaction: its row lock orders commits, so sequence numbers are visible
-- in commit order without gaps (on SQLite writers are serialised anyway; the
-- same design holds on PostgreSQL, where a plain sequence would not).
CREATE TABLE key_log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL
) STRICT;
INSERT INTO key_log_head (id, seq) VALUES (1, 0);

CREATE TABLE key_changes (
    seq     INTEGER PRIMARY KEY,
    -- what to read again: an account, a subscription or a product (with
    -- their subscriptions)
    kind    TEXT    NOT NULL CHECK (kind IN ('user', 'subscription', 'product')),
    entity  INTEGER NOT NULL,
    at      INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

CREATE TRIGGER key_log_user_state AFTER UPDATE OF state ON users WHEN old.state IS NOT new.state BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'user', new.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_user_delete AFTER DELETE ON users BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'user', old.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_subscription_insert AFTER INSERT ON subscriptions BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'subscription', new.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_subscription_update
AFTER UPDATE OF state, primary_hash, secondary_hash, user_id, product_id, uid ON subscriptions
WHEN old.state IS NOT new.state OR old.primary_hash IS NOT new.primary_hash
  OR old.secondary_hash IS NOT new.secondary_hash OR old.user_id IS NOT new.user_id
  OR old.product_id IS NOT new.product_id OR old.uid IS NOT new.uid BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'subscription', new.id FROM key_log_head WHERE id = 1;
END;
-- Also fires for the rows that a product's or an account's deletion cascades to.
CREATE TRIGGER key_log_subscription_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'subscription', old.id FROM key_log_head WHERE id = 1;
END;
-- The product's id is in every allowed answer.
CREATE TRIGGER key_log_product_uid AFTER UPDATE OF uid ON products WHEN old.uid IS NOT new.uid BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'product', new.id FROM key_log_head WHERE id = 1;
END;
