//! Every SQL statement on `users` lives here: accounts and their records in
//! this file, the admin screen's list in `list`, the REST API's list in
//! `api_list`.
mod api_list;
mod list;

pub use api_list::*;
pub use list::*;

use super::{UserForm, UserId, UserState};
use crate::db::Conn;

/// Whether the account `u` is in Administrators, as a column `is_admin`.
pub const IS_ADMIN: &str = "EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
     WHERE gm.user_id = u.id AND g.uid = 'administrators') AS is_admin";

#[derive(sqlx::FromRow, Debug)]
pub struct Credentials {
    pub id: i64,
    pub state: String,
    pub password_hash: Option<crate::secret::Secret>,
    pub must_change_password: bool,
    pub is_admin: bool,
}

pub async fn credentials_by_email(
    conn: &mut dyn Conn,
    email_canonical: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    crate::db::query_as(&format!(
        "SELECT u.id, u.state, u.password_hash, u.must_change_password, {IS_ADMIN}
             FROM users u WHERE u.email_canonical = ?"
    ))
    .bind(email_canonical)
    .fetch_optional(conn)
    .await
}

/// A user's public id: 16 lower-case hex digits (64 random bits).
pub fn new_uid() -> String {
    use rand::RngCore;
    format!("{:016x}", rand::rngs::OsRng.next_u64())
}

pub async fn password_hash(conn: &mut dyn Conn, id: UserId) -> Result<Option<String>, sqlx::Error> {
    crate::db::query_scalar("SELECT password_hash FROM users WHERE id = ?")
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
}

/// Sets the note of a new account (the admin "Add user" form); none, no write.
pub async fn set_note(conn: &mut dyn Conn, id: UserId, note: Option<&str>) -> Result<(), sqlx::Error> {
    if note.is_some() {
        crate::db::query("UPDATE users SET note = ? WHERE id = ?").bind(note).bind(id.0).execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn insert(conn: &mut dyn Conn, u: &NewUser<'_>) -> Result<UserId, sqlx::Error> {
    Ok(insert_as(conn, u, UserState::Active, crate::i18n::Lang::En).await?.user_id())
}

/// Inserts an account in a given state and email language and returns it,
/// in one statement (bulk invitations add thousands).
pub async fn insert_as(
    conn: &mut dyn Conn,
    u: &NewUser<'_>,
    state: UserState,
    lang: crate::i18n::Lang,
) -> Result<UserRecord, sqlx::Error> {
    insert_named(conn, u, state, lang, &new_uid()).await
}

/// As `insert_as`, with the uid the caller chose (the REST API's
/// `PUT …/users/{userId}` names the account).
pub async fn insert_named(
    conn: &mut dyn Conn,
    u: &NewUser<'_>,
    state: UserState,
    lang: crate::i18n::Lang,
    uid: &str,
) -> Result<UserRecord, sqlx::Error> {
    crate::db::query_as(
        "INSERT INTO users (uid, email, email_canonical, first_name, last_name, password_hash, must_change_password,
                            search_text, state, lang)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING id, uid, email, first_name, last_name, note, state, registered_at,
                   password_hash IS NOT NULL AS has_password, version, FALSE AS is_admin, lang",
    )
    .bind(uid)
    .bind(u.email.trim())
    .bind(super::canonical_email(u.email))
    .bind(u.first_name.trim())
    .bind(u.last_name.trim())
    .bind(u.password_hash)
    .bind(u.must_change_password)
    .bind(super::search_text(u.first_name, u.last_name, u.email))
    .bind(state.as_str())
    .bind(lang.code())
    .fetch_one(conn)
    .await
}

/// Whether an insert failed on the unique email (someone has the address).
pub fn is_email_taken(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation() && d.message().contains("email_canonical"))
}

/// When the account last signed in (None: never, or not since sign-ins were recorded).
pub async fn last_sign_in(conn: &mut dyn Conn, id: UserId) -> Result<Option<i64>, sqlx::Error> {
    crate::db::query_scalar("SELECT last_sign_in_at FROM users WHERE id = ?").bind(id.0).fetch_one(conn).await
}

/// The account signed in now. Not an edit of the account: its version and
/// `updated_at` stay, so an administrator's open form does not turn stale.
pub async fn note_sign_in(conn: &mut dyn Conn, id: UserId, now: i64) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE users SET last_sign_in_at = ? WHERE id = ?").bind(now).bind(id.0).execute(conn).await?;
    Ok(())
}

pub async fn set_password(conn: &mut dyn Conn, id: UserId, hash: &str, must_change: bool) -> Result<(), sqlx::Error> {
    crate::db::query(
        "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = unixepoch(),
                version = version + 1 WHERE id = ?",
    )
    .bind(hash)
    .bind(must_change)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_state(conn: &mut dyn Conn, id: UserId, state: super::UserState) -> Result<(), sqlx::Error> {
    crate::db::query("UPDATE users SET state = ?, updated_at = unixepoch(), version = version + 1 WHERE id = ?")
        .bind(state.as_str())
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow, Default, Clone, Copy)]
pub struct StateCounts {
    pub total: i64,
    pub active: i64,
    pub blocked: i64,
    pub pending: i64,
}

