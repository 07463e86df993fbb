//! S3 replication through the real binary: the lab's planted replication, replica keys in the
//! wrong region or gone, a wrongly shaped file, and replication not exported.

mod common;

use std::path::Path;

use common::{Run, atrest, copy_tree, root};
use serde_json::{Value, json};

const LAB: &str = "samples/lab";
const S3: &str = "123456789012/us-east-1/s3";
const IMAGE: &str = "imagebucket-4172093";
const RULES: [&str; 5] = [
    "s3-bucket-replication-skips-kms-objects",
    "s3-bucket-replication-no-replica-key",
    "s3-bucket-replication-replica-key-unusable",
    "s3-bucket-replication-replica-key-wrong-region",
    "s3-bucket-replication-drops-encryption",
];

fn lab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    dir
}

fn scan(path: &Path) -> (Run, Value) {
    let run = atrest(&[
        "scan",
        &path.to_string_lossy(),
        "--format",
        "json",
        "--as-of",
        "2026-11-20T15:00:00Z",
    ]);
    let report = run.json();
    (run, report)
}

fn messages(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn bucket(dir: &Path, name: &str) -> Value {
    let run = atrest(&["inventory", &dir.to_string_lossy(), "--kind", "s3_bucket"]);
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|r| r["arn"] == format!("arn:aws:s3:::{name}"))
        .unwrap_or_else(|| panic!("no bucket {name}"))
}

#[test]
fn the_lab_replication_is_judged_rule_by_rule() {
    let (_, report) = scan(&root().join(LAB));
    let skips = messages(&report, RULES[0]);
    assert_eq!(skips.len(), 1, "{skips:?}");
    assert!(skips[0].contains(IMAGE) && skips[0].contains("rule replicate-to-eu"));
    assert!(skips[0].contains("role arn:aws:iam::123456789012:role/lab-s3-replication"));
    // The eu-west-1 replica of the multi-Region key is Disabled, its us-east-1 primary
    // Enabled: the replica is the key S3 uses, judged on its own.
    let unusable = messages(&report, RULES[2]);
    assert_eq!(unusable.len(), 1, "{unusable:?}");
    assert!(unusable[0].contains("rule replicate-images-kms"));
    assert!(unusable[0].contains(
        "arn:aws:kms:eu-west-1:123456789012:key/mrk-8d2f41c07b5e4a9c93e6f1a2b4c7d905, which is Disabled"
    ));
    let drops = messages(&report, RULES[4]);
    assert_eq!(drops.len(), 1, "{drops:?}");
    assert!(drops[0].contains("lab-replica-eu-2290461, whose default encryption is AES256"));
    assert!(messages(&report, RULES[1]).is_empty());
    assert!(messages(&report, RULES[3]).is_empty());

    // `ReplicationConfigurationNotFoundError`: known to replicate nothing.
    let shared = bucket(&root().join(LAB), "lab-shared-data-2290461");
    assert_eq!(shared["data"]["ReplicationRules"], json!([]));
    let image = bucket(&root().join(LAB), IMAGE);
    assert_eq!(
        image["data"]["ReplicationRules"][0]["DestinationRegion"],
        "eu-west-1"
    );
}

#[test]
fn replica_keys_in_the_wrong_region_gone_or_absent() {
    let dir = lab_copy();
    let rule = |id: &str, key: Option<&str>| {
        let mut dest = json!({"Bucket": "arn:aws:s3:::lab-replica-eu-2290461"});
        if let Some(key) = key {
            dest["EncryptionConfiguration"] = json!({"ReplicaKmsKeyID": key});
        }
        json!({
            "ID": id,
            "Status": "Enabled",
            "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
            "Destination": dest,
        })
    };
    let config = json!({"ReplicationConfiguration": {
        "Role": "arn:aws:iam::123456789012:role/r",
        "Rules": [
            // alias/MyKMSKey, Enabled, in us-east-1: the destination is in eu-west-1.
            rule("source-region", Some("arn:aws:kms:us-east-1:123456789012:key/62f746b4-84e6-4ceb-95bd-447e7184d454")),
            // eu-west-1 was exported and holds no such key.
            rule("gone", Some("arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000")),
            rule("no-key", None),
            // Another account's key: not judged.
            rule("external", Some("arn:aws:kms:eu-west-1:444455556666:key/11111111-1111-1111-1111-111111111111")),
        ],
    }});
    std::fs::write(
        dir.path()
            .join(S3)
            .join(format!("get-bucket-replication--{IMAGE}.json")),
        serde_json::to_string_pretty(&config).expect("json"),
    )
    .expect("write");
    let (_, report) = scan(dir.path());
    let wrong = messages(&report, RULES[3]);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert!(wrong[0].contains("rule source-region"), "{wrong:?}");
    assert!(wrong[0].contains("(eu-west-1) with KMS key arn:aws:kms:us-east-1:"));
    assert!(wrong[0].contains("of region us-east-1"));
    let unusable = messages(&report, RULES[2]);
    assert_eq!(unusable.len(), 1, "{unusable:?}");
    assert!(unusable[0].contains("rule gone") && unusable[0].contains("which is missing"));
    assert!(!unusable[0].contains("external") && !unusable[0].contains("source-region"));
    let no_key = messages(&report, RULES[1]);
    assert_eq!(no_key.len(), 1, "{no_key:?}");
    assert!(no_key[0].contains("rule no-key"), "{no_key:?}");
    // Every rule opts in to SSE-KMS objects; those with a replica key do not drop encryption,
    // and `no-key` fails instead of replicating.
    assert!(messages(&report, RULES[0]).is_empty());
    let drops = messages(&report, RULES[4]);
    assert!(
        drops.len() == 1 && drops[0].contains("rule no-key"),
        "{drops:?}"
    );
}

#[test]
fn a_wrongly_shaped_replication_file_is_an_input_error() {
    let dir = lab_copy();
    std::fs::write(
        dir.path()
            .join(S3)
            .join(format!("get-bucket-replication--{IMAGE}.json")),
        "{\"ReplicationConfiguration\": {\"Role\": \"r\", \"Rules\": 5}}",
    )
    .expect("write");
    let (run, report) = scan(dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    let d: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(&format!("get-bucket-replication--{IMAGE}.json")))
        })
        .collect();
    assert!(
        d.iter().any(|d| d["level"] == "error"
            && d["line"] == 1
            && d["message"]
                .as_str()
                .is_some_and(|m| m
                    .contains("`/ReplicationConfiguration/Rules` is a number, expected a list"))),
        "{d:#?}"
    );
    for rule in RULES {
        assert!(messages(&report, rule).is_empty(), "{rule}");
    }
}

#[test]
fn replication_not_exported_fires_nothing() {
    let dir = lab_copy();
    for e in std::fs::read_dir(dir.path().join(S3)).expect("s3") {
        let path = e.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("get-bucket-replication--"))
        {
            std::fs::remove_file(path).expect("rm");
        }
    }
    let (run, report) = scan(dir.path());
    assert_ne!(run.code, 2, "{}", run.stderr);
    for rule in RULES {
        assert!(messages(&report, rule).is_empty(), "{rule}");
    }
    assert_eq!(
        bucket(dir.path(), IMAGE)["data"].get("ReplicationRules"),
        None
    );
}
