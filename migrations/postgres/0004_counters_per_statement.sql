-- Account totals and member counts kept once per statement instead of once
-- per row. A per-row trigger updates the same counter row once for every
-- row a statement writes; within one transaction PostgreSQL cannot prune
-- the versions this leaves, so each update walks a longer chain of them and
-- a statement writing 100,000 accounts ran for minutes. Per statement, from
-- the transition tables, it is one update per state or group touched, and
-- an update that leaves a state's total unchanged locks nothing.
DROP TRIGGER user_counts_insert ON users;
DROP TRIGGER user_counts_update ON users;
DROP TRIGGER group_members_count ON group_members;
DROP FUNCTION user_counts_track();
DROP FUNCTION group_members_count();

CREATE FUNCTION user_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE user_counts c SET n = c.n + d.k
        FROM (SELECT state, COUNT(*) AS k FROM new_rows GROUP BY state) d WHERE c.state = d.state;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE user_counts c SET n = c.n - d.k
        FROM (SELECT state, COUNT(*) AS k FROM old_rows GROUP BY state) d WHERE c.state = d.state;
    ELSE
        UPDATE user_counts c SET n = c.n + d.k
        FROM (SELECT state, SUM(k) AS k
              FROM (SELECT state, 1 AS k FROM new_rows UNION ALL SELECT state, -1 AS k FROM old_rows) x
              GROUP BY state HAVING SUM(k) <> 0) d
        WHERE c.state = d.state;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER user_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();

CREATE FUNCTION group_members_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE groups g SET member_count = g.member_count + d.k
        FROM (SELECT group_id, COUNT(*) AS k FROM new_rows GROUP BY group_id) d WHERE g.id = d.group_id;
    ELSE
        UPDATE groups g SET member_count = g.member_count - d.k
        FROM (SELECT group_id, COUNT(*) AS k FROM old_rows GROUP BY group_id) d WHERE g.id = d.group_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER group_members_insert AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_members_apply();
CREATE TRIGGER group_members_delete AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION group_members_apply();
