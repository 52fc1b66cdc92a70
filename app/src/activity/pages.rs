//! The Activity screen, and the list reused on each user's detail page.
use super::api::list_activity;
use super::{ActivityEntry, ActivityFilter, KINDS};
use crate::components::{field_error, format_count, format_time};
use crate::i18n::{tr, use_i18n, Msg};
use leptos::prelude::*;

/// The translated name of an action such as "user.blocked".
pub fn action_label(action: &str) -> Msg {
    match action {
        "user.created" => Msg::ActUserCreated,
        "user.updated" => Msg::ActUserUpdated,
        "user.password_set" => Msg::ActPasswordSet,
        "user.blocked" => Msg::ActBlocked,
        "user.activated" => Msg::ActActivated,
        "user.deleted" => Msg::ActUserDeleted,
        "user.signed_out_everywhere" => Msg::ActSignedOutEverywhere,
        "user.account_closed" => Msg::ActAccountClosed,
        "user.identity_linked" => Msg::ActIdentityLinked,
        "settings.identity_provider_saved" => Msg::ActProviderSaved,
        "settings.identity_provider_deleted" => Msg::ActProviderDeleted,
        "settings.password_sign_in" => Msg::ActPasswordSignIn,
        "settings.delegation_changed" => Msg::ActDelegation,
        "user.admin_granted" => Msg::ActAdminGranted,
        "user.admin_revoked" => Msg::ActAdminRevoked,
        "group.created" => Msg::ActGroupCreated,
        "group.updated" => Msg::ActGroupUpdated,
        "group.deleted" => Msg::ActGroupDeleted,
        "group.member_added" => Msg::ActMemberAdded,
        "group.member_removed" => Msg::ActMemberRemoved,
        "token.created" => Msg::ActTokenCreated,
        "token.revoked" => Msg::ActTokenRevoked,
        "user.email_verified" => Msg::ActEmailVerified,
        "user.invitation_accepted" => Msg::ActInvitationAccepted,
        "user.invitation_resent" => Msg::ActInvitationResent,
        "user.invitation_revoked" => Msg::ActInvitationRevoked,
        "user.invited" => Msg::ActInvited,
        "user.name_changed" => Msg::ActNameChanged,
        "user.password_reset" => Msg::ActPasswordReset,
        "user.reset_link_sent" => Msg::ActResetLinkSent,
        "user.reset_requested" => Msg::ActResetRequested,
        "user.signed_up" => Msg::ActSignedUp,
        "user.signup_for_existing_address" => Msg::ActSignupExisting,
        "user.verification_resent" => Msg::ActVerificationResent,
        "product.created" => Msg::ActProductCreated,
        "product.updated" => Msg::ActProductUpdated,
        "product.deleted" => Msg::ActProductDeleted,
        "product.visibility_changed" => Msg::ActProductVisibility,
        "api.created" => Msg::ActApiCreated,
        "api.updated" => Msg::ActApiUpdated,
        "api.deleted" => Msg::ActApiDeleted,
        "api.added_to_product" => Msg::ActApiAddedToProduct,
        "api.removed_from_product" => Msg::ActApiRemovedFromProduct,
        "api.spec_uploaded" => Msg::ActApiSpecUploaded,
        "api.spec_removed" => Msg::ActApiSpecRemoved,
        "subscription.created" => Msg::ActSubscriptionCreated,
        "subscription.updated" => Msg::ActSubscriptionUpdated,
        "subscription.deleted" => Msg::ActSubscriptionDeleted,
        "subscription.approve" => Msg::ActSubscriptionApproved,
        "subscription.reject" => Msg::ActSubscriptionRejected,
        "subscription.suspend" => Msg::ActSubscriptionSuspended,
        "subscription.reactivate" => Msg::ActSubscriptionReactivated,
        "subscription.cancel" => Msg::ActSubscriptionCancelled,
        "subscription.key_regenerated" => Msg::ActKeyRegenerated,
        "subscription.key_set" => Msg::ActKeySet,
        "subscription.keys_shown" => Msg::ActKeysShown,
        "template.changed" => Msg::ActTemplateChanged,
        "settings.signup_changed" => Msg::ActSignupSettings,
        _ => Msg::ActOther,
    }
}

