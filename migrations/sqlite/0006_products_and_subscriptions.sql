-- Products (what developers subscribe to), which groups may see them, and
-- subscriptions with their two keys.

CREATE TABLE products (
    id                     INTEGER PRIMARY KEY,
    uid                    TEXT    NOT NULL UNIQUE,          -- APIM's productId
    name                   TEXT    NOT NULL,
    name_canonical         TEXT    NOT NULL UNIQUE,
    description            TEXT    NOT NULL DEFAULT '',
    terms                  TEXT    NOT NULL DEFAULT '',
    state                  TEXT    NOT NULL DEFAULT 'notPublished' CHECK (state IN ('notPublished', 'published')),
    subscription_required  INTEGER NOT NULL DEFAULT 1 CHECK (subscription_required IN (0, 1)),
    approval_required      INTEGER NOT NULL DEFAULT 0 CHECK (approval_required IN (0, 1)),
    subscriptions_limit    INTEGER CHECK (subscriptions_limit IS NULL OR subscriptions_limit >= 1),
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Visibility: a published product is shown to members of these groups
-- (Guests: anonymous visitors; Developers: every signed-in developer).
CREATE TABLE product_groups (
    product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, group_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_groups_by_group ON product_groups (group_id, product_id);

-- A subscription's keys are stored twice, never in clear: encrypted under a
-- key derived from the server secret (outside the database) so listSecrets
-- can show them, and as a keyed hash (HMAC) of the key so the gateway check
-- finds the row. A copy of this file alone yields no working key.
CREATE TABLE subscriptions (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT    NOT NULL UNIQUE,            -- APIM's sid
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id          INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    display_name        TEXT    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('submitted', 'active', 'suspended', 'rejected', 'cancelled', 'expired')),
    state_comment       TEXT,
    primary_hash        BLOB    NOT NULL UNIQUE,
    primary_secret      BLOB    NOT NULL,
    secondary_hash      BLOB    NOT NULL UNIQUE,
    secondary_secret    BLOB    NOT NULL,
    created_at          INTEGER NOT NULL,
    start_date          INTEGER,   -- first activation
    end_date            INTEGER,   -- cancellation, rejection or expiry
    expiration_date     INTEGER,   -- bookkeeping only, as in APIM
    notification_date   INTEGER,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX subscriptions_by_user ON subscriptions (user_id, product_id);
CREATE INDEX subscriptions_by_product ON subscriptions (product_id, state);
CREATE INDEX subscriptions_by_state ON subscriptions (state, created_at, id);
CREATE INDEX subscriptions_by_created ON subscriptions (created_at, id);

-- Keys that stopped working, so the check can say why (a regenerated key, a
-- deleted subscription or account) instead of only "unknown key".
CREATE TABLE retired_keys (
    key_hash    BLOB    PRIMARY KEY,
    reason      TEXT    NOT NULL CHECK (reason IN ('regenerated', 'subscription_deleted', 'user_deleted', 'product_deleted')),
    retired_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The activity log records products, subscriptions and access tokens too.
CREATE TABLE activity_new (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL DEFAULT (unixepoch()),
    actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target_kind   TEXT    NOT NULL
                  CHECK (target_kind IN ('user', 'group', 'settings', 'template', 'product', 'subscription', 'token')),
    target_uid    TEXT    NOT NULL,
    target_label  TEXT    NOT NULL,
    before        TEXT,
    after         TEXT,
    reason        TEXT
) STRICT;
INSERT INTO activity_new SELECT id, at, actor_id, actor_label, action, target_kind, target_uid, target_label, before, after, reason
FROM activity;
DROP TABLE activity;
ALTER TABLE activity_new RENAME TO activity;
CREATE INDEX activity_by_target ON activity (target_kind, target_uid, id);
