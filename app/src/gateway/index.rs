//! The in-memory index of subscription keys, and the one door through which
//! writes that affect it commit. Following the change log is in `follow`.
use super::follow::load;
use super::meter::{FastMap, Limits, Meter, Outcome, Refusal, Remaining, Tally};
use super::replicas::Lease;
use crate::config::Settings;
use crate::subscriptions::keys::{KeyHash, KeySlot, Vault};
use crate::subscriptions::SubscriptionState;
use crate::users::UserState;
use http::HeaderValue;
use std::collections::HashMap;
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

/// What a subscription's keys open (APIM's scope), by row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Product(i64),
    Api(i64),
    AllApis,
}

#[derive(Debug, PartialEq)]
pub(super) struct SubEntry {
    pub(super) uid: HeaderValue,
    /// The product's id for the answer's header, when scoped to a product.
    pub(super) product: Option<HeaderValue>,
    pub(super) scope: Scope,
    pub(super) user_id: i64,
    pub(super) state: SubscriptionState,
    pub(super) hashes: [KeyHash; 2],
}

#[derive(Debug, PartialEq)]
pub(super) struct UserEntry {
    pub(super) uid: HeaderValue,
    /// The state itself, not its text: a check then reads nothing but the
    /// entry (a string would be one more cache miss on every check).
    pub(super) state: UserState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Retired {
    Regenerated,
    SubscriptionDeleted,
    UserDeleted,
    ProductDeleted,
}

impl Retired {
    pub(super) fn parse(s: &str) -> Retired {
        match s {
            "regenerated" => Retired::Regenerated,
            "user_deleted" => Retired::UserDeleted,
            "product_deleted" => Retired::ProductDeleted,
            _ => Retired::SubscriptionDeleted,
        }
    }
}

/// One API as a check sees it.
#[derive(Debug, PartialEq)]
pub(super) struct ApiEntry {
    pub(super) id: i64,
    pub(super) uid: HeaderValue,
    pub(super) subscription_required: bool,
}

/// The APIs by path, and which products hold which API: small (one entry
/// per API), so any change to it reloads it whole.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Catalogue {
    pub(super) by_path: super::meter::FastMap<Box<str>, ApiEntry>,
    /// (api, product)
    pub(super) links: std::collections::HashSet<(i64, i64), BuildHasherDefault<super::meter::FastHasher>>,
    /// The products that carry a rate limit or a quota.
    pub(super) limits: super::meter::FastMap<i64, Limits>,
}

impl Catalogue {
    /// The API whose path is the longest prefix of the request's path, by
    /// whole segments ("orders" matches "/orders/1", not "/ordersx").
    pub(super) fn find(&self, request_path: &str) -> Option<&ApiEntry> {
        crate::apis::prefixes(request_path).find_map(|p| self.by_path.get(p))
    }

    fn covers(&self, scope: Scope, api: &ApiEntry) -> bool {
        match scope {
            Scope::AllApis => true,
            Scope::Api(id) => id == api.id,
            Scope::Product(p) => self.links.contains(&(api.id, p)),
        }
    }
}

#[derive(Default)]
pub(super) struct Index {
    pub(super) keys: KeyMap<(i64, KeySlot)>,
    // Row ids the database chose: a fast hash (see `meter::FastHasher`).
    pub(super) subs: FastMap<i64, SubEntry>,
    pub(super) users: FastMap<i64, UserEntry>,
    pub(super) retired: KeyMap<Retired>,
    pub(super) catalogue: Catalogue,
}

