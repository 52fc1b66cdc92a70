//! Groups decide what developers can see. Three system groups exist from the
//! first start (seeded by the first migration) and are never renamed or deleted.
#[cfg(feature = "ssr")]
pub mod repo;

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
