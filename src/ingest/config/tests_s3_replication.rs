//! `BucketReplicationConfiguration` of `AWS::S3::Bucket` items: the Java SDK v1's shape
//! (`roleARN`, rules keyed by id) and a list of rules, both in the shape of
//! `get-bucket-replication`, located at the supplement; odd shapes are left out, not fatal.

use serde_json::{Value, json};

use super::read;
use crate::ingest::layout::PathHint;
use crate::model::{Item, Piece};
use crate::source::SourceId;

fn bucket(replication: Value) -> Piece {
    let doc = json!({"fileVersion": "1.0", "configurationItems": [{
        "configurationItemVersion": "1.3", "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket", "resourceId": "src", "resourceName": "src",
        "ARN": "arn:aws:s3:::src", "awsRegion": "us-east-1", "awsAccountId": "111122223333",
        "configuration": {"name": "src", "creationDate": "2026-01-01T00:00:00.000Z"},
        "supplementaryConfiguration": {
            "BucketPolicy": {"policyText": null},
            "BucketReplicationConfiguration": replication
        }
    }]});
    read(&doc, SourceId(0), &PathHint::default())
        .expect("readable")
        .into_iter()
        .find_map(|i| match i {
            Item::Piece(p) => Some(p),
            Item::Part(_) | Item::Listed { .. } => None,
        })
        .expect("a bucket")
}

#[test]
fn rules_keyed_by_id_read_as_the_cli_prints_them() {
    let p = bucket(json!({
        "roleARN": "arn:aws:iam::111122223333:role/repl",
        "rules": {
            "all": {
                "prefix": null, "status": "Enabled", "priority": 1,
                "sourceSelectionCriteria": null,
                "destinationConfig": {"bucketARN": "arn:aws:s3:::dst", "storageClass": "STANDARD",
                                      "account": null, "encryptionConfiguration": null}
            },
            "kms": {
                "status": "Enabled", "priority": 2,
                "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
                "destinationConfig": {"bucketARN": "arn:aws:s3:::dst", "account": "444455556666",
                    "encryptionConfiguration": {"replicaKmsKeyID": "arn:aws:kms:eu-west-1:111122223333:key/k"}}
            }
        }
    }));
    let config = &p.fields["ReplicationConfiguration"];
    assert_eq!(config["Role"], "arn:aws:iam::111122223333:role/repl");
    assert_eq!(
        config["Rules"],
        json!([
            {"ID": "all", "Priority": 1, "Status": "Enabled",
             "Destination": {"Bucket": "arn:aws:s3:::dst"}},
            {"ID": "kms", "Priority": 2, "Status": "Enabled",
             "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
             "Destination": {"Bucket": "arn:aws:s3:::dst", "Account": "444455556666",
                             "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:eu-west-1:111122223333:key/k"}}}
        ])
    );
    let at = p
        .each
        .iter()
        .find(|(n, _)| n == "ReplicationConfiguration")
        .map(|(_, l)| l.pointer.as_str());
    assert_eq!(
        at,
        Some("/configurationItems/0/supplementaryConfiguration/BucketReplicationConfiguration")
    );
}

#[test]
fn a_list_of_rules_and_odd_shapes() {
    let p = bucket(json!({"role": "r", "rules": [
        {"id": "x", "status": "Disabled", "destination": {"bucket": "arn:aws:s3:::d"}},
        "not a rule",
        {"id": "no-destination", "status": "Enabled"}
    ]}));
    assert_eq!(
        p.fields["ReplicationConfiguration"]["Rules"],
        json!([{"ID": "x", "Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::d"}}])
    );
    for odd in [
        json!(null),
        json!("text"),
        json!({"roleARN": "r"}),
        json!({"rules": 5}),
    ] {
        let p = bucket(odd.clone());
        assert!(
            !p.fields.contains_key("ReplicationConfiguration"),
            "{odd}: {:?}",
            p.fields.get("ReplicationConfiguration")
        );
    }
}
