//! Subscribing, the keys, and the lifecycle: developers subscribe, see and
//! regenerate their keys and cancel; administrators approve, reject,
//! suspend, reactivate and cancel. Every write that can take access away
//! commits through `WriteTx::commit`, which applies the key change log before
//! returning, so the old key has stopped working when the call returns.
//!
//! What administrators and the REST API do beyond the lifecycle (create a
//! subscription for someone with chosen keys, patch, delete) is in `manage`.
mod manage;

use super::keys::{KeyHash, KeySlot, Vault};
use super::repo::{self, NewSubscription, ScopeId, SubRecord};
use super::{
    SubscriptionAction, SubscriptionKeys, SubscriptionPage, SubscriptionQuery, SubscriptionRow, SubscriptionState,
    MAX_STATE_COMMENT, MAX_SUBSCRIPTION_NAME,
};
use crate::activity::{repo as activity, repo::Change, Actor};
use crate::auth::capability::Admin;
use crate::db::Conn;
use crate::emails::service::{enqueue_subscription, Recipient, SubscriptionFacts};
use crate::emails::templates::TemplateName;
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::products::repo::{self as products, Viewer};
use crate::products::ProductState;
use crate::state::AppState;
use crate::users::repo as users;
use crate::users::UserId;
pub use manage::*;
use serde_json::json;

/// Who is acting: a developer on their own subscriptions, or an administrator.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: UserId,
    pub email: String,
    pub is_admin: bool,
}

impl Caller {
    /// An administrator acting on subscriptions (the command line has no
    /// account, shown as user 0).
    pub fn of_admin(admin: &Admin) -> Caller {
        Caller { user: admin.user_id().unwrap_or(UserId(0)), email: admin.actor().label.clone(), is_admin: true }
    }
}

impl Caller {
    fn actor(&self) -> Actor {
        Actor { id: Some(self.user), label: self.email.clone() }
    }
}

async fn find(conn: &mut dyn Conn, uid: &str) -> Result<SubRecord, ServiceError> {
    repo::by_uid(conn, uid).await?.ok_or(ServiceError::NotFound)
}

/// The subscription if `caller` may touch it. Someone else's subscription
/// is "not found", as one that does not exist.
async fn find_for(conn: &mut dyn Conn, caller: &Caller, uid: &str) -> Result<SubRecord, ServiceError> {
    let s = find(conn, uid).await?;
    if s.user_id != caller.user && !caller.is_admin {
        return Err(ServiceError::NotFound);
    }
    Ok(s)
}

async fn log(
    conn: &mut dyn Conn,
    actor: &Actor,
    action: &str,
    s: &SubscriptionRow,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    let label = format!("{} · {} · {}", s.name, s.scope.name(), s.user_email);
    activity::record(
        conn,
        actor,
        Change { action, target_kind: "subscription", target_uid: &s.uid, target_label: &label, before, after, reason },
    )
    .await
}

fn fresh_key(vault: &Vault, uid: &str, slot: KeySlot) -> (String, ([u8; 32], Vec<u8>)) {
    let key = Vault::generate();
    let stored = (vault.hash(&key), vault.seal(&key, uid, slot));
    (key, stored)
}

/// Emails the owner about the subscription's new state.
async fn tell_developer(
    conn: &mut dyn Conn,
    state: &AppState,
    s: &SubscriptionRow,
    owner: UserId,
) -> Result<(), sqlx::Error> {
    let template = match s.state {
        SubscriptionState::Submitted => TemplateName::SubscriptionRequested,
        SubscriptionState::Active => TemplateName::SubscriptionActivated,
        SubscriptionState::Rejected => TemplateName::SubscriptionRejected,
        SubscriptionState::Suspended | SubscriptionState::Cancelled | SubscriptionState::Expired => {
            TemplateName::SubscriptionChanged
        }
    };
    let dev = Recipient::of(&users::by_uid_id(conn, owner).await?);
    let facts = SubscriptionFacts {
        product: s.scope.name(),
        subscription: &s.name,
        state: s.state,
        comment: s.state_comment.as_deref(),
    };
    enqueue_subscription(conn, state, template, &dev, &dev, &facts).await?;
    if s.state == SubscriptionState::Submitted {
        for admin in users::active_admins(conn).await? {
            enqueue_subscription(conn, state, TemplateName::ApprovalNeeded, &Recipient::of(&admin), &dev, &facts)
                .await?;
        }
    }
    Ok(())
}

