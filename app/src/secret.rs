//! A secret value (a subscription key, an access token, a password, a
//! password hash): carried and serialised like a string, but its `Debug`
//! prints a redaction, so a log line or a panic message that formats the
//! value holding it cannot leak it. Reading it takes `expose()`, which is
//! easy to find in review.
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***SECRET***")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_output_of_every_type_holding_a_secret_is_redacted() {
        let keys = crate::subscriptions::SubscriptionKeys {
            primary: "0123456789abcdef0123456789abcdef".to_string().into(),
            secondary: "fedcba9876543210fedcba9876543210".to_string().into(),
        };
        let text = format!("{keys:?}");
        assert!(!text.contains("0123456789abcdef") && !text.contains("fedcba98"), "{text}");
        assert_eq!(serde_json::to_value(&keys).unwrap()["primary"], "0123456789abcdef0123456789abcdef");
        let token = crate::access_tokens::CreatedToken {
            row: crate::access_tokens::TokenRow {
                uid: "t1".into(),
                name: "CI".into(),
                prefix: "ghat_sec".into(),
                owner_email: "a@example.com".into(),
                created_at: 0,
                expires_at: None,
                last_used_at: None,
                revoked_at: None,
                state: crate::access_tokens::TokenState::Active,
            },
            token: "ghat_secretsecretsecret".to_string().into(),
        };
        assert!(!format!("{token:?}").contains("secretsecret"));
        #[cfg(feature = "ssr")]
        {
            let creds = crate::users::repo::Credentials {
                id: 1,
                state: "active".into(),
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string().into()),
                must_change_password: false,
                is_admin: false,
            };
            assert!(!format!("{creds:?}").contains("argon2id"));
        }
    }
}
