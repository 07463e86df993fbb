//! S3 replication (`get-bucket-replication`) and what it does to encrypted objects.
//!
//! S3 replicates an SSE-KMS object only when the rule enables
//! `SourceSelectionCriteria.SseKmsEncryptedObjects`, and then encrypts the replica with the
//! rule's `Destination.EncryptionConfiguration.ReplicaKmsKeyID`, a key in the destination
//! bucket's region. A multi-Region key is an independent key to S3: the replica key is the key
//! its ARN names, never its primary or another replica.

use crate::model::document::Node;
use serde_json::{Map, Value, json};

use crate::model::arn::{bucket_arn, partition};
use crate::model::keyref::KeyRef;
use crate::model::piece::Fact;
use crate::model::{Arn, Kind, Resource};

use super::s3::{region_of, sse_algorithm_of};
use super::{Ctx, Derived, loc};

const BASE: &str = "/ReplicationConfiguration";

/// One enabled rule, as the facts need it.
struct Rule<'a> {
    index: usize,
    id: String,
    destination: Option<&'a str>,
    kms_objects: bool,
    replica_key: Option<&'a str>,
}

impl Rule<'_> {
    fn at(&self, member: &str) -> String {
        format!("{BASE}/Rules/{}{member}", self.index)
    }
}

fn is_kms(algorithm: &str) -> bool {
    algorithm.starts_with("aws:kms")
}

