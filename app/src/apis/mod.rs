//! APIs: what a product bundles. An API is found by the URL prefix the
//! gateway routes to it (its path); a subscription key opens the APIs of its
//! product, one API, or every API (APIM's subscription scopes), and the key
//! check matches the request's path to an API by the longest prefix.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reference;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod spec;

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

/// An API's reference, read on the server from its OpenAPI document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// "OpenAPI 3.0.3" or "Swagger 2.0".
    pub format: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// operationId, or one made from the method and path (an anchor on the page).
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// The request body's media types, if the operation takes one.
    pub body: Option<String>,
    pub responses: Vec<Response>,
    pub deprecated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// query, header, path, cookie (and 2.0's body, formData).
    pub location: String,
    pub required: bool,
    /// The schema's type and format, e.g. "integer (int64)"; may be empty.
    pub kind: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub code: String,
    pub description: String,
}

/// An API as the portal shows it: on a product's page and its reference page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalApi {
    pub uid: String,
    pub name: String,
    pub description: String,
    pub path: String,
    pub subscription_required: bool,
    pub has_spec: bool,
}

/// The reference page: the API, the products the visitor can see that hold
/// it (uid, name), and its reference if a document was uploaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencePage {
    pub api: PortalApi,
    pub products: Vec<(String, String)>,
    pub reference: Option<Reference>,
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
