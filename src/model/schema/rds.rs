//! Amazon RDS: DB instances, DB clusters and their snapshots.

use super::{ACCOUNTS_WITHOUT_KEY, Field, KEY_KIND, KEY_RESOLUTION, KindDoc, Link, aws, derived};
use crate::model::Kind;

pub(super) const RDS_INSTANCE: KindDoc = KindDoc {
    kind: Kind::RdsInstance,
    arn: "arn:aws:rds:REGION:ACCOUNT:db:DB_INSTANCE_ID",
    doc: "An RDS DB instance (also Aurora, Neptune and DocumentDB instances, which the RDS API lists), from `rds describe-db-instances` (or AWS Config `AWS::RDS::DBInstance`): the fields that say what the instance is, whether it is reachable and how its storage is encrypted. The rest of its description (endpoint, parameter and subnet groups, ...) is not kept. An instance of a DB cluster (`DBClusterIdentifier`) stores its data in the cluster's volume, so its encryption is the cluster's: the instance rules leave such an instance to the cluster rules when the cluster is in the scan (the `Cluster` link), and judge it themselves when the cluster was not exported.",
    fields: &[
        aws("DBInstanceIdentifier", "describe-db-instances"),
        aws("DBInstanceClass", "describe-db-instances"),
        aws("Engine", "describe-db-instances"),
        aws("EngineVersion", "describe-db-instances"),
        aws("DBInstanceStatus", "describe-db-instances"),
        aws("AvailabilityZone", "describe-db-instances"),
        aws("MultiAZ", "describe-db-instances"),
        aws("AllocatedStorage", "describe-db-instances"),
        aws("StorageType", "describe-db-instances"),
        aws("InstanceCreateTime", "describe-db-instances"),
        aws("BackupRetentionPeriod", "describe-db-instances"),
        aws(
            "ReadReplicaSourceDBInstanceIdentifier",
            "describe-db-instances",
        ),
        aws(
            "ReadReplicaSourceDBClusterIdentifier",
            "describe-db-instances",
        ),
        aws("PubliclyAccessible", "describe-db-instances"),
        Field {
            doc: "The DB cluster the instance is a member of (Aurora, Multi-AZ DB clusters). Such an instance stores its data in the cluster's volume: its `StorageEncrypted` and `KmsKeyId` are the cluster's.",
            ..aws("DBClusterIdentifier", "describe-db-instances")
        },
        Field {
            doc: "Whether the instance's storage (and so its automated backups, snapshots and read replicas in the region) is encrypted.",
            ..aws("StorageEncrypted", "describe-db-instances")
        },
        Field {
            doc: "`none`, `sse-kms` (a KMS key, named by `KmsKeyId`) or `sse-rds` (a key AWS owns).",
            ..aws("StorageEncryptionType", "describe-db-instances")
        },
        Field {
            doc: "The ARN of the KMS key that encrypts the storage.",
            ..aws("KmsKeyId", "describe-db-instances")
        },
        aws("DbiResourceId", "describe-db-instances"),
        aws("DBInstanceArn", "describe-db-instances"),
        aws("CopyTagsToSnapshot", "describe-db-instances"),
        aws("DeletionProtection", "describe-db-instances"),
        aws("PerformanceInsightsEnabled", "describe-db-instances"),
        aws("PerformanceInsightsKMSKeyId", "describe-db-instances"),
        aws("ActivityStreamKmsKeyId", "describe-db-instances"),
        aws("TagList", "describe-db-instances"),
        derived("Region", "The instance's region."),
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[
        Link {
            name: "KmsKey",
            to: Kind::KmsKey,
            doc: "The key that encrypts the instance's storage.",
            via: Some("/KmsKeyId"),
        },
        Link {
            name: "Cluster",
            to: Kind::RdsCluster,
            doc: "The DB cluster the instance is a member of, when it is in the scan: its encryption is the instance's.",
            via: Some("/DBClusterIdentifier"),
        },
    ],
};

pub(super) const RDS_CLUSTER: KindDoc = KindDoc {
    kind: Kind::RdsCluster,
    arn: "arn:aws:rds:REGION:ACCOUNT:cluster:DB_CLUSTER_ID",
    doc: "An RDS DB cluster (Aurora, Multi-AZ DB clusters, and Neptune and DocumentDB clusters, which the RDS API lists), from `rds describe-db-clusters` (or AWS Config `AWS::RDS::DBCluster`): the fields that say what the cluster is, its members and how its storage is encrypted; the rest of its description is not kept.",
    fields: &[
        aws("DBClusterIdentifier", "describe-db-clusters"),
        aws("Engine", "describe-db-clusters"),
        aws("EngineVersion", "describe-db-clusters"),
        aws("EngineMode", "describe-db-clusters"),
        aws("Status", "describe-db-clusters"),
        aws("AvailabilityZones", "describe-db-clusters"),
        aws("MultiAZ", "describe-db-clusters"),
        aws("AllocatedStorage", "describe-db-clusters"),
        aws("StorageType", "describe-db-clusters"),
        aws("DBClusterInstanceClass", "describe-db-clusters"),
        aws("ClusterCreateTime", "describe-db-clusters"),
        aws("BackupRetentionPeriod", "describe-db-clusters"),
        aws("ReplicationSourceIdentifier", "describe-db-clusters"),
        aws("DBClusterMembers", "describe-db-clusters"),
        aws("PubliclyAccessible", "describe-db-clusters"),
        Field {
            doc: "Whether the cluster's storage (and so its instances, backups and snapshots) is encrypted.",
            ..aws("StorageEncrypted", "describe-db-clusters")
        },
        Field {
            doc: "`none`, `sse-kms` (a KMS key, named by `KmsKeyId`) or `sse-rds` (a key AWS owns).",
            ..aws("StorageEncryptionType", "describe-db-clusters")
        },
        Field {
            doc: "The ARN of the KMS key that encrypts the storage.",
            ..aws("KmsKeyId", "describe-db-clusters")
        },
        aws("DbClusterResourceId", "describe-db-clusters"),
        aws("DBClusterArn", "describe-db-clusters"),
        aws("GlobalClusterIdentifier", "describe-db-clusters"),
        aws("CopyTagsToSnapshot", "describe-db-clusters"),
        aws("DeletionProtection", "describe-db-clusters"),
        aws("PerformanceInsightsEnabled", "describe-db-clusters"),
        aws("PerformanceInsightsKMSKeyId", "describe-db-clusters"),
        aws("ActivityStreamKmsKeyId", "describe-db-clusters"),
        aws("TagList", "describe-db-clusters"),
        derived("Region", "The cluster's region."),
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The key that encrypts the cluster's storage.",
        via: Some("/KmsKeyId"),
    }],
};

