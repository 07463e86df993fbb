//! RDS exports through the real binary: wrong shapes named at their member, error files that
//! are answers or failures, what the lab's RDS resources give, and how a DB cluster's member
//! instances are judged with and without their cluster.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, atrest, copy_tree, root};
use serde_json::{Value, json};

const LAB: &str = "samples/lab";
const RDS: &str = "123456789012/us-east-1/rds";

fn lab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    dir
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

fn read(dir: &Path, rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(rel)).expect("read")).expect("json")
}

fn scan_json(path: &Path) -> (Run, Value) {
    let run = atrest(&["scan", &path.to_string_lossy(), "--format", "json"]);
    let report = run.json();
    (run, report)
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn subjects(report: &Value, rule: &str) -> Vec<String> {
    let mut arns: Vec<String> = findings(report, rule)
        .iter()
        .filter_map(|f| f["resource"]["arn"].as_str().map(str::to_owned))
        .collect();
    arns.sort();
    arns
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:rds:us-east-1:123456789012:{kind}:{name}")
}

#[test]
fn the_lab_gives_each_rds_rule_once() {
    let report = atrest(&["scan", LAB, "--format", "json"]).json();
    let expected = [
        ("rds-instance-unencrypted", arn("db", "lab-legacy-mysql")),
        ("rds-instance-aws-managed-key", arn("db", "lab-reports-db")),
        ("rds-instance-key-unusable", arn("db", "lab-archive-db")),
        ("rds-cluster-unencrypted", arn("cluster", "lab-events")),
        ("rds-cluster-aws-managed-key", arn("cluster", "lab-aurora")),
        ("rds-cluster-key-unusable", arn("cluster", "lab-analytics")),
        (
            "rds-snapshot-unencrypted",
            arn("snapshot", "lab-legacy-mysql-export"),
        ),
        (
            "rds-snapshot-public",
            arn("snapshot", "lab-legacy-mysql-export"),
        ),
        ("rds-snapshot-shared", arn("snapshot", "lab-app-db-share")),
        (
            "rds-snapshot-key-unusable",
            arn("snapshot", "lab-app-db-before-upgrade"),
        ),
        (
            "rds-cluster-snapshot-unencrypted",
            arn("cluster-snapshot", "lab-events-export"),
        ),
        (
            "rds-cluster-snapshot-public",
            arn("cluster-snapshot", "lab-events-export"),
        ),
        (
            "rds-cluster-snapshot-shared",
            arn("cluster-snapshot", "lab-aurora-dr-copy"),
        ),
        (
            "rds-cluster-snapshot-key-unusable",
            arn("cluster-snapshot", "lab-analytics-final"),
        ),
    ];
    for (rule, subject) in &expected {
        assert_eq!(
            subjects(&report, rule),
            std::slice::from_ref(subject),
            "{rule}"
        );
    }
    // The shared snapshot's finding says who it is shared with, and points at the list.
    let shared = findings(&report, "rds-snapshot-shared")[0];
    assert!(
        shared["message"]
            .as_str()
            .is_some_and(|m| m.contains("shared with AWS accounts 210987654321")),
        "{shared}"
    );
    assert!(
        shared["location"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("describe-db-snapshot-attributes--lab-app-db-share.json")),
        "{shared}"
    );
    assert_eq!(
        shared["location"]["pointer"],
        "/DBSnapshotAttributesResult/DBSnapshotAttributes/0/AttributeValues"
    );
}

#[test]
fn wrong_rds_shapes_are_input_errors_naming_the_member() {
    let cases = [
        (
            "describe-db-instances.json",
            "{\"DBInstances\": [{\"DBInstanceIdentifier\": \"db-1\", \"StorageEncrypted\": \"no\"}]}",
            "`/DBInstances/0/StorageEncrypted` is a string, expected a boolean",
            (1, 51),
        ),
        (
            "describe-db-clusters.json",
            "{\n    \"DBClusters\": [\n        {\"StorageEncrypted\": false}\n    ]\n}\n",
            "`/DBClusters/0/DBClusterIdentifier` is missing",
            (3, 9),
        ),
        (
            "describe-db-snapshot-attributes--lab-app-db-share.json",
            "{\"DBSnapshotAttributesResult\": {\"DBSnapshotAttributes\": [{\"AttributeName\": \"restore\", \"AttributeValues\": \"all\"}]}}",
            "`/DBSnapshotAttributesResult/DBSnapshotAttributes/0/AttributeValues` is a string, expected a list",
            (1, 87),
        ),
        (
            "describe-db-cluster-snapshots.json",
            "[]",
            "the output is a list, not a JSON object",
            (1, 1),
        ),
    ];
    for (file, text, expected, (line, column)) in cases {
        let dir = lab_copy();
        write(dir.path(), &format!("{RDS}/{file}"), text);
        let (run, report) = scan_json(dir.path());
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        let d = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| {
                d["path"].as_str().is_some_and(|p| p.ends_with(file))
                    && d["message"].as_str().is_some_and(|m| m.contains(expected))
            })
            .unwrap_or_else(|| panic!("{file}: no `{expected}` in {}", run.stderr));
        assert_eq!(d["level"], "error");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(line), Some(column)),
            "{file}"
        );
    }
}

