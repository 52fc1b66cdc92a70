//! The identity providers' operations (`IdentityProvider_*`) and schemas.
use super::operations::{IfMatch::*, Op};
use serde_json::{json, Value};

pub const IDENTITY_OPERATIONS: &[Op] = &[
    Op {
        method: "get",
        path: "/identityProviders",
        id: "IdentityProvider_ListByService",
        summary: "Lists the configured identity providers (aad, aadB2C, oidc).",
        body: None,
        ok: &[(200, Some("IdentityProviderList"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "get",
        path: "/identityProviders/{identityProviderName}",
        id: "IdentityProvider_Get",
        summary: "Gets an identity provider, without its client secret (HEAD: only its ETag).",
        body: None,
        ok: &[(200, Some("IdentityProviderContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/identityProviders/{identityProviderName}",
        id: "IdentityProvider_CreateOrUpdate",
        summary: "Configures an identity provider: aad, aadB2C, or oidc for any OpenID Connect provider (authority = its issuer).",
        body: Some("IdentityProviderCreateContract"),
        ok: &[(201, Some("IdentityProviderContract")), (200, Some("IdentityProviderContract"))],
        if_match: Optional,
        list: false,
        flags: &[],
    },
    Op {
        method: "patch",
        path: "/identityProviders/{identityProviderName}",
        id: "IdentityProvider_Update",
        summary: "Changes the given properties of an identity provider.",
        body: Some("IdentityProviderUpdateParameters"),
        ok: &[(200, Some("IdentityProviderContract"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "delete",
        path: "/identityProviders/{identityProviderName}",
        id: "IdentityProvider_Delete",
        summary: "Removes an identity provider; accounts keep their identities.",
        body: None,
        ok: &[(200, None), (204, None)],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/identityProviders/{identityProviderName}/listSecrets",
        id: "IdentityProvider_ListSecrets",
        summary: "Gets the client secret of an identity provider.",
        body: None,
        ok: &[(200, Some("ClientSecretContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
];

pub fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let list = json!({ "type": "array", "items": s("string") });
    let props = json!({
        "type": { "type": "string", "enum": ["aad", "aadB2C", "oidc"] },
        "clientId": s("string"),
        "clientSecret": { "type": "string", "writeOnly": true },
        "authority": { "type": "string", "description": "oidc: the issuer URL; aad, aadB2C: the host (login.microsoftonline.com)" },
        "signinTenant": s("string"),
        "signinPolicyName": s("string"),
        "allowedTenants": list.clone(),
        "displayName": { "type": "string", "description": "Gatehouse: the sign-in button's label" },
        "scopes": { "type": "string", "description": "Gatehouse: space-separated; openid is always asked" },
        "groupsClaim": { "type": "string", "description": "Gatehouse: the claim whose values name external groups" },
        "allowedEmailDomains": list,
        "createGroups": s("boolean"),
        "redirectUri": { "type": "string", "readOnly": true },
    });
    json!({
        "IdentityProviderContract": { "type": "object", "properties": {
            "id": s("string"), "name": s("string"), "type": s("string"),
            "properties": { "type": "object", "properties": props.clone() } } },
        "IdentityProviderCreateContract": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "required": ["clientId", "clientSecret"], "properties": props.clone() } } },
        "IdentityProviderUpdateParameters": { "type": "object", "required": ["properties"], "properties": { "properties": {
            "type": "object", "properties": props } } },
        "IdentityProviderList": { "type": "object", "properties": {
            "value": { "type": "array", "items": { "$ref": "#/components/schemas/IdentityProviderContract" } },
            "count": { "type": "integer", "format": "int64" },
            "nextLink": s("string") } },
        "ClientSecretContract": { "type": "object", "properties": { "clientSecret": s("string") } }
    })
}
