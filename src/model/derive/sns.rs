//! SNS topics: encrypted with a KMS key or not.

use serde_json::json;

use crate::model::arn::Arn;
use crate::model::{Loc, Resource};

use super::{Ctx, Derived, loc};

/// Attributes that `get-topic-attributes` always returns (and AWS Config records): one of them
/// says the topic's attributes were read, so a missing `KmsMasterKeyId` means no key. A topic
/// known from `list-topics` alone has only `TopicArn`.
const READ: [&str; 5] = [
    "Owner",
    "Policy",
    "EffectiveDeliveryPolicy",
    "SubscriptionsConfirmed",
    "DisplayName",
];

pub fn topic(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(arn) = Arn::parse(r.arn) {
        d.set("TopicName", json!(arn.resource), loc(r, "/TopicArn"));
    }
    d.set("Region", json!(r.region), loc(r, "/TopicArn"));
    // The attributes as a whole, when they were read: evidence of what they lack.
    let read = READ.iter().find(|f| r.get(f).is_some()).map(|field| {
        // The attributes object in the file: the field's real place, less its last token.
        r.locate(&format!("/{field}"))
            .map(|l| match l.pointer.rsplit_once('/') {
                Some((parent, _)) => Loc::new(l.source, parent),
                None => l,
            })
    });
    if let Some(key) = r.str("KmsMasterKeyId").filter(|k| !k.is_empty()) {
        d.set("Encrypted", json!(true), loc(r, "/KmsMasterKeyId"));
        d.key_link(ctx, r, key, loc(r, "/KmsMasterKeyId"));
    } else if let Some(at) = &read {
        d.set("Encrypted", json!(false), at.clone());
    }
    // Config records no topic policy: nothing is known of it without the attributes' `Policy`.
    if r.get("Policy").is_some() {
        super::sqs::policy(r, d, None);
    }
}
