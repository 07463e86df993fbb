//! SQS queues: SSE-KMS, SSE-SQS or no encryption.

use serde_json::json;

use crate::model::arn::{Arn, queue_of_url};
use crate::model::policy::{analyze, parse_node};
use crate::model::{Fact, Loc, Resource};

use super::{Ctx, Derived, as_bool, loc};

/// Only a queue whose attributes were read (`QueueArn`, from `get-queue-attributes` or AWS
/// Config) says how it is encrypted; one known from `list-queues` alone gets no key facts.
pub fn queue(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    let name = Arn::parse(r.arn)
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
    policy(r, d, r.fact(Fact::NoQueuePolicy).cloned());
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

/// `PolicyDocument`, `PolicyPublic` and `PolicyCrossAccounts` of a queue's or topic's
/// `Policy` attribute, each at the statement that decides it. A resource known to have no
/// policy (`absent`: where that is known) gives access to its owner only: not public, no other
/// account. Otherwise, without a `Policy` (AWS Config records none), nothing is known.
pub(super) fn policy(r: &Resource, d: &mut Derived, absent: Option<Loc>) {
    let Some(doc) = r.get("Policy").and_then(parse_node) else {
        if r.get("Policy").is_none()
            && let Some(at) = absent
        {
            d.set("PolicyPublic", json!(false), Some(at.clone()));
            d.set("PolicyCrossAccounts", json!([]), Some(at));
        }
        return;
    };
    let facts = analyze(&doc, r.account);
    let statement = |i: usize| loc(r, &format!("/Policy/Statement/{i}"));
    let whole = loc(r, "/Policy");
    d.set(
        "PolicyPublic",
        json!(!facts.public_statements.is_empty()),
        facts
            .public_statements
            .first()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    let cross: Vec<&String> = facts.cross_accounts.keys().collect();
    d.set(
        "PolicyCrossAccounts",
        json!(cross),
        facts
            .cross_accounts
            .values()
            .next()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    d.set("PolicyDocument", doc, whole);
}
