//! `…/users`: APIM's User, UserGroup, UserSubscription, UserIdentities and
//! UserConfirmationPassword operations, over `users::service`.
use super::{check_name, entity, etag, no_content, odata, parse_body, ApiError, Ctx};
use crate::groups::repo as groups_repo;
use crate::invitations::InviteForm;
use crate::subscriptions::repo as subs_repo;
use crate::users::repo::{self as repo, Scope, UserRecord};
use crate::users::service::{self, UserPatch};
use crate::users::{UserForm, UserState};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/users";
pub const MAX_USER_ID: usize = 80;

/// APIM's UserContract.
pub fn user_json(ctx: &Ctx, u: &UserRecord, groups: Option<Vec<Value>>) -> Value {
    json!({
        "id": ctx.id(&format!("/users/{}", u.uid)),
        "type": TYPE,
        "name": u.uid,
        "properties": {
            "firstName": u.first_name,
            "lastName": u.last_name,
            "email": u.email,
            "state": u.state,
            "registrationDate": odata::format_date(u.registered_at),
            "note": u.note,
            "identities": [{ "provider": "Basic", "id": u.email }],
            "groups": groups.unwrap_or_default(),
        }
    })
}

async fn find(ctx: &Ctx) -> Result<UserRecord, ApiError> {
    let uid = ctx.param("userId");
    service::record(&ctx.state, &ctx.admin, uid).await.map_err(|e| match e {
        crate::error::ServiceError::NotFound => ApiError::not_found(&format!("User '{uid}'")),
        other => other.into(),
    })
}

async fn groups_of(ctx: &Ctx, u: &UserRecord) -> Result<Vec<Value>, ApiError> {
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, _) = groups_repo::api_list(&mut conn, groups_repo::Scope::OfUser(u.user_id()), None, 1000, 0).await?;
    Ok(rows.iter().map(|g| super::groups::group_json(ctx, g)["properties"].clone()).collect())
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, Scope::All).await
}

/// The users list, or one group's members: `$filter` on the user fields.
pub async fn list_in(ctx: &Ctx, scope: Scope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let fields: Vec<odata::Field> = match scope {
        // A group's member list takes the same fields minus state (APIM).
        Scope::MembersOf(_) => repo::API_FIELDS.iter().copied().filter(|f| f.name != "state").collect(),
        Scope::All => repo::API_FIELDS.to_vec(),
    };
    let expand = ctx.flag("expandGroups")?;
    let mut conn = ctx.state.pool.acquire().await?;
    let filter = ctx.filter(&odata::Translator { fields: &fields, fts: repo::api_fts(ctx.state.pool.backend()) })?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip).await?;
    drop(conn);
    let mut value = Vec::with_capacity(rows.len());
    for u in &rows {
        let groups = if expand { Some(groups_of(ctx, u).await?) } else { None };
        value.push(user_json(ctx, u, groups));
    }
    Ok(ctx.collection(value, count, top, skip))
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    let groups = if ctx.flag("expandGroups")? { Some(groups_of(&ctx, &u).await?) } else { None };
    let mut body = user_json(&ctx, &u, groups);
    body["properties"]["identities"] = Value::Array(identities_of(&ctx, &u).await?);
    Ok(entity(StatusCode::OK, &etag(u.version), body))
}

/// APIM's UserIdentityContract list: the email ("Basic") and each
/// provider's subject. (Lists of users show "Basic" only: one query per
/// row would cost a page of users as many reads.)
async fn identities_of(ctx: &Ctx, u: &UserRecord) -> Result<Vec<Value>, ApiError> {
    let mut conn = ctx.state.pool.acquire().await?;
    let mut value = vec![json!({ "provider": "Basic", "id": u.email })];
    for (provider, id) in crate::identity::service::identities_of(&mut conn, u.user_id()).await? {
        value.push(json!({ "provider": provider, "id": id }));
    }
    Ok(value)
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confirmation {
    Signup,
    Invite,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AppType {
    Portal,
    DeveloperPortal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[allow(dead_code)]
    pub provider: Option<String>,
    #[allow(dead_code)]
    pub id: Option<String>,
}

/// UserCreateParameters / UserUpdateParameters `properties` (all optional
/// here; create checks what it needs).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserProps {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: Option<String>,
    pub state: Option<UserState>,
    pub note: Option<String>,
    pub confirmation: Option<Confirmation>,
    #[allow(dead_code)]
    pub app_type: Option<AppType>,
    #[allow(dead_code)]
    pub identities: Option<Vec<Identity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub properties: UserProps,
}

fn patch_of(p: UserProps) -> UserPatch {
    UserPatch {
        email: p.email,
        first_name: p.first_name,
        last_name: p.last_name,
        note: p.note,
        state: p.state,
        password: p.password,
    }
}

fn check_patch(p: &UserProps) -> Result<(), ApiError> {
    match p.state {
        Some(UserState::Pending) => Err(ApiError::invalid_field(
            "properties.state",
            "an account becomes pending only by an invitation or sign-up; use active or blocked",
        )),
        Some(UserState::Deleted) => {
            Err(ApiError::invalid_field("properties.state", "to close an account, DELETE it; use active or blocked"))
        }
        _ => Ok(()),
    }
}

/// PUT: creates the account named in the path (201), or replaces the
/// fields given of an existing one (200). `confirmation: invite` creates a
/// pending account and emails the invitation; `notify=true` sends the
/// welcome email to an account created active.
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let uid = ctx.param("userId").to_string();
    check_name("userId", &uid, MAX_USER_ID)?;
    let body: UserBody = parse_body(&body)?;
    let notify = ctx.flag("notify")?;
    let p = body.properties;
    check_patch(&p)?;
    match service::record(&ctx.state, &ctx.admin, &uid).await {
        Ok(existing) => {
            ctx.check_if_match(&etag(existing.version))?;
            service::patch(&ctx.state, &ctx.admin, &uid, patch_of(p), existing.version).await?;
            let u = find(&ctx).await?;
            Ok(entity(StatusCode::OK, &etag(u.version), user_json(&ctx, &u, None)))
        }
        Err(crate::error::ServiceError::NotFound) => {
            let mut missing = vec![];
            for (name, v) in [("email", &p.email), ("firstName", &p.first_name), ("lastName", &p.last_name)] {
                if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    missing.push(("ValidationError".to_string(), "required".to_string(), format!("properties.{name}")));
                }
            }
            if !missing.is_empty() {
                let mut e = ApiError::bad_request(format!(
                    "Creating a user needs {}",
                    missing.iter().map(|m| m.2.clone()).collect::<Vec<_>>().join(", ")
                ));
                e.details = missing;
                return Err(e);
            }
            let form = UserForm {
                email: p.email.unwrap_or_default(),
                first_name: p.first_name.unwrap_or_default(),
                last_name: p.last_name.unwrap_or_default(),
                note: p.note.unwrap_or_default(),
            };
            if matches!(p.confirmation, Some(Confirmation::Invite)) {
                if p.password.is_some() {
                    return Err(ApiError::invalid_field(
                        "properties.password",
                        "an invited developer chooses their own password; leave it out",
                    ));
                }
                let invite = InviteForm {
                    email: form.email,
                    first_name: form.first_name,
                    last_name: form.last_name,
                    lang: crate::i18n::Lang::En,
                };
                crate::invitations::service::invite_named(&ctx.state, &ctx.admin, invite, Some(&uid)).await?;
            } else {
                let initial = p.state.unwrap_or(UserState::Active);
                let welcome = notify || matches!(p.confirmation, Some(Confirmation::Signup));
                service::create_named(&ctx.state, &ctx.admin, form, p.password, Some(&uid), welcome, initial).await?;
            }
            let u = find(&ctx).await?;
            Ok(entity(StatusCode::CREATED, &etag(u.version), user_json(&ctx, &u, None)))
        }
        Err(e) => Err(e.into()),
    }
}

