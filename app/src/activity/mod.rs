//! The activity log: every administrator change, who made it, when, what it
//! was before and after, and the reason typed in the confirmation.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod web;

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

/// What the Activity screen narrows to; every field empty means everything.
/// Text fields match anywhere, ignoring case; dates are UTC days, both ends
/// included (`YYYY-MM-DD`, as a date input gives them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    pub who: String,
    /// The kind of record changed: user, group, product, subscription, token, template or settings.
    pub kind: String,
    pub target: String,
    /// One record's uid, exactly (with `kind`): the history of a record that
    /// has no page of its own, such as a subscription.
    pub id: String,
    pub from: String,
    pub to: String,
}

/// The kinds of record the filter offers, with their names.
pub const KINDS: [(&str, crate::i18n::Msg); 8] = [
    ("user", crate::i18n::Msg::NavUsers),
    ("group", crate::i18n::Msg::NavGroups),
    ("product", crate::i18n::Msg::NavProducts),
    ("api", crate::i18n::Msg::NavApis),
    ("subscription", crate::i18n::Msg::NavSubscriptions),
    ("token", crate::i18n::Msg::NavTokens),
    ("template", crate::i18n::Msg::Templates),
    ("settings", crate::i18n::Msg::NavSettings),
];

/// The Activity screen narrowed to one record: the history of a record
/// without a page of its own.
pub fn history_href(kind: &str, uid: &str) -> String {
    format!("/admin/activity?kind={kind}&id={}", crate::url::percent_encode(uid))
}

impl ActivityFilter {
    /// The query string that brings this filter back (for paging and export).
    pub fn query(&self) -> String {
        [
            ("who", &self.who),
            ("kind", &self.kind),
            ("target", &self.target),
            ("id", &self.id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::url::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The first second of `from` and the first second after `to`, or an
    /// error naming the field that is not a date.
    pub fn range(&self) -> Result<(Option<i64>, Option<i64>), &'static str> {
        let day = |s: &str, field| if s.is_empty() { Ok(None) } else { unix_day(s).map(Some).ok_or(field) };
        Ok((day(&self.from, "from")?.map(|d| d * 86_400), day(&self.to, "to")?.map(|d| (d + 1) * 86_400)))
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's days_from_civil).
fn unix_day(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let (y, m, d): (i64, i64, i64) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
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
        // Ids logged to find a related record: its name is logged beside.
        .filter(|f| !LOOKUP_IDS.contains(&f.as_str()))
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

/// Fields that carry a related record's id for lookups (a membership's
/// group), not for reading: the record's name is logged beside them.
const LOOKUP_IDS: [&str; 1] = ["groupId"];

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
    fn filter_dates_are_whole_utc_days() {
        let f = ActivityFilter { from: "2026-12-07".into(), to: "2026-12-07".into(), ..Default::default() };
        let (from, to) = f.range().unwrap();
        assert_eq!(crate::components::format_time(from.unwrap()), "2026-12-07 00:00");
        assert_eq!(to.unwrap() - from.unwrap(), 86_400);
        assert_eq!(ActivityFilter { from: "7 Dec".into(), ..Default::default() }.range(), Err("from"));
        assert_eq!(ActivityFilter { to: "2026-13-01".into(), ..Default::default() }.range(), Err("to"));
        let q = ActivityFilter { who: "a b&c".into(), kind: "user".into(), ..Default::default() }.query();
        assert_eq!(q, "who=a%20b%26c&kind=user");
    }

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
