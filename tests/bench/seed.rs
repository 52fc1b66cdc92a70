//! Seeds accounts straight into the database of a running test server, for
//! the benchmarks at scale (40 first names × 65 last names, 20 teams).
use gatehouse_tests::TestServer;
use std::time::Instant;

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Ken",
    "Dennis",
    "Linus",
    "Guido",
    "Bjarne",
    "James",
    "Anders",
    "Margaret",
    "Frances",
    "Radia",
    "Sophie",
    "Lynn",
    "Hedy",
    "Katherine",
    "Tim",
    "Vint",
    "Bob",
    "John",
    "Niklaus",
    "Leslie",
    "Tony",
    "Robin",
    "Ivan",
    "Fran",
    "Jean",
    "Shafi",
    "Silvio",
    "Whitfield",
    "Martin",
    "Adele",
    "Susan",
    "Carol",
    "Joan",
    "Mary",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Thompson",
    "Ritchie",
    "Torvalds",
    "Rossum",
    "Stroustrup",
    "Gosling",
    "Hejlsberg",
    "Hamilton",
    "Allen",
    "Perlman",
    "Wilson",
    "Conway",
    "Lamarr",
    "Johnson",
    "Berners",
    "Cerf",
    "Kahn",
    "McCarthy",
    "Wirth",
    "Lamport",
    "Hoare",
    "Milner",
    "Sutherland",
    "Bilas",
    "Sammet",
    "Goldwasser",
    "Micali",
    "Diffie",
    "Hellman",
    "Goldberg",
    "Kare",
    "Shaw",
    "Clarke",
    "Keller",
    "Silva",
    "Jansen",
    "deVries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
];

/// Which of the 20 teams an account joins: a hash of its id, so that team
/// membership does not follow the name pattern (with `i % 20`, every member
/// of a team shared one of two first names).
fn team_of(id: i64) -> i64 {
    id * 2_654_435_761 % 4_294_967_291 % 20
}

pub async fn seed(app: &TestServer, total: usize) {
    let state = app.state().await;
    let mut conn = state.pool.acquire().await.unwrap();
    let have: i64 = app::db::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut conn).await.unwrap();
    let need = total as i64 + 1 - have;
    if need <= 0 {
        return;
    }
    let t = Instant::now();
    let pg = state.pool.backend() == app::db::Backend::Postgres;
    if !pg {
        app::db::query("PRAGMA synchronous = OFF").execute(&mut conn).await.unwrap();
    }
    let groups: i64 =
        app::db::query_scalar("SELECT COUNT(*) FROM groups WHERE kind = 'custom'").fetch_one(&mut conn).await.unwrap();
    for g in groups..20 {
        app::db::query("INSERT INTO groups (uid, name, name_canonical, kind) VALUES (?, ?, ?, 'custom')")
            .bind(format!("team-{g:02}"))
            .bind(format!("Team {g:02}"))
            .bind(format!("team {g:02}"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let dev: i64 =
        app::db::query_scalar("SELECT id FROM groups WHERE uid = 'developers'").fetch_one(&mut conn).await.unwrap();
    let team0: i64 =
        app::db::query_scalar("SELECT id FROM groups WHERE uid = 'team-00'").fetch_one(&mut conn).await.unwrap();
    let base = have as usize;
    if pg {
        seed_pg(&mut conn, base as i64, need, dev, team0).await;
        println!("seeded {need} accounts in {:.1} s", t.elapsed().as_secs_f64());
        return;
    }
    let batch = 10_000;
    let mut done = 0usize;
    while (done as i64) < need {
        let mut tx = app::db::begin(&mut conn).await.unwrap();
        for k in 0..batch.min(need as usize - done) {
            let i = base + done + k;
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len()) % LAST.len()];
            let email = format!("{}.{}{}@example{}.com", first.to_lowercase(), last.to_lowercase(), i, i % 97);
            let state = if i.is_multiple_of(50) { "blocked" } else { "active" };
            let id: i64 = app::db::query_scalar(
                "INSERT INTO users (uid, email, email_canonical, first_name, last_name, state, registered_at, search_text)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(format!("{i:016x}"))
            .bind(&email)
            .bind(&email)
            .bind(first)
            .bind(last)
            .bind(state)
            .bind(1_700_000_000 + i as i64 * 60)
            .bind(app::users::search_text(first, last, &email))
            .fetch_one(&mut tx)
            .await
            .unwrap();
            app::db::query("INSERT INTO group_members (group_id, user_id) VALUES (?, ?), (?, ?)")
                .bind(dev)
                .bind(id)
                .bind(team0 + team_of(id))
                .bind(id)
                .execute(&mut tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        done += batch.min(need as usize - done);
    }
    app::db::query("PRAGMA optimize").execute(&mut conn).await.unwrap();
    app::db::query("ANALYZE").execute(&mut conn).await.unwrap();
    println!("seeded {need} accounts in {:.1} s", t.elapsed().as_secs_f64());
    if let Ok(path) = std::env::var("BENCH_SNAPSHOT") {
        // A copy to study query plans with: BENCH_SNAPSHOT=/tmp/users.db
        let _ = std::fs::remove_file(&path);
        app::db::query(&format!("VACUUM INTO '{path}'")).execute(&mut conn).await.unwrap();
    }
}

/// The same accounts on PostgreSQL, set-based (a statement per 100,000 rows
/// instead of two per account: the same rows in a fraction of the time).
async fn seed_pg(conn: &mut app::db::PoolConn, base: i64, need: i64, dev: i64, team0: i64) {
    let array =
        |names: &[&str]| format!("ARRAY[{}]", names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(","));
    let (first, last) = (array(FIRST), array(LAST));
    let (nf, nl) = (FIRST.len(), LAST.len());
    // A seeding statement may take longer than a request may.
    app::db::query("SET statement_timeout = 0").execute(&mut *conn).await.unwrap();
    let batch = 100_000;
    let before: i64 =
        app::db::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(&mut *conn).await.unwrap();
    let mut from = base;
    while from < base + need {
        let to = (from + batch).min(base + need);
        let sql = format!(
            "INSERT INTO users (uid, email, email_canonical, first_name, last_name, state, registered_at, search_text)
             SELECT lpad(to_hex(i), 16, '0'), e, e, f, l, CASE WHEN i % 50 = 0 THEN 'blocked' ELSE 'active' END,
                    1700000000 + i * 60, lower(f || ' ' || l || ' ' || e)
             FROM (SELECT i, f, l, lower(f) || '.' || lower(l) || i || '@example' || (i % 97) || '.com' AS e
                   FROM (SELECT i, ({first})[i % {nf} + 1] AS f, ({last})[(i / {nf}) % {nl} + 1] AS l
                         FROM generate_series(?::bigint, ?::bigint) AS i) n) r"
        );
        app::db::query(&sql).bind(from).bind(to - 1).execute(&mut *conn).await.unwrap();
        from = to;
    }
    // Developers, and one team by a hash of the id (see team_of).
    app::db::query(
        "INSERT INTO group_members (group_id, user_id)
         SELECT ?, id FROM users WHERE id > ?
         UNION ALL
         SELECT ? + id * 2654435761 % 4294967291 % 20, id FROM users WHERE id > ?",
    )
    .bind(dev)
    .bind(before)
    .bind(team0)
    .bind(before)
    .execute(&mut *conn)
    .await
    .unwrap();
    app::db::query("ANALYZE").execute(&mut *conn).await.unwrap();
}