/// The answer to one key check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        subscription: HeaderValue,
        /// When the subscription is scoped to a product.
        product: Option<HeaderValue>,
        user: HeaderValue,
        slot: KeySlot,
        /// The API the request's path matched, if a path was given.
        api: Option<HeaderValue>,
        /// What the product's limits leave.
        remaining: Remaining,
    },
    /// 429: over the product's rate limit or quota.
    Limited(Refusal),
    /// 200 without a key: the path matched an API that needs no subscription.
    Open { api: HeaderValue },
    /// 404: a path was given and no API's path is a prefix of it.
    NoApi,
    /// 401: no key, or a key that opens nothing.
    Unauthenticated(&'static str),
    /// 403: a known key whose subscription or owner may not call now.
    Forbidden(&'static str),
    /// 503: the index could not follow the change log, so it may be stale;
    /// it fails closed instead of granting access that may have been revoked.
    Unavailable(&'static str),
}

/// `applied` before the index was opened: this process serves no checks
/// (the command-line tools), so it follows no log.
pub(super) const NOT_OPEN: i64 = -1;

pub struct Gate {
    pub(super) index: RwLock<Index>,
    /// Serialises changes to the index, and carries a connection of its own
    /// for reading the log and rows: taking one from the pool while writers
    /// wait for this lock while holding pool connections could starve it.
    pub(super) writer: tokio::sync::Mutex<Option<crate::db::OwnConn>>,
    /// The sequence number of the last key change the index holds.
    pub(super) applied: AtomicI64,
    /// Set when reading the log failed: checks answer 503 until it works again.
    pub(super) stale: AtomicBool,
    vault: Arc<Vault>,
    /// Whether this replica may answer checks (see `replicas`).
    pub(super) lease: Lease,
    /// To connect the index's own connection again after it broke.
    pub(super) settings: OnceLock<Settings>,
    /// Call counts and limit windows (see `meter`).
    pub meter: Meter,
}

pub(super) fn header(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

pub(super) fn to_hash(v: &[u8]) -> Option<KeyHash> {
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
            meter: Meter::default(),
        }
    }

    /// The limits of a product, as the key check applies them (None: none).
    pub fn limits_of(&self, product: i64) -> Option<super::meter::Limits> {
        self.index.read().unwrap_or_else(|e| e.into_inner()).catalogue.limits.get(&product).copied()
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

    /// The check itself: one HMAC and a few hash lookups under a read lock.
    /// `path` is the original request's path, when the gateway passed it:
    /// the API is found by the longest path prefix and the key must open it.
    /// Without a path (one gateway location per product) any working key
    /// passes, as before APIs existed; so does any path while no API is
    /// defined.
    ///
    /// Every answer is counted (`meter`); a key of a product with limits is
    /// held to them.
    pub fn check(&self, key: Option<&str>, path: Option<&str>) -> Verdict {
        let now = crate::db::now();
        let (verdict, tally, limits) = self.decide(key, path);
        match (verdict, limits) {
            (Verdict::Allowed { subscription, product, user, slot, api, .. }, Some(l)) => {
                match self.meter.admit(tally, l, now) {
                    Ok(remaining) => Verdict::Allowed { subscription, product, user, slot, api, remaining },
                    Err(r) => Verdict::Limited(r),
                }
            }
            (v, _) => {
                let outcome = match &v {
                    Verdict::Allowed { .. } | Verdict::Open { .. } => Outcome::Allowed,
                    Verdict::Unauthenticated(_) => Outcome::Unauthenticated,
                    Verdict::Forbidden(_) => Outcome::Forbidden,
                    Verdict::Limited(Refusal::Rate { .. }) => Outcome::RateLimited,
                    Verdict::Limited(Refusal::Quota { .. }) => Outcome::QuotaExceeded,
                    Verdict::NoApi | Verdict::Unavailable(_) => Outcome::Other,
                };
                self.meter.count(tally, outcome, now);
                v
            }
        }
    }

    /// The answer as the index gives it, whom to count it for, and the
    /// limits that apply if it allows the call.
    fn decide(&self, key: Option<&str>, path: Option<&str>) -> (Verdict, Tally, Option<Limits>) {
        let mut tally = Tally::default();
        let mut limits = None;
        let v = self.decide_into(key, path, &mut tally, &mut limits);
        (v, tally, limits)
    }

    fn decide_into(
        &self,
        key: Option<&str>,
        path: Option<&str>,
        tally: &mut Tally,
        limits: &mut Option<Limits>,
    ) -> Verdict {
        let key = key.map(str::trim).filter(|k| !k.is_empty());
        if key.is_none() && path.is_none() {
            return Verdict::Unauthenticated("no subscription key");
        }
        if key.is_some_and(|k| k.len() > 256) {
            return Verdict::Unauthenticated("unknown subscription key");
        }
        if self.stale.load(Ordering::Relaxed) {
            return Verdict::Unavailable("the key index cannot read the database; try again shortly");
        }
        if !self.lease.holds() {
            return Verdict::Unavailable(
                "this replica's lease on the database lapsed, so it may not know of a revocation",
            );
        }
        let hash = key.map(|k| self.vault.hash(k));
        let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
        let api = match path {
            Some(p) if !idx.catalogue.by_path.is_empty() => match idx.catalogue.find(p) {
                Some(a) => {
                    tally.api = a.id;
                    Some(a)
                }
                None => return Verdict::NoApi,
            },
            _ => None,
        };
        if let Some(a) = api.filter(|a| !a.subscription_required) {
            return Verdict::Open { api: a.uid.clone() };
        }
        let Some(hash) = hash else {
            return Verdict::Unauthenticated("no subscription key");
        };
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
        tally.subscription = sub_id;
        tally.user = sub.user_id;
        if let Scope::Product(p) = sub.scope {
            tally.product = p;
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
        match user.state {
            UserState::Active => {}
            UserState::Blocked => return Verdict::Forbidden("user blocked"),
            UserState::Pending => return Verdict::Forbidden("user not yet active"),
            UserState::Deleted => return Verdict::Forbidden("user deleted"),
        }
        if let Some(a) = api {
            if !idx.catalogue.covers(sub.scope, a) {
                return Verdict::Forbidden("this key is not valid for this API");
            }
        }
        if let Scope::Product(p) = sub.scope {
            *limits = idx.catalogue.limits.get(&p).copied();
        }
        Verdict::Allowed {
            subscription: sub.uid.clone(),
            product: sub.product.clone(),
            user: user.uid.clone(),
            slot,
            api: api.map(|a| a.uid.clone()),
            remaining: Remaining::default(),
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

    /// Number of subscriptions and accounts the index holds.
    pub fn size(&self) -> (usize, usize) {
        let idx = self.index.read().unwrap_or_else(|e| e.into_inner());
        (idx.subs.len(), idx.users.len())
    }
}
