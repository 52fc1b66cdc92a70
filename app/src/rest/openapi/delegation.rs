//! Delegation's operations: its portal settings and the single-sign-on
//! tokens a delegate site asks for.
use super::operations::{IfMatch::*, Op};
use serde_json::{json, Value};

pub const DELEGATION_OPERATIONS: &[Op] = &[
    Op {
        method: "get",
        path: "/portalsettings/delegation",
        id: "DelegationSettings_Get",
        summary: "Gets the delegation settings (the validation key through listSecrets).",
        body: None,
        ok: &[(200, Some("PortalDelegationSettings"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "put",
        path: "/portalsettings/delegation",
        id: "DelegationSettings_CreateOrUpdate",
        summary: "Sets the delegation URL, what is delegated and (optionally) the validation key.",
        body: Some("PortalDelegationSettings"),
        ok: &[(200, Some("PortalDelegationSettings"))],
        if_match: Optional,
        list: false,
        flags: &[],
    },
    Op {
        method: "patch",
        path: "/portalsettings/delegation",
        id: "DelegationSettings_Update",
        summary: "Changes the given delegation settings.",
        body: Some("PortalDelegationSettings"),
        ok: &[(200, Some("PortalDelegationSettings"))],
        if_match: Required,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/portalsettings/delegation/listSecrets",
        id: "DelegationSettings_ListSecrets",
        summary: "Gets the validation key the delegate site checks signatures with.",
        body: None,
        ok: &[(200, Some("PortalSettingValidationKeyContract"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/users/{userId}/token",
        id: "User_GetSharedAccessToken",
        summary: "A SharedAccessSignature token for the user (expiry at most 30 days); /signin-sso?token= signs the user in once with it.",
        body: Some("UserTokenParameters"),
        ok: &[(200, Some("UserTokenResult"))],
        if_match: No,
        list: false,
        flags: &[],
    },
    Op {
        method: "post",
        path: "/users/{userId}/generateSsoUrl",
        id: "User_GenerateSsoUrl",
        summary: "A URL that signs the user in to the portal once, within 10 minutes.",
        body: None,
        ok: &[(200, Some("GenerateSsoUrlResult"))],
        if_match: No,
        list: false,
        flags: &[],
    },
];

pub fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let enabled = json!({ "type": "object", "properties": { "enabled": s("boolean") } });
    json!({
        "PortalDelegationSettings": { "type": "object", "properties": {
            "id": s("string"), "name": s("string"), "type": s("string"),
            "properties": { "type": "object", "properties": {
                "url": s("string"),
                "validationKey": { "type": "string", "writeOnly": true, "description": "base64, at least 32 bytes" },
                "subscriptions": enabled.clone(),
                "userRegistration": enabled } } } },
        "PortalSettingValidationKeyContract": { "type": "object", "properties": { "validationKey": s("string") } },
        "UserTokenParameters": { "type": "object", "properties": { "properties": { "type": "object", "required": ["expiry"], "properties": {
            "keyType": { "type": "string", "enum": ["primary", "secondary"] },
            "expiry": { "type": "string", "format": "date-time" } } } } },
        "UserTokenResult": { "type": "object", "properties": { "value": s("string") } },
        "GenerateSsoUrlResult": { "type": "object", "properties": { "value": s("string") } }
    })
}
