//! `atrest activity` through the binary: the table of KMS calls per key, principal and
//! operation in text, JSON and CSV, on samples/kms-incident and on small logs.

mod common;

use common::atrest;
use serde_json::{Value, json};

const APP_KEY_ID: &str = "0b1f4a3e-5c6d-4e7f-8a9b-0c1d2e3f4a5b";
const EC2_INFRA: &str =
    "arn:aws:sts::123456789012:assumed-role/aws:ec2-infrastructure/i-0123456789abcdef0";

fn json_of(paths: &[&str]) -> Value {
    let mut args = vec!["activity", "--format", "json"];
    args.extend_from_slice(paths);
    let run = atrest(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

#[test]
fn json_counts_calls_errors_times_and_services_per_key_principal_and_operation() {
    let doc = json_of(&["samples/kms-incident"]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "atrest");
    assert_eq!(doc["summary"]["kms_calls"], 18);
    assert_eq!(doc["summary"]["rows"], 12);
    let rows = doc["activity"].as_array().expect("activity");
    assert_eq!(rows.len(), 12);
    let first = &rows[0];
    assert_eq!(first["key"]["id"], APP_KEY_ID);
    assert_eq!(
        first["key"]["arn"],
        format!("arn:aws:kms:us-east-1:123456789012:key/{APP_KEY_ID}")
    );
    assert_eq!(first["key"]["aliases"], json!(["alias/app-data"]));
    assert_eq!(first["principal"], EC2_INFRA);
    assert_eq!(first["operation"], "Decrypt");
    assert_eq!(
        (first["calls"].as_u64(), first["errors"].as_u64()),
        (Some(6), Some(2))
    );
    assert_eq!(first["first_seen"], "2026-11-19T08:00:00Z");
    assert_eq!(first["last_seen"], "2026-11-20T14:21:00Z");
    assert_eq!(first["services"], json!(["ec2.amazonaws.com"]));
    // Sorted by calls, most first.
    let calls: Vec<u64> = rows
        .iter()
        .map(|r| r["calls"].as_u64().expect("calls"))
        .collect();
    assert!(calls.windows(2).all(|w| w[0] >= w[1]), "{calls:?}");
    // bob's reads through S3: the service that called on his behalf.
    let bob = rows
        .iter()
        .find(|r| r["principal"] == "arn:aws:iam::123456789012:user/bob")
        .expect("bob");
    assert_eq!(
        (bob["calls"].as_u64(), bob["errors"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(bob["services"], json!(["s3.amazonaws.com"]));
    // The idle key's alias comes from the export's list-aliases (no CreateAlias record).
    let idle = rows
        .iter()
        .find(|r| r["operation"] == "DescribeKey")
        .expect("idle key");
    assert_eq!(idle["key"]["aliases"], json!(["alias/idle"]));
    let logs_only = json_of(&["samples/kms-incident/AWSLogs"]);
    let idle = logs_only["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .find(|r| r["operation"] == "DescribeKey")
        .expect("idle key")
        .clone();
    assert_eq!(idle["key"]["aliases"], json!([]));
}

#[test]
fn text_is_a_table_sorted_by_calls_and_csv_has_a_header() {
    let run = atrest(&["activity", "samples/kms-incident"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let head: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        head,
        [
            "KEY",
            "PRINCIPAL",
            "OPERATION",
            "CALLS",
            "ERRORS",
            "FIRST",
            "LAST",
            "SERVICES"
        ]
    );
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        row,
        [
            APP_KEY_ID,
            "(alias/app-data)",
            EC2_INFRA,
            "Decrypt",
            "6",
            "2",
            "2026-11-19T08:00:00Z",
            "2026-11-20T14:21:00Z",
            "ec2.amazonaws.com"
        ]
    );
    assert!(
        run.stdout
            .ends_with("\n18 KMS calls on 2 keys in 12 rows\n"),
        "{}",
        run.stdout
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("activity.csv");
    let out_str = out.to_str().expect("utf-8");
    let run = atrest(&[
        "activity",
        "samples/kms-incident",
        "--format",
        "csv",
        "-o",
        out_str,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let csv = std::fs::read_to_string(&out).expect("written");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "key_id,key_arn,aliases,account,region,principal,operation,calls,errors,first_seen,last_seen,services"
    );
    assert_eq!(lines.len(), 13);
    assert_eq!(
        lines[1],
        format!(
            "{APP_KEY_ID},arn:aws:kms:us-east-1:123456789012:key/{APP_KEY_ID},alias/app-data,\
             123456789012,us-east-1,{EC2_INFRA},Decrypt,6,2,2026-11-19T08:00:00Z,\
             2026-11-20T14:21:00Z,ec2.amazonaws.com"
        )
    );
}

#[test]
fn hostile_values_are_escaped_and_unreadable_input_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = json!({
        "eventVersion": "1.11",
        "eventTime": "2026-11-01T10:00:00Z",
        "eventSource": "kms.amazonaws.com",
        "eventName": "Decrypt",
        "awsRegion": "eu-west-1",
        "recipientAccountId": "111122223333",
        "userIdentity": {"type": "IAMUser", "arn": "=cmd|' /C calc'!A0\u{1b}[31m\u{202e}"},
        "requestParameters": {"keyId": "alias/unknown"},
    });
    std::fs::write(
        dir.path().join("log.json"),
        serde_json::to_string(&json!({"Records": [record]})).expect("json"),
    )
    .expect("write");
    let path = dir.path().to_str().expect("utf-8");
    let run = atrest(&["activity", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("alias/unknown"),
        "an unresolved alias stays an alias"
    );
    let run = atrest(&["activity", path, "--format", "csv"]);
    let row = run.stdout.lines().nth(1).expect("row");
    assert!(row.contains(",'=cmd|' /C calc'!A0"), "{row}");
    let doc = json_of(&[path]);
    assert_eq!(doc["activity"][0]["key"]["arn"], Value::Null);

    std::fs::write(
        dir.path().join("broken.json"),
        "{\"Records\": [{\"eventName\": ",
    )
    .expect("write");
    let run = atrest(&["activity", path, "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("broken.json"), "{}", run.stderr);
    assert_eq!(
        run.json()["summary"]["kms_calls"],
        1,
        "the rest is still read"
    );

    let empty = tempfile::tempdir().expect("tempdir");
    let run = atrest(&["activity", empty.path().to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn activity_takes_the_event_filters() {
    let run = common::atrest(&[
        "activity",
        "samples/lab",
        "--event-name",
        "EnableKey",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains(",EnableKey,")), "{rows:?}");
}
