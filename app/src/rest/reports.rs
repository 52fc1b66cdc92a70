//! `…/reports/bySubscription`, `byProduct`, `byUser`, `byApi` and `byTime`:
//! APIM's Reports operations over the key check's counts (`usage`).
//!
//! `$filter` is required, as in APIM: `timestamp ge datetime'…' and
//! timestamp le datetime'…'`, optionally narrowed by `subscriptionId`,
//! `productId`, `userId` or `apiId` `eq '…'`. Gatehouse sees the key check,
//! not the backend: `callCountSuccess` is what the check allowed,
//! `callCountBlocked` what it refused (401, 403, 429), `callCountOther` a
//! path with no API or a 503, `callCountFailed` (backend errors),
//! `bandwidth`, cache counts and times are 0.
use super::{odata, ApiError, Ctx};
use crate::usage::repo::{By, Narrow, ReportRow};
use crate::usage::service;
use axum::response::Response;
use serde_json::{json, Value};

/// The parts of APIM's report filter Gatehouse answers.
#[derive(Debug, Default, PartialEq)]
pub struct ReportFilter {
    pub from: Option<i64>,
    /// Inclusive, as APIM's `le`.
    pub to: Option<i64>,
    pub subscription: Option<String>,
    pub product: Option<String>,
    pub user: Option<String>,
    pub api: Option<String>,
}

/// Parses `a op value and b op value …` with APIM's report fields.
pub fn parse_filter(f: &str) -> Result<ReportFilter, String> {
    let mut out = ReportFilter::default();
    for clause in split_and(f) {
        let clause = clause.trim();
        let mut parts = clause.splitn(3, ' ');
        let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("'{clause}' is not 'field operator value'"));
        };
        let field = field.trim_start_matches("properties/");
        let value = value.trim();
        let text = value
            .strip_prefix("datetime")
            .unwrap_or(value)
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .ok_or_else(|| format!("the value of '{field}' must be quoted: '{value}'"))?;
        match (field, op) {
            ("timestamp", "ge" | "gt") => {
                out.from = Some(odata::parse_date(text).ok_or_else(|| format!("'{text}' is not a date"))?)
            }
            ("timestamp", "le" | "lt") => {
                out.to = Some(odata::parse_date(text).ok_or_else(|| format!("'{text}' is not a date"))?)
            }
            ("timestamp", _) => return Err("timestamp takes ge and le".into()),
            ("subscriptionId" | "productId" | "userId" | "apiId", "eq") => {
                // APIM's ids are accepted whole or as their last segment.
                let id = text.rsplit('/').next().unwrap_or(text).to_string();
                match field {
                    "subscriptionId" => out.subscription = Some(id),
                    "productId" => out.product = Some(id),
                    "userId" => out.user = Some(id),
                    _ => out.api = Some(id),
                }
            }
            ("subscriptionId" | "productId" | "userId" | "apiId", _) => return Err(format!("{field} takes eq")),
            _ => {
                return Err(format!(
                    "'{field}' cannot be filtered; use timestamp, subscriptionId, productId, userId or apiId"
                ))
            }
        }
    }
    if out.from.is_none() || out.to.is_none() {
        return Err("the filter needs timestamp ge datetime'…' and timestamp le datetime'…'".into());
    }
    Ok(out)
}

/// Splits on ` and ` outside quotes.
fn split_and(f: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    let b = f.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            quoted = !quoted;
        } else if !quoted && f[i..].to_ascii_lowercase().starts_with(" and ") {
            parts.push(&f[start..i]);
            i += 5;
            start = i;
            continue;
        }
        i += 1;
    }
    parts.push(&f[start..]);
    parts
}

/// `PT15M`, `PT1H`, `P1D`, `P1DT12H` as minutes: a multiple of 15, not zero.
pub fn parse_interval(s: &str) -> Option<i64> {
    let rest = s.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut minutes = 0i64;
    if !days.is_empty() {
        minutes += days.strip_suffix('D')?.parse::<i64>().ok()? * 1440;
    }
    let mut num = String::new();
    for c in time.chars() {
        match c {
            '0'..='9' => num.push(c),
            'H' => minutes += std::mem::take(&mut num).parse::<i64>().ok()? * 60,
            'M' => minutes += std::mem::take(&mut num).parse::<i64>().ok()?,
            'S' if std::mem::take(&mut num).parse::<i64>().ok()? == 0 => {}
            _ => return None,
        }
    }
    (num.is_empty() && minutes > 0 && minutes % 15 == 0).then_some(minutes)
}

fn minutes_as_interval(m: i64) -> String {
    match (m / 1440, m % 1440 / 60, m % 60) {
        (d, 0, 0) => format!("P{d}D"),
        (0, h, 0) => format!("PT{h}H"),
        (0, 0, mi) => format!("PT{mi}M"),
        (d, h, mi) => format!("P{d}DT{h}H{mi}M"),
    }
}

async fn row_id(ctx: &Ctx, kind: &str, uid: &Option<String>) -> Result<Option<i64>, ApiError> {
    let Some(uid) = uid else { return Ok(None) };
    let mut conn = ctx.state.pool.acquire().await?;
    let id = crate::usage::repo::row_id(&mut conn, kind, uid).await?;
    // An id that names nothing has no calls: -1 matches no row.
    Ok(Some(id.unwrap_or(-1)))
}

