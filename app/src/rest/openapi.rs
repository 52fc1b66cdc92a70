//! `/openapi.json`: the OpenAPI 3 document of the REST API, built from the
//! operation table below, which lists exactly the routes `rest::router`
//! serves (an integration test calls every operation it names).
use super::{versions, PREFIX};
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

/// The operation a route answers: `method` as in HTTP, `matched` the route
/// as axum matched it (with or without the service prefix).
pub fn operation(method: &str, matched: &str) -> Option<&'static Op> {
    let path = matched.strip_prefix(PREFIX).unwrap_or(matched);
    OPERATIONS.iter().find(|op| op.method.eq_ignore_ascii_case(method) && op.path == path)
}

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
            "Deletes a user; with subscriptions only with deleteSubscriptions=true; notify=true emails account closed. Answers 200 before api-version 2023-05-01-preview, 204 from it on (a long-running operation there, finished when it answers).",
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
        path: "/products",
        id: "Product_ListByService",
        summary: "Lists products; $filter on name, displayName, description, terms, state, subscriptionRequired, approvalRequired.",
        body: None,
        ok: &[(200, Some("ProductCollection"))],
        if_match: No,
        list: true,
        flags: &["expandGroups"],
    },
    Op {
        method: "get",
        path: "/products/{productId}",
        id: "Product_Get",
        summary: "Gets a product (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("ProductContract"))],
        if_match: No,
        list: false,
        flags: &["expandGroups"],
    },
    Op {
        method: "put",
        path: "/products/{productId}",
        id: "Product_CreateOrUpdate",
        summary: "Creates a product (not published, subscription required, unless the body says otherwise) or updates one.",
        body: Some("ProductCreateParameters"),
        ok: &[(201, Some("ProductContract")), (200, Some("ProductContract"))],
        if_match: Optional,
        list: false,
        flags: &[],
    },
    Op {
        method: "patch",
        path: "/products/{productId}",
        id: "Product_Update",
        summary: "Updates a product.",
        body: Some("ProductUpdateParameters"),
        ok: &[(200, Some("ProductContract"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/products/{productId}",
        id: "Product_Delete",
        summary: "Deletes a product; one with subscriptions only with deleteSubscriptions=true (their keys stop working).",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &["deleteSubscriptions"],
    },
    Op {
        method: "get",
        path: "/products/{productId}/groups",
        id: "ProductGroup_ListByProduct",
        summary: "Lists the groups that see a product.",
        body: None,
        ok: &[(200, Some("GroupCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "head",
        path: "/products/{productId}/groups/{groupId}",
        id: "ProductGroup_CheckEntityExists",
        summary: "204 if the group sees the product, 404 if not.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/products/{productId}/groups/{groupId}",
        id: "ProductGroup_CreateOrUpdate",
        summary: "Lets a group see a product (201 linked, 200 already linked).",
        body: None,
        ok: &[(201, Some("GroupContract")), (200, Some("GroupContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/products/{productId}/groups/{groupId}",
        id: "ProductGroup_Delete",
        summary: "Stops a group seeing a product.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/products/{productId}/subscriptions",
        id: "ProductSubscriptions_List",
        summary: "Lists the subscriptions to a product.",
        body: None,
        ok: &[(200, Some("SubscriptionCollection"))],
        if_match: No,
        list: true,
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
    Op {
        method: "put",
        path: "/subscriptions/{sid}",
        id: "Subscription_CreateOrUpdate",
        summary: "Subscribes a user to a product (state submitted unless given; keys generated unless given) or updates the subscription; notify=true emails the owner.",
        body: Some("SubscriptionCreateParameters"),
        ok: &[(201, Some("SubscriptionContract")), (200, Some("SubscriptionContract"))],
        if_match: Optional,
        list: false,
        flags: &["notify"],
    },
    Op {
        method: "patch",
        path: "/subscriptions/{sid}",
        id: "Subscription_Update",
        summary: "Updates a subscription: displayName, state (one lifecycle step), stateComment, expirationDate, keys; notify=true emails the owner.",
        body: Some("SubscriptionUpdateParameters"),
        ok: &[(200, Some("SubscriptionContract"))],
        if_match: Required,
        list: false,
        flags: &["notify"],
    },
    Op {
        method: "delete",
        path: "/subscriptions/{sid}",
        id: "Subscription_Delete",
        summary: "Deletes a subscription; its keys stop working at once.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/subscriptions/{sid}/listSecrets",
        id: "Subscription_ListSecrets",
        summary: "Shows both keys (recorded in the activity log).",
        body: None,
        ok: &[(200, Some("SubscriptionKeysContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/subscriptions/{sid}/regeneratePrimaryKey",
        id: "Subscription_RegeneratePrimaryKey",
        summary: "Replaces the primary key; the old one stops working at once.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/subscriptions/{sid}/regenerateSecondaryKey",
        id: "Subscription_RegenerateSecondaryKey",
        summary: "Replaces the secondary key; the old one stops working at once.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/templates",
        id: "EmailTemplate_ListByService",
        summary: "Lists the email templates; $filter on name, title, isDefault; language=nl for the Dutch texts.",
        body: None,
        ok: &[(200, Some("EmailTemplateCollection"))],
        if_match: No,
        list: true,
        flags: &["language"],
    },
    Op {
        method: "get",
        path: "/templates/{templateName}",
        id: "EmailTemplate_Get",
        summary: "Gets an email template (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("EmailTemplateContract"))],
        if_match: No,
        list: false,
        flags: &["language"],
    },
    Op {
        method: "put",
        path: "/templates/{templateName}",
        id: "EmailTemplate_CreateOrUpdate",
        summary: "Updates an email template's subject and body (its own placeholders only; link emails keep $ConfirmUrl).",
        body: Some("EmailTemplateUpdateParameters"),
        ok: &[(200, Some("EmailTemplateContract"))],
        if_match: Optional,
        list: false,
        flags: &["language"],
    },
    Op {
        method: "patch",
        path: "/templates/{templateName}",
        id: "EmailTemplate_Update",
        summary: "Updates an email template's subject or body.",
        body: Some("EmailTemplateUpdateParameters"),
        ok: &[(200, Some("EmailTemplateContract"))],
        if_match: Required,
        list: false,
        flags: &["language"],
    },
    Op {
        method: "delete",
        path: "/templates/{templateName}",
        id: "EmailTemplate_Delete",
        summary: "Resets an email template to the shipped text.",
        body: None,
        ok: &[(200, None)],
        if_match: Required,
        list: false,
        flags: &["language"],
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
    let sub_state =
        json!({ "type": "string", "enum": ["suspended", "active", "expired", "submitted", "rejected", "cancelled"] });
    let key = json!({ "type": "string", "minLength": 16, "maxLength": 256, "description": "generated when not given" });
    let product_props = json!({
        "displayName": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_NAME },
        "description": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_DESCRIPTION },
        "terms": { "type": "string", "maxLength": crate::products::MAX_PRODUCT_TERMS },
        "subscriptionRequired": s("boolean"), "approvalRequired": s("boolean"),
        "subscriptionsLimit": { "type": "integer", "minimum": 1, "nullable": true },
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
                "scope": { "type": "string", "description": "/products/{productId}" },
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

fn param(name: &str, location: &str, required: bool, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": required, "schema": schema, "description": description })
}

pub fn build() -> Value {
    let newest = versions::SUPPORTED[versions::SUPPORTED.len() - 1];
    let mut paths = Map::new();
    for op in OPERATIONS {
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
            if *f == "language" {
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
