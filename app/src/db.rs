//! The SQLite pool: WAL, foreign keys, a busy timeout and the configured
//! synchronous mode on every connection; migrations embedded in the binary.
use crate::config::{Settings, Synchronous};
use crate::gateway::Gate;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn connect(settings: &Settings) -> Result<SqlitePool, sqlx::Error> {
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

/// Connects and applies pending migrations; a failed migration stops start-up.
pub async fn connect_and_migrate(settings: &Settings) -> Result<SqlitePool, sqlx::Error> {
    let pool = connect(settings).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A write transaction that takes the write lock at BEGIN, where the busy
/// timeout applies (a DEFERRED one that upgrades can fail with SQLITE_BUSY
/// immediately). It is the only way to write: its `commit` goes through the
/// key index (`Gate::commit`), so no write can leave the gateway's answers
/// behind the database. Dropped without `commit`, it rolls back.
pub async fn begin_write(pool: &SqlitePool, gate: &Arc<Gate>) -> Result<WriteTx, sqlx::Error> {
    #[allow(clippy::disallowed_methods)] // the one place a write transaction begins
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, gate: gate.clone() })
}

pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    gate: Arc<Gate>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.gate.commit(self.tx).await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
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

/// The application's clock, in unix seconds. Every expiry check uses this,
/// never SQLite's `unixepoch()`.
pub fn now() -> i64 {
    let system =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    system + CLOCK_OFFSET.load(std::sync::atomic::Ordering::Relaxed)
}
