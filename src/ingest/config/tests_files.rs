//! The AWS Config readers of `AWS::EFS::FileSystem` and `AWS::SecretsManager::Secret`: the
//! pieces have the fields `describe-file-systems` and `list-secrets` give, each located at its
//! item member, and odd items never panic.

use serde_json::{Value, json};

use super::read;
use crate::ingest::layout::PathHint;
use crate::model::{Item, Kind, Piece, build_at};
use crate::source::SourceId;

const FS_ARN: &str = "arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-0a1b2c3d";
const SECRET_ARN: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-Xy12Ab";

fn pieces(doc: &Value) -> Vec<Piece> {
    read(doc, SourceId(0), &PathHint::default())
        .expect("readable")
        .into_iter()
        .filter_map(|i| match i {
            Item::Piece(p) => Some(p),
            Item::Part(_) | Item::Listed { .. } => None,
        })
        .collect()
}

fn pointer_of<'a>(p: &'a Piece, name: &str) -> &'a str {
    p.each
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, l)| l.pointer.as_str())
        .unwrap_or_else(|| panic!("{name} has no location"))
}

/// A snapshot as Config delivers it: an encrypted file system, an unencrypted one (the API's
/// form, configuration as a JSON string), a secret on aws/secretsmanager, one on a key, and a
/// secret scheduled for deletion.
fn snapshot() -> Value {
    json!({"fileVersion": "1.0", "configurationItems": [
        {
            "configurationItemVersion": "1.3", "configurationItemCaptureTime": "2026-11-20T10:00:00.000Z",
            "configurationItemStatus": "OK", "resourceType": "AWS::EFS::FileSystem",
            "resourceId": "fs-0a1b2c3d", "ARN": FS_ARN, "awsRegion": "eu-west-1", "awsAccountId": "111122223333",
            "configuration": {
                "FileSystemId": "fs-0a1b2c3d", "Arn": FS_ARN, "Encrypted": true,
                "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10",
                "PerformanceMode": "generalPurpose", "ThroughputMode": "elastic",
                "BackupPolicy": {"Status": "ENABLED"},
                "LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}],
                "FileSystemTags": [{"Key": "Name", "Value": "shared-home"}, {"Key": "team", "Value": "data"}]
            },
            "tags": {"Name": "shared-home", "team": "data"}
        },
        {
            "configurationItemStatus": "ResourceDiscovered", "resourceType": "AWS::EFS::FileSystem",
            "resourceId": "fs-0ffff", "awsRegion": "eu-west-1", "accountId": "111122223333",
            "configuration": "{\"FileSystemId\":\"fs-0ffff\",\"Encrypted\":\"false\",\"PerformanceMode\":\"maxIO\"}",
            "tags": {"Name": "scratch"}
        },
        {
            "configurationItemStatus": "OK", "resourceType": "AWS::SecretsManager::Secret",
            "resourceId": SECRET_ARN, "resourceName": "app/db", "ARN": SECRET_ARN,
            "awsRegion": "eu-west-1", "awsAccountId": "111122223333",
            "configuration": {
                "ARN": SECRET_ARN, "Name": "app/db", "Description": "the app's database login",
                "KMSKeyId": null, "RotationEnabled": true,
                "RotationLambdaARN": "arn:aws:lambda:eu-west-1:111122223333:function:rotate-db",
                "RotationRules": {"AutomaticallyAfterDays": 30, "RotationDuration": "2h", "AutomaticallyAfterHours": null},
                "RotationOccurringAsScheduled": true, "Deleted": false
            },
            "tags": {"app": "web"}
        },
        {
            "configurationItemStatus": "OK", "resourceType": "AWS::SecretsManager::Secret",
            "resourceName": "app/api", "awsRegion": "eu-west-1", "awsAccountId": "111122223333",
            "arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/api-Qw34Er",
            "configuration": "{\"Name\":\"app/api\",\"KMSKeyId\":\"alias/app-key\",\"RotationEnabled\":\"false\"}"
        },
        {
            "configurationItemStatus": "OK", "resourceType": "AWS::SecretsManager::Secret",
            "awsRegion": "eu-west-1", "awsAccountId": "111122223333",
            "arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/old-Zx56Cv",
            "configuration": {"Name": "app/old", "Deleted": true}
        }
    ]})
}

