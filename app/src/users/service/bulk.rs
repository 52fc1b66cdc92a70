//! One action applied to many selected accounts, and the activity entry
//! every membership change writes (shared with the groups' service).
use super::*;

/// Applies one action to many accounts. Each row gets its own savepoint, so
/// a refused row leaves no trace and does not undo the others; the chunk
/// commits once (one fsync, not one per row).
pub async fn bulk(
    state: &AppState,
    admin: &Admin,
    uids: &[String],
    action: &BulkAction,
    reason: Option<&str>,
) -> Result<Vec<BulkRowResult>, ServiceError> {
    let actor = admin.actor();
    if uids.len() > MAX_BULK {
        return Err(ServiceError::field("", Msg::ErrBulkTooMany).map_arg(MAX_BULK));
    }
    let mut tx = state.begin_write().await?;
    let group = match action {
        BulkAction::AddToGroup(g) | BulkAction::RemoveFromGroup(g) => {
            let (id, row) = groups_repo::by_uid(&mut tx, g).await?.ok_or(ServiceError::Refused(Msg::ErrGroupGone))?;
            if row.kind == GroupKind::System {
                return Err(ServiceError::Refused(Msg::ErrSystemMembership));
            }
            Some((id, row))
        }
        _ => None,
    };
    let mut results = Vec::with_capacity(uids.len());
    for uid in uids {
        let mut sp = crate::db::begin(&mut tx).await?;
        let outcome: Result<String, ServiceError> = async {
            let u = find(&mut sp, uid).await?;
            match (action, &group) {
                (BulkAction::Block, _) => change_state(state, &mut sp, actor, &u, UserState::Blocked, reason).await?,
                (BulkAction::Activate, _) => change_state(state, &mut sp, actor, &u, UserState::Active, reason).await?,
                (BulkAction::AddToGroup(_), Some((gid, g))) => {
                    if groups_repo::add_member(&mut sp, *gid, u.user_id()).await? {
                        membership_activity(&mut sp, actor, &u, g, true, reason).await?;
                    }
                }
                (BulkAction::RemoveFromGroup(_), Some((gid, g))) => {
                    if groups_repo::remove_member(&mut sp, *gid, u.user_id()).await? {
                        membership_activity(&mut sp, actor, &u, g, false, reason).await?;
                    }
                }
                _ => unreachable!("group actions always resolve their group"),
            }
            Ok(u.email)
        }
        .await;
        match outcome {
            Ok(email) => {
                sp.commit().await?;
                results.push(BulkRowResult { uid: uid.clone(), label: email, error: None });
            }
            Err(ServiceError::Db(e)) => return Err(ServiceError::Db(e)),
            Err(e) => {
                sp.rollback().await?;
                results.push(BulkRowResult { uid: uid.clone(), label: uid.clone(), error: Some(e.into()) });
            }
        }
    }
    tx.commit().await?;
    state.outbox.notify_one();
    Ok(results)
}

/// Logs a membership change on the user, related to the group so that it
/// shows in the group's history too.
pub(crate) async fn membership_activity(
    conn: &mut dyn Conn,
    actor: &Actor,
    u: &UserRecord,
    g: &crate::groups::GroupRow,
    added: bool,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let detail = json!({ "group": g.name, "groupId": g.uid });
    let (before, after) = if added { (None, Some(detail)) } else { (Some(detail), None) };
    let change = Change {
        action: if added { "group.member_added" } else { "group.member_removed" },
        target_kind: "user",
        target_uid: &u.uid,
        target_label: &label(u),
        before,
        after,
        reason,
    };
    activity::record_related(conn, actor, change, Some(("group", &g.uid))).await?;
    Ok(())
}
