//! Small pieces used by both layouts.
use crate::error::AppError;
use crate::i18n::{switch_language, tr, use_i18n, Lang, Msg};
use crate::SessionActions;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Buttons that switch the page language in place (needs the wasm app).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="lang-switch" role="group" aria-label=tr(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            class="link-button"
                            lang=l.code()
                            aria-pressed=move || (i18n.lang.get() == l).to_string()
                            on:click=move |_| switch_language(i18n, l)
                        >
                            {l.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    view! {
        <ActionForm action=actions.sign_out attr:class="inline-form">
            <button type="submit" class="link-button" data-testid="sign-out">{tr(Msg::NavSignOut)}</button>
        </ActionForm>
    }
}

/// A form-level error message, announced to screen readers.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! { <p class="error-banner" role="alert">{e.message(i18n.lang.get())}</p> }
        })
    }
}

/// The error for one field, if the last submission had one.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .and_then(|e| e.field_message(field, i18n.lang.get()))
            .map(|m| view! { <span class="field-error" id=format!("{field}-error")>{m}</span> })
    }
}

/// A unix time as YYYY-MM-DD (UTC), the same on server and browser.
pub fn format_date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// YYYY-MM-DD HH:MM (UTC).
pub fn format_time(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!("{} {:02}:{:02}", format_date(unix), secs / 3600, (secs % 3600) / 60)
}

/// A number with thousands separators: 1,234,567 (English) or 1.234.567 (Dutch).
pub fn format_count(n: i64, lang: Lang) -> String {
    let sep = if lang == Lang::Nl { '.' } else { ',' };
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// An inline confirmation for a destructive or weighty action: says what
/// will happen, takes an optional reason for the activity log, and needs an
/// explicit second click. Escape cancels.
#[component]
pub fn ConfirmPanel(
    #[prop(into)] title: Signal<String>,
    children: Children,
    #[prop(into)] confirm_label: Signal<String>,
    #[prop(optional)] danger: bool,
    /// No reason field (the action is the person's own, nothing to log).
    #[prop(optional)]
    no_reason: bool,
    /// Another label for the text field (e.g. a comment the developer sees).
    #[prop(optional)]
    reason_label: Option<Msg>,
    #[prop(into)] pending: Signal<bool>,
    on_confirm: Callback<Option<String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let input_ref = NodeRef::<leptos::html::Textarea>::new();
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let panel_ref = NodeRef::<leptos::html::Div>::new();
    // Keyboard users land in the panel: on the text field, or on the button.
    Effect::new(move |_| {
        if let Some(el) = input_ref.get() {
            let _ = el.focus();
        } else if let Some(b) = button_ref.get() {
            let _ = b.focus();
        }
    });
    // When the panel goes, focus goes back to what opened it (if that is
    // still on the page), not to the top of the document.
    #[cfg(feature = "hydrate")]
    {
        let opener = send_wrapper::SendWrapper::new(document().active_element());
        on_cleanup(move || {
            use wasm_bindgen::JsCast;
            if let Some(el) = opener.take().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                if el.is_connected() {
                    let _ = el.focus();
                }
            }
        });
    }
    view! {
        <div class="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" node_ref=panel_ref
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel.run(());
                } else if ev.key() == "Tab" {
                    keep_focus_inside(panel_ref, &ev);
                }
            }>
            <h3 id="confirm-title">{title}</h3>
            <div class="confirm-body">{children()}</div>
            {(!no_reason).then(|| view! {
                <label for="confirm-reason">{tr(reason_label.unwrap_or(Msg::ReasonOptional))}</label>
                <textarea id="confirm-reason" node_ref=input_ref rows="2" maxlength="1000"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            })}
            <div class="confirm-actions">
                <button type="button" class=if danger { "button danger" } else { "button" } data-testid="confirm" node_ref=button_ref
                    disabled=move || pending.get()
                    on:click=move |_| {
                        let r = reason.get_untracked();
                        on_confirm.run(Some(r).filter(|r| !r.trim().is_empty()))
                    }>
                    {confirm_label}
                </button>
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>{tr(Msg::Cancel)}</button>
            </div>
        </div>
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to
/// the last: focus stays in the panel until it is answered or cancelled.
#[allow(unused_variables)]
fn keep_focus_inside(panel: NodeRef<leptos::html::Div>, ev: &leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(panel) = panel.get_untracked() else { return };
        let Ok(list) = panel.query_selector_all("button:not([disabled]), textarea, input, select, a[href]") else {
            return;
        };
        let controls: Vec<web_sys::HtmlElement> =
            (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
        let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
        let active = document().active_element();
        let at =
            |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
        if ev.shift_key() && at(first) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && at(last) {
            ev.prevent_default();
            let _ = first.focus();
        }
    }
}

/// A state badge.
pub fn state_badge(state: crate::users::UserState) -> impl IntoView {
    let class = format!("badge state-{}", state.as_str());
    view! { <span class=class>{tr(state.label())}</span> }
}

/// The logo and name in the top bar, with the area's name beside it.
#[component]
pub fn Brand(href: &'static str, sub: Msg) -> impl IntoView {
    view! {
        <a class="brand" href=href>
            <img class="brand-mark" src="/favicon.svg" alt="" width="22" height="22"/>
            {tr(Msg::AppName)}
            <span class="brand-sub">{tr(sub)}</span>
        </a>
    }
}

/// A new password and its confirmation (fields `password` and `confirm`),
/// with the rule stated before typing and each failure under its field.
#[component]
pub fn NewPasswordFields(min_len: usize, #[prop(into)] error: Signal<Option<AppError>>, label: Msg) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let rule = move || Msg::PasswordRule.fmt(i18n.lang.get(), &[&min_len, &crate::auth::MAX_PASSWORD_LEN]);
    view! {
        <p class="muted" id="password-rule">{rule}</p>
        <label for="password">{tr(label)}</label>
        <input id="password" name="password" type="password" autocomplete="new-password"
            aria-describedby="password-rule" required autofocus/>
        {field_error(error, "password")}
        <label for="confirm">{tr(Msg::ConfirmPassword)}</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required/>
        {field_error(error, "confirm")}
    }
}

/// Puts text on the clipboard (browser only).
pub fn copy_to_clipboard(text: String, copied: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(w) = web_sys::window() {
            let promise = w.navigator().clipboard().write_text(&text);
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    copied.set(true);
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (text, copied);
    }
}
