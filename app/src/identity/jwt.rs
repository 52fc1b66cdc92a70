//! An ID token is a JWS in compact form: header, claims and signature in
//! base64url, joined by dots. This checks the signature against the
//! provider's published keys (JWKS) and then the claims OpenID Connect
//! requires (issuer, audience, expiry, nonce). `alg: none` and HMAC are
//! refused: a provider signs with a key only it holds.
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ring::signature;
use serde::Deserialize;
use serde_json::Value;

/// One published key (RFC 7517); the fields of RSA, EC and OKP keys.
#[derive(Deserialize, Clone, Debug, Default)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

#[derive(Deserialize, Clone, Debug, Default)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    Malformed,
    Algorithm(String),
    /// No published key has the token's `kid`: the provider may have
    /// rotated its keys, so the caller fetches them again once.
    UnknownKey,
    Signature,
    Claim(&'static str),
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtError::Malformed => f.write_str("the ID token is not a signed JWT"),
            JwtError::Algorithm(a) => write!(f, "the ID token's algorithm '{a}' is not accepted"),
            JwtError::UnknownKey => f.write_str("the ID token is signed with a key the provider does not publish"),
            JwtError::Signature => f.write_str("the ID token's signature does not verify"),
            JwtError::Claim(c) => write!(f, "the ID token's '{c}' claim is wrong"),
        }
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

fn b64(s: &str) -> Result<Vec<u8>, JwtError> {
    B64.decode(s.trim_end_matches('=')).map_err(|_| JwtError::Malformed)
}

fn field(k: &Option<String>) -> Result<Vec<u8>, JwtError> {
    b64(k.as_deref().ok_or(JwtError::Malformed)?)
}

/// Checks `key` signed `msg` with `alg`. A key of the wrong type for the
/// algorithm does not verify.
fn verify_with(alg: &str, key: &Jwk, msg: &[u8], sig: &[u8]) -> Result<bool, JwtError> {
    let rsa = |params: &'static signature::RsaParameters| -> Result<bool, JwtError> {
        if key.kty != "RSA" {
            return Ok(false);
        }
        let (n, e) = (field(&key.n)?, field(&key.e)?);
        Ok(signature::RsaPublicKeyComponents { n: &n, e: &e }.verify(params, msg, sig).is_ok())
    };
    let ec = |crv: &str, len: usize, params: &'static signature::EcdsaVerificationAlgorithm| {
        if key.kty != "EC" || key.crv.as_deref() != Some(crv) {
            return Ok(false);
        }
        let (x, y) = (field(&key.x)?, field(&key.y)?);
        if x.len() != len || y.len() != len {
            return Err(JwtError::Malformed);
        }
        let point = [&[4u8][..], &x, &y].concat();
        Ok(signature::UnparsedPublicKey::new(params, point).verify(msg, sig).is_ok())
    };
    match alg {
        "RS256" => rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
        "RS384" => rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
        "RS512" => rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
        "PS256" => rsa(&signature::RSA_PSS_2048_8192_SHA256),
        "PS384" => rsa(&signature::RSA_PSS_2048_8192_SHA384),
        "PS512" => rsa(&signature::RSA_PSS_2048_8192_SHA512),
        "ES256" => ec("P-256", 32, &signature::ECDSA_P256_SHA256_FIXED),
        "ES384" => ec("P-384", 48, &signature::ECDSA_P384_SHA384_FIXED),
        "EdDSA" => {
            if key.kty != "OKP" || key.crv.as_deref() != Some("Ed25519") {
                return Ok(false);
            }
            Ok(signature::UnparsedPublicKey::new(&signature::ED25519, field(&key.x)?).verify(msg, sig).is_ok())
        }
        other => Err(JwtError::Algorithm(other.to_string())),
    }
}

/// The key id a token's header names, if any.
pub fn key_id(token: &str) -> Option<String> {
    let header: Header = serde_json::from_slice(&b64(token.split('.').next()?).ok()?).ok()?;
    header.kid
}

/// The token's claims if a published key signed it.
pub fn verify(token: &str, keys: &JwkSet) -> Result<serde_json::Map<String, Value>, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| JwtError::Malformed)?;
    let sig = b64(s)?;
    let msg = &token.as_bytes()[..h.len() + 1 + p.len()];
    // Signing keys only: a key published for encryption does not sign.
    let candidates: Vec<&Jwk> = keys
        .keys
        .iter()
        .filter(|k| k.use_.as_deref().is_none_or(|u| u == "sig"))
        .filter(|k| header.kid.is_none() || k.kid == header.kid)
        .collect();
    if candidates.is_empty() {
        // An unknown algorithm is refused as such even when no key matches.
        verify_with(&header.alg, &Jwk::default(), msg, &sig)?;
        return Err(JwtError::UnknownKey);
    }
    let mut verified = false;
    for key in candidates {
        if verify_with(&header.alg, key, msg, &sig)? {
            verified = true;
            break;
        }
    }
    if !verified {
        return Err(JwtError::Signature);
    }
    match serde_json::from_slice(&b64(p)?) {
        Ok(Value::Object(claims)) => Ok(claims),
        _ => Err(JwtError::Malformed),
    }
}

/// Equal bytes, compared without stopping at the first difference.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the claims must say (OpenID Connect Core 3.1.3.7).
pub struct Expected<'a> {
    /// The issuer; Entra ID's multi-tenant discovery says `{tenantid}`,
    /// filled from the token's `tid`.
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: i64,
}

/// Clocks of two machines differ a little; a minute is common practice.
pub const LEEWAY_SECS: i64 = 60;

