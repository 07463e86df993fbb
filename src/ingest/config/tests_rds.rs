//! The RDS readers of AWS Config items: the CLI's names whatever the Java SDK's spelling,
//! the fields the export keeps, snapshot attributes from the supplementary configuration, and
//! items that cannot be read.

use serde_json::{Value, json};

use super::read;
use crate::ingest::layout::PathHint;
use crate::model::{Ident, Item, Kind, Piece};
use crate::source::SourceId;

fn pieces(items: Value) -> Result<Vec<Piece>, String> {
    let doc = json!({"configurationItems": items});
    read(&doc, SourceId(0), &PathHint::default()).map(|items| {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Piece(p) => Some(p),
                Item::Part(_) | Item::Listed { .. } => None,
            })
            .collect()
    })
}

fn item(resource_type: &str, name: &str, configuration: Value) -> Value {
    json!({
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-20T14:00:00.000Z",
        "resourceType": resource_type,
        "resourceId": format!("id-{name}"),
        "resourceName": name,
        "awsAccountId": "111122223333",
        "awsRegion": "eu-west-1",
        "configuration": configuration,
        "tags": {"Team": "data"}
    })
}

fn arn(p: &Piece) -> &str {
    match &p.ident {
        Ident::Arn(a) | Ident::KeyId(a) => a,
    }
}

fn pointer<'a>(p: &'a Piece, name: &str) -> &'a str {
    p.each
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, l)| l.pointer.as_str())
        .unwrap_or_else(|| panic!("{name} has no location"))
}

#[test]
fn instances_read_as_the_export_gives_them_whatever_the_spelling() {
    let ps = pieces(json!([
        item(
            "AWS::RDS::DBInstance",
            "app-db",
            json!({
                "dBInstanceIdentifier": "app-db",
                "engine": "postgres",
                "endpoint": {"address": "app-db.x.eu-west-1.rds.amazonaws.com", "port": 5432},
                "storageEncrypted": true,
                "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k-1",
                "dBInstanceArn": "arn:aws:rds:eu-west-1:111122223333:db:app-db",
                "iAMDatabaseAuthenticationEnabled": false,
                "instanceCreateTime": 1_790_000_000_000_i64,
                "tagList": [{"key": "Team", "value": "data"}]
            })
        ),
        item(
            "AWS::RDS::DBInstance",
            "legacy",
            json!({
                "dbinstanceIdentifier": "legacy",
                "storageEncrypted": false,
                "publiclyAccessible": true,
                "dbclusterIdentifier": null
            })
        ),
    ]))
    .expect("readable");
    assert_eq!(ps.len(), 2);
    let app = &ps[0];
    assert_eq!(app.kind, Kind::RdsInstance);
    assert_eq!(arn(app), "arn:aws:rds:eu-west-1:111122223333:db:app-db");
    assert_eq!(app.fields.get("StorageEncrypted"), Some(&json!(true)));
    assert_eq!(
        app.fields.get("Endpoint"),
        None,
        "not kept, as from the export"
    );
    assert_eq!(
        app.fields.get("InstanceCreateTime"),
        Some(&json!("2026-09-21T14:13:20.000Z"))
    );
    assert_eq!(
        app.fields.get("TagList"),
        Some(&json!([{"Key": "Team", "Value": "data"}]))
    );
    assert_eq!(
        pointer(app, "StorageEncrypted"),
        "/configurationItems/0/configuration/storageEncrypted"
    );
    let legacy = &ps[1];
    assert_eq!(
        legacy.fields.get("DBInstanceIdentifier"),
        Some(&json!("legacy"))
    );
    assert_eq!(legacy.fields.get("PubliclyAccessible"), Some(&json!(true)));
    assert_eq!(
        legacy.fields.get("DBClusterIdentifier"),
        None,
        "null is absent"
    );
    assert_eq!(
        legacy.fields.get("TagList"),
        Some(&json!([{"Key": "Team", "Value": "data"}])),
        "from the item's tags"
    );
    assert_eq!(pointer(legacy, "TagList"), "/configurationItems/1/tags");
}

