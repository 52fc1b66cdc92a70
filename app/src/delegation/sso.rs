//! The two signatures of delegation, as APIM computes them.
//!
//! - Gatehouse → delegate site: `sig` = base64(HMAC-SHA512(base64-decoded
//!   validation key, salt + "\n" + the operation's values joined by "\n")).
//! - Delegate site → Gatehouse: APIM's shared access token,
//!   `SharedAccessSignature uid=<userId>&ex=<expiry>&sn=<base64(HMAC-SHA512(key,
//!   uid + "\n" + ex))>`, where the key is Gatehouse's own (derived from the
//!   server secret; "primary" and "secondary" as APIM's keyType).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha512;

type HmacSha512 = Hmac<Sha512>;

/// The `sig` parameter of a delegation redirect; None for a key that is not base64.
pub fn delegation_sig(validation_key_b64: &str, salt: &str, values: &[&str]) -> Option<String> {
    let key = STANDARD.decode(validation_key_b64.trim()).ok()?;
    let mut mac = HmacSha512::new_from_slice(&key).ok()?;
    mac.update(salt.as_bytes());
    for v in values {
        mac.update(b"\n");
        mac.update(v.as_bytes());
    }
    Some(STANDARD.encode(mac.finalize().into_bytes()))
}

/// A new validation key: 64 random bytes in base64, as APIM generates them.
pub fn new_validation_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut b);
    STANDARD.encode(b)
}

/// APIM writes the expiry with seven fractional digits: 2026-12-31T12:00:00.0000000Z.
pub fn format_expiry(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.0000000Z",
        crate::components::format_date(unix),
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn sn(key: &[u8], uid: &str, ex: &str) -> Vec<u8> {
    let mut mac = HmacSha512::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(uid.as_bytes());
    mac.update(b"\n");
    mac.update(ex.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

pub fn token(key: &[u8], uid: &str, expires_at: i64) -> String {
    let ex = format_expiry(expires_at);
    format!("SharedAccessSignature uid={uid}&ex={ex}&sn={}", STANDARD.encode(sn(key, uid, &ex)))
}

/// A token's parts, once its signature checks out under one of `keys`.
#[derive(Debug, PartialEq, Eq)]
pub struct Verified {
    pub uid: String,
    pub expires_at: i64,
}

pub fn verify(token: &str, keys: &[[u8; 32]]) -> Option<Verified> {
    let rest = token.trim().strip_prefix("SharedAccessSignature ")?;
    let (mut uid, mut ex, mut sig) = (None, None, None);
    for pair in rest.split('&') {
        match pair.split_once('=')? {
            ("uid", v) => uid = Some(v),
            ("ex", v) => ex = Some(v),
            ("sn", v) => sig = Some(v),
            _ => return None,
        }
    }
    let (uid, ex, sig) = (uid?, ex?, STANDARD.decode(sig?).ok()?);
    let good = keys.iter().any(|k| crate::identity::jwt::constant_eq(&sn(k, uid, ex), &sig));
    let expires_at = crate::filter::parse_date(ex)?;
    good.then(|| Verified { uid: uid.to_string(), expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_under_its_key_only_and_names_its_user_and_expiry() {
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let t = token(&k1, "ada", 1_800_000_000);
        assert!(t.starts_with("SharedAccessSignature uid=ada&ex=2027-01-15T08:00:00.0000000Z&sn="), "{t}");
        assert_eq!(verify(&t, &[k2, k1]), Some(Verified { uid: "ada".into(), expires_at: 1_800_000_000 }));
        assert_eq!(verify(&t, &[k2]), None);
        assert_eq!(verify(&t.replace("uid=ada", "uid=admin"), &[k1]), None, "another user");
        assert_eq!(verify(&t.replace("T08:", "T09:"), &[k1]), None, "a later expiry");
        assert_eq!(verify("Bearer x", &[k1]), None);
    }

    #[test]
    fn delegation_signatures_match_apims_sample() {
        // As the sample in APIM's delegation documentation computes it:
        // HMACSHA512 over salt + "\n" + returnUrl with the decoded key.
        let key = STANDARD.encode(b"0123456789abcdef0123456789abcdef");
        let sig = delegation_sig(&key, "salt1", &["/products"]).unwrap();
        let mut mac = HmacSha512::new_from_slice(b"0123456789abcdef0123456789abcdef").unwrap();
        mac.update(b"salt1\n/products");
        assert_eq!(sig, STANDARD.encode(mac.finalize().into_bytes()));
        assert_eq!(delegation_sig("not base64!", "s", &[]), None);
    }
}