#[test]
fn snapshot_not_found_is_an_answer_access_denied_is_not() {
    let dir = lab_copy();
    let stem = format!("{RDS}/describe-db-snapshot-attributes--lab-app-db-share");
    std::fs::remove_file(dir.path().join(format!("{stem}.json"))).expect("rm");
    write(
        dir.path(),
        &format!("{stem}.error.json"),
        "{\"exit_code\": 254, \"error_code\": \"DBSnapshotNotFound\", \"stderr\": \"\\nAn error occurred (DBSnapshotNotFound) when calling the DescribeDBSnapshotAttributes operation: DBSnapshot lab-app-db-share not found.\\n\"}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(report["summary"]["errors"], 0);
    // Its sharing is unknown now: no finding either way.
    assert!(subjects(&report, "rds-snapshot-shared").is_empty());

    let stem = format!("{RDS}/describe-db-cluster-snapshot-attributes--lab-aurora-dr-copy");
    std::fs::remove_file(dir.path().join(format!("{stem}.json"))).expect("rm");
    write(
        dir.path(),
        &format!("{stem}.error.json"),
        "{\"exit_code\": 254, \"error_code\": \"AccessDenied\", \"stderr\": \"\\nAn error occurred (AccessDenied) when calling the DescribeDBClusterSnapshotAttributes operation: not authorized\\n\"}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the call `rds describe-db-cluster-snapshot-attributes` failed with AccessDenied"
        ),
        "{}",
        run.stderr
    );
    assert!(subjects(&report, "rds-cluster-snapshot-shared").is_empty());
}

#[test]
fn cluster_members_are_judged_by_their_cluster_unless_it_was_not_exported() {
    let dir = lab_copy();
    let (_, report) = scan_json(dir.path());
    assert_eq!(
        subjects(&report, "rds-instance-unencrypted"),
        [arn("db", "lab-legacy-mysql")],
        "lab-events-instance-1 is unencrypted, but rds-cluster-unencrypted reports its cluster"
    );
    assert_eq!(
        subjects(&report, "rds-instance-aws-managed-key"),
        [arn("db", "lab-reports-db")]
    );
    // Without describe-db-clusters, the instances are all there is to judge.
    std::fs::remove_file(dir.path().join(format!("{RDS}/describe-db-clusters.json"))).expect("rm");
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        subjects(&report, "rds-instance-unencrypted"),
        [
            arn("db", "lab-events-instance-1"),
            arn("db", "lab-legacy-mysql")
        ]
    );
    assert_eq!(
        subjects(&report, "rds-instance-aws-managed-key"),
        [
            arn("db", "lab-aurora-instance-1"),
            arn("db", "lab-reports-db")
        ]
    );
    assert!(subjects(&report, "rds-cluster-unencrypted").is_empty());
}

#[test]
fn an_instance_on_an_aws_owned_key_is_reported_with_its_key_kind() {
    let dir = lab_copy();
    let file = format!("{RDS}/describe-db-instances.json");
    let mut doc = read(dir.path(), &file);
    let instances = doc["DBInstances"].as_array_mut().expect("instances");
    let legacy = instances
        .iter_mut()
        .find(|i| i["DBInstanceIdentifier"] == "lab-legacy-mysql")
        .expect("lab-legacy-mysql");
    legacy["StorageEncrypted"] = json!(true);
    legacy["StorageEncryptionType"] = json!("sse-rds");
    write(dir.path(), &file, &doc.to_string());
    let (_, report) = scan_json(dir.path());
    assert!(subjects(&report, "rds-instance-unencrypted").is_empty());
    let owned: Vec<&Value> = findings(&report, "rds-instance-aws-managed-key")
        .into_iter()
        .filter(|f| f["resource"]["arn"] == arn("db", "lab-legacy-mysql").as_str())
        .collect();
    assert_eq!(owned.len(), 1);
    let message = owned[0]["message"].as_str().expect("message");
    assert!(
        message.contains("key kind aws_owned, key an AWS owned key (sse-rds)"),
        "{message}"
    );
    assert_eq!(
        owned[0]["location"]["pointer"],
        "/DBInstances/1/StorageEncryptionType"
    );
}