pub fn bucket(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(fact_loc) = r.fact(Fact::NoReplication) {
        let at = Some(fact_loc.clone());
        for name in [
            "ReplicationRules",
            "ReplicationSkipsKmsObjects",
            "ReplicationWithoutReplicaKey",
            "ReplicaKeysUnusable",
            "ReplicaKeysWrongRegion",
            "ReplicationDropsEncryption",
        ] {
            d.set(name, json!([]), at.clone());
        }
        return;
    }
    let Some(config) = r.get("ReplicationConfiguration").filter(|c| c.is_object()) else {
        return;
    };
    if let Some(role) = config.get("Role").and_then(Node::as_str) {
        d.set(
            "ReplicationRole",
            json!(role),
            loc(r, &format!("{BASE}/Role")),
        );
    }
    let Some(list) = config.get("Rules").and_then(Node::as_array) else {
        return;
    };
    let rules: Vec<Rule> = list
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.get("Status").and_then(Node::as_str) == Some("Enabled"))
        .map(|(index, rule)| {
            let text = |p: &str| rule.pointer(p).and_then(Node::as_str);
            Rule {
                index,
                id: text("/ID").map_or_else(|| format!("#{}", index + 1), str::to_owned),
                destination: text("/Destination/Bucket"),
                kms_objects: text("/SourceSelectionCriteria/SseKmsEncryptedObjects/Status")
                    == Some("Enabled"),
                replica_key: text("/Destination/EncryptionConfiguration/ReplicaKmsKeyID")
                    .filter(|k| !k.is_empty()),
            }
        })
        .collect();
    let source_sse = sse_algorithm_of(r);
    let source_kms = source_sse.as_deref().map(is_kms);

    let mut summary = Vec::new();
    let mut skips = Facts::default();
    let mut without_key = Facts::default();
    let mut unusable = Facts::default();
    let mut wrong_region = Facts::default();
    let mut drops = Facts::default();
    for rule in &rules {
        let dest = rule.destination.and_then(|b| destination(ctx, r, b));
        let dest_region = dest.and_then(region_of).map(|(region, _)| region);
        let mut entry = Map::new();
        entry.insert("Rule".into(), json!(rule.id));
        if let Some(b) = rule.destination {
            entry.insert("DestinationBucket".into(), json!(b));
        }
        if let Some(region) = &dest_region {
            entry.insert("DestinationRegion".into(), json!(region));
        }
        entry.insert("ReplicatesKmsObjects".into(), json!(rule.kms_objects));
        if let Some(key) = rule.replica_key {
            entry.insert("ReplicaKmsKeyID".into(), json!(key));
        }
        summary.push(Value::Object(entry));

        let kms_at = rule.at("/SourceSelectionCriteria/SseKmsEncryptedObjects/Status");
        let key_at = rule.at("/Destination/EncryptionConfiguration/ReplicaKmsKeyID");
        if source_kms == Some(true) && !rule.kms_objects {
            let at = if loc(r, &kms_at).is_some() {
                kms_at.clone()
            } else {
                rule.at("")
            };
            skips.add(
                r,
                &at,
                json!({"Rule": rule.id, "DestinationBucket": rule.destination}),
            );
        }
        if rule.kms_objects && rule.replica_key.is_none() {
            without_key.add(
                r,
                &kms_at,
                json!({"Rule": rule.id, "DestinationBucket": rule.destination}),
            );
        }
        if let Some(key) = rule.replica_key {
            let arn = Arn::parse(key);
            // The key is looked up where its ARN says; a bare id or alias in the destination's
            // region, when that is known.
            let key_region = arn
                .as_ref()
                .map(|a| a.region.to_owned())
                .or(dest_region.clone());
            if let Some(region) = &key_region {
                let state = match ctx.keys.resolve(key, r.account, region) {
                    KeyRef::Resolved(i) => ctx.inv.resources[i]
                        .str("KeyState")
                        .filter(|s| {
                            matches!(
                                *s,
                                "Disabled" | "PendingDeletion" | "PendingImport" | "Unavailable"
                            )
                        })
                        .map(str::to_owned),
                    KeyRef::Missing => Some("missing".to_owned()),
                    KeyRef::External | KeyRef::Unknown => None,
                };
                if let Some(state) = state {
                    unusable.add(
                        r,
                        &key_at,
                        json!({
                            "Rule": rule.id,
                            "ReplicaKmsKeyID": key,
                            "KeyRegion": region,
                            "KeyState": state,
                        }),
                    );
                }
            }
            if let (Some(arn), Some(dest_region)) = (&arn, &dest_region)
                && !arn.region.is_empty()
                && arn.region != dest_region
            {
                wrong_region.add(
                    r,
                    &key_at,
                    json!({
                        "Rule": rule.id,
                        "ReplicaKmsKeyID": key,
                        "KeyRegion": arn.region,
                        "DestinationBucket": rule.destination,
                        "DestinationRegion": dest_region,
                    }),
                );
            }
        } else if source_kms == Some(true)
            && let Some(dest_sse) = dest.and_then(sse_algorithm_of)
            && !is_kms(&dest_sse)
        {
            drops.add(
                r,
                &rule.at("/Destination/Bucket"),
                json!({
                    "Rule": rule.id,
                    "DestinationBucket": rule.destination,
                    "DestinationSSEAlgorithm": dest_sse,
                }),
            );
        }
    }
    let rules_at = loc(r, &format!("{BASE}/Rules"));
    d.set("ReplicationRules", Value::Array(summary), rules_at.clone());
    if source_kms.is_some() {
        skips.set(d, "ReplicationSkipsKmsObjects", &rules_at);
    }
    without_key.set(d, "ReplicationWithoutReplicaKey", &rules_at);
    unusable.set(d, "ReplicaKeysUnusable", &rules_at);
    wrong_region.set(d, "ReplicaKeysWrongRegion", &rules_at);
    if source_kms.is_some() {
        drops.set(d, "ReplicationDropsEncryption", &rules_at);
    }
}

/// The destination bucket (`arn:aws:s3:::name`, or a bare name) when it is in the scan.
fn destination<'a>(ctx: &'a Ctx, r: &Resource, bucket: &str) -> Option<&'a Resource> {
    let arn = if bucket.starts_with("arn:") {
        bucket.to_owned()
    } else {
        let part = Arn::parse(r.arn).map_or_else(|| partition(r.region), |a| a.partition);
        bucket_arn(part, bucket)
    };
    ctx.inv
        .find(Kind::S3Bucket, &arn)
        .map(|i| &ctx.inv.resources[i])
}

/// The rules one fact lists, located at the first one's evidence.
#[derive(Default)]
struct Facts {
    entries: Vec<Value>,
    first: Option<crate::model::Loc>,
}

impl Facts {
    fn add(&mut self, r: &Resource, at: &str, entry: Value) {
        if self.first.is_none() {
            self.first = loc(r, at);
        }
        self.entries.push(entry);
    }

    fn set(self, d: &mut Derived, name: &'static str, fallback: &Option<crate::model::Loc>) {
        let at = self.first.or_else(|| fallback.clone());
        d.set(name, Value::Array(self.entries), at);
    }
}
