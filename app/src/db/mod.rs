//! The database, SQLite (a local file, the default) or PostgreSQL (several
//! replicas): the typed pool of either (SQLite: WAL, foreign keys, a busy
//! timeout and the configured synchronous mode on every connection), each
//! backend's migrations embedded in the binary, write transactions, job
//! locks, backups, and the application's clock. `query` is the one
//! statement API every repository uses.
use crate::config::{Settings, Synchronous};
use crate::gateway::Gate;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

mod query;
pub use query::{
    begin, pg_sql, query, query_as, query_scalar, Arg, Backend, Conn, Done, IntoArg, Query, QueryAs, QueryScalar, Raw,
    Row, Tx, Via,
};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
pub static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// `s` as literal text inside a LIKE pattern written with `ESCAPE '\'`
/// (the same on both backends).
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A LIKE pattern matching `s` anywhere (with `ESCAPE '\'`).
pub fn like_contains(s: &str) -> String {
    format!("%{}%", like_escape(s))
}

/// The pool of either backend.
#[derive(Clone, Debug)]
pub enum Pool {
    Lite(SqlitePool),
    Pg(sqlx::PgPool),
}

/// A connection lent by the pool; it goes back when dropped.
pub enum PoolConn {
    Lite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Pg(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl Conn for PoolConn {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            PoolConn::Lite(c) => Raw::Lite(c),
            PoolConn::Pg(c) => Raw::Pg(c),
        }
    }
}

/// A connection of its own, outside the pool (the key index keeps one).
pub enum OwnConn {
    Lite(SqliteConnection),
    Pg(sqlx::PgConnection),
}

impl Conn for OwnConn {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            OwnConn::Lite(c) => Raw::Lite(c),
            OwnConn::Pg(c) => Raw::Pg(c),
        }
    }
}

impl Pool {
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Lite(_) => Backend::Sqlite,
            Pool::Pg(_) => Backend::Postgres,
        }
    }

    pub async fn acquire(&self) -> Result<PoolConn, sqlx::Error> {
        Ok(match self {
            Pool::Lite(p) => PoolConn::Lite(p.acquire().await?),
            Pool::Pg(p) => PoolConn::Pg(p.acquire().await?),
        })
    }

    /// A read transaction (writes go through `begin_write`).
    pub async fn begin_read(&self) -> Result<Tx<'static>, sqlx::Error> {
        #[allow(clippy::disallowed_methods)] // reads only: no key index to keep up
        Ok(match self {
            Pool::Lite(p) => Tx::Lite(p.begin().await?),
            Pool::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Pool::Lite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

fn is_postgres(settings: &Settings) -> bool {
    settings.database_url.starts_with("postgres")
}

/// Held while this replica runs a periodic job (retention, say), so that
/// replicas on one PostgreSQL database take turns instead of doing the same
/// work at once. On SQLite there is one process: the lock is always free.
pub struct JobLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

/// The job's lock, or None while another replica holds it.
pub async fn job_lock(pool: &Pool, job: &str) -> Result<Option<JobLock>, sqlx::Error> {
    let Pool::Pg(p) = pool else { return Ok(Some(JobLock { conn: None })) };
    let mut conn = p.acquire().await?;
    // A session lock, on a connection kept for the job's length.
    let got: bool =
        query_scalar("SELECT pg_try_advisory_lock(hashtext('gatehouse:' || ?))").bind(job).fetch_one(&mut conn).await?;
    Ok(got.then_some(JobLock { conn: Some(conn) }))
}

impl JobLock {
    pub async fn release(mut self) {
        if let Some(mut conn) = self.conn.take() {
            if query("SELECT pg_advisory_unlock_all()").execute(&mut conn).await.is_err() {
                conn.close_on_drop();
            }
        }
    }
}

impl Drop for JobLock {
    /// Not released (a panic, a cancelled task): the connection is closed
    /// rather than returned to the pool, and its session's lock with it.
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.close_on_drop();
        }
    }
}

/// Opens the pool (creating the SQLite file's folder if needed).
pub async fn connect(settings: &Settings) -> Result<Pool, sqlx::Error> {
    if is_postgres(settings) {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(settings.pg_max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(pg_options(settings)?)
            .await?;
        return Ok(Pool::Pg(pool));
    }
    Ok(Pool::Lite(connect_lite(settings).await?))
}

/// Every PostgreSQL connection: UTC, a bound on any one statement so a
/// runaway search cannot hold a connection for long, and custom plans.
fn pg_options(settings: &Settings) -> Result<sqlx::postgres::PgConnectOptions, sqlx::Error> {
    Ok(sqlx::postgres::PgConnectOptions::from_str(&settings.database_url)?
        // The process id tells replicas on one machine apart in pg_stat_activity.
        .application_name(&format!("gatehouse/{}", std::process::id()))
        // Plans made for each statement's own values: a generic plan of
        // `search_text LIKE $1` cannot know how selective the pattern is and
        // scans the table (54 ms at 100,000 accounts where the trigram index
        // answers in 2.6 ms); planning costs about a millisecond.
        .options([("timezone", "UTC"), ("statement_timeout", "30s"), ("plan_cache_mode", "force_custom_plan")]))
}

async fn connect_lite(settings: &Settings) -> Result<SqlitePool, sqlx::Error> {
    if let Some(path) = settings.database_url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(connect_options(settings)?).await?;
    Ok(pool)
}

/// How every connection is opened (the pool's, and the key index's own).
pub fn connect_options(settings: &Settings) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(&settings.database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .synchronous(match settings.sqlite_synchronous {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        }))
}

