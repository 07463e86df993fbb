//! CloudTrail logs at scale through the real binary: event filters, pruning delivery files by
//! their place, records read head first.

mod common;

use common::{atrest, root};
use serde_json::{Value, json};

const LAB: &str = "samples/lab";

fn scan(args: &[&str]) -> Value {
    let mut all = vec!["scan", LAB, "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let run = atrest(&all);
    assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
    run.json()
}

fn event_findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["event"].is_object())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_owned(),
                f["event"]["name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn event_filters_select_records() {
    let all = scan(&[]);
    let total = all["summary"]["events"].as_u64().expect("events");
    assert!(total > 10);
    let only = scan(&["--event-name", "DisableKey"]);
    let found = event_findings(&only);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(_, name)| name == "DisableKey"),
        "{found:?}"
    );
    assert!(only["summary"]["events"].as_u64().expect("events") < total);
    // Resource findings are not events: the filters leave them alone.
    let resources = |r: &Value| {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["resource"].is_object())
            .count()
    };
    assert_eq!(resources(&only), resources(&all));
    let kms = scan(&["--event-source", "kms.amazonaws.com"]);
    assert!(
        event_findings(&kms)
            .iter()
            .all(|(rule, _)| rule.starts_with("event-kms")),
        "{:?}",
        event_findings(&kms)
    );
    assert_eq!(scan(&["--account", "210987654321"])["summary"]["events"], 0);
}

#[test]
fn delivery_files_outside_the_filters_are_not_opened() {
    let all = scan(&[]);
    let files = all["summary"]["files"].as_u64().expect("files");
    // The lab's logs were delivered on 2026-11-20 in us-east-1.
    let later = scan(&["--since", "2026-11-25"]);
    assert_eq!(later["summary"]["events"], 0);
    assert_eq!(later["summary"]["files"].as_u64(), Some(files - 2));
    let elsewhere = scan(&["--region", "eu-west-1"]);
    assert_eq!(elsewhere["summary"]["files"].as_u64(), Some(files - 2));
    let within = scan(&["--since", "2026-11-20T00:00:00Z", "--until", "2026-11-21"]);
    assert_eq!(within["summary"]["events"], all["summary"]["events"]);
    let bad = atrest(&["scan", LAB, "--since", "last tuesday"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("is not a time"), "{}", bad.stderr);
}

#[test]
fn a_log_that_the_filters_empty_is_not_a_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir
        .path()
        .join("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20");
    std::fs::create_dir_all(&logs).expect("mkdir");
    std::fs::copy(
        root().join("samples/lab/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1405Z_GefHkzgehUzvpVvh.json.gz"),
        logs.join("123456789012_CloudTrail_us-east-1_20261120T1405Z_x.json.gz"),
    )
    .expect("copy");
    let run = atrest(&[
        "scan",
        &dir.path().to_string_lossy(),
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the event filters leave none"),
        "{}",
        run.stderr
    );
}

/// A record is parsed only when a rule reads its call, and for the fields its rules read:
/// one nested past the parser's depth limit is counted and left alone when no rule reads
/// it, reported when the nesting is in a field a rule reads, and found (without an error)
/// when the nesting is in a field none reads.
#[test]
fn records_no_rule_reads_are_counted_not_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut nested = json!(1);
    for _ in 0..300 {
        nested = json!([nested]);
    }
    let record = |name: &str, key: serde_json::Value| {
        let source = if name == "DisableKey" {
            "kms.amazonaws.com"
        } else {
            "sts.amazonaws.com"
        };
        json!({
            "eventVersion": "1.08", "eventSource": source, "eventName": name,
            "eventTime": "2026-11-20T14:00:00Z", "eventID": format!("e-{name}"),
            "awsRegion": "us-east-1", "userIdentity": {"type": "Root"},
            "requestParameters": {"keyId": key, "x": nested.clone()}
        })
    };
    let log = |file: &str, record: serde_json::Value| {
        let path = dir.path().join(format!("{file}.json"));
        std::fs::write(&path, json!({"Records": [record]}).to_string()).expect("write");
        path.to_string_lossy().into_owned()
    };
    // No rule or analysis reads STS's GetCallerIdentity.
    let unread = log("unread", record("GetCallerIdentity", json!("k")));
    let run = atrest(&["scan", &unread, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["events"], 1);
    // The rules on DisableKey read `requestParameters.keyId`, not `x`.
    let aside = log("aside", record("DisableKey", json!("k")));
    let run = atrest(&["scan", &aside, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        findings.iter().any(|f| f["event"]["id"] == "e-DisableKey"),
        "{findings:?}"
    );
    let read = log("read", record("DisableKey", nested.clone()));
    let run = atrest(&["scan", &read, "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("recursion limit exceeded"),
        "{}",
        run.stderr
    );
}

/// A value of `Records` that is an array has no head (serde would read a struct from it):
/// it is reported, never counted as an event, whether or not a rule reads its call.
#[test]
fn records_that_are_arrays_are_not_events_read_head_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.json");
    let record = json!({"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity", "eventTime": "2026-11-20T14:00:00Z"});
    let doc = json!({"Records": [record, ["sts.amazonaws.com", "GetCallerIdentity"], 5]});
    std::fs::write(&path, doc.to_string()).expect("write");
    let run = atrest(&["scan", &path.to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["summary"]["events"], 1);
    assert!(
        run.stderr
            .contains("2 records of this CloudTrail log are not JSON objects"),
        "{}",
        run.stderr
    );
}