#[test]
fn file_systems_in_the_export_shape() {
    let ps = pieces(&snapshot());
    let fs: Vec<&Piece> = ps
        .iter()
        .filter(|p| p.kind == Kind::EfsFileSystem)
        .collect();
    assert_eq!(fs.len(), 2);
    let enc = fs[0];
    assert_eq!(enc.fields["FileSystemArn"], json!(FS_ARN));
    assert_eq!(enc.fields["Encrypted"], json!(true));
    assert_eq!(enc.fields["OwnerId"], json!("111122223333"));
    assert_eq!(enc.fields["Name"], json!("shared-home"));
    assert_eq!(
        enc.fields["Tags"],
        json!([{"Key": "Name", "Value": "shared-home"}, {"Key": "team", "Value": "data"}])
    );
    // Config-only members are not AWS CLI fields.
    assert!(!enc.fields.contains_key("BackupPolicy"));
    assert!(!enc.fields.contains_key("Arn"));
    assert_eq!(
        pointer_of(enc, "KmsKeyId"),
        "/configurationItems/0/configuration/KmsKeyId"
    );
    assert_eq!(
        pointer_of(enc, "FileSystemArn"),
        "/configurationItems/0/configuration/Arn"
    );
    let clear = fs[1];
    assert_eq!(
        clear.fields["FileSystemArn"],
        json!("arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-0ffff")
    );
    assert_eq!(
        clear.fields["Encrypted"],
        json!(false),
        "from the string \"false\""
    );
    assert_eq!(
        clear.fields["Name"],
        json!("scratch"),
        "from the item's tags"
    );
    assert_eq!(
        pointer_of(clear, "Encrypted"),
        "/configurationItems/1/configuration/Encrypted"
    );
}

#[test]
fn secrets_in_the_export_shape() {
    let ps = pieces(&snapshot());
    let secrets: Vec<&Piece> = ps
        .iter()
        .filter(|p| p.kind == Kind::SecretsmanagerSecret)
        .collect();
    assert_eq!(secrets.len(), 2, "the deleted secret is left out");
    let db = secrets[0];
    assert_eq!(db.fields["ARN"], json!(SECRET_ARN));
    assert_eq!(db.fields["Name"], json!("app/db"));
    assert!(
        !db.fields.contains_key("KmsKeyId"),
        "null: aws/secretsmanager"
    );
    assert_eq!(db.fields["RotationEnabled"], json!(true));
    assert_eq!(
        db.fields["RotationRules"],
        json!({"AutomaticallyAfterDays": 30, "Duration": "2h"})
    );
    assert!(!db.fields.contains_key("Deleted"));
    assert!(!db.fields.contains_key("RotationOccurringAsScheduled"));
    assert_eq!(db.fields["Tags"], json!([{"Key": "app", "Value": "web"}]));
    let api = secrets[1];
    assert_eq!(api.fields["KmsKeyId"], json!("alias/app-key"));
    assert_eq!(api.fields["RotationEnabled"], json!(false));
    assert_eq!(
        pointer_of(api, "KmsKeyId"),
        "/configurationItems/3/configuration/KMSKeyId"
    );
}

/// Derived from Config, a secret without a key is on aws/secretsmanager and an encrypted file
/// system links its key, as from the export.
#[test]
fn derived_facts_from_config() {
    let items = read(&snapshot(), SourceId(0), &PathHint::default()).expect("items");
    let (inv, _) = build_at(items, jiff::Timestamp::UNIX_EPOCH);
    let by_arn = |arn: &str| {
        inv.resources
            .iter()
            .find(|r| r.arn == arn)
            .unwrap_or_else(|| panic!("{arn}"))
    };
    let db = by_arn(SECRET_ARN);
    assert_eq!(
        db.value("EncryptionKey"),
        Some(json!("alias/aws/secretsmanager"))
    );
    assert_eq!(db.value("KeyKind"), Some(json!("aws_managed")));
    let fs = by_arn(FS_ARN);
    assert_eq!(fs.value("KmsKeyResolution"), Some(json!("unknown")));
    assert_eq!(fs.value("Region"), Some(json!("eu-west-1")));
}