pub(super) const RDS_SNAPSHOT: KindDoc = KindDoc {
    kind: Kind::RdsSnapshot,
    arn: "arn:aws:rds:REGION:ACCOUNT:snapshot:DB_SNAPSHOT_ID",
    doc: "An RDS DB snapshot (of a DB instance), from `rds describe-db-snapshots` and, per manual snapshot, `describe-db-snapshot-attributes` (or AWS Config `AWS::RDS::DBSnapshot` with its `DBSnapshotAttributes`).",
    fields: &[
        aws("DBSnapshotIdentifier", "describe-db-snapshots"),
        aws("DBInstanceIdentifier", "describe-db-snapshots"),
        aws("SnapshotCreateTime", "describe-db-snapshots"),
        aws("Engine", "describe-db-snapshots"),
        aws("AllocatedStorage", "describe-db-snapshots"),
        aws("Status", "describe-db-snapshots"),
        aws("Port", "describe-db-snapshots"),
        aws("AvailabilityZone", "describe-db-snapshots"),
        aws("VpcId", "describe-db-snapshots"),
        aws("InstanceCreateTime", "describe-db-snapshots"),
        aws("MasterUsername", "describe-db-snapshots"),
        aws("EngineVersion", "describe-db-snapshots"),
        aws("LicenseModel", "describe-db-snapshots"),
        Field {
            doc: "`manual`, `automated`, `shared`, `public` or `awsbackup`.",
            ..aws("SnapshotType", "describe-db-snapshots")
        },
        aws("Iops", "describe-db-snapshots"),
        aws("StorageThroughput", "describe-db-snapshots"),
        aws("OptionGroupName", "describe-db-snapshots"),
        aws("PercentProgress", "describe-db-snapshots"),
        aws("SourceRegion", "describe-db-snapshots"),
        aws("SourceDBSnapshotIdentifier", "describe-db-snapshots"),
        aws("StorageType", "describe-db-snapshots"),
        aws("TdeCredentialArn", "describe-db-snapshots"),
        aws("Encrypted", "describe-db-snapshots"),
        Field {
            doc: "`none`, `sse-kms` (a KMS key, named by `KmsKeyId`) or `sse-rds` (a key AWS owns).",
            ..aws("StorageEncryptionType", "describe-db-snapshots")
        },
        aws("BackupRetentionPeriod", "describe-db-snapshots"),
        aws("PreferredBackupWindow", "describe-db-snapshots"),
        Field {
            doc: "The ARN of the KMS key that encrypts the snapshot.",
            ..aws("KmsKeyId", "describe-db-snapshots")
        },
        aws("DBSnapshotArn", "describe-db-snapshots"),
        aws("Timezone", "describe-db-snapshots"),
        aws("IAMDatabaseAuthenticationEnabled", "describe-db-snapshots"),
        aws("ProcessorFeatures", "describe-db-snapshots"),
        aws("DbiResourceId", "describe-db-snapshots"),
        aws("TagList", "describe-db-snapshots"),
        aws("SnapshotTarget", "describe-db-snapshots"),
        aws("OriginalSnapshotCreateTime", "describe-db-snapshots"),
        aws("SnapshotDatabaseTime", "describe-db-snapshots"),
        aws("DBSystemId", "describe-db-snapshots"),
        aws("MultiTenant", "describe-db-snapshots"),
        aws("DedicatedLogVolume", "describe-db-snapshots"),
        aws("AdditionalStorageVolumes", "describe-db-snapshots"),
        aws("SnapshotAvailabilityZone", "describe-db-snapshots"),
        Field {
            doc: "The snapshot's attributes: `restore` lists who may copy or restore it, `all` for everyone, else account ids.",
            ..aws("DBSnapshotAttributes", "describe-db-snapshot-attributes")
        },
        derived("Region", "The snapshot's region."),
        KEY_RESOLUTION,
        KEY_KIND,
        derived(
            "Public",
            "The `restore` attribute includes `all`: any AWS account can copy the snapshot or restore a DB instance from it. False for an automated snapshot (RDS does not share automated snapshots). Absent when the attributes were not exported.",
        ),
        derived(
            "SharedWithAccounts",
            "The account ids of the `restore` attribute: the accounts that can copy or restore the snapshot. Empty for an automated snapshot.",
        ),
        ACCOUNTS_WITHOUT_KEY,
    ],
    links: &[
        Link {
            name: "KmsKey",
            to: Kind::KmsKey,
            doc: "The key the snapshot is encrypted with.",
            via: Some("/KmsKeyId"),
        },
        Link {
            name: "Instance",
            to: Kind::RdsInstance,
            doc: "The DB instance the snapshot was taken from, if it still exists.",
            via: Some("/DBInstanceIdentifier"),
        },
    ],
};

