//! RDS in one region: DB instances and clusters, their snapshots, and who may restore the
//! manual ones (only manual snapshots can be shared), as `samples/export-account.sh` asks.
//! RDS answers in XML: instances and clusters are written with the members atrest keeps
//! (what they are and how their storage is encrypted, docs/resources.md), snapshots with
//! every member the SDK reads.

use aws_sdk_rds::Client;
use aws_sdk_rds::types::{DbCluster, DbClusterSnapshot, DbInstance, DbSnapshot, Tag};
use serde_json::{Map, Value};

use super::json::Obj;
use super::{CallError, Out, bounded, file_name, in_region};

type Answer = Result<Map<String, Value>, CallError>;

/// Every page of a describe call (`Marker` in and out): its items as the CLI prints them,
/// and the ids of the manual snapshots among them.
macro_rules! described {
    ($client:expr, $call:ident, $items:ident, $key:literal, $write:expr, $manual:expr) => {{
        let mut items = Vec::new();
        let mut manual: Vec<String> = Vec::new();
        let mut marker: Option<String> = None;
        let answer: Answer = loop {
            match $client.$call().set_marker(marker.take()).send().await {
                Ok(page) => {
                    for item in page.$items() {
                        items.push($write(item));
                        manual.extend($manual(item));
                    }
                    match page.marker() {
                        Some(m) if !m.is_empty() => marker = Some(m.to_owned()),
                        _ => break Ok(Obj::default().list($key, std::mem::take(&mut items)).0),
                    }
                }
                Err(e) => break Err(CallError::of(&e)),
            }
        };
        if answer.is_err() {
            manual.clear();
        }
        (answer, manual)
    }};
}

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = Client::new(&in_region(config, region));
    let none = |_: &DbInstance| None::<String>;
    let (instances, _) = described!(
        client,
        describe_db_instances,
        db_instances,
        "DBInstances",
        instance,
        none
    );
    let none = |_: &DbCluster| None::<String>;
    out.write(
        region,
        "rds",
        "describe-db-instances",
        "DescribeDBInstances",
        instances,
    );
    let (clusters, _) = described!(
        client,
        describe_db_clusters,
        db_clusters,
        "DBClusters",
        cluster,
        none
    );
    out.write(
        region,
        "rds",
        "describe-db-clusters",
        "DescribeDBClusters",
        clusters,
    );

    let manual = |s: &DbSnapshot| {
        (s.snapshot_type() == Some("manual"))
            .then(|| s.db_snapshot_identifier().map(str::to_owned))
            .flatten()
    };
    let (snapshots, ids) = described!(
        client,
        describe_db_snapshots,
        db_snapshots,
        "DBSnapshots",
        snapshot,
        manual
    );
    out.write(
        region,
        "rds",
        "describe-db-snapshots",
        "DescribeDBSnapshots",
        snapshots,
    );
    let attributes = bounded(ids, concurrency, |id| {
        let client = client.clone();
        async move {
            let answer = client
                .describe_db_snapshot_attributes()
                .db_snapshot_identifier(&id)
                .send()
                .await;
            answer.map_err(|e| CallError::of(&e)).map(|o| {
                let result = o.db_snapshot_attributes_result().map(|r| {
                    let list = r
                        .db_snapshot_attributes()
                        .iter()
                        .map(|a| attribute(a.attribute_name(), a.attribute_values.as_ref()))
                        .collect();
                    Obj::default()
                        .s("DBSnapshotIdentifier", r.db_snapshot_identifier())
                        .list("DBSnapshotAttributes", list)
                });
                Obj::default().o("DBSnapshotAttributesResult", result).0
            })
        }
    })
    .await;
    for (id, answer) in attributes {
        let file = format!("describe-db-snapshot-attributes--{}", file_name(&id));
        out.write(region, "rds", &file, "DescribeDBSnapshotAttributes", answer);
    }

    let manual = |s: &DbClusterSnapshot| {
        (s.snapshot_type() == Some("manual"))
            .then(|| s.db_cluster_snapshot_identifier().map(str::to_owned))
            .flatten()
    };
    let (snapshots, ids) = described!(
        client,
        describe_db_cluster_snapshots,
        db_cluster_snapshots,
        "DBClusterSnapshots",
        cluster_snapshot,
        manual
    );
    let file = "describe-db-cluster-snapshots";
    out.write(region, "rds", file, "DescribeDBClusterSnapshots", snapshots);
    let attributes = bounded(ids, concurrency, |id| {
        let client = client.clone();
        async move {
            let answer = client
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(&id)
                .send()
                .await;
            answer.map_err(|e| CallError::of(&e)).map(|o| {
                let result = o.db_cluster_snapshot_attributes_result().map(|r| {
                    let list = r
                        .db_cluster_snapshot_attributes()
                        .iter()
                        .map(|a| attribute(a.attribute_name(), a.attribute_values.as_ref()))
                        .collect();
                    Obj::default()
                        .s(
                            "DBClusterSnapshotIdentifier",
                            r.db_cluster_snapshot_identifier(),
                        )
                        .list("DBClusterSnapshotAttributes", list)
                });
                Obj::default()
                    .o("DBClusterSnapshotAttributesResult", result)
                    .0
            })
        }
    })
    .await;
    for (id, answer) in attributes {
        let file = format!(
            "describe-db-cluster-snapshot-attributes--{}",
            file_name(&id)
        );
        out.write(
            region,
            "rds",
            &file,
            "DescribeDBClusterSnapshotAttributes",
            answer,
        );
    }
}

