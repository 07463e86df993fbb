//! The fields of each resource kind: what rule authors can match. `docs/resources.md` is
//! generated from this table (`atrest docs resources`), the test suite checks that every
//! field the model produces is listed here and that AWS's fields carry AWS's names, and rule
//! files are checked against it when they load.

use super::Kind;

mod images;
mod messaging;
mod rds;
mod stores;

/// Where a field comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// An AWS CLI command's output (and the matching AWS Config field).
    Aws(&'static str),
    /// Computed by atrest.
    Derived,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub from: From,
    pub doc: &'static str,
    /// The keys of an object field, when rules should be held to them.
    pub keys: &'static [&'static str],
}

#[derive(Debug)]
pub struct Link {
    pub name: &'static str,
    pub to: Kind,
    pub doc: &'static str,
    /// The field of this resource that names the linked one (a JSON pointer), if any.
    pub via: Option<&'static str>,
}

#[derive(Debug)]
pub struct KindDoc {
    pub kind: Kind,
    pub arn: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
    pub links: &'static [Link],
}

const fn aws(name: &'static str, api: &'static str) -> Field {
    Field {
        name,
        from: From::Aws(api),
        doc: "",
        keys: &[],
    }
}

const fn derived(name: &'static str, doc: &'static str) -> Field {
    Field {
        name,
        from: From::Derived,
        doc,
        keys: &[],
    }
}

