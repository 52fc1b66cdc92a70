//! Server-side sessions in SQLite. The cookie holds a random token; the table
//! holds its hash. Every request re-reads the account, so a block, delete or
//! password change takes effect on the very next request.
use super::tokens::{hash_token, random_token};
use crate::config::Settings;
use crate::db::Conn;
use crate::db::Pool;
use crate::users::UserId;

pub const COOKIE_NAME: &str = "gatehouse_sid";
/// The `__Host-` prefix pins the cookie to this host and path; browsers accept
/// it only with Secure, so it is used when the public URL is https.
pub const SECURE_COOKIE_NAME: &str = "__Host-gatehouse_sid";

/// Only touch `last_seen_at` once a minute, not on every request: each write
/// is an fsync under synchronous=FULL.
const TOUCH_EVERY_SECS: i64 = 60;
/// How often the noted touches are written, all in one statement.
pub const TOUCH_FLUSH_SECS: u64 = 5;
/// Rows per flush statement (SQLite allows 32,766 bound parameters).
const TOUCH_BATCH: usize = 500;

/// Last-seen times waiting to be written. A request only notes its time
/// here; a background task writes them in batches. Keeping the write off the
/// request path means a busy database (a long import, a backup) cannot turn
/// signed-in pages into errors, and a thousand requests a second cost one
/// write every few seconds. A touch lost in a crash only ages a session by
/// a few seconds of its idle time.
#[derive(Default)]
pub struct Touches {
    pending: std::sync::Mutex<std::collections::HashMap<Vec<u8>, i64>>,
}

impl Touches {
    fn note(&self, hash: &[u8], now: i64) {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let t = p.entry(hash.to_vec()).or_insert(now);
        *t = (*t).max(now);
    }

    /// A session's last use: the stored time, or a newer one noted and not
    /// yet written.
    fn last_seen(&self, hash: &[u8], stored: i64) -> i64 {
        let noted = self.pending.lock().unwrap_or_else(|e| e.into_inner()).get(hash).copied();
        stored.max(noted.unwrap_or(0))
    }

    fn forget(&self, hash: &[u8]) {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(hash);
    }

    /// Writes every noted touch; on failure they are kept for the next try.
    /// Returns how many were written.
    pub async fn flush(&self, pool: &Pool) -> Result<usize, sqlx::Error> {
        let batch: Vec<(Vec<u8>, i64)> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect();
        let mut written = 0;
        for chunk in batch.chunks(TOUCH_BATCH) {
            if let Err(e) = write_touches(pool, chunk).await {
                // Put back this chunk and the ones after it; newer notes win.
                for (hash, at) in &batch[written..] {
                    self.note(hash, *at);
                }
                return Err(e);
            }
            written += chunk.len();
        }
        Ok(written)
    }

    /// Flushes every few seconds until the server stops (which flushes once
    /// more itself, after the last request).
    pub async fn run(self: std::sync::Arc<Self>, pool: Pool, stopping: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        let mut failing = false;
        while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
            tokio::time::sleep(std::time::Duration::from_secs(TOUCH_FLUSH_SECS)).await;
            match self.flush(&pool).await {
                Ok(_) if failing => {
                    failing = false;
                    tracing::info!("session last-seen times are written again");
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "cannot write session last-seen times yet; kept for the next try");
                }
                Err(_) => {}
            }
        }
    }
}

/// One statement for the whole chunk. `max` keeps a newer time another
/// process or an earlier flush already wrote.
async fn write_touches(pool: &Pool, chunk: &[(Vec<u8>, i64)]) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let greatest = match conn.backend() {
        crate::db::Backend::Sqlite => "max",
        crate::db::Backend::Postgres => "GREATEST",
    };
    let values = vec!["(?, ?)"; chunk.len()].join(", ");
    let sql = format!(
        "WITH t(h, at) AS (VALUES {values}) UPDATE sessions
         SET last_seen_at = {greatest}(last_seen_at, (SELECT at FROM t WHERE h = id_hash))
         WHERE id_hash IN (SELECT h FROM t)"
    );
    let mut q = crate::db::query(&sql);
    for (hash, at) in chunk {
        q = q.bind(hash).bind(*at);
    }
    q.execute(&mut conn).await?;
    Ok(())
}