/// A consistent copy of the SQLite database in `file`, taken while writers
/// go on (VACUUM INTO reads one snapshot). PostgreSQL has its own tools.
pub async fn backup(pool: &Pool, file: &std::path::Path) -> Result<(), String> {
    let Pool::Lite(_) = pool else {
        return Err("the database is PostgreSQL: back it up with pg_dump (see the README)".into());
    };
    if file.exists() {
        return Err(format!("{} exists already: choose a new file", file.display()));
    }
    let path = file.to_str().ok_or("the file name is not UTF-8")?;
    query("VACUUM INTO ?").bind(path).execute(pool).await.map_err(|e| format!("cannot write {path}: {e}"))?;
    Ok(())
}

/// Whether every migration this binary embeds has been applied (a replica
/// of an older binary, or one that started before another migrated, says no).
pub async fn migrations_applied(pool: &Pool) -> Result<bool, sqlx::Error> {
    let want = match pool {
        Pool::Lite(_) => &MIGRATOR,
        Pool::Pg(_) => &PG_MIGRATOR,
    }
    .iter()
    .map(|m| m.version)
    .max()
    .unwrap_or(0);
    let have: Option<i64> =
        query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE").fetch_one(pool).await?;
    Ok(have.unwrap_or(0) >= want)
}

/// A connection of its own, configured as the pool's are.
pub async fn connect_one(settings: &Settings) -> Result<OwnConn, sqlx::Error> {
    use sqlx::Connection;
    if is_postgres(settings) {
        return Ok(OwnConn::Pg(sqlx::PgConnection::connect_with(&pg_options(settings)?).await?));
    }
    Ok(OwnConn::Lite(SqliteConnection::connect_with(&connect_options(settings)?).await?))
}

/// Connects and applies pending migrations; a failed migration stops start-up.
pub async fn connect_and_migrate(settings: &Settings) -> Result<Pool, sqlx::Error> {
    let pool = connect(settings).await?;
    migrate(&pool).await?;
    Ok(pool)
}

pub async fn migrate(pool: &Pool) -> Result<(), sqlx::migrate::MigrateError> {
    match pool {
        Pool::Lite(p) => MIGRATOR.run(p).await,
        // sqlx takes an advisory lock around the run: replicas starting
        // together migrate one at a time.
        Pool::Pg(p) => PG_MIGRATOR.run(p).await,
    }
}

/// A write transaction that takes the write lock at BEGIN, where the busy
/// timeout applies (a DEFERRED one that upgrades can fail with SQLITE_BUSY
/// immediately). It is the only way to write: its `commit` goes through the
/// key index (`Gate::commit`), so no write can leave the gateway's answers
/// behind the database. Dropped without `commit`, it rolls back.
pub async fn begin_write(pool: &Pool, gate: &Arc<Gate>) -> Result<WriteTx, sqlx::Error> {
    #[allow(clippy::disallowed_methods)] // the one place a write transaction begins
    let tx = match pool {
        Pool::Lite(p) => Tx::Lite(p.begin_with("BEGIN IMMEDIATE").await?),
        Pool::Pg(p) => Tx::Pg(p.begin().await?),
    };
    Ok(WriteTx { tx, gate: gate.clone() })
}

pub struct WriteTx {
    tx: Tx<'static>,
    gate: Arc<Gate>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.gate.commit(self.tx).await
    }
}

impl Conn for WriteTx {
    fn raw(&mut self) -> Raw<'_> {
        self.tx.raw()
    }
}

/// What a client is told to wait when the database stayed busy.
pub const BUSY_RETRY_SECS: u64 = 2;

/// The database was busy beyond its timeout (SQLITE_BUSY or SQLITE_LOCKED,
/// any extended code), or no pooled connection came free in time: an
/// overload to answer with 503 and Retry-After, not a bug to answer with 500.
pub fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => {
            d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
        }
        _ => false,
    }
}

/// Seconds added to the system clock (setting `clock_offset_seconds`): lets
/// a test see a link expire without waiting two days.
static CLOCK_OFFSET: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

pub fn set_clock_offset(secs: i64) {
    CLOCK_OFFSET.store(secs, std::sync::atomic::Ordering::Relaxed);
}

/// The test clock offset in seconds (0 in production).
pub fn clock_offset_secs() -> i64 {
    CLOCK_OFFSET.load(std::sync::atomic::Ordering::Relaxed)
}

/// The application's clock, in unix seconds. Every expiry check uses this,
/// never SQLite's `unixepoch()`.
pub fn now() -> i64 {
    let system =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    system + clock_offset_secs()
}
