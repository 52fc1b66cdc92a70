//! The in-memory index of subscription keys, and the one door through which
//! writes that affect it commit.
use crate::config::Settings;
use crate::subscriptions::keys::{KeyHash, KeySlot, Vault};
use crate::subscriptions::{repo, SubscriptionState};
use http::HeaderValue;
use sqlx::{Connection, SqliteConnection};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, RwLock};

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

struct SubEntry {
    uid: HeaderValue,
    product: HeaderValue,
    user_id: i64,
    state: SubscriptionState,
    hashes: [KeyHash; 2],
    /// A write that may take access away is committing.
    held: bool,
}

struct UserEntry {
    uid: HeaderValue,
    state: String,
    held: bool,
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
}

/// What a write touched: these subscriptions and accounts are held (denied)
/// from just before its commit until they are read back after it.
#[derive(Clone, Debug, Default)]
pub struct Affected {
    pub users: Vec<i64>,
    pub subscriptions: Vec<i64>,
}

impl Affected {
    pub fn user(id: crate::users::UserId) -> Affected {
        Affected { users: vec![id.0], subscriptions: vec![] }
    }
    pub fn subscription(id: i64) -> Affected {
        Affected { users: vec![], subscriptions: vec![id] }
    }
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.subscriptions.is_empty()
    }
}

pub struct Gate {
    index: RwLock<Index>,
    /// Serialises changes to the index, and carries a connection of its own
    /// for reading rows back: taking one from the pool while writers wait
    /// for this lock while holding pool connections could starve it.
    writer: tokio::sync::Mutex<Option<SqliteConnection>>,
    vault: Arc<Vault>,
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
        Gate { index: RwLock::new(Index::default()), writer: tokio::sync::Mutex::new(None), vault }
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Opens the index's own connection and loads every subscription.
    pub async fn open(&self, settings: &Settings) -> Result<usize, sqlx::Error> {
        let mut conn = SqliteConnection::connect_with(&crate::db::connect_options(settings)?).await?;
        let mut idx = Index::default();
        let users = repo::gate_users(&mut conn).await?;
        for (id, uid, state) in users {
            idx.users.insert(id, UserEntry { uid: header(&uid), state, held: false });
        }
        for row in repo::gate_all(&mut conn).await? {
            insert_row(&mut idx, row);
        }
        for (hash, reason) in repo::retired(&mut conn).await? {
            if let Some(h) = to_hash(&hash) {
                idx.retired.insert(h, Retired::parse(&reason));
            }
        }
        let n = idx.subs.len();
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = idx;
        *self.writer.lock().await = Some(conn);
        Ok(n)
    }

    /// The check itself: one HMAC and two hash lookups under a read lock.
    pub fn check(&self, key: Option<&str>) -> Verdict {
        let key = match key.map(str::trim) {
            None | Some("") => return Verdict::Unauthenticated("no subscription key"),
            Some(k) if k.len() > 256 => return Verdict::Unauthenticated("unknown subscription key"),
            Some(k) => k,
        };
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
        if sub.held {
            return Verdict::Forbidden("subscription is being changed");
        }
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
        if user.held {
            return Verdict::Forbidden("user is being changed");
        }
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

    /// Commits `tx`, a write that touched `affected`. Their entries are held
    /// (every check with their keys fails) from before the commit until they
    /// are read back after it, so a revocation is in force the moment the
    /// commit returns, and a grant shows up right after. A failed commit
    /// reads back the old rows, which restores them.
    pub async fn commit(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Sqlite>,
        affected: &Affected,
    ) -> Result<(), sqlx::Error> {
        if affected.is_empty() {
            return tx.commit().await;
        }
        let mut writer = self.writer.lock().await;
        let Some(conn) = writer.as_mut() else {
            // Not serving checks (index never opened): nothing to keep in step.
            return tx.commit().await;
        };
        self.hold(affected);
        let committed = tx.commit().await;
        if let Err(e) = self.reload(conn, affected).await {
            // The entries stay held: checks fail closed until the next start.
            tracing::error!(error = %e, "cannot read changed subscriptions back into the key index");
        }
        committed
    }

    fn hold(&self, affected: &Affected) {
        let mut idx = self.index.write().unwrap_or_else(|e| e.into_inner());
        for id in &affected.subscriptions {
            if let Some(s) = idx.subs.get_mut(id) {
                s.held = true;
            }
        }
        for id in &affected.users {
            if let Some(u) = idx.users.get_mut(id) {
                u.held = true;
            }
        }
    }

    async fn reload(&self, conn: &mut SqliteConnection, affected: &Affected) -> Result<(), sqlx::Error> {
        // Read everything first, then change the index in one short write lock.
        let mut subs = Vec::new();
        let mut users: HashSet<i64> = affected.users.iter().copied().collect();
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
                    idx.users.insert(id, UserEntry { uid: header(&u), state, held: false });
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
            held: false,
        },
    );
}
