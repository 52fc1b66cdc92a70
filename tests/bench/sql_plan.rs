//! `sql-plan DB 'SQL' [ARG]`: the plan and mean time of one statement, run by
//! the same SQLite that the server bundles.
use sqlx::{Connection, Row};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", args[1])).await.unwrap();
    let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&mut conn).await.unwrap();
    println!("sqlite {version}");
    // SQL_PRAGMAS="PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536" tries connection settings.
    if let Ok(pragmas) = std::env::var("SQL_PRAGMAS") {
        for p in pragmas.split(';').filter(|p| !p.trim().is_empty()) {
            sqlx::query(p).execute(&mut conn).await.unwrap();
        }
    }
    let sql = &args[2];
    let bind = args.get(3);
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let n = q.fetch_all(&mut conn).await.unwrap().len();
    let t = Instant::now();
    for _ in 0..20 {
        let mut q = sqlx::query(sql);
        if let Some(b) = bind {
            q = q.bind(b);
        }
        q.fetch_all(&mut conn).await.unwrap();
    }
    println!("{n} rows, {:.2} ms per run", t.elapsed().as_secs_f64() * 1000.0 / 20.0);
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut q = sqlx::query(&explain);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    for row in q.fetch_all(&mut conn).await.unwrap() {
        let detail: String = row.get(3);
        println!("  {detail}");
    }
}
