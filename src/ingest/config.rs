//! AWS Config: configuration snapshots and history files delivered to S3, the output of
//! `aws configservice get-resource-config-history`, `batch-get-resource-config` and their
//! aggregator forms, configuration change notifications, and single configuration items.
//!
//! Each live item of a modelled resource type becomes a [`Piece`](crate::model::Piece) with
//! the fields the AWS CLI export gives the same resource (`KeyState`, not `keyState`), so a
//! rule reads a resource the same way whichever way it was collected. Every field points at
//! the member of its item it came from (`/configurationItems/3/configuration/keyState`).
//!
//! - Items whose status is `ResourceDeleted`, `ResourceNotRecorded` or
//!   `ResourceDeletedNotRecorded` describe no live resource and are skipped.
//! - When one file holds several items for one resource (a history file), the latest
//!   capture (`configurationItemCaptureTime`, then `configurationStateId`) wins, so a
//!   resource created and then deleted within the file is skipped.
//! - Resource types atrest does not model are skipped; an item of a modelled type that
//!   cannot be read makes the file an input error.
//! - S3 bucket items are complete (Config always records the bucket's ACL and policy), so a
//!   supplementary configuration they lack is not configured: no default encryption
//!   ([`Fact::NoDefaultEncryption`](crate::model::Fact)), no public access block (every
//!   setting off), and `{"policyText": null}` is [`Fact::NoBucketPolicy`](crate::model::Fact).
//!   Ownership controls are read when present, but their absence says nothing.

mod dynamodb;
mod ec2;
mod efs;
mod item;
mod kms;
mod messaging;
mod names;
mod rds;
mod s3;
mod secrets;
mod time;
mod trail;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_data;
#[cfg(test)]
mod tests_files;
#[cfg(test)]
mod tests_rds;
#[cfg(test)]
mod tests_s3_replication;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::Value;

use crate::model::{Item, Loc};
use crate::source::SourceId;

use super::layout::PathHint;
use item::ConfigItem;

/// The members that hold configuration items, by output: delivered files and
/// `get-resource-config-history`; `batch-get-resource-config`; the aggregator's
/// `batch-get-aggregate-resource-config`.
const LISTS: [&str; 3] = [
    "configurationItems",
    "baseConfigurationItems",
    "BaseConfigurationItems",
];

/// Change notifications (`configurationItem`) and `get-aggregate-resource-config`.
const SINGLE: [&str; 2] = ["configurationItem", "ConfigurationItem"];

/// Whether a document is AWS Config output.
pub fn recognises(doc: &Value) -> bool {
    LISTS.iter().chain(&SINGLE).any(|k| doc.get(k).is_some())
        || (doc.get("resourceType").is_some() && doc.get("configuration").is_some())
}

/// Reads a document; `Err` when any item could not be read (see [`read_partial`]).
pub fn read(doc: &Value, source: SourceId, hint: &PathHint) -> Result<Vec<Item>, String> {
    let (items, problems) = read_partial(doc, source, hint);
    match problems.as_slice() {
        [] => Ok(items),
        [one] => Err(one.clone()),
        [first, rest @ ..] => Err(format!(
            "{first} (and {} more configuration items that cannot be read)",
            rest.len()
        )),
    }
}

/// Reads a document: the items of every readable configuration item, and a message for each
/// that could not be read (one bad item does not lose the others).
pub fn read_partial(doc: &Value, source: SourceId, hint: &PathHint) -> (Vec<Item>, Vec<String>) {
    let entries = match entries(doc) {
        Ok(entries) => entries,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let fallback_account = hint.account.as_deref().unwrap_or("");
    let mut problems: Vec<String> = Vec::new();
    let mut items: Vec<ConfigItem> = Vec::new();
    let mut latest: HashMap<String, usize> = HashMap::new();
    for (pointer, value) in entries {
        let Some(obj) = value.as_object() else {
            problems.push(format!(
                "{pointer}: a configuration item that is not an object"
            ));
            continue;
        };
        let Some(item) = ConfigItem::new(obj, Loc::new(source, pointer.clone()), fallback_account)
        else {
            problems.push(format!(
                "{pointer}: a configuration item without resourceType"
            ));
            continue;
        };
        let index = items.len();
        match latest.entry(item.identity()) {
            Entry::Vacant(e) => {
                e.insert(index);
            }
            Entry::Occupied(mut e) => {
                if is_newer(&item, &items[*e.get()]) {
                    e.insert(index);
                }
            }
        }
        items.push(item);
    }

    let mut chosen: Vec<usize> = latest.into_values().collect();
    chosen.sort_unstable();
    let mut out = Vec::new();
    for i in chosen {
        let item = &items[i];
        if !item.is_live() {
            continue;
        }
        let Some(reader) = reader(item.resource_type) else {
            continue;
        };
        match reader(item) {
            Ok(pieces) => out.extend(pieces),
            Err(e) => problems.push(e),
        }
    }
    (out, problems)
}

type Reader = fn(&ConfigItem) -> Result<Vec<Item>, String>;

/// The reader of a resource type, or `None` for types atrest does not model.
fn reader(resource_type: &str) -> Option<Reader> {
    const READERS: [(&str, Reader); 17] = [
        ("AWS::S3::Bucket", s3::bucket),
        ("AWS::S3::AccountPublicAccessBlock", s3::account_block),
        ("AWS::KMS::Key", kms::key),
        ("AWS::KMS::Alias", kms::alias),
        ("AWS::EC2::Volume", ec2::volume),
        ("AWS::EC2::Instance", ec2::instance),
        ("AWS::EC2::SnapshotBlockPublicAccess", ec2::snapshot_block),
        ("AWS::CloudTrail::Trail", trail::trail),
        ("AWS::EFS::FileSystem", efs::file_system),
        ("AWS::SecretsManager::Secret", secrets::secret),
        ("AWS::DynamoDB::Table", dynamodb::table),
        ("AWS::SQS::Queue", messaging::queue),
        ("AWS::SNS::Topic", messaging::topic),
        ("AWS::RDS::DBInstance", rds::instance),
        ("AWS::RDS::DBCluster", rds::cluster),
        ("AWS::RDS::DBSnapshot", rds::snapshot),
        ("AWS::RDS::DBClusterSnapshot", rds::cluster_snapshot),
    ];
    READERS
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(resource_type))
        .map(|(_, r)| *r)
}

/// Whether `a` is a later capture than `b` (on a tie, the one later in the file wins).
fn is_newer(a: &ConfigItem, b: &ConfigItem) -> bool {
    (a.capture_time(), a.state_id()) >= (b.capture_time(), b.state_id())
}

/// The configuration items of a document, with their JSON pointers.
fn entries(doc: &Value) -> Result<Vec<(String, &Value)>, String> {
    for key in LISTS {
        if let Some(v) = doc.get(key) {
            let Value::Array(items) = v else {
                return Err(format!(
                    "`{key}` is not a list of configuration items (is this an AWS Config file?)"
                ));
            };
            return Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("/{key}/{i}"), v))
                .collect());
        }
    }
    for key in SINGLE {
        if let Some(v) = doc.get(key) {
            return match v {
                Value::Object(_) => Ok(vec![(format!("/{key}"), v)]),
                Value::Array(items) => Ok(items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("/{key}/{i}"), v))
                    .collect()),
                _ => Err(format!(
                    "`{key}` is not a configuration item (is this an AWS Config notification?)"
                )),
            };
        }
    }
    if doc.get("resourceType").is_some() {
        return Ok(vec![(String::new(), doc)]);
    }
    Err("not an AWS Config file: no configurationItems, configurationItem or resourceType".into())
}