/// PATCH: changes the fields given; If-Match required. Blocking ends the
/// account's sessions and its keys at once; a password signs it out everywhere.
pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    ctx.check_if_match(&etag(u.version))?;
    let body: UserBody = parse_body(&body)?;
    check_patch(&body.properties)?;
    if body.properties.confirmation.is_some() {
        return Err(ApiError::invalid_field("properties.confirmation", "is only for creating a user"));
    }
    service::patch(&ctx.state, &ctx.admin, &u.uid, patch_of(body.properties), u.version).await?;
    let u = find(&ctx).await?;
    Ok(entity(StatusCode::OK, &etag(u.version), user_json(&ctx, &u, None)))
}

/// DELETE: If-Match required. An account with subscriptions is deleted only
/// with `deleteSubscriptions=true`; `notify=true` emails "account closed".
/// 204 when there was nothing to delete.
pub async fn delete(ctx: Ctx) -> Result<Response, ApiError> {
    let uid = ctx.param("userId").to_string();
    let u = match service::record(&ctx.state, &ctx.admin, &uid).await {
        Ok(u) => u,
        // APIM: "successfully removed by a previous request or does not exist".
        Err(crate::error::ServiceError::NotFound) => return Ok(no_content()),
        Err(e) => return Err(e.into()),
    };
    ctx.check_if_match(&etag(u.version))?;
    let delete_subs = ctx.flag("deleteSubscriptions")?;
    let notify = ctx.flag("notify")?;
    let mut conn = ctx.state.pool.acquire().await?;
    let subs = subs_repo::for_user(&mut conn, u.user_id()).await?;
    drop(conn);
    if !subs.is_empty() && !delete_subs {
        return Err(ApiError::bad_request(format!(
            "User '{uid}' has {} subscription(s). Delete them first, or pass deleteSubscriptions=true to delete them with the user.",
            subs.len()
        )));
    }
    service::delete_notifying(&ctx.state, &ctx.admin, &uid, None, notify).await?;
    Ok(if ctx.version.user_delete_is_long_running() { no_content() } else { StatusCode::OK.into_response() })
}

pub async fn groups(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    super::groups::list_in(&ctx, groups_repo::Scope::OfUser(u.user_id())).await
}

pub async fn subscriptions(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    super::subscriptions::list_in(&ctx, subs_repo::Scope::OfUser(u.user_id())).await
}

pub async fn subscription(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    let sid = ctx.param("sid");
    let mut conn = ctx.state.pool.acquire().await?;
    let s = subs_repo::by_uid(&mut conn, sid)
        .await?
        .filter(|s| s.user_id == u.user_id())
        .ok_or_else(|| ApiError::not_found(&format!("Subscription '{sid}' of user '{}'", u.uid)))?;
    Ok(entity(StatusCode::OK, &etag(s.row.version), super::subscriptions::subscription_json(&ctx, &s.row)))
}

pub async fn identities(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    let value = identities_of(&ctx, &u).await?;
    let n = value.len() as i64;
    Ok(ctx.collection(value, n, n, 0))
}

/// Emails the account a password-reset link (APIM's
/// passwordResetByAdminNotificationMessage). 204.
pub async fn send_password_reset(ctx: Ctx) -> Result<Response, ApiError> {
    let u = find(&ctx).await?;
    crate::recovery::service::send_by_admin(&ctx.state, &ctx.admin, &u.uid).await?;
    Ok(no_content())
}