const PAB_KEYS: &[&str] = &[
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

const KEY_RESOLUTION: Field = derived(
    "KmsKeyResolution",
    "How the KMS key reference resolved: `resolved` (see the `KmsKey` link), `missing` (the key's region was exported and the key is not in it: deleted), `external` (another account's key), `unknown` (the key's region was not exported).",
);

const KEY_KIND: Field = derived(
    "KeyKind",
    "Who manages the key that protects the resource: `customer_managed`, `aws_managed` (`KeyManager: AWS`, or named by an `alias/aws/...` alias), `aws_owned` (a key AWS owns that never appears in KMS: SSE-S3, SSE-SQS, DynamoDB's default), or `unknown` (the key was not exported and its name does not tell). Another account's key is customer managed: AWS managed keys cannot be used across accounts. Absent on an unencrypted resource.",
);

const ACCOUNTS_WITHOUT_KEY: Field = derived(
    "AccountsWithoutKeyAccess",
    "Accounts the resource is shared with that cannot use its KMS key, so cannot copy it, create volumes from it or launch from it: all of them for an AWS managed key (its policy admits only its own account), else those that neither the key policy nor a grant allows `kms:DescribeKey`, `kms:CreateGrant`, `kms:Decrypt` and `kms:ReEncrypt*`. Absent when it cannot be told (the key or its policy not exported).",
);

const POLICY_FIELDS: [Field; 3] = [
    derived(
        "PolicyDocument",
        "The policy, parsed from the `Policy` string.",
    ),
    derived(
        "PolicyPublic",
        "An `Allow` statement applies to every principal (`\"*\"`, `{\"AWS\": \"*\"}`, or `NotPrincipal`) without a condition that pins a narrowing key (`aws:SourceVpce`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceIp`, `kms:CallerAccount`, ...) to fixed values.",
    ),
    derived(
        "PolicyCrossAccounts",
        "Account ids other than the resource's own that an `Allow` statement names as principals or in an account condition key.",
    ),
];

pub static KINDS: &[KindDoc] = &[
    KindDoc {
        kind: Kind::S3Bucket,
        arn: "arn:aws:s3:::BUCKET",
        doc: "An S3 bucket, merged from `s3api list-buckets` and the per-bucket `get-bucket-*` and `get-public-access-block` calls (or an AWS Config `AWS::S3::Bucket` item).",
        fields: &[
            aws("Name", "list-buckets"),
            aws("CreationDate", "list-buckets"),
            aws("BucketRegion", "list-buckets"),
            aws("BucketArn", "list-buckets"),
            aws("Owner", "list-buckets, get-bucket-acl"),
            aws("LocationConstraint", "get-bucket-location"),
            aws("ServerSideEncryptionConfiguration", "get-bucket-encryption"),
            Field {
                keys: PAB_KEYS,
                ..aws("PublicAccessBlockConfiguration", "get-public-access-block")
            },
            aws("Policy", "get-bucket-policy"),
            aws("PolicyStatus", "get-bucket-policy-status"),
            aws("Grants", "get-bucket-acl"),
            aws("OwnershipControls", "get-bucket-ownership-controls"),
            Field {
                keys: &["Status", "MFADelete"],
                ..aws("Versioning", "get-bucket-versioning")
            },
            derived(
                "Region",
                "The bucket's region (`LocationConstraint`: null is us-east-1, `EU` is eu-west-1; else `BucketRegion`).",
            ),
            derived(
                "SSEAlgorithm",
                "Default encryption: `aws:kms`, `aws:kms:dsse`, `AES256`, or `none` when the bucket has no default encryption.",
            ),
            derived(
                "KMSMasterKeyID",
                "The default encryption key as configured; `alias/aws/s3` when SSE-KMS names no key (the AWS managed key).",
            ),
            derived(
                "BucketKeyEnabled",
                "Whether the default encryption rule uses an S3 Bucket Key (false when absent).",
            ),
            KEY_RESOLUTION,
            KEY_KIND,
            POLICY_FIELDS[0],
            POLICY_FIELDS[1],
            POLICY_FIELDS[2],
            derived(
                "PolicyDeniesUnencryptedUploads",
                "A `Deny` of `s3:PutObject` to every principal when `s3:x-amz-server-side-encryption` is not `aws:kms`/`aws:kms:dsse`, or when `s3:x-amz-server-side-encryption-aws-kms-key-id` is not the expected key. False when the bucket has no policy.",
            ),
            derived(
                "PolicyRequiresTls",
                "A `Deny` of S3 actions (at least `s3:GetObject` and `s3:PutObject`) to every principal when `aws:SecureTransport` is false. False when the bucket has no policy.",
            ),
            derived(
                "AclPublic",
                "The ACL grants a permission to the AllUsers or AuthenticatedUsers group.",
            ),
            derived(
                "AclPublicGrants",
                "Those grants, as `PERMISSION to Group` (e.g. `READ to AllUsers`).",
            ),
            Field {
                keys: &[
                    "BlockPublicAcls",
                    "IgnorePublicAcls",
                    "BlockPublicPolicy",
                    "RestrictPublicBuckets",
                    "AllEnabled",
                ],
                ..derived(
                    "EffectivePublicAccessBlock",
                    "Each setting on if the bucket or the account turns it on; a setting is absent when it cannot be known. `AllEnabled`: all four on.",
                )
            },
            derived(
                "ObjectOwnership",
                "`BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`.",
            ),
            derived(
                "AclsEnabled",
                "ACLs take effect: ownership is not `BucketOwnerEnforced` (or the bucket has no ownership controls).",
            ),
            derived(
                "Public",
                "Public in effect: a public policy not restricted by `RestrictPublicBuckets`, or a public ACL not ignored by `IgnorePublicAcls`.",
            ),
            Field {
                keys: &["Role", "Rules"],
                ..aws("ReplicationConfiguration", "get-bucket-replication")
            },
            derived(
                "ReplicationRole",
                "The IAM role S3 assumes to replicate (`ReplicationConfiguration.Role`).",
            ),
            Field {
                keys: &[
                    "Rule",
                    "DestinationBucket",
                    "DestinationRegion",
                    "ReplicatesKmsObjects",
                    "ReplicaKmsKeyID",
                ],
                ..derived(
                    "ReplicationRules",
                    "The enabled replication rules: `Rule` (its `ID`, else `#N` by position), `DestinationBucket`, `DestinationRegion` (when the destination bucket is in the scan), `ReplicatesKmsObjects` (`SourceSelectionCriteria.SseKmsEncryptedObjects.Status` is `Enabled`) and `ReplicaKmsKeyID`. Empty when the bucket replicates nothing (`ReplicationConfigurationNotFoundError`); absent when replication was not exported.",
                )
            },
            Field {
                keys: &["Rule", "DestinationBucket"],
                ..derived(
                    "ReplicationSkipsKmsObjects",
                    "Enabled rules that do not enable `SseKmsEncryptedObjects` while the bucket's default encryption is SSE-KMS: S3 silently leaves the SSE-KMS objects out of replication. Absent when replication or default encryption was not exported.",
                )
            },
            Field {
                keys: &["Rule", "DestinationBucket"],
                ..derived(
                    "ReplicationWithoutReplicaKey",
                    "Enabled rules that enable `SseKmsEncryptedObjects` without a `Destination.EncryptionConfiguration.ReplicaKmsKeyID`: S3 cannot encrypt the replicas, so they are not replicated.",
                )
            },
            Field {
                keys: &["Rule", "ReplicaKmsKeyID", "KeyRegion", "KeyState"],
                ..derived(
                    "ReplicaKeysUnusable",
                    "Enabled rules whose `ReplicaKmsKeyID` names a key that is `Disabled`, `PendingDeletion`, `PendingImport` or `Unavailable`, or (`KeyState: missing`) gone from its region, which was exported. The key is looked up in the region of its ARN (a bare id in the destination bucket's region), `KeyRegion`; a multi-Region key is the key its ARN names, not its primary. Keys of other accounts and of regions not exported are not judged.",
                )
            },
            Field {
                keys: &[
                    "Rule",
                    "ReplicaKmsKeyID",
                    "KeyRegion",
                    "DestinationBucket",
                    "DestinationRegion",
                ],
                ..derived(
                    "ReplicaKeysWrongRegion",
                    "Enabled rules whose `ReplicaKmsKeyID` is a key ARN in another region than the destination bucket (in the scan): S3 needs the replica key in the destination's region, so replication of SSE-KMS objects fails.",
                )
            },
            Field {
                keys: &["Rule", "DestinationBucket", "DestinationSSEAlgorithm"],
                ..derived(
                    "ReplicationDropsEncryption",
                    "Enabled rules of an SSE-KMS bucket without a `ReplicaKmsKeyID` whose destination bucket (in the scan) does not default to SSE-KMS (`DestinationSSEAlgorithm`): the replicas are not under a KMS key. Absent when the bucket's default encryption was not exported.",
                )
            },
        ],
        links: &[
            Link {
                name: "KmsKey",
                to: Kind::KmsKey,
                doc: "The default encryption key.",
                via: Some("/KMSMasterKeyID"),
            },
            Link {
                name: "AccountSettings",
                to: Kind::S3Account,
                doc: "The account's S3 settings (account-level public access block).",
                via: None,
            },
        ],
    },
    KindDoc {
        kind: Kind::S3Account,
        arn: "arn:aws:s3::ACCOUNT:account",
        doc: "An account's S3 settings, from `s3control get-public-access-block` (or AWS Config `AWS::S3::AccountPublicAccessBlock`). The ARN is atrest's own.",
        fields: &[
            derived("AccountId", "The account."),
            Field {
                keys: PAB_KEYS,
                ..aws(
                    "PublicAccessBlockConfiguration",
                    "s3control get-public-access-block",
                )
            },
        ],
        links: &[],
    },
    KindDoc {
        kind: Kind::KmsKey,
        arn: "arn:aws:kms:REGION:ACCOUNT:key/KEY_ID",
        doc: "A KMS key, merged from `kms describe-key` (the `KeyMetadata` fields), `get-key-policy`, `get-key-rotation-status`, `list-grants` and `list-resource-tags` (or AWS Config `AWS::KMS::Key`).",
        fields: &[
            aws("AWSAccountId", "describe-key"),
            aws("KeyId", "describe-key"),
            aws("Arn", "describe-key"),
            aws("CreationDate", "describe-key"),
            aws("Enabled", "describe-key"),
            aws("Description", "describe-key"),
            aws("KeyUsage", "describe-key"),
            aws("KeyState", "describe-key"),
            aws("DeletionDate", "describe-key"),
            aws("ValidTo", "describe-key"),
            aws("Origin", "describe-key"),
            aws("CustomKeyStoreId", "describe-key"),
            aws("CloudHsmClusterId", "describe-key"),
            aws("ExpirationModel", "describe-key"),
            aws("KeyManager", "describe-key"),
            aws("CustomerMasterKeySpec", "describe-key"),
            aws("KeySpec", "describe-key"),
            aws("EncryptionAlgorithms", "describe-key"),
            aws("SigningAlgorithms", "describe-key"),
            aws("KeyAgreementAlgorithms", "describe-key"),
            aws("MultiRegion", "describe-key"),
            aws("MultiRegionConfiguration", "describe-key"),
            aws("PendingDeletionWindowInDays", "describe-key"),
            aws("MacAlgorithms", "describe-key"),
            aws("XksKeyConfiguration", "describe-key"),
            aws("CurrentKeyMaterialId", "describe-key"),
            aws("Policy", "get-key-policy"),
            aws("PolicyName", "get-key-policy"),
            aws("KeyRotationEnabled", "get-key-rotation-status"),
            aws("RotationPeriodInDays", "get-key-rotation-status"),
            aws("NextRotationDate", "get-key-rotation-status"),
            aws("OnDemandRotationStartDate", "get-key-rotation-status"),
            aws("Grants", "list-grants"),
            aws("Tags", "list-resource-tags"),
            aws("Rotations", "list-key-rotations"),
            derived(
                "RotationSupported",
                "False when `get-key-rotation-status` or `list-key-rotations` answered `UnsupportedOperationException`: the key cannot rotate automatically (imported key material, asymmetric and HMAC keys, custom key stores); imported material is rotated by hand.",
            ),
            derived(
                "LastRotationDate",
                "The latest rotation `list-key-rotations` lists.",
            ),
            derived(
                "LastRotationType",
                "Its `RotationType`: `AUTOMATIC` or `ON_DEMAND`.",
            ),
            derived(
                "PolicyWiderThanPrimary",
                "A multi-Region replica whose primary is in the scan: what the replica's key policy opens that the primary's does not — `public`, or the ids of other accounts it allows. Each replica has its own key policy, which KMS does not keep in step with the primary's.",
            ),
            derived(
                "MaterialExpiresInDays",
                "Imported key material that expires (`ExpirationModel: KEY_MATERIAL_EXPIRES`): whole days from the scan (or `--as-of`) to `ValidTo`, negative once it has expired (KMS then deletes the material and the key becomes `PendingImport`).",
            ),
            derived(
                "Aliases",
                "The alias names (`alias/...`) that point at the key.",
            ),
            POLICY_FIELDS[0],
            POLICY_FIELDS[1],
            POLICY_FIELDS[2],
            derived(
                "AdminsWhoCanUse",
                "Principals other than the account root that the key policy allows both to administer the key (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:DisableKey` or `kms:DeleteImportedKeyMaterial`) and to use it (`kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey` or `kms:ReEncryptFrom`).",
            ),
            derived(
                "DependentResources",
                "ARNs of the resources of the scan, of every kind, encrypted with the key (that name it through their `KmsKey` link): what disabling or deleting it breaks.",
            ),
            derived("DependentResourceCount", "How many there are."),
            derived(
                "DependentResourceSummary",
                "The same, by kind, with the accounts those resources are shared with: `3 ebs_volume, 1 ec2_image (shared with 210987654321), 2 sqs_queue`; `none` when nothing in the scan uses the key.",
            ),
        ],
        links: &[Link {
            name: "PrimaryKey",
            to: Kind::KmsKey,
            doc: "A multi-Region replica's primary key, when it is in the scan (its rotation is the replica's: rotation is set on the primary).",
            via: Some("/MultiRegionConfiguration/PrimaryKey/Arn"),
        }],
    },
    KindDoc {
        kind: Kind::KmsAlias,
        arn: "arn:aws:kms:REGION:ACCOUNT:alias/NAME",
        doc: "A KMS alias, from `kms list-aliases` (or AWS Config `AWS::KMS::Alias`).",
        fields: &[
            aws("AliasName", "list-aliases"),
            aws("AliasArn", "list-aliases"),
            aws("TargetKeyId", "list-aliases"),
            aws("CreationDate", "list-aliases"),
            aws("LastUpdatedDate", "list-aliases"),
        ],
        links: &[Link {
            name: "TargetKey",
            to: Kind::KmsKey,
            doc: "The key the alias points at.",
            via: Some("/TargetKeyId"),
        }],
    },
    KindDoc {
        kind: Kind::EbsVolume,
        arn: "arn:aws:ec2:REGION:ACCOUNT:volume/VOLUME_ID",
        doc: "An EBS volume, from `ec2 describe-volumes` (or AWS Config `AWS::EC2::Volume`).",
        fields: &[
            aws("VolumeId", "describe-volumes"),
            aws("Size", "describe-volumes"),
            aws("SnapshotId", "describe-volumes"),
            aws("AvailabilityZone", "describe-volumes"),
            aws("AvailabilityZoneId", "describe-volumes"),
            aws("State", "describe-volumes"),
            aws("CreateTime", "describe-volumes"),
            aws("Attachments", "describe-volumes"),
            aws("Encrypted", "describe-volumes"),
            aws("KmsKeyId", "describe-volumes"),
            aws("OutpostArn", "describe-volumes"),
            aws("SourceVolumeId", "describe-volumes"),
            aws("Iops", "describe-volumes"),
            aws("Tags", "describe-volumes"),
            aws("VolumeType", "describe-volumes"),
            aws("FastRestored", "describe-volumes"),
            aws("MultiAttachEnabled", "describe-volumes"),
            aws("Throughput", "describe-volumes"),
            aws("SseType", "describe-volumes"),
            aws("Operator", "describe-volumes"),
            aws("VolumeInitializationRate", "describe-volumes"),
            derived(
                "Region",
                "The volume's region (from its availability zone).",
            ),
            KEY_RESOLUTION,
            KEY_KIND,
        ],
        links: &[
            Link {
                name: "KmsKey",
                to: Kind::KmsKey,
                doc: "The key the volume is encrypted with.",
                via: Some("/KmsKeyId"),
            },
            Link {
                name: "Instance",
                to: Kind::Ec2Instance,
                doc: "The instance of the first attachment.",
                via: Some("/Attachments/0/InstanceId"),
            },
        ],
    },
    KindDoc {
        kind: Kind::EbsSnapshot,
        arn: "arn:aws:ec2:REGION::snapshot/SNAPSHOT_ID",
        doc: "An EBS snapshot, from `ec2 describe-snapshots --owner-ids self` and `describe-snapshot-attribute --attribute createVolumePermission`.",
        fields: &[
            aws("SnapshotId", "describe-snapshots"),
            aws("VolumeId", "describe-snapshots"),
            aws("State", "describe-snapshots"),
            aws("StateMessage", "describe-snapshots"),
            aws("StartTime", "describe-snapshots"),
            aws("Progress", "describe-snapshots"),
            aws("OwnerId", "describe-snapshots"),
            aws("OwnerAlias", "describe-snapshots"),
            aws("Description", "describe-snapshots"),
            aws("VolumeSize", "describe-snapshots"),
            aws("Encrypted", "describe-snapshots"),
            aws("KmsKeyId", "describe-snapshots"),
            aws("DataEncryptionKeyId", "describe-snapshots"),
            aws("Tags", "describe-snapshots"),
            aws("StorageTier", "describe-snapshots"),
            aws("RestoreExpiryTime", "describe-snapshots"),
            aws("SseType", "describe-snapshots"),
            aws("OutpostArn", "describe-snapshots"),
            aws("AvailabilityZone", "describe-snapshots"),
            aws("TransferType", "describe-snapshots"),
            aws("CompletionDurationMinutes", "describe-snapshots"),
            aws("CompletionTime", "describe-snapshots"),
            aws("FullSnapshotSizeInBytes", "describe-snapshots"),
            aws("CreateVolumePermissions", "describe-snapshot-attribute"),
            aws("ProductCodes", "describe-snapshot-attribute"),
            derived("Region", "The region the snapshot was listed in."),
            KEY_RESOLUTION,
            KEY_KIND,
            derived(
                "Public",
                "`CreateVolumePermissions` includes `{\"Group\": \"all\"}`: anyone can create a volume from the snapshot.",
            ),
            derived(
                "SharedWithAccounts",
                "The account ids in `CreateVolumePermissions`.",
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
                name: "EbsDefaults",
                to: Kind::EbsDefaults,
                doc: "The region's EBS settings (snapshot block public access).",
                via: None,
            },
            Link {
                name: "Volume",
                to: Kind::EbsVolume,
                doc: "The volume the snapshot was taken from, if it still exists.",
                via: Some("/VolumeId"),
            },
        ],
    },
    KindDoc {
        kind: Kind::Ec2Instance,
        arn: "arn:aws:ec2:REGION:ACCOUNT:instance/INSTANCE_ID",
        doc: "An EC2 instance, from `ec2 describe-instances` (or AWS Config `AWS::EC2::Instance`): the fields that say what the instance is and which volumes it runs on, plus the reservation's `OwnerId`. The rest of an instance's description (network interfaces, ...) is not kept.",
        fields: &[
            aws("InstanceId", "describe-instances"),
            aws("InstanceType", "describe-instances"),
            aws("ImageId", "describe-instances"),
            aws("State", "describe-instances"),
            aws("StateTransitionReason", "describe-instances"),
            aws("LaunchTime", "describe-instances"),
            aws("Placement", "describe-instances"),
            aws("Platform", "describe-instances"),
            aws("PlatformDetails", "describe-instances"),
            aws("IamInstanceProfile", "describe-instances"),
            aws("VpcId", "describe-instances"),
            aws("SubnetId", "describe-instances"),
            aws("RootDeviceName", "describe-instances"),
            aws("RootDeviceType", "describe-instances"),
            aws("BlockDeviceMappings", "describe-instances"),
            aws("Tags", "describe-instances"),
            aws("OwnerId", "describe-instances"),
        ],
        links: &[],
    },
    KindDoc {
        kind: Kind::EbsDefaults,
        arn: "arn:aws:ec2:REGION:ACCOUNT:ebs-defaults",
        doc: "A region's EBS encryption settings, from `ec2 get-ebs-encryption-by-default`, `get-ebs-default-kms-key-id` and `get-snapshot-block-public-access-state` (or AWS Config `AWS::EC2::SnapshotBlockPublicAccess`). The ARN is atrest's own.",
        fields: &[
            derived("AccountId", "The account."),
            derived("Region", "The region."),
            aws("EbsEncryptionByDefault", "get-ebs-encryption-by-default"),
            aws("SseType", "get-ebs-encryption-by-default"),
            aws("KmsKeyId", "get-ebs-default-kms-key-id"),
            Field {
                doc: "The `State` of `get-snapshot-block-public-access-state`: `block-all-sharing`, `block-new-sharing` or `unblocked`.",
                ..aws(
                    "SnapshotBlockPublicAccessState",
                    "get-snapshot-block-public-access-state",
                )
            },
            KEY_RESOLUTION,
            KEY_KIND,
        ],
        links: &[Link {
            name: "KmsKey",
            to: Kind::KmsKey,
            doc: "The default key for new encrypted volumes.",
            via: Some("/KmsKeyId"),
        }],
    },
    KindDoc {
        kind: Kind::CloudtrailTrail,
        arn: "arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME",
        doc: "A CloudTrail trail, merged from `cloudtrail describe-trails`, `get-trail-status` and `get-event-selectors` (or AWS Config `AWS::CloudTrail::Trail`).",
        fields: &[
            aws("Name", "describe-trails"),
            aws("S3BucketName", "describe-trails"),
            aws("S3KeyPrefix", "describe-trails"),
            aws("SnsTopicName", "describe-trails"),
            aws("SnsTopicARN", "describe-trails"),
            aws("IncludeGlobalServiceEvents", "describe-trails"),
            aws("IsMultiRegionTrail", "describe-trails"),
            aws("HomeRegion", "describe-trails"),
            aws("TrailARN", "describe-trails"),
            aws("LogFileValidationEnabled", "describe-trails"),
            aws("CloudWatchLogsLogGroupArn", "describe-trails"),
            aws("CloudWatchLogsRoleArn", "describe-trails"),
            aws("KmsKeyId", "describe-trails"),
            aws("HasCustomEventSelectors", "describe-trails"),
            aws("HasInsightSelectors", "describe-trails"),
            aws("IsOrganizationTrail", "describe-trails"),
            aws("IsLogging", "get-trail-status"),
            aws("LatestDeliveryError", "get-trail-status"),
            aws("LatestNotificationError", "get-trail-status"),
            aws("LatestDeliveryTime", "get-trail-status"),
            aws("LatestNotificationTime", "get-trail-status"),
            aws("StartLoggingTime", "get-trail-status"),
            aws("StopLoggingTime", "get-trail-status"),
            aws("LatestCloudWatchLogsDeliveryError", "get-trail-status"),
            aws("LatestCloudWatchLogsDeliveryTime", "get-trail-status"),
            aws("LatestDigestDeliveryTime", "get-trail-status"),
            aws("LatestDigestDeliveryError", "get-trail-status"),
            aws("LatestDeliveryAttemptTime", "get-trail-status"),
            aws("LatestNotificationAttemptTime", "get-trail-status"),
            aws("LatestNotificationAttemptSucceeded", "get-trail-status"),
            aws("LatestDeliveryAttemptSucceeded", "get-trail-status"),
            aws("TimeLoggingStarted", "get-trail-status"),
            aws("TimeLoggingStopped", "get-trail-status"),
            aws("EventSelectors", "get-event-selectors"),
            aws("AdvancedEventSelectors", "get-event-selectors"),
            aws("InsightSelectors", "get-insight-selectors"),
            KEY_RESOLUTION,
            KEY_KIND,
            derived(
                "LogsS3DataEvents",
                "The selectors record S3 object-level events: a classic selector with a `DataResources` entry of type `AWS::S3::Object`, or an advanced selector with `eventCategory` = `Data` and `resources.type` = `AWS::S3::Object`.",
            ),
        ],
        links: &[
            Link {
                name: "KmsKey",
                to: Kind::KmsKey,
                doc: "The key that encrypts the trail's log files.",
                via: Some("/KmsKeyId"),
            },
            Link {
                name: "LogBucket",
                to: Kind::S3Bucket,
                doc: "The bucket the trail delivers to, when it is in the scan.",
                via: Some("/S3BucketName"),
            },
        ],
    },
    images::EC2_IMAGE,
    stores::EFS_FILE_SYSTEM,
    stores::SECRETSMANAGER_SECRET,
    stores::SSM_PARAMETER,
    messaging::DYNAMODB_TABLE,
    messaging::SQS_QUEUE,
    messaging::SNS_TOPIC,
    rds::RDS_INSTANCE,
    rds::RDS_CLUSTER,
    rds::RDS_SNAPSHOT,
    rds::RDS_CLUSTER_SNAPSHOT,
];

/// The field through which a resource of `kind` names its `link` target.
pub fn link_via(kind: Kind, link: &str) -> Option<&'static str> {
    kind_doc(kind)
        .links
        .iter()
        .find(|l| l.name == link)
        .and_then(|l| l.via)
}

