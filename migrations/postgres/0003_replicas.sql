-- The replicas serving key checks from one database, for strict revocation
-- (app/src/gateway/replicas.rs). Each replica renews its lease every fifth
-- of the lease time and reports the last key change its index holds; a
-- revoking call waits until every replica whose lease runs has reported its
-- change. Times are milliseconds on the database's clock, so the replicas'
-- own clocks need not agree. SQLite has one process and no such table.
CREATE TABLE replicas (
    id           TEXT   PRIMARY KEY,
    name         TEXT   NOT NULL,
    applied_seq  BIGINT NOT NULL,
    lease_until  BIGINT NOT NULL,
    started_at   BIGINT NOT NULL
);
