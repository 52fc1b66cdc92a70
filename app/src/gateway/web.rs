//! `GET /gateway/check` (any method; also `/gateway/check/<original path>`
//! for Envoy's path prefix). The key comes from the `Ocp-Apim-Subscription-Key`
//! header, else from a `subscription-key` query parameter of this request or
//! of the original request as nginx (`X-Original-URI`) or Traefik
//! (`X-Forwarded-Uri`) pass it on.
//!
//! The original request's path comes from `X-Original-URI` (nginx),
//! `X-Forwarded-Uri` (Traefik) or the `/gateway/check/<path>` suffix (Envoy);
//! it picks the API by the longest path prefix, and the key must open that
//! API (its product holds it, or the key is for that API or every API).
//!
//! 200: the key belongs to an active subscription of an active account and
//! opens the API; the `Gatehouse-Subscription-Id`, `-Product-Id`, `-User-Id`,
//! `-Api-Id` and `-Key` headers say whose; or the API needs no key. 401: no
//! key or an unknown one. 403: a known key that may not call now, or not this
//! API. 404: no API at this path. 429: over the product's rate limit or
//! quota, with `Retry-After`; an allowed call under limits carries
//! `Gatehouse-Rate-Limit-Remaining` / `-Reset` and `Gatehouse-Quota-Remaining`
//! / `-Reset` (seconds). The body is a short reason.
use super::meter::Refusal;
use super::{Gate, Verdict};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::borrow::Cow;
use std::sync::Arc;

pub const KEY_HEADER: &str = "ocp-apim-subscription-key";
pub const KEY_PARAM: &str = "subscription-key";

pub async fn check(State(gate): State<Arc<Gate>>, req: Request) -> Response {
    let verdict = gate.check(key_of(&req).as_deref(), path_of(&req));
    respond(verdict)
}

const PREFIX: &str = "/gateway/check";

/// The original request's path (with its query, which the matching ignores),
/// as the gateway passed it on; None when it passed none.
pub fn path_of(req: &Request) -> Option<&str> {
    for h in ["x-original-uri", "x-forwarded-uri"] {
        if let Some(uri) = req.headers().get(h).and_then(|v| v.to_str().ok()) {
            return Some(uri);
        }
    }
    let rest = req.uri().path().strip_prefix(PREFIX)?;
    rest.starts_with('/').then_some(rest)
}

/// The key as the gateway passed it on (borrowed from the header, the
/// common case: nothing is copied on the check's path).
pub fn key_of(req: &Request) -> Option<Cow<'_, str>> {
    if let Some(v) = req.headers().get(KEY_HEADER).and_then(|v| v.to_str().ok()) {
        return Some(Cow::Borrowed(v));
    }
    if let Some(k) = req.uri().query().and_then(param) {
        return Some(Cow::Owned(k));
    }
    for h in ["x-original-uri", "x-forwarded-uri"] {
        if let Some(uri) = req.headers().get(h).and_then(|v| v.to_str().ok()) {
            if let Some(k) = uri.split_once('?').and_then(|(_, q)| param(q)) {
                return Some(Cow::Owned(k));
            }
        }
    }
    None
}

fn param(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == KEY_PARAM).then(|| percent_decode(v))
    })
}

