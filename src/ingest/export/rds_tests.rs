//! The RDS readers: what each call gives, how snapshots and their attributes files meet, and
//! what a file outside the layout can and cannot say.

use std::path::Path;

use serde_json::{Value, json};

use super::super::{Placed, Problem, identify, placed, read, read_error};
use super::*;
use crate::ingest::layout::PathHint;
use crate::source::SourceId;

fn pieces(path: &str, doc: Value) -> Result<Vec<Piece>, Problem> {
    let hint = PathHint::read(Path::new(path));
    let api = match placed(&hint) {
        Some(Placed::Api(api)) => api,
        _ => identify(&doc, &hint).expect("a call of the tables"),
    };
    let ctx = Ctx {
        source: SourceId(0),
        hint: &hint,
    };
    read(api, doc, &ctx).map(|items| {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Piece(p) => Some(p),
                Item::Part(_) | Item::Listed { .. } => None,
            })
            .collect()
    })
}

fn arn_of(p: &Piece) -> &str {
    match &p.ident {
        Ident::Arn(a) | Ident::KeyId(a) => a,
    }
}

const LAYOUT: &str = "x/123456789012/eu-west-1/rds";

#[test]
fn instances_keep_what_says_how_they_are_encrypted() {
    let doc = json!({"DBInstances": [{
        "DBInstanceIdentifier": "app-db",
        "Engine": "postgres",
        "Endpoint": {"Address": "app-db.x.eu-west-1.rds.amazonaws.com", "Port": 5432},
        "DBSubnetGroup": {"DBSubnetGroupName": "default"},
        "StorageEncrypted": true,
        "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k-1",
        "DBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:app-db"
    }, {"DBInstanceIdentifier": "no-arn", "StorageEncrypted": false}]});
    let ps = pieces(&format!("{LAYOUT}/describe-db-instances.json"), doc).expect("read");
    assert_eq!(ps.len(), 2);
    assert_eq!(
        arn_of(&ps[0]),
        "arn:aws:rds:eu-west-1:123456789012:db:app-db"
    );
    let mut kept: Vec<&str> = ps[0].fields.keys().map(String::as_str).collect();
    kept.sort_unstable();
    assert_eq!(
        kept,
        [
            "DBInstanceArn",
            "DBInstanceIdentifier",
            "Engine",
            "KmsKeyId",
            "StorageEncrypted"
        ],
        "the endpoint and subnet group are not kept"
    );
    assert_eq!(
        ps[0].whole.as_ref().map(|l| l.pointer.as_str()),
        Some("/DBInstances/0")
    );
    // An instance that prints no ARN gets the one RDS would give it.
    assert_eq!(
        arn_of(&ps[1]),
        "arn:aws:rds:eu-west-1:123456789012:db:no-arn"
    );
    assert_eq!(
        (ps[1].account.as_str(), ps[1].region.as_str()),
        ("123456789012", "eu-west-1")
    );
}

#[test]
fn outside_the_layout_the_arn_places_a_resource() {
    let doc = json!({"DBClusters": [{
        "DBClusterIdentifier": "aurora",
        "DBClusterArn": "arn:aws:rds:ap-southeast-2:444455556666:cluster:aurora",
        "StorageEncrypted": true
    }]});
    let ps = pieces("/tmp/clusters.json", doc).expect("read");
    assert_eq!(ps[0].kind, Kind::RdsCluster);
    assert_eq!(
        (ps[0].account.as_str(), ps[0].region.as_str()),
        ("444455556666", "ap-southeast-2")
    );
}

