//! Event rules through the binary: the lab's CloudTrail log, real detonation logs, and the
//! text report of a log with thousands of findings.

mod common;

use common::{atrest, corpus};
use serde_json::Value;

const LAB_LOGS: &str = "samples/lab/AWSLogs";

fn findings(run: &common::Run) -> Vec<Value> {
    run.json()["findings"]
        .as_array()
        .expect("findings")
        .clone()
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
    assert!(!run.stdout.contains("snap-0e839d96c9181bce1 with"), "the refused share fired");
}

/// Each new rule of the lab's story fires exactly once there, with CloudTrail's event names.
#[test]
fn lab_new_event_rules_fire_once_each() {
    let run = atrest(&["scan", LAB_LOGS, "--format", "json"]);
    let all = findings(&run);
    for (rule, event) in [
        ("event-s3-object-acl-public", "PutObjectAcl"),
        ("event-s3-object-anonymous-request", "GetObject"),
        ("event-s3-public-access-block-disabled", "PutBucketPublicAccessBlock"),
        ("event-s3-public-access-block-deleted", "DeleteBucketPublicAccessBlock"),
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
        ("aws.exfiltration.ec2-share-ebs-snapshot.json", "event-ebs-snapshot-shared"),
        ("aws.exfiltration.ec2-share-ami.json", "event-ec2-image-shared"),
        ("aws.defense-evasion.cloudtrail-event-selectors.json", "event-cloudtrail-trail-weakened"),
    ] {
        let path = dir.join(technique);
        let path = path.to_str().expect("utf-8 path");
        let run = atrest(&["scan", path, "--format", "json", "--only", rule]);
        assert_eq!(run.code, 1, "{technique}: {}", run.stderr);
        assert!(!findings(&run).is_empty(), "{technique} did not trip {rule}");
    }
}
