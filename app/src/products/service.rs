//! Product operations for administrators, and what the portal shows.
use super::repo::{self, Fields, Viewer};
use super::{
    LimitFields, PortalProduct, ProductDeletePreview, ProductForm, ProductRow, Visibility, VisibleProduct,
    MAX_PRODUCT_DESCRIPTION, MAX_PRODUCT_NAME, MAX_PRODUCT_TERMS,
};
use crate::activity::{repo as activity, repo::Change, Actor};
use crate::auth::capability::Admin;
use crate::db::Conn;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;
use crate::subscriptions::repo as subs_repo;
use crate::users::UserId;
use serde_json::json;

/// Checks the form; the limits come back parsed (None = unlimited).
pub fn validate(form: &ProductForm) -> Result<LimitFields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errs.push(FieldError::new("name", Msg::ErrRequired));
    } else if name.chars().count() > MAX_PRODUCT_NAME || name.chars().any(char::is_control) {
        errs.push(FieldError::new("name", Msg::ErrTooLong).with_arg(MAX_PRODUCT_NAME));
    }
    if form.description.trim().chars().count() > MAX_PRODUCT_DESCRIPTION {
        errs.push(FieldError::new("description", Msg::ErrTooLong).with_arg(MAX_PRODUCT_DESCRIPTION));
    }
    if form.terms.trim().chars().count() > MAX_PRODUCT_TERMS {
        errs.push(FieldError::new("terms", Msg::ErrTooLong).with_arg(MAX_PRODUCT_TERMS));
    }
    let limit = match form.subscriptions_limit.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                errs.push(FieldError::new("subscriptions_limit", Msg::ErrProductLimit));
                None
            }
        },
    };
    let rate = pair(
        &mut errs,
        ("rate_limit_calls", &form.rate_limit_calls),
        ("rate_limit_seconds", &form.rate_limit_seconds),
        86_400,
    );
    let quota = pair(&mut errs, ("quota_calls", &form.quota_calls), ("quota_minutes", &form.quota_minutes), 527_040)
        .map(|(c, m)| (c, m * 60));
    if errs.is_empty() {
        Ok(LimitFields { subscriptions: limit, rate, quota })
    } else {
        Err(errs)
    }
}

/// Calls and a period, both given or both empty; the period at most `max`.
fn pair(errs: &mut Vec<FieldError>, calls: (&str, &str), period: (&str, &str), max: i64) -> Option<(i64, i64)> {
    let num = |v: &str, max: i64| v.trim().parse::<i64>().ok().filter(|n| (1..=max).contains(n));
    match (calls.1.trim(), period.1.trim()) {
        ("", "") => None,
        (c, p) => {
            let c_ok = num(c, 1_000_000_000);
            let p_ok = num(p, max);
            if c_ok.is_none() {
                errs.push(FieldError::new(calls.0, Msg::ErrLimitCalls));
            }
            if p_ok.is_none() {
                errs.push(FieldError::new(period.0, Msg::ErrLimitPeriod).with_arg(max));
            }
            c_ok.zip(p_ok)
        }
    }
}

async fn find(conn: &mut dyn Conn, uid: &str) -> Result<(i64, ProductRow), ServiceError> {
    repo::by_uid(conn, uid).await?.ok_or(ServiceError::NotFound)
}

fn snapshot(p: &ProductRow) -> serde_json::Value {
    json!({
        "displayName": p.name,
        "description": p.description,
        "terms": p.terms,
        "state": p.state.as_str(),
        "subscriptionRequired": p.subscription_required,
        "approvalRequired": p.approval_required,
        "subscriptionsLimit": p.subscriptions_limit,
        "rateLimit": p.rate_limit.map(|(c, s)| format!("{c} / {s} s")),
        "quota": p.quota.map(|(c, s)| format!("{c} / {} min", s / 60)),
    })
}

async fn log(
    conn: &mut dyn Conn,
    actor: &Actor,
    action: &str,
    p: &ProductRow,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    activity::record(
        conn,
        actor,
        Change { action, target_kind: "product", target_uid: &p.uid, target_label: &p.name, before, after, reason },
    )
    .await
}

pub async fn list(
    state: &AppState,
    _: &Admin,
    q: &str,
    page: u32,
    per_page: u32,
) -> Result<(Vec<ProductRow>, i64), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let per = per_page.clamp(1, 100);
    Ok(repo::list(&mut conn, q, per, (page.max(1) as u64 - 1) * per as u64).await?)
}

pub async fn get(state: &AppState, _: &Admin, uid: &str) -> Result<ProductRow, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(find(&mut conn, uid).await?.1)
}

/// Creates the product (not visible to anyone but administrators until
/// groups are ticked on its Visibility tab) and returns its uid.
pub async fn create(state: &AppState, admin: &Admin, form: ProductForm) -> Result<String, ServiceError> {
    create_named(state, admin, form, None).await
}

