//! The in-memory index of subscription keys, and the one door through which
//! writes that affect it commit.
use super::listen::{Heard, Listener};
use super::replicas::Lease;
use crate::config::Settings;
use crate::db::Conn;
use crate::subscriptions::keys::{KeyHash, KeySlot, Vault};
use crate::subscriptions::{repo, SubscriptionState};
use http::HeaderValue;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// Key hashes are HMAC outputs: uniformly random and unknown to anyone
/// without the server secret, so their first bytes are already a good hash
/// (no SipHash needed, and no way to aim collisions at the table).
#[derive(Default)]
pub struct KeyHashHasher(u64);

impl Hasher for KeyHashHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut b = [0u8; 8];
        let n = bytes.len().min(8);
        b[..n].copy_from_slice(&bytes[..n]);
        self.0 ^= u64::from_le_bytes(b);
    }
}

type KeyMap<V> = HashMap<KeyHash, V, BuildHasherDefault<KeyHashHasher>>;

#[derive(Debug, PartialEq)]
struct SubEntry {
    uid: HeaderValue,
    product: HeaderValue,
    user_id: i64,
    state: SubscriptionState,
    hashes: [KeyHash; 2],
}

#[derive(Debug, PartialEq)]
struct UserEntry {
    uid: HeaderValue,
    state: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Retired {
    Regenerated,
    SubscriptionDeleted,
    UserDeleted,
    ProductDeleted,
}

impl Retired {
    fn parse(s: &str) -> Retired {
        match s {
            "regenerated" => Retired::Regenerated,
            "user_deleted" => Retired::UserDeleted,
            "product_deleted" => Retired::ProductDeleted,
            _ => Retired::SubscriptionDeleted,
        }
    }
}

#[derive(Default)]
struct Index {
    keys: KeyMap<(i64, KeySlot)>,
    subs: HashMap<i64, SubEntry>,
    users: HashMap<i64, UserEntry>,
    retired: KeyMap<Retired>,
}

/// The answer to one key check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        subscription: HeaderValue,
        product: HeaderValue,
        user: HeaderValue,
        slot: KeySlot,
    },
    /// 401: no key, or a key that opens nothing.
    Unauthenticated(&'static str),
    /// 403: a known key whose subscription or owner may not call now.
    Forbidden(&'static str),
    /// 503: the index could not follow the change log, so it may be stale;
    /// it fails closed instead of granting access that may have been revoked.
    Unavailable(&'static str),
}

/// What to read again after changes: the entities the key change log names.
#[derive(Debug, Default)]
struct Affected {
    users: HashSet<i64>,
    subscriptions: HashSet<i64>,
}

/// Changes read from the log per round trip.
const LOG_BATCH: i64 = 5000;
/// `applied` before the index was opened: this process serves no checks
/// (the command-line tools), so it follows no log.
const NOT_OPEN: i64 = -1;

pub struct Gate {
    index: RwLock<Index>,
    /// Serialises changes to the index, and carries a connection of its own
    /// for reading the log and rows: taking one from the pool while writers
    /// wait for this lock while holding pool connections could starve it.
    writer: tokio::sync::Mutex<Option<crate::db::OwnConn>>,
    /// The sequence number of the last key change the index holds.
    applied: AtomicI64,
    /// Set when reading the log failed: checks answer 503 until it works again.
    stale: AtomicBool,
    vault: Arc<Vault>,
    /// Whether this replica may answer checks (see `replicas`).
    pub(super) lease: Lease,
    /// To connect the index's own connection again after it broke.
    settings: OnceLock<Settings>,
}

fn header(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

fn to_hash(v: &[u8]) -> Option<KeyHash> {
    v.try_into().ok()
}

impl Gate {
    /// An index that knows no key until `open` loads it (command-line tools
    /// and tests that only arrange data never check keys).
    pub fn new(vault: Arc<Vault>) -> Gate {
        Gate {
            index: RwLock::new(Index::default()),
            writer: tokio::sync::Mutex::new(None),
            applied: AtomicI64::new(NOT_OPEN),
            stale: AtomicBool::new(false),
            vault,
            lease: Lease::new(),
            settings: OnceLock::new(),
        }
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Opens the index's own connection and loads every subscription.
    pub async fn open(&self, settings: &Settings) -> Result<usize, sqlx::Error> {
        let _ = self.settings.set(settings.clone());
        let mut conn = crate::db::connect_one(settings).await?;
        let (idx, seq) = load(&mut conn).await?;
        let n = idx.subs.len();
        let mut writer = self.writer.lock().await;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = idx;
        self.applied.store(seq, Ordering::SeqCst);
        *writer = Some(conn);
        Ok(n)
    }

    /// Whether the index is loaded and following the change log (what a
    /// load balancer's readiness check asks).
    pub fn is_current(&self) -> bool {
        self.applied() != NOT_OPEN && self.is_following() && self.lease.holds()
    }

    /// Whether the last attempt to read the log succeeded.
    pub(super) fn is_following(&self) -> bool {
        !self.stale.load(Ordering::Relaxed)
    }

    /// Whether this replica's lease on the database holds (always, on SQLite).
    pub fn lease_holds(&self) -> bool {
        self.lease.holds()
    }

    /// This replica's name among the replicas (PostgreSQL only).
    pub fn replica_name(&self) -> Option<&str> {
        self.lease.member().map(|m| m.name.as_str())
    }

    /// The sequence number of the last key change the index holds.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    /// The check itself: one HMAC and two hash lookups under a read lock.
    pub fn check(&self, key: Option<&str>) -> Verdict {
        let key = match key.map(str::trim) {
            None | Some("") => return Verdict::Unauthenticated("no subscription key"),
            Some(k) if k.len() > 256 => return Verdict::Unauthenticated("unknown subscription key"),
            Some(k) => k,
        };
        if self.stale.load(Ordering::Relaxed) {
            return Verdict::Unavailable("the key index cannot read the database; try again shortly");
        }
        if !self.lease.holds() {
            return Verdict::Unavailable(
                "this replica's lease on the database lapsed, so it may not know of a revocation",
            );
        }
        let hash = self.vault.hash(key);
        let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
        let Some(&(sub_id, slot)) = idx.keys.get(&hash) else {
            return match idx.retired.get(&hash) {
                Some(Retired::Regenerated) => Verdict::Unauthenticated("this key was regenerated"),
                Some(Retired::SubscriptionDeleted) => Verdict::Forbidden("subscription deleted"),
                Some(Retired::UserDeleted) => Verdict::Forbidden("user deleted"),
                Some(Retired::ProductDeleted) => Verdict::Forbidden("product deleted"),
                None => Verdict::Unauthenticated("unknown subscription key"),
            };
        };
        let Some(sub) = idx.subs.get(&sub_id) else {
            return Verdict::Unauthenticated("unknown subscription key");
        };
        match sub.state {
            SubscriptionState::Active => {}
            SubscriptionState::Submitted => return Verdict::Forbidden("subscription waits for approval"),
            SubscriptionState::Suspended => return Verdict::Forbidden("subscription suspended"),
            SubscriptionState::Rejected => return Verdict::Forbidden("subscription rejected"),
            SubscriptionState::Cancelled => return Verdict::Forbidden("subscription cancelled"),
            SubscriptionState::Expired => return Verdict::Forbidden("subscription expired"),
        }
        let Some(user) = idx.users.get(&sub.user_id) else {
            return Verdict::Forbidden("user deleted");
        };
        match user.state.as_str() {
            "active" => Verdict::Allowed {
                subscription: sub.uid.clone(),
                product: sub.product.clone(),
                user: user.uid.clone(),
                slot,
            },
            "blocked" => Verdict::Forbidden("user blocked"),
            "pending" => Verdict::Forbidden("user not yet active"),
            _ => Verdict::Forbidden("user deleted"),
        }
    }

    /// Commits a write transaction, then brings the index up to the log's
    /// head before returning, so the first check after a revoking call has
    /// returned already fails (and a grant already passes); on PostgreSQL it
    /// also waits for the other replicas (`replicas`). Commit and apply
    /// run in a task of their own: a request dropped half-way (the client
    /// went away) cannot leave the index behind the database.
    ///
    /// Only `db::WriteTx::commit` calls this: every write transaction comes
    /// from `db::begin_write`, so no write can skip it.
    pub(crate) async fn commit(self: &Arc<Self>, mut tx: crate::db::Tx<'static>) -> Result<(), sqlx::Error> {
        let gate = self.clone();
        let task = tokio::spawn(async move {
            // The head as this transaction leaves it (triggers bumped it if it
            // changed anything a key check reads).
            let head = super::repo::head(&mut tx).await?;
            // Decided before committing: once committed, this replica's
            // follower may apply the change first, and the replicas would
            // then go unwaited for.
            let changed = head > gate.applied() && gate.applied() != NOT_OPEN;
            #[allow(clippy::disallowed_methods)] // the one place a write commits
            tx.commit().await?;
            let committed = std::time::Instant::now();
            if changed {
                gate.catch_up().await;
                // Other replicas too: see `replicas`.
                gate.wait_for_replicas(head, committed).await;
            }
            Ok(())
        });
        task.await.unwrap_or_else(|e| Err(sqlx::Error::Protocol(format!("commit task failed: {e}"))))
    }

    /// Applies every change in the log after `applied`. On failure the index
    /// answers 503 until a later call succeeds (the poll retries), and its
    /// connection is opened afresh next time (it may be the one that broke).
    pub async fn catch_up(&self) {
        let mut writer = self.writer.lock().await;
        if writer.is_none() && self.applied() != NOT_OPEN {
            if let Some(settings) = self.settings.get() {
                match crate::db::connect_one(settings).await {
                    Ok(c) => *writer = Some(c),
                    Err(e) => self.lost_log(&e),
                }
            }
        }
        let Some(conn) = writer.as_mut() else { return };
        match self.apply_log(conn).await {
            Ok(()) => {
                if self.stale.swap(false, Ordering::SeqCst) {
                    tracing::info!("key index follows the change log again");
                }
                self.report(conn).await;
            }
            Err(e) => {
                self.lost_log(&e);
                *writer = None;
            }
        }
    }

    fn lost_log(&self, e: &sqlx::Error) {
        if !self.stale.swap(true, Ordering::SeqCst) {
            tracing::error!(error = %e, "cannot read the key change log: key checks answer 503 until it works");
        }
    }

    async fn apply_log(&self, conn: &mut dyn Conn) -> Result<(), sqlx::Error> {
        loop {
            let from = self.applied();
            let changes = super::repo::since(conn, from, LOG_BATCH).await?;
            let Some(last) = changes.last().map(|c| c.seq) else { return Ok(()) };
            // Sequence numbers have no gaps (one counter row orders commits),
            // so a gap means the log was pruned past us: load everything.
            if changes[0].seq != from + 1 || last - from != changes.len() as i64 {
                tracing::warn!(
                    applied = from,
                    first = changes[0].seq,
                    "key change log has a gap: reloading the key index"
                );
                let (idx, seq) = load(conn).await?;
                *self.index.write().unwrap_or_else(|e| e.into_inner()) = idx;
                self.applied.store(seq, Ordering::SeqCst);
                return Ok(());
            }
            let mut affected = Affected::default();
            for c in &changes {
                match c.kind.as_str() {
                    "user" => {
                        affected.users.insert(c.entity);
                    }
                    "product" => affected.subscriptions.extend(repo::gate_ids_of_product(conn, c.entity).await?),
                    _ => {
                        affected.subscriptions.insert(c.entity);
                    }
                }
            }
            self.reload(conn, &affected).await?;
            self.applied.store(last, Ordering::SeqCst);
            if (changes.len() as i64) < LOG_BATCH {
                return Ok(());
            }
        }
    }

    /// Follows the log for changes other processes commit (the command-line
    /// tools, another replica), and compares the whole index with the
    /// database now and then. Runs until the server stops.
    ///
    /// On PostgreSQL the log's trigger notifies `gatehouse_keys` at commit:
    /// a replica listens and applies a change as soon as it is told, and
    /// polls as well, because a notification is never sent again to a
    /// listener that lost its connection. A lost listener means changes may
    /// have gone unheard: the index is compared in full with the database.
    pub async fn follow(self: Arc<Self>, settings: Arc<Settings>, stopping: Arc<AtomicBool>, pool: crate::db::Pool) {
        let poll = std::time::Duration::from_millis(settings.key_poll_millis);
        let reconcile_every = std::time::Duration::from_secs(settings.key_reconcile_secs);
        let mut last_reconcile = std::time::Instant::now();
        let mut listener = Listener::new(&pool);
        while !stopping.load(Ordering::Relaxed) {
            match listener.next(poll).await {
                Heard::Change | Heard::Nothing => self.catch_up().await,
                Heard::Lost => {
                    // Changes may have gone unheard: fail closed until the
                    // whole index has been compared with the database.
                    self.stale.store(true, Ordering::SeqCst);
                    tracing::warn!("key change listener lost its connection: comparing the whole key index");
                    match self.reconcile().await {
                        Ok(n) => {
                            self.stale.store(false, Ordering::SeqCst);
                            tracing::info!(differences = n, "key index compared after the listener came back");
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot compare the key index with the database");
                            self.catch_up().await;
                        }
                    }
                }
            }
            if last_reconcile.elapsed() >= reconcile_every {
                last_reconcile = std::time::Instant::now();
                match self.reconcile().await {
                    Ok(0) => tracing::debug!("key index matches the database"),
                    Ok(n) => tracing::warn!(differences = n, "key index differed from the database: repaired"),
                    Err(e) => tracing::error!(error = %e, "cannot compare the key index with the database"),
                }
            }
        }
    }

    /// Loads the whole index afresh and compares it with the one in use; on
    /// any difference (a change the log missed, say one written with the
    /// triggers dropped) the fresh one replaces it. Returns the number of
    /// differences.
    pub async fn reconcile(&self) -> Result<usize, sqlx::Error> {
        let mut writer = self.writer.lock().await;
        let Some(conn) = writer.as_mut() else { return Ok(0) };
        let read = async {
            // One read transaction: the log and the snapshot are of one moment.
            let mut tx = crate::db::begin(conn).await?;
            self.apply_log(&mut tx).await?;
            let (fresh, seq) = load_in(&mut tx).await?;
            tx.rollback().await?;
            Ok::<_, sqlx::Error>((fresh, seq))
        };
        let (fresh, seq) = match read.await {
            Ok(r) => r,
            Err(e) => {
                // Perhaps the connection broke: the next catch-up opens another.
                *writer = None;
                return Err(e);
            }
        };
        let diffs = {
            let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
            differences(&idx, &fresh)
        };
        if diffs > 0 {
            *self.index.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        }
        self.applied.store(seq, Ordering::SeqCst);
        Ok(diffs)
    }

    async fn reload(&self, conn: &mut dyn Conn, affected: &Affected) -> Result<(), sqlx::Error> {
        // Read everything first, then change the index in one short write lock.
        let mut subs = Vec::new();
        let mut users: HashSet<i64> = affected.users.clone();
        for id in &affected.subscriptions {
            let row = repo::gate_one(conn, *id).await?;
            if let Some(r) = &row {
                users.insert(r.user_id);
            }
            subs.push((*id, row));
        }
        let mut user_rows = Vec::new();
        for id in &users {
            let subs_of_user = repo::gate_of_user(conn, *id).await?;
            user_rows.push((*id, repo::gate_user(conn, *id).await?, subs_of_user));
        }
        // Hashes that left the index: why, if they were retired.
        let gone: Vec<KeyHash> = {
            let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
            let mut gone = Vec::new();
            for (id, row) in &subs {
                if let Some(old) = idx.subs.get(id) {
                    for h in old.hashes {
                        if row.as_ref().is_none_or(|r| r.primary_hash != h && r.secondary_hash != h) {
                            gone.push(h);
                        }
                    }
                }
            }
            for (uid, row, _) in &user_rows {
                if row.is_none() {
                    gone.extend(idx.subs.values().filter(|s| s.user_id == *uid).flat_map(|s| s.hashes));
                }
            }
            gone
        };
        let mut reasons = Vec::new();
        for h in gone {
            if let Some(r) = repo::retired_one(conn, &h).await? {
                reasons.push((h, Retired::parse(&r)));
            }
        }

        let mut idx = self.index.write().unwrap_or_else(|e| e.into_inner());
        for (h, r) in reasons {
            idx.retired.insert(h, r);
        }
        for (id, row) in subs {
            remove_sub(&mut idx, id);
            if let Some(r) = row {
                insert_row(&mut idx, r);
            }
        }
        for (uid, row, rows) in user_rows {
            match row {
                Some((id, u, state)) => {
                    idx.users.insert(id, UserEntry { uid: header(&u), state });
                    for r in rows {
                        remove_sub(&mut idx, r.id);
                        insert_row(&mut idx, r);
                    }
                }
                None => {
                    idx.users.remove(&uid);
                    let ids: Vec<i64> = idx.subs.iter().filter(|(_, s)| s.user_id == uid).map(|(k, _)| *k).collect();
                    for id in ids {
                        remove_sub(&mut idx, id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Number of subscriptions and accounts the index holds.
    pub fn size(&self) -> (usize, usize) {
        let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
        (idx.subs.len(), idx.users.len())
    }
}

/// Every subscription, the accounts holding them and the retired keys, with
/// the log position they reflect, read in one transaction.
async fn load(conn: &mut dyn Conn) -> Result<(Index, i64), sqlx::Error> {
    let mut tx = crate::db::begin(conn).await?;
    let loaded = load_in(&mut tx).await?;
    tx.rollback().await?;
    Ok(loaded)
}

async fn load_in(conn: &mut dyn Conn) -> Result<(Index, i64), sqlx::Error> {
    let seq = super::repo::head(conn).await?;
    let mut idx = Index::default();
    for (id, uid, state) in repo::gate_users(conn).await? {
        idx.users.insert(id, UserEntry { uid: header(&uid), state });
    }
    for row in repo::gate_all(conn).await? {
        insert_row(&mut idx, row);
    }
    for (hash, reason) in repo::retired(conn).await? {
        if let Some(h) = to_hash(&hash) {
            idx.retired.insert(h, Retired::parse(&reason));
        }
    }
    Ok((idx, seq))
}

/// How many entries of `old` disagree with `fresh`. Accounts count only
/// where a subscription refers to them (the index keeps an account it read
/// after a change even once it holds no subscription).
fn differences(old: &Index, fresh: &Index) -> usize {
    let mut n = 0;
    for (id, s) in &fresh.subs {
        if old.subs.get(id) != Some(s) {
            n += 1;
        }
        if old.users.get(&s.user_id) != fresh.users.get(&s.user_id) {
            n += 1;
        }
    }
    n += old.subs.keys().filter(|id| !fresh.subs.contains_key(id)).count();
    n += fresh.keys.iter().filter(|(h, v)| old.keys.get(*h) != Some(*v)).count();
    n += old.keys.keys().filter(|h| !fresh.keys.contains_key(*h)).count();
    n += fresh.retired.iter().filter(|(h, v)| old.retired.get(*h) != Some(*v)).count();
    n
}

fn remove_sub(idx: &mut Index, id: i64) {
    if let Some(old) = idx.subs.remove(&id) {
        for h in old.hashes {
            if idx.keys.get(&h).is_some_and(|(s, _)| *s == id) {
                idx.keys.remove(&h);
            }
        }
    }
}

fn insert_row(idx: &mut Index, r: repo::GateRow) {
    let (Some(p), Some(s)) = (to_hash(&r.primary_hash), to_hash(&r.secondary_hash)) else {
        tracing::error!(subscription = %r.uid, "stored key hash has the wrong length");
        return;
    };
    idx.keys.insert(p, (r.id, KeySlot::Primary));
    idx.keys.insert(s, (r.id, KeySlot::Secondary));
    idx.retired.remove(&p);
    idx.retired.remove(&s);
    idx.subs.insert(
        r.id,
        SubEntry {
            uid: header(&r.uid),
            product: header(&r.product_uid),
            user_id: r.user_id,
            state: SubscriptionState::parse(&r.state).unwrap_or(SubscriptionState::Cancelled),
            hashes: [p, s],
        },
    );
}