// The answer's header names, made once: a name given as text would be
// parsed and checked again on every check.
const REASON: HeaderName = HeaderName::from_static("gatehouse-reason");
const RATE_REMAINING: HeaderName = HeaderName::from_static("gatehouse-rate-limit-remaining");
const RATE_RESET: HeaderName = HeaderName::from_static("gatehouse-rate-limit-reset");
const QUOTA_REMAINING: HeaderName = HeaderName::from_static("gatehouse-quota-remaining");
const QUOTA_RESET: HeaderName = HeaderName::from_static("gatehouse-quota-reset");
const SUBSCRIPTION_ID: HeaderName = HeaderName::from_static("gatehouse-subscription-id");
const PRODUCT_ID: HeaderName = HeaderName::from_static("gatehouse-product-id");
const API_ID: HeaderName = HeaderName::from_static("gatehouse-api-id");
const USER_ID: HeaderName = HeaderName::from_static("gatehouse-user-id");
const KEY: HeaderName = HeaderName::from_static("gatehouse-key");

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(v: Verdict) -> Response {
    let (status, reason) = match &v {
        Verdict::Allowed { .. } | Verdict::Open { .. } => (StatusCode::OK, "ok"),
        Verdict::NoApi => (StatusCode::NOT_FOUND, "no API at this path"),
        Verdict::Limited(Refusal::Rate { .. }) => (StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded"),
        Verdict::Limited(Refusal::Quota { .. }) => (StatusCode::TOO_MANY_REQUESTS, "quota exceeded"),
        Verdict::Unauthenticated(r) => (StatusCode::UNAUTHORIZED, *r),
        Verdict::Forbidden(r) => (StatusCode::FORBIDDEN, *r),
        Verdict::Unavailable(r) => (StatusCode::SERVICE_UNAVAILABLE, *r),
    };
    let mut res = Response::new(Body::from(reason));
    *res.status_mut() = status;
    // Room for every header an answer carries, so the map never grows.
    *res.headers_mut() = HeaderMap::with_capacity(16);
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Verdict::Allowed { subscription, product, user, slot, api, remaining } = v {
        if let Some((left, reset)) = remaining.rate {
            h.insert(RATE_REMAINING, HeaderValue::from(left));
            h.insert(RATE_RESET, HeaderValue::from(reset));
        }
        if let Some((left, reset)) = remaining.quota {
            h.insert(QUOTA_REMAINING, HeaderValue::from(left));
            h.insert(QUOTA_RESET, HeaderValue::from(reset));
        }
        h.insert(SUBSCRIPTION_ID, subscription);
        if let Some(p) = product {
            h.insert(PRODUCT_ID, p);
        }
        if let Some(a) = api {
            h.insert(API_ID, a);
        }
        h.insert(USER_ID, user);
        h.insert(KEY, HeaderValue::from_static(slot.as_str()));
    } else if let Verdict::Open { api } = v {
        h.insert(API_ID, api);
    } else if let Verdict::Limited(r) = v {
        let (Refusal::Rate { retry_after } | Refusal::Quota { retry_after }) = r;
        h.insert(REASON, HeaderValue::from_static(reason));
        h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    } else {
        h.insert(REASON, HeaderValue::from_static(reason));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if status == StatusCode::UNAUTHORIZED {
            // What APIM's gateway answers: which header carries the key.
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("SubscriptionKey header=\"Ocp-Apim-Subscription-Key\""),
            );
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn the_key_is_found_where_gateways_put_it() {
        assert_eq!(key_of(&req("/gateway/check", &[("Ocp-Apim-Subscription-Key", "abc")])).as_deref(), Some("abc"));
        assert_eq!(key_of(&req("/gateway/check?x=1&subscription-key=a%2Fb", &[])).as_deref(), Some("a/b"));
        assert_eq!(
            key_of(&req("/gateway/check", &[("X-Original-URI", "/api/orders?subscription-key=k1")])).as_deref(),
            Some("k1")
        );
        assert_eq!(
            key_of(&req("/gateway/check/api/orders?subscription-key=k2", &[])).as_deref(),
            Some("k2"),
            "Envoy's path prefix"
        );
        assert_eq!(key_of(&req("/gateway/check?subscription-key-x=1", &[])), None);
        assert_eq!(percent_decode("a%"), "a%");
    }

    #[test]
    fn the_path_is_found_where_gateways_put_it() {
        assert_eq!(path_of(&req("/gateway/check", &[])), None);
        assert_eq!(path_of(&req("/gateway/check/orders/1?x=1", &[])), Some("/orders/1"));
        assert_eq!(path_of(&req("/gateway/check", &[("X-Original-URI", "/a/b?k=1")])), Some("/a/b?k=1"));
        assert_eq!(path_of(&req("/gateway/check", &[("X-Forwarded-Uri", "/c")])), Some("/c"));
        assert_eq!(path_of(&req("/gateway/checkx", &[])), None);
        assert_eq!(percent_decode("%4"), "%4");
    }
}
