//! The activity log as a CSV download: the entries the screen's filter
//! selects, every one of them (not just a page), for spreadsheets and audits.
use super::{field_changes, pages::action_label, ActivityFilter};
use crate::auth::capability::Admin;
use crate::auth::sessions::SessionUser;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Extension, Query};
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

/// Enough for any audit; a larger export is narrowed by date first.
const MAX_ROWS: u32 = 100_000;

/// `GET /admin/activity/export.csv?who=…&kind=…&target=…&from=…&to=…`.
pub async fn export(
    state: AppState,
    Extension(viewer): Extension<Option<SessionUser>>,
    Query(filter): Query<ActivityFilter>,
) -> Response {
    // The page guard answers this path for non-administrators too (with a
    // 403 status on the page it renders), so the check is made here as well.
    let admin = match viewer.as_ref().map(Admin::from_session) {
        Some(Ok(admin)) => admin,
        None => return (StatusCode::UNAUTHORIZED, "Sign in as an administrator.").into_response(),
        Some(Err(_)) => return (StatusCode::FORBIDDEN, "Administrators only.").into_response(),
    };
    match csv(&state, &admin, &filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"gatehouse-activity.csv\""),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn csv(state: &AppState, _: &Admin, filter: &ActivityFilter) -> Result<String, String> {
    let range = filter.range().map_err(|field| format!("'{field}' is not a date: use YYYY-MM-DD."))?;
    let mut conn = state.pool.acquire().await.map_err(|e| e.to_string())?;
    let (rows, _) = super::repo::list(&mut conn, None, filter, range, MAX_ROWS, 0).await.map_err(|e| e.to_string())?;
    let mut out = String::from("\u{feff}When (UTC),Who,What,Kind,On,What changed,Reason\r\n");
    for e in rows {
        let changes = field_changes(e.before.as_deref(), e.after.as_deref())
            .into_iter()
            .map(|c| {
                let value = match (c.secret, c.before, c.after) {
                    (true, ..) => "(changed, not shown)".to_string(),
                    (_, Some(b), Some(a)) => format!("{b} → {a}"),
                    (_, b, a) => a.or(b).unwrap_or_default(),
                };
                if c.field.is_empty() {
                    value
                } else {
                    format!("{}: {value}", c.field)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let cells = [
            crate::components::format_time(e.at),
            e.actor,
            action_label(&e.action).text(Lang::En).to_string(),
            e.target_kind,
            e.target_label,
            changes,
            e.reason.unwrap_or_default(),
        ];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// One quoted CSV cell. A cell that a spreadsheet would run as a formula
/// (it starts with = + - @) gets a leading apostrophe: names and reasons are
/// typed by people.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(super::cell("a \"b\", c"), "\"a \"\"b\"\", c\"");
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
