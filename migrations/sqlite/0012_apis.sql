-- APIs inside products, and subscriptions scoped as in APIM: to a product,
-- to one API, or to every API.

CREATE TABLE apis (
    id                     INTEGER PRIMARY KEY,
    uid                    TEXT    NOT NULL UNIQUE,          -- APIM's apiId
    name                   TEXT    NOT NULL,                 -- displayName
    description            TEXT    NOT NULL DEFAULT '',
    -- The URL prefix the gateway routes to this API, without leading or
    -- trailing '/'; '' is the API at the root (matched last).
    path                   TEXT    NOT NULL UNIQUE,
    protocols              TEXT    NOT NULL DEFAULT 'https', -- comma-separated: http, https, ws, wss
    service_url            TEXT,
    subscription_required  INTEGER NOT NULL DEFAULT 1 CHECK (subscription_required IN (0, 1)),
    -- The OpenAPI document as uploaded (JSON), for the reference page.
    spec                   TEXT,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE product_apis (
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    api_id      INTEGER NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, api_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_apis_by_api ON product_apis (api_id, product_id);

-- The key log's triggers are dropped while the tables they write and read
-- are rebuilt (a new kind of change, 'api', and nullable scopes), then made
-- again.
DROP TRIGGER key_log_user_state;
DROP TRIGGER key_log_user_delete;
DROP TRIGGER key_log_subscription_insert;
DROP TRIGGER key_log_subscription_update;
DROP TRIGGER key_log_subscription_delete;
DROP TRIGGER key_log_product_uid;

CREATE TABLE key_changes_new (
    seq     INTEGER PRIMARY KEY,
    -- what to read again: an account, a subscription, a product (with its
    -- subscriptions) or the API catalogue (APIs and which products hold them)
    kind    TEXT    NOT NULL CHECK (kind IN ('user', 'subscription', 'product', 'api')),
    entity  INTEGER NOT NULL,
    at      INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
INSERT INTO key_changes_new SELECT seq, kind, entity, at FROM key_changes;
DROP TABLE key_changes;
ALTER TABLE key_changes_new RENAME TO key_changes;

-- Scope: product_id for a product, api_id for one API, neither for all APIs.
CREATE TABLE subscriptions_new (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT    NOT NULL UNIQUE,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id          INTEGER REFERENCES products(id) ON DELETE CASCADE,
    api_id              INTEGER REFERENCES apis(id) ON DELETE CASCADE,
    display_name        TEXT    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('submitted', 'active', 'suspended', 'rejected', 'cancelled', 'expired')),
    state_comment       TEXT,
    primary_hash        BLOB    NOT NULL UNIQUE,
    primary_secret      BLOB    NOT NULL,
    secondary_hash      BLOB    NOT NULL UNIQUE,
    secondary_secret    BLOB    NOT NULL,
    created_at          INTEGER NOT NULL,
    start_date          INTEGER,
    end_date            INTEGER,
    expiration_date     INTEGER,
    notification_date   INTEGER,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK (product_id IS NULL OR api_id IS NULL)
) STRICT;
INSERT INTO subscriptions_new (id, uid, user_id, product_id, display_name, state, state_comment, primary_hash,
    primary_secret, secondary_hash, secondary_secret, created_at, start_date, end_date, expiration_date,
    notification_date, updated_at, version)
SELECT id, uid, user_id, product_id, display_name, state, state_comment, primary_hash, primary_secret,
    secondary_hash, secondary_secret, created_at, start_date, end_date, expiration_date, notification_date,
    updated_at, version
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_by_user ON subscriptions (user_id, product_id);
CREATE INDEX subscriptions_by_product ON subscriptions (product_id, state);
CREATE INDEX subscriptions_by_api ON subscriptions (api_id, state) WHERE api_id IS NOT NULL;
CREATE INDEX subscriptions_by_state ON subscriptions (state, created_at, id);
CREATE INDEX subscriptions_by_created ON subscriptions (created_at, id);

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
AFTER UPDATE OF state, primary_hash, secondary_hash, user_id, product_id, api_id, uid ON subscriptions
WHEN old.state IS NOT new.state OR old.primary_hash IS NOT new.primary_hash
  OR old.secondary_hash IS NOT new.secondary_hash OR old.user_id IS NOT new.user_id
  OR old.product_id IS NOT new.product_id OR old.api_id IS NOT new.api_id OR old.uid IS NOT new.uid BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'subscription', new.id FROM key_log_head WHERE id = 1;
END;
-- Also fires for the rows that a product's, an API's or an account's
-- deletion cascades to.
CREATE TRIGGER key_log_subscription_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'subscription', old.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_product_uid AFTER UPDATE OF uid ON products WHEN old.uid IS NOT new.uid BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'product', new.id FROM key_log_head WHERE id = 1;
END;
-- The catalogue a check matches paths against: an API's path, id and
-- whether it needs a key, and which products hold it.
CREATE TRIGGER key_log_api_insert AFTER INSERT ON apis BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'api', new.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_api_update AFTER UPDATE OF uid, path, subscription_required ON apis
WHEN old.uid IS NOT new.uid OR old.path IS NOT new.path OR old.subscription_required IS NOT new.subscription_required
BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'api', new.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_api_delete AFTER DELETE ON apis BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'api', old.id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_product_api_insert AFTER INSERT ON product_apis BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'api', new.api_id FROM key_log_head WHERE id = 1;
END;
CREATE TRIGGER key_log_product_api_delete AFTER DELETE ON product_apis BEGIN
    UPDATE key_log_head SET seq = seq + 1 WHERE id = 1;
    INSERT INTO key_changes (seq, kind, entity) SELECT seq, 'api', old.api_id FROM key_log_head WHERE id = 1;
END;

-- The activity log records APIs too.
CREATE TABLE activity_new (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL DEFAULT (unixepoch()),
    actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target_kind   TEXT    NOT NULL
                  CHECK (target_kind IN ('user', 'group', 'settings', 'template', 'product', 'subscription', 'token', 'api')),
    target_uid    TEXT    NOT NULL,
    target_label  TEXT    NOT NULL,
    before        TEXT,
    after         TEXT,
    reason        TEXT,
    related_kind  TEXT,
    related_uid   TEXT
) STRICT;
INSERT INTO activity_new SELECT id, at, actor_id, actor_label, action, target_kind, target_uid, target_label, before,
    after, reason, related_kind, related_uid FROM activity;
DROP TABLE activity;
ALTER TABLE activity_new RENAME TO activity;
CREATE INDEX activity_by_target ON activity (target_kind, target_uid, id);
CREATE INDEX activity_by_related ON activity (related_kind, related_uid, id) WHERE related_uid IS NOT NULL;
