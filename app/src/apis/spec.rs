//! OpenAPI documents: checked when uploaded, and read into the reference
//! the portal shows (operations, parameters, responses). Both OpenAPI 3.x
//! and Swagger 2.0, in JSON or YAML. The browser gets the reference, never
//! the document: parsing stays on the server.
use super::{Operation, Parameter, Reference, Response};
use crate::error::FieldError;
use crate::i18n::Msg;
use serde_json::Value;

/// APIM refuses documents over 4 MB in the portal's import; 2 MB here keeps
/// a page's reference quick to build.
pub const MAX_SPEC_BYTES: usize = 2 * 1024 * 1024;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const LOCATIONS: [&str; 6] = ["query", "header", "path", "cookie", "body", "formData"];

fn err(msg: Msg, args: &[&str]) -> FieldError {
    args.iter().fold(FieldError::new("spec", msg), |e, a| e.with_arg(a))
}

/// The document as a JSON value: JSON if it looks like JSON, else YAML.
fn parse_text(text: &str) -> Result<Value, FieldError> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(err(Msg::ErrSpecTooLarge, &[&(MAX_SPEC_BYTES / 1024 / 1024).to_string()]));
    }
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return Err(err(Msg::ErrSpecEmpty, &[]));
    }
    let parsed = if t.starts_with('{') {
        serde_json::from_str::<Value>(t).map_err(|e| e.to_string())
    } else {
        serde_yaml_ng::from_str::<Value>(t).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| err(Msg::ErrSpecSyntax, &[&e]))
}

/// Checks an uploaded document and reads its reference.
pub fn read(text: &str) -> Result<Reference, FieldError> {
    let doc = parse_text(text)?;
    let Some(root) = doc.as_object() else {
        return Err(err(Msg::ErrSpecVersion, &[]));
    };
    let format = match (root.get("openapi").and_then(Value::as_str), root.get("swagger").and_then(Value::as_str)) {
        (Some(v), _) if v.starts_with("3.") => format!("OpenAPI {v}"),
        (_, Some("2.0")) => "Swagger 2.0".to_string(),
        _ => return Err(err(Msg::ErrSpecVersion, &[])),
    };
    let text_at = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let info = root.get("info");
    let title = text_at(info.and_then(|i| i.get("title"))).ok_or_else(|| err(Msg::ErrSpecMissing, &["info.title"]))?;
    let version =
        text_at(info.and_then(|i| i.get("version"))).ok_or_else(|| err(Msg::ErrSpecMissing, &["info.version"]))?;
    let paths = root.get("paths").and_then(Value::as_object).ok_or_else(|| err(Msg::ErrSpecMissing, &["paths"]))?;
    let mut operations = Vec::new();
    for (path, item) in paths {
        if !path.starts_with('/') {
            return Err(err(Msg::ErrSpecPath, &[path]));
        }
        let Some(item) = item.as_object() else {
            return Err(err(Msg::ErrSpecNotObject, &[&format!("paths.{path}")]));
        };
        let shared = parameters(&doc, item.get("parameters"), &format!("paths.{path}.parameters"))?;
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{} {path}", method.to_uppercase());
            let op = op.as_object().ok_or_else(|| err(Msg::ErrSpecNotObject, &[&at]))?;
            let mut params = parameters(&doc, op.get("parameters"), &format!("{at} parameters"))?;
            // An operation's parameter replaces the path's of the same name and place.
            for p in &shared {
                if !params.iter().any(|q| q.name == p.name && q.location == p.location) {
                    params.push(p.clone());
                }
            }
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| err(Msg::ErrSpecResponses, &[&at]))?;
            let mut resp = Vec::new();
            for (code, r) in responses {
                let r = resolve(&doc, r, &at)?;
                resp.push(Response {
                    code: code.clone(),
                    description: r.get("description").and_then(Value::as_str).unwrap_or("").to_string(),
                });
            }
            resp.sort_by(|a, b| a.code.cmp(&b.code));
            let body = match op.get("requestBody") {
                Some(b) => {
                    let b = resolve(&doc, b, &at)?;
                    let types: Vec<&str> = b
                        .get("content")
                        .and_then(Value::as_object)
                        .map(|c| c.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    Some(types.join(", "))
                }
                None => None,
            };
            let s = |k: &str| op.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            operations.push(Operation {
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{method}{}", path.replace(|c: char| !c.is_ascii_alphanumeric(), "-"))),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: s("summary"),
                description: s("description"),
                parameters: params,
                body,
                responses: resp,
                deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            });
        }
    }
    let description = info.and_then(|i| i.get("description")).and_then(Value::as_str).unwrap_or("").to_string();
    Ok(Reference { format, title, version, description, operations })
}