/// Retention: deletes up to `batch` sessions that ended (idle past
/// `idle_before`, or created before `absolute_before`). Resolving a dead
/// session already deletes it; these are the ones nobody came back with.
pub async fn prune(
    conn: &mut dyn Conn,
    idle_before: i64,
    absolute_before: i64,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    let done = crate::db::query(
        "DELETE FROM sessions WHERE id_hash IN (
             SELECT id_hash FROM sessions WHERE last_seen_at < ?1
             UNION SELECT id_hash FROM sessions WHERE created_at < ?2 LIMIT ?3)",
    )
    .bind(idle_before)
    .bind(absolute_before)
    .bind(batch)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The signed-in person behind a request, as the middleware found them.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub user_id: UserId,
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    pub session_hash: Vec<u8>,
}

/// Idle and absolute expiry, as a pure function of the times.
pub fn is_live(created_at: i64, last_seen_at: i64, now: i64, idle_secs: i64, absolute_secs: i64) -> bool {
    now - last_seen_at < idle_secs && now - created_at < absolute_secs && now >= created_at - 60
}

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

pub fn set_cookie_header(settings: &Settings, token: &str) -> String {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    format!("{}={token}; HttpOnly; SameSite=Lax; Path=/{secure}", cookie_name(settings))
}

pub fn clear_cookie_header(settings: &Settings) -> String {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    format!("{}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}", cookie_name(settings))
}

/// The non-empty value of the cookie `name` in a Cookie header (every
/// cookie Gatehouse reads: the session, an emailed link's token, a sign-in
/// through a provider).
pub fn cookie_value(cookie_header: &str, name: &str) -> Option<String> {
    cookie_header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    })
}

/// Finds the session token in a Cookie header.
pub fn token_from_cookies(settings: &Settings, cookie_header: &str) -> Option<String> {
    cookie_value(cookie_header, cookie_name(settings))
}

/// Where a session's requests come from: the browser's own description and
/// the client address (see the middleware's `client_ip`), shown in the
/// account's sessions list.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub user_agent: Option<String>,
    pub addr: Option<std::net::IpAddr>,
}

impl Client {
    /// The browser and address of a request the page middleware has seen
    /// (it puts the client address in the extensions).
    pub fn of_request(headers: &http::HeaderMap, extensions: &http::Extensions) -> Client {
        Client {
            user_agent: headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
            addr: extensions.get::<crate::state::ClientIp>().map(|c| c.0),
        }
    }
}

/// The session a request came with, as the page middleware resolved it.
pub fn viewer_of(extensions: &http::Extensions) -> Option<SessionUser> {
    extensions.get::<Option<SessionUser>>().cloned().flatten()
}

/// Creates a session and returns the token for the cookie.
pub async fn create(tx: &mut dyn Conn, user_id: UserId, client: &Client, now: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    crate::db::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, user_agent, client_addr)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(hash_token(&token))
    .bind(user_id.0)
    .bind(now)
    .bind(now)
    .bind(client.user_agent.as_deref().map(|s| s.chars().take(200).collect::<String>()))
    .bind(client.addr.map(|a| a.to_string()))
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// A sign-in: a new session, and the account's last sign-in is now.
pub async fn sign_in(tx: &mut dyn Conn, user_id: UserId, client: &Client, now: i64) -> Result<String, sqlx::Error> {
    crate::users::repo::note_sign_in(&mut *tx, user_id, now).await?;
    create(tx, user_id, client, now).await
}

/// A session as its account's sessions list shows it.
#[derive(sqlx::FromRow)]
pub struct Listed {
    pub id_hash: Vec<u8>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: Option<String>,
    pub client_addr: Option<String>,
}

/// The account's sessions, newest use first (dead ones included: the
/// caller knows the lifetimes and the touches not yet written).
pub async fn of_user(conn: &mut dyn Conn, user_id: UserId) -> Result<Vec<Listed>, sqlx::Error> {
    crate::db::query_as(
        "SELECT id_hash, created_at, last_seen_at, user_agent, client_addr FROM sessions
         WHERE user_id = ? ORDER BY last_seen_at DESC, created_at DESC LIMIT 200",
    )
    .bind(user_id.0)
    .fetch_all(conn)
    .await
}

/// The newest use of a session, counting a touch not yet written.
pub fn last_seen(touches: &Touches, s: &Listed) -> i64 {
    touches.last_seen(&s.id_hash, s.last_seen_at)
}

/// Ends one of the account's sessions, named by its public reference (see
/// `reference`). Returns whether there was one.
pub async fn delete_by_reference(conn: &mut dyn Conn, user_id: UserId, reference: &str) -> Result<bool, sqlx::Error> {
    // The account's sessions are few (at most a few dozen): compare here
    // rather than teach both databases to slice a hash.
    let hashes: Vec<Vec<u8>> = crate::db::query_scalar("SELECT id_hash FROM sessions WHERE user_id = ?")
        .bind(user_id.0)
        .fetch_all(&mut *conn)
        .await?;
    let Some(hash) = hashes.into_iter().find(|h| self::reference(h) == reference) else {
        return Ok(false);
    };
    crate::db::query("DELETE FROM sessions WHERE id_hash = ? AND user_id = ?")
        .bind(&hash)
        .bind(user_id.0)
        .execute(conn)
        .await?;
    Ok(true)
}

