//! An account's sessions: listing them and ending them, for the account
//! itself (its profile) and for administrators (the user page).
use super::*;
use crate::auth::sessions::SessionUser;
use crate::users::sessions::{describe, SessionView};

/// The live sessions of an account, newest use first. `current` marks the
/// session the request came with.
async fn live_sessions(
    state: &AppState,
    conn: &mut dyn Conn,
    user: UserId,
    current: Option<&[u8]>,
) -> Result<Vec<SessionView>, ServiceError> {
    let now = crate::db::now();
    let s = &state.settings;
    let mut out: Vec<SessionView> = sessions::of_user(conn, user)
        .await?
        .into_iter()
        .filter_map(|row| {
            let seen = sessions::last_seen(&state.session_touches, &row);
            if !sessions::is_live(row.created_at, seen, now, s.session_idle_secs, s.session_absolute_secs) {
                return None;
            }
            let (browser, system) = row.user_agent.as_deref().map(describe).unwrap_or((None, None));
            Some(SessionView {
                reference: sessions::reference(&row.id_hash),
                started_at: row.created_at,
                last_seen_at: seen,
                client_addr: row.client_addr,
                browser: browser.map(str::to_string),
                system: system.map(str::to_string),
                current: current == Some(row.id_hash.as_slice()),
            })
        })
        .collect();
    out.sort_by(|a, b| b.current.cmp(&a.current).then(b.last_seen_at.cmp(&a.last_seen_at)));
    Ok(out)
}

/// An administrator's view of an account's sessions.
pub async fn sessions_of(
    state: &AppState,
    _: &Admin,
    uid: &str,
    viewer_session: &[u8],
) -> Result<Vec<SessionView>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    let u = find(&mut conn, uid).await?;
    live_sessions(state, &mut conn, u.user_id(), Some(viewer_session)).await
}

/// Ends every session of an account ("Sign out everywhere"); logged.
/// An administrator doing this to themselves is signed out too.
pub async fn sign_out_everywhere(state: &AppState, admin: &Admin, uid: &str) -> Result<i64, ServiceError> {
    let actor = admin.actor();
    let mut tx = state.begin_write().await?;
    let u = find(&mut tx, uid).await?;
    let n = repo::count_sessions(&mut tx, u.user_id()).await?;
    sessions::delete_all_for_user(&mut tx, u.user_id(), None).await?;
    log(&mut tx, actor, "user.signed_out_everywhere", &u, Some(json!({ "sessions": n })), None, None).await?;
    tx.commit().await?;
    Ok(n)
}

/// The caller's own sessions.
pub async fn my_sessions(state: &AppState, me: &SessionUser) -> Result<Vec<SessionView>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    live_sessions(state, &mut conn, me.user_id, Some(&me.session_hash)).await
}

/// Ends one of the caller's sessions (this one too, which signs them out).
/// Returns whether it was the current one.
pub async fn end_my_session(state: &AppState, me: &SessionUser, reference: &str) -> Result<bool, ServiceError> {
    let mut tx = state.begin_write().await?;
    if !sessions::delete_by_reference(&mut tx, me.user_id, reference).await? {
        return Err(ServiceError::NotFound);
    }
    tx.commit().await?;
    Ok(sessions::reference(&me.session_hash) == reference)
}

/// Ends every session of the caller but this one.
pub async fn end_my_other_sessions(state: &AppState, me: &SessionUser) -> Result<(), ServiceError> {
    let mut tx = state.begin_write().await?;
    sessions::delete_all_for_user(&mut tx, me.user_id, Some(&me.session_hash)).await?;
    tx.commit().await?;
    Ok(())
}
