//! Event rules through the binary: the lab's CloudTrail log, real detonation logs, and the
//! text report of a log with thousands of findings.

mod common;

use common::{atrest, corpus};
use serde_json::Value;

const LAB_LOGS: &str = "samples/lab/AWSLogs";

fn findings(run: &common::Run) -> Vec<Value> {
    run.json()["findings"].as_array().expect("findings").clone()
}

fn of_rule<'a>(all: &'a [Value], rule: &str) -> Vec<&'a Value> {
    all.iter().filter(|f| f["rule_id"] == rule).collect()
}

/// The lab's log holds a successful and a refused public share of two snapshots: only the
/// successful one is a finding, and it points at the record of the right snapshot.
#[test]
fn lab_snapshot_share_fires_and_the_refused_one_does_not() {
    let run = atrest(&["scan", LAB_LOGS, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let all = findings(&run);
    let shared = of_rule(&all, "event-ebs-snapshot-shared");
    assert_eq!(shared.len(), 1, "{shared:#?}");
    let message = shared[0]["message"].as_str().expect("message");
    assert!(message.contains("snap-0e24b26a267b2f0b1"), "{message}");
    assert!(
        !run.stdout.contains("snap-0e839d96c9181bce1 with"),
        "the refused share fired"
    );
}

/// Each new rule of the lab's story fires exactly once there, with CloudTrail's event names.
#[test]
fn lab_new_event_rules_fire_once_each() {
    let run = atrest(&["scan", LAB_LOGS, "--format", "json"]);
    let all = findings(&run);
    for (rule, event) in [
        ("event-s3-object-acl-public", "PutObjectAcl"),
        ("event-s3-object-anonymous-request", "GetObject"),
        (
            "event-s3-public-access-block-disabled",
            "PutBucketPublicAccessBlock",
        ),
        (
            "event-s3-public-access-block-deleted",
            "DeleteBucketPublicAccessBlock",
        ),
        ("event-cloudtrail-trail-weakened", "PutEventSelectors"),
    ] {
        let hits = of_rule(&all, rule);
        assert_eq!(hits.len(), 1, "{rule}: {hits:#?}");
        assert!(
            hits[0].to_string().contains(event),
            "{rule} should be about {event}: {}",
            hits[0]
        );
    }
    let weakened = of_rule(&all, "event-cloudtrail-trail-weakened");
    assert!(
        weakened[0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("no longer records or keeps S3 data events.")),
        "{}",
        weakened[0]["message"]
    );
}

/// Real detonation logs (stratus-red-team) trip the rules written for their technique.
#[test]
fn stratus_techniques_trip_their_rules() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("cloudtrail/stratus");
    for (technique, rule) in [
        (
            "aws.exfiltration.ec2-share-ebs-snapshot.json",
            "event-ebs-snapshot-shared",
        ),
        (
            "aws.exfiltration.ec2-share-ami.json",
            "event-ec2-image-shared",
        ),
        (
            "aws.defense-evasion.cloudtrail-event-selectors.json",
            "event-cloudtrail-trail-weakened",
        ),
    ] {
        let path = dir.join(technique);
        let path = path.to_str().expect("utf-8 path");
        let run = atrest(&["scan", path, "--format", "json", "--only", rule]);
        assert_eq!(run.code, 1, "{technique}: {}", run.stderr);
        assert!(
            !findings(&run).is_empty(),
            "{technique} did not trip {rule}"
        );
    }
}

/// A log of 3000 DisableKey calls by five principals from five addresses, and one StopLogging.
fn big_log(dir: &std::path::Path) -> std::path::PathBuf {
    let records: Vec<Value> = (0..3000)
        .map(|i| {
            serde_json::json!({
                "eventVersion": "1.11",
                "eventID": format!("00000000-0000-4000-8000-{i:012}"),
                "eventTime": format!("2026-11-20T{:02}:{:02}:{:02}Z", 10 + i / 3600, (i / 60) % 60, i % 60),
                "eventSource": "kms.amazonaws.com",
                "eventName": "DisableKey",
                "awsRegion": "us-east-1",
                // principal k makes 1000, 800, 600, 400, 200 of the calls (k = 0..4)
                "sourceIPAddress": format!("198.51.100.{}", principal(i)),
                "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::123456789012:user/u{}", principal(i))},
                "requestParameters": {"keyId": format!("arn:aws:kms:us-east-1:123456789012:key/k-{i}")},
                "recipientAccountId": "123456789012"
            })
        })
        .chain(std::iter::once(serde_json::json!({
            "eventVersion": "1.11", "eventID": "stop-1", "eventTime": "2026-11-20T09:00:00Z",
            "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
            "userIdentity": {"type": "Root", "accountId": "123456789012"},
            "requestParameters": {"name": "t1"}
        })))
        .collect();
    let path = dir.join("big.json");
    std::fs::write(&path, serde_json::json!({"Records": records}).to_string()).expect("write");
    path
}

fn principal(i: usize) -> usize {
    match i % 15 {
        0..=4 => 0,
        5..=8 => 1,
        9..=11 => 2,
        12..=13 => 3,
        _ => 4,
    }
}

