//! The admin screen's users list: search, filters, sorts and paging at a
//! million accounts (see tests/bench/users_list.rs).
use super::super::{UserQuery, UserRow, UserSort, UserState};
use crate::db::Conn;

/// Up to this many matches, a search or a group filter is answered from its
/// index as a set of ids and counted exactly. Beyond it the list walks the
/// sort order and checks each row, which finds a page of a broad term within
/// a few thousand rows, and the total is reported as "more than" this.
/// 1,000 balances the two costs at a million accounts (measured: see
/// tests/bench/users_list.rs).
pub const EXACT_CAP: i64 = 1000;

/// A bind value of a users query.
type Bind = crate::db::Arg;

/// Where the rows of a users query come from.
enum Source {
    /// Every account, walked in sort order (an index).
    All,
    /// These ids and no others (a search or a small group, read from its
    /// index): looked up by id and sorted.
    Candidates(Vec<i64>),
    /// The trigram index in rowid (= registration) order, joined to users:
    /// a broad search sorted by registration stops after one page.
    Fts,
}

/// How the accounts that match a query are found.
struct Plan {
    /// On PostgreSQL: its trigram index and its spelling of the few things
    /// SQLite writes otherwise (JSON arrays, case-folded sorting).
    pg: bool,
    source: Source,
    /// Conditions each row must still meet, with their binds.
    conditions: Vec<String>,
    binds: Vec<Bind>,
    /// A lower bound already known for the total (a broad search).
    more_than: Option<i64>,
    /// The group filter's member count, when there is one.
    group_members: Option<i64>,
    /// How many accounts have the state filter's state, when there is one.
    state_count: Option<i64>,
}

impl Plan {
    fn sources(&self) -> &'static str {
        match self.source {
            Source::All => "users u",
            Source::Candidates(_) if self.pg => {
                "json_array_elements_text(CAST(? AS json)) c JOIN users u ON u.id = CAST(c.value AS BIGINT)"
            }
            // CROSS JOIN: look up the few candidates by id, never scan users
            // probing the set.
            Source::Candidates(_) => "json_each(?) c CROSS JOIN users u ON u.id = c.value",
            Source::Fts => "users_fts f CROSS JOIN users u ON u.id = f.rowid",
        }
    }

    fn where_sql(&self, extra: Option<&str>) -> String {
        let all: Vec<&str> = self.conditions.iter().map(String::as_str).chain(extra).collect();
        if all.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", all.join(" AND "))
        }
    }

    /// The sort columns, in index order (see migration 0003).
    fn sort_columns(&self, sort: UserSort) -> &'static str {
        match sort {
            UserSort::Name if self.pg => "lower(u.last_name), lower(u.first_name), u.id",
            UserSort::Name => "u.last_name COLLATE NOCASE, u.first_name COLLATE NOCASE, u.id",
            UserSort::Email => "u.email_canonical",
            // The same order; named on the side SQLite reads it from.
            UserSort::Registered if matches!(self.source, Source::Fts) => "f.rowid",
            UserSort::Registered => "u.id",
        }
    }

    /// How a cursor continues the order: the row value compared with the
    /// sort columns, and the query reading it from the cursor's account.
    /// The collation goes on the right-hand side: written on the columns,
    /// SQLite 3.46 no longer uses the index for the range (48 ms against
    /// 0.04 ms at 1M).
    fn cursor(&self, sort: UserSort) -> (&'static str, &'static str, &'static str) {
        match sort {
            UserSort::Name if self.pg => (
                "(lower(u.last_name), lower(u.first_name), u.id)",
                "(lower(?), lower(?), ?)",
                "SELECT last_name, first_name, id FROM users WHERE uid = ?",
            ),
            UserSort::Name => (
                "(u.last_name, u.first_name, u.id)",
                "(? COLLATE NOCASE, ? COLLATE NOCASE, ?)",
                "SELECT last_name, first_name, id FROM users WHERE uid = ?",
            ),
            UserSort::Email => ("u.email_canonical", "?", "SELECT email_canonical FROM users WHERE uid = ?"),
            UserSort::Registered => (self.sort_columns(sort), "?", "SELECT id FROM users WHERE uid = ?"),
        }
    }

    fn order_sql(&self, sort: UserSort, desc: bool) -> String {
        let d = if desc { " DESC" } else { "" };
        self.sort_columns(sort).split(", ").map(|c| format!("{c}{d}")).collect::<Vec<_>>().join(", ")
    }

    /// The candidates (if any) then the condition binds, in SQL order.
    fn bind_all<'q, O: crate::db::Row>(&'q self, mut query: crate::db::QueryAs<'q, O>) -> crate::db::QueryAs<'q, O> {
        if let Source::Candidates(ids) = &self.source {
            query = query.bind(serde_json::to_string(ids).unwrap_or_default());
        }
        bind(query, &self.binds)
    }
}

