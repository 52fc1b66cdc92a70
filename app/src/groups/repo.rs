//! Every SQL statement on `groups` and `group_members` lives here.
use super::SystemGroup;
use crate::users::UserId;
use sqlx::SqliteConnection;

pub async fn add_to_system_group(
    conn: &mut SqliteConnection,
    user: UserId,
    group: SystemGroup,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO group_members (group_id, user_id)
         SELECT id, ? FROM groups WHERE uid = ?",
    )
    .bind(user.0)
    .bind(group.uid())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_members(conn: &mut SqliteConnection, group: SystemGroup) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members gm JOIN groups g ON g.id = gm.group_id
         JOIN users u ON u.id = gm.user_id WHERE g.uid = ? AND u.state <> 'deleted'",
    )
    .bind(group.uid())
    .fetch_one(conn)
    .await
}

pub async fn count(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM groups").fetch_one(conn).await
}

/// Names of the groups a user belongs to, system groups first.
pub async fn names_for_user(conn: &mut SqliteConnection, user: UserId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id = ? ORDER BY g.kind <> 'system', g.name_canonical",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await
}
