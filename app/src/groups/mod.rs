//! Groups decide what developers can see. Three system groups exist from the
//! first start (seeded by the first migration) and are never renamed or
//! deleted; custom and external groups are the administrators' own.
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemGroup {
    Administrators,
    Developers,
    Guests,
}

impl SystemGroup {
    /// The fixed resource name (APIM's groupId).
    pub fn uid(self) -> &'static str {
        match self {
            SystemGroup::Administrators => "administrators",
            SystemGroup::Developers => "developers",
            SystemGroup::Guests => "guests",
        }
    }
}

/// System groups are shown in the page's language; their stored names stay
/// the APIM names (no custom group can take them: names are unique).
pub fn display_name(name: &str, lang: crate::i18n::Lang) -> String {
    use crate::i18n::Msg;
    match name {
        "Administrators" => Msg::StatAdmins.text(lang).into(),
        "Developers" => Msg::GroupDevelopers.text(lang).into(),
        "Guests" => Msg::GroupGuests.text(lang).into(),
        other => other.into(),
    }
}

/// Several group names, each shown as `display_name` does, joined by commas.
pub fn display_names(names: &[String], lang: crate::i18n::Lang) -> String {
    names.iter().map(|n| display_name(n, lang)).collect::<Vec<_>>().join(", ")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    System,
    Custom,
    External,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::System => "system",
            GroupKind::Custom => "custom",
            GroupKind::External => "external",
        }
    }
    pub fn parse(s: &str) -> Option<GroupKind> {
        match s {
            "system" => Some(GroupKind::System),
            "custom" => Some(GroupKind::Custom),
            "external" => Some(GroupKind::External),
            _ => None,
        }
    }
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            GroupKind::System => Msg::KindSystem,
            GroupKind::Custom => Msg::KindCustom,
            GroupKind::External => Msg::KindExternal,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub uid: String,
    pub name: String,
    pub kind: GroupKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: GroupKind,
    pub external_id: Option<String>,
    pub members: i64,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GroupForm {
    pub name: String,
    pub description: String,
    /// Only for external groups: the identity provider's group reference.
    pub external_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDeletePreview {
    pub name: String,
    pub members: i64,
    pub product_links: i64,
}

pub const MAX_GROUP_NAME: usize = 300;
pub const MAX_GROUP_DESCRIPTION: usize = 1000;

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    #[test]
    fn system_groups_are_shown_in_the_page_language() {
        assert_eq!(super::display_name("Developers", Lang::Nl), "Ontwikkelaars");
        assert_eq!(super::display_name("Administrators", Lang::En), "Administrators");
        assert_eq!(super::display_name("Beta testers", Lang::Nl), "Beta testers");
        let names = vec!["Administrators".to_string(), "Guests".to_string()];
        assert_eq!(super::display_names(&names, Lang::Nl), "Beheerders, Gasten");
    }
}