fn bind<'q, O: crate::db::Row>(mut query: crate::db::QueryAs<'q, O>, binds: &[Bind]) -> crate::db::QueryAs<'q, O> {
    for b in binds {
        query = query.bind_arg(b.clone());
    }
    query
}

/// An FTS5 phrase: the trigram tokenizer matches it as a substring.
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Up to EXACT_CAP + 1 ids from `select` (a column `id`, `?1` its argument,
/// `?2` the limit), read as one JSON array: fetching a thousand one-column
/// rows through the driver costs twice what the index read does.
async fn id_set(conn: &mut dyn Conn, select: &str, arg: &str) -> Result<Vec<i64>, sqlx::Error> {
    let sql = match conn.backend() {
        crate::db::Backend::Sqlite => format!("SELECT json_group_array(id) FROM ({select}) AS s"),
        crate::db::Backend::Postgres => {
            format!("SELECT CAST(COALESCE(json_agg(id), '[]') AS TEXT) FROM ({select}) AS s")
        }
    };
    let json: String = crate::db::query_scalar(&sql).bind(arg).bind(EXACT_CAP + 1).fetch_one(conn).await?;
    Ok(serde_json::from_str(&json).unwrap_or_default())
}

/// Keeps the ids of `b` that are also in `a` (None: no restriction yet).
fn intersect(a: Option<Vec<i64>>, b: Vec<i64>) -> Option<Vec<i64>> {
    Some(match a {
        None => b,
        Some(a) => {
            let keep: std::collections::HashSet<i64> = a.into_iter().collect();
            b.into_iter().filter(|id| keep.contains(id)).collect()
        }
    })
}

/// Chooses how to find the matches. Each filter that matches few accounts
/// (at most EXACT_CAP: a selective search, a small group, a rare state)
/// yields their ids from its own index; the rest become conditions checked
/// while walking the sort order.
async fn plan(conn: &mut dyn Conn, q: &UserQuery) -> Result<Plan, sqlx::Error> {
    let pg = conn.backend() == crate::db::Backend::Postgres;
    let mut plan = Plan {
        pg,
        source: Source::All,
        conditions: Vec::new(),
        binds: Vec::new(),
        more_than: None,
        group_members: None,
        state_count: None,
    };
    let term = q.q.trim().to_lowercase();
    let mut candidates: Option<Vec<i64>> = None;
    let mut broad_term = !term.is_empty();
    if term.chars().count() >= 3 {
        let ids = if pg {
            let sql = "SELECT id FROM users WHERE search_text LIKE ?1 ESCAPE '\\' LIMIT ?2";
            id_set(&mut *conn, sql, &crate::db::like_contains(&term)).await?
        } else {
            id_set(&mut *conn, "SELECT rowid AS id FROM users_fts WHERE users_fts MATCH ?1 LIMIT ?2", &phrase(&term))
                .await?
        };
        if ids.len() as i64 <= EXACT_CAP {
            candidates = Some(ids);
            broad_term = false;
        } else {
            plan.more_than = Some(EXACT_CAP);
        }
    }
    let mut group_condition = None;
    if let Some(g) = &q.group {
        let found: Option<(i64, i64)> = crate::db::query_as("SELECT id, member_count FROM groups WHERE uid = ?")
            .bind(g)
            .fetch_optional(&mut *conn)
            .await?;
        // An unknown group matches nobody.
        let (gid, members) = found.unwrap_or((-1, 0));
        plan.group_members = Some(members);
        if members <= EXACT_CAP {
            let ids = id_set(
                &mut *conn,
                "SELECT user_id AS id FROM group_members WHERE group_id = (SELECT id FROM groups WHERE uid = ?1) LIMIT ?2",
                g,
            )
            .await?;
            candidates = intersect(candidates, ids);
        } else {
            group_condition = Some(gid);
        }
    }
    let mut state_condition = None;
    if let Some(st) = q.state {
        let n: i64 =
            crate::db::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE state = ?")
                .bind(st.as_str())
                .fetch_one(&mut *conn)
                .await?;
        plan.state_count = Some(n);
        if n <= EXACT_CAP {
            let ids = id_set(&mut *conn, "SELECT id FROM users WHERE state = ?1 LIMIT ?2", st.as_str()).await?;
            candidates = intersect(candidates, ids);
        } else {
            state_condition = Some(st);
        }
    }
    if broad_term {
        if pg && term.chars().count() >= 3 {
            // The trigram index answers it.
            plan.conditions.push("u.search_text LIKE ? ESCAPE '\\'".into());
            plan.binds.push(Bind::Text(Some(crate::db::like_contains(&term))));
        } else if candidates.is_none() && q.sort == UserSort::Registered && term.chars().count() >= 3 {
            plan.source = Source::Fts;
            plan.conditions.push("f.users_fts MATCH ?".into());
            plan.binds.push(Bind::Text(Some(phrase(&term))));
        } else {
            // Checked on each row of the (covering) sort index.
            plan.conditions.push("instr(u.search_text, ?) > 0".into());
            plan.binds.push(Bind::Text(Some(term)));
        }
    }
    if let Some(gid) = group_condition {
        plan.conditions
            .push("EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = ? AND gm.user_id = u.id)".into());
        plan.binds.push(Bind::I64(Some(gid)));
    }
    if let Some(st) = state_condition {
        // A common state is checked in the covering sort index; `+` keeps
        // SQLite from reading it through users_by_state and sorting
        // (measured 33 ms against 0.1 ms at 1M for Blocked by name).
        let plus = if q.sort == UserSort::Registered || pg { "" } else { "+" };
        plan.conditions.push(format!("{plus}u.state = ?"));
        plan.binds.push(Bind::Text(Some(st.as_str().into())));
    }
    if let Some(days) = q.inactive_days {
        // Checked on each row: the accounts that matter here are the old
        // ones, which a walk in any sort order meets soon enough.
        plan.conditions.push("COALESCE(u.last_sign_in_at, u.registered_at) < ?".into());
        plan.binds.push(Bind::I64(Some(crate::db::now() - i64::from(days) * 86_400)));
    }
    if let Some(ids) = candidates {
        plan.source = Source::Candidates(ids);
    }
    Ok(plan)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    uid: String,
    email: String,
    first_name: String,
    last_name: String,
    state: String,
    registered_at: i64,
    last_sign_in_at: Option<i64>,
    groups: String,
}

pub struct ListPage {
    pub rows: Vec<UserRow>,
    pub total: i64,
    pub total_exact: bool,
    pub has_next: bool,
}

/// One page of the users list and the number of matches.
pub async fn list(conn: &mut dyn Conn, q: &UserQuery) -> Result<ListPage, sqlx::Error> {
    let plan = plan(&mut *conn, q).await?;
    let per = q.per_page() as i64;
    let (key_lhs, key_rhs, key_sql) = plan.cursor(q.sort);
    // A cursor (the uid of the row next to the wanted page) turns the page
    // into an index range instead of an OFFSET. An unknown uid (the account
    // was deleted since) falls back to the page number.
    let (cursor, backwards) = match (&q.after, &q.before) {
        (Some(uid), _) => (Some(uid), false),
        (None, Some(uid)) => (Some(uid), true),
        _ => (None, false),
    };
    let cursor_key: Option<Vec<Bind>> = match cursor {
        None => None,
        Some(uid) => crate::db::query(key_sql).bind(uid).fetch_optional_args(&mut *conn).await?,
    };
    // Walking backwards (Previous) reverses the order, then the rows.
    let reverse = cursor_key.is_some() && backwards;
    let desc = q.desc != reverse;
    let order = plan.order_sql(q.sort, desc);
    let range = cursor_key.as_ref().map(|_| format!("{key_lhs} {} {key_rhs}", if desc { "<" } else { ">" }));
    let offset = if cursor_key.is_some() { 0 } else { (q.page() as i64 - 1) * per };
    let where_sql = plan.where_sql(range.as_deref());
    // Pick the page's ids by the sort order first (narrow rows, index
    // driven), then fetch columns and groups for just those rows. One row
    // more than the page tells whether there is a next page.
    // CROSS JOIN pins the join order: with a bound LIMIT, SQLite 3.46 would
    // otherwise scan every account and probe the page (measured 0.1 vs 6.6 ms).
    let sql = format!(
        "WITH page AS (SELECT u.id FROM {from} {where_sql} ORDER BY {order} LIMIT ? OFFSET ?)
         SELECT u.uid, u.email, u.first_name, u.last_name, u.state, u.registered_at, u.last_sign_in_at,
                (SELECT {names} FROM group_members gm JOIN groups g ON g.id = gm.group_id
                 WHERE gm.user_id = u.id) AS groups
         FROM page {join} users u ON u.id = page.id ORDER BY {outer_order}",
        from = plan.sources(),
        names = if plan.pg { "CAST(COALESCE(json_agg(g.name), '[]') AS TEXT)" } else { "json_group_array(g.name)" },
        join = if plan.pg { "JOIN" } else { "CROSS JOIN" },
        // The outer query has no `f`: f.rowid is u.id there.
        outer_order = order.replace("f.rowid", "u.id"),
    );
    let query = plan.bind_all(crate::db::query_as::<ListRow>(&sql));
    let query = bind(query, cursor_key.as_deref().unwrap_or_default());
    let mut rows = query.bind(per + 1).bind(offset).fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > per;
    rows.truncate(per as usize);
    if reverse {
        rows.reverse();
    }
    let (total, total_exact) = count(conn, q, &plan).await?;
    Ok(ListPage {
        rows: rows
            .into_iter()
            .map(|r| UserRow {
                uid: r.uid,
                email: r.email,
                first_name: r.first_name,
                last_name: r.last_name,
                state: UserState::parse(&r.state).unwrap_or(UserState::Active),
                registered_at: r.registered_at,
                last_sign_in_at: r.last_sign_in_at,
                groups: serde_json::from_str(&r.groups).unwrap_or_default(),
            })
            .collect(),
        total,
        total_exact,
        // Backwards, the extra row is on the previous side; the next page is
        // the one we came from.
        has_next: if reverse { true } else { more },
    })
}

/// The number of matches: exact, or a lower bound when counting every match
/// would cost more than the page (a broad search).
async fn count(conn: &mut dyn Conn, q: &UserQuery, plan: &Plan) -> Result<(i64, bool), sqlx::Error> {
    if let Source::Candidates(ids) = &plan.source {
        if plan.conditions.is_empty() {
            return Ok((ids.len() as i64, true));
        }
        let sql = format!("SELECT COUNT(*) FROM {} {}", plan.sources(), plan.where_sql(None));
        let n: (i64,) = plan.bind_all(crate::db::query_as(&sql)).fetch_one(conn).await?;
        return Ok((n.0, true));
    }
    if plan.conditions.is_empty() {
        // No filter at all. Totals per state are kept by triggers (see migration 0002).
        let n: i64 = crate::db::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts")
            .fetch_one(conn)
            .await?;
        return Ok((n, true));
    }
    let one_filter = plan.conditions.len() == 1 && q.q.trim().is_empty();
    if let (Some(n), true) = (plan.state_count, one_filter && q.group.is_none()) {
        // The state filter alone: plan() read its total already.
        return Ok((n, true));
    }
    if let (Some(members), true) = (plan.group_members, one_filter && q.state.is_none()) {
        // Members per group are kept by triggers (see migration 0003).
        return Ok((members, true));
    }
    if let (Some(bound), 1) = (plan.more_than, plan.conditions.len()) {
        // A broad search and nothing else: the probe already found more.
        return Ok((bound + 1, false));
    }
    // Count up to the cap; past it, the total is "more than".
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {} {} LIMIT {}) AS t",
        plan.sources(),
        plan.where_sql(None),
        EXACT_CAP + 1
    );
    let n: (i64,) = plan.bind_all(crate::db::query_as(&sql)).fetch_one(conn).await?;
    Ok((n.0, n.0 <= EXACT_CAP))
}