#[test]
fn a_snapshot_and_its_attributes_name_the_same_resource() {
    let listed = pieces(
        &format!("{LAYOUT}/describe-db-snapshots.json"),
        json!({"DBSnapshots": [
            {"DBSnapshotIdentifier": "share-me", "Encrypted": false,
             "DBSnapshotArn": "arn:aws:rds:eu-west-1:123456789012:snapshot:share-me"},
            {"DBSnapshotIdentifier": "rds:app-db-2026-11-20-04-12", "SnapshotType": "automated"}
        ]}),
    )
    .expect("read");
    let attributes = pieces(
        &format!("{LAYOUT}/describe-db-snapshot-attributes--share-me.json"),
        json!({"DBSnapshotAttributesResult": {
            "DBSnapshotIdentifier": "share-me",
            "DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all"]}]
        }}),
    )
    .expect("read");
    assert_eq!(arn_of(&listed[0]), arn_of(&attributes[0]));
    assert_eq!(
        arn_of(&listed[1]),
        "arn:aws:rds:eu-west-1:123456789012:snapshot:rds:app-db-2026-11-20-04-12"
    );
    let (name, at) = &attributes[0].each[0];
    assert_eq!(name, "DBSnapshotAttributes");
    assert_eq!(
        at.pointer,
        "/DBSnapshotAttributesResult/DBSnapshotAttributes"
    );
}

#[test]
fn cluster_snapshot_attributes_are_named_by_the_file_when_the_content_is_not() {
    let ps = pieces(
        &format!("{LAYOUT}/describe-db-cluster-snapshot-attributes--dr-copy.json"),
        json!({"DBClusterSnapshotAttributesResult": {}}),
    )
    .expect("read");
    assert_eq!(
        arn_of(&ps[0]),
        "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:dr-copy"
    );
    assert_eq!(
        ps[0].fields.get("DBClusterSnapshotAttributes"),
        Some(&json!([])),
        "an answer without attributes: shared with nobody"
    );
    // Outside the layout, with neither a name nor an identifier, it says nothing usable.
    let e = pieces(
        "/tmp/describe-db-cluster-snapshot-attributes.json",
        json!({"DBClusterSnapshotAttributesResult": {"DBClusterSnapshotAttributes": []}}),
    )
    .expect_err("refused");
    let Problem::Other(message) = e else {
        panic!("not a shape problem")
    };
    assert!(
        message.contains("does not name its db-cluster-snapshot-identifier"),
        "{message}"
    );
}

#[test]
fn outside_the_layout_rds_outputs_are_recognised_by_their_members() {
    let hint = PathHint::read(Path::new("/tmp/out.json"));
    for (doc, command) in [
        (json!({"DBInstances": []}), "describe-db-instances"),
        (json!({"DBClusters": []}), "describe-db-clusters"),
        (json!({"DBSnapshots": []}), "describe-db-snapshots"),
        (
            json!({"DBClusterSnapshots": []}),
            "describe-db-cluster-snapshots",
        ),
        (
            json!({"DBSnapshotAttributesResult": {}}),
            "describe-db-snapshot-attributes",
        ),
        (
            json!({"DBClusterSnapshotAttributesResult": {}}),
            "describe-db-cluster-snapshot-attributes",
        ),
    ] {
        assert_eq!(identify(&doc, &hint).map(|a| a.command), Some(command));
    }
}

#[test]
fn a_snapshot_gone_since_it_was_listed_is_an_answer() {
    for (file, code) in [
        (
            "describe-db-snapshot-attributes--gone",
            "DBSnapshotNotFound",
        ),
        (
            "describe-db-cluster-snapshot-attributes--gone",
            "DBClusterSnapshotNotFoundFault",
        ),
    ] {
        let hint = PathHint::read(Path::new(&format!("{LAYOUT}/{file}.error.json")));
        let Some(Placed::Api(api)) = placed(&hint) else {
            panic!("{file} is not a call of the tables");
        };
        let ctx = Ctx {
            source: SourceId(0),
            hint: &hint,
        };
        let doc = json!({"exit_code": 254, "error_code": code, "stderr": ""});
        assert_eq!(
            read_error(api, &doc, &ctx).map(|i| i.len()),
            Ok(0),
            "{file}"
        );
        let denied = json!({"exit_code": 254, "error_code": "AccessDenied", "stderr": "denied"});
        assert!(read_error(api, &denied, &ctx).is_err(), "{file}");
    }
}