#[test]
fn cluster_members_keep_the_cli_names() {
    let ps = pieces(json!([item(
        "AWS::RDS::DBCluster",
        "aurora",
        json!({
            "dBClusterIdentifier": "aurora",
            "storageEncrypted": true,
            "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k-2",
            "dBClusterMembers": [{"dbinstanceIdentifier": "aurora-1", "isClusterWriter": true}],
            "dBClusterParameterGroup": "default.aurora-postgresql16"
        })
    )]))
    .expect("readable");
    assert_eq!(
        arn(&ps[0]),
        "arn:aws:rds:eu-west-1:111122223333:cluster:aurora"
    );
    assert_eq!(
        ps[0].fields.get("DBClusterMembers"),
        Some(&json!([{"DBInstanceIdentifier": "aurora-1", "IsClusterWriter": true}]))
    );
    assert_eq!(ps[0].fields.get("DBClusterParameterGroup"), None);
}

#[test]
fn snapshot_attributes_come_from_the_supplementary_configuration() {
    let mut delivered = item(
        "AWS::RDS::DBSnapshot",
        "export",
        json!({
            "dBSnapshotIdentifier": "export",
            "encrypted": false,
            "snapshotType": "manual",
            "vpcId": "vpc-1"
        }),
    );
    delivered["supplementaryConfiguration"] = json!({
        "DBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": ["all"]}]
    });
    // The configservice API gives supplementary configurations as JSON strings.
    let mut from_api = item(
        "AWS::RDS::DBClusterSnapshot",
        "dr-copy",
        json!({
            "dBClusterSnapshotIdentifier": "dr-copy",
            "storageEncrypted": true
        }),
    );
    from_api["supplementaryConfiguration"] = json!({
        "DBClusterSnapshotAttributes": "[{\"attributeName\":\"restore\",\"attributeValues\":[\"210987654321\"]}]"
    });
    let ps = pieces(json!([delivered, from_api])).expect("readable");
    let snapshot = &ps[0];
    assert_eq!(
        arn(snapshot),
        "arn:aws:rds:eu-west-1:111122223333:snapshot:export"
    );
    assert_eq!(
        snapshot.fields.get("VpcId"),
        Some(&json!("vpc-1")),
        "snapshots keep every member"
    );
    assert_eq!(
        snapshot.fields.get("DBSnapshotAttributes"),
        Some(&json!([{"AttributeName": "restore", "AttributeValues": ["all"]}]))
    );
    assert_eq!(
        pointer(snapshot, "DBSnapshotAttributes"),
        "/configurationItems/0/supplementaryConfiguration/DBSnapshotAttributes"
    );
    let cluster_snapshot = &ps[1];
    assert_eq!(cluster_snapshot.kind, Kind::RdsClusterSnapshot);
    assert_eq!(
        arn(cluster_snapshot),
        "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dr-copy"
    );
    assert_eq!(
        cluster_snapshot.fields.get("DBClusterSnapshotAttributes"),
        Some(&json!([{"AttributeName": "restore", "AttributeValues": ["210987654321"]}]))
    );
}

#[test]
fn items_that_name_no_resource_or_place_are_errors() {
    let mut nameless = item("AWS::RDS::DBSnapshot", "", json!({"encrypted": true}));
    nameless
        .as_object_mut()
        .expect("object")
        .remove("resourceName");
    let e = pieces(json!([nameless])).expect_err("refused");
    assert!(
        e.contains("an AWS::RDS::DBSnapshot item that names no DBSnapshotIdentifier"),
        "{e}"
    );
    let mut nowhere = item(
        "AWS::RDS::DBInstance",
        "db",
        json!({"dBInstanceIdentifier": "db"}),
    );
    nowhere.as_object_mut().expect("object").remove("awsRegion");
    let e = pieces(json!([nowhere])).expect_err("refused");
    assert!(e.contains("without an account or a region"), "{e}");
    // A configuration that is not an object is an error, not a panic.
    let e = pieces(json!([item("AWS::RDS::DBCluster", "c", json!([1, 2]))])).expect_err("refused");
    assert!(e.contains("`configuration` is a list"), "{e}");
}

#[test]
fn odd_rds_items_do_not_panic() {
    let odd = [
        json!(null),
        json!(1),
        json!("x"),
        json!("[1,2]"),
        json!([]),
        json!({}),
        json!({"dBInstanceIdentifier": 3, "storageEncrypted": "yes", "dBClusterMembers": {}, "tagList": "x"}),
    ];
    for t in [
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBSnapshot",
        "AWS::RDS::DBClusterSnapshot",
    ] {
        for v in &odd {
            let mut i = item(t, "r", v.clone());
            i["resourceName"] = v.clone();
            i["tags"] = v.clone();
            i["supplementaryConfiguration"] = json!({
                "DBSnapshotAttributes": v, "DBClusterSnapshotAttributes": v
            });
            let _ = pieces(json!([i]));
        }
    }
}
