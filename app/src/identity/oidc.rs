//! Talking to an OpenID provider: its discovery document, its signing keys
//! (cached, fetched again when a token names a key not yet seen, which is how
//! providers rotate keys) and its token endpoint.
use super::jwt::{self, JwkSet, JwtError};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a discovery document is trusted before it is read again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// Keys are fetched again for an unknown `kid` at most this often, unless
/// the token names another key than the last fetch was for (a rotation
/// right after a fetch), so bad tokens cannot make Gatehouse hammer the
/// provider.
const JWKS_REFETCH_GAP: Duration = Duration::from_secs(5);
/// Providers' answers are small; a larger one is refused.
const MAX_BODY: usize = 512 * 1024;

#[derive(Deserialize, Clone, Debug)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

#[derive(Debug)]
pub enum OidcError {
    /// The provider could not be reached or answered something unusable.
    Provider(String),
    /// The token endpoint refused the code (used, expired, wrong client).
    Refused(String),
    Token(JwtError),
}

impl std::fmt::Display for OidcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OidcError::Provider(e) => write!(f, "provider unusable: {e}"),
            OidcError::Refused(e) => write!(f, "token endpoint refused the code: {e}"),
            OidcError::Token(e) => e.fmt(f),
        }
    }
}

struct Cached {
    discovery: Arc<Discovery>,
    read_at: Instant,
    keys: Arc<JwkSet>,
    keys_at: Instant,
    /// The key id whose absence caused the last fetch.
    fetched_for: Option<String>,
}

/// Shared by every request (in `AppState`): one HTTP client with its
/// connection pool, and what each issuer published.
pub struct Client {
    http: reqwest::Client,
    cache: Mutex<HashMap<String, Cached>>,
}

impl Default for Client {
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Gatehouse")
            .build()
            .expect("the HTTP client's TLS set-up");
        Client { http, cache: Mutex::default() }
    }
}

/// Whether an issuer URL may be used: HTTPS, or plain HTTP only to this
/// machine (a provider in a test, or behind the same host's proxy).
pub fn acceptable_url(raw: &str) -> bool {
    let Ok(u) = url::Url::parse(raw) else { return false };
    if u.query().is_some() || u.fragment().is_some() || u.username() != "" || u.password().is_some() {
        return false;
    }
    match u.scheme() {
        "https" => u.host().is_some(),
        "http" => matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        _ => false,
    }
}

/// 32 random bytes in base64url: state, nonce and the PKCE verifier.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    B64.encode(b)
}