#[test]
fn items_that_name_nothing_are_errors() {
    let no_fs = json!({"resourceType": "AWS::EFS::FileSystem", "configuration": {}});
    let e = read(&no_fs, SourceId(0), &PathHint::default()).expect_err("error");
    assert!(e.contains("names no file system"), "{e}");
    let no_arn = json!({"resourceType": "AWS::SecretsManager::Secret", "resourceName": "x",
                        "awsRegion": "eu-west-1", "accountId": "111122223333", "configuration": {"Name": "x"}});
    let e = read(&no_arn, SourceId(0), &PathHint::default()).expect_err("error");
    assert!(e.contains("without the secret's ARN"), "{e}");
}

#[test]
fn odd_items_do_not_panic() {
    let odd = [
        json!(null),
        json!(1),
        json!("x"),
        json!("{\"Encrypted\": "),
        json!([]),
        json!({}),
        json!({"FileSystemId": 3, "Arn": [], "Encrypted": {}, "FileSystemTags": "x", "KMSKeyId": 5,
               "RotationRules": "x", "Deleted": "maybe", "Name": {}}),
        json!({"FileSystemTags": [1, {"Key": 2}, {"Value": "v"}, {"Key": "Name"}], "RotationRules": []}),
    ];
    for t in ["AWS::EFS::FileSystem", "AWS::SecretsManager::Secret"] {
        for v in &odd {
            let item = json!({
                "resourceType": t, "resourceId": "r", "arn": v, "accountId": v, "awsRegion": v,
                "configuration": v, "tags": v, "resourceName": v
            });
            let _ = read(&item, SourceId(0), &PathHint::default());
            let item = json!({
                "resourceType": t, "resourceId": "fs-1", "accountId": "111122223333", "awsRegion": "eu-west-1",
                "arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf",
                "configuration": v, "tags": v
            });
            let _ = read(&item, SourceId(0), &PathHint::default());
        }
    }
}

/// samples/config records the lab's file systems and secrets as the export describes them.
#[test]
fn the_lab_sample_matches_the_lab_export() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let registry = crate::rules::Registry::default();
    let config = crate::scan::scan(&[root.join("samples/config")], &registry);
    assert!(!config.has_errors(), "{:?}", config.diagnostics);
    let export = crate::scan::scan(&[root.join("samples/lab/123456789012")], &registry);
    let stale =
        "samples/config is out of date with samples/lab: run python3 samples/config/make-config.py";
    let compared: [(Kind, &[&str]); 2] = [
        (
            Kind::EfsFileSystem,
            &[
                "FileSystemId",
                "FileSystemArn",
                "OwnerId",
                "Name",
                "Encrypted",
                "KmsKeyId",
                "PerformanceMode",
                "ThroughputMode",
                "Tags",
                "Region",
                "KmsKeyResolution",
                "KeyKind",
            ],
        ),
        (
            Kind::SecretsmanagerSecret,
            &[
                "ARN",
                "Name",
                "Description",
                "KmsKeyId",
                "RotationLambdaARN",
                "RotationRules",
                "Tags",
                "EncryptionKey",
                "KmsKeyResolution",
                "KeyKind",
            ],
        ),
    ];
    for (kind, fields) in compared {
        let ours: Vec<_> = config.inventory.of_kind(kind).collect();
        let theirs: Vec<_> = export.inventory.of_kind(kind).collect();
        assert!(!ours.is_empty(), "{kind}: {stale}");
        assert_eq!(ours.len(), theirs.len(), "{kind}: {stale}");
        for ((_, c), (_, e)) in ours.iter().zip(&theirs) {
            assert_eq!(c.arn, e.arn, "{stale}");
            for f in fields {
                assert_eq!(c.value(f), e.value(f), "{} {f}: {stale}", c.arn);
            }
            let key = |inv: &crate::model::Inventory, r: &crate::model::Resource| {
                r.link("KmsKey").map(|i| inv.resources[i].arn)
            };
            assert_eq!(
                key(&config.inventory, c),
                key(&export.inventory, e),
                "{}",
                c.arn
            );
        }
    }
}
