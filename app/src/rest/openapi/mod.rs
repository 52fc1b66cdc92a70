//! `/openapi.json`: the OpenAPI 3 document of the REST API, built from the
//! operation table (`operations`), which lists exactly the routes
//! `rest::router` serves (an integration test calls every operation it names).
mod apis;
mod delegation;
mod identity;
mod operations;

use super::{versions, PREFIX};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
pub use operations::*;

/// Every operation the REST API serves, table by table.
pub fn all() -> impl Iterator<Item = &'static Op> {
    OPERATIONS
        .iter()
        .chain(apis::API_OPERATIONS)
        .chain(identity::IDENTITY_OPERATIONS)
        .chain(delegation::DELEGATION_OPERATIONS)
}
use serde_json::{json, Map, Value};
use IfMatch::{No, Required};

fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let nullable = |t: &str| json!({ "type": t, "nullable": true });
    let resource = |props: &str| {
        json!({
            "type": "object",
            "properties": {
                "id": s("string"), "name": s("string"), "type": s("string"),
                "properties": { "$ref": format!("#/components/schemas/{props}") }
            }
        })
    };
    let collection = |item: &str| {
        json!({
            "type": "object",
            "properties": {
                "value": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } },
                "count": { "type": "integer", "format": "int64" },
                "nextLink": s("string")
            }
        })
    };
    let user_state = json!({ "type": "string", "enum": ["active", "blocked", "pending", "deleted"] });
    let sub_state =
        json!({ "type": "string", "enum": ["suspended", "active", "expired", "submitted", "rejected", "cancelled"] });
    let key = json!({ "type": "string", "minLength": 16, "maxLength": 256, "description": "generated when not given" });
    let product_props = json!({
        "displayName": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_NAME },
        "description": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_DESCRIPTION },
        "terms": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_TERMS },
        "subscriptionRequired": s("boolean"), "approvalRequired": s("boolean"),
        "subscriptionsLimit": { "type": "integer", "minimum": 1, "nullable": true },
        "rateLimit": { "type": "object", "nullable": true, "description": "Gatehouse: calls per renewalPeriod seconds per subscription (APIM: rate-limit-by-key)",
            "properties": { "calls": { "type": "integer", "minimum": 1 }, "renewalPeriod": { "type": "integer", "minimum": 1, "maximum": 86400 } } },
        "quota": { "type": "object", "nullable": true, "description": "Gatehouse: calls per renewalPeriod seconds per subscription, a whole number of minutes (APIM: quota-by-key)",
            "properties": { "calls": { "type": "integer", "minimum": 1 }, "renewalPeriod": { "type": "integer", "minimum": 60 } } },
        "state": { "type": "string", "enum": ["notPublished", "published"] },
        "groups": { "type": "array", "readOnly": true, "items": { "$ref": "#/components/schemas/GroupContractProperties" } }
    });
    json!({
        "UserContract": resource("UserContractProperties"),
        "UserContractProperties": { "type": "object", "properties": {
            "firstName": s("string"), "lastName": s("string"), "email": s("string"), "state": user_state,
            "registrationDate": { "type": "string", "format": "date-time" }, "note": nullable("string"),
            "identities": { "type": "array", "items": { "$ref": "#/components/schemas/UserIdentityContract" } },
            "groups": { "type": "array", "items": { "$ref": "#/components/schemas/GroupContractProperties" } }
        }},
        "UserIdentityContract": { "type": "object", "properties": { "provider": s("string"), "id": s("string") } },
        "UserCreateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["email", "firstName", "lastName"], "properties": {
                "email": { "type": "string", "maxLength": 254 }, "firstName": { "type": "string", "maxLength": 100 },
                "lastName": { "type": "string", "maxLength": 100 }, "password": s("string"),
                "state": { "type": "string", "enum": ["active", "blocked"] }, "note": { "type": "string", "maxLength": 1000 },
                "confirmation": { "type": "string", "enum": ["signup", "invite"] },
                "appType": { "type": "string", "enum": ["portal", "developerPortal"] }
            }
        }}},
        "UserUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": {
                "email": { "type": "string", "maxLength": 254 }, "firstName": { "type": "string", "maxLength": 100 },
                "lastName": { "type": "string", "maxLength": 100 }, "password": s("string"),
                "state": { "type": "string", "enum": ["active", "blocked"] }, "note": { "type": "string", "maxLength": 1000 }
            }
        }}},
        "UserCollection": collection("UserContract"),
        "IdentityCollection": collection("UserIdentityContract"),
        "GroupContract": resource("GroupContractProperties"),
        "GroupContractProperties": { "type": "object", "properties": {
            "displayName": s("string"), "description": nullable("string"), "builtIn": s("boolean"),
            "type": { "type": "string", "enum": ["custom", "system", "external"] }, "externalId": nullable("string")
        }},
        "GroupCreateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["displayName"], "properties": {
                "displayName": { "type": "string", "maxLength": 300 }, "description": { "type": "string", "maxLength": 1000 },
                "type": { "type": "string", "enum": ["custom", "external"] }, "externalId": s("string")
            }
        }}},
        "GroupUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": {
                "displayName": { "type": "string", "maxLength": 300 }, "description": { "type": "string", "maxLength": 1000 },
                "externalId": s("string")
            }
        }}},
        "GroupCollection": collection("GroupContract"),
        "SubscriptionContract": resource("SubscriptionContractProperties"),
        "SubscriptionContractProperties": { "type": "object", "properties": {
            "ownerId": s("string"), "scope": s("string"), "displayName": s("string"),
            "state": sub_state.clone(),
            "createdDate": { "type": "string", "format": "date-time" },
            "startDate": { "type": "string", "format": "date-time", "nullable": true },
            "expirationDate": { "type": "string", "format": "date-time", "nullable": true },
            "endDate": { "type": "string", "format": "date-time", "nullable": true },
            "notificationDate": { "type": "string", "format": "date-time", "nullable": true },
            "stateComment": nullable("string"), "allowTracing": s("boolean")
        }},
        "SubscriptionCollection": collection("SubscriptionContract"),
        "SubscriptionCreateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["scope"], "properties": {
                "ownerId": { "type": "string", "description": "/users/{userId}; the caller's own account without it" },
                "scope": { "type": "string", "description": "/products/{productId}, /apis/{apiId} or /apis (every API)" },
                "displayName": { "type": "string", "maxLength": 100 }, "state": sub_state.clone(),
                "primaryKey": key.clone(), "secondaryKey": key.clone(),
                "expirationDate": { "type": "string", "format": "date-time", "nullable": true },
                "allowTracing": { "type": "boolean", "enum": [false] }
            }
        }}},
        "SubscriptionUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": {
                "ownerId": s("string"), "scope": s("string"),
                "displayName": { "type": "string", "maxLength": 100 }, "state": sub_state,
                "stateComment": { "type": "string", "maxLength": 1000 },
                "primaryKey": key.clone(), "secondaryKey": key,
                "expirationDate": { "type": "string", "format": "date-time", "nullable": true },
                "allowTracing": { "type": "boolean", "enum": [false] }
            }
        }}},
        "SubscriptionKeysContract": { "type": "object", "properties": { "primaryKey": s("string"), "secondaryKey": s("string") } },
        "ProductContract": resource("ProductContractProperties"),
        "ProductContractProperties": { "type": "object", "properties": product_props.clone() },
        "ProductCreateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["displayName"], "properties": product_props.clone()
        }}},
        "ProductUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": product_props
        }}},
        "ProductCollection": collection("ProductContract"),
        "EmailTemplateContract": resource("EmailTemplateContractProperties"),
        "EmailTemplateContractProperties": { "type": "object", "properties": {
            "subject": s("string"), "body": s("string"), "title": s("string"), "description": s("string"),
            "isDefault": s("boolean"),
            "parameters": { "type": "array", "items": { "type": "object", "properties": {
                "name": s("string"), "title": s("string"), "description": nullable("string") } } }
        }},
        "EmailTemplateUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": {
                "subject": { "type": "string", "maxLength": crate::emails::MAX_SUBJECT },
                "body": { "type": "string", "maxLength": crate::emails::MAX_BODY }
            }
        }}},
        "EmailTemplateCollection": collection("EmailTemplateContract"),
        "ErrorResponse": { "type": "object", "properties": { "error": { "type": "object", "properties": {
            "code": s("string"), "message": s("string"),
            "details": { "type": "array", "items": { "type": "object", "properties": {
                "code": s("string"), "message": s("string"), "target": s("string") } } }
        }}}}
    })
}

