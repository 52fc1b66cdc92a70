//! Every SQL statement on `users` lives here.
use super::UserId;
use sqlx::SqliteConnection;

#[derive(sqlx::FromRow, Debug)]
pub struct Credentials {
    pub id: i64,
    pub state: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub is_admin: bool,
}

pub async fn credentials_by_email(
    conn: &mut SqliteConnection,
    email_canonical: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.state, u.password_hash, u.must_change_password,
                EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
                        WHERE gm.user_id = u.id AND g.uid = 'administrators') AS is_admin
         FROM users u WHERE u.email_canonical = ?",
    )
    .bind(email_canonical)
    .fetch_optional(conn)
    .await
}

pub async fn password_hash(conn: &mut SqliteConnection, id: UserId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
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

pub async fn insert(conn: &mut SqliteConnection, u: &NewUser<'_>) -> Result<UserId, sqlx::Error> {
    let uid = crate::auth::tokens::random_token()[..16].to_lowercase().replace(['-', '_'], "0");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (uid, email, email_canonical, first_name, last_name, password_hash, must_change_password)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(uid)
    .bind(u.email.trim())
    .bind(super::canonical_email(u.email))
    .bind(u.first_name.trim())
    .bind(u.last_name.trim())
    .bind(u.password_hash)
    .bind(u.must_change_password)
    .fetch_one(conn)
    .await?;
    Ok(UserId(id))
}

pub async fn set_password(
    conn: &mut SqliteConnection,
    id: UserId,
    hash: &str,
    must_change: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
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

pub async fn set_state(conn: &mut SqliteConnection, id: UserId, state: super::UserState) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET state = ?, updated_at = unixepoch(), version = version + 1 WHERE id = ?")
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

pub async fn count_by_state(conn: &mut SqliteConnection) -> Result<StateCounts, sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*) AS total,
                COALESCE(SUM(state = 'active'), 0) AS active,
                COALESCE(SUM(state = 'blocked'), 0) AS blocked,
                COALESCE(SUM(state = 'pending'), 0) AS pending
         FROM users WHERE state <> 'deleted'",
    )
    .fetch_one(conn)
    .await
}
