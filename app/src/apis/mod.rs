//! APIs: what a product bundles. An API is found by the URL prefix the
//! gateway routes to it (its path); a subscription key opens the APIs of its
//! product, one API, or every API (APIM's subscription scopes), and the key
//! check matches the request's path to an API by the longest prefix.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

/// The protocols APIM lets an API speak.
pub const PROTOCOLS: [&str; 4] = ["http", "https", "ws", "wss"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRow {
    pub uid: String,
    pub name: String,
    pub description: String,
    /// Without leading or trailing '/'; '' is the API at the root.
    pub path: String,
    pub protocols: Vec<String>,
    pub service_url: Option<String>,
    pub subscription_required: bool,
    /// Whether an OpenAPI document was uploaded.
    pub has_spec: bool,
    /// How many products hold it.
    pub products: i64,
    pub version: i64,
}

/// What the create and edit forms (and the REST API) send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApiForm {
    pub name: String,
    pub description: String,
    pub path: String,
    pub protocols: Vec<String>,
    pub service_url: String,
    pub subscription_required: bool,
}

/// What goes with an API when it is deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDeletePreview {
    pub name: String,
    /// Products that hold it (they stay, without it).
    pub products: Vec<String>,
    /// Subscriptions scoped to this API alone (deleted with it).
    pub subscriptions: i64,
}

pub const MAX_API_NAME: usize = 300;
pub const MAX_API_DESCRIPTION: usize = 1000;
/// APIM's limit on an API's path.
pub const MAX_API_PATH: usize = 400;
pub const MAX_SERVICE_URL: usize = 2000;

/// An API path as stored: surrounding '/' and blanks removed. None when it
/// has an empty segment ("a//b"), a character a URL path cannot carry
/// unescaped, or a "." or ".." segment (a gateway would normalise those
/// away, and the API would never match).
pub fn normalise_path(raw: &str) -> Option<String> {
    let p = raw.trim().trim_matches('/');
    if p.is_empty() {
        return Some(String::new());
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%".contains(c);
    for seg in p.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || !seg.chars().all(ok_char) {
            return None;
        }
    }
    Some(p.to_string())
}

/// The request path's candidate API paths, longest first: "a/b/c", "a/b",
/// "a", "". The query and a fragment are not part of the path.
pub fn prefixes(request_path: &str) -> impl Iterator<Item = &str> {
    let p = request_path.split(['?', '#']).next().unwrap_or("");
    let p = p.trim_matches('/');
    let mut next = Some(p);
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur.is_empty() { None } else { Some(cur.rsplit_once('/').map(|(a, _)| a).unwrap_or("")) };
        Some(cur)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_stored_without_surrounding_slashes() {
        assert_eq!(normalise_path(" /orders/v1/ ").as_deref(), Some("orders/v1"));
        assert_eq!(normalise_path("/").as_deref(), Some(""));
        assert_eq!(normalise_path("a//b"), None);
        assert_eq!(normalise_path("a/../b"), None);
        assert_eq!(normalise_path("a b"), None);
        assert_eq!(normalise_path("a?b"), None);
    }

    #[test]
    fn prefixes_go_from_longest_to_the_root() {
        let v: Vec<&str> = prefixes("/orders/v1/items?x=/y").collect();
        assert_eq!(v, ["orders/v1/items", "orders/v1", "orders", ""]);
        let v: Vec<&str> = prefixes("/").collect();
        assert_eq!(v, [""]);
        let v: Vec<&str> = prefixes("orders/").collect();
        assert_eq!(v, ["orders", ""]);
    }
}
