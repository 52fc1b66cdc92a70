//! The activity log: every administrator change, who made it, when, what it
//! was before and after, and the reason typed in the confirmation.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_uid: String,
    pub target_label: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub rows: Vec<ActivityEntry>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Who made a change: an administrator, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<crate::users::UserId>,
    pub label: String,
}

impl Actor {
    pub fn cli() -> Actor {
        Actor { id: None, label: "command line".into() }
    }

    /// The retention job, deleting what outlived its period.
    pub fn retention() -> Actor {
        Actor { id: None, label: "retention".into() }
    }
}

pub const MAX_REASON: usize = 500;

/// One field of a change, as the Activity screen shows it: "State: active →
/// blocked". Values of secret fields are never shown, only that they changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name as logged (`firstName`, `state`).
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub secret: bool,
}

/// The fields that differ between the logged before and after (JSON
/// objects); for a creation, every field after; for a deletion, every field
/// before. Anything that is not an object is one unnamed field.
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    use serde_json::Value;
    let parse = |s: Option<&str>| s.map(|s| serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.into())));
    let (before, after) = (parse(before), parse(after));
    let as_object = |v: &Option<Value>| match v {
        None => Some(serde_json::Map::new()),
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => None,
    };
    let (Some(b), Some(a)) = (as_object(&before), as_object(&after)) else {
        return vec![FieldChange {
            field: String::new(),
            before: before.as_ref().map(plain_value),
            after: after.as_ref().map(plain_value),
            secret: false,
        }];
    };
    // The after's order first (the order the service wrote), then fields only before had.
    let mut fields: Vec<&String> = a.keys().collect();
    fields.extend(b.keys().filter(|k| !a.contains_key(*k)));
    fields
        .into_iter()
        .filter(|f| b.get(*f) != a.get(*f))
        // A new record's empty fields say nothing.
        .filter(|f| before.is_some() || a.get(*f).is_some_and(|v| plain_value(v) != "—"))
        .map(|f| FieldChange {
            field: f.clone(),
            before: b.get(f).map(plain_value),
            after: a.get(f).map(plain_value),
            secret: is_secret(f),
        })
        .collect()
}

/// A logged value in plain words: no quotes, lists joined by commas.
fn plain_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items.iter().map(plain_value).collect::<Vec<_>>().join(", "),
        Value::Object(m) => m.iter().map(|(k, v)| format!("{k}: {}", plain_value(v))).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// Fields whose values are never shown, whatever a service logs.
fn is_secret(field: &str) -> bool {
    let f = field.to_ascii_lowercase();
    f == "password" || f.ends_with("key") && f != "key" || ["hash", "secret", "token"].iter().any(|s| f.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_fields_and_hide_secrets() {
        let c = field_changes(Some(r#"{"state":"active","name":"A"}"#), Some(r#"{"state":"blocked","name":"A"}"#));
        assert_eq!(
            c,
            vec![FieldChange {
                field: "state".into(),
                before: Some("active".into()),
                after: Some("blocked".into()),
                secret: false
            }]
        );
        let created = field_changes(None, Some(r#"{"groups":["Partners","Guests"],"published":true}"#));
        assert_eq!(created[0].after.as_deref(), Some("Partners, Guests"));
        assert_eq!(created[0].before, None);
        assert_eq!(created[1].after.as_deref(), Some("true"));
        let sparse = field_changes(None, Some(r#"{"name":"A","description":"","limit":null}"#));
        assert_eq!(sparse.len(), 1, "a creation lists only the fields it set");
        let keys = field_changes(Some(r#"{"primaryKey":"old"}"#), Some(r#"{"primaryKey":"new","key":"primary"}"#));
        assert!(keys.iter().find(|c| c.field == "primaryKey").unwrap().secret);
        assert!(!keys.iter().find(|c| c.field == "key").unwrap().secret, "the slot name is not a secret");
        assert_eq!(field_changes(None, Some("\"x\""))[0].after.as_deref(), Some("x"));
    }
}
