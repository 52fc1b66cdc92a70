//! Building URLs, the same on the server and in the browser.

/// Percent-encodes everything but RFC 3986's unreserved characters: safe in
/// a query value, a path segment or a `next=` parameter.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
