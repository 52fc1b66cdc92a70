//! One account: edit, password, block/activate, administrator rights,
//! delete, and its history.
use crate::activity::pages::ActivityList;
use crate::components::{field_error, format_date, format_time, state_badge, ConfirmPanel, ErrorBanner};
use crate::error::AppError;
use crate::groups::{display_name, display_names};
use crate::i18n::{tr, use_i18n, Msg};
use crate::users::api::*;
use crate::users::UserState;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Block,
    Activate,
    Delete,
    GrantAdmin,
    RevokeAdmin,
    SendReset,
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let uid = Memo::new(move |_| params.read().get("uid").unwrap_or_default());
    let update = ServerAction::<UpdateUser>::new();
    let set_pw = ServerAction::<SetUserPassword>::new();
    let reload = RwSignal::new(0u32);
    let user = Resource::new(
        move || (uid.get(), update.version().get(), set_pw.version().get(), reload.get()),
        |(uid, ..)| get_user(uid),
    );
    let pending = RwSignal::new(None::<Pending>);
    let busy = RwSignal::new(false);
    let action_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<Msg>);
    // The delete confirmation's "email the developer" box.
    let notify_closed = RwSignal::new(true);
    let update_error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let pw_error = Signal::derive(move || set_pw.value().get().and_then(|r| r.err()));
    let navigate = use_navigate();

    let perform = Callback::new(move |(which, reason): (Pending, Option<String>)| {
        let uid = uid.get_untracked();
        busy.set(true);
        action_error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match which {
                Pending::Block => set_user_state(uid, "blocked".into(), reason).await.map(|_| Msg::DoneBlocked),
                Pending::Activate => set_user_state(uid, "active".into(), reason).await.map(|_| Msg::DoneActivated),
                Pending::GrantAdmin => set_user_admin(uid, true, reason).await.map(|_| Msg::DoneAdminGranted),
                Pending::RevokeAdmin => set_user_admin(uid, false, reason).await.map(|_| Msg::DoneAdminRevoked),
                Pending::Delete => set_deleted(uid, reason, notify_closed.get_untracked()).await,
                Pending::SendReset => crate::recovery::api::send_reset_link(uid).await.map(|_| Msg::DoneResetSent),
            };
            busy.set(false);
            pending.set(None);
            match result {
                Ok(Msg::DoneDeleted) => navigate("/admin/users", Default::default()),
                Ok(m) => {
                    notice.set(Some(m));
                    reload.update(|n| *n += 1);
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    });

    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Err(e) => view! {
                        <h1>{tr(Msg::NavUsers)}</h1>
                        <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p>
                        <p><a href="/admin/users">{tr(Msg::BackToUsers)}</a></p>
                    }.into_any(),
                    Ok(u) => {
                        let name = format!("{} {}", u.first_name, u.last_name);
                        let blocked = u.state == UserState::Blocked;
                        let can_activate = matches!(u.state, UserState::Blocked | UserState::Pending);
                        let is_admin = u.is_admin;
                        let is_self = u.is_self;
                        let uid_v = u.uid.clone();
                        let uid_pw = u.uid.clone();
                        let uid_act = u.uid.clone();
                        let run_pending = move |which: &'static str, key: String| {
                            busy.set(true);
                            action_error.set(None);
                            spawn_local(async move {
                                let r = pending_action(which, key).await;
                                busy.set(false);
                                match r {
                                    Ok(m) => { notice.set(Some(m)); reload.update(|n| *n += 1); }
                                    Err(e) => action_error.set(Some(e)),
                                }
                            });
                        };
                        let pending_box = match (&u.invitation, u.state) {
                            (Some(inv), _) => {
                                let (k1, k2) = (inv.uid.clone(), inv.uid.clone());
                                let can_resend = inv.state != crate::invitations::InvitationState::Accepted && u.state == UserState::Pending;
                                let can_revoke = matches!(inv.state, crate::invitations::InvitationState::Pending | crate::invitations::InvitationState::Expired);
                                let class = format!("badge inv-{}", inv.state.as_str());
                                let sent = format_date(inv.last_sent_at);
                                let by = inv.invited_by.clone();
                                Some(view! {
                                    <div class="pending-box" data-testid="invitation-box">
                                        <p>{move || Msg::InvitedByOn.fmt(i18n.lang.get(), &[&by, &sent])}" "<span class=class.clone()>{tr(inv.state.label())}</span></p>
                                        <div class="actions">
                                            {can_resend.then(|| view! { <button type="button" class="button small secondary" data-testid="resend-invitation" disabled=move || busy.get() on:click=move |_| run_pending("resend_invitation", k1.clone())>{tr(Msg::ResendInvitation)}</button> })}
                                            {can_revoke.then(|| view! { <button type="button" class="button small danger" disabled=move || busy.get() on:click=move |_| run_pending("revoke_invitation", k2.clone())>{tr(Msg::Revoke)}</button> })}
                                        </div>
                                    </div>
                                }.into_any())
                            }
                            (None, UserState::Pending) => {
                                let k = u.uid.clone();
                                Some(view! {
                                    <div class="pending-box" data-testid="verification-box">
                                        <p>{tr(Msg::PendingVerification)}</p>
                                        <div class="actions">
                                            <button type="button" class="button small secondary" data-testid="resend-verification" disabled=move || busy.get() on:click=move |_| run_pending("resend_verification", k.clone())>{tr(Msg::ResendVerification)}</button>
                                        </div>
                                    </div>
                                }.into_any())
                            }
                            _ => None,
                        };
                        view! {
                            <p class="crumbs"><a href="/admin/users">{tr(Msg::NavUsers)}</a>" / "{name.clone()}</p>
                            <div class="page-head">
                                <h1>{name.clone()}" "{state_badge(u.state)}
                                    {is_admin.then(|| view! { <span class="badge admin">{tr(Msg::StatAdmins)}</span> })}
                                </h1>
                            </div>
                            {move || notice.get().map(|m| view! { <p class="success" role="status">{tr(m)}</p> })}
                            <ErrorBanner error=Signal::derive(move || action_error.get())/>
                            <div class="detail-grid">
                                <section class="card">
                                    <h2>{tr(Msg::Profile)}</h2>
                                    {move || matches!(update.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::Saved)}</p> })}
                                    <ErrorBanner error=update_error/>
                                    <ActionForm action=update attr:class="stack" attr:data-testid="edit-user-form">
                                        <input type="hidden" name="uid" value=uid_v/>
                                        <input type="hidden" name="version" value=u.version/>
                                        <label for="email">{tr(Msg::Email)}</label>
                                        <input id="email" name="email" type="email" required maxlength="254" value=u.email.clone()/>
                                        {field_error(update_error, "email")}
                                        <label for="first_name">{tr(Msg::FirstName)}</label>
                                        <input id="first_name" name="first_name" type="text" required maxlength="100" value=u.first_name.clone()/>
                                        {field_error(update_error, "first_name")}
                                        <label for="last_name">{tr(Msg::LastName)}</label>
                                        <input id="last_name" name="last_name" type="text" required maxlength="100" value=u.last_name.clone()/>
                                        {field_error(update_error, "last_name")}
                                        <label for="note">{tr(Msg::Note)}</label>
                                        <textarea id="note" name="note" rows="3" maxlength="1000">{u.note.clone().unwrap_or_default()}</textarea>
                                        {field_error(update_error, "note")}
                                        <button type="submit" class="button" disabled=move || update.pending().get()>{tr(Msg::Save)}</button>
                                    </ActionForm>
                                </section>
                                <section class="card">
                                    <h2>{tr(Msg::Account)}</h2>
                                    <dl class="facts">
                                        <dt>{tr(Msg::State)}</dt><dd>{state_badge(u.state)}</dd>
                                        <dt>{tr(Msg::Registered)}</dt><dd>{format_date(u.registered_at)}</dd>
                                        <dt>{tr(Msg::LastSignIn)}</dt>
                                        <dd data-testid="last-sign-in">{match u.last_sign_in_at {
                                            Some(t) => format_time(t).into_any(),
                                            None => tr(Msg::NeverSignedIn).into_any(),
                                        }}</dd>
                                        <dt>{tr(Msg::Groups)}</dt>
                                        <dd data-testid="user-groups">
                                            {u.groups.iter().map(|g| { let name = g.name.clone(); view! { <a class="chip" href=format!("/admin/groups/{}", g.uid)>{move || display_name(&name, i18n.lang.get())}</a>" " } }).collect_view()}
                                        </dd>
                                        <dt>{tr(Msg::Identities)}</dt>
                                        <dd data-testid="user-identities">
                                            {u.identities.iter().map(|i| {
                                                let basic = i.provider == "Basic";
                                                let provider = (!basic).then(|| i.provider.clone());
                                                view! { <div>{basic.then(|| tr(Msg::IdentityBasic))}{provider}": "{i.id.clone()}</div> }
                                            }).collect_view()}
                                        </dd>
                                        <dt>{tr(Msg::Password)}</dt>
                                        <dd>{if u.has_password { tr(Msg::PasswordIsSet)() } else { tr(Msg::PasswordNotSet)() }}</dd>
                                    </dl>
                                    <div class="actions">
                                        {(!blocked && !is_self).then(|| view! {
                                            <button type="button" class="button secondary" data-testid="block" on:click=move |_| pending.set(Some(Pending::Block))>{tr(Msg::Block)}</button>
                                        })}
                                        {can_activate.then(|| view! {
                                            <button type="button" class="button secondary" data-testid="activate" on:click=move |_| pending.set(Some(Pending::Activate))>{tr(Msg::Activate)}</button>
                                        })}
                                        {(!is_admin && !blocked).then(|| view! {
                                            <button type="button" class="button secondary" on:click=move |_| pending.set(Some(Pending::GrantAdmin))>{tr(Msg::MakeAdmin)}</button>
                                        })}
                                        {(is_admin && !is_self).then(|| view! {
                                            <button type="button" class="button secondary" on:click=move |_| pending.set(Some(Pending::RevokeAdmin))>{tr(Msg::RevokeAdmin)}</button>
                                        })}
                                        {(u.state == UserState::Active).then(|| view! {
                                            <button type="button" class="button secondary" data-testid="send-reset" on:click=move |_| pending.set(Some(Pending::SendReset))>{tr(Msg::SendResetButton)}</button>
                                        })}
                                        {(!is_self).then(|| view! {
                                            <button type="button" class="button danger" data-testid="delete" on:click=move |_| pending.set(Some(Pending::Delete))>{tr(Msg::Delete)}</button>
                                        })}
                                    </div>
                                    {pending_box}
                                    {move || pending.get().map(|p| view! { <PendingConfirm which=p uid=uid.get_untracked() busy notify_closed on_confirm=Callback::new(move |reason| perform.run((p, reason))) on_cancel=Callback::new(move |_| pending.set(None))/> })}
                                </section>
                                <section class="card">
                                    <h2>{tr(Msg::SetPassword)}</h2>
                                    <p class="muted">{tr(Msg::SetPasswordHelp)}</p>
                                    {move || matches!(set_pw.value().get(), Some(Ok(()))).then(|| view! { <p class="success" role="status">{tr(Msg::PasswordSetDone)}</p> })}
                                    <ErrorBanner error=pw_error/>
                                    <ActionForm action=set_pw attr:class="stack">
                                        <input type="hidden" name="uid" value=uid_pw/>
                                        <label for="new-password">{tr(Msg::NewPassword)}</label>
                                        <input id="new-password" name="password" type="password" autocomplete="new-password" required/>
                                        {field_error(pw_error, "password")}
                                        <label class="checkbox"><input type="checkbox" name="must_change" checked/>{tr(Msg::MustChangeAtNextSignIn)}</label>
                                        <button type="submit" class="button" disabled=move || set_pw.pending().get()>{tr(Msg::SetPassword)}</button>
                                    </ActionForm>
                                </section>
                            </div>
                            <div class="detail-grid">
                                <section class="card">
                                    <h2>{tr(Msg::NavSubscriptions)}</h2>
                                    <crate::subscriptions::pages::UserSubscriptions subs=u.subscriptions.clone()/>
                                </section>
                                <crate::usage::pages::AdminUsage kind="user" uid=u.uid.clone()/>
                                <super::SessionsCard whose=super::Whose::Account(u.uid.clone())/>
                                <section class="card">
                                    <h2>{tr(Msg::VisibleProducts)}</h2>
                                    <p class="muted">{tr(if is_admin { Msg::AdminSeesAll } else { Msg::VisibleProductsHelp })}</p>
                                    <ul class="plain" data-testid="visible-products">
                                        {u.products.iter().map(|p| {
                                            let via = p.via.clone();
                                            view! {
                                                <li><a href=format!("/admin/products/{}", p.uid)>{p.name.clone()}</a>
                                                    <span class="muted small">" — "{tr(Msg::Via)}" "{move || display_names(&via, i18n.lang.get())}</span></li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </section>
                            </div>
                            <section>
                                <h2>{tr(Msg::NavActivity)}</h2>
                                <ActivityList target=Some(("user", uid_act)) reload=Signal::derive(move || reload.get() + update.version().get() as u32)/>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

async fn set_deleted(uid: String, reason: Option<String>, notify: bool) -> Result<Msg, AppError> {
    delete_user(uid, reason, Some(notify)).await.map(|_| Msg::DoneDeleted)
}

/// Resend or revoke an invitation, or resend a verification email, from the user page.
async fn pending_action(which: &'static str, key: String) -> Result<Msg, AppError> {
    use crate::invitations::api::{resend_invitation, revoke_invitation};
    match which {
        "resend_invitation" => resend_invitation(key).await.map(|_| Msg::DoneInvitationResent),
        "revoke_invitation" => revoke_invitation(key).await.map(|_| Msg::DoneInvitationRevoked),
        _ => crate::signup::api::resend_verification(key).await.map(|_| Msg::DoneVerificationResent),
    }
}

/// The confirmation for one of the weighty actions on the detail page.
#[component]
fn PendingConfirm(
    which: Pending,
    uid: String,
    busy: RwSignal<bool>,
    notify_closed: RwSignal<bool>,
    on_confirm: Callback<Option<String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (title, label, body) = match which {
        Pending::Block => (Msg::ConfirmBlockTitle, Msg::Block, Msg::ConfirmBlockBody),
        Pending::Activate => (Msg::ConfirmActivateTitle, Msg::Activate, Msg::ConfirmActivateBody),
        Pending::GrantAdmin => (Msg::ConfirmGrantAdminTitle, Msg::MakeAdmin, Msg::ConfirmGrantAdminBody),
        Pending::RevokeAdmin => (Msg::ConfirmRevokeAdminTitle, Msg::RevokeAdmin, Msg::ConfirmRevokeAdminBody),
        Pending::Delete => (Msg::ConfirmDeleteTitle, Msg::Delete, Msg::ConfirmDeleteBody),
        Pending::SendReset => (Msg::ConfirmResetTitle, Msg::SendResetButton, Msg::ConfirmResetBody),
    };
    let preview = Resource::new(
        move || (which == Pending::Delete).then(|| uid.clone()),
        |uid| async move {
            match uid {
                Some(uid) => user_delete_preview(uid).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <ConfirmPanel
            title=Signal::derive(move || i18n.t(title).to_string())
            confirm_label=Signal::derive(move || i18n.t(label).to_string())
            danger=matches!(which, Pending::Block | Pending::Delete | Pending::RevokeAdmin)
            pending=busy
            on_confirm
            on_cancel
        >
            <p>{tr(body)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    preview.await.ok().flatten().map(|p| view! {
                        <ul class="goes-with" data-testid="delete-preview">
                            <li>{move || Msg::GoesGroups.fmt(i18n.lang.get(), &[&p.groups.len(), &display_names(&p.groups, i18n.lang.get())])}</li>
                            <li>{move || Msg::GoesSessions.fmt(i18n.lang.get(), &[&p.sessions])}</li>
                            <li>{let n = p.subscriptions.len(); move || Msg::GoesSubscriptions.fmt(i18n.lang.get(), &[&n])}
                                {(!p.subscriptions.is_empty()).then(|| view! {
                                    <ul>
                                        {p.subscriptions.iter().map(|s| {
                                            let st = s.state;
                                            view! { <li>{format!("{} · {} · ", s.name, s.scope.name())}{tr(st.label())}</li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                            </li>
                        </ul>
                        <label class="checkbox">
                            <input type="checkbox" data-testid="notify-closed" prop:checked=move || notify_closed.get()
                                on:change=move |ev| notify_closed.set(event_target_checked(&ev))/>
                            {tr(Msg::NotifyClosed)}
                        </label>
                    })
                })}
            </Transition>
        </ConfirmPanel>
    }
}
