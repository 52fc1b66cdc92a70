//! Configuration: defaults, then an optional TOML file, then `GATEHOUSE_*`
//! environment variables (the environment wins). Every key is listed once in
//! `KEYS`, which also feeds `gatehouse --help`.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// (key, default, description). The environment variable is `GATEHOUSE_` + KEY in upper case.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("bind", "127.0.0.1:3000", "address and port the server listens on"),
    ("public_url", "http://<bind>", "the URL people use to reach Gatehouse (links, cookies, origin checks)"),
    ("data_dir", "./data", "folder for the SQLite database and other data"),
    ("database_url", "sqlite:<data_dir>/gatehouse.db", "sqlite: file, or postgres:// server (PostgreSQL 15 or later)"),
    ("site_root", "target/site", "folder with the built browser app (pkg/)"),
    ("sqlite_synchronous", "full", "SQLite synchronous mode: full or normal"),
    ("session_idle_minutes", "30", "a session ends after this long without a request"),
    ("session_absolute_hours", "12", "a session ends this long after sign-in, whatever happens"),
    ("password_min_length", "8", "minimum password length (8 to 128)"),
    ("trust_proxy_headers", "false", "take the client address from X-Forwarded-For (only behind your own proxy)"),
    ("admin_email", "", "email of the first administrator, created on first start"),
    ("admin_password", "", "password of the first administrator; generated and printed once if empty"),
    ("log", "info", "log filter, e.g. info or gatehouse=debug"),
    (
        "smtp_host",
        "",
        "SMTP server for outgoing email; empty: keep messages on the Emails screen and in <data_dir>/outbox",
    ),
    ("smtp_port", "587", "SMTP port"),
    ("smtp_security", "starttls", "starttls, tls (implicit, usually port 465) or none (local relays only)"),
    ("smtp_username", "", "SMTP user name, if the server wants one"),
    ("smtp_password", "", "SMTP password"),
    ("mail_from", "Gatehouse <gatehouse@localhost>", "sender of every email"),
    ("smtp_retry_seconds", "30", "first wait after a temporary SMTP failure; it doubles each time, up to an hour"),
    ("organization_name", "Gatehouse", "your organisation's name, as emails and the portal show it"),
    ("invitation_valid_hours", "48", "how long an invitation link works"),
    ("verification_valid_hours", "24", "how long a sign-up verification link works"),
    ("reset_valid_minutes", "60", "how long a password reset link works"),
    (
        "secret_file",
        "<data_dir>/secret.key",
        "the server secret that encrypts subscription keys; keep it out of database backups, and keep a copy of it",
    ),
    ("secret_key", "", "the server secret itself (64 hex digits), instead of secret_file"),
    (
        "password_hash_queue",
        "8 per core",
        "password hashes that may wait beyond the ones running; more are answered 503 with Retry-After",
    ),
    ("pg_max_connections", "16", "connections each replica keeps to PostgreSQL at most"),
    ("key_poll_millis", "500", "how often the key index reads changes written by other processes (at most 1000)"),
    ("key_reconcile_seconds", "300", "how often the key index is compared with the database in full, and repaired"),
    ("usage_flush_millis", "5000", "how often the key check's call counts are written to the database (a crash loses at most this long's counts; with several replicas, how stale the others' counts for limits can be)"),
    ("replica_lease_millis", "5000", "PostgreSQL: a replica that cannot renew its lease this long answers key checks 503; the longest a revoking call waits for a frozen replica"),
    (
        "retention_every_seconds",
        "3600",
        "how often the retention job deletes what is past its period (the retain_* settings), in small batches",
    ),
    ("retain_ended_sessions_hours", "24", "sessions that ended (idle or absolute limit) are deleted this long after"),
    (
        "retain_links_days",
        "30",
        "one-time links (invitation, verification, reset), used or not, are deleted this long after they expired",
    ),
    (
        "retain_reset_requests_hours",
        "24",
        "records of forgot-password requests (at least 1: the per-address limit counts the last hour)",
    ),
    ("retain_emails_days", "30", "sent, failed, cancelled and kept emails (queued ones are never deleted)"),
    (
        "retain_unverified_signups_days",
        "7",
        "sign-ups never verified are deleted this long after their last verification link expired",
    ),
    ("retain_dead_tokens_days", "30", "revoked or expired REST access tokens"),
    (
        "retain_key_changes_hours",
        "24",
        "key change log entries (a server that fell further behind reloads its key index)",
    ),
    (
        "retain_usage_days",
        "400",
        "call counts per minute (charts show 30 days; quotas read their period; reports any period kept)",
    ),
    ("clock_offset_seconds", "0", "for tests only: moves the server's clock (link and session expiry) by this much"),
];

