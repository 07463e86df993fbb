//! DynamoDB tables: which key encrypts the table.

use crate::model::document::Node;
use serde_json::json;

use crate::model::Resource;

use super::{Ctx, Derived, loc};

/// Only a described table (`TableArn`, from `describe-table` or AWS Config) says how it is
/// encrypted: a table known from `list-tables` alone gets no key facts.
pub fn table(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    d.set("Region", json!(r.region), loc(r, "/TableArn"));
    if r.get("TableArn").is_none() {
        return;
    }
    let sse = r.get("SSEDescription").filter(|v| v.is_object());
    let status = sse.and_then(|s| s.get("Status")).and_then(Node::as_str);
    let on_kms = sse.and_then(|s| s.get("SSEType")).and_then(Node::as_str) == Some("KMS");
    // No SSEDescription, or encryption DISABLED: DynamoDB's default, an AWS owned key.
    let disabled = matches!(status, Some("DISABLED" | "DISABLING"));
    if sse.is_none() || disabled || !on_kms {
        // Without an SSEDescription, the evidence is the description as a whole.
        let at = if sse.is_some() { "/SSEDescription" } else { "" };
        d.aws_owned_key(loc(r, at));
        return;
    }
    match sse
        .and_then(|s| s.get("KMSMasterKeyArn"))
        .and_then(Node::as_str)
    {
        Some(key) => d.key_link(ctx, r, key, loc(r, "/SSEDescription/KMSMasterKeyArn")),
        // SSE-KMS that names no key is the AWS managed key.
        None => d.key_link(
            ctx,
            r,
            "alias/aws/dynamodb",
            loc(r, "/SSEDescription/SSEType"),
        ),
    }
}
