//! The key lifecycle analysis (`event-kms-key-disabled-in-use`) and the upload summary
//! (`event-s3-uploads-without-sse-kms`), through the binary: on samples/kms-incident, whose
//! story its script tells, and on small logs written here.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Run, atrest, rule_ids};
use serde_json::{Value, json};

const IN_USE: &str = "event-kms-key-disabled-in-use";
const UPLOADS: &str = "event-s3-uploads-without-sse-kms";
const APP_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/0b1f4a3e-5c6d-4e7f-8a9b-0c1d2e3f4a5b";

fn scan(args: &[&str]) -> (Run, Value) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = atrest(&all);
    let report = run.json();
    (run, report)
}

fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn counts(report: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for id in rule_ids(report) {
        *out.entry(id).or_default() += 1;
    }
    out
}

#[test]
fn the_sample_incident_is_one_finding_with_its_failures_and_dependents() {
    let (run, report) = scan(&["samples/kms-incident"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let events: BTreeMap<String, usize> = counts(&report)
        .into_iter()
        .filter(|(id, _)| id.starts_with("event-"))
        .collect();
    let expected: BTreeMap<String, usize> = [
        ("event-kms-key-deletion-scheduled", 1),
        ("event-kms-key-disabled", 2),
        (IN_USE, 1),
        (UPLOADS, 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(events, expected, "the findings the script's story names");

    let incident = of_rule(&report, IN_USE)[0];
    assert_eq!(incident["severity"], "critical");
    assert_eq!(incident["event"]["name"], "DisableKey");
    assert_eq!(incident["event"]["time"], "2026-11-20T14:00:41Z");
    assert_eq!(incident["event"]["resource"], APP_KEY);
    let message = incident["message"].as_str().expect("message");
    for part in [
        "arn:aws:iam::123456789012:user/admin disabled KMS key",
        "(alias/app-data)",
        "5 successful calls in the 30 days before",
        "Afterwards 4 calls failed because of it (DisabledException ×3, KMSInvalidStateException ×1)",
        "via ec2.amazonaws.com ×2",
        "arn:aws:iam::123456789012:user/bob via s3.amazonaws.com ×1",
        "through ec2.amazonaws.com ×3 (EBS: attaching volumes, starting instances), s3.amazonaws.com ×1 (S3",
        "resources named in their encryption context: arn:aws:s3:::lab-reports/q3.csv, vol-0a1b2c3d4e5f60718",
        "then scheduled its deletion at 2026-11-20T14:10:00Z",
        "cancelled the deletion at 2026-11-20T14:20:00Z",
        "arn:aws:iam::123456789012:user/carol re-enabled the key at 2026-11-20T14:20:30Z",
        "1 resource still encrypted with it: arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60718",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    // The refused DisableKey by alice is no change: admin's is the incident's start.
    assert!(!message.contains("alice"), "{message}");
    let location = &incident["location"];
    assert!(
        location["path"]
            .as_str()
            .expect("path")
            .ends_with("20261120T1415Z_Ij90Kl12Mn34Op56.json.gz"),
        "{location}"
    );
    assert_eq!(location["pointer"], "/Records/1/resources/0/ARN");
    assert_eq!(location["line"], 1);
    let related: Vec<&str> = incident["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| r["note"].as_str().expect("note"))
        .collect();
    assert_eq!(
        related
            .iter()
            .filter(|n| n.starts_with("refused afterwards"))
            .count(),
        4
    );
    assert!(
        related
            .iter()
            .any(|n| n.starts_with("EnableKey by arn:aws:iam::123456789012:user/carol"))
    );
    let volume = incident["related"]
        .as_array()
        .expect("related")
        .iter()
        .find(|r| {
            r["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("still encrypted"))
        })
        .expect("the dependent volume");
    assert!(
        volume["path"]
            .as_str()
            .expect("path")
            .ends_with("export/123456789012/us-east-1/ec2/describe-volumes.json"),
        "{volume}"
    );
    let remediation = incident["remediation"].as_str().expect("remediation");
    assert!(remediation.contains(&format!(
        "aws kms cancel-key-deletion --key-id {APP_KEY} --region us-east-1"
    )));
    assert!(remediation.contains(&format!(
        "aws kms enable-key --key-id {APP_KEY} --region us-east-1"
    )));
}

#[test]
fn logs_alone_still_resolve_aliases_but_name_no_inventory() {
    let (_, report) = scan(&["samples/kms-incident/AWSLogs"]);
    let incidents = of_rule(&report, IN_USE);
    assert_eq!(incidents.len(), 1);
    let message = incidents[0]["message"].as_str().expect("message");
    assert!(message.contains("(alias/app-data)"), "{message}");
    assert!(!message.contains("inventory"), "{message}");
}

#[test]
fn the_analysis_runs_only_with_its_rule() {
    let (_, report) = scan(&["samples/kms-incident", "--skip", IN_USE, "--skip", UPLOADS]);
    let ids = rule_ids(&report);
    assert!(
        !ids.iter().any(|id| id == IN_USE || id == UPLOADS),
        "{ids:?}"
    );
    let (_, report) = scan(&["samples/kms-incident", "--only", UPLOADS]);
    assert_eq!(rule_ids(&report), [UPLOADS, UPLOADS]);
}

// ---------------------------------------------------------------------------------------------
// Small logs

fn kms(time: &str, name: &str, key: &str, who: &str, error: Option<&str>) -> Value {
    let mut r = json!({
        "eventVersion": "1.11",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111122223333:user/{who}"),
                         "accountId": "111122223333"},
        "eventTime": time,
        "eventSource": "kms.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "192.0.2.10",
        "requestParameters": {"keyId": key},
        "eventID": format!("{name}-{time}-{who}"),
        "recipientAccountId": "111122223333",
    });
    if let Some(e) = error {
        r["errorCode"] = json!(e);
    }
    r
}

fn write_log(dir: &Path, name: &str, records: &[Value]) {
    let text = serde_json::to_string(&json!({ "Records": records })).expect("json");
    std::fs::write(dir.join(name), text).expect("write");
}

fn incidents_of(records: &[Value]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    write_log(dir.path(), "log.json", records);
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (run, report) = scan(&[&path, "--only", IN_USE]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    of_rule(&report, IN_USE).into_iter().cloned().collect()
}

#[test]
fn in_use_means_use_in_the_30_days_before_or_failures_after() {
    let k = "k-1";
    // Used 31 days before and never after: not in use.
    let stale = incidents_of(&[
        kms("2026-10-01T10:00:00Z", "Decrypt", k, "app", None),
        kms("2026-11-01T10:00:01Z", "DisableKey", k, "admin", None),
    ]);
    assert!(stale.is_empty(), "{stale:?}");
    // Used 29 days before: in use, although nothing failed.
    let used = incidents_of(&[
        kms("2026-10-03T10:00:00Z", "GenerateDataKey", k, "app", None),
        kms("2026-11-01T10:00:01Z", "DisableKey", k, "admin", None),
    ]);
    assert_eq!(used.len(), 1);
    let message = used[0]["message"].as_str().expect("message");
    assert!(
        message.contains("1 successful call in the 30 days before"),
        "{message}"
    );
    assert!(
        message.contains("No call was refused afterwards"),
        "{message}"
    );
    assert!(message.contains("not re-enabled in the logs (they end at 2026-11-01T10:00:01Z)"));
    // No use before, but calls refused after: in use. Failures after EnableKey, or before
    // the change, are not the incident's.
    let failing = incidents_of(&[
        kms(
            "2026-11-01T09:00:00Z",
            "Decrypt",
            k,
            "app",
            Some("DisabledException"),
        ),
        kms(
            "2026-11-01T10:00:00Z",
            "ScheduleKeyDeletion",
            k,
            "admin",
            None,
        ),
        kms(
            "2026-11-01T10:05:00Z",
            "Decrypt",
            k,
            "app",
            Some("KMSInvalidStateException"),
        ),
        kms(
            "2026-11-01T10:06:00Z",
            "Decrypt",
            k,
            "app",
            Some("AccessDeniedException"),
        ),
        kms(
            "2026-11-01T11:00:00Z",
            "CancelKeyDeletion",
            k,
            "admin",
            None,
        ),
        kms("2026-11-01T11:01:00Z", "EnableKey", k, "admin", None),
        kms(
            "2026-11-01T11:02:00Z",
            "Decrypt",
            k,
            "app",
            Some("DisabledException"),
        ),
    ]);
    assert_eq!(failing.len(), 1);
    let message = failing[0]["message"].as_str().expect("message");
    assert!(
        message.contains("scheduled the deletion of KMS key"),
        "{message}"
    );
    assert!(
        message.contains("no successful call in the logs before"),
        "{message}"
    );
    assert!(
        message.contains("Afterwards 1 call failed because of it (KMSInvalidStateException ×1)"),
        "{message}"
    );
    assert!(
        message.contains("re-enabled the key at 2026-11-01T11:01:00Z"),
        "{message}"
    );
}

#[test]
fn each_incident_is_one_finding_and_refused_changes_are_none() {
    let k = "arn:aws:kms:eu-west-1:111122223333:key/k-2";
    let found = incidents_of(&[
        kms("2026-11-01T08:00:00Z", "Encrypt", k, "app", None),
        kms(
            "2026-11-01T09:00:00Z",
            "DisableKey",
            k,
            "mallory",
            Some("AccessDeniedException"),
        ),
        kms("2026-11-01T10:00:00Z", "DisableKey", k, "admin", None),
        kms("2026-11-01T10:30:00Z", "DisableKey", k, "admin", None),
        kms("2026-11-01T11:00:00Z", "EnableKey", k, "admin", None),
        kms("2026-11-01T12:00:00Z", "Decrypt", k, "app", None),
        kms("2026-11-01T13:00:00Z", "DisableKey", k, "admin", None),
    ]);
    let times: Vec<&str> = found
        .iter()
        .map(|f| f["event"]["time"].as_str().expect("time"))
        .collect();
    assert_eq!(times, ["2026-11-01T10:00:00Z", "2026-11-01T13:00:00Z"]);
    let first = found[0]["message"].as_str().expect("message");
    assert!(
        first.contains("then disabled it again at 2026-11-01T10:30:00Z"),
        "{first}"
    );
    assert!(!first.contains("mallory"));
    let second = found[1]["message"].as_str().expect("message");
    assert!(
        second.contains("2 successful calls in the 30 days before (the last: Decrypt"),
        "{second}"
    );
}

#[test]
fn a_key_named_by_alias_and_by_id_is_one_key() {
    let arn = "arn:aws:kms:eu-west-1:111122223333:key/k-3";
    let mut alias = kms(
        "2026-11-01T07:00:00Z",
        "CreateAlias",
        "alias/orders",
        "admin",
        None,
    );
    alias["requestParameters"] = json!({"aliasName": "alias/orders", "targetKeyId": "k-3"});
    let dir = tempfile::tempdir().expect("tempdir");
    // In two files, the use before the alias's file in path order: notes merge in any order.
    write_log(
        dir.path(),
        "a.json",
        &[
            kms("2026-11-01T10:00:00Z", "DisableKey", arn, "admin", None),
            kms(
                "2026-11-01T10:01:00Z",
                "Decrypt",
                "alias/orders",
                "app",
                Some("DisabledException"),
            ),
        ],
    );
    write_log(
        dir.path(),
        "b.json",
        &[
            alias,
            kms(
                "2026-11-01T08:00:00Z",
                "Decrypt",
                "alias/orders",
                "app",
                None,
            ),
        ],
    );
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (_, report) = scan(&[&path, "--only", IN_USE]);
    let found = of_rule(&report, IN_USE);
    assert_eq!(found.len(), 1, "{report}");
    let message = found[0]["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("KMS key {arn} (alias/orders)")),
        "{message}"
    );
    assert!(
        message.contains("1 successful call in the 30 days before"),
        "{message}"
    );
    assert!(message.contains("Afterwards 1 call failed"), "{message}");
}

fn upload(
    time: &str,
    who: &str,
    name: &str,
    key: &str,
    applied: Option<&str>,
    error: Option<&str>,
) -> Value {
    let mut r = json!({
        "eventVersion": "1.11",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111122223333:user/{who}")},
        "eventTime": time,
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "requestParameters": {"bucketName": "orders", "key": key},
        "eventID": format!("{name}-{time}-{key}"),
        "eventCategory": "Data",
    });
    if let Some(a) = applied {
        r["additionalEventData"] = json!({"SSEApplied": a});
    }
    if let Some(e) = error {
        r["errorCode"] = json!(e);
    }
    r
}

#[test]
fn uploads_without_sse_kms_are_summarised_per_bucket_and_principal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut records: Vec<Value> = (0..50)
        .map(|i| {
            upload(
                &format!("2026-11-01T10:{:02}:00Z", i),
                "etl",
                "PutObject",
                &format!("in/{i}.csv"),
                Some("Default_SSE_S3"),
                None,
            )
        })
        .collect();
    records.push(upload(
        "2026-11-01T11:00:00Z",
        "etl",
        "CreateMultipartUpload",
        "big.bin",
        Some("SSE_S3"),
        None,
    ));
    records.push(upload(
        "2026-11-01T11:01:00Z",
        "etl",
        "PutObject",
        "k.csv",
        Some("SSE_KMS"),
        None,
    ));
    records.push(upload(
        "2026-11-01T11:02:00Z",
        "etl",
        "PutObject",
        "d.csv",
        Some("Default_SSE_KMS"),
        None,
    ));
    records.push(upload(
        "2026-11-01T11:03:00Z",
        "etl",
        "PutObject",
        "x.csv",
        Some("SSE_S3"),
        Some("AccessDenied"),
    ));
    records.push(upload(
        "2026-11-01T11:04:00Z",
        "etl",
        "PutObject",
        "old.csv",
        None,
        None,
    ));
    records.push(upload(
        "2026-11-01T11:05:00Z",
        "bob",
        "CopyObject",
        "copy.csv",
        Some("SSE_S3"),
        None,
    ));
    write_log(dir.path(), "data.json", &records);
    let path = dir.path().to_str().expect("utf-8").to_owned();
    let (run, report) = scan(&[&path, "--only", UPLOADS]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = of_rule(&report, UPLOADS);
    assert_eq!(found.len(), 2, "one per bucket and principal");
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    let etl = messages
        .iter()
        .find(|m| m.contains("user/etl"))
        .expect("etl");
    assert!(
        etl.contains("wrote 51 objects to bucket orders without SSE-KMS between 2026-11-01T10:00:00Z and 2026-11-01T11:00:00Z"),
        "{etl}"
    );
    assert!(
        etl.contains(
            "SSEApplied: Default_SSE_S3 ×50, SSE_S3 ×1; CreateMultipartUpload ×1, PutObject ×50"
        ),
        "{etl}"
    );
    assert!(etl.contains("for example s3://orders/in/0.csv"), "{etl}");
    let bob = messages
        .iter()
        .find(|m| m.contains("user/bob"))
        .expect("bob");
    assert!(
        bob.contains("wrote 1 object to bucket orders without SSE-KMS at 2026-11-01T11:05:00Z"),
        "{bob}"
    );
    for f in &found {
        assert_eq!(f["event"]["resource"], "arn:aws:s3:::orders");
        assert!(
            f["location"]["pointer"]
                .as_str()
                .expect("pointer")
                .ends_with("/additionalEventData/SSEApplied")
        );
    }
    // Management events only: nothing to summarise.
    let (_, report) = scan(&["samples/lab", "--only", UPLOADS]);
    assert!(of_rule(&report, UPLOADS).is_empty());
}

#[test]
fn many_refusals_are_counted_and_a_few_shown() {
    let k = "k-4";
    let mut records = vec![
        kms("2026-11-01T09:59:10Z", "Decrypt", k, "app", None),
        kms("2026-11-01T09:59:30Z", "DisableKey", k, "admin", None),
        // Accepted while the change took effect: the same minute.
        kms("2026-11-01T09:59:50Z", "Decrypt", k, "app", None),
    ];
    // 130 refusals over three hours, 7 callers; one before the change and one after the
    // re-enable in the same hours do not count.
    records.push(kms(
        "2026-11-01T09:58:00Z",
        "Decrypt",
        k,
        "early",
        Some("DisabledException"),
    ));
    for i in 0..130 {
        let time = format!("2026-11-01T{:02}:{:02}:00Z", 10 + i / 60, i % 60);
        let who = format!("caller{}", i % 7);
        records.push(kms(&time, "Decrypt", k, &who, Some("DisabledException")));
    }
    records.push(kms("2026-11-01T12:10:30Z", "EnableKey", k, "admin", None));
    records.push(kms(
        "2026-11-01T12:11:00Z",
        "Decrypt",
        k,
        "late",
        Some("DisabledException"),
    ));
    let found = incidents_of(&records);
    assert_eq!(found.len(), 1);
    let message = found[0]["message"].as_str().expect("message");
    assert!(
        message.contains("Afterwards 130 calls failed because of it (DisabledException ×130)"),
        "{message}"
    );
    assert!(message.contains("and 2 more callers"), "{message}");
    assert!(
        !message.contains("early") && !message.contains("late"),
        "{message}"
    );
    // Use in the minute of the change, before and after it: the count is a lower bound.
    assert!(
        message.contains("at least 1 successful call in the 30 days before"),
        "{message}"
    );
    let refused = found[0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter(|r| {
            r["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("refused afterwards"))
        })
        .count();
    assert_eq!(refused, 5, "a few examples, not 130 locations");
}

/// `--as-of` judges expiring key material at a given time; a time that does not parse is a
/// usage error.
#[test]
fn as_of_judges_expiring_key_material() {
    let rule = "kms-key-material-expiring";
    let (run, report) = scan(&["samples/lab", "--only", rule, "--as-of", "2026-10-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(of_rule(&report, rule).is_empty());
    for time in ["2026-11-20T14:27:00Z", "2027-06-01"] {
        let (run, report) = scan(&["samples/lab", "--only", rule, "--as-of", time]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let found = of_rule(&report, rule);
        assert_eq!(found.len(), 1, "{time}");
        assert!(
            found[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("alias/lab-imported-key")),
            "{}",
            found[0]
        );
    }
    let run = atrest(&["scan", "samples/lab", "--as-of", "next tuesday"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--as-of"), "{}", run.stderr);
}
