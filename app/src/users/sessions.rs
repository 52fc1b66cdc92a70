//! An account's sessions as people see them: developers on their profile
//! (ending any of their own), administrators on the user page ("Sign out
//! everywhere"). The sessions table itself is `auth::sessions`.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Names the session to end it (see `auth::sessions::reference`).
    pub reference: String,
    pub started_at: i64,
    pub last_seen_at: i64,
    /// The address the sign-in came from.
    pub client_addr: Option<String>,
    /// "Firefox", "Chrome", …; None when the browser did not say.
    pub browser: Option<String>,
    /// "Windows", "Linux", …
    pub system: Option<String>,
    /// The session this page was asked from.
    pub current: bool,
}

/// The browser and operating system a User-Agent names, in the words people
/// use. Order matters: Edge and Opera also say "Chrome", Chrome also says
/// "Safari", and Android also says "Linux".
pub fn describe(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chromium (headless)"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Windows", "Windows"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| table.iter().find(|(k, _)| user_agent.contains(k)).map(|(_, v)| *v);
    (find(&BROWSERS), find(&SYSTEMS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(describe(chrome), (Some("Chrome"), Some("Linux")));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 \
                    Safari/537.36 Edg/131.0.0.0";
        assert_eq!(describe(edge), (Some("Edge"), Some("Windows")));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                      Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone), (Some("Safari"), Some("iOS")));
        let android =
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        assert_eq!(describe(android), (Some("Chrome"), Some("Android")));
        assert_eq!(
            describe("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0"),
            (Some("Firefox"), Some("macOS"))
        );
        assert_eq!(describe("something else"), (None, None));
    }
}
