//! SQS queues: SSE-KMS, SSE-SQS or no encryption.

use serde_json::json;

use crate::model::Resource;
use crate::model::arn::{Arn, queue_of_url};

use super::{Ctx, Derived, as_bool, loc};

/// Only a queue whose attributes were read (`QueueArn`, from `get-queue-attributes` or AWS
/// Config) says how it is encrypted; one known from `list-queues` alone gets no key facts.
pub fn queue(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    let name = Arn::parse(&r.arn)
        .map(|a| a.resource)
        .or_else(|| r.str("QueueUrl").and_then(queue_of_url).map(|(n, _)| n));
    if let Some(name) = name {
        let at = if r.get("QueueArn").is_some() {
            "/QueueArn"
        } else {
            "/QueueUrl"
        };
        d.set("QueueName", json!(name), loc(r, at));
    }
    d.set("Region", json!(r.region), loc(r, "/QueueArn"));
    if r.get("QueueArn").is_none() {
        return;
    }
    if let Some(key) = r.str("KmsMasterKeyId").filter(|k| !k.is_empty()) {
        d.set("Encrypted", json!(true), loc(r, "/KmsMasterKeyId"));
        d.key_link(ctx, r, key, loc(r, "/KmsMasterKeyId"));
    } else if r.get("SqsManagedSseEnabled").and_then(as_bool) == Some(true) {
        d.set("Encrypted", json!(true), loc(r, "/SqsManagedSseEnabled"));
        d.aws_owned_key(loc(r, "/SqsManagedSseEnabled"));
    } else {
        let at = if r.get("SqsManagedSseEnabled").is_some() {
            "/SqsManagedSseEnabled"
        } else {
            "/QueueArn"
        };
        d.set("Encrypted", json!(false), loc(r, at));
    }
}