/// Follows a local `$ref` ("#/components/parameters/x"); other objects as they are.
fn resolve<'a>(doc: &'a Value, v: &'a Value, at: &str) -> Result<&'a Value, FieldError> {
    let mut v = v;
    // A chain of references, not a loop.
    for _ in 0..8 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return Ok(v);
        };
        let target = r.strip_prefix('#').and_then(|p| doc.pointer(p));
        v = target.ok_or_else(|| err(Msg::ErrSpecRef, &[at, r]))?;
    }
    Err(err(Msg::ErrSpecRef, &[at, "$ref"]))
}

fn parameters(doc: &Value, list: Option<&Value>, at: &str) -> Result<Vec<Parameter>, FieldError> {
    let Some(list) = list else { return Ok(vec![]) };
    let list = list.as_array().ok_or_else(|| err(Msg::ErrSpecNotList, &[at]))?;
    let mut out = Vec::new();
    for p in list {
        let p = resolve(doc, p, at)?;
        let name =
            p.get("name").and_then(Value::as_str).ok_or_else(|| err(Msg::ErrSpecMissing, &[&format!("{at}: name")]))?;
        let location = p
            .get("in")
            .and_then(Value::as_str)
            .filter(|l| LOCATIONS.contains(l))
            .ok_or_else(|| err(Msg::ErrSpecParamIn, &[&format!("{at}: {name}")]))?;
        // 3.x keeps the type in `schema`, 2.0 beside the name.
        let schema = p.get("schema").map(|s| resolve(doc, s, at)).transpose()?;
        let kind = schema
            .and_then(|s| s.get("type"))
            .or_else(|| p.get("type"))
            .and_then(Value::as_str)
            .map(|t| match schema.and_then(|s| s.get("format")).or_else(|| p.get("format")).and_then(Value::as_str) {
                Some(f) => format!("{t} ({f})"),
                None => t.to_string(),
            })
            .unwrap_or_default();
        out.push(Parameter {
            name: name.to_string(),
            location: location.to_string(),
            required: p.get("required").and_then(Value::as_bool).unwrap_or(location == "path"),
            kind,
            description: p.get("description").and_then(Value::as_str).unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r##"
openapi: 3.0.3
info: { title: Orders, version: "1.2" }
components:
  parameters:
    Id: { name: id, in: path, required: true, schema: { type: integer, format: int64 } }
paths:
  /orders/{id}:
    parameters: [ { $ref: "#/components/parameters/Id" } ]
    get:
      summary: One order
      parameters: [ { name: expand, in: query, schema: { type: string } } ]
      responses: { "200": { description: The order }, "404": { description: No such order } }
    delete:
      responses: { "204": { description: Gone } }
"##;

    #[test]
    fn a_yaml_document_gives_its_operations_with_parameters_and_responses() {
        let r = read(YAML).unwrap();
        assert_eq!((r.format.as_str(), r.title.as_str(), r.version.as_str()), ("OpenAPI 3.0.3", "Orders", "1.2"));
        let get = r.operations.iter().find(|o| o.method == "GET").unwrap();
        assert_eq!(get.path, "/orders/{id}");
        let names: Vec<_> = get.parameters.iter().map(|p| (p.name.as_str(), p.location.as_str(), p.required)).collect();
        assert_eq!(names, [("expand", "query", false), ("id", "path", true)]);
        assert_eq!(get.parameters[1].kind, "integer (int64)");
        assert_eq!(get.responses.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["200", "404"]);
        assert_eq!(r.operations.len(), 2);
    }

    #[test]
    fn errors_name_what_is_wrong_and_where() {
        let msg = |t: &str| {
            let e = read(t).unwrap_err();
            (e.msg, e.args)
        };
        assert_eq!(msg("").0, Msg::ErrSpecEmpty);
        assert_eq!(msg("{ not json").0, Msg::ErrSpecSyntax);
        assert_eq!(msg("openapi: 1.0\ninfo: {}").0, Msg::ErrSpecVersion);
        assert_eq!(
            msg("openapi: 3.1.0\ninfo: { version: '1' }\npaths: {}"),
            (Msg::ErrSpecMissing, vec!["info.title".into()])
        );
        assert_eq!(
            msg("swagger: '2.0'\ninfo: { title: a, version: '1' }\npaths: { orders: {} }"),
            (Msg::ErrSpecPath, vec!["orders".into()])
        );
        assert_eq!(
            msg("openapi: 3.0.0\ninfo: { title: a, version: '1' }\npaths: { /a: { get: { summary: x } } }"),
            (Msg::ErrSpecResponses, vec!["GET /a".into()])
        );
        let bad_ref = "openapi: 3.0.0\ninfo: { title: a, version: '1' }\npaths: { /a: { get: { parameters: [ { $ref: '#/nowhere' } ], responses: { '200': { description: ok } } } } }";
        assert_eq!(msg(bad_ref), (Msg::ErrSpecRef, vec!["GET /a parameters".into(), "#/nowhere".into()]));
    }
}
