//! Subscriptions made, changed and deleted by administrators and the REST
//! API (APIM's `Subscription_CreateOrUpdate`, `_Update`, `_Delete`).
use super::*;

/// A key the administrator brings (moving from another gateway): long
/// enough not to be guessed, and not any subscription's key, now or before.
async fn chosen_key(conn: &mut dyn Conn, vault: &Vault, field: &str, key: &str) -> Result<KeyHash, ServiceError> {
    let n = key.chars().count();
    if !(16..=256).contains(&n) || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ServiceError::field(field, Msg::ErrKeyFormat));
    }
    let hash = vault.hash(key);
    if repo::key_in_use(conn, &hash).await? {
        return Err(ServiceError::field(field, Msg::ErrKeyInUse));
    }
    Ok(hash)
}

/// What an administrator sets when creating a subscription for someone
/// (APIM's Subscription_CreateOrUpdate).
pub struct NewByAdmin<'a> {
    pub uid: &'a str,
    /// The owner's user uid.
    pub owner: &'a str,
    pub scope: ScopeTarget<'a>,
    /// Empty: the product's or API's name.
    pub name: &'a str,
    pub state: SubscriptionState,
    pub primary_key: Option<&'a str>,
    pub secondary_key: Option<&'a str>,
    pub expiration_date: Option<i64>,
    /// Email the owner (and, for a request, the administrators).
    pub notify: bool,
}

