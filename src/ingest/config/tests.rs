//! The AWS Config reader on the fixtures of tests/fixtures/config (one per input shape) and
//! on the lab sample (samples/config), which must describe the lab export's resources the way
//! the export does.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::{read, recognises};
use crate::ingest::layout::PathHint;
use crate::model::{Fact, Ident, Item, Kind, Piece};
use crate::source::SourceId;
use crate::source::locate::{locate, pointer_tokens};

const SNAPSHOT: &str = include_str!(
    "../../../tests/fixtures/config/111122223333_Config_eu-west-1_ConfigSnapshot_20261120T150000Z_7f3e2c1a-9b4d-4e8f-a1c2-3d4e5f6a7b8c.json"
);
const HISTORY: &str = include_str!(
    "../../../tests/fixtures/config/111122223333_Config_eu-west-1_ConfigHistory_AWS_KMS_Key_20261120T060000Z_20261120T120000Z_1.json"
);
const API_HISTORY: &str =
    include_str!("../../../tests/fixtures/config/get-resource-config-history.json");
const BATCH: &str = include_str!("../../../tests/fixtures/config/batch-get-resource-config.json");
const NOTIFICATION: &str =
    include_str!("../../../tests/fixtures/config/configuration-item-change-notification.json");
const SINGLE: &str = include_str!("../../../tests/fixtures/config/configuration-item-trail.json");

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

fn doc(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

fn read_value(doc: &Value) -> Result<Vec<Piece>, String> {
    read(doc, SourceId(0), &PathHint::default()).map(|items| {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Piece(p) => Some(p),
                Item::Part(_) | Item::Listed { .. } => None,
            })
            .collect()
    })
}

fn pieces(text: &str) -> Vec<Piece> {
    let doc = doc(text);
    assert!(recognises(&doc), "not recognised: {text:.80}");
    read_value(&doc).expect("readable")
}

fn arn(p: &Piece) -> &str {
    match &p.ident {
        Ident::Arn(a) | Ident::KeyId(a) => a,
    }
}

fn find<'a>(ps: &'a [Piece], kind: Kind, suffix: &str) -> &'a Piece {
    ps.iter()
        .find(|p| p.kind == kind && arn(p).ends_with(suffix))
        .unwrap_or_else(|| panic!("no {kind} ending in {suffix}"))
}

fn field<'a>(p: &'a Piece, name: &str) -> Option<&'a Value> {
    p.fields.get(name)
}

fn pointer_of<'a>(p: &'a Piece, name: &str) -> &'a str {
    p.each
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, l)| l.pointer.as_str())
        .unwrap_or_else(|| panic!("{name} has no location"))
}

fn has_fact(p: &Piece, fact: Fact) -> Option<&str> {
    p.facts
        .iter()
        .find(|(f, _)| *f == fact)
        .map(|(_, l)| l.pointer.as_str())
}

/// The text a pointer resolves to in a fixture, and whether every token was followed.
fn at<'a>(text: &'a str, pointer: &str) -> (&'a str, bool) {
    let tokens = pointer_tokens(pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let span = locate(text.as_bytes(), &tokens).expect("located");
    (&text[span.start..span.end], span.depth == tokens.len())
}

#[test]
fn recognises_every_shape() {
    for text in [SNAPSHOT, HISTORY, API_HISTORY, BATCH, NOTIFICATION, SINGLE] {
        assert!(recognises(&doc(text)));
    }
    assert!(recognises(&json!({"ConfigurationItem": {}})));
    assert!(recognises(&json!({"BaseConfigurationItems": []})));
    assert!(!recognises(&json!({"Records": []})));
    assert!(!recognises(&json!({"Buckets": [], "Owner": {}})));
}

#[test]
fn snapshot_gives_each_live_modelled_resource() {
    let ps = pieces(SNAPSHOT);
    let mut kinds: Vec<&str> = ps.iter().map(|p| p.kind.name()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "cloudtrail_trail",
            "ebs_volume",
            "ebs_volume",
            "ec2_instance",
            "kms_alias",
            "kms_key",
            "kms_key",
            "s3_account",
            "s3_bucket",
            "s3_bucket"
        ],
        "the VPC is not modelled; the key that was not recorded is skipped"
    );
    assert!(ps.iter().all(|p| p.account == "111122223333"));
    assert!(ps.iter().all(|p| p.region == "eu-west-1"));
}

