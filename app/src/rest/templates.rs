//! `…/templates`: APIM's EmailTemplate operations, over `emails::service`.
//! Templates are a fixed set named as in APIM; DELETE resets one to the
//! shipped text. Gatehouse keeps each in English and Dutch: `language=nl`
//! reaches the Dutch text (English without it).
use super::{entity, odata, parse_body, ApiError, Ctx};
use crate::emails::repo;
use crate::emails::service;
use crate::emails::templates::{TemplateName, PLACEHOLDERS};
use crate::emails::TemplateText;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const TYPE: &str = "Microsoft.ApiManagement/service/templates";

fn language(ctx: &Ctx) -> Result<Lang, ApiError> {
    match ctx.query("language") {
        None | Some("") => Ok(Lang::En),
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
            ApiError::invalid_field("language", format!("'{code}' is not one of: {}", known.join(", ")))
        }),
    }
}

fn name_of(ctx: &Ctx) -> Result<TemplateName, ApiError> {
    let n = ctx.param("templateName");
    TemplateName::from_api_name(n).ok_or_else(|| ApiError::not_found(&format!("Template '{n}'")))
}

/// Templates have no version counter: the ETag is drawn from the text, so
/// it changes exactly when the text does.
fn etag_of(t: &TemplateText) -> String {
    let digest = Sha256::digest(format!("{}\0{}", t.subject, t.body).as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// APIM's EmailTemplateContract.
fn template_json(ctx: &Ctx, name: TemplateName, t: &TemplateText) -> Value {
    let parameters: Vec<Value> = name
        .placeholders()
        .into_iter()
        .map(|p| {
            let title = PLACEHOLDERS.iter().find(|(n, _)| *n == p).map(|(_, m)| m.text(Lang::En)).unwrap_or(p);
            json!({ "name": p, "title": title, "description": Value::Null })
        })
        .collect();
    let to = if name.to_administrators() { "the administrators" } else { "the developer" };
    json!({
        "id": ctx.id(&format!("/templates/{}", name.api_name())),
        "type": TYPE,
        "name": name.api_name(),
        "properties": {
            "subject": t.subject,
            "body": t.body,
            "title": name.title().text(Lang::En),
            "description": format!("Sent to {to}."),
            "isDefault": t.is_default,
            "parameters": parameters,
        }
    })
}

async fn text(ctx: &Ctx, name: TemplateName, lang: Lang) -> Result<TemplateText, ApiError> {
    let detail = service::template(&ctx.state, &ctx.admin, name).await?;
    detail.texts.into_iter().find(|t| t.lang == lang).ok_or_else(|| ApiError::not_found("Template language"))
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let (top, skip) = ctx.paging()?;
    let lang = language(&ctx)?;
    let filter = ctx.filter(&odata::Translator { fields: repo::API_FIELDS, fts: None })?;
    let all: Vec<(TemplateName, TemplateText)> = service::all_templates(&ctx.state, &ctx.admin)
        .await?
        .into_iter()
        .filter_map(|d| {
            let name = d.name;
            d.texts.into_iter().find(|t| t.lang == lang).map(|t| (name, t))
        })
        .collect();
    let kept: Option<Vec<String>> = match &filter {
        None => None,
        Some(f) => {
            let rows: Vec<(String, String, bool)> = all
                .iter()
                .map(|(n, t)| (n.api_name().to_string(), n.title().text(Lang::En).to_string(), t.is_default))
                .collect();
            let mut conn = ctx.state.pool.acquire().await?;
            Some(repo::filter_templates(&mut conn, &rows, f).await?)
        }
    };
    let matching: Vec<Value> = all
        .iter()
        .filter(|(n, _)| kept.as_ref().is_none_or(|k| k.iter().any(|x| x == n.api_name())))
        .map(|(n, t)| template_json(&ctx, *n, t))
        .collect();
    let count = matching.len() as i64;
    let page = matching.into_iter().skip(skip as usize).take(top as usize).collect();
    Ok(ctx.collection(page, count, top, skip))
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let name = name_of(&ctx)?;
    let t = text(&ctx, name, language(&ctx)?).await?;
    Ok(entity(StatusCode::OK, &etag_of(&t), template_json(&ctx, name, &t)))
}

/// EmailTemplateUpdateParameters. Title, description, parameters and
/// isDefault are fixed: accepted so a GET body can be sent back, not changed.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateProps {
    pub subject: Option<String>,
    pub body: Option<String>,
    #[allow(dead_code)]
    pub title: Option<String>,
    #[allow(dead_code)]
    pub description: Option<String>,
    #[allow(dead_code)]
    pub is_default: Option<bool>,
    #[allow(dead_code)]
    pub parameters: Option<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    pub properties: TemplateProps,
}

async fn save(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    let name = name_of(&ctx)?;
    let lang = language(&ctx)?;
    let current = text(&ctx, name, lang).await?;
    ctx.check_if_match(&etag_of(&current))?;
    let body: TemplateBody = parse_body(&body)?;
    let subject = body.properties.subject.unwrap_or_else(|| current.subject.clone());
    let text_body = body.properties.body.unwrap_or_else(|| current.body.clone());
    if subject == current.subject && text_body == current.body {
        // Nothing changes: a shipped text stays the shipped text (isDefault).
        return Ok(entity(StatusCode::OK, &etag_of(&current), template_json(&ctx, name, &current)));
    }
    service::save_template(&ctx.state, &ctx.admin, name, lang, &subject, &text_body).await?;
    let t = text(&ctx, name, lang).await?;
    Ok(entity(StatusCode::OK, &etag_of(&t), template_json(&ctx, name, &t)))
}

/// PUT (If-Match optional) and PATCH (required, as the operation table
/// says). The placeholders must be the template's own, and a link email must
/// keep `$ConfirmUrl`.
pub async fn create_or_update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    save(ctx, body).await
}

pub async fn update(ctx: Ctx, body: Bytes) -> Result<Response, ApiError> {
    save(ctx, body).await
}

/// DELETE: back to the shipped text (If-Match required, as in APIM).
pub async fn reset(ctx: Ctx) -> Result<Response, ApiError> {
    let name = name_of(&ctx)?;
    let lang = language(&ctx)?;
    let current = text(&ctx, name, lang).await?;
    ctx.check_if_match(&etag_of(&current))?;
    service::reset_template(&ctx.state, &ctx.admin, name, lang).await?;
    Ok(StatusCode::OK.into_response())
}