/// A session's name in pages and calls: the first 8 bytes of its stored hash,
/// in hex. It cannot be turned into the cookie (the hash cannot), and it is
/// only ever looked up among one account's sessions.
pub fn reference(id_hash: &[u8]) -> String {
    id_hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub async fn delete(conn: &mut dyn Conn, session_hash: &[u8]) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM sessions WHERE id_hash = ?").bind(session_hash).execute(conn).await?;
    Ok(())
}

/// Signs a user out everywhere except, optionally, one session.
pub async fn delete_all_for_user(
    conn: &mut dyn Conn,
    user_id: UserId,
    except: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM sessions WHERE user_id = ? AND id_hash IS DISTINCT FROM ?")
        .bind(user_id.0)
        .bind(except)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    user_id: i64,
    uid: String,
    created_at: i64,
    last_seen_at: i64,
    email: String,
    first_name: String,
    last_name: String,
    state: String,
    must_change_password: bool,
    is_admin: bool,
}

/// Resolves a cookie token to the signed-in user, or None. Dead sessions
/// (expired, or whose account is no longer active) are deleted on sight when
/// the database allows (the retention job deletes what is left). The only
/// database work on the request path is one read.
pub async fn resolve(
    pool: &Pool,
    settings: &Settings,
    touches: &Touches,
    token: &str,
    now: i64,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let hash = hash_token(token);
    let mut conn = pool.acquire().await?;
    let row: Option<Row> = crate::db::query_as(&format!(
        "SELECT s.user_id, u.uid, s.created_at, s.last_seen_at, u.email, u.first_name, u.last_name, u.state,
                    u.must_change_password, {}
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = ?",
        crate::users::repo::IS_ADMIN
    ))
    .bind(&hash)
    .fetch_optional(&mut conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_seen = touches.last_seen(&hash, row.last_seen_at);
    let live = is_live(row.created_at, last_seen, now, settings.session_idle_secs, settings.session_absolute_secs);
    if !live || row.state != "active" {
        touches.forget(&hash);
        if let Err(e) = delete(&mut conn, &hash).await {
            tracing::debug!(error = %e, "could not delete a dead session now; retention will");
        }
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_SECS {
        touches.note(&hash, now);
    }
    Ok(Some(SessionUser {
        user_id: UserId(row.user_id),
        uid: row.uid,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        is_admin: row.is_admin,
        must_change_password: row.must_change_password,
        session_hash: hash,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: i64 = 30 * 60;
    const ABS: i64 = 12 * 3600;

    #[test]
    fn a_session_lives_while_used_within_the_idle_time() {
        assert!(is_live(1000, 1000, 1000, IDLE, ABS));
        assert!(is_live(1000, 1000, 1000 + IDLE - 1, IDLE, ABS));
    }

    #[test]
    fn a_session_ends_after_the_idle_time() {
        assert!(!is_live(1000, 1000, 1000 + IDLE, IDLE, ABS));
    }

    #[test]
    fn a_session_ends_at_the_absolute_limit_even_when_busy() {
        let created = 1000;
        let now = created + ABS;
        assert!(!is_live(created, now - 5, now, IDLE, ABS));
        assert!(is_live(created, now - 5, now - 1, IDLE, ABS));
    }

    #[test]
    fn cookie_is_httponly_samesite_and_secure_behind_https() {
        let http = Settings::from_sources(None, Vec::<(String, String)>::new()).unwrap();
        let c = set_cookie_header(&http, "tok");
        assert_eq!(c, "gatehouse_sid=tok; HttpOnly; SameSite=Lax; Path=/");
        let https = Settings::from_sources(
            None,
            vec![("GATEHOUSE_PUBLIC_URL".to_string(), "https://portal.example".to_string())],
        )
        .unwrap();
        let c = set_cookie_header(&https, "tok");
        assert_eq!(c, "__Host-gatehouse_sid=tok; HttpOnly; SameSite=Lax; Path=/; Secure");
        assert_eq!(token_from_cookies(&https, "a=b; __Host-gatehouse_sid=tok"), Some("tok".into()));
        assert_eq!(token_from_cookies(&https, "gatehouse_sid=tok"), None);
    }
}