pub fn kind_doc(kind: Kind) -> &'static KindDoc {
    KINDS.iter().find(|k| k.kind == kind).unwrap_or(&KINDS[0])
}

/// Whether `path` names something a resource of `kind` can have: a field of the kind (and,
/// for objects whose keys are listed, one of those keys) or a link followed by a path into
/// the linked kind.
pub fn check_path(kind: Kind, path: &[String]) -> Result<(), String> {
    let doc = kind_doc(kind);
    let Some(first) = path.first() else {
        return Err("empty path".into());
    };
    if let Some(link) = doc.links.iter().find(|l| l.name == first) {
        return if path.len() == 1 {
            Ok(())
        } else {
            check_path(link.to, &path[1..]).map_err(|e| format!("{} → {e}", link.name))
        };
    }
    let Some(field) = doc.fields.iter().find(|f| f.name == first) else {
        let names: Vec<&str> = doc
            .fields
            .iter()
            .map(|f| f.name)
            .chain(doc.links.iter().map(|l| l.name))
            .collect();
        let close = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(first))
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(format!(
            "`{first}` is not a field of {}{close}; see docs/resources.md",
            kind.name()
        ));
    };
    if let Some(key) = path.get(1)
        && !field.keys.is_empty()
        && !field.keys.contains(&key.as_str())
    {
        return Err(format!(
            "`{key}` is not a key of {}.{} (one of: {})",
            kind.name(),
            field.name,
            field.keys.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn checks_fields_links_and_keys() {
        assert!(check_path(Kind::EbsVolume, &path("KmsKey.KeyState")).is_ok());
        assert!(check_path(Kind::EbsVolume, &path("Attachments.InstanceId")).is_ok());
        let e = check_path(Kind::EbsVolume, &path("KmsKey.KeyStat")).unwrap_err();
        assert!(e.contains("KeyStat"), "{e}");
        let e = check_path(Kind::KmsKey, &path("keystate")).unwrap_err();
        assert!(e.contains("did you mean `KeyState`"), "{e}");
        assert!(
            check_path(
                Kind::S3Bucket,
                &path("EffectivePublicAccessBlock.AllEnabled")
            )
            .is_ok()
        );
        assert!(check_path(Kind::S3Bucket, &path("EffectivePublicAccessBlock.All")).is_err());
        assert!(check_path(Kind::CloudtrailTrail, &path("LogBucket.KmsKey.KeyState")).is_ok());
        assert!(check_path(Kind::Ec2Instance, &path("State.Name")).is_ok());
        assert!(check_path(Kind::Ec2Instance, &path("NetworkInterfaces")).is_err());
    }

    #[test]
    fn every_kind_is_documented_once() {
        for &kind in Kind::ALL {
            assert_eq!(KINDS.iter().filter(|k| k.kind == kind).count(), 1, "{kind}");
            let doc = kind_doc(kind);
            let mut names: Vec<&str> = doc.fields.iter().map(|f| f.name).collect();
            names.extend(doc.links.iter().map(|l| l.name));
            let before = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(before, names.len(), "duplicate field in {kind}");
        }
    }
}
