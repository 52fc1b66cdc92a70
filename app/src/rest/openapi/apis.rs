//! The API catalogue's operations (`Api_*`, `ProductApi_*`,
//! `ApiProduct_ListByApis`) and their schemas, beside the core table in
//! `operations`.
use super::operations::{IfMatch::*, Op};
use serde_json::{json, Value};

pub const API_OPERATIONS: &[Op] = &[
    Op {
        method: "get",
        path: "/apis",
        id: "Api_ListByService",
        summary: "Lists APIs; $filter on name, displayName, description, serviceUrl, path, isCurrent.",
        body: None,
        ok: &[(200, Some("ApiCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/apis/{apiId}",
        id: "Api_Get",
        summary: "Gets an API (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("ApiContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/apis/{apiId}",
        id: "Api_CreateOrUpdate",
        summary: "Creates an API (https, subscription required, unless the body says otherwise) or updates one; the path must be unique.",
        body: Some("ApiCreateOrUpdateParameter"),
        ok: &[(201, Some("ApiContract")), (200, Some("ApiContract"))],
        if_match: Optional,
        list: false,
        flags: &[],
    },
    Op {
        method: "patch",
        path: "/apis/{apiId}",
        id: "Api_Update",
        summary: "Updates an API.",
        body: Some("ApiUpdateContract"),
        ok: &[(200, Some("ApiContract"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/apis/{apiId}",
        id: "Api_Delete",
        summary: "Deletes an API: it leaves every product, and the subscriptions scoped to it alone are deleted (their keys stop working).",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &["deleteRevisions"],
    },
    Op {
        method: "get",
        path: "/apis/{apiId}/products",
        id: "ApiProduct_ListByApis",
        summary: "Lists the products that hold an API.",
        body: None,
        ok: &[(200, Some("ProductCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/products/{productId}/apis",
        id: "ProductApi_ListByProduct",
        summary: "Lists the APIs a product holds.",
        body: None,
        ok: &[(200, Some("ApiCollection"))],
        if_match: No,
        list: true,
        flags: &[],
    },
    Op {
        method: "head",
        path: "/products/{productId}/apis/{apiId}",
        id: "ProductApi_CheckEntityExists",
        summary: "204 if the product holds the API, 404 if not.",
        body: None,
        ok: &[(204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/products/{productId}/apis/{apiId}",
        id: "ProductApi_CreateOrUpdate",
        summary: "Puts an API in a product (201 added, 200 already in it); the product's keys open it from then on.",
        body: None,
        ok: &[(201, Some("ApiContract")), (200, Some("ApiContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/products/{productId}/apis/{apiId}",
        id: "ProductApi_Delete",
        summary: "Takes an API out of a product; the product's keys no longer open it.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: No,
        list: false,
        flags: &[],
    },
];

/// ApiContract and friends, as APIM's apimapis.json has them (the fields
/// Gatehouse keeps; revisions and version sets are fixed: one current
/// revision, "1").
pub fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let props = json!({
        "displayName": { "type": "string", "maxLength": crate::apis::MAX_API_NAME },
        "description": { "type": "string", "maxLength": crate::apis::MAX_API_DESCRIPTION },
        "path": { "type": "string", "maxLength": crate::apis::MAX_API_PATH,
                  "description": "the URL prefix the gateway routes to this API; unique" },
        "serviceUrl": { "type": "string", "nullable": true, "maxLength": crate::apis::MAX_SERVICE_URL },
        "protocols": { "type": "array", "items": { "type": "string", "enum": crate::apis::PROTOCOLS } },
        "subscriptionRequired": s("boolean"),
        "subscriptionKeyParameterNames": { "type": "object", "readOnly": true, "properties": {
            "header": s("string"), "query": s("string") } },
        "apiRevision": { "type": "string", "readOnly": true },
        "isCurrent": { "type": "boolean", "readOnly": true },
        "isOnline": { "type": "boolean", "readOnly": true },
        "type": { "type": "string", "readOnly": true, "enum": ["http"] }
    });
    json!({
        "ApiContract": { "type": "object", "properties": {
            "id": s("string"), "name": s("string"), "type": s("string"),
            "properties": { "$ref": "#/components/schemas/ApiContractProperties" } } },
        "ApiContractProperties": { "type": "object", "properties": props.clone() },
        "ApiCreateOrUpdateParameter": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["path"], "properties": props.clone() } } },
        "ApiUpdateContract": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": props } } },
        "ApiCollection": { "type": "object", "properties": {
            "value": { "type": "array", "items": { "$ref": "#/components/schemas/ApiContract" } },
            "count": { "type": "integer", "format": "int64" },
            "nextLink": s("string") } }
    })
}
