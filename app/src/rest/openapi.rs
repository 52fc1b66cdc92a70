//! `/openapi.json`: the OpenAPI 3 document of the REST API, built from the
//! operation table below, which lists exactly the routes `rest::router`
//! serves (an integration test calls every operation it names).
use super::{API_VERSION, PREFIX};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// One operation: method, path under the service, operationId, summary,
/// the request body schema, the success answers (status, schema), and
/// whether it takes If-Match, `$filter`/`$top`/`$skip`, and other query flags.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    pub body: Option<&'static str>,
    pub ok: &'static [(u16, Option<&'static str>)],
    pub if_match: IfMatch,
    pub list: bool,
    pub flags: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    No,
    Optional,
    Required,
}

use IfMatch::*;

pub const OPERATIONS: &[Op] = &[
    Op {
        method: "get",
        path: "/users",
        id: "User_ListByService",
        summary: "Lists users; $filter on name, firstName, lastName, email, note, state, registrationDate.",
        body: None,
        ok: &[(200, Some("UserCollection"))],
        if_match: No,
        list: true,
        flags: &["expandGroups"],
    },
    Op {
        method: "get",
        path: "/users/{userId}",
        id: "User_Get",
        summary: "Gets a user (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("UserContract"))],
        if_match: No,
        list: false,
        flags: &["expandGroups"],
    },
    Op {
        method: "put",
        path: "/users/{userId}",
        id: "User_CreateOrUpdate",
        summary:
            "Creates a user (confirmation: invite emails an invitation; notify=true the welcome email) or updates one.",
        body: Some("UserCreateParameters"),
        ok: &[(201, Some("UserContract")), (200, Some("UserContract"))],
        if_match: Optional,
        list: false,
        flags: &["notify"],
    },
    Op {
        method: "patch",
        path: "/users/{userId}",
        id: "User_Update",
        summary: "Updates a user: names, email, note, state (active or blocked), password.",
        body: Some("UserUpdateParameters"),
        ok: &[(200, Some("UserContract"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/users/{userId}",
        id: "User_Delete",
        summary:
            "Deletes a user; with subscriptions only with deleteSubscriptions=true; notify=true emails account closed.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &["deleteSubscriptions", "notify"],
    },
    Op {
        method: "get",
        path: "/users/{userId}/groups",
        id: "UserGroup_List",
        summary: "Lists the groups of a user.",
        body: None,
        ok: &[(200, Some("GroupCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/users/{userId}/subscriptions",
        id: "UserSubscription_List",
        summary: "Lists the subscriptions of a user.",
        body: None,
        ok: &[(200, Some("SubscriptionCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/users/{userId}/subscriptions/{sid}",
        id: "UserSubscription_Get",
        summary: "Gets a subscription of a user.",
        body: None,
        ok: &[(200, Some("SubscriptionContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/users/{userId}/identities",
        id: "UserIdentities_List",
        summary: "Lists the sign-in identities of a user.",
        body: None,
        ok: &[(200, Some("IdentityCollection"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/users/{userId}/confirmations/password/send",
        id: "UserConfirmationPassword_Send",
        summary: "Emails the user a password-reset link.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/groups",
        id: "Group_ListByService",
        summary: "Lists groups; $filter on name, displayName, description, externalId, type.",
        body: None,
        ok: &[(200, Some("GroupCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/groups/{groupId}",
        id: "Group_Get",
        summary: "Gets a group (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("GroupContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/groups/{groupId}",
        id: "Group_CreateOrUpdate",
        summary: "Creates or updates a custom or external group; system groups refuse.",
        body: Some("GroupCreateParameters"),
        ok: &[(201, Some("GroupContract")), (200, Some("GroupContract"))],
        if_match: Optional,
        list: false,
        flags: &[],
    },
    Op {
        method: "patch",
        path: "/groups/{groupId}",
        id: "Group_Update",
        summary: "Updates a custom or external group.",
        body: Some("GroupUpdateParameters"),
        ok: &[(200, Some("GroupContract"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/groups/{groupId}",
        id: "Group_Delete",
        summary: "Deletes a custom or external group.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/groups/{groupId}/users",
        id: "GroupUser_List",
        summary: "Lists the members of a group.",
        body: None,
        ok: &[(200, Some("UserCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "head",
        path: "/groups/{groupId}/users/{userId}",
        id: "GroupUser_CheckEntityExists",
        summary: "204 if the user is a member, 404 if not.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/groups/{groupId}/users/{userId}",
        id: "GroupUser_Create",
        summary: "Adds a user to a custom or external group (201 added, 200 already a member).",
        body: None,
        ok: &[(201, Some("UserContract")), (200, Some("UserContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/groups/{groupId}/users/{userId}",
        id: "GroupUser_Delete",
        summary: "Removes a user from a custom or external group.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/subscriptions",
        id: "Subscription_List",
        summary:
            "Lists subscriptions; $filter on name, displayName, stateComment, ownerId, userId, scope, productId, state.",
        body: None,
        ok: &[(200, Some("SubscriptionCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/subscriptions/{sid}",
        id: "Subscription_Get",
        summary: "Gets a subscription (no keys: see listSecrets).",
        body: None,
        ok: &[(200, Some("SubscriptionContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
];

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
            "state": { "type": "string", "enum": ["suspended", "active", "expired", "submitted", "rejected", "cancelled"] },
            "createdDate": { "type": "string", "format": "date-time" },
            "startDate": { "type": "string", "format": "date-time", "nullable": true },
            "expirationDate": { "type": "string", "format": "date-time", "nullable": true },
            "endDate": { "type": "string", "format": "date-time", "nullable": true },
            "notificationDate": { "type": "string", "format": "date-time", "nullable": true },
            "stateComment": nullable("string"), "allowTracing": s("boolean")
        }},
        "SubscriptionCollection": collection("SubscriptionContract"),
        "ErrorResponse": { "type": "object", "properties": { "error": { "type": "object", "properties": {
            "code": s("string"), "message": s("string"),
            "details": { "type": "array", "items": { "type": "object", "properties": {
                "code": s("string"), "message": s("string"), "target": s("string") } } }
        }}}}
    })
}

fn param(name: &str, location: &str, required: bool, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": required, "schema": schema, "description": description })
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let full = format!("{PREFIX}{}", op.path);
        let mut params = vec![param(
            "api-version",
            "query",
            true,
            json!({ "type": "string", "example": API_VERSION }),
            "2022-08-01 or later",
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
            params.push(param(f, "query", false, json!({ "type": "boolean" }), ""));
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
            "version": API_VERSION,
            "description": "Azure API Management's management contract (api-version 2022-08-01) for users, groups, products, subscriptions and email templates. Authenticate with 'Authorization: Bearer <access token>'."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas()
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
        let mut ids: Vec<&str> = super::OPERATIONS.iter().map(|o| o.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "operationIds must be unique");
    }
}
