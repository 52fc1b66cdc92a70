//! Password hashing with argon2id at OWASP's parameters (m=19 MiB, t=2, p=1).
//! Hashing is CPU-bound and holds 19 MiB, so it runs on the blocking pool
//! behind a semaphore sized to the cores: a sign-in storm queues instead of
//! starving the async workers or exhausting memory.
use crate::config::MAX_PASSWORD_LENGTH;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

fn argon2() -> Argon2<'static> {
    // Params::DEFAULT is m=19456 KiB, t=2, p=1: the OWASP minimum. Spelled out
    // so a dependency update cannot lower it silently.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params")
        .to_string()
}

pub fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the account does not
/// exist or has no password, so every failed sign-in costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&crate::auth::tokens::random_token()))
}

/// More password hashes are waiting than the queue holds: the caller
/// answers 503 with Retry-After instead of holding the request for minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HasherBusy;

/// Hashes waiting per core before new ones are refused.
pub const DEFAULT_QUEUE_PER_CORE: usize = 8;

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Hashes running or waiting, and how many may.
    pending: Arc<AtomicUsize>,
    limit: usize,
}

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Hasher::new(cores * DEFAULT_QUEUE_PER_CORE)
    }
}

/// Gives a queue place back however the hash ends (also when the request
/// that waited for it is dropped).
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    /// At most `queue` hashes wait beyond the ones running (one per core).
    pub fn new(queue: usize) -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Hasher {
            permits: Arc::new(Semaphore::new(cores)),
            pending: Arc::new(AtomicUsize::new(0)),
            limit: cores + queue,
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HasherBusy> {
        if self.pending.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(HasherBusy);
        }
        let _place = Place(&self.pending);
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        Ok(tokio::task::spawn_blocking(work).await.expect("hash task panicked"))
    }

    pub async fn hash(&self, password: String) -> Result<String, HasherBusy> {
        self.run(move || hash_blocking(&password)).await
    }

    /// Verifies against `phc`, or against the dummy hash when there is none.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, HasherBusy> {
        self.run(move || match phc {
            Some(h) => verify_blocking(&password, &h),
            None => {
                verify_blocking(&password, dummy_hash());
                false
            }
        })
        .await
    }

    /// Computes the dummy hash at start-up instead of on the first failed sign-in.
    pub fn warm_up() {
        let _ = dummy_hash();
    }
}

/// Passwords everyone tries first (shipped with the binary), lower-cased.
fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static LIST: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common-passwords.txt").lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
    })
}

pub fn is_common(password: &str) -> bool {
    common_passwords().contains(password.to_lowercase().as_str())
}

/// The password rule: length, then the common-password list. Counted in
/// characters, not bytes, and never trimmed.
pub fn check_policy(password: &str, min_len: usize) -> Result<(), crate::error::FieldError> {
    use crate::error::FieldError;
    use crate::i18n::Msg;
    let n = password.chars().count();
    if n < min_len {
        return Err(FieldError::new("password", Msg::ErrPasswordTooShort).with_arg(min_len));
    }
    if n > MAX_PASSWORD_LENGTH {
        return Err(FieldError::new("password", Msg::ErrPasswordTooLong).with_arg(MAX_PASSWORD_LENGTH));
    }
    if is_common(password) {
        return Err(FieldError::new("password", Msg::ErrPasswordCommon));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_salted() {
        let a = hash_blocking("correct horse battery staple");
        let b = hash_blocking("correct horse battery staple");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
    }

    #[test]
    fn verify_accepts_only_the_exact_password() {
        let pw = "Ünïcode & spaces 🦀 kept exactly";
        let h = hash_blocking(pw);
        assert!(verify_blocking(pw, &h));
        assert!(!verify_blocking("ünïcode & spaces 🦀 kept exactly", &h));
        assert!(!verify_blocking(&format!("{pw} "), &h));
        assert!(!verify_blocking(pw, "not a phc string"));
    }

    #[test]
    fn a_128_character_password_round_trips_without_truncation() {
        let long: String = "a".repeat(127) + "b";
        let h = hash_blocking(&long);
        assert!(verify_blocking(&long, &h));
        assert!(!verify_blocking(&("a".repeat(127) + "c"), &h));
    }

    #[tokio::test]
    async fn hasher_runs_off_the_async_threads_and_handles_missing_hashes() {
        let hasher = Hasher::default();
        let h = hasher.hash("s3cret-password".into()).await.unwrap();
        assert!(hasher.verify("s3cret-password".into(), Some(h.clone())).await.unwrap());
        assert!(!hasher.verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!hasher.verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_queue_hashes_are_refused_at_once_not_queued() {
        let hasher = Hasher::new(1);
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let tasks: Vec<_> = (0..cores + 6)
            .map(|i| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash(format!("password number {i}")).await })
            })
            .collect();
        let mut busy = 0;
        for t in tasks {
            if t.await.unwrap() == Err(HasherBusy) {
                busy += 1;
            }
        }
        assert!(busy >= 1, "{} hashes with room for {} should refuse some", cores + 6, cores + 1);
        assert_eq!(hasher.pending.load(Ordering::SeqCst), 0, "every place is given back");
        assert!(hasher.hash("and then there is room again".into()).await.is_ok());
    }

    #[test]
    fn policy_counts_characters() {
        assert!(check_policy("1234567", 8).is_err());
        assert!(check_policy("ééééééé€", 8).is_ok());
        assert!(check_policy(&"x".repeat(129), 8).is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(is_common("password"));
        assert!(is_common("Sunshine"));
        assert!(is_common("qwertyuiop"));
        assert!(!is_common("correct horse battery staple"));
        let e = check_policy("Football1", 8);
        assert!(e.is_ok() || e.unwrap_err().msg == crate::i18n::Msg::ErrPasswordCommon);
        assert_eq!(check_policy("iloveyou", 8).unwrap_err().msg, crate::i18n::Msg::ErrPasswordCommon);
    }
}