#[test]
fn s3_bucket_in_the_export_shape() {
    let ps = pieces(SNAPSHOT);
    let b = find(&ps, Kind::S3Bucket, ":::finance-reports-111122223333");
    assert_eq!(arn(b), "arn:aws:s3:::finance-reports-111122223333");
    assert_eq!(
        field(b, "Name"),
        Some(&json!("finance-reports-111122223333"))
    );
    assert_eq!(field(b, "BucketRegion"), Some(&json!("eu-west-1")));
    assert_eq!(
        field(b, "CreationDate"),
        Some(&json!("2025-03-11T08:14:52.000Z"))
    );
    assert_eq!(
        field(b, "ServerSideEncryptionConfiguration"),
        Some(&json!({"Rules": [{
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10"
            },
            "BucketKeyEnabled": true
        }]}))
    );
    assert_eq!(
        field(b, "PublicAccessBlockConfiguration"),
        Some(
            &json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
        )
    );
    assert_eq!(
        field(b, "Grants"),
        Some(&json!([{
            "Grantee": {"ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "Type": "CanonicalUser"},
            "Permission": "FULL_CONTROL"
        }]))
    );
    assert_eq!(
        field(b, "Owner"),
        Some(&json!({"ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}))
    );
    assert_eq!(
        field(b, "Versioning"),
        Some(&json!({"Status": "Enabled", "MFADelete": "Disabled"}))
    );
    let policy = field(b, "Policy").and_then(Value::as_str).expect("policy");
    assert!(policy.contains("DenyInsecureTransport"));
    assert!(b.facts.is_empty());
    assert_eq!(
        pointer_of(b, "ServerSideEncryptionConfiguration"),
        "/configurationItems/0/supplementaryConfiguration/ServerSideEncryptionConfiguration"
    );
    assert_eq!(
        pointer_of(b, "Policy"),
        "/configurationItems/0/supplementaryConfiguration/BucketPolicy/policyText"
    );
}

#[test]
fn absent_bucket_configurations_are_facts() {
    let ps = pieces(SNAPSHOT);
    let b = find(&ps, Kind::S3Bucket, ":::legacy-uploads-111122223333");
    let sup = "/configurationItems/1/supplementaryConfiguration";
    assert_eq!(has_fact(b, Fact::NoDefaultEncryption), Some(sup));
    assert_eq!(
        has_fact(b, Fact::NoBucketPolicy),
        Some(format!("{sup}/BucketPolicy").as_str())
    );
    assert_eq!(has_fact(b, Fact::NoOwnershipControls), None, "not recorded");
    assert_eq!(
        field(b, "PublicAccessBlockConfiguration"),
        Some(
            &json!({"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false})
        )
    );
    assert_eq!(field(b, "Policy"), None);
    assert_eq!(field(b, "Versioning"), Some(&json!({})), "never versioned");
    let grants = field(b, "Grants")
        .and_then(Value::as_array)
        .expect("grants");
    assert_eq!(
        grants[1],
        json!({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
    );
    assert_eq!(
        grants[2],
        json!({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "READ_ACP"})
    );
}

#[test]
fn an_incomplete_bucket_item_says_nothing_about_what_it_lacks() {
    let item = json!({
        "resourceType": "AWS::S3::Bucket", "resourceId": "b", "awsRegion": "us-east-1",
        "accountId": "111122223333", "configuration": {"name": "b"},
        "supplementaryConfiguration": {"IsRequesterPaysEnabled": false}
    });
    let ps = read_value(&item).expect("readable");
    assert!(ps[0].facts.is_empty());
    assert_eq!(field(&ps[0], "PublicAccessBlockConfiguration"), None);
    assert_eq!(pointer_of(&ps[0], "Name"), "/configuration/name");
}

#[test]
fn grantees_as_strings_or_objects_and_ownership_controls() {
    let acl = json!({
        "grantList": [
            {"grantee": {"uri": ALL_USERS}, "permission": "Write"},
            {"grantee": {"identifier": "http://acs.amazonaws.com/groups/s3/LogDelivery", "typeIdentifier": "uri"}, "permission": "WRITE"},
            {"grantee": {"identifier": "ops@example.com", "typeIdentifier": "emailAddress"}, "permission": "ReadAcp"},
            {"grantee": {"id": "abc", "displayName": "ops"}, "permission": "FullControl"},
            {"grantee": "AuthenticatedUsers", "permission": "WriteAcp"}
        ],
        "owner": {"id": "abc", "displayName": null}
    });
    let item = json!({
        "resourceType": "AWS::S3::Bucket", "resourceId": "b", "awsRegion": "us-east-1",
        "awsAccountId": "111122223333", "configuration": {"name": "b"},
        "supplementaryConfiguration": {
            "AccessControlList": serde_json::to_string(&acl).expect("json"),
            "BucketPolicy": {"policyText": null},
            "BucketOwnershipControls": {"ownershipControls": {"rules": [{"objectOwnership": "BucketOwnerEnforced"}]}},
            "BucketVersioningConfiguration": {"status": "Suspended", "isMfaDeleteEnabled": true}
        }
    });
    let ps = read_value(&item).expect("readable");
    let b = &ps[0];
    assert_eq!(
        field(b, "Grants"),
        Some(&json!([
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "WRITE"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"},
            {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "ops@example.com"}, "Permission": "READ_ACP"},
            {"Grantee": {"DisplayName": "ops", "ID": "abc", "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "WRITE_ACP"}
        ]))
    );
    assert_eq!(
        field(b, "OwnershipControls"),
        Some(&json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}))
    );
    assert_eq!(
        field(b, "Versioning"),
        Some(&json!({"Status": "Suspended", "MFADelete": "Enabled"}))
    );
    assert!(has_fact(b, Fact::NoBucketPolicy).is_some());
    assert!(has_fact(b, Fact::NoDefaultEncryption).is_some());
}

/// A delivered item (objects) and the same item as the configservice API returns it
/// (`configuration` and every supplementary configuration a JSON string, the ACL encoded
/// twice) give the same fields.
#[test]
fn object_and_string_configurations_read_the_same() {
    let snapshot = doc(SNAPSHOT);
    for i in [0, 1, 2, 5, 7, 8] {
        let delivered = snapshot["configurationItems"][i].clone();
        let mut api = delivered.clone();
        api["configuration"] = json!(delivered["configuration"].to_string());
        let mut sup = Map::new();
        for (k, v) in delivered["supplementaryConfiguration"]
            .as_object()
            .expect("map")
        {
            let text = match v {
                Value::String(s) if k == "AccessControlList" => json!(s).to_string(),
                other => other.to_string(),
            };
            sup.insert(k.clone(), json!(text));
        }
        api["supplementaryConfiguration"] = Value::Object(sup);
        let a = read_value(&delivered).expect("delivered");
        let b = read_value(&api).expect("api");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].fields, b[0].fields, "item {i}");
        assert_eq!(
            a[0].facts.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            b[0].facts.iter().map(|(f, _)| *f).collect::<Vec<_>>()
        );
    }
}

#[test]
fn kms_keys_and_aliases() {
    let ps = pieces(SNAPSHOT);
    let k = find(&ps, Kind::KmsKey, "3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10");
    for (name, value) in [
        ("KeyId", json!("3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10")),
        ("KeyState", json!("Enabled")),
        ("KeyManager", json!("CUSTOMER")),
        ("KeySpec", json!("SYMMETRIC_DEFAULT")),
        ("Origin", json!("AWS_KMS")),
        ("AWSAccountId", json!("111122223333")),
        ("Enabled", json!(true)),
        ("MultiRegion", json!(false)),
        ("KeyRotationEnabled", json!(true)),
        ("Tags", json!([{"TagKey": "team", "TagValue": "finance"}])),
        ("CreationDate", json!("2025-03-11T08:10:31.640Z")),
    ] {
        assert_eq!(field(k, name), Some(&value), "{name}");
    }
    assert_eq!(field(k, "DeletionDate"), None, "null members are left out");
    assert_eq!(
        field(k, "Policy"),
        None,
        "Config does not record key policies"
    );
    assert_eq!(
        pointer_of(k, "KeyState"),
        "/configurationItems/2/configuration/keyState"
    );
    assert_eq!(
        pointer_of(k, "KeyRotationEnabled"),
        "/configurationItems/2/supplementaryConfiguration/KeyRotationStatus"
    );
    let a = find(&ps, Kind::KmsAlias, ":alias/finance");
    assert_eq!(field(a, "AliasName"), Some(&json!("alias/finance")));
    assert_eq!(
        field(a, "TargetKeyId"),
        Some(&json!("3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10"))
    );

    // CloudFormation lets an alias name its target by ARN; list-aliases gives the key id.
    let alias = json!({
        "resourceType": "AWS::KMS::Alias", "resourceId": "alias/x", "accountId": "111122223333",
        "awsRegion": "eu-west-1",
        "configuration": {"AliasName": "alias/x", "TargetKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k-1"}
    });
    let a = &read_value(&alias).expect("alias")[0];
    assert_eq!(arn(a), "arn:aws:kms:eu-west-1:111122223333:alias/x");
    assert_eq!(field(a, "TargetKeyId"), Some(&json!("k-1")));
    assert_eq!(
        field(a, "AliasArn"),
        Some(&json!("arn:aws:kms:eu-west-1:111122223333:alias/x"))
    );
}

#[test]
fn batch_get_resource_config_with_strings() {
    let ps = pieces(BATCH);
    let k = find(&ps, Kind::KmsKey, "3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10");
    assert_eq!(
        field(k, "KeyRotationEnabled"),
        Some(&json!(false)),
        "from \"false\""
    );
    assert_eq!(field(k, "Tags"), None, "base items carry no tags");
    assert_eq!(
        pointer_of(k, "KeyState"),
        "/baseConfigurationItems/0/configuration/keyState"
    );
    let (text, whole) = at(BATCH, pointer_of(k, "KeyState"));
    assert!(whole && text.contains("Enabled"), "{text}");
    let v = find(&ps, Kind::EbsVolume, "vol-0f9e8d7c6b5a49382");
    assert_eq!(field(v, "State"), Some(&json!("available")));
    assert_eq!(field(v, "Encrypted"), Some(&json!(false)));
    assert_eq!(field(v, "KmsKeyId"), None);
}

#[test]
fn volumes_and_instances() {
    let ps = pieces(SNAPSHOT);
    let v = find(&ps, Kind::EbsVolume, "vol-0a1b2c3d4e5f60718");
    assert_eq!(
        arn(v),
        "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0a1b2c3d4e5f60718"
    );
    assert_eq!(field(v, "State"), Some(&json!("in-use")));
    assert_eq!(field(v, "Encrypted"), Some(&json!(true)));
    assert_eq!(
        field(v, "KmsKeyId"),
        Some(&json!(
            "arn:aws:kms:eu-west-1:111122223333:key/3f1c0a52-6b7e-4d2a-9c41-8e5b2d7f9a10"
        ))
    );
    assert_eq!(
        field(v, "Attachments"),
        Some(&json!([{
            "AttachTime": "2026-11-02T10:20:31.000Z", "Device": "/dev/xvda",
            "InstanceId": "i-0123456789abcdef0", "State": "attached",
            "VolumeId": "vol-0a1b2c3d4e5f60718", "DeleteOnTermination": true
        }]))
    );
    assert_eq!(
        field(v, "Tags"),
        Some(&json!([{"Key": "Name", "Value": "reports-root"}]))
    );
    // An older item: the state as a string, the creation time in epoch milliseconds.
    let old = find(&ps, Kind::EbsVolume, "vol-0f9e8d7c6b5a49382");
    assert_eq!(field(old, "State"), Some(&json!("available")));
    assert_eq!(
        field(old, "CreateTime"),
        Some(&json!("2020-09-13T12:26:40.123Z"))
    );
    assert_eq!(field(old, "KmsKeyId"), None);

    let i = find(&ps, Kind::Ec2Instance, "i-0123456789abcdef0");
    assert_eq!(field(i, "InstanceType"), Some(&json!("t3.small")));
    assert_eq!(
        field(i, "State"),
        Some(&json!({"Code": 16, "Name": "running"}))
    );
    assert_eq!(field(i, "OwnerId"), Some(&json!("111122223333")));
    assert_eq!(
        field(i, "BlockDeviceMappings"),
        Some(&json!([{"DeviceName": "/dev/xvda", "Ebs": {
            "AttachTime": "2026-11-02T10:20:31.000Z", "DeleteOnTermination": true,
            "Status": "attached", "VolumeId": "vol-0a1b2c3d4e5f60718"
        }}]))
    );
    assert_eq!(
        field(i, "Placement").and_then(|p| p.get("AvailabilityZone")),
        Some(&json!("eu-west-1a"))
    );
}

#[test]
fn trails() {
    let ps = pieces(SNAPSHOT);
    let t = find(&ps, Kind::CloudtrailTrail, "trail/org-audit");
    assert_eq!(field(t, "Name"), Some(&json!("org-audit")));
    assert_eq!(field(t, "IsMultiRegionTrail"), Some(&json!(true)));
    assert_eq!(field(t, "LogFileValidationEnabled"), Some(&json!(true)));
    assert_eq!(
        field(t, "S3BucketName"),
        Some(&json!("audit-logs-111122223333"))
    );
    assert!(field(t, "KmsKeyId").is_some());
    assert_eq!(field(t, "S3KeyPrefix"), None);
    assert_eq!(field(t, "IsLogging"), None, "not recorded by Config");

    // A single item as the API returns it: the configuration is a JSON string.
    let ps = pieces(SINGLE);
    let t = &ps[0];
    assert_eq!(
        arn(t),
        "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-audit"
    );
    assert_eq!(
        field(t, "KmsKeyId"),
        None,
        "not encrypted: kmsKeyId is null"
    );
    assert_eq!(field(t, "LogFileValidationEnabled"), Some(&json!(false)));
    assert_eq!(
        pointer_of(t, "LogFileValidationEnabled"),
        "/configuration/logFileValidationEnabled"
    );
    let (text, whole) = at(SINGLE, "/configuration/logFileValidationEnabled");
    assert!(whole && text.contains("false"), "{text}");

    // Status and selectors, when an item carries them.
    let item = json!({
        "resourceType": "AWS::CloudTrail::Trail", "awsRegion": "eu-west-1", "accountId": "111122223333",
        "configuration": {"name": "t", "trailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t"},
        "supplementaryConfiguration": {"IsLogging": "true", "EventSelectors": "[{\"readWriteType\":\"All\",\"includeManagementEvents\":true,\"dataResources\":[{\"type\":\"AWS::S3::Object\",\"values\":[\"arn:aws:s3\"]}]}]"}
    });
    let t = &read_value(&item).expect("trail")[0];
    assert_eq!(field(t, "IsLogging"), Some(&json!(true)));
    assert_eq!(
        field(t, "EventSelectors"),
        Some(
            &json!([{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
        )
    );
}

#[test]
fn history_keeps_the_latest_capture_of_each_resource() {
    let ps = pieces(HISTORY);
    assert_eq!(
        ps.len(),
        2,
        "the key created and deleted in the window is gone"
    );
    // The later capture is first in the file: order by time, not by position.
    let k1 = find(&ps, Kind::KmsKey, "0c0d0e0f-1a1b-4c1d-8e1f-2a2b2c2d2e2f");
    assert_eq!(field(k1, "KeyState"), Some(&json!("Disabled")));
    assert_eq!(
        pointer_of(k1, "KeyState"),
        "/configurationItems/0/configuration/keyState"
    );
    // Same capture time: the higher configurationStateId wins.
    let k3 = find(&ps, Kind::KmsKey, "2e2f3a3b-3c3d-4e3f-8a4b-4c4d4e4f5a5b");
    assert_eq!(field(k3, "KeyRotationEnabled"), Some(&json!(true)));

    // get-resource-config-history lists the newest first.
    let ps = pieces(API_HISTORY);
    assert_eq!(ps.len(), 1);
    let b = &ps[0];
    assert_eq!(
        field(b, "ServerSideEncryptionConfiguration")
            .and_then(|c| c.pointer("/Rules/0/ApplyServerSideEncryptionByDefault/SSEAlgorithm")),
        Some(&json!("AES256"))
    );
    assert!(field(b, "Policy").is_some());
    assert_eq!(
        field(b, "PublicAccessBlockConfiguration"),
        Some(
            &json!({"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false})
        ),
        "the newest item has no public access block"
    );
    assert_eq!(
        field(b, "Versioning"),
        Some(&json!({"Status": "Suspended"}))
    );
}

#[test]
fn deleted_and_unrecorded_items_are_skipped() {
    let mut item = doc(NOTIFICATION);
    assert_eq!(read_value(&item).expect("live").len(), 1);
    for status in [
        "ResourceDeleted",
        "ResourceNotRecorded",
        "ResourceDeletedNotRecorded",
    ] {
        item["configurationItem"]["configurationItemStatus"] = json!(status);
        assert!(read_value(&item).expect("skipped").is_empty(), "{status}");
    }
}

#[test]
fn change_notification() {
    let ps = pieces(NOTIFICATION);
    let k = &ps[0];
    assert_eq!(field(k, "KeyState"), Some(&json!("Disabled")));
    assert_eq!(
        pointer_of(k, "KeyState"),
        "/configurationItem/configuration/keyState"
    );
    let (text, whole) = at(NOTIFICATION, pointer_of(k, "KeyState"));
    assert!(whole && text.contains("Disabled"), "{text}");
}

/// Pointers land on the member that decided, even inside JSON held in strings (the API's
/// supplementary configurations, the ACL encoded twice, the policy inside it).
#[test]
fn locations_resolve_in_every_shape() {
    let ps = pieces(API_HISTORY);
    let b = &ps[0];
    let grants = pointer_of(b, "Grants");
    assert_eq!(
        grants,
        "/configurationItems/0/supplementaryConfiguration/AccessControlList/grantList"
    );
    let (text, whole) = at(API_HISTORY, &format!("{grants}/1"));
    assert!(whole && text.contains("AllUsers"), "{text}");
    let policy = pointer_of(b, "Policy");
    let (text, whole) = at(API_HISTORY, &format!("{policy}/Statement/0"));
    assert!(whole && text.contains("PublicRead"), "{text}");
    let sse = pointer_of(b, "ServerSideEncryptionConfiguration");
    let (text, whole) = at(
        API_HISTORY,
        &format!("{sse}/Rules/0/ApplyServerSideEncryptionByDefault/SSEAlgorithm"),
    );
    assert!(whole && text.contains("AES256"), "{text}");

    let ps = pieces(SNAPSHOT);
    let b = find(&ps, Kind::S3Bucket, ":::legacy-uploads-111122223333");
    let (text, whole) = at(SNAPSHOT, &format!("{}/2", pointer_of(b, "Grants")));
    assert!(whole && text.contains("AuthenticatedUsers"), "{text}");
    let v = find(&ps, Kind::EbsVolume, "vol-0a1b2c3d4e5f60718");
    let (text, whole) = at(SNAPSHOT, pointer_of(v, "KmsKeyId"));
    assert!(whole && text.contains("3f1c0a52"), "{text}");
}

/// The facts derived from Config pieces are those the export's pieces give.
#[test]
fn derived_facts_from_config() {
    let items = read(&doc(SNAPSHOT), SourceId(0), &PathHint::default()).expect("items");
    let (inv, unplaced) = crate::model::build(items);
    assert!(unplaced.is_empty());
    let legacy = inv
        .resources
        .iter()
        .find(|r| r.arn.ends_with("legacy-uploads-111122223333"))
        .expect("bucket");
    assert_eq!(legacy.value("SSEAlgorithm"), Some(json!("none")));
    assert_eq!(legacy.value("PolicyPublic"), Some(json!(false)));
    assert_eq!(legacy.value("AclPublic"), Some(json!(true)));
    assert_eq!(
        legacy.value("AclPublicGrants"),
        Some(json!([
            "READ to AllUsers",
            "READ_ACP to AuthenticatedUsers"
        ]))
    );
    assert_eq!(
        legacy
            .data
            .pointer("/EffectivePublicAccessBlock/AllEnabled")
            .map(crate::model::Node::to_value),
        Some(json!(true)),
        "the account's block turns every setting on"
    );
    assert_eq!(legacy.value("Public"), Some(json!(false)));
    let finance = inv
        .resources
        .iter()
        .find(|r| r.arn.ends_with("finance-reports-111122223333"))
        .expect("bucket");
    assert_eq!(finance.value("PolicyRequiresTls"), Some(json!(true)));
    let key = finance
        .link("KmsKey")
        .map(|i| &inv.resources[i])
        .expect("key");
    assert_eq!(key.value("Aliases"), Some(json!(["alias/finance"])));
    let volume = inv
        .resources
        .iter()
        .find(|r| r.arn.ends_with("vol-0a1b2c3d4e5f60718"))
        .expect("volume");
    assert_eq!(volume.value("KmsKeyResolution"), Some(json!("resolved")));
    assert!(volume.link("Instance").is_some());
    let trail = inv
        .resources
        .iter()
        .find(|r| r.kind == Kind::CloudtrailTrail)
        .expect("trail");
    assert_eq!(trail.value("KmsKeyResolution"), Some(json!("resolved")));
}

#[test]
fn unusable_documents_and_items_are_errors() {
    let err = |v: Value| read_value(&v).expect_err("an error");
    assert!(err(json!({"configurationItems": {}})).contains("not a list"));
    assert!(err(json!({"configurationItem": "x"})).contains("not a configuration item"));
    assert!(err(json!({"configurationItems": [1]})).contains("/configurationItems/0"));
    assert!(err(json!({"configurationItems": [{"configuration": {}}]})).contains("resourceType"));
    let bad_json = json!({"configurationItems": [
        {"resourceType": "AWS::KMS::Key", "resourceId": "k", "accountId": "111122223333",
         "awsRegion": "eu-west-1", "configuration": "{\"keyState\": "},
        {"resourceType": "AWS::S3::Bucket", "configuration": {}}
    ]});
    let e = err(bad_json);
    assert!(e.contains("/configurationItems/0 (AWS::KMS::Key)"), "{e}");
    assert!(e.contains("and 1 more"), "{e}");
    // Types atrest does not model are not read at all.
    let other = json!({"configurationItems": [
        {"resourceType": "AWS::EC2::VPC", "configuration": "{not json"}
    ]});
    assert!(read_value(&other).expect("skipped").is_empty());
    assert!(
        read_value(&json!({"configurationItems": []}))
            .expect("empty")
            .is_empty()
    );
}

/// Odd values anywhere never panic.
#[test]
fn odd_input_does_not_panic() {
    let types = [
        "AWS::S3::Bucket",
        "AWS::S3::AccountPublicAccessBlock",
        "AWS::KMS::Key",
        "AWS::KMS::Alias",
        "AWS::EC2::Volume",
        "AWS::EC2::Instance",
        "AWS::EC2::SnapshotBlockPublicAccess",
        "AWS::CloudTrail::Trail",
    ];
    let odd = [
        json!(null),
        json!(1),
        json!("x"),
        json!("[1,2]"),
        json!([]),
        json!({}),
        json!({"name": 3, "keyId": [], "volumeId": {}, "state": 7, "rules": "x"}),
    ];
    for t in types {
        for v in &odd {
            for status in [json!("OK"), json!(null), json!(5)] {
                let item = json!({
                    "resourceType": t, "resourceId": "r", "arn": v, "accountId": v, "awsRegion": v,
                    "configurationItemStatus": status, "configurationItemCaptureTime": v,
                    "configuration": v, "tags": v,
                    "supplementaryConfiguration": {
                        "AccessControlList": v, "BucketPolicy": v, "KeyRotationStatus": v,
                        "ServerSideEncryptionConfiguration": v, "PublicAccessBlockConfiguration": v,
                        "BucketVersioningConfiguration": v, "BucketOwnershipControls": v,
                        "IsLogging": v, "EventSelectors": v
                    }
                });
                let _ = read_value(&item);
                let _ = read_value(&json!({"configurationItems": [item.clone(), item]}));
            }
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// samples/config is the lab account of samples/lab as AWS Config records it: every
/// resource Config records is there, with the same fields and derived facts.
#[test]
fn the_lab_sample_matches_the_lab_export() {
    let registry = crate::rules::Registry::default();
    let config = crate::scan::scan(&[root().join("samples/config")], &registry);
    assert!(!config.has_errors(), "{:?}", config.diagnostics);
    let export = crate::scan::scan(&[root().join("samples/lab/123456789012")], &registry);
    let stale =
        "samples/config is out of date with samples/lab: run python3 samples/config/make-config.py";
    let compared: [(Kind, &[&str]); 13] = [
        (
            Kind::S3Bucket,
            &[
                "Name",
                "Region",
                "SSEAlgorithm",
                "KMSMasterKeyID",
                "BucketKeyEnabled",
                "Policy",
                "PolicyPublic",
                "PolicyCrossAccounts",
                "PolicyDeniesUnencryptedUploads",
                "PolicyRequiresTls",
                "Grants",
                "AclPublic",
                "AclPublicGrants",
                "Public",
                "PublicAccessBlockConfiguration",
                "Versioning",
            ],
        ),
        (
            Kind::KmsKey,
            &[
                "AWSAccountId",
                "KeyId",
                "Arn",
                "Enabled",
                "Description",
                "KeyUsage",
                "KeyState",
                "Origin",
                "KeyManager",
                "CustomerMasterKeySpec",
                "KeySpec",
                "EncryptionAlgorithms",
                "MultiRegion",
                "MultiRegionConfiguration",
                "ExpirationModel",
                "MaterialExpiresInDays",
                "PendingDeletionWindowInDays",
                "KeyRotationEnabled",
                "Aliases",
            ],
        ),
        (Kind::KmsAlias, &["AliasName", "AliasArn", "TargetKeyId"]),
        (
            Kind::EbsVolume,
            &[
                "VolumeId",
                "Size",
                "SnapshotId",
                "AvailabilityZone",
                "State",
                "Encrypted",
                "KmsKeyId",
                "Iops",
                "VolumeType",
                "MultiAttachEnabled",
                "Throughput",
                "Tags",
                "KmsKeyResolution",
                "KeyKind",
            ],
        ),
        (
            Kind::Ec2Instance,
            &[
                "InstanceId",
                "InstanceType",
                "State",
                "RootDeviceName",
                "OwnerId",
                "Tags",
            ],
        ),
        (
            Kind::CloudtrailTrail,
            &[
                "Name",
                "S3BucketName",
                "IncludeGlobalServiceEvents",
                "IsMultiRegionTrail",
                "HomeRegion",
                "TrailARN",
                "LogFileValidationEnabled",
                "KmsKeyId",
                "HasCustomEventSelectors",
                "HasInsightSelectors",
                "IsOrganizationTrail",
                "KmsKeyResolution",
            ],
        ),
        (
            Kind::DynamodbTable,
            &[
                "TableName",
                "TableArn",
                "TableStatus",
                "KeyKind",
                "KmsKeyResolution",
            ],
        ),
        (
            Kind::SqsQueue,
            &[
                "QueueArn",
                "QueueUrl",
                "QueueName",
                "KmsMasterKeyId",
                "SqsManagedSseEnabled",
                "KmsDataKeyReusePeriodSeconds",
                "Encrypted",
                "KeyKind",
                "KmsKeyResolution",
            ],
        ),
        (
            Kind::SnsTopic,
            &[
                "TopicArn",
                "TopicName",
                "KmsMasterKeyId",
                "Encrypted",
                "KeyKind",
                "KmsKeyResolution",
            ],
        ),
        (
            Kind::RdsInstance,
            &[
                "DBInstanceIdentifier",
                "DBInstanceClass",
                "Engine",
                "EngineVersion",
                "AvailabilityZone",
                "PubliclyAccessible",
                "DBClusterIdentifier",
                "StorageEncrypted",
                "StorageEncryptionType",
                "KmsKeyId",
                "DBInstanceArn",
                "TagList",
                "KmsKeyResolution",
                "KeyKind",
            ],
        ),
        (
            Kind::RdsCluster,
            &[
                "DBClusterIdentifier",
                "Engine",
                "Status",
                "AvailabilityZones",
                "DBClusterMembers",
                "StorageEncrypted",
                "KmsKeyId",
                "DBClusterArn",
                "KmsKeyResolution",
                "KeyKind",
            ],
        ),
        (
            Kind::RdsSnapshot,
            &[
                "DBSnapshotIdentifier",
                "DBInstanceIdentifier",
                "SnapshotType",
                "Encrypted",
                "KmsKeyId",
                "DBSnapshotArn",
                "KmsKeyResolution",
                "KeyKind",
                "Public",
                "SharedWithAccounts",
            ],
        ),
        (
            Kind::RdsClusterSnapshot,
            &[
                "DBClusterSnapshotIdentifier",
                "DBClusterIdentifier",
                "SnapshotType",
                "StorageEncrypted",
                "KmsKeyId",
                "DBClusterSnapshotArn",
                "SourceDBClusterSnapshotArn",
                "KmsKeyResolution",
                "KeyKind",
                "Public",
                "SharedWithAccounts",
            ],
        ),
    ];
    for (kind, fields) in compared {
        let ours: Vec<_> = config.inventory.of_kind(kind).collect();
        let theirs: Vec<_> = export
            .inventory
            .of_kind(kind)
            .filter(|(_, r)| kind != Kind::KmsAlias || r.get("TargetKeyId").is_some())
            // The Config sample is the snapshot of us-east-1, the lab's Region; the export
            // also has the replica Region of a multi-Region key.
            .filter(|(_, r)| r.region == "us-east-1")
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{kind}: {stale}");
        for ((_, c), (_, e)) in ours.iter().zip(&theirs) {
            assert_eq!(c.arn, e.arn, "{stale}");
            for f in fields {
                assert_eq!(c.value(f), e.value(f), "{} {f}: {stale}", c.arn);
            }
            for link in ["KmsKey", "Instance", "LogBucket", "TargetKey", "Cluster"] {
                let target = |inv: &crate::model::Inventory, r: &crate::model::Resource| {
                    r.link(link).map(|i| inv.resources[i].arn)
                };
                assert_eq!(
                    target(&config.inventory, c),
                    target(&export.inventory, e),
                    "{} {link}: {stale}",
                    c.arn
                );
            }
        }
    }
}