fn all_schemas() -> Value {
    let mut all = schemas();
    for more in [apis::schemas(), identity::schemas(), delegation::schemas()] {
        if let (Some(to), Value::Object(more)) = (all.as_object_mut(), more) {
            to.extend(more);
        }
    }
    all
}

fn param(name: &str, location: &str, required: bool, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": required, "schema": schema, "description": description })
}

pub fn build() -> Value {
    let newest = versions::SUPPORTED[versions::SUPPORTED.len() - 1];
    let mut paths = Map::new();
    for op in all() {
        let full = format!("{PREFIX}{}", op.path);
        let mut params = vec![param(
            "api-version",
            "query",
            true,
            json!({ "type": "string", "enum": versions::SUPPORTED, "default": newest }),
            "the contract version; answers follow each version's specification",
        )];
        for seg in full.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            params.push(param(name, "path", true, json!({ "type": "string" }), ""));
        }
        if op.list {
            params.push(param(
                "$filter",
                "query",
                false,
                json!({ "type": "string" }),
                "OData: eq, ne, gt, ge, lt, le, contains, startswith, endswith, substringof; and, or, not",
            ));
            params.push(param(
                "$top",
                "query",
                false,
                json!({ "type": "integer", "minimum": 1, "maximum": super::MAX_TOP }),
                "page size (default 100)",
            ));
            params.push(param("$skip", "query", false, json!({ "type": "integer", "minimum": 0 }), ""));
        }
        for f in op.flags {
            if *f == "interval" {
                params.push(param(
                    f,
                    "query",
                    true,
                    json!({ "type": "string", "format": "duration" }),
                    "PT15M, PT1H, P1D",
                ));
            } else if *f == "language" {
                let codes: Vec<&str> = crate::i18n::Lang::ALL.iter().map(|l| l.code()).collect();
                params.push(param(f, "query", false, json!({ "type": "string", "enum": codes }), "default en"));
            } else {
                params.push(param(f, "query", false, json!({ "type": "boolean" }), ""));
            }
        }
        if op.if_match != No {
            params.push(param(
                "If-Match",
                "header",
                op.if_match == Required,
                json!({ "type": "string" }),
                "the ETag of the entity, or *",
            ));
        }
        let mut responses = Map::new();
        for (status, schema) in op.ok {
            let mut r = json!({ "description": "OK" });
            if let Some(s) = schema {
                r["content"] =
                    json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{s}") } } });
                r["headers"] = json!({ "ETag": { "schema": { "type": "string" } } });
            }
            responses.insert(status.to_string(), r);
        }
        responses.insert(
            "default".into(),
            json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorResponse" } } } }),
        );
        let mut operation =
            json!({ "operationId": op.id, "summary": op.summary, "parameters": params, "responses": responses });
        if let Some(b) = op.body {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{b}") } } } });
        }
        let entry = paths.entry(full).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Gatehouse management API",
            "version": newest,
            "description": "Azure API Management's management contract (api-versions 2022-08-01 to 2024-05-01, previews included) for users, groups, products, subscriptions and email templates. Authenticate with 'Authorization: Bearer <access token>'."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": all_schemas()
        }
    })
}

/// Public, like APIM's own specification: it holds no data.
pub async fn document(State(_): State<AppState>) -> Response {
    axum::Json(build()).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_reference_resolves_and_ids_are_unique() {
        let doc = super::build();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(schemas.contains_key(&name), "missing schema {name}");
        }
        let mut ids: Vec<&str> = super::all().map(|o| o.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "operationIds must be unique");
    }
}
