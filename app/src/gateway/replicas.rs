//! Strict revocation across replicas on one PostgreSQL database.
//!
//! Every replica holds a lease in the `replicas` table, renewed every fifth
//! of `replica_lease_millis`, and reports the last key change its index
//! holds. A call that changed what a key check reads commits, then waits
//! until every other replica whose lease runs has reported that change.
//!
//! Why this is strict even when a replica freezes or loses the database: a
//! replica answers checks only while its own lease holds, measured on its
//! own monotonic clock from the moment it *sent* the renewal and cut short
//! by a fifth, so it always lapses before the database says it does. It
//! extends its lease only after reading the log again once the renewal has
//! committed. So a change committed at time t is, by t + lease at the latest,
//! applied by every replica that answers checks: the revoking call waits at
//! most that long, and a replica that did not confirm it answers 503 until
//! it has caught up.
//!
//! SQLite has one serving process: no lease, no wait.
use super::repo;
use super::Gate;
use crate::config::Settings;
use crate::db::{OwnConn, Pool};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How long after its lease ran out a replica is forgotten (and how often
/// the table is swept for such).
const GONE_FOR: Duration = Duration::from_secs(3600);

/// The longest lease `replica_lease_millis` allows.
const MAX_LEASE: Duration = Duration::from_secs(60);

/// This replica's membership, on PostgreSQL.
pub(super) struct Member {
    pub id: String,
    /// What the logs and `/readyz` call this replica: host and process id.
    pub name: String,
    pub lease: Duration,
    pub pool: Pool,
    /// The last applied change reported to the database.
    reported: AtomicI64,
}

/// Whether this replica may answer key checks now.
pub(super) struct Lease {
    origin: Instant,
    /// Nanoseconds after `origin` until which the lease holds; `u64::MAX`
    /// when no lease is needed (SQLite, or a process that serves no checks).
    until: AtomicU64,
    member: OnceLock<Member>,
    /// Logged once per lapse, not per check.
    lapsed_said: AtomicBool,
}

impl Lease {
    pub fn new() -> Lease {
        Lease {
            origin: Instant::now(),
            until: AtomicU64::new(u64::MAX),
            member: OnceLock::new(),
            lapsed_said: AtomicBool::new(false),
        }
    }

    /// One clock read and one atomic load: this is on every key check.
    pub fn holds(&self) -> bool {
        let until = self.until.load(Ordering::Acquire);
        until == u64::MAX || (self.origin.elapsed().as_nanos() as u64) < until
    }

    pub fn member(&self) -> Option<&Member> {
        self.member.get()
    }

    /// The lease runs until a fifth short of a lease after `sent`.
    fn extend(&self, sent: Instant, lease: Duration) {
        let until = sent.saturating_duration_since(self.origin) + lease * 4 / 5;
        self.until.store(until.as_nanos() as u64, Ordering::Release);
        if self.lapsed_said.swap(false, Ordering::Relaxed) {
            tracing::info!("replica lease renewed and key index caught up: key checks answered again");
        }
    }
}

fn replica_name(settings: &Settings) -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let host = if host.is_empty() { "localhost".to_string() } else { host };
    format!("{host}/{} ({})", std::process::id(), settings.bind)
}

impl Gate {
    /// Joins the replicas on PostgreSQL: takes a lease and catches up, so
    /// the first key check after start is already covered. Checks answer 503
    /// until this has succeeded. Returns the connection it renewed with, for
    /// `keep_lease` to go on with (it is open from the start, not from the
    /// first heartbeat).
    pub async fn join(self: &Arc<Self>, settings: &Settings, pool: Pool) -> Result<Option<OwnConn>, sqlx::Error> {
        if !matches!(pool, Pool::Pg(_)) {
            return Ok(None);
        }
        let id = format!("{:016x}", rand::RngCore::next_u64(&mut rand::rngs::OsRng));
        let member = Member {
            id,
            name: replica_name(settings),
            lease: Duration::from_millis(settings.replica_lease_millis),
            pool,
            reported: AtomicI64::new(-1),
        };
        self.lease.until.store(0, Ordering::Release);
        let _ = self.lease.member.set(member);
        let mut conn = crate::db::connect_one(settings).await?;
        self.renew(&mut conn).await?;
        Ok(Some(conn))
    }

    /// One renewal: take the lease in the database, read the log again, and
    /// only then extend the lease here.
    async fn renew(&self, conn: &mut OwnConn) -> Result<(), sqlx::Error> {
        let Some(m) = self.lease.member() else { return Ok(()) };
        let sent = Instant::now();
        let lease_ms = m.lease.as_millis() as i64;
        match tokio::time::timeout(m.lease / 5, repo::renew_lease(conn, &m.id, &m.name, self.applied(), lease_ms)).await
        {
            Ok(r) => r?,
            Err(_) => return Err(sqlx::Error::PoolTimedOut),
        }
        self.catch_up().await;
        if self.is_following() {
            self.lease.extend(sent, m.lease);
        }
        Ok(())
    }