/// One step of merging the segments of the search index, at most `pages`
/// pages of work. Returns whether there was any (FTS5 documents the change
/// count as the way to tell). PostgreSQL's trigram index needs no such step.
pub async fn merge_search_index(conn: &mut dyn Conn, pages: i64) -> Result<bool, sqlx::Error> {
    if conn.backend() == crate::db::Backend::Postgres {
        return Ok(false);
    }
    let before: i64 = crate::db::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    // A negative count merges whatever segments there are, not only full levels.
    crate::db::query("INSERT INTO users_fts (users_fts, rank) VALUES ('merge', ?)")
        .bind(-pages)
        .execute(&mut *conn)
        .await?;
    let after: i64 = crate::db::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    Ok(after - before >= 2)
}

/// The uids of the accounts that match, in list order (for "select all that
/// match"), at most `cap`.
pub async fn matching_uids(conn: &mut dyn Conn, q: &UserQuery, cap: i64) -> Result<Vec<String>, sqlx::Error> {
    let plan = plan(&mut *conn, q).await?;
    let sql = format!(
        "SELECT u.uid FROM {} {} ORDER BY {} LIMIT ?",
        plan.sources(),
        plan.where_sql(None),
        plan.order_sql(q.sort, q.desc)
    );
    let rows: Vec<(String,)> = plan.bind_all(crate::db::query_as(&sql)).bind(cap).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