/// As `create`, with the uid the caller chose (the REST API's productId);
/// Conflict if it is taken.
pub async fn create_named(
    state: &AppState,
    admin: &Admin,
    form: ProductForm,
    chosen: Option<&str>,
) -> Result<String, ServiceError> {
    let actor = admin.actor();
    let limits = validate(&form).map_err(ServiceError::Validation)?;
    let mut tx = state.begin_write().await?;
    if repo::name_taken(&mut tx, &form.name, None).await? {
        return Err(ServiceError::field("name", Msg::ErrProductNameTaken));
    }
    let uid = crate::uid::pick(&mut tx, chosen, &form.name, "product", |c, u| Box::pin(repo::uid_taken(c, u))).await?;
    repo::insert(&mut tx, &uid, &Fields { form: &form, limits }).await?;
    let (_, row) = find(&mut tx, &uid).await?;
    log(&mut tx, actor, "product.created", &row, None, Some(snapshot(&row)), None).await?;
    tx.commit().await?;
    Ok(uid)
}

pub async fn update(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    form: ProductForm,
    version: i64,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let limits = validate(&form).map_err(ServiceError::Validation)?;
    let mut tx = state.begin_write().await?;
    let (id, before) = find(&mut tx, uid).await?;
    if before.version != version {
        return Err(ServiceError::Conflict);
    }
    if repo::name_taken(&mut tx, &form.name, Some(id)).await? {
        return Err(ServiceError::field("name", Msg::ErrProductNameTaken));
    }
    if !repo::update(&mut tx, id, &Fields { form: &form, limits }, version).await? {
        return Err(ServiceError::Conflict);
    }
    let (_, after) = find(&mut tx, uid).await?;
    log(&mut tx, actor, "product.updated", &after, Some(snapshot(&before)), Some(snapshot(&after)), None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_preview(state: &AppState, _: &Admin, uid: &str) -> Result<ProductDeletePreview, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, p) = find(&mut conn, uid).await?;
    let (subscriptions, active) = subs_repo::count_for_product(&mut conn, id).await?;
    Ok(ProductDeletePreview { name: p.name, subscriptions, active })
}

/// Deletes the product. One with subscriptions goes only together with
/// them (`with_subscriptions`, after the confirmation that counted them);
/// their keys stop working at the commit.
pub async fn delete(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    with_subscriptions: bool,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (id, p) = find(&mut tx, uid).await?;
    let (subscriptions, _) = subs_repo::count_for_product(&mut tx, id).await?;
    if subscriptions > 0 && !with_subscriptions {
        return Err(ServiceError::Refused(Msg::ErrProductHasSubscriptions));
    }
    subs_repo::retire_keys_of(&mut tx, subs_repo::Owner::Product(id), "product_deleted").await?;
    repo::delete(&mut tx, id).await?;
    let mut before = snapshot(&p);
    before["subscriptions"] = json!(subscriptions);
    log(&mut tx, actor, "product.deleted", &p, Some(before), None, reason).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn visibility(state: &AppState, _: &Admin, uid: &str) -> Result<(Visibility, i64), ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, p) = find(&mut conn, uid).await?;
    let groups: Vec<_> = repo::all_groups_for(&mut conn, id).await?.into_iter().map(|(_, g, on)| (g, on)).collect();
    let guests = groups.iter().any(|(g, on)| *on && g.uid == "guests");
    let developers = repo::developers_who_see(&mut conn, id).await?;
    Ok((Visibility { groups, developers, guests }, p.version))
}

/// Replaces the set of groups that see the product.
pub async fn set_visibility(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    group_uids: &[String],
    version: i64,
) -> Result<(), ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (id, p) = find(&mut tx, uid).await?;
    if p.version != version {
        return Err(ServiceError::Conflict);
    }
    let all = repo::all_groups_for(&mut tx, id).await?;
    let mut ids = Vec::new();
    for g in group_uids {
        match all.iter().find(|(_, r, _)| &r.uid == g) {
            Some((gid, ..)) => ids.push(*gid),
            None => return Err(ServiceError::Refused(Msg::ErrGroupGone)),
        }
    }
    if change_visibility(&mut tx, actor, id, &p, &all, &ids).await? {
        tx.commit().await?;
    }
    Ok(())
}

/// One group sees the product (`visible`) or no longer does; true if that
/// changed anything (APIM's ProductGroup create and delete).
pub async fn set_group(
    state: &AppState,
    admin: &Admin,
    uid: &str,
    group_uid: &str,
    visible: bool,
) -> Result<bool, ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let (id, p) = find(&mut tx, uid).await?;
    let all = repo::all_groups_for(&mut tx, id).await?;
    let gid = all.iter().find(|(_, g, _)| g.uid == group_uid).map(|(gid, ..)| *gid).ok_or(ServiceError::NotFound)?;
    let ids: Vec<i64> =
        all.iter().filter(|(g, _, on)| if *g == gid { visible } else { *on }).map(|(g, ..)| *g).collect();
    let changed = change_visibility(&mut tx, actor, id, &p, &all, &ids).await?;
    if changed {
        tx.commit().await?;
    }
    Ok(changed)
}