pub const MAX_PASSWORD_LENGTH: usize = crate::auth::MAX_PASSWORD_LEN;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

pub use crate::secret::Secret;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// Where email goes. Without a host, messages are kept (Emails screen, .eml files).
#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// How long finished records are kept before the retention job deletes
/// them (seconds), and how often it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub every_secs: u64,
    pub ended_sessions_secs: i64,
    pub links_secs: i64,
    pub reset_requests_secs: i64,
    pub emails_secs: i64,
    pub unverified_signups_secs: i64,
    pub dead_tokens_secs: i64,
    pub key_changes_secs: i64,
    pub usage_secs: i64,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub public_url: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub site_root: PathBuf,
    pub sqlite_synchronous: Synchronous,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    pub password_min_length: usize,
    pub trust_proxy_headers: bool,
    pub admin_email: Option<String>,
    pub admin_password: Option<Secret>,
    pub log: String,
    pub smtp: Option<Smtp>,
    pub mail_from: String,
    pub smtp_retry_secs: i64,
    pub organization_name: String,
    pub invitation_valid_secs: i64,
    pub verification_valid_secs: i64,
    pub reset_valid_secs: i64,
    pub clock_offset_secs: i64,
    pub secret_file: PathBuf,
    pub secret_key: Option<Secret>,
    pub key_poll_millis: u64,
    pub pg_max_connections: u32,
    pub key_reconcile_secs: u64,
    pub replica_lease_millis: u64,
    pub usage_flush_millis: u64,
    pub password_hash_queue: usize,
    pub retention: Retention,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("unknown setting `{0}` in the config file (known: {known})", known = KEYS.iter().map(|k| k.0).collect::<Vec<_>>().join(", "))]
    UnknownKey(String),
    #[error("setting `{key}` (env GATEHOUSE_{env}): {reason}", env = key.to_uppercase())]
    Invalid { key: String, reason: String },
}

