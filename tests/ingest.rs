//! Reading inputs: every CloudTrail shape, files outside the export layout, AWS CLI v1 and v2
//! output, error files that are facts and error files that are failures.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use atrest::diagnostic::Level;
use atrest::finding::Subject;
use atrest::model::{Kind, Resource};
use atrest::output::{Report, json};
use atrest::rules::Registry;
use atrest::scan::{Outcome, scan};
use serde_json::json;

const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

fn scan_dir(dir: &Path) -> Outcome {
    scan(&[dir.to_path_buf()], &Registry::builtin().expect("rules"))
}

fn event_names(outcome: &Outcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter_map(|f| match &f.subject {
            Subject::Event { name, .. } => Some(name.clone()),
            Subject::Resource { .. } => None,
        })
        .collect()
}

fn record(name: &str, id: &str) -> serde_json::Value {
    json!({
        "eventVersion": "1.09", "eventTime": "2026-11-20T10:00:00Z", "eventSource": "kms.amazonaws.com",
        "eventName": name, "eventID": id, "awsRegion": "us-east-1",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
        "requestParameters": {"keyId": KEY}, "recipientAccountId": "111122223333"
    })
}

#[test]
fn every_cloudtrail_shape_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let delivery = json!({"Records": [record("DisableKey", "e-1")]}).to_string();
    write(
        d,
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T1000Z_a.json",
        &delivery,
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        json!({"Records": [record("DisableKey", "e-2")]})
            .to_string()
            .as_bytes(),
    )
    .expect("gzip");
    let gz = gz.finish().expect("gzip");
    let gz_path = d.join("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T1005Z_b.json.gz");
    std::fs::write(&gz_path, gz).expect("write");
    // Digest files are signatures, not events.
    write(
        d,
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_x.json",
        "{\"digestStartTime\": \"x\"}",
    );
    let lookup = json!({"Events": [{"EventId": "e-3", "EventName": "DisableKey", "CloudTrailEvent": record("DisableKey", "e-3").to_string()}]});
    write(d, "lookup-events.json", &lookup.to_string());
    write(
        d,
        "array.json",
        &json!([record("DisableKey", "e-4")]).to_string(),
    );
    write(
        d,
        "lines.jsonl",
        &format!(
            "{}\n{}\n",
            record("DisableKey", "e-5"),
            record("EnableKey", "e-6")
        ),
    );
    let outcome = scan_dir(d);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.stats.events, 6);
    assert_eq!(
        event_names(&outcome).len(),
        5,
        "five DisableKey events, one EnableKey"
    );

    // Every finding points into its record, even inside the lookup-events JSON string.
    let registry = Registry::builtin().expect("rules");
    let report = Report::new(&outcome, &registry);
    let doc = json::document(&report);
    for f in doc["findings"].as_array().expect("findings") {
        let line = f["location"]["line"].as_u64();
        assert!(line.is_some(), "{f}");
        let pointer = f["location"]["pointer"].as_str().expect("pointer");
        assert!(pointer.ends_with("/eventName"), "{pointer}");
    }
    let lookup = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("lookup-events.json"))
        })
        .expect("the lookup-events finding");
    assert_eq!(
        lookup["location"]["pointer"],
        "/Events/0/CloudTrailEvent/eventName"
    );
    assert!(
        lookup["location"]["column"].as_u64().expect("column") > 40,
        "inside the string"
    );
}

fn key_files(d: &Path, rotation_epoch: bool) {
    let created = if rotation_epoch {
        json!(1714564800.123)
    } else {
        json!("2024-05-01T12:00:00.123000+00:00")
    };
    let meta = json!({"KeyMetadata": {
        "AWSAccountId": "111122223333", "KeyId": KEY, "Arn": format!("arn:aws:kms:us-east-1:111122223333:key/{KEY}"),
        "CreationDate": created, "Enabled": false, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Disabled",
        "Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT"}});
    write(
        d,
        &format!("111122223333/us-east-1/kms/describe-key--{KEY}.json"),
        &meta.to_string(),
    );
    write(d, "111122223333/us-east-1/kms/list-keys.json", &json!({"Keys": [{"KeyId": KEY, "KeyArn": format!("arn:aws:kms:us-east-1:111122223333:key/{KEY}")}]}).to_string());
    write(d, "111122223333/us-east-1/kms/list-aliases.json", &json!({"Aliases": [{"AliasName": "alias/app", "AliasArn": "arn:aws:kms:us-east-1:111122223333:alias/app", "TargetKeyId": KEY}]}).to_string());
}

fn volume(id: &str, key_ref: &str) -> serde_json::Value {
    json!({"VolumeId": id, "AvailabilityZone": "us-east-1a", "State": "available", "Encrypted": true, "KmsKeyId": key_ref, "Attachments": []})
}

fn find<'a>(outcome: &'a Outcome, kind: Kind, suffix: &str) -> &'a Resource {
    outcome
        .inventory
        .resources
        .iter()
        .find(|r| r.kind == kind && r.arn.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {kind} {suffix}"))
}