/// A developer (or administrator) subscribes to a product they can see.
/// Without approval the subscription is active at once; with approval it is
/// submitted and the administrators are told.
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    product_uid: &str,
    name: &str,
    accept_terms: bool,
) -> Result<SubscriptionRow, ServiceError> {
    let name = name.trim();
    check_name(name)?;
    let mut tx = state.begin_write().await?;
    let (pid, product) = products::by_uid(&mut tx, product_uid).await?.ok_or(ServiceError::NotFound)?;
    let viewer = if caller.is_admin { Viewer::Admin } else { Viewer::Developer(caller.user) };
    if !products::is_visible(&mut tx, pid, viewer).await? {
        return Err(ServiceError::NotFound);
    }
    if product.state != ProductState::Published {
        return Err(ServiceError::Refused(Msg::ProductNotPublished));
    }
    if !product.subscription_required {
        return Err(ServiceError::Refused(Msg::ProductOpen));
    }
    if !product.terms.trim().is_empty() && !accept_terms {
        return Err(ServiceError::field("accept_terms", Msg::ErrAcceptProductTerms));
    }
    let (open, waiting) = repo::open_count(&mut tx, caller.user, pid).await?;
    if waiting > 0 {
        // One request at a time: APIM lets the same request pile up (portal #57).
        return Err(ServiceError::Refused(Msg::ErrSubscriptionWaiting));
    }
    if product.subscriptions_limit.is_some_and(|l| open >= l) {
        return Err(ServiceError::Refused(Msg::ErrSubscriptionLimit));
    }
    let sub_state = if product.approval_required { SubscriptionState::Submitted } else { SubscriptionState::Active };
    // Same shape as account uids: short, random, URL-safe.
    let uid = users::new_uid();
    let vault = state.gate.vault();
    let (_, primary) = fresh_key(vault, &uid, KeySlot::Primary);
    let (_, secondary) = fresh_key(vault, &uid, KeySlot::Secondary);
    let new = NewSubscription {
        uid: &uid,
        user: caller.user,
        scope: ScopeId::Product(pid),
        name: if name.is_empty() { &product.name } else { name },
        state: sub_state,
        primary,
        secondary,
        expiration_date: None,
    };
    let (_, row) = insert_logged(&mut tx, caller, &new, json!({ "state": sub_state.as_str() })).await?;
    tell_developer(&mut tx, state, &row, caller.user).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(row)
}

/// Writes a new subscription and its "created" entry in the activity log.
async fn insert_logged(
    tx: &mut dyn Conn,
    caller: &Caller,
    new: &NewSubscription<'_>,
    detail: serde_json::Value,
) -> Result<(i64, SubscriptionRow), ServiceError> {
    let id = repo::insert(tx, new).await?;
    let row = find(tx, new.uid).await?.row;
    log(tx, &caller.actor(), "subscription.created", &row, None, Some(detail), None).await?;
    Ok((id, row))
}

pub async fn mine(state: &AppState, user: UserId) -> Result<Vec<SubscriptionRow>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(repo::for_user(&mut conn, user).await?)
}

/// A user's subscriptions for the administrators' user detail.
pub async fn of_user(state: &AppState, _: &Admin, user_uid: &str) -> Result<Vec<SubscriptionRow>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let u = users::by_uid(&mut conn, user_uid).await?.ok_or(ServiceError::NotFound)?;
    Ok(repo::for_user(&mut conn, u.user_id()).await?)
}

pub async fn list(state: &AppState, _: &Admin, q: &SubscriptionQuery) -> Result<SubscriptionPage, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per_page = 50;
    let page = q.page.max(1);
    let (rows, total) = repo::list(&mut conn, q, per_page, (page as u64 - 1) * per_page as u64).await?;
    let by_state = repo::count_by_state(&mut conn).await?;
    Ok(SubscriptionPage { rows, total, page, per_page, by_state })
}

pub async fn get(state: &AppState, caller: &Caller, uid: &str) -> Result<SubscriptionRow, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(find_for(&mut conn, caller, uid).await?.row)
}

/// Both keys in clear (APIM's listSecrets). Only the owner and
/// administrators; an administrator's look is logged.
pub async fn keys(state: &AppState, caller: &Caller, uid: &str) -> Result<SubscriptionKeys, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let s = find_for(&mut conn, caller, uid).await?;
    let (p, sec) = repo::sealed_keys(&mut conn, s.id).await?;
    let vault = state.gate.vault();
    let open = |sealed: &[u8], slot| {
        vault.open(sealed, &s.row.uid, slot).map_err(|e| {
            tracing::error!(subscription = %s.row.uid, error = %e, "cannot decrypt a subscription key");
            ServiceError::Refused(Msg::ErrKeyUnreadable)
        })
    };
    let keys = SubscriptionKeys {
        primary: open(&p, KeySlot::Primary)?.into(),
        secondary: open(&sec, KeySlot::Secondary)?.into(),
    };
    if caller.is_admin && s.user_id != caller.user {
        let mut tx = state.begin_write().await?;
        log(&mut tx, &caller.actor(), "subscription.keys_shown", &s.row, None, None, None).await?;
        tx.commit().await?;
    }
    Ok(keys)
}

