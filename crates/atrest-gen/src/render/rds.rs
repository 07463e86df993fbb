//! `rds`: DB instances, DB clusters, their snapshots, and the `restore` attributes of the
//! manual snapshots (the export script asks for no others: automated snapshots cannot be
//! shared).

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, obj};
use crate::plan::rds::{CLUSTER_ENGINES, DbSnapshot, RdsEnc};
use crate::plan::{Account, Region};
use crate::rng::mix;
use crate::time::{DAY_MS, NOW_MS, iso};

/// An RDS resource id: `db-` or `cluster-` and 26 letters and digits, fixed per name.
fn resource_id(prefix: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut h = name
        .bytes()
        .fold(0xC0FF_EE00_u64, |h, b| mix(h ^ u64::from(b)));
    let mut id = String::from(prefix);
    for i in 0..26 {
        if i % 12 == 0 {
            h = mix(h ^ i as u64);
        }
        id.push(char::from(ALPHABET[(h & 31) as usize]));
        h >>= 5;
    }
    id
}

fn encryption_type(enc: RdsEnc) -> &'static str {
    if enc == RdsEnc::None {
        "none"
    } else {
        "sse-kms"
    }
}

fn arn(account: &Account, region: &Region, kind: &str, name: &str) -> String {
    format!("arn:aws:rds:{}:{}:{kind}:{name}", region.name, account.id)
}