/// What an administrator's subscription opens, by uid.
#[derive(Clone, Copy, Debug)]
pub enum ScopeTarget<'a> {
    Product(&'a str),
    Api(&'a str),
    AllApis,
}

/// An administrator subscribes a developer. The product's terms need no
/// acceptance (APIM bypasses them for administrators) and its visibility
/// does not apply; its per-developer limit does. Only administrators grant
/// a key to one API or to every API.
pub async fn create_for(state: &AppState, caller: &Caller, n: NewByAdmin<'_>) -> Result<SubscriptionRow, ServiceError> {
    if !caller.is_admin {
        return Err(ServiceError::NotFound);
    }
    let name = n.name.trim();
    check_name(name)?;
    let mut tx = state.begin_write().await?;
    if repo::by_uid(&mut tx, n.uid).await?.is_some() {
        return Err(ServiceError::Conflict);
    }
    let owner =
        users::by_uid(&mut tx, n.owner).await?.ok_or_else(|| ServiceError::field("ownerId", Msg::ErrNoSuchUser))?;
    let (scope, scope_name) = match n.scope {
        ScopeTarget::Product(uid) => {
            let (pid, product) = products::by_uid(&mut tx, uid)
                .await?
                .ok_or_else(|| ServiceError::field("scope", Msg::ErrNoSuchProduct))?;
            if !product.subscription_required {
                return Err(ServiceError::Refused(Msg::ProductOpen));
            }
            let (open, _) = repo::open_count(&mut tx, owner.user_id(), pid).await?;
            if n.state.is_open() && product.subscriptions_limit.is_some_and(|l| open >= l) {
                return Err(ServiceError::Refused(Msg::ErrSubscriptionLimit));
            }
            (ScopeId::Product(pid), product.name)
        }
        ScopeTarget::Api(uid) => {
            let (aid, api) = crate::apis::repo::by_uid(&mut tx, uid)
                .await?
                .ok_or_else(|| ServiceError::field("scope", Msg::ErrNoSuchApi))?;
            (ScopeId::Api(aid), api.name)
        }
        ScopeTarget::AllApis => (ScopeId::AllApis, super::super::SubscriptionScope::AllApis.name().to_string()),
    };
    let vault = state.gate.vault();
    let mut keys = Vec::new();
    for (slot, field, given) in
        [(KeySlot::Primary, "primaryKey", n.primary_key), (KeySlot::Secondary, "secondaryKey", n.secondary_key)]
    {
        let key = match given {
            Some(k) => {
                chosen_key(&mut tx, vault, field, k).await?;
                k.to_string()
            }
            None => Vault::generate(),
        };
        keys.push((vault.hash(&key), vault.seal(&key, n.uid, slot)));
    }
    if keys[0].0 == keys[1].0 {
        return Err(ServiceError::field("secondaryKey", Msg::ErrKeysSame));
    }
    let secondary = keys.pop().unwrap_or_default();
    let primary = keys.pop().unwrap_or_default();
    let new = NewSubscription {
        uid: n.uid,
        user: owner.user_id(),
        scope,
        name: if name.is_empty() { &scope_name } else { name },
        state: n.state,
        primary,
        secondary,
        expiration_date: n.expiration_date,
    };
    let given = n.primary_key.is_some() || n.secondary_key.is_some();
    let (_, row) =
        insert_logged(&mut tx, caller, &new, json!({ "state": n.state.as_str(), "keysGiven": given })).await?;
    if n.notify {
        tell_developer(&mut tx, state, &row, owner.user_id()).await?;
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(row)
}

/// An administrator's change to a subscription (APIM's Subscription_Update):
/// each part optional, all of it in one transaction.
#[derive(Default)]
pub struct SubscriptionPatch {
    pub name: Option<String>,
    /// The state to move to; it must be one step of the lifecycle
    /// (approve, reject, suspend, reactivate, cancel).
    pub state: Option<SubscriptionState>,
    pub comment: Option<String>,
    pub expiration_date: Option<Option<i64>>,
    pub primary_key: Option<String>,
    pub secondary_key: Option<String>,
    /// Email the owner about a state change.
    pub notify: bool,
}

pub async fn patch(
    state: &AppState,
    caller: &Caller,
    uid: &str,
    p: SubscriptionPatch,
    version: Option<i64>,
) -> Result<SubscriptionRow, ServiceError> {
    if !caller.is_admin {
        return Err(ServiceError::NotFound);
    }
    let comment = check_comment(p.comment.as_deref())?.map(str::to_string);
    if let Some(n) = &p.name {
        check_name(n.trim())?;
    }
    let mut tx = state.begin_write().await?;
    let mut s = find_for(&mut tx, caller, uid).await?;
    if version.is_some_and(|v| v != s.row.version) {
        return Err(ServiceError::Conflict);
    }
    let mut state_changed = false;
    if let Some(to) = p.state.filter(|to| *to != s.row.state) {
        let action = SubscriptionAction::ALL
            .into_iter()
            .find(|a| a.apply(s.row.state) == Some(to))
            .ok_or(ServiceError::Refused(Msg::ErrSubscriptionTransition))?;
        change_state(&mut tx, caller, &s, action, comment.as_deref()).await?;
        s = find(&mut tx, uid).await?;
        state_changed = true;
    }
    let name = p.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(&s.row.name).to_string();
    let new_comment = if state_changed || p.comment.is_none() { s.row.state_comment.clone() } else { comment };
    let expiration = p.expiration_date.unwrap_or(s.row.expiration_date);
    if name != s.row.name || new_comment != s.row.state_comment || expiration != s.row.expiration_date {
        repo::update_details(&mut tx, s.id, &name, new_comment.as_deref(), expiration).await?;
        log(
            &mut tx,
            &caller.actor(),
            "subscription.updated",
            &s.row,
            Some(json!({ "displayName": s.row.name, "stateComment": s.row.state_comment })),
            Some(json!({ "displayName": name, "stateComment": new_comment })),
            None,
        )
        .await?;
    }
    let vault = state.gate.vault();
    let current = repo::key_hashes(&mut tx, s.id).await?;
    let mut given = Vec::new();
    for (slot, field, key, now) in [
        (KeySlot::Primary, "primaryKey", &p.primary_key, &current.0),
        (KeySlot::Secondary, "secondaryKey", &p.secondary_key, &current.1),
    ] {
        // A key sent back unchanged (a GET-modify-PATCH round trip) is no change.
        let Some(key) = key.as_deref().filter(|k| vault.hash(k)[..] != now[..]) else { continue };
        if matches!(s.row.state, SubscriptionState::Cancelled | SubscriptionState::Rejected) {
            return Err(ServiceError::Refused(Msg::ErrSubscriptionOver));
        }
        if given.contains(&vault.hash(key)) {
            return Err(ServiceError::field("secondaryKey", Msg::ErrKeysSame));
        }
        let hash = chosen_key(&mut tx, vault, field, key).await?;
        given.push(hash);
        repo::replace_key(&mut tx, s.id, slot, &hash, &vault.seal(key, &s.row.uid, slot)).await?;
        log(
            &mut tx,
            &caller.actor(),
            "subscription.key_set",
            &s.row,
            None,
            Some(json!({ "key": slot.as_str() })),
            None,
        )
        .await?;
    }
    let after = find(&mut tx, uid).await?.row;
    if state_changed && p.notify {
        tell_developer(&mut tx, state, &after, s.user_id).await?;
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(after)
}

/// Deletes a subscription; its keys stop working at the commit (the check
/// then says "subscription deleted").
pub async fn delete(state: &AppState, caller: &Caller, uid: &str) -> Result<(), ServiceError> {
    if !caller.is_admin {
        return Err(ServiceError::NotFound);
    }
    let mut tx = state.begin_write().await?;
    let s = find_for(&mut tx, caller, uid).await?;
    repo::retire_keys_of(&mut tx, repo::Owner::One(s.id), "subscription_deleted").await?;
    repo::delete(&mut tx, s.id).await?;
    log(
        &mut tx,
        &caller.actor(),
        "subscription.deleted",
        &s.row,
        Some(json!({ "state": s.row.state.as_str() })),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