/// A new key in one slot; the old one stops working at the commit.
pub async fn regenerate(state: &AppState, caller: &Caller, uid: &str, slot: KeySlot) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    let s = find_for(&mut tx, caller, uid).await?;
    if matches!(s.row.state, SubscriptionState::Cancelled | SubscriptionState::Rejected) {
        return Err(ServiceError::Refused(Msg::ErrSubscriptionOver));
    }
    let (_, (hash, sealed)) = fresh_key(state.gate.vault(), &s.row.uid, slot);
    repo::replace_key(&mut tx, s.id, slot, &hash, &sealed).await?;
    log(
        &mut tx,
        &caller.actor(),
        "subscription.key_regenerated",
        &s.row,
        None,
        Some(json!({ "key": slot.as_str() })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator's action, or a developer cancelling their own.
/// `version` guards against acting on a row someone else just changed.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    uid: &str,
    action: SubscriptionAction,
    comment: Option<&str>,
    version: Option<i64>,
) -> Result<SubscriptionRow, ServiceError> {
    if !caller.is_admin && action != SubscriptionAction::Cancel {
        return Err(ServiceError::NotFound);
    }
    let comment = check_comment(comment)?;
    let mut tx = state.begin_write().await?;
    let s = find_for(&mut tx, caller, uid).await?;
    if version.is_some_and(|v| v != s.row.version) {
        return Err(ServiceError::Conflict);
    }
    let after = change_state(&mut tx, caller, &s, action, comment).await?;
    tell_developer(&mut tx, state, &after, s.user_id).await?;
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(after)
}

fn check_comment(comment: Option<&str>) -> Result<Option<&str>, ServiceError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_STATE_COMMENT) {
        return Err(ServiceError::field("comment", Msg::ErrTooLong).map_arg(MAX_STATE_COMMENT));
    }
    Ok(comment)
}

fn check_name(name: &str) -> Result<(), ServiceError> {
    if name.chars().count() > MAX_SUBSCRIPTION_NAME || name.chars().any(char::is_control) {
        return Err(ServiceError::field("name", Msg::ErrTooLong).map_arg(MAX_SUBSCRIPTION_NAME));
    }
    Ok(())
}

/// Moves `s` along the lifecycle by `action`, in the caller's transaction,
/// and logs it.
async fn change_state(
    tx: &mut dyn Conn,
    caller: &Caller,
    s: &SubRecord,
    action: SubscriptionAction,
    comment: Option<&str>,
) -> Result<SubscriptionRow, ServiceError> {
    let Some(to) = action.apply(s.row.state) else {
        return Err(ServiceError::Refused(Msg::ErrSubscriptionTransition));
    };
    if !repo::set_state(tx, s.id, to, comment, s.row.version).await? {
        return Err(ServiceError::Conflict);
    }
    let after = find(tx, &s.row.uid).await?.row;
    log(
        tx,
        &caller.actor(),
        &format!("subscription.{}", action.as_str()),
        &after,
        Some(json!({ "state": s.row.state.as_str() })),
        Some(json!({ "state": to.as_str(), "comment": comment })),
        None,
    )
    .await?;
    Ok(after)
}

/// At start: the server secret must be the one this database's keys were
/// sealed with. Another one would make every key check answer "unknown" and
/// every reveal fail, so the server refuses to start and says why.
pub async fn check_secret(state: &AppState) -> Result<(), String> {
    let fp = state.gate.vault().fingerprint();
    let mut conn = state.pool.acquire().await.map_err(|e| e.to_string())?;
    match repo::secret_fingerprint(&mut conn).await.map_err(|e| e.to_string())? {
        Some(stored) if stored != fp => Err(format!(
            "the server secret ({}) is not the one this database's subscription keys were made with; \
             restore the original secret file or GATEHOUSE_SECRET_KEY",
            state.settings.secret_file.display()
        )),
        Some(_) => Ok(()),
        None => repo::set_secret_fingerprint(&mut conn, &fp).await.map_err(|e| e.to_string()),
    }
}
