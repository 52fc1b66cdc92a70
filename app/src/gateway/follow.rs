//! Keeping the key index in step with the key change log: applying it
//! after local writes and when another process (a replica, the command-line
//! tools) changed something, listening for notifications on PostgreSQL,
//! polling, and comparing the whole index with the database now and then.
use super::index::{header, to_hash, ApiEntry, Catalogue, Index, Retired, Scope, SubEntry, UserEntry, NOT_OPEN};
use super::listen::{Heard, Listener};
use super::meter::Limits;
use super::Gate;
use crate::config::Settings;
use crate::db::Conn;
use crate::subscriptions::keys::{KeyHash, KeySlot};
use crate::subscriptions::{repo, SubscriptionState};
use crate::users::UserState;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What to read again after changes: the entities the key change log names.
#[derive(Debug, Default)]
struct Affected {
    users: HashSet<i64>,
    subscriptions: HashSet<i64>,
    /// An API or a product's APIs changed: the catalogue is read again.
    catalogue: bool,
}

/// Changes read from the log per round trip.
const LOG_BATCH: i64 = 5000;

impl Gate {
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
                    "product" => {
                        // Its id is in answers, and the catalogue holds its limits.
                        affected.subscriptions.extend(repo::gate_ids_of_product(conn, c.entity).await?);
                        affected.catalogue = true;
                    }
                    "api" => affected.catalogue = true,
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
        // A revoking call on another replica may be waiting for this one.
        if let Some(conn) = writer.as_mut() {
            self.report(conn).await;
        }
        Ok(diffs)
    }

    async fn reload(&self, conn: &mut dyn Conn, affected: &Affected) -> Result<(), sqlx::Error> {
        // Read everything first, then change the index in one short write lock.
        let catalogue = if affected.catalogue { Some(load_catalogue(conn).await?) } else { None };
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
        if let Some(c) = catalogue {
            idx.catalogue = c;
        }
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
                    idx.users.insert(id, UserEntry { uid: header(&u), state: user_state(&state) });
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
}

/// A state the index does not know refuses like a deleted account.
fn user_state(s: &str) -> UserState {
    UserState::parse(s).unwrap_or(UserState::Deleted)
}

/// Every subscription, the accounts holding them and the retired keys, with
/// the log position they reflect, read in one transaction.
pub(super) async fn load(conn: &mut dyn Conn) -> Result<(Index, i64), sqlx::Error> {
    let mut tx = crate::db::begin(conn).await?;
    let loaded = load_in(&mut tx).await?;
    tx.rollback().await?;
    Ok(loaded)
}

async fn load_in(conn: &mut dyn Conn) -> Result<(Index, i64), sqlx::Error> {
    let seq = super::repo::head(conn).await?;
    let mut idx = Index::default();
    for (id, uid, state) in repo::gate_users(conn).await? {
        idx.users.insert(id, UserEntry { uid: header(&uid), state: user_state(&state) });
    }
    for row in repo::gate_all(conn).await? {
        insert_row(&mut idx, row);
    }
    for (hash, reason) in repo::retired(conn).await? {
        if let Some(h) = to_hash(&hash) {
            idx.retired.insert(h, Retired::parse(&reason));
        }
    }
    idx.catalogue = load_catalogue(conn).await?;
    Ok((idx, seq))
}

async fn load_catalogue(conn: &mut dyn Conn) -> Result<Catalogue, sqlx::Error> {
    let mut c = Catalogue::default();
    for a in crate::apis::repo::gate_apis(conn).await? {
        let entry = ApiEntry { id: a.id, uid: header(&a.uid), subscription_required: a.subscription_required };
        c.by_path.insert(a.path.into_boxed_str(), entry);
    }
    c.links = crate::apis::repo::gate_links(conn).await?.into_iter().collect();
    for l in crate::products::repo::gate_limits(conn).await? {
        let limits = Limits {
            rate: l.rate_limit_calls.zip(l.rate_limit_seconds),
            quota: l.quota_calls.zip(l.quota_period_seconds),
        };
        c.limits.insert(l.id, limits);
    }
    Ok(c)
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
    if old.catalogue != fresh.catalogue {
        n += 1;
    }
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
            product: r.product_uid.as_deref().map(header),
            scope: match (r.product_id, r.api_id) {
                (Some(p), _) => Scope::Product(p),
                (None, Some(a)) => Scope::Api(a),
                (None, None) => Scope::AllApis,
            },
            user_id: r.user_id,
            state: SubscriptionState::parse(&r.state).unwrap_or(SubscriptionState::Cancelled),
            hashes: [p, s],
        },
    );
}
