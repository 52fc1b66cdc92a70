//! Resource names (uids) for what administrators create: the one the REST
//! caller chose, or a readable one made from the display name ("Partner
//! APIs" -> "partner-apis", then "partner-apis-2"...). Each domain says
//! whether a name is taken, in its own table.
use crate::db::Conn;
use crate::error::ServiceError;
use std::future::Future;
use std::pin::Pin;

/// A readable resource name from a display name: "Partner APIs" ->
/// "partner-apis"; `fallback` when nothing readable is left ("!!!").
pub fn slug(name: &str, fallback: &str) -> String {
    let mut s = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s: String = s.trim_end_matches('-').chars().take(60).collect();
    if s.is_empty() {
        fallback.into()
    } else {
        s
    }
}

/// Whether a uid is taken (a domain's `repo::uid_taken`).
pub type Taken =
    for<'a> fn(&'a mut dyn Conn, &'a str) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'a>>;

/// The uid for a new record, in the caller's transaction: `chosen` if it is
/// free (Conflict if not, as APIM's PUT with If-None-Match), else the first
/// free one of slug, slug-2, slug-3...
pub async fn pick(
    conn: &mut dyn Conn,
    chosen: Option<&str>,
    name: &str,
    fallback: &str,
    taken: Taken,
) -> Result<String, ServiceError> {
    if let Some(uid) = chosen {
        return if taken(conn, uid).await? { Err(ServiceError::Conflict) } else { Ok(uid.to_string()) };
    }
    let base = slug(name, fallback);
    let mut uid = base.clone();
    let mut n = 2;
    while taken(conn, &uid).await? {
        uid = format!("{base}-{n}");
        n += 1;
    }
    Ok(uid)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_readable() {
        assert_eq!(super::slug("Partner APIs", "group"), "partner-apis");
        assert_eq!(super::slug("  Ünïcode & co. ", "group"), "n-code-co");
        assert_eq!(super::slug("!!!", "group"), "group");
    }
}
