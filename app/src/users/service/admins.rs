//! Administrators made from the command line (`gatehouse create-admin`,
//! `reset-admin-password`) and at first start.
use super::*;

pub struct NewAdmin {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// None: generate a one-time password that must be changed at first sign-in.
    pub password: Option<String>,
}

/// The operator's password (checked against the rule), or a generated
/// one-time password; the flag says which.
fn chosen_or_generated(state: &AppState, password: Option<String>) -> Result<(String, bool), ServiceError> {
    match password {
        Some(p) => {
            check_password(state, &p)?;
            Ok((p, false))
        }
        None => Ok((tokens::generate_password(), true)),
    }
}

/// Creates an active administrator (member of Administrators and Developers).
/// Returns the id and the generated one-time password, if one was generated.
pub async fn create_admin(state: &AppState, new: NewAdmin) -> Result<(UserId, Option<String>), ServiceError> {
    let form = UserForm {
        email: new.email.clone(),
        first_name: new.first_name,
        last_name: new.last_name,
        note: String::new(),
    };
    let errs = validate(&form);
    if !errs.is_empty() {
        return Err(ServiceError::Validation(errs));
    }
    let (pw, generated) = chosen_or_generated(state, new.password)?;
    let hash = state.hasher.hash(pw.clone()).await?;
    let mut tx = state.begin_write().await?;
    if repo::email_taken(&mut tx, &form.email, None).await? {
        return Err(ServiceError::field("email", Msg::ErrEmailTaken));
    }
    let id = repo::insert(
        &mut tx,
        &repo::NewUser {
            email: &form.email,
            first_name: &form.first_name,
            last_name: &form.last_name,
            password_hash: Some(&hash),
            must_change_password: generated,
        },
    )
    .await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Administrators).await?;
    groups_repo::add_to_system_group(&mut tx, id, SystemGroup::Developers).await?;
    let created = repo::by_uid_id(&mut tx, id).await?;
    log(
        &mut tx,
        &Actor::cli(),
        "user.created",
        &created,
        None,
        Some(json!({ "email": created.email, "administrator": true })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((id, generated.then_some(pw)))
}

/// The recovery path: sets a new password for an administrator, re-activates
/// the account and signs it out everywhere. Without a password a one-time
/// password is generated and returned.
pub async fn reset_admin_password(
    state: &AppState,
    email: &str,
    new_password: Option<String>,
) -> Result<Option<String>, ServiceError> {
    let (pw, generated) = chosen_or_generated(state, new_password)?;
    let hash = state.hasher.hash(pw.clone()).await?;
    let mut tx = state.begin_write().await?;
    let creds = repo::credentials_by_email(&mut tx, &canonical_email(email))
        .await?
        .filter(|c| c.is_admin && c.state != "deleted")
        .ok_or(ServiceError::Refused(Msg::ErrNoSuchAdmin))?;
    let id = UserId(creds.id);
    repo::set_password(&mut tx, id, &hash, generated).await?;
    repo::set_state(&mut tx, id, UserState::Active).await?;
    sessions::delete_all_for_user(&mut tx, id, None).await?;
    let u = repo::by_uid_id(&mut tx, id).await?;
    log(
        &mut tx,
        &Actor::cli(),
        "user.password_set",
        &u,
        Some(json!({ "state": creds.state })),
        Some(json!({ "state": "active", "mustChangePassword": generated })),
        Some("recovery from the command line"),
    )
    .await?;
    tx.commit().await?;
    Ok(generated.then_some(pw))
}

/// On first start with no administrator, creates one from the settings, or
/// with a generated password. Returns the generated password to print once.
pub async fn ensure_first_admin(state: &AppState) -> Result<Option<(String, String)>, ServiceError> {
    let mut conn = state.pool.acquire().await?;
    if groups_repo::count_members(&mut conn, SystemGroup::Administrators).await? > 0 {
        return Ok(None);
    }
    drop(conn);
    let email = state.settings.admin_email.clone().unwrap_or_else(|| "admin@localhost.localdomain".into());
    let password = state.settings.admin_password.as_ref().map(|s| s.expose().to_string());
    let (_, generated) = create_admin(
        state,
        NewAdmin { email: email.clone(), first_name: "Gatehouse".into(), last_name: "Administrator".into(), password },
    )
    .await?;
    Ok(generated.map(|pw| (email, pw)))
}
