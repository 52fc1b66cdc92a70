//! Subscription keys: how they are made, stored and found.
//!
//! A key is 128 random bits written as 32 hex digits (APIM's shape). The
//! database never holds it in clear: it holds the key encrypted with
//! XChaCha20-Poly1305 (so an administrator or listSecrets can reveal it) and
//! an HMAC-SHA256 of it (so the gateway check can find the row). Both keys
//! are derived from the server secret, which lives outside the database (a
//! file next to it, or an environment variable): a stolen copy of the
//! database alone hands out no working key.
use crate::config::Settings;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The keyed hash of a key: what the database and the gateway index look up.
pub type KeyHash = [u8; 32];

pub use super::KeySlot;

#[derive(Clone)]
pub struct Vault {
    lookup: Hmac<Sha256>,
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the server secret {0}")]
    Secret(String),
    #[error("a stored key cannot be decrypted: the server secret is not the one it was encrypted with")]
    Decrypt,
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Vault {
    pub fn from_master(master: &[u8; 32]) -> Vault {
        let lookup = <Hmac<Sha256> as Mac>::new_from_slice(&derive(master, "gatehouse/subscription-key/lookup/v1"))
            .expect("HMAC takes any key length");
        let cipher = XChaCha20Poly1305::new(&derive(master, "gatehouse/subscription-key/encrypt/v1").into());
        Vault { lookup, cipher }
    }

    /// The secret from `secret_key`, else from `secret_file`, which is
    /// created (readable by this user only) on first start.
    pub fn load(settings: &Settings) -> Result<Vault, VaultError> {
        if let Some(s) = &settings.secret_key {
            let master = parse_hex32(s.expose())
                .ok_or_else(|| VaultError::Secret("in GATEHOUSE_SECRET_KEY must be 64 hex digits".into()))?;
            return Ok(Vault::from_master(&master));
        }
        let path = &settings.secret_file;
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let master = parse_hex32(&text)
                    .ok_or_else(|| VaultError::Secret(format!("file {} must hold 64 hex digits", path.display())))?;
                Ok(Vault::from_master(&master))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut master = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut master);
                write_private(path, &format!("{}\n", hex(&master)))
                    .map_err(|e| VaultError::Secret(format!("file {} cannot be created: {e}", path.display())))?;
                tracing::info!("created the server secret {}; keep a copy of it with your backups", path.display());
                Ok(Vault::from_master(&master))
            }
            Err(e) => Err(VaultError::Secret(format!("file {} cannot be read: {e}", path.display()))),
        }
    }

    /// A fresh key: 128 random bits from the operating system, 32 hex digits.
    pub fn generate() -> String {
        let mut b = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex(&b)
    }

    pub fn hash(&self, key: &str) -> KeyHash {
        let mut mac = self.lookup.clone();
        mac.update(key.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Nonce (24 random bytes) followed by the ciphertext. The subscription
    /// and slot are authenticated with it, so a stored key cannot be moved
    /// to another row or slot.
    pub fn seal(&self, key: &str, sub_uid: &str, slot: KeySlot) -> Vec<u8> {
        self.seal_for(key, &format!("{sub_uid}/{}", slot.as_str()))
    }

    pub fn open(&self, sealed: &[u8], sub_uid: &str, slot: KeySlot) -> Result<String, VaultError> {
        self.open_for(sealed, &format!("{sub_uid}/{}", slot.as_str()))
    }

    /// Seals any short secret under the server secret (an identity
    /// provider's client secret too), bound to `what` it belongs to.
    pub fn seal_for(&self, secret: &str, what: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret.as_bytes(), aad: what.as_bytes() })
            .expect("encryption of a short secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        out
    }

    pub fn open_for(&self, sealed: &[u8], what: &str) -> Result<String, VaultError> {
        if sealed.len() < 24 {
            return Err(VaultError::Decrypt);
        }
        let pt = self
            .cipher
            .decrypt(XNonce::from_slice(&sealed[..24]), Payload { msg: &sealed[24..], aad: what.as_bytes() })
            .map_err(|_| VaultError::Decrypt)?;
        String::from_utf8(pt).map_err(|_| VaultError::Decrypt)
    }

    /// A key for another purpose (signing single-sign-on tokens), derived
    /// from the server secret: stable across restarts and replicas, and
    /// useless for anything else.
    pub fn derived_key(&self, label: &str) -> [u8; 32] {
        self.hash(&format!("gatehouse/derived/{label}"))
    }

    /// A fingerprint of this secret, stored in the database at first use: a
    /// server started with another secret refuses to run instead of
    /// answering every key check with "unknown key".
    pub fn fingerprint(&self) -> String {
        hex(&self.hash("gatehouse/secret-fingerprint")[..8])
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_128_bit_hex_and_sealed_keys_open_only_where_they_belong() {
        let v = Vault::from_master(&[7u8; 32]);
        let k = Vault::generate();
        assert_eq!(k.len(), 32);
        assert!(k.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(k, Vault::generate());
        let sealed = v.seal(&k, "sub-1", KeySlot::Primary);
        assert!(!sealed.windows(k.len()).any(|w| w == k.as_bytes()), "the key must not be stored in clear");
        assert_eq!(v.open(&sealed, "sub-1", KeySlot::Primary).unwrap(), k);
        assert!(v.open(&sealed, "sub-2", KeySlot::Primary).is_err(), "moved to another subscription");
        assert!(v.open(&sealed, "sub-1", KeySlot::Secondary).is_err(), "moved to the other slot");
        let other = Vault::from_master(&[8u8; 32]);
        assert!(other.open(&sealed, "sub-1", KeySlot::Primary).is_err(), "another server secret");
        assert_ne!(v.hash(&k), other.hash(&k), "the lookup hash depends on the secret");
        assert_eq!(v.hash(&k), v.hash(&k));
        assert_ne!(v.fingerprint(), other.fingerprint());
    }

    #[test]
    fn secrets_parse_from_hex_only() {
        assert!(parse_hex32(&"ab".repeat(32)).is_some());
        assert!(parse_hex32(&"ab".repeat(31)).is_none());
        assert!(parse_hex32(&"zz".repeat(32)).is_none());
    }
}