    /// Renews the lease until the server stops, and forgets replicas gone
    /// for an hour. `conn` is the connection `join` renewed with.
    pub async fn keep_lease(
        self: Arc<Self>,
        settings: Arc<Settings>,
        stopping: Arc<AtomicBool>,
        mut conn: Option<OwnConn>,
    ) {
        let Some(m) = self.lease.member() else { return };
        let every = m.lease / 5;
        let mut forgot = Instant::now();
        while !stopping.load(Ordering::Relaxed) {
            tokio::time::sleep(every).await;
            if conn.is_none() {
                match tokio::time::timeout(m.lease / 5, crate::db::connect_one(&settings)).await {
                    Ok(Ok(c)) => conn = Some(c),
                    Ok(Err(e)) => tracing::warn!(error = %e, "replica lease: cannot connect to the database"),
                    Err(_) => tracing::warn!("replica lease: connecting to the database timed out"),
                }
            }
            if let Some(c) = conn.as_mut() {
                if let Err(e) = self.renew(c).await {
                    tracing::warn!(error = %e, "replica lease: renewal failed");
                    conn = None;
                }
            }
            if !self.lease.holds() && !self.lease.lapsed_said.swap(true, Ordering::Relaxed) {
                tracing::error!(
                    replica = %m.name,
                    "replica lease lapsed: key checks answer 503 until it is renewed and the key index has caught up"
                );
            }
            if forgot.elapsed() >= GONE_FOR {
                forgot = Instant::now();
                if let Some(c) = conn.as_mut() {
                    match repo::forget_gone(c, GONE_FOR.as_millis() as i64).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(replicas = n, "forgot replicas whose lease ran out an hour ago"),
                        Err(e) => tracing::warn!(error = %e, "cannot forget replicas gone long ago"),
                    }
                }
            }
        }
    }

    /// Leaves the replicas at shutdown, so that no call waits for this one.
    pub async fn leave(&self) {
        let Some(m) = self.lease.member() else { return };
        self.lease.until.store(0, Ordering::Release);
        let left = async {
            let mut c = m.pool.acquire().await?;
            repo::leave(&mut c, &m.id).await
        };
        if let Err(e) =
            tokio::time::timeout(Duration::from_secs(2), left).await.unwrap_or(Err(sqlx::Error::PoolTimedOut))
        {
            tracing::warn!(error = %e, "cannot leave the replicas table; the others stop waiting when the lease runs out");
        }
    }

    /// Tells the others which change this replica's index now holds (called
    /// with the index's own connection whenever `applied` moved: after
    /// applying the log and after a full comparison).
    pub(super) async fn report(&self, conn: &mut OwnConn) {
        let Some(m) = self.lease.member() else { return };
        let applied = self.applied();
        if m.reported.load(Ordering::Relaxed) >= applied {
            return;
        }
        match repo::report_applied(conn, &m.id, applied).await {
            Ok(()) => {
                tracing::debug!(applied, "reported the applied key change");
                m.reported.store(applied, Ordering::Relaxed)
            }
            // The next renewal reports it; until then a revoking call waits.
            Err(e) => tracing::warn!(error = %e, "cannot report the applied key change"),
        }
    }

    /// Waits until every other replica whose lease runs holds change `seq`.
    /// A replica that does not confirm it drops out when its lease runs out
    /// in the database, so the wait is at most one lease (the longest
    /// `replica_lease_millis` allows, should replicas disagree on it). If the
    /// database cannot be asked, one lease of this replica's suffices: by then
    /// any replica that did not read the change has lapsed and answers 503
    /// (see the module comment; replicas share their settings).
    pub(super) async fn wait_for_replicas(&self, seq: i64, committed: Instant) {
        let Some(m) = self.lease.member() else { return };
        let mut pause = Duration::from_millis(1);
        let mut said = false;
        loop {
            let behind = async {
                let mut c = m.pool.acquire().await?;
                repo::behind(&mut c, &m.id, seq).await
            };
            match behind.await {
                Ok(names) if names.is_empty() => {
                    tracing::debug!(change = seq, waited = ?committed.elapsed(), "every replica holds the change");
                    return;
                }
                Ok(names) => {
                    if committed.elapsed() >= m.lease && !said {
                        said = true;
                        tracing::warn!(change = seq, replicas = ?names, "waiting for replicas with a longer lease to confirm a key change");
                    }
                    if committed.elapsed() >= MAX_LEASE {
                        tracing::error!(change = seq, replicas = ?names, "replicas hold leases without confirming a key change");
                        return;
                    }
                }
                Err(e) if committed.elapsed() >= m.lease => {
                    tracing::warn!(error = %e, change = seq, "cannot ask whether the replicas hold a key change; their leases bound it");
                    return;
                }
                Err(_) => {}
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}