pub fn check_claims(claims: &serde_json::Map<String, Value>, want: &Expected<'_>) -> Result<(), JwtError> {
    let s = |k: &str| claims.get(k).and_then(Value::as_str);
    let n = |k: &str| claims.get(k).and_then(Value::as_i64);
    let issuer = match s("tid") {
        Some(tid) if want.issuer.contains("{tenantid}") => want.issuer.replace("{tenantid}", tid),
        _ => want.issuer.to_string(),
    };
    if s("iss") != Some(issuer.as_str()) {
        return Err(JwtError::Claim("iss"));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == want.client_id,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(want.client_id)),
        _ => false,
    };
    // With several audiences, the authorized party must be us.
    if !audience_ok || s("azp").is_some_and(|azp| azp != want.client_id) {
        return Err(JwtError::Claim("aud"));
    }
    match n("exp") {
        Some(exp) if exp + LEEWAY_SECS > want.now => {}
        _ => return Err(JwtError::Claim("exp")),
    }
    if n("iat").is_some_and(|iat| iat > want.now + LEEWAY_SECS)
        || n("nbf").is_some_and(|nbf| nbf > want.now + LEEWAY_SECS)
    {
        return Err(JwtError::Claim("iat"));
    }
    // Compared in constant time: the nonce is a secret of this sign-in.
    let nonce_ok = s("nonce").is_some_and(|got| constant_eq(got.as_bytes(), want.nonce.as_bytes()));
    if !nonce_ok {
        return Err(JwtError::Claim("nonce"));
    }
    if s("sub").is_none_or(str::is_empty) {
        return Err(JwtError::Claim("sub"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use serde_json::json;

    fn key_pair(kid: &str) -> (EcdsaKeyPair, Jwk) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let jwk = Jwk {
            kty: "EC".into(),
            kid: Some(kid.into()),
            crv: Some("P-256".into()),
            x: Some(B64.encode(&point[1..33])),
            y: Some(B64.encode(&point[33..])),
            ..Jwk::default()
        };
        (pair, jwk)
    }

    fn sign(pair: &EcdsaKeyPair, kid: &str, claims: &Value) -> String {
        let head = B64.encode(json!({ "alg": "ES256", "kid": kid }).to_string());
        let body = B64.encode(claims.to_string());
        let input = format!("{head}.{body}");
        let sig = pair.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", B64.encode(sig.as_ref()))
    }

    fn claims(now: i64) -> Value {
        json!({ "iss": "https://idp.example", "aud": "gh", "sub": "u1", "nonce": "n1", "iat": now, "exp": now + 300 })
    }

    #[test]
    fn a_signed_token_verifies_and_a_changed_one_does_not() {
        let (pair, jwk) = key_pair("k1");
        let keys = JwkSet { keys: vec![jwk] };
        let token = sign(&pair, "k1", &claims(1000));
        let got = verify(&token, &keys).unwrap();
        assert_eq!(got["sub"], "u1");
        // Another payload under the same signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = B64.encode(json!({ "sub": "admin" }).to_string());
        parts[1] = &other;
        assert_eq!(verify(&parts.join("."), &keys), Err(JwtError::Signature));
        // Another key with the same kid (a forger's).
        let (forger, _) = key_pair("k1");
        assert_eq!(verify(&sign(&forger, "k1", &claims(1000)), &keys), Err(JwtError::Signature));
        // A kid the provider does not publish (yet): fetch the keys again.
        assert_eq!(verify(&sign(&pair, "k2", &claims(1000)), &keys), Err(JwtError::UnknownKey));
    }

    #[test]
    fn unsigned_and_hmac_tokens_are_refused() {
        let (_, jwk) = key_pair("k1");
        let keys = JwkSet { keys: vec![jwk] };
        for alg in ["none", "HS256"] {
            let head = B64.encode(json!({ "alg": alg, "kid": "k1" }).to_string());
            let token = format!("{head}.{}.", B64.encode(claims(1000).to_string()));
            assert_eq!(verify(&token, &keys), Err(JwtError::Algorithm(alg.into())));
        }
        assert_eq!(verify("abc", &keys), Err(JwtError::Malformed));
    }

    #[test]
    fn claims_are_checked() {
        let want = Expected { issuer: "https://idp.example", client_id: "gh", nonce: "n1", now: 1000 };
        let ok = claims(1000);
        let map = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(check_claims(&map(ok.clone()), &want), Ok(()));
        let with = |k: &str, v: Value| {
            let mut c = ok.clone();
            c[k] = v;
            check_claims(&map(c), &want)
        };
        assert_eq!(with("iss", json!("https://evil.example")), Err(JwtError::Claim("iss")));
        assert_eq!(with("aud", json!("someone-else")), Err(JwtError::Claim("aud")));
        assert_eq!(with("aud", json!(["someone-else", "gh"])), Ok(()));
        assert_eq!(with("azp", json!("someone-else")), Err(JwtError::Claim("aud")));
        assert_eq!(with("exp", json!(1000 - LEEWAY_SECS - 1)), Err(JwtError::Claim("exp")));
        assert_eq!(with("iat", json!(1000 + LEEWAY_SECS + 10)), Err(JwtError::Claim("iat")));
        assert_eq!(with("nonce", json!("n2")), Err(JwtError::Claim("nonce")));
        let tenant = Expected { issuer: "https://login.microsoftonline.com/{tenantid}/v2.0", ..want };
        let mut entra = ok.clone();
        entra["iss"] = json!("https://login.microsoftonline.com/t1/v2.0");
        entra["tid"] = json!("t1");
        assert_eq!(check_claims(&map(entra.clone()), &tenant), Ok(()));
        entra["tid"] = json!("t2");
        assert_eq!(check_claims(&map(entra), &tenant), Err(JwtError::Claim("iss")));
    }
}
