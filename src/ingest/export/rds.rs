//! `aws rds` outputs: DB instances, DB clusters, DB snapshots and DB cluster snapshots, and
//! the snapshots' `restore` attributes (who may restore them).
//!
//! Instances and clusters keep the fields that say what they are and how their storage is
//! encrypted (docs/resources.md); the rest of their descriptions (endpoints, parameter and
//! subnet groups, pending modifications, ...) no encryption rule reads. Snapshots are kept
//! whole. A snapshot is named by the ARN built from its region, account and identifier, so
//! that its listing and its attributes file, which gives only the identifier, merge.

use serde_json::{Map, Value};

use crate::ingest::layout::region_of_zone;
use crate::model::arn::rds_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, members, nothing, str_of, take_list};

const fn rds_api(
    command: &'static str,
    operation: &'static str,
    invocation: &'static str,
    kind: Kind,
    signature: &'static [&'static [&'static str]],
    shape: &'static [super::Member],
    read: super::ReadFn,
) -> Api {
    Api {
        command,
        operation,
        invocation,
        signature,
        shape,
        read: Reader::Export(read),
        ..Api::base("rds", Names::Nothing, Some(kind))
    }
}

pub const APIS: &[Api] = &[
    rds_api(
        "describe-db-instances",
        "DescribeDBInstances",
        "aws rds describe-db-instances",
        Kind::RdsInstance,
        &[&["DBInstances"]],
        &[
            req("DBInstances", Ty::Arr),
            req("DBInstances/*", Ty::Obj),
            req("DBInstances/*/DBInstanceIdentifier", Ty::Str),
            opt("DBInstances/*/DBInstanceArn", Ty::Str),
            opt("DBInstances/*/Engine", Ty::Str),
            opt("DBInstances/*/AvailabilityZone", Ty::Str),
            opt("DBInstances/*/PubliclyAccessible", Ty::Bool),
            opt("DBInstances/*/DBClusterIdentifier", Ty::Str),
            opt("DBInstances/*/StorageEncrypted", Ty::Bool),
            opt("DBInstances/*/StorageEncryptionType", Ty::Str),
            opt("DBInstances/*/KmsKeyId", Ty::Str),
            opt("DBInstances/*/TagList", Ty::Arr),
        ],
        describe_db_instances,
    ),
    rds_api(
        "describe-db-clusters",
        "DescribeDBClusters",
        "aws rds describe-db-clusters",
        Kind::RdsCluster,
        &[&["DBClusters"]],
        &[
            req("DBClusters", Ty::Arr),
            req("DBClusters/*", Ty::Obj),
            req("DBClusters/*/DBClusterIdentifier", Ty::Str),
            opt("DBClusters/*/DBClusterArn", Ty::Str),
            opt("DBClusters/*/Engine", Ty::Str),
            opt("DBClusters/*/AvailabilityZones", Ty::Arr),
            opt("DBClusters/*/AvailabilityZones/*", Ty::Str),
            opt("DBClusters/*/DBClusterMembers", Ty::Arr),
            opt("DBClusters/*/DBClusterMembers/*", Ty::Obj),
            opt(
                "DBClusters/*/DBClusterMembers/*/DBInstanceIdentifier",
                Ty::Str,
            ),
            opt("DBClusters/*/StorageEncrypted", Ty::Bool),
            opt("DBClusters/*/StorageEncryptionType", Ty::Str),
            opt("DBClusters/*/KmsKeyId", Ty::Str),
            opt("DBClusters/*/TagList", Ty::Arr),
        ],
        describe_db_clusters,
    ),
    rds_api(
        "describe-db-snapshots",
        "DescribeDBSnapshots",
        "aws rds describe-db-snapshots",
        Kind::RdsSnapshot,
        &[&["DBSnapshots"]],
        &[
            req("DBSnapshots", Ty::Arr),
            req("DBSnapshots/*", Ty::Obj),
            req("DBSnapshots/*/DBSnapshotIdentifier", Ty::Str),
            opt("DBSnapshots/*/DBInstanceIdentifier", Ty::Str),
            opt("DBSnapshots/*/AvailabilityZone", Ty::Str),
            opt("DBSnapshots/*/SnapshotType", Ty::Str),
            opt("DBSnapshots/*/Encrypted", Ty::Bool),
            opt("DBSnapshots/*/StorageEncryptionType", Ty::Str),
            opt("DBSnapshots/*/KmsKeyId", Ty::Str),
            opt("DBSnapshots/*/DBSnapshotArn", Ty::Str),
            opt("DBSnapshots/*/TagList", Ty::Arr),
        ],
        describe_db_snapshots,
    ),
    Api {
        names: Names::DbSnapshotId,
        errors: &[ErrorFact {
            code: "DBSnapshotNotFound",
            means: "the snapshot is not there to describe (deleted since it was listed): nothing to add",
            read: nothing,
        }],
        ..rds_api(
            "describe-db-snapshot-attributes",
            "DescribeDBSnapshotAttributes",
            "aws rds describe-db-snapshot-attributes --db-snapshot-identifier D",
            Kind::RdsSnapshot,
            &[&["DBSnapshotAttributesResult"]],
            &[
                req("DBSnapshotAttributesResult", Ty::Obj),
                opt("DBSnapshotAttributesResult/DBSnapshotIdentifier", Ty::Str),
                opt("DBSnapshotAttributesResult/DBSnapshotAttributes", Ty::Arr),
                opt("DBSnapshotAttributesResult/DBSnapshotAttributes/*", Ty::Obj),
                opt(
                    "DBSnapshotAttributesResult/DBSnapshotAttributes/*/AttributeName",
                    Ty::Str,
                ),
                opt(
                    "DBSnapshotAttributesResult/DBSnapshotAttributes/*/AttributeValues",
                    Ty::Arr,
                ),
                opt(
                    "DBSnapshotAttributesResult/DBSnapshotAttributes/*/AttributeValues/*",
                    Ty::Str,
                ),
            ],
            |obj, ctx| snapshot_attributes(obj, ctx, &DB_SNAPSHOT),
        )
    },
    rds_api(
        "describe-db-cluster-snapshots",
        "DescribeDBClusterSnapshots",
        "aws rds describe-db-cluster-snapshots",
        Kind::RdsClusterSnapshot,
        &[&["DBClusterSnapshots"]],
        &[
            req("DBClusterSnapshots", Ty::Arr),
            req("DBClusterSnapshots/*", Ty::Obj),
            req("DBClusterSnapshots/*/DBClusterSnapshotIdentifier", Ty::Str),
            opt("DBClusterSnapshots/*/DBClusterIdentifier", Ty::Str),
            opt("DBClusterSnapshots/*/AvailabilityZones", Ty::Arr),
            opt("DBClusterSnapshots/*/AvailabilityZones/*", Ty::Str),
            opt("DBClusterSnapshots/*/SnapshotType", Ty::Str),
            opt("DBClusterSnapshots/*/StorageEncrypted", Ty::Bool),
            opt("DBClusterSnapshots/*/StorageEncryptionType", Ty::Str),
            opt("DBClusterSnapshots/*/KmsKeyId", Ty::Str),
            opt("DBClusterSnapshots/*/DBClusterSnapshotArn", Ty::Str),
            opt("DBClusterSnapshots/*/TagList", Ty::Arr),
        ],
        describe_db_cluster_snapshots,
    ),
    Api {
        names: Names::DbClusterSnapshotId,
        errors: &[ErrorFact {
            code: "DBClusterSnapshotNotFoundFault",
            means: "the cluster snapshot is not there to describe (deleted since it was listed): nothing to add",
            read: nothing,
        }],
        ..rds_api(
            "describe-db-cluster-snapshot-attributes",
            "DescribeDBClusterSnapshotAttributes",
            "aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier C",
            Kind::RdsClusterSnapshot,
            &[&["DBClusterSnapshotAttributesResult"]],
            &[
                req("DBClusterSnapshotAttributesResult", Ty::Obj),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotIdentifier",
                    Ty::Str,
                ),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes",
                    Ty::Arr,
                ),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes/*",
                    Ty::Obj,
                ),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes/*/AttributeName",
                    Ty::Str,
                ),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes/*/AttributeValues",
                    Ty::Arr,
                ),
                opt(
                    "DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes/*/AttributeValues/*",
                    Ty::Str,
                ),
            ],
            |obj, ctx| snapshot_attributes(obj, ctx, &CLUSTER_SNAPSHOT),
        )
    },
];

/// The fields of a DB instance atrest keeps (docs/resources.md): what it is, where it runs,
/// whether it is reachable, and how its storage is encrypted.
pub const RDS_INSTANCE_FIELDS: [&str; 26] = [
    "DBInstanceIdentifier",
    "DBInstanceClass",
    "Engine",
    "EngineVersion",
    "DBInstanceStatus",
    "AvailabilityZone",
    "MultiAZ",
    "AllocatedStorage",
    "StorageType",
    "InstanceCreateTime",
    "BackupRetentionPeriod",
    "ReadReplicaSourceDBInstanceIdentifier",
    "ReadReplicaSourceDBClusterIdentifier",
    "PubliclyAccessible",
    "DBClusterIdentifier",
    "StorageEncrypted",
    "StorageEncryptionType",
    "KmsKeyId",
    "DbiResourceId",
    "DBInstanceArn",
    "CopyTagsToSnapshot",
    "DeletionProtection",
    "PerformanceInsightsEnabled",
    "PerformanceInsightsKMSKeyId",
    "ActivityStreamKmsKeyId",
    "TagList",
];

/// The fields of a DB cluster atrest keeps: what it is, its members, and how its storage is
/// encrypted.
pub const RDS_CLUSTER_FIELDS: [&str; 27] = [
    "DBClusterIdentifier",
    "Engine",
    "EngineVersion",
    "EngineMode",
    "Status",
    "AvailabilityZones",
    "MultiAZ",
    "AllocatedStorage",
    "StorageType",
    "DBClusterInstanceClass",
    "ClusterCreateTime",
    "BackupRetentionPeriod",
    "ReplicationSourceIdentifier",
    "DBClusterMembers",
    "PubliclyAccessible",
    "StorageEncrypted",
    "StorageEncryptionType",
    "KmsKeyId",
    "DbClusterResourceId",
    "DBClusterArn",
    "GlobalClusterIdentifier",
    "CopyTagsToSnapshot",
    "DeletionProtection",
    "PerformanceInsightsEnabled",
    "PerformanceInsightsKMSKeyId",
    "ActivityStreamKmsKeyId",
    "TagList",
];

/// What distinguishes the two kinds of RDS snapshot.
struct SnapshotKind {
    kind: Kind,
    /// The ARN's resource type.
    arn_type: &'static str,
    id: &'static str,
    result: &'static str,
    attributes: &'static str,
    names: Names,
}

const DB_SNAPSHOT: SnapshotKind = SnapshotKind {
    kind: Kind::RdsSnapshot,
    arn_type: "snapshot",
    id: "DBSnapshotIdentifier",
    result: "DBSnapshotAttributesResult",
    attributes: "DBSnapshotAttributes",
    names: Names::DbSnapshotId,
};

const CLUSTER_SNAPSHOT: SnapshotKind = SnapshotKind {
    kind: Kind::RdsClusterSnapshot,
    arn_type: "cluster-snapshot",
    id: "DBClusterSnapshotIdentifier",
    result: "DBClusterSnapshotAttributesResult",
    attributes: "DBClusterSnapshotAttributes",
    names: Names::DbClusterSnapshotId,
};

/// The region and account of an RDS resource: the layout's, else its ARN's, else (region
/// only) its availability zone's.
fn scope(ctx: &Ctx, arn: Option<&str>, zone: Option<&str>) -> (String, String) {
    let parsed = arn.and_then(Arn::parse);
    let region = ctx
        .hint
        .region
        .clone()
        .or_else(|| parsed.map(|a| a.region.to_owned()))
        .or_else(|| zone.and_then(region_of_zone))
        .unwrap_or_default();
    let account = ctx
        .hint
        .account
        .clone()
        .or_else(|| parsed.map(|a| a.account.to_owned()))
        .unwrap_or_default();
    (region, account)
}

fn first_zone(v: &Value, single: &str, list: &str) -> Option<String> {
    str_of(v, single)
        .or_else(|| v.get(list).and_then(|z| z.get(0)).and_then(Value::as_str))
        .map(str::to_owned)
}

/// What distinguishes instances from clusters.
struct Database {
    list: &'static str,
    kind: Kind,
    id: &'static str,
    arn_field: &'static str,
    arn_type: &'static str,
    keep: &'static [&'static str],
}

/// Instances and clusters: one piece each, with the fields atrest keeps, named by the ARN
/// they print (or one built from their identifier).
fn databases(obj: &mut Map<String, Value>, ctx: &Ctx, of: &Database) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, v) in take_list(obj, of.list).into_iter().enumerate() {
        let Some(id) = str_of(&v, of.id) else {
            continue;
        };
        let zone = first_zone(&v, "AvailabilityZone", "AvailabilityZones");
        let own_arn = str_of(&v, of.arn_field);
        let (region, account) = scope(ctx, own_arn, zone.as_deref());
        let arn = own_arn
            .map(str::to_owned)
            .unwrap_or_else(|| rds_arn(&region, &account, of.arn_type, id));
        let mut fields = members(v);
        fields.retain(|k, _| of.keep.contains(&k.as_str()));
        let piece = Piece::new(of.kind, Ident::Arn(arn), &account, &region)
            .whole(fields, ctx.at(&format!("/{}/{i}", of.list)));
        items.push(Item::Piece(piece));
    }
    items
}

fn describe_db_instances(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let of = Database {
        list: "DBInstances",
        kind: Kind::RdsInstance,
        id: "DBInstanceIdentifier",
        arn_field: "DBInstanceArn",
        arn_type: "db",
        keep: &RDS_INSTANCE_FIELDS,
    };
    Ok(databases(obj, ctx, &of))
}

fn describe_db_clusters(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let of = Database {
        list: "DBClusters",
        kind: Kind::RdsCluster,
        id: "DBClusterIdentifier",
        arn_field: "DBClusterArn",
        arn_type: "cluster",
        keep: &RDS_CLUSTER_FIELDS,
    };
    Ok(databases(obj, ctx, &of))
}

/// Snapshots, kept whole, named by the ARN built from their identifier so that their
/// attributes file (which gives only the identifier) merges with them.
fn snapshots(
    obj: &mut Map<String, Value>,
    ctx: &Ctx,
    list: &str,
    arn_field: &str,
    of: &SnapshotKind,
) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, s) in take_list(obj, list).into_iter().enumerate() {
        let Some(id) = str_of(&s, of.id) else {
            continue;
        };
        let zone = first_zone(&s, "AvailabilityZone", "AvailabilityZones");
        let (region, account) = scope(ctx, str_of(&s, arn_field), zone.as_deref());
        let arn = rds_arn(&region, &account, of.arn_type, id);
        let piece = Piece::new(of.kind, Ident::Arn(arn), &account, &region)
            .whole(members(s), ctx.at(&format!("/{list}/{i}")));
        items.push(Item::Piece(piece));
    }
    items
}

fn describe_db_snapshots(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    Ok(snapshots(
        obj,
        ctx,
        "DBSnapshots",
        "DBSnapshotArn",
        &DB_SNAPSHOT,
    ))
}

fn describe_db_cluster_snapshots(
    obj: &mut Map<String, Value>,
    ctx: &Ctx,
) -> Result<Vec<Item>, String> {
    Ok(snapshots(
        obj,
        ctx,
        "DBClusterSnapshots",
        "DBClusterSnapshotArn",
        &CLUSTER_SNAPSHOT,
    ))
}

/// `describe-db[-cluster]-snapshot-attributes`: the snapshot's attribute list (`restore`:
/// who may restore it). An answer without the list says the snapshot has no attributes.
fn snapshot_attributes(
    obj: &mut Map<String, Value>,
    ctx: &Ctx,
    of: &SnapshotKind,
) -> Result<Vec<Item>, String> {
    let mut result = members(obj.remove(of.result).unwrap_or(Value::Null));
    let id = match result.get(of.id).and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => ctx.resource(of.names)?.to_owned(),
    };
    let (account, region) = (ctx.account(), ctx.region());
    let arn = rds_arn(region, account, of.arn_type, &id);
    let (value, at) = match result.remove(of.attributes) {
        Some(list) => (list, ctx.at(&format!("/{}/{}", of.result, of.attributes))),
        None => (Value::Array(Vec::new()), ctx.at(&format!("/{}", of.result))),
    };
    let piece =
        Piece::new(of.kind, Ident::Arn(arn), account, region).field(of.attributes, value, at);
    Ok(vec![Item::Piece(piece)])
}

#[cfg(test)]
#[path = "rds_tests.rs"]
mod tests;