fn attribute(name: Option<&str>, values: Option<&Vec<String>>) -> Obj {
    Obj::default()
        .s("AttributeName", name)
        .strings("AttributeValues", values)
}

fn tags(tags: Option<&Vec<Tag>>) -> Option<Vec<Obj>> {
    tags.map(|list| {
        list.iter()
            .map(|t| Obj::default().s("Key", t.key()).s("Value", t.value()))
            .collect()
    })
}

/// The members of a DB instance atrest keeps.
fn instance(i: &DbInstance) -> Obj {
    Obj::default()
        .s("DBInstanceIdentifier", i.db_instance_identifier())
        .s("DBInstanceClass", i.db_instance_class())
        .s("Engine", i.engine())
        .s("DBInstanceStatus", i.db_instance_status())
        .n("AllocatedStorage", i.allocated_storage())
        .time("InstanceCreateTime", i.instance_create_time())
        .n("BackupRetentionPeriod", i.backup_retention_period())
        .s("AvailabilityZone", i.availability_zone())
        .b("MultiAZ", i.multi_az())
        .s("EngineVersion", i.engine_version())
        .b("PubliclyAccessible", i.publicly_accessible())
        .s("StorageType", i.storage_type())
        .s("DBClusterIdentifier", i.db_cluster_identifier())
        .b("StorageEncrypted", i.storage_encrypted())
        .s("KmsKeyId", i.kms_key_id())
        .s("DbiResourceId", i.dbi_resource_id())
        .b("CopyTagsToSnapshot", i.copy_tags_to_snapshot())
        .s("DBInstanceArn", i.db_instance_arn())
        .b(
            "PerformanceInsightsEnabled",
            i.performance_insights_enabled(),
        )
        .s(
            "PerformanceInsightsKMSKeyId",
            i.performance_insights_kms_key_id(),
        )
        .b("DeletionProtection", i.deletion_protection())
        .maybe_list("TagList", tags(i.tag_list.as_ref()))
        .s("ActivityStreamKmsKeyId", i.activity_stream_kms_key_id())
}

/// The members of a DB cluster atrest keeps.
fn cluster(c: &DbCluster) -> Obj {
    let members = c.db_cluster_members.as_ref().map(|list| {
        list.iter()
            .map(|m| {
                Obj::default()
                    .s("DBInstanceIdentifier", m.db_instance_identifier())
                    .b("IsClusterWriter", m.is_cluster_writer())
                    .s(
                        "DBClusterParameterGroupStatus",
                        m.db_cluster_parameter_group_status(),
                    )
                    .n("PromotionTier", m.promotion_tier())
            })
            .collect()
    });
    Obj::default()
        .n("AllocatedStorage", c.allocated_storage())
        .strings("AvailabilityZones", c.availability_zones.as_ref())
        .n("BackupRetentionPeriod", c.backup_retention_period())
        .s("DBClusterIdentifier", c.db_cluster_identifier())
        .s("Status", c.status())
        .b("MultiAZ", c.multi_az())
        .s("Engine", c.engine())
        .s("EngineVersion", c.engine_version())
        .s(
            "ReplicationSourceIdentifier",
            c.replication_source_identifier(),
        )
        .maybe_list("DBClusterMembers", members)
        .b("StorageEncrypted", c.storage_encrypted())
        .s("KmsKeyId", c.kms_key_id())
        .s("DbClusterResourceId", c.db_cluster_resource_id())
        .s("DBClusterArn", c.db_cluster_arn())
        .time("ClusterCreateTime", c.cluster_create_time())
        .s("EngineMode", c.engine_mode())
        .s("DBClusterInstanceClass", c.db_cluster_instance_class())
        .s("StorageType", c.storage_type())
        .b("PubliclyAccessible", c.publicly_accessible())
        .b("DeletionProtection", c.deletion_protection())
        .s("ActivityStreamKmsKeyId", c.activity_stream_kms_key_id())
        .b("CopyTagsToSnapshot", c.copy_tags_to_snapshot())
        .maybe_list("TagList", tags(c.tag_list.as_ref()))
        .s("GlobalClusterIdentifier", c.global_cluster_identifier())
        .b(
            "PerformanceInsightsEnabled",
            c.performance_insights_enabled(),
        )
        .s(
            "PerformanceInsightsKMSKeyId",
            c.performance_insights_kms_key_id(),
        )
}