async fn list(ctx: Ctx, by: Option<By>) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let raw = ctx.query("$filter").ok_or_else(|| {
        ApiError::invalid_field("$filter", "required: timestamp ge datetime'…' and timestamp le datetime'…'")
    })?;
    let f = parse_filter(raw).map_err(|e| ApiError::invalid_field("$filter", e))?;
    let by = match by {
        Some(b) => b,
        None => {
            let raw =
                ctx.query("interval").ok_or_else(|| ApiError::invalid_field("interval", "required, e.g. PT15M"))?;
            By::Time(parse_interval(raw).ok_or_else(|| {
                ApiError::invalid_field(
                    "interval",
                    format!("'{raw}' is not a duration like PT15M, PT1H or P1D (a multiple of 15 minutes)"),
                )
            })?)
        }
    };
    let narrow = Narrow {
        from: f.from.unwrap_or(0),
        // `le` is inclusive: up to the end of that second.
        to: f.to.unwrap_or(0) + 1,
        subscription: row_id(&ctx, "subscription", &f.subscription).await?,
        product: row_id(&ctx, "product", &f.product).await?,
        user: row_id(&ctx, "user", &f.user).await?,
        api: row_id(&ctx, "api", &f.api).await?,
    };
    let (rows, count) = service::report(&ctx.state, &ctx.admin, by, narrow, top, skip).await?;
    let mut conn = ctx.state.pool.acquire().await?;
    let mut value = Vec::with_capacity(rows.len());
    for r in &rows {
        value.push(record(&ctx, &mut conn, by, r).await?);
    }
    Ok(ctx.collection(value, count, top, skip))
}

/// APIM's ReportRecordContract for one row.
async fn record(ctx: &Ctx, conn: &mut crate::db::PoolConn, by: By, r: &ReportRow) -> Result<Value, ApiError> {
    let c = r.counts();
    let mut v = json!({
        "callCountSuccess": c.success,
        "callCountBlocked": c.blocked,
        "callCountFailed": c.failed,
        "callCountOther": c.other,
        "callCountTotal": c.total(),
        "bandwidth": 0,
        "cacheHitCount": 0,
        "cacheMissCount": 0,
        "apiTimeAvg": 0.0, "apiTimeMin": 0.0, "apiTimeMax": 0.0,
        "serviceTimeAvg": 0.0, "serviceTimeMin": 0.0, "serviceTimeMax": 0.0,
    });
    let kind = match by {
        By::Time(m) => {
            v["timestamp"] = json!(odata::format_date(r.key * 60));
            v["interval"] = json!(minutes_as_interval(m));
            return Ok(v);
        }
        By::Subscription => "subscription",
        By::Product => "product",
        By::User => "user",
        By::Api => "api",
    };
    let n = crate::usage::repo::describe(conn, kind, r.key).await?;
    v["name"] = json!(n.name);
    if let Some(s) = n.subscription {
        v["subscriptionId"] = json!(ctx.id(&format!("/subscriptions/{s}")));
    }
    if let Some(p) = n.product {
        v["productId"] = json!(ctx.id(&format!("/products/{p}")));
    }
    if let Some(u) = n.user {
        v["userId"] = json!(ctx.id(&format!("/users/{u}")));
    }
    if let Some(a) = n.api {
        v["apiId"] = json!(ctx.id(&format!("/apis/{a}")));
    }
    Ok(v)
}

pub async fn by_subscription(ctx: Ctx) -> Result<Response, ApiError> {
    list(ctx, Some(By::Subscription)).await
}
pub async fn by_product(ctx: Ctx) -> Result<Response, ApiError> {
    list(ctx, Some(By::Product)).await
}
pub async fn by_user(ctx: Ctx) -> Result<Response, ApiError> {
    list(ctx, Some(By::User)).await
}
pub async fn by_api(ctx: Ctx) -> Result<Response, ApiError> {
    list(ctx, Some(By::Api)).await
}
pub async fn by_time(ctx: Ctx) -> Result<Response, ApiError> {
    list(ctx, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apim_report_filters_are_read() {
        let f = parse_filter("timestamp ge datetime'2017-06-01T00:00:00' and timestamp le datetime'2017-06-04T00:00:00' and productId eq '/products/gold'").unwrap();
        assert_eq!((f.from, f.to), (Some(1496275200), Some(1496534400)));
        assert_eq!(f.product.as_deref(), Some("gold"));
        assert!(parse_filter("timestamp ge '2017-06-01'").unwrap_err().contains("timestamp le"));
        assert!(parse_filter("country eq 'NL'").unwrap_err().contains("cannot be filtered"));
        assert_eq!(parse_interval("PT15M"), Some(15));
        assert_eq!(parse_interval("P1DT1H"), Some(1500));
        assert_eq!(parse_interval("PT10M"), None);
        assert_eq!(parse_interval("PT0M"), None);
        assert_eq!(minutes_as_interval(60), "PT1H");
        assert_eq!(minutes_as_interval(1440), "P1D");
    }
}