/// The translated name of a logged field, or None to show it as logged.
fn field_label(field: &str) -> Option<Msg> {
    Some(match field {
        "state" => Msg::State,
        "name" | "displayName" => Msg::Name,
        "description" => Msg::Description,
        "email" => Msg::Email,
        "firstName" => Msg::FirstName,
        "lastName" => Msg::LastName,
        "note" => Msg::Note,
        "groups" => Msg::Groups,
        "members" => Msg::Members,
        "externalId" => Msg::ExternalId,
        "administrator" => Msg::FieldAdministrator,
        "mustChangePassword" => Msg::FieldMustChange,
        "group" => Msg::FieldGroup,
        "subscriptions" => Msg::FieldSubscriptions,
        "terms" => Msg::FieldTerms,
        "subscriptionRequired" => Msg::FieldSubscriptionRequired,
        "approvalRequired" => Msg::FieldApprovalRequired,
        "subscriptionsLimit" => Msg::FieldLimit,
        "path" => Msg::ApiPath,
        "protocols" => Msg::ApiProtocols,
        "serviceUrl" => Msg::ApiServiceUrl,
        "products" => Msg::NavProducts,
        "product" => Msg::Product,
        "key" => Msg::FieldKey,
        "comment" | "stateComment" => Msg::FieldComment,
        "subject" => Msg::FieldSubject,
        "enabled" => Msg::FieldEnabled,
        "type" => Msg::FieldType,
        "sent" => Msg::FieldSent,
        "default" => Msg::FieldDefault,
        _ => return None,
    })
}

/// Where an entry's target is shown; a subscription, which has no page of
/// its own, links to its own history.
fn target_href(kind: &str, uid: &str) -> String {
    match kind {
        "group" => format!("/admin/groups/{uid}"),
        "product" => format!("/admin/products/{uid}"),
        "api" => format!("/admin/apis/{uid}"),
        "subscription" => super::history_href(kind, uid),
        "token" => "/admin/tokens".to_string(),
        "template" => format!("/admin/emails/templates/{uid}"),
        "settings" => "/admin/settings".to_string(),
        _ => format!("/admin/users/{uid}"),
    }
}