/// PKCE's S256 challenge of a verifier (RFC 7636).
pub fn challenge(verifier: &str) -> String {
    use sha2::{Digest, Sha256};
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

impl Client {
    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, OidcError> {
        if !acceptable_url(url) {
            return Err(OidcError::Provider(format!("{url} is not an HTTPS URL")));
        }
        let res = self.http.get(url).send().await.map_err(|e| OidcError::Provider(format!("{url}: {e}")))?;
        if !res.status().is_success() {
            return Err(OidcError::Provider(format!("{url} answered {}", res.status())));
        }
        let body = res.bytes().await.map_err(|e| OidcError::Provider(e.to_string()))?;
        if body.len() > MAX_BODY {
            return Err(OidcError::Provider(format!("{url} answered more than {MAX_BODY} bytes")));
        }
        serde_json::from_slice(&body).map_err(|e| OidcError::Provider(format!("{url}: {e}")))
    }

    /// The issuer's discovery document, from the cache when fresh. For a
    /// provider configured by its issuer (`oidc`) the document must name the
    /// same issuer (OpenID Connect Discovery 4.3).
    pub async fn discover(&self, issuer: &str, must_match: bool) -> Result<Arc<Discovery>, OidcError> {
        let issuer = issuer.trim_end_matches('/');
        if let Some(c) = self.cache.lock().unwrap().get(issuer) {
            if c.read_at.elapsed() < DISCOVERY_TTL {
                return Ok(c.discovery.clone());
            }
        }
        let d: Discovery = self.get_json(&format!("{issuer}/.well-known/openid-configuration")).await?;
        if must_match && d.issuer.trim_end_matches('/') != issuer {
            return Err(OidcError::Provider(format!("the discovery document names issuer {}", d.issuer)));
        }
        for url in [&d.authorization_endpoint, &d.token_endpoint, &d.jwks_uri] {
            if !acceptable_url(url) {
                return Err(OidcError::Provider(format!("{url} is not an HTTPS URL")));
            }
        }
        let keys: JwkSet = self.get_json(&d.jwks_uri).await?;
        let d = Arc::new(d);
        let now = Instant::now();
        self.cache.lock().unwrap().insert(
            issuer.to_string(),
            Cached { discovery: d.clone(), read_at: now, keys: Arc::new(keys), keys_at: now, fetched_for: None },
        );
        Ok(d)
    }

    /// Forgets what an issuer published (its provider was changed).
    pub fn forget(&self, issuer: &str) {
        self.cache.lock().unwrap().remove(issuer.trim_end_matches('/'));
    }

    /// Exchanges the code for tokens and returns the ID token's verified
    /// claims. The code is sent with the PKCE verifier and the client's
    /// secret (HTTP Basic unless the provider only takes it in the form).
    #[allow(clippy::too_many_arguments)]
    pub async fn redeem(
        &self,
        issuer: &str,
        d: &Discovery,
        client_id: &str,
        client_secret: &str,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        want: &jwt::Expected<'_>,
    ) -> Result<serde_json::Map<String, Value>, OidcError> {
        let basic = d.token_endpoint_auth_methods_supported.as_ref().is_none_or(|m| {
            m.iter().any(|x| x == "client_secret_basic") || !m.iter().any(|x| x == "client_secret_post")
        });
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        let mut req = self.http.post(&d.token_endpoint);
        if basic {
            // RFC 6749 2.3.1: both parts form-encoded before base64.
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let cred = STANDARD.encode(format!("{}:{}", enc(client_id), enc(client_secret)));
            req = req.header(http::header::AUTHORIZATION, format!("Basic {cred}"));
        } else {
            form.push(("client_id", client_id));
            form.push(("client_secret", client_secret));
        }
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        let res = req
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(|e| OidcError::Provider(e.to_string()))?;
        if bytes.len() > MAX_BODY {
            return Err(OidcError::Provider("token endpoint answered too much".into()));
        }
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            let why = json.get("error").and_then(Value::as_str).unwrap_or("no error code").to_string();
            return Err(OidcError::Refused(format!("{status}: {why}")));
        }
        let id_token = json
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Provider("the token answer has no id_token".into()))?;
        let claims = self.verify(issuer, d, id_token).await?;
        jwt::check_claims(&claims, want).map_err(OidcError::Token)?;
        Ok(claims)
    }

    /// Verifies with the cached keys; for a key not among them, fetches the
    /// keys again (at most once per gap) and tries once more.
    async fn verify(
        &self,
        issuer: &str,
        d: &Discovery,
        token: &str,
    ) -> Result<serde_json::Map<String, Value>, OidcError> {
        let issuer = issuer.trim_end_matches('/');
        let cached = self.cache.lock().unwrap().get(issuer).map(|c| (c.keys.clone(), c.keys_at, c.fetched_for.clone()));
        let fetched_now = cached.is_none();
        let (keys, keys_at, fetched_for) = match cached {
            Some(k) => k,
            None => (Arc::new(self.get_json::<JwkSet>(&d.jwks_uri).await?), Instant::now(), None),
        };
        let kid = jwt::key_id(token);
        let may_fetch = fetched_now || keys_at.elapsed() >= JWKS_REFETCH_GAP || fetched_for != kid;
        match jwt::verify(token, &keys) {
            Err(JwtError::UnknownKey) if may_fetch => {
                let fresh: JwkSet = self.get_json(&d.jwks_uri).await?;
                let fresh = Arc::new(fresh);
                if let Some(c) = self.cache.lock().unwrap().get_mut(issuer) {
                    c.keys = fresh.clone();
                    c.keys_at = Instant::now();
                    c.fetched_for = kid;
                }
                jwt::verify(token, &fresh).map_err(OidcError::Token)
            }
            other => other.map_err(OidcError::Token),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_machine() {
        assert!(acceptable_url("https://login.example.com/tenant/v2.0"));
        assert!(acceptable_url("http://127.0.0.1:8080"));
        assert!(acceptable_url("http://localhost:8080/realms/x"));
        assert!(!acceptable_url("http://idp.example.com"));
        assert!(!acceptable_url("https://idp.example.com/?x=1"));
        assert!(!acceptable_url("https://user:pw@idp.example.com"));
        assert!(!acceptable_url("ftp://idp.example.com"));
        assert!(!acceptable_url("idp.example.com"));
    }

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
