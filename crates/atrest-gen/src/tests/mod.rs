//! Tests of the whole generator: determinism, the shape of every file, and the oracle's
//! counts against a hand count and against an independent count from the files alone.

mod logs;
mod recount;
mod recount_rds;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::{RULES, Spec, UNPLANTED, generate};
use recount::recount;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("atrest-generate-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file under `root`, by relative path, with its bytes.
fn tree(root: &Path) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path
                    .strip_prefix(root)
                    .map_err(io::Error::other)?
                    .to_owned();
                out.push((rel, fs::read(&path)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    out.sort();
    Ok(out)
}

fn small(seed: u64) -> Spec {
    Spec {
        accounts: 3,
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        buckets: 150,
        keys: 60,
        volumes: 240,
        snapshots: 90,
        instances: 30,
        file_systems: 24,
        secrets: 36,
        parameters: 60,
        tables: 24,
        queues: 30,
        topics: 24,
        db_instances: 30,
        db_clusters: 12,
        db_snapshots: 24,
        db_cluster_snapshots: 12,
        seed,
    }
}

#[test]
fn same_spec_same_bytes() -> io::Result<()> {
    let (a, b, c) = (TempDir::new("a"), TempDir::new("b"), TempDir::new("c"));
    let first = generate(&small(7), &a.0)?;
    let second = generate(&small(7), &b.0)?;
    assert_eq!(first, second);
    let (ta, tb) = (tree(&a.0)?, tree(&b.0)?);
    assert_eq!(ta.len(), first.files);
    assert_eq!(
        ta.iter().map(|(_, b)| b.len() as u64).sum::<u64>(),
        first.bytes
    );
    assert!(ta == tb, "two runs of one spec differ");
    generate(&small(8), &c.0)?;
    assert!(tree(&c.0)? != ta, "another seed gives the same tree");
    // A non-empty output directory is refused.
    assert!(generate(&small(7), &a.0).is_err());
    Ok(())
}

#[test]
fn every_file_is_cli_json() -> io::Result<()> {
    let dir = TempDir::new("json");
    let summary = generate(&small(11), &dir.0)?;
    let files = tree(&dir.0)?;
    assert_eq!(files.len(), summary.files);
    for (path, bytes) in &files {
        let name = path.to_string_lossy();
        if bytes.is_empty() {
            assert!(name.contains("get-bucket-versioning--"), "{name} is empty");
            continue;
        }
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| io::Error::other(format!("{name}: {e}")))?;
        assert!(value.is_object(), "{name}");
        assert!(
            bytes.starts_with(b"{\n    \"") && bytes.ends_with(b"}\n"),
            "{name}"
        );
        if name.ends_with(".error.json") {
            let keys: Vec<&String> = value
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
                .collect();
            assert_eq!(keys.len(), 3, "{name}");
        }
    }
    // The policies inside are JSON too.
    for (path, bytes) in &files {
        let name = path.to_string_lossy();
        if (name.contains("get-key-policy--") || name.contains("get-bucket-policy--"))
            && !name.ends_with(".error.json")
        {
            let v: Value = serde_json::from_slice(bytes).map_err(io::Error::other)?;
            let text = v["Policy"].as_str().unwrap_or_default();
            let doc: Value = serde_json::from_str(text).map_err(io::Error::other)?;
            assert!(doc["Statement"].is_array(), "{name}");
        }
    }
    Ok(())
}

/// A spec small enough to count by hand: its files were read one by one (one account, no
/// account-wide public access block, region eu-west-1 with EBS encryption by default on).
///
/// * buckets: 00015 has no default encryption; 00018 (the trail's) only denies insecure
///   transport; 00002 grants `AllUsers` `READ`, is `ObjectWriter` and has no public access
///   block; 00006 allows `s3:GetObject` to `{"AWS": "*"}` with all four blocks off. The
///   other buckets are SSE-KMS with a bucket key on enabled keys (by ARN, alias ARN, id or
///   `aws/s3`), both denials, all four blocks, `BucketOwnerEnforced`.
/// * replication: 00001 and 00003 (SSE-KMS) replicate to 00015 by a rule that leaves SSE-KMS
///   objects out (each skips them and drops encryption); 00019's second rule replicates
///   SSE-KMS objects without a replica key; 00006's first rule uses the pending-deletion
///   `…f05cdf851bba` as replica key; 00012 and the other rules replicate to buckets of
///   another account with enabled replica keys. One region: no key is in the wrong one.
/// * keys: `…4e6d7b25397e` is enabled with rotation off; `…4f22f188e9f9` and `…f7e3808b9bae`
///   are disabled; `…f05cdf851bba` is pending deletion and grants its administrators `kms:*`.
/// * volumes: `vol-0aa4…` is unencrypted, `vol-02c6…` and `vol-03d9…` use `aws/ebs`,
///   `vol-0902…` uses the disabled `…4f22f188e9f9`.
/// * snapshots `snap-0af7…` and `snap-08e1…` (of `vol-0aa4…`) are unencrypted, the second is
///   shared with `all`.
/// * the trail has no KMS key, no log file validation and management events only.
/// * RDS: cluster `aurora-sessions-001` is on `aws/rds` (its member instance too, which the
///   cluster's finding covers); `aurora-catalog-000-snap-0000` is shared with `769988756857`.
///   The standalone instances, the other cluster, the DB snapshots and the other cluster
///   snapshots (one manual on `aws/rds`, one automated) are on enabled keys and not shared.
///
/// Changing what the PRNG draws changes this output: count again by hand.
#[test]
fn counts_match_a_hand_count() -> io::Result<()> {
    let dir = TempDir::new("hand");
    let spec = Spec {
        accounts: 1,
        regions: vec!["eu-west-1".into()],
        buckets: 20,
        keys: 10,
        volumes: 12,
        snapshots: 6,
        instances: 3,
        file_systems: 0,
        secrets: 0,
        parameters: 0,
        tables: 0,
        queues: 0,
        topics: 0,
        db_instances: 5,
        db_clusters: 2,
        db_snapshots: 4,
        db_cluster_snapshots: 3,
        seed: 49,
    };
    let summary = generate(&spec, &dir.0)?;
    let fired: Vec<(&str, usize)> = summary
        .expected
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(r, n)| (*r, *n))
        .collect();
    assert_eq!(
        fired,
        vec![
            ("cloudtrail-trail-log-validation-off", 1),
            ("cloudtrail-trail-no-s3-data-events", 1),
            ("cloudtrail-trail-not-kms-encrypted", 1),
            ("ebs-snapshot-public", 1),
            ("ebs-snapshot-unencrypted", 2),
            ("ebs-volume-aws-managed-key", 2),
            ("ebs-volume-key-unusable", 1),
            ("ebs-volume-unencrypted", 1),
            ("kms-key-admins-can-use", 1),
            ("kms-key-disabled", 2),
            ("kms-key-pending-deletion", 1),
            ("kms-key-rotation-disabled", 1),
            ("kms-key-rotation-period-long", 1),
            ("rds-cluster-aws-managed-key", 1),
            ("rds-cluster-snapshot-shared", 1),
            ("rds-cluster-snapshot-shared-key-not-shared", 1),
            ("s3-bucket-acl-public", 1),
            ("s3-bucket-acls-enabled", 1),
            ("s3-bucket-default-encryption-not-kms", 1),
            ("s3-bucket-policy-allows-unencrypted-uploads", 1),
            ("s3-bucket-policy-public", 1),
            ("s3-bucket-public-access-block-off", 2),
            ("s3-bucket-replication-drops-encryption", 2),
            ("s3-bucket-replication-no-replica-key", 1),
            ("s3-bucket-replication-replica-key-unusable", 1),
            ("s3-bucket-replication-skips-kms-objects", 2),
        ]
    );
    // Exactly the rules of RULES: a rule the oracle counts but does not list would add a key.
    let counted: Vec<&str> = summary.expected.keys().copied().collect();
    let mut listed = RULES.to_vec();
    listed.sort_unstable();
    assert_eq!(counted, listed);
    assert_eq!(
        summary.resources,
        20 + 10 + 4 + 12 + 6 + 1 + 3 + 5 + 2 + 4 + 3 + 1
    );
    Ok(())
}