pub(super) fn render(
    account: &Account,
    region: &Region,
    dir: &Path,
    sink: &mut Sink,
) -> io::Result<()> {
    let endpoint = |name: &str| format!("{name}.c0ffee12ab34.{}.rds.amazonaws.com", region.name);
    let zones = || {
        J::Arr(
            ['a', 'b', 'c']
                .iter()
                .map(|z| J::from(format!("{}{z}", region.name)))
                .collect(),
        )
    };
    let security_groups =
        || vec![obj! { "VpcSecurityGroupId" => &region.security_group, "Status" => "active" }];
    let key_arn = |enc: RdsEnc| region.rds_key(enc).map(|k| k.arn.clone());

    let instances: Vec<J> = region
        .db_instances
        .iter()
        .map(|i| {
            let engine = i.engine();
            let enc = region.db_instance_enc(i);
            let member = i.cluster.is_some();
            obj! {
                "DBInstanceIdentifier" => &i.name,
                "DBInstanceClass" => i.class,
                "Engine" => engine.name,
                "DBInstanceStatus" => "available",
                "MasterUsername" => engine.user,
                "Endpoint" => obj! {
                    "Address" => endpoint(&i.name),
                    "Port" => engine.port,
                    "HostedZoneId" => "Z29XKXDKYMONMX",
                },
                "AllocatedStorage" => if member { 1usize } else { 20 },
                "InstanceCreateTime" => iso(i.created),
                "PreferredBackupWindow" => "03:10-03:40",
                "BackupRetentionPeriod" => 7usize,
                "VpcSecurityGroups" => security_groups(),
                "AvailabilityZone" => format!("{}{}", region.name, ['a', 'b', 'c'][i.zone]),
                "PreferredMaintenanceWindow" => "sun:05:00-sun:05:30",
                "MultiAZ" => false,
                "EngineVersion" => engine.version,
                "AutoMinorVersionUpgrade" => true,
                "PubliclyAccessible" => i.public,
                "StorageType" => if member { "aurora" } else { "gp3" },
                "StorageEncryptionType" => encryption_type(enc),
                "DbInstancePort" => 0usize,
                "DBClusterIdentifier" => i.cluster.map(|c| &region.db_clusters[c].name),
                "StorageEncrypted" => enc != RdsEnc::None,
                "KmsKeyId" => key_arn(enc),
                "DbiResourceId" => resource_id("db-", &i.name),
                "CACertificateIdentifier" => "rds-ca-rsa2048-g1",
                "CopyTagsToSnapshot" => true,
                "PromotionTier" => member.then_some(1usize),
                "DBInstanceArn" => arn(account, region, "db", &i.name),
                "IAMDatabaseAuthenticationEnabled" => false,
                "PerformanceInsightsEnabled" => false,
                "DeletionProtection" => false,
                "TagList" => Vec::new(),
                "NetworkType" => "IPV4",
                "BackupTarget" => "region",
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-db-instances.json"),
        &obj! { "DBInstances" => instances },
    )?;

    let clusters: Vec<J> = region
        .db_clusters
        .iter()
        .map(|c| {
            let engine = &CLUSTER_ENGINES[c.engine];
            let members: Vec<J> = c
                .members
                .iter()
                .enumerate()
                .map(|(n, &i)| {
                    obj! {
                        "DBInstanceIdentifier" => &region.db_instances[i].name,
                        "IsClusterWriter" => n == 0,
                        "DBClusterParameterGroupStatus" => "in-sync",
                        "PromotionTier" => 1usize,
                    }
                })
                .collect();
            obj! {
                "AllocatedStorage" => 1usize,
                "AvailabilityZones" => zones(),
                "BackupRetentionPeriod" => 7usize,
                "DBClusterIdentifier" => &c.name,
                "DBClusterParameterGroup" => format!("default.{}", engine.name),
                "DBSubnetGroup" => "default",
                "Status" => "available",
                "EarliestRestorableTime" => iso((NOW_MS - 7 * DAY_MS).max(c.created)),
                "Endpoint" => endpoint(&format!("{}.cluster", c.name)),
                "ReaderEndpoint" => endpoint(&format!("{}.cluster-ro", c.name)),
                "MultiAZ" => c.members.len() > 1,
                "Engine" => engine.name,
                "EngineVersion" => engine.version,
                "LatestRestorableTime" => iso(NOW_MS - 300_000),
                "Port" => engine.port,
                "MasterUsername" => engine.user,
                "PreferredBackupWindow" => "04:20-04:50",
                "PreferredMaintenanceWindow" => "sat:06:00-sat:06:30",
                "DBClusterMembers" => members,
                "VpcSecurityGroups" => security_groups(),
                "HostedZoneId" => "Z29XKXDKYMONMX",
                "StorageEncrypted" => c.enc != RdsEnc::None,
                "StorageEncryptionType" => encryption_type(c.enc),
                "KmsKeyId" => key_arn(c.enc),
                "DbClusterResourceId" => resource_id("cluster-", &c.name),
                "DBClusterArn" => arn(account, region, "cluster", &c.name),
                "IAMDatabaseAuthenticationEnabled" => false,
                "ClusterCreateTime" => iso(c.created),
                "EngineMode" => "provisioned",
                "DeletionProtection" => false,
                "CopyTagsToSnapshot" => true,
                "TagList" => Vec::new(),
                "NetworkType" => "IPV4",
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-db-clusters.json"),
        &obj! { "DBClusters" => clusters },
    )?;

    let snapshot_type = |s: &DbSnapshot| if s.automated { "automated" } else { "manual" };
    let snapshots: Vec<J> = region
        .db_snapshots
        .iter()
        .map(|s| {
            let i = &region.db_instances[s.of];
            let engine = i.engine();
            obj! {
                "DBSnapshotIdentifier" => &s.name,
                "DBInstanceIdentifier" => &i.name,
                "SnapshotCreateTime" => iso(s.created),
                "Engine" => engine.name,
                "AllocatedStorage" => 20usize,
                "Status" => "available",
                "Port" => engine.port,
                "AvailabilityZone" => format!("{}{}", region.name, ['a', 'b', 'c'][i.zone]),
                "VpcId" => &region.vpc,
                "InstanceCreateTime" => iso(i.created),
                "MasterUsername" => engine.user,
                "EngineVersion" => engine.version,
                "SnapshotType" => snapshot_type(s),
                "PercentProgress" => 100usize,
                "StorageType" => "gp3",
                "Encrypted" => s.enc != RdsEnc::None,
                "StorageEncryptionType" => encryption_type(s.enc),
                "KmsKeyId" => key_arn(s.enc),
                "DBSnapshotArn" => arn(account, region, "snapshot", &s.name),
                "IAMDatabaseAuthenticationEnabled" => false,
                "DbiResourceId" => resource_id("db-", &i.name),
                "TagList" => Vec::new(),
                "SnapshotTarget" => "region",
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-db-snapshots.json"),
        &obj! { "DBSnapshots" => snapshots },
    )?;

    let cluster_snapshots: Vec<J> = region
        .db_cluster_snapshots
        .iter()
        .map(|s| {
            let c = &region.db_clusters[s.of];
            let engine = &CLUSTER_ENGINES[c.engine];
            obj! {
                "AvailabilityZones" => zones(),
                "DBClusterSnapshotIdentifier" => &s.name,
                "DBClusterIdentifier" => &c.name,
                "SnapshotCreateTime" => iso(s.created),
                "Engine" => engine.name,
                "EngineMode" => "provisioned",
                "AllocatedStorage" => 1usize,
                "Status" => "available",
                "Port" => 0usize,
                "VpcId" => &region.vpc,
                "ClusterCreateTime" => iso(c.created),
                "MasterUsername" => engine.user,
                "EngineVersion" => engine.version,
                "SnapshotType" => snapshot_type(s),
                "PercentProgress" => 100usize,
                "StorageEncrypted" => s.enc != RdsEnc::None,
                "StorageEncryptionType" => encryption_type(s.enc),
                "KmsKeyId" => key_arn(s.enc),
                "DBClusterSnapshotArn" => arn(account, region, "cluster-snapshot", &s.name),
                "IAMDatabaseAuthenticationEnabled" => false,
                "TagList" => Vec::new(),
                "StorageType" => "aurora",
                "DbClusterResourceId" => resource_id("cluster-", &c.name),
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-db-cluster-snapshots.json"),
        &obj! { "DBClusterSnapshots" => cluster_snapshots },
    )?;

    for s in region.db_snapshots.iter().filter(|s| !s.automated) {
        let result = obj! {
            "DBSnapshotIdentifier" => &s.name,
            "DBSnapshotAttributes" => vec![restore(s)],
        };
        sink.json(
            &dir.join(format!(
                "{}.json",
                file("describe-db-snapshot-attributes", &s.name)
            )),
            &obj! { "DBSnapshotAttributesResult" => result },
        )?;
    }
    for s in region.db_cluster_snapshots.iter().filter(|s| !s.automated) {
        let result = obj! {
            "DBClusterSnapshotIdentifier" => &s.name,
            "DBClusterSnapshotAttributes" => vec![restore(s)],
        };
        sink.json(
            &dir.join(format!(
                "{}.json",
                file("describe-db-cluster-snapshot-attributes", &s.name)
            )),
            &obj! { "DBClusterSnapshotAttributesResult" => result },
        )?;
    }
    Ok(())
}

/// The `restore` attribute: `all` for a public snapshot, then the accounts it is shared with.
fn restore(s: &DbSnapshot) -> J {
    let mut values: Vec<J> = Vec::new();
    if s.public {
        values.push(J::from("all"));
    }
    if let Some(other) = &s.shared_with {
        values.push(J::from(other));
    }
    obj! { "AttributeName" => "restore", "AttributeValues" => values }
}