#[test]
fn text_groups_event_findings_per_rule_and_ends_with_a_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = big_log(dir.path());
    let log = log.to_str().expect("utf-8");
    let run = atrest(&["scan", log]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("event-kms-key-disabled (high): KMS key disabled — 3000 events, first 2026-11-20T10:00:00Z, last 2026-11-20T10:49:59Z\n"),
        "{}",
        &out[..out.len().min(3000)]
    );
    assert!(
        out.contains("  principals: arn:aws:iam::123456789012:user/u0 (1000), arn:aws:iam::123456789012:user/u1 (800), arn:aws:iam::123456789012:user/u2 (600), and 2 more\n"),
        "{out}"
    );
    assert!(
        out.contains("  source IPs: 198.51.100.0 (1000), 198.51.100.1 (800), 198.51.100.2 (600), and 2 more\n"),
        "{out}"
    );
    assert!(
        out.contains("  3 examples of 3000 below (every one with --verbose)\n"),
        "{out}"
    );
    // Three examples in full (the earliest), each with its snippet.
    assert_eq!(out.matches("× DisableKey on").count(), 3, "{out}");
    assert!(out.contains(
        "× DisableKey on arn:aws:kms:us-east-1:123456789012:key/k-0 at 2026-11-20T10:00:00Z"
    ));
    assert!(out.contains(
        "× DisableKey on arn:aws:kms:us-east-1:123456789012:key/k-2 at 2026-11-20T10:00:02Z"
    ));
    assert_eq!(
        out.matches("╭─[").count(),
        4,
        "a snippet per example and for StopLogging"
    );
    // A principal without an ARN is named by its type and account.
    assert!(
        out.contains("event-cloudtrail-logging-stopped (high): CloudTrail logging stopped or trail deleted — 1 event at 2026-11-20T09:00:00Z\n  principals: Root 123456789012 (1)\n  source IPs: (unknown) (1)\n"),
        "{out}"
    );
    // The table of findings per rule and severity, then the summary line.
    let table = out.rsplit_once("rule ").map(|(_, t)| t).expect("a table");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["event-cloudtrail-logging-stopped", "high", "1"],
            vec!["event-kms-key-disabled", "high", "3000"],
            vec!["total", "3001"],
        ]
    );
    assert!(
        out.ends_with(
            "3001 findings (3001 high) in 1 files: 0 resources, 3001 CloudTrail events\n"
        ),
        "{}",
        &out[out.len() - 300..]
    );
}

#[test]
fn verbose_lists_every_event_finding_and_json_sarif_keep_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = big_log(dir.path());
    let log = log.to_str().expect("utf-8");
    let verbose = atrest(&["scan", log, "--verbose"]);
    assert_eq!(verbose.code, 1, "{}", verbose.stderr);
    assert_eq!(verbose.stdout.matches("× DisableKey on").count(), 3000);
    assert!(
        !verbose.stdout.contains("examples of"),
        "no grouping with --verbose"
    );
    assert!(
        verbose.stdout.contains("total"),
        "the table ends the verbose report too"
    );
    let json = atrest(&["scan", log, "--format", "json"]);
    assert_eq!(findings(&json).len(), 3001);
    let sarif = atrest(&["scan", log, "--format", "sarif"]);
    let results = sarif.json()["runs"][0]["results"]
        .as_array()
        .expect("results")
        .len();
    assert_eq!(results, 3001);
}

/// The lab's refused PutKeyPolicy (KMS's lockout check) is no finding; the same record with
/// its error removed is one, so it is the error that keeps it out.
#[test]
fn lab_refused_key_policy_is_not_a_finding_but_would_be_one() {
    let lab = atrest(&["scan", LAB_LOGS, "--format", "json"]);
    assert!(of_rule(&findings(&lab), "event-kms-key-policy-opened").is_empty());

    let file = "samples/lab/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1410Z_n7HSXmFoErOao3dZ.json.gz";
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(
            std::fs::File::open(common::root().join(file)).expect("lab log"),
        ),
        &mut text,
    )
    .expect("gzip");
    let log: Value = serde_json::from_str(&text).expect("json");
    let mut refused = log["Records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["eventName"] == "PutKeyPolicy")
        .expect("the lab's PutKeyPolicy")
        .clone();
    assert_eq!(refused["errorCode"], "MalformedPolicyDocumentException");
    let record = refused.as_object_mut().expect("object");
    record.remove("errorCode");
    record.remove("errorMessage");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("accepted.json");
    std::fs::write(&path, serde_json::json!({"Records": [refused]}).to_string()).expect("write");
    let run = atrest(&["scan", path.to_str().expect("utf-8"), "--format", "json"]);
    let hits = findings(&run);
    let opened = of_rule(&hits, "event-kms-key-policy-opened");
    assert_eq!(opened.len(), 1, "{hits:#?}");
    assert!(
        opened[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("opening it to 210987654321")),
        "{}",
        opened[0]["message"]
    );
}
