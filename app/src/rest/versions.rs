//! The api-versions this API answers to, and what differs between them.
//! A request names exactly one; anything else is refused with the list, so a
//! client generated from `/openapi.json` (which declares the same list) never
//! sends one the server would refuse.

/// Oldest first: comparisons go by position.
pub const SUPPORTED: &[&str] = &[
    "2022-08-01",
    "2022-09-01-preview",
    "2023-03-01-preview",
    "2023-05-01-preview",
    "2023-09-01-preview",
    "2024-05-01",
];

/// One of [`SUPPORTED`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion(usize);

impl ApiVersion {
    /// ARM compares api-versions without regard to case.
    pub fn parse(v: &str) -> Option<Self> {
        SUPPORTED.iter().position(|s| s.eq_ignore_ascii_case(v.trim())).map(ApiVersion)
    }

    pub fn as_str(self) -> &'static str {
        SUPPORTED[self.0]
    }

    fn at_least(self, v: &str) -> bool {
        Self::parse(v).is_some_and(|o| self >= o)
    }

    /// From 2023-05-01-preview on, `User_Delete` is a long-running operation
    /// answering 202 (still running) or 204 (done); before it, 200 or 204.
    /// Gatehouse deletes within the request, so it answers 204 there: the
    /// SDK's poller sees a finished operation.
    pub fn user_delete_is_long_running(self) -> bool {
        self.at_least("2023-05-01-preview")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_known_exactly_and_ordered() {
        assert!(ApiVersion::parse("2022-08-01").is_some());
        assert!(ApiVersion::parse("2024-05-01").is_some());
        assert!(ApiVersion::parse("2023-09-01-PREVIEW").is_some());
        assert!(ApiVersion::parse("2021-08-01").is_none());
        assert!(ApiVersion::parse("2030-01-01").is_none());
        assert!(ApiVersion::parse("").is_none());
        let v = |s| ApiVersion::parse(s).unwrap();
        assert!(!v("2022-08-01").user_delete_is_long_running());
        assert!(!v("2023-03-01-preview").user_delete_is_long_running());
        assert!(v("2023-05-01-preview").user_delete_is_long_running());
        assert!(v("2024-05-01").user_delete_is_long_running());
        assert!(SUPPORTED.windows(2).all(|w| w[0] < w[1]), "oldest first");
    }
}