pub(super) const RDS_CLUSTER_SNAPSHOT: KindDoc = KindDoc {
    kind: Kind::RdsClusterSnapshot,
    arn: "arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:DB_CLUSTER_SNAPSHOT_ID",
    doc: "An RDS DB cluster snapshot, from `rds describe-db-cluster-snapshots` and, per manual snapshot, `describe-db-cluster-snapshot-attributes` (or AWS Config `AWS::RDS::DBClusterSnapshot` with its `DBClusterSnapshotAttributes`).",
    fields: &[
        aws("AvailabilityZones", "describe-db-cluster-snapshots"),
        aws(
            "DBClusterSnapshotIdentifier",
            "describe-db-cluster-snapshots",
        ),
        aws("DBClusterIdentifier", "describe-db-cluster-snapshots"),
        aws("SnapshotCreateTime", "describe-db-cluster-snapshots"),
        aws("Engine", "describe-db-cluster-snapshots"),
        aws("EngineMode", "describe-db-cluster-snapshots"),
        aws("AllocatedStorage", "describe-db-cluster-snapshots"),
        aws("Status", "describe-db-cluster-snapshots"),
        aws("Port", "describe-db-cluster-snapshots"),
        aws("VpcId", "describe-db-cluster-snapshots"),
        aws("ClusterCreateTime", "describe-db-cluster-snapshots"),
        aws("MasterUsername", "describe-db-cluster-snapshots"),
        aws("EngineVersion", "describe-db-cluster-snapshots"),
        aws("LicenseModel", "describe-db-cluster-snapshots"),
        Field {
            doc: "`manual`, `automated`, `shared`, `public` or `awsbackup`.",
            ..aws("SnapshotType", "describe-db-cluster-snapshots")
        },
        aws("PercentProgress", "describe-db-cluster-snapshots"),
        aws("StorageEncrypted", "describe-db-cluster-snapshots"),
        Field {
            doc: "`none`, `sse-kms` (a KMS key, named by `KmsKeyId`) or `sse-rds` (a key AWS owns).",
            ..aws("StorageEncryptionType", "describe-db-cluster-snapshots")
        },
        aws("BackupRetentionPeriod", "describe-db-cluster-snapshots"),
        aws("PreferredBackupWindow", "describe-db-cluster-snapshots"),
        Field {
            doc: "The ARN of the KMS key that encrypts the snapshot.",
            ..aws("KmsKeyId", "describe-db-cluster-snapshots")
        },
        aws("DBClusterSnapshotArn", "describe-db-cluster-snapshots"),
        aws(
            "SourceDBClusterSnapshotArn",
            "describe-db-cluster-snapshots",
        ),
        aws(
            "IAMDatabaseAuthenticationEnabled",
            "describe-db-cluster-snapshots",
        ),
        aws("TagList", "describe-db-cluster-snapshots"),
        aws("StorageType", "describe-db-cluster-snapshots"),
        aws("StorageThroughput", "describe-db-cluster-snapshots"),
        aws("DbClusterResourceId", "describe-db-cluster-snapshots"),
        aws("DBSystemId", "describe-db-cluster-snapshots"),
        Field {
            doc: "The snapshot's attributes: `restore` lists who may copy or restore it, `all` for everyone, else account ids.",
            ..aws(
                "DBClusterSnapshotAttributes",
                "describe-db-cluster-snapshot-attributes",
            )
        },
        derived("Region", "The snapshot's region."),
        KEY_RESOLUTION,
        KEY_KIND,
        derived(
            "Public",
            "The `restore` attribute includes `all`: any AWS account can copy the snapshot or restore a DB cluster from it. False for an automated snapshot (RDS does not share automated snapshots). Absent when the attributes were not exported.",
        ),
        derived(
            "SharedWithAccounts",
            "The account ids of the `restore` attribute: the accounts that can copy or restore the snapshot. Empty for an automated snapshot.",
        ),
        ACCOUNTS_WITHOUT_KEY,
    ],
    links: &[
        Link {
            name: "KmsKey",
            to: Kind::KmsKey,
            doc: "The key the snapshot is encrypted with.",
            via: Some("/KmsKeyId"),
        },
        Link {
            name: "Cluster",
            to: Kind::RdsCluster,
            doc: "The DB cluster the snapshot was taken from, if it still exists.",
            via: Some("/DBClusterIdentifier"),
        },
    ],
};