/// Writes the new set of groups (`ids`, out of `all`), bumps the version and
/// logs before and after; false when the set is what it was.
async fn change_visibility(
    tx: &mut dyn Conn,
    actor: &Actor,
    id: i64,
    p: &ProductRow,
    all: &[(i64, crate::groups::GroupRef, bool)],
    ids: &[i64],
) -> Result<bool, ServiceError> {
    let before: Vec<&str> = all.iter().filter(|(.., on)| *on).map(|(_, g, _)| g.name.as_str()).collect();
    let after: Vec<&str> = all.iter().filter(|(id, ..)| ids.contains(id)).map(|(_, g, _)| g.name.as_str()).collect();
    if before == after {
        return Ok(false);
    }
    repo::set_groups(tx, id, ids).await?;
    if !repo::touch(tx, id, p.version).await? {
        return Err(ServiceError::Conflict);
    }
    log(
        tx,
        actor,
        "product.visibility_changed",
        p,
        Some(json!({ "groups": before })),
        Some(json!({ "groups": after })),
        None,
    )
    .await?;
    Ok(true)
}

fn viewer_of(user: Option<(UserId, bool)>) -> Viewer {
    match user {
        None => Viewer::Anonymous,
        Some((_, true)) => Viewer::Admin,
        Some((id, false)) => Viewer::Developer(id),
    }
}

fn portal_product(p: ProductRow, mine: i64, signed_in: bool) -> PortalProduct {
    let blocked_by = if !p.subscription_required {
        Some(Msg::ProductOpen)
    } else if !signed_in {
        Some(Msg::ProductSignInToSubscribe)
    } else if p.state != super::ProductState::Published {
        Some(Msg::ProductNotPublished)
    } else if p.subscriptions_limit.is_some_and(|l| mine >= l) {
        Some(Msg::ErrSubscriptionLimit)
    } else {
        None
    };
    PortalProduct {
        uid: p.uid,
        name: p.name,
        description: p.description,
        terms: p.terms,
        published: p.state == super::ProductState::Published,
        subscription_required: p.subscription_required,
        approval_required: p.approval_required,
        subscriptions_limit: p.subscriptions_limit,
        rate_limit: p.rate_limit,
        quota: p.quota,
        mine,
        blocked_by,
    }
}

/// The portal's catalogue for a visitor: (user, is administrator) or anonymous.
pub async fn catalogue(state: &AppState, user: Option<(UserId, bool)>) -> Result<Vec<PortalProduct>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let rows = repo::visible(&mut conn, viewer_of(user)).await?;
    let mine = match user {
        Some((u, _)) => subs_repo::open_by_product(&mut conn, u).await?,
        None => vec![],
    };
    Ok(rows
        .into_iter()
        .map(|(id, p)| {
            let n = mine.iter().find(|(pid, _)| *pid == id).map(|(_, n)| *n).unwrap_or(0);
            portal_product(p, n, user.is_some())
        })
        .collect())
}

/// One product page; NotFound when the visitor may not see it (the same
/// answer as for a product that does not exist).
pub async fn portal_page(
    state: &AppState,
    user: Option<(UserId, bool)>,
    uid: &str,
) -> Result<PortalProduct, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let (id, p) = find(&mut conn, uid).await?;
    if !repo::is_visible(&mut conn, id, viewer_of(user)).await? {
        return Err(ServiceError::NotFound);
    }
    let mine = match user {
        Some((u, _)) => subs_repo::open_count(&mut conn, u, id).await?.0,
        None => 0,
    };
    Ok(portal_product(p, mine, user.is_some()))
}

/// User detail: the products this account can see and the groups that grant each.
pub async fn visible_to_user(state: &AppState, user: UserId) -> Result<Vec<VisibleProduct>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    Ok(repo::visible_to_user(&mut conn, user).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(limit: &str) -> ProductForm {
        ProductForm { name: "Starter".into(), subscriptions_limit: limit.into(), ..Default::default() }
    }

    #[test]
    fn the_limit_is_a_positive_number_or_nothing() {
        assert_eq!(validate(&form("")).map(|l| l.subscriptions), Ok(None));
        assert_eq!(validate(&form(" 3 ")).map(|l| l.subscriptions), Ok(Some(3)));
        for bad in ["0", "-1", "abc", "1.5"] {
            let errs = validate(&form(bad)).unwrap_err();
            assert_eq!(errs[0].field, "subscriptions_limit", "{bad}");
        }
        let mut f = form("");
        f.name = "  ".into();
        assert_eq!(validate(&f).unwrap_err()[0].field, "name");
        let mut f = form("");
        (f.rate_limit_calls, f.rate_limit_seconds, f.quota_calls, f.quota_minutes) =
            ("100".into(), "60".into(), "10000".into(), "1440".into());
        assert_eq!(validate(&f).unwrap().rate, Some((100, 60)));
        assert_eq!(validate(&f).unwrap().quota, Some((10000, 86400)));
        f.rate_limit_seconds = "".into();
        f.quota_calls = "0".into();
        let fields: Vec<String> = validate(&f).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rate_limit_seconds", "quota_calls"]);
    }
}