pub async fn count_by_state(conn: &mut dyn Conn) -> Result<StateCounts, sqlx::Error> {
    crate::db::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN state <> 'deleted' THEN n END), 0) AS BIGINT) AS total,
                CAST(COALESCE(SUM(CASE WHEN state = 'active' THEN n END), 0) AS BIGINT) AS active,
                CAST(COALESCE(SUM(CASE WHEN state = 'blocked' THEN n END), 0) AS BIGINT) AS blocked,
                CAST(COALESCE(SUM(CASE WHEN state = 'pending' THEN n END), 0) AS BIGINT) AS pending
         FROM user_counts",
    )
    .fetch_one(conn)
    .await
}

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub note: Option<String>,
    pub state: String,
    pub registered_at: i64,
    pub has_password: bool,
    pub version: i64,
    pub is_admin: bool,
    /// The language of the emails this account receives.
    pub lang: String,
}

impl UserRecord {
    pub fn user_id(&self) -> UserId {
        UserId(self.id)
    }
    pub fn state(&self) -> UserState {
        UserState::parse(&self.state).unwrap_or(UserState::Active)
    }
    /// What the activity log keeps as "before"/"after".
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "email": self.email, "firstName": self.first_name, "lastName": self.last_name,
            "note": self.note, "state": self.state,
        })
    }
}

pub async fn by_uid(conn: &mut dyn Conn, uid: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    crate::db::query_as(&format!(
        "SELECT u.id, u.uid, u.email, u.first_name, u.last_name, u.note, u.state, u.registered_at,
                    u.password_hash IS NOT NULL AS has_password, u.version, {IS_ADMIN}, u.lang
             FROM users u WHERE u.uid = ?"
    ))
    .bind(uid)
    .fetch_optional(conn)
    .await
}

/// Updates the editable fields if the version still matches; false if it did not.
pub async fn update_profile(
    conn: &mut dyn Conn,
    id: UserId,
    form: &UserForm,
    expected_version: i64,
) -> Result<bool, sqlx::Error> {
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let done = crate::db::query(
        "UPDATE users SET email = ?, email_canonical = ?, first_name = ?, last_name = ?, note = ?, search_text = ?,
                updated_at = unixepoch(), version = version + 1
         WHERE id = ? AND version = ?",
    )
    .bind(form.email.trim())
    .bind(super::canonical_email(&form.email))
    .bind(form.first_name.trim())
    .bind(form.last_name.trim())
    .bind(note)
    .bind(super::search_text(&form.first_name, &form.last_name, &form.email))
    .bind(id.0)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut dyn Conn, id: UserId) -> Result<(), sqlx::Error> {
    crate::db::query("DELETE FROM users WHERE id = ?").bind(id.0).execute(conn).await?;
    Ok(())
}

pub async fn email_taken(conn: &mut dyn Conn, email: &str, except: Option<UserId>) -> Result<bool, sqlx::Error> {
    crate::db::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email_canonical = ? AND id IS DISTINCT FROM ?)")
        .bind(super::canonical_email(email))
        .bind(except.map(|i| i.0))
        .fetch_one(conn)
        .await
}

/// Active administrators: the last one may not be blocked, deleted or demoted.
pub async fn count_active_admins(conn: &mut dyn Conn) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar(
        "SELECT COUNT(*) FROM group_members gm JOIN groups g ON g.id = gm.group_id
         JOIN users u ON u.id = gm.user_id WHERE g.uid = 'administrators' AND u.state = 'active'",
    )
    .fetch_one(conn)
    .await
}

pub async fn count_sessions(conn: &mut dyn Conn, id: UserId) -> Result<i64, sqlx::Error> {
    crate::db::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = ?").bind(id.0).fetch_one(conn).await
}

pub async fn by_uid_id(conn: &mut dyn Conn, id: UserId) -> Result<UserRecord, sqlx::Error> {
    let uid: String =
        crate::db::query_scalar("SELECT uid FROM users WHERE id = ?").bind(id.0).fetch_one(&mut *conn).await?;
    by_uid(conn, &uid).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Active administrators, for the emails that ask them to act.
pub async fn active_admins(conn: &mut dyn Conn) -> Result<Vec<UserRecord>, sqlx::Error> {
    crate::db::query_as(&format!(
        "SELECT u.id, u.uid, u.email, u.first_name, u.last_name, u.note, u.state, u.registered_at,
                u.password_hash IS NOT NULL AS has_password, u.version, {IS_ADMIN}, u.lang
         FROM users u WHERE u.state = 'active' AND u.id IN (
             SELECT gm.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE g.uid = 'administrators')
         ORDER BY u.id LIMIT 50"
    ))
    .fetch_all(conn)
    .await
}
