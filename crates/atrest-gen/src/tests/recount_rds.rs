//! The RDS part of the independent count: what the RDS rules should find in one region's
//! `rds/` files, judged from the files the way the RDS documentation describes them.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

fn read(path: &Path) -> io::Result<Option<Value>> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(io::Error::other),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v[key].as_array().into_iter().flatten()
}

/// One kind of RDS resource: its listing, how it says it is encrypted, its rules.
struct Kind {
    file: &'static str,
    list: &'static str,
    id: &'static str,
    encrypted: &'static str,
    rules: &'static str,
    /// The attributes call of a snapshot kind: file name, result and list members.
    attributes: Option<(&'static str, &'static str, &'static str)>,
}

const KINDS: [Kind; 4] = [
    Kind {
        file: "describe-db-instances.json",
        list: "DBInstances",
        id: "DBInstanceIdentifier",
        encrypted: "StorageEncrypted",
        rules: "rds-instance",
        attributes: None,
    },
    Kind {
        file: "describe-db-clusters.json",
        list: "DBClusters",
        id: "DBClusterIdentifier",
        encrypted: "StorageEncrypted",
        rules: "rds-cluster",
        attributes: None,
    },
    Kind {
        file: "describe-db-snapshots.json",
        list: "DBSnapshots",
        id: "DBSnapshotIdentifier",
        encrypted: "Encrypted",
        rules: "rds-snapshot",
        attributes: Some((
            "describe-db-snapshot-attributes",
            "DBSnapshotAttributesResult",
            "DBSnapshotAttributes",
        )),
    },
    Kind {
        file: "describe-db-cluster-snapshots.json",
        list: "DBClusterSnapshots",
        id: "DBClusterSnapshotIdentifier",
        encrypted: "StorageEncrypted",
        rules: "rds-cluster-snapshot",
        attributes: Some((
            "describe-db-cluster-snapshot-attributes",
            "DBClusterSnapshotAttributesResult",
            "DBClusterSnapshotAttributes",
        )),
    },
];

/// Counts the RDS findings of one region's `dir` (`.../<region>/rds`); `key` gives a key's
/// `KeyMetadata` by ARN.
pub(super) fn recount_rds(
    dir: &Path,
    key: &dyn Fn(&str) -> Option<Value>,
    hit: &mut dyn FnMut(String),
) -> io::Result<()> {
    let clusters: BTreeSet<String> = match read(&dir.join("describe-db-clusters.json"))? {
        Some(v) => list(&v, "DBClusters")
            .filter_map(|c| c["DBClusterIdentifier"].as_str().map(str::to_owned))
            .collect(),
        None => BTreeSet::new(),
    };
    for kind in &KINDS {
        let Some(doc) = read(&dir.join(kind.file))? else {
            return Err(io::Error::other(format!("missing {}", kind.file)));
        };
        for r in list(&doc, kind.list) {
            // An instance of a cluster in the export is judged by its cluster.
            let member = kind.list == "DBInstances"
                && r["DBClusterIdentifier"]
                    .as_str()
                    .is_some_and(|c| clusters.contains(c));
            if !member {
                if r[kind.encrypted] == false {
                    hit(format!("{}-unencrypted", kind.rules));
                } else {
                    let md = r["KmsKeyId"].as_str().and_then(key).ok_or_else(|| {
                        io::Error::other(format!("{}: key not found: {r}", kind.file))
                    })?;
                    if md["KeyState"] != "Enabled" {
                        hit(format!("{}-key-unusable", kind.rules));
                    }
                    if md["KeyManager"] == "AWS" && kind.attributes.is_none() {
                        hit(format!("{}-aws-managed-key", kind.rules));
                    }
                }
            }
            let Some((api, result, attributes)) = kind.attributes else {
                continue;
            };
            let id = r[kind.id].as_str().unwrap_or_default();
            let file = dir.join(format!("{api}--{}.json", id.replace('/', "%2F")));
            let Some(v) = read(&file)? else {
                assert_eq!(
                    r["SnapshotType"], "automated",
                    "{id} has no attributes file"
                );
                continue;
            };
            let values: Vec<&str> = list(&v[result], attributes)
                .filter(|a| a["AttributeName"] == "restore")
                .flat_map(|a| a["AttributeValues"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            if values.contains(&"all") {
                hit(format!("{}-public", kind.rules));
            } else if !values.is_empty() {
                hit(format!("{}-shared", kind.rules));
            }
            // Shared with accounts while encrypted: no generated key policy lets another
            // account create grants, and aws/rds admits no other account.
            if r[kind.encrypted] == true && values.iter().any(|v| *v != "all") {
                hit(format!("{}-shared-key-not-shared", kind.rules));
            }
        }
    }
    Ok(())
}