#[test]
fn counts_match_the_files() -> io::Result<()> {
    for (name, spec) in [
        ("recount-a", small(3)),
        (
            "recount-b",
            Spec {
                accounts: 8,
                regions: vec![
                    "us-east-1".into(),
                    "eu-west-1".into(),
                    "ap-southeast-2".into(),
                ],
                // Topics are 2 % of the split: enough of them for each topic rule to fire.
                topics: 120,
                // EBS as at 70% of 2000, and enough RDS resources for every RDS rule.
                volumes: 1400,
                db_instances: 480,
                db_clusters: 240,
                db_snapshots: 240,
                db_cluster_snapshots: 240,
                ..Spec::scaled(2000)
            },
        ),
    ] {
        let dir = TempDir::new(name);
        let summary = generate(&spec, &dir.0)?;
        let recounted = recount(&dir.0)?;
        let expected: BTreeMap<String, usize> = summary
            .expected
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (r.to_string(), *n))
            .collect();
        assert_eq!(recounted, expected, "{name}");
        if name == "recount-b" {
            // Large enough that every rule the generator plants for is planted at least once.
            let planted: Vec<&str> = expected.keys().map(String::as_str).collect();
            let plantable: Vec<&str> = RULES
                .iter()
                .copied()
                .filter(|id| UNPLANTED.iter().all(|(never, _)| never != id))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            assert_eq!(planted, plantable, "{name}: a rule was never planted");
        }
    }
    Ok(())
}
