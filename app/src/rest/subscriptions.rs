//! `…/subscriptions`: APIM's Subscription operations, over
//! `subscriptions::service`. Keys never appear in reads; `listSecrets`
//! shows them (and is logged, as on the screen).
use super::{entity, etag, odata, ApiError, Ctx};
use crate::subscriptions::repo::{self as repo, Scope};
use crate::subscriptions::SubscriptionRow;
use axum::response::Response;
use http::StatusCode;
use serde_json::{json, Value};

const TYPE: &str = "Microsoft.ApiManagement/service/subscriptions";

/// APIM's SubscriptionContract (without the keys).
pub fn subscription_json(ctx: &Ctx, s: &SubscriptionRow) -> Value {
    json!({
        "id": ctx.id(&format!("/subscriptions/{}", s.uid)),
        "type": TYPE,
        "name": s.uid,
        "properties": {
            "ownerId": ctx.id(&format!("/users/{}", s.user_uid)),
            "scope": ctx.id(&format!("/products/{}", s.product_uid)),
            "displayName": s.name,
            "state": s.state,
            "createdDate": odata::format_date(s.created_at),
            "startDate": s.start_date.map(odata::format_date),
            "expirationDate": Value::Null,
            "endDate": s.end_date.map(odata::format_date),
            "notificationDate": Value::Null,
            "stateComment": s.state_comment,
            "allowTracing": false,
        }
    })
}

pub async fn list_in(ctx: &Ctx, scope: Scope) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let filter = ctx.filter(&odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let mut conn = ctx.state.pool.acquire().await?;
    let (rows, count) = repo::api_list(&mut conn, scope, filter.as_ref(), top, skip).await?;
    Ok(ctx.collection(rows.iter().map(|s| subscription_json(ctx, s)).collect(), count, top, skip))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    list_in(&ctx, Scope::All).await
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let sid = ctx.param("sid");
    let mut conn = ctx.state.pool.acquire().await?;
    let s = repo::by_uid(&mut conn, sid).await?.ok_or_else(|| ApiError::not_found(&format!("Subscription '{sid}'")))?;
    Ok(entity(StatusCode::OK, &etag(s.row.version), subscription_json(&ctx, &s.row)))
}
