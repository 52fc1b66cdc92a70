//! What every request handler and server function can reach.
use crate::auth::{password::Hasher, throttle::Throttle};

/// Failed sign-ins per typed email.
pub static EMAIL_THROTTLE: Throttle = Throttle::new("email", 5);
/// Failed sign-ins per client address (more generous: offices share one).
pub static IP_THROTTLE: Throttle = Throttle::new("ip", 30);
/// Sign-ups and password-reset requests per client address: each costs a
/// password hash or an email, and needs no account.
pub static COSTLY_THROTTLE: Throttle = Throttle::new("costly", COSTLY_FREE_PER_ADDRESS);
use crate::config::Settings;
use crate::db::Pool;
use std::sync::Arc;

/// Sign-ups or reset requests one address may make before it has to wait
/// (the wait then doubles; the count forgets after 15 quiet minutes).
pub const COSTLY_FREE_PER_ADDRESS: u32 = 10;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub hasher: Hasher,
    /// Wakes the email delivery worker after a message is committed.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Set when the server shuts down: background workers finish and stop.
    pub stopping: Arc<std::sync::atomic::AtomicBool>,
    /// Subscription keys: the vault that seals them and the in-memory index
    /// the gateway check reads.
    pub gate: Arc<crate::gateway::Gate>,
    /// Session last-seen times waiting for their batched write.
    pub session_touches: Arc<crate::auth::sessions::Touches>,
    /// Identity providers' discovery documents and keys, and the HTTP
    /// client that reads them.
    pub oidc: Arc<crate::identity::oidc::Client>,
}

impl AppState {
    /// Fails when the server secret cannot be read or created.
    pub fn new(pool: Pool, settings: Settings) -> Result<Self, String> {
        crate::db::set_clock_offset(settings.clock_offset_secs);
        let hasher = Hasher::new(settings.password_hash_queue);
        let vault = crate::subscriptions::keys::Vault::load(&settings).map_err(|e| e.to_string())?;
        Ok(AppState {
            gate: Arc::new(crate::gateway::Gate::new(Arc::new(vault))),
            pool,
            settings: Arc::new(settings),
            hasher,
            outbox: Arc::new(tokio::sync::Notify::new()),
            stopping: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            session_touches: Arc::default(),
            oidc: Arc::default(),
        })
    }
}

impl AppState {
    /// A write transaction (see `db::WriteTx`).
    pub async fn begin_write(&self) -> Result<crate::db::WriteTx, sqlx::Error> {
        crate::db::begin_write(&self.pool, &self.gate).await
    }
}

/// The client's address, put in the request extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);