fn snapshot(s: &DbSnapshot) -> Obj {
    let features = s.processor_features.as_ref().map(|list| {
        list.iter()
            .map(|f| Obj::default().s("Name", f.name()).s("Value", f.value()))
            .collect()
    });
    let volumes = s.additional_storage_volumes.as_ref().map(|list| {
        list.iter()
            .map(|v| {
                Obj::default()
                    .n("AllocatedStorage", v.allocated_storage())
                    .n("Iops", v.iops())
                    .n("StorageThroughput", v.storage_throughput())
                    .s("StorageType", v.storage_type())
            })
            .collect()
    });
    Obj::default()
        .s("DBSnapshotIdentifier", s.db_snapshot_identifier())
        .s("DBInstanceIdentifier", s.db_instance_identifier())
        .time("SnapshotCreateTime", s.snapshot_create_time())
        .s("Engine", s.engine())
        .n("AllocatedStorage", s.allocated_storage())
        .s("Status", s.status())
        .n("Port", s.port())
        .s("AvailabilityZone", s.availability_zone())
        .s("VpcId", s.vpc_id())
        .time("InstanceCreateTime", s.instance_create_time())
        .s("MasterUsername", s.master_username())
        .s("EngineVersion", s.engine_version())
        .s("LicenseModel", s.license_model())
        .s("SnapshotType", s.snapshot_type())
        .n("Iops", s.iops())
        .n("StorageThroughput", s.storage_throughput())
        .s("OptionGroupName", s.option_group_name())
        .n("PercentProgress", s.percent_progress())
        .s("SourceRegion", s.source_region())
        .s(
            "SourceDBSnapshotIdentifier",
            s.source_db_snapshot_identifier(),
        )
        .s("StorageType", s.storage_type())
        .s("TdeCredentialArn", s.tde_credential_arn())
        .b("Encrypted", s.encrypted())
        .n("BackupRetentionPeriod", s.backup_retention_period())
        .s("PreferredBackupWindow", s.preferred_backup_window())
        .s("KmsKeyId", s.kms_key_id())
        .s("DBSnapshotArn", s.db_snapshot_arn())
        .s("Timezone", s.timezone())
        .b(
            "IAMDatabaseAuthenticationEnabled",
            s.iam_database_authentication_enabled(),
        )
        .maybe_list("ProcessorFeatures", features)
        .s("DbiResourceId", s.dbi_resource_id())
        .maybe_list("TagList", tags(s.tag_list.as_ref()))
        .s("SnapshotTarget", s.snapshot_target())
        .time(
            "OriginalSnapshotCreateTime",
            s.original_snapshot_create_time(),
        )
        .time("SnapshotDatabaseTime", s.snapshot_database_time())
        .s("DBSystemId", s.db_system_id())
        .b("MultiTenant", s.multi_tenant())
        .b("DedicatedLogVolume", s.dedicated_log_volume())
        .maybe_list("AdditionalStorageVolumes", volumes)
        .s("SnapshotAvailabilityZone", s.snapshot_availability_zone())
}

fn cluster_snapshot(s: &DbClusterSnapshot) -> Obj {
    Obj::default()
        .strings("AvailabilityZones", s.availability_zones.as_ref())
        .s(
            "DBClusterSnapshotIdentifier",
            s.db_cluster_snapshot_identifier(),
        )
        .s("DBClusterIdentifier", s.db_cluster_identifier())
        .time("SnapshotCreateTime", s.snapshot_create_time())
        .s("Engine", s.engine())
        .s("EngineMode", s.engine_mode())
        .n("AllocatedStorage", s.allocated_storage())
        .s("Status", s.status())
        .n("Port", s.port())
        .s("VpcId", s.vpc_id())
        .time("ClusterCreateTime", s.cluster_create_time())
        .s("MasterUsername", s.master_username())
        .s("EngineVersion", s.engine_version())
        .s("LicenseModel", s.license_model())
        .s("SnapshotType", s.snapshot_type())
        .n("PercentProgress", s.percent_progress())
        .b("StorageEncrypted", s.storage_encrypted())
        .n("BackupRetentionPeriod", s.backup_retention_period())
        .s("PreferredBackupWindow", s.preferred_backup_window())
        .s("KmsKeyId", s.kms_key_id())
        .s("DBClusterSnapshotArn", s.db_cluster_snapshot_arn())
        .b(
            "IAMDatabaseAuthenticationEnabled",
            s.iam_database_authentication_enabled(),
        )
        .maybe_list("TagList", tags(s.tag_list.as_ref()))
        .s("StorageType", s.storage_type())
        .n("StorageThroughput", s.storage_throughput())
        .s("DbClusterResourceId", s.db_cluster_resource_id())
        .s("DBSystemId", s.db_system_id())
}