#[test]
fn kms_references_resolve_in_every_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    key_files(d, true);
    let volumes = json!({"Volumes": [
        volume("vol-id", KEY),
        volume("vol-arn", &format!("arn:aws:kms:us-east-1:111122223333:key/{KEY}")),
        volume("vol-alias", "alias/app"),
        volume("vol-alias-arn", "arn:aws:kms:us-east-1:111122223333:alias/app"),
        volume("vol-missing", "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"),
        volume("vol-external", "arn:aws:kms:us-east-1:999988887777:key/11111111-1111-1111-1111-111111111111"),
        volume("vol-unknown", "arn:aws:kms:eu-west-1:111122223333:key/22222222-2222-2222-2222-222222222222"),
    ]});
    write(
        d,
        "111122223333/us-east-1/ec2/describe-volumes.json",
        &volumes.to_string(),
    );
    let outcome = scan_dir(d);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let resolution = |id: &str| {
        let v = find(&outcome, Kind::EbsVolume, id);
        (
            v.str("KmsKeyResolution").map(str::to_owned),
            v.link("KmsKey").is_some(),
        )
    };
    for id in ["vol-id", "vol-arn", "vol-alias", "vol-alias-arn"] {
        assert_eq!(resolution(id), (Some("resolved".into()), true), "{id}");
    }
    assert_eq!(resolution("vol-missing"), (Some("missing".into()), false));
    assert_eq!(resolution("vol-external"), (Some("external".into()), false));
    assert_eq!(resolution("vol-unknown"), (Some("unknown".into()), false));
    // The disabled key fires on the four resolved volumes, the deleted key on the missing one.
    let on_unusable_key = outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "ebs-volume-key-unusable")
        .count();
    assert_eq!(on_unusable_key, 5);
    // AWS CLI v1 epoch timestamps are read as they are.
    let key = find(&outcome, Kind::KmsKey, KEY);
    assert_eq!(key.value("CreationDate"), Some(json!(1714564800.123)));
    assert_eq!(key.value("DependentResourceCount"), Some(json!(4)));
}

#[test]
fn error_files_are_facts_or_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let b = "123456789012/us-east-1/s3";
    write(
        d,
        &format!("{b}/list-buckets.json"),
        &json!({"Buckets": [{"Name": "b1", "CreationDate": "2024-01-01T00:00:00+00:00"}]})
            .to_string(),
    );
    let err = |code: &str| {
        json!({"exit_code": 254, "error_code": code, "stderr": format!("\nAn error occurred ({code}) when calling the X operation: y\n")}).to_string()
    };
    write(
        d,
        &format!("{b}/get-bucket-encryption--b1.error.json"),
        &err("ServerSideEncryptionConfigurationNotFoundError"),
    );
    write(
        d,
        &format!("{b}/get-bucket-policy--b1.error.json"),
        &err("NoSuchBucketPolicy"),
    );
    write(
        d,
        &format!("{b}/get-bucket-ownership-controls--b1.error.json"),
        &err("AccessDenied"),
    );
    write(d, &format!("{b}/get-bucket-versioning--b1.json"), "");
    let outcome = scan_dir(d);
    let bucket = find(&outcome, Kind::S3Bucket, ":::b1");
    assert_eq!(bucket.value("SSEAlgorithm"), Some(json!("none")));
    assert_eq!(bucket.value("PolicyRequiresTls"), Some(json!(false)));
    assert_eq!(bucket.value("Versioning"), Some(json!({})));
    assert_eq!(
        bucket.value("AclsEnabled"),
        None,
        "AccessDenied says nothing"
    );
    let failures: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].message.contains("AccessDenied"));
    assert!(outcome.has_errors());
    let ids: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect();
    assert!(
        ids.contains(&"s3-bucket-default-encryption-not-kms"),
        "{ids:?}"
    );
    assert!(ids.contains(&"s3-bucket-tls-not-required"), "{ids:?}");
    assert!(!ids.contains(&"s3-bucket-acls-enabled"), "{ids:?}");
    // The finding on missing encryption points at the error file that said so.
    let f = outcome
        .findings
        .iter()
        .find(|f| f.rule_id == "s3-bucket-default-encryption-not-kms")
        .expect("finding");
    let loc = f.primary.as_ref().expect("location");
    assert!(
        outcome
            .sources
            .path(loc.source)
            .ends_with("get-bucket-encryption--b1.error.json")
    );
}

#[test]
fn files_outside_the_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // A lone describe-volumes output still gives volumes (their region from the zone).
    write(d, "describe-volumes.json", &json!({"Volumes": [json!({"VolumeId": "vol-1", "AvailabilityZone": "eu-west-1b", "Encrypted": false, "Attachments": []})]}).to_string());
    // A key policy without the layout cannot be placed: reported, not guessed.
    write(
        d,
        &format!("get-key-policy--{KEY}.json"),
        &json!({"Policy": "{}", "PolicyName": "default"}).to_string(),
    );
    // Another call's output in the export layout is skipped with a warning, not an error.
    write(
        d,
        "111122223333/us-east-1/ec2/describe-vpcs.json",
        "{\"Vpcs\": []}",
    );
    let outcome = scan_dir(d);
    let skipped = outcome
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("describe-vpcs.json"))
        .expect("reported");
    assert_eq!(skipped.level, Level::Warning);
    let v = find(&outcome, Kind::EbsVolume, "vol-1");
    assert_eq!(v.region, "eu-west-1");
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.rule_id == "ebs-volume-unencrypted")
    );
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains(KEY) && d.message.contains("export layout")),
        "{:?}",
        outcome.diagnostics
    );
}