/// "State: active → blocked", one line per changed field, in plain words.
fn change_list(e: &ActivityEntry) -> impl IntoView {
    let i18n = use_i18n();
    let changes = super::field_changes(e.before.as_deref(), e.after.as_deref());
    view! {
        <ul class="changes">
            {changes.into_iter().map(|c| {
                let field = c.field.clone();
                let label = move || match field_label(&field) {
                    Some(m) => i18n.t(m).to_string(),
                    None => field.clone(),
                };
                // Yes and No in the page's language, not JSON's true and false.
                let words = |v: String| match v.as_str() {
                    "true" => tr(Msg::Yes).into_any(),
                    "false" => tr(Msg::No).into_any(),
                    _ => v.into_any(),
                };
                let value = if c.secret {
                    view! { <span class="muted">{tr(Msg::SecretChanged)}</span> }.into_any()
                } else {
                    match (c.before, c.after) {
                        (Some(b), Some(a)) => view! { <del>{words(b)}</del>" → "<ins>{words(a)}</ins> }.into_any(),
                        (None, Some(a)) => view! { <ins>{words(a)}</ins> }.into_any(),
                        (Some(b), None) => view! { <del>{words(b)}</del> }.into_any(),
                        (None, None) => ().into_any(),
                    }
                };
                view! {
                    <li>{(!c.field.is_empty()).then(|| view! { <span class="field">{label}": "</span> })}{value}</li>
                }
            }).collect_view()}
        </ul>
    }
}
fn rows(entries: Vec<ActivityEntry>, show_target: bool) -> impl IntoView {
    view! {
        <table class="data activity" data-testid="activity-table">
            <thead>
                <tr>
                    <th>{tr(Msg::When)}</th>
                    <th>{tr(Msg::Who)}</th>
                    <th>{tr(Msg::What)}</th>
                    {show_target.then(|| view! { <th>{tr(Msg::Target)}</th> })}
                    <th>{tr(Msg::Change)}</th>
                    <th>{tr(Msg::Reason)}</th>
                </tr>
            </thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let href = target_href(&e.target_kind, &e.target_uid);
                    let change = change_list(&e);
                    view! {
                        <tr>
                            <td class="nowrap">{format_time(e.at)}</td>
                            <td>{e.actor}</td>
                            <td>{tr(action_label(&e.action))}</td>
                            {show_target.then(|| view! { <td><a href=href>{e.target_label.clone()}</a></td> })}
                            <td class="change">{change}</td>
                            <td>{e.reason.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The newest entries about one user, group or product (`target` is its
/// kind and uid), or about everything when `target` is None.
#[component]
pub fn ActivityList(target: Option<(&'static str, String)>, #[prop(into)] reload: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    // One record's history names each entry's record only where some entry
    // is about another one (a group's history lists its members' changes).
    let own = target.clone();
    let data = Resource::new(
        move || (target.clone(), reload.get()),
        |(target, _)| async move {
            match target {
                Some((kind, uid)) => super::api::target_activity(kind.to_string(), uid, 1).await,
                None => list_activity(1, None).await,
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || {
                let own = own.clone();
                Suspend::new(async move {
                match data.await {
                    Ok(p) if p.rows.is_empty() => view! { <p class="muted">{tr(Msg::NoActivity)}</p> }.into_any(),
                    Ok(p) => {
                        let show_target = own
                            .as_ref()
                            .is_none_or(|(k, u)| p.rows.iter().any(|e| e.target_kind != *k || e.target_uid != *u));
                        rows(p.rows, show_target).into_any()
                    }
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                }
                })
            }}
        </Transition>
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1));
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        ActivityFilter {
            who: get("who"),
            kind: get("kind"),
            target: get("target"),
            id: get("id"),
            from: get("from"),
            to: get("to"),
        }
    });
    let data = Resource::new(move || (page.get(), filter.get()), |(page, filter)| list_activity(page, Some(filter)));
    let error = Signal::derive(move || data.get().and_then(|r| r.err()));
    view! {
        <div class="page-head"><h1>{tr(Msg::NavActivity)}</h1></div>
        <p class="lead">{tr(Msg::ActivityIntro)}</p>
        {move || (!filter.get().id.is_empty()).then(|| view! {
            <p class="notice" data-testid="one-record">{tr(Msg::ActivityOneRecord)}" "<a href="/admin/activity">{tr(Msg::ActivityShowAll)}</a></p>
        })}
        // A plain GET form: the filter lives in the address, so it can be bookmarked and shared.
        <form method="get" action="/admin/activity" class="filters activity-filters" data-testid="activity-filter">
            <div>
                <label for="f-who">{tr(Msg::ActivityWho)}</label>
                <input id="f-who" name="who" type="search" prop:value=move || filter.get().who/>
            </div>
            <div>
                <label for="f-kind">{tr(Msg::ActivityKind)}</label>
                <select id="f-kind" name="kind">
                    <option value="" selected=move || filter.get().kind.is_empty()>{tr(Msg::ActivityAnyKind)}</option>
                    {KINDS.into_iter().map(|(k, m)| view! {
                        <option value=k selected=move || filter.get().kind == k>{tr(m)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-target">{tr(Msg::ActivityTarget)}</label>
                <input id="f-target" name="target" type="search" prop:value=move || filter.get().target/>
            </div>
            <div>
                <label for="f-from">{tr(Msg::ActivityFrom)}</label>
                <input id="f-from" name="from" type="date" prop:value=move || filter.get().from/>
                {field_error(error, "from")}
            </div>
            <div>
                <label for="f-to">{tr(Msg::ActivityTo)}</label>
                <input id="f-to" name="to" type="date" prop:value=move || filter.get().to/>
                {field_error(error, "to")}
            </div>
            // Narrowed to one record from its list (a subscription's "History"): kept while filtering.
            {move || (!filter.get().id.is_empty()).then(|| view! { <input type="hidden" name="id" value=filter.get().id/> })}
            <div class="filter-actions">
                <button type="submit" class="button">{tr(Msg::Filter)}</button>
                <a href="/admin/activity">{tr(Msg::ClearFilter)}</a>
                <a href=move || format!("/admin/activity/export.csv?{}", filter.get().query()) rel="external" download=""
                    data-testid="export-csv">{tr(Msg::ExportCsv)}</a>
            </div>
        </form>
        <Transition fallback=move || view! { <p class="loading">{tr(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if p.rows.is_empty() => view! { <div class="empty-state"><p>{tr(Msg::NoActivity)}</p></div> }.into_any(),
                    Ok(p) => {
                        let more = (p.page as i64) * (p.per_page as i64) < p.total;
                        let page_no = p.page;
                        let total = p.total;
                        let q = filter.get_untracked().query();
                        let at = move |n: u32| if q.is_empty() { format!("/admin/activity?page={n}") } else { format!("/admin/activity?{q}&page={n}") };
                        let (prev, next) = (at(page_no.saturating_sub(1)), at(page_no + 1));
                        view! {
                            {rows(p.rows, true)}
                            <nav class="pager" aria-label=tr(Msg::Pages)>
                                <span data-testid="activity-count">{move || if total == 1 { i18n.t(Msg::ActivityCountOne).to_string() } else { Msg::ActivityCount.fmt(i18n.lang.get(), &[&format_count(total, i18n.lang.get())]) }}</span>
                                {(page_no > 1).then(|| view! { <a href=prev>{tr(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a href=next>{tr(Msg::Next)}</a> })}
                            </nav>
                        }.into_any()
                    }
                    // A bad date is shown at its field.
                    Err(crate::error::AppError::Validation(_)) => ().into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{move || e.message(i18n.lang.get())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn targets_link_to_their_own_page_and_subscriptions_to_their_history() {
        assert_eq!(super::target_href("product", "orders"), "/admin/products/orders");
        assert_eq!(super::target_href("user", "ab12"), "/admin/users/ab12");
        // No page shows one subscription: its link is its own history.
        assert_eq!(super::target_href("subscription", "s 1"), "/admin/activity?kind=subscription&id=s%201");
    }
}