impl Settings {
    /// Reads the file named by `file` (if any) and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let toml_text = match file {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| ConfigError::File { path: p.display().to_string(), reason: e.to_string() })?,
            ),
            None => None,
        };
        Settings::from_sources(toml_text.as_deref(), std::env::vars())
    }

    /// Pure parsing, so it can be tested without touching the process.
    pub fn from_sources(
        toml_text: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let mut raw: BTreeMap<String, String> = BTreeMap::new();
        if let Some(text) = toml_text {
            let table: toml::Table =
                toml::from_str(text).map_err(|e| ConfigError::File { path: "(toml)".into(), reason: e.to_string() })?;
            for (k, v) in table {
                if !KEYS.iter().any(|(key, ..)| *key == k) {
                    return Err(ConfigError::UnknownKey(k));
                }
                let s = match v {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                };
                raw.insert(k, s);
            }
        }
        for (k, v) in env {
            if let Some(rest) = k.strip_prefix("GATEHOUSE_") {
                let key = rest.to_ascii_lowercase();
                if KEYS.iter().any(|(known, ..)| *known == key) {
                    raw.insert(key, v);
                }
            }
        }
        let get = |k: &str| raw.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let invalid = |key: &str, reason: String| ConfigError::Invalid { key: key.into(), reason };
        fn num<T: std::str::FromStr>(v: Option<String>, default: T, key: &str) -> Result<T, ConfigError> {
            match v {
                None => Ok(default),
                Some(s) => s.parse().map_err(|_| ConfigError::Invalid {
                    key: key.into(),
                    reason: format!("`{s}` is not a whole number"),
                }),
            }
        }

        let bind: SocketAddr = get("bind")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| invalid("bind", "expected an address like 127.0.0.1:3000".into()))?;
        let public_url =
            get("public_url").unwrap_or_else(|| format!("http://{bind}")).trim_end_matches('/').to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid("public_url", "must start with http:// or https://".into()));
        }
        let data_dir = PathBuf::from(get("data_dir").unwrap_or_else(|| "./data".into()));
        let database_url =
            get("database_url").unwrap_or_else(|| format!("sqlite:{}", data_dir.join("gatehouse.db").display()));
        if !["sqlite:", "postgres://", "postgresql://"].iter().any(|p| database_url.starts_with(p)) {
            return Err(invalid("database_url", "use a sqlite: or postgres:// URL".into()));
        }
        let sqlite_synchronous = match get("sqlite_synchronous").as_deref() {
            None | Some("full") | Some("FULL") => Synchronous::Full,
            Some("normal") | Some("NORMAL") => Synchronous::Normal,
            Some(other) => return Err(invalid("sqlite_synchronous", format!("`{other}`: expected full or normal"))),
        };
        let idle: i64 = num(get("session_idle_minutes"), 30, "session_idle_minutes")?;
        let absolute: i64 = num(get("session_absolute_hours"), 12, "session_absolute_hours")?;
        if idle < 1 || absolute < 1 {
            return Err(invalid("session_idle_minutes", "session lifetimes must be at least 1".into()));
        }
        let password_min_length: usize = num(get("password_min_length"), 8, "password_min_length")?;
        if !(8..=MAX_PASSWORD_LENGTH).contains(&password_min_length) {
            return Err(invalid("password_min_length", format!("must be between 8 and {MAX_PASSWORD_LENGTH}")));
        }
        let trust_proxy_headers = match get("trust_proxy_headers").as_deref() {
            None | Some("false") | Some("0") | Some("no") => false,
            Some("true") | Some("1") | Some("yes") => true,
            Some(other) => return Err(invalid("trust_proxy_headers", format!("`{other}`: expected true or false"))),
        };
        let smtp = match get("smtp_host") {
            None => None,
            Some(host) => Some(Smtp {
                host,
                port: num(get("smtp_port"), 587, "smtp_port")?,
                security: match get("smtp_security").as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(invalid("smtp_security", format!("`{other}`: expected starttls, tls or none")))
                    }
                },
                username: get("smtp_username"),
                password: get("smtp_password").map(Secret::new),
            }),
        };
        let mail_from = get("mail_from").unwrap_or_else(|| "Gatehouse <gatehouse@localhost>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid("mail_from", format!("`{mail_from}` is not an address like Name <name@example.com>")));
        }
        let smtp_retry_secs: i64 = num(get("smtp_retry_seconds"), 30, "smtp_retry_seconds")?;
        if smtp_retry_secs < 1 {
            return Err(invalid("smtp_retry_seconds", "must be at least 1".into()));
        }
        let positive = |key: &str, v: i64| {
            if v < 1 {
                Err(ConfigError::Invalid { key: key.into(), reason: "must be at least 1".into() })
            } else {
                Ok(v)
            }
        };
        let invitation_valid_secs =
            positive("invitation_valid_hours", num(get("invitation_valid_hours"), 48, "invitation_valid_hours")?)?
                * 3600;
        let verification_valid_secs = positive(
            "verification_valid_hours",
            num(get("verification_valid_hours"), 24, "verification_valid_hours")?,
        )? * 3600;
        let reset_valid_secs =
            positive("reset_valid_minutes", num(get("reset_valid_minutes"), 60, "reset_valid_minutes")?)? * 60;
        let clock_offset_secs: i64 = num(get("clock_offset_seconds"), 0, "clock_offset_seconds")?;
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let password_hash_queue: usize = num(
            get("password_hash_queue"),
            cores * crate::auth::password::DEFAULT_QUEUE_PER_CORE,
            "password_hash_queue",
        )?;
        let pg_max_connections: u32 = num(get("pg_max_connections"), 16, "pg_max_connections")?;
        if pg_max_connections < 4 {
            return Err(invalid("pg_max_connections", "must be at least 4".into()));
        }
        let key_poll_millis: u64 = num(get("key_poll_millis"), 500, "key_poll_millis")?;
        if !(10..=1000).contains(&key_poll_millis) {
            return Err(invalid("key_poll_millis", "must be between 10 and 1000".into()));
        }
        let replica_lease_millis: u64 = num(get("replica_lease_millis"), 5000, "replica_lease_millis")?;
        if !(500..=60_000).contains(&replica_lease_millis) {
            return Err(invalid("replica_lease_millis", "must be between 500 and 60000".into()));
        }
        let usage_flush_millis: u64 = num(get("usage_flush_millis"), 5000, "usage_flush_millis")?;
        if !(100..=60_000).contains(&usage_flush_millis) {
            return Err(invalid("usage_flush_millis", "must be between 100 and 60000".into()));
        }
        let key_reconcile_secs: u64 = num(get("key_reconcile_seconds"), 300, "key_reconcile_seconds")?;
        if key_reconcile_secs < 1 {
            return Err(invalid("key_reconcile_seconds", "must be at least 1".into()));
        }
        let period = |key: &str, default: i64, unit: i64| -> Result<i64, ConfigError> {
            Ok(positive(key, num(get(key), default, key)?)? * unit)
        };
        let retention = Retention {
            every_secs: period("retention_every_seconds", 3600, 1)? as u64,
            ended_sessions_secs: period("retain_ended_sessions_hours", 24, 3600)?,
            links_secs: period("retain_links_days", 30, 86_400)?,
            reset_requests_secs: period("retain_reset_requests_hours", 24, 3600)?,
            emails_secs: period("retain_emails_days", 30, 86_400)?,
            unverified_signups_secs: period("retain_unverified_signups_days", 7, 86_400)?,
            dead_tokens_secs: period("retain_dead_tokens_days", 30, 86_400)?,
            key_changes_secs: period("retain_key_changes_hours", 24, 3600)?,
            usage_secs: period("retain_usage_days", 400, 86_400)?,
        };
        // Unverified sign-ups are found by their expired verification links:
        // the links must outlive the wait.
        if retention.links_secs < retention.unverified_signups_secs {
            return Err(invalid(
                "retain_links_days",
                "must not be shorter than retain_unverified_signups_days (sign-ups are found by their links)".into(),
            ));
        }
        Ok(Settings {
            retention,
            organization_name: get("organization_name").unwrap_or_else(|| "Gatehouse".into()),
            invitation_valid_secs,
            verification_valid_secs,
            reset_valid_secs,
            clock_offset_secs,
            key_poll_millis,
            pg_max_connections,
            key_reconcile_secs,
            replica_lease_millis,
            usage_flush_millis,
            password_hash_queue,
            secret_file: get("secret_file").map(PathBuf::from).unwrap_or_else(|| data_dir.join("secret.key")),
            secret_key: get("secret_key").map(Secret::new),
            smtp,
            mail_from,
            smtp_retry_secs,
            bind,
            public_url,
            data_dir,
            database_url,
            site_root: PathBuf::from(get("site_root").unwrap_or_else(|| "target/site".into())),
            sqlite_synchronous,
            session_idle_secs: idle * 60,
            session_absolute_secs: absolute * 3600,
            password_min_length,
            trust_proxy_headers,
            admin_email: get("admin_email"),
            admin_password: get("admin_password").map(Secret::new),
            log: get("log").unwrap_or_else(|| "info".into()),
        })
    }

    /// Behind https the session cookie gets `Secure` and the `__Host-` prefix.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn help_text() -> String {
        let mut s = String::from(
            "Configuration (environment variables override the TOML file given with --config or GATEHOUSE_CONFIG;\n\
             the file uses the lower-case key names, e.g. bind = \"127.0.0.1:3000\"):\n",
        );
        for (key, default, what) in KEYS {
            let env = format!("GATEHOUSE_{}", key.to_uppercase());
            let default = if default.is_empty() { String::new() } else { format!(" [default: {default}]") };
            s.push_str(&format!("  {env:<34} {what}{default}\n"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_serve_on_loopback_with_a_local_sqlite_file() {
        let s = Settings::from_sources(None, env(&[])).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite:./data/gatehouse.db");
        assert_eq!(s.sqlite_synchronous, Synchronous::Full);
        assert_eq!(s.session_idle_secs, 30 * 60);
        assert_eq!(s.session_absolute_secs, 12 * 3600);
        assert!(!s.is_https());
    }

    #[test]
    fn retention_periods_have_defaults_and_refuse_nonsense() {
        let r = Settings::from_sources(None, env(&[])).unwrap().retention;
        assert_eq!(r.every_secs, 3600);
        assert_eq!(r.links_secs, 30 * 86_400);
        assert_eq!(r.unverified_signups_secs, 7 * 86_400);
        assert_eq!(r.key_changes_secs, 24 * 3600);
        let s = Settings::from_sources(None, env(&[("GATEHOUSE_RETAIN_EMAILS_DAYS", "90")])).unwrap();
        assert_eq!(s.retention.emails_secs, 90 * 86_400);
        let zero = Settings::from_sources(None, env(&[("GATEHOUSE_RETAIN_RESET_REQUESTS_HOURS", "0")]));
        assert!(matches!(zero, Err(ConfigError::Invalid { key, .. }) if key == "retain_reset_requests_hours"));
        // Sign-ups are found by their links, so the links must outlive them.
        let short = Settings::from_sources(None, env(&[("GATEHOUSE_RETAIN_LINKS_DAYS", "3")]));
        assert!(matches!(short, Err(ConfigError::Invalid { key, .. }) if key == "retain_links_days"));
    }

    #[test]
    fn environment_overrides_the_file() {
        let file =
            "bind = \"127.0.0.1:4000\"\nsession_idle_minutes = 10\npublic_url = \"https://portal.example.com/\"\n";
        let s = Settings::from_sources(
            Some(file),
            env(&[("GATEHOUSE_SESSION_IDLE_MINUTES", "5"), ("OTHER", "x"), ("GATEHOUSE_ADMIN_PASSWORD", "pw")]),
        )
        .unwrap();
        assert_eq!(s.bind.port(), 4000);
        assert_eq!(s.session_idle_secs, 300);
        assert_eq!(s.public_url, "https://portal.example.com");
        assert!(s.is_https());
        assert_eq!(format!("{:?}", s.admin_password), "Some(***SECRET***)");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let e = Settings::from_sources(None, env(&[("GATEHOUSE_SESSION_IDLE_MINUTES", "soon")])).unwrap_err();
        assert!(e.to_string().contains("GATEHOUSE_SESSION_IDLE_MINUTES"), "{e}");
        let e = Settings::from_sources(Some("colour = \"blue\""), env(&[])).unwrap_err();
        assert_eq!(e, ConfigError::UnknownKey("colour".into()));
        let e = Settings::from_sources(None, env(&[("GATEHOUSE_BIND", "nowhere")])).unwrap_err();
        assert!(e.to_string().contains("bind"));
        let e = Settings::from_sources(None, env(&[("GATEHOUSE_PASSWORD_MIN_LENGTH", "4")])).unwrap_err();
        assert!(e.to_string().contains("between 8"));
        let e = Settings::from_sources(None, env(&[("GATEHOUSE_SQLITE_SYNCHRONOUS", "off")])).unwrap_err();
        assert!(e.to_string().contains("full or normal"));
    }
}
