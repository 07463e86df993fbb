//! The kinds that keep data and secrets outside EBS and S3: EFS file systems, Secrets
//! Manager secrets and Parameter Store parameters (metadata only).

use super::{Field, KEY_KIND, KEY_RESOLUTION, KindDoc, Link, aws, derived};
use crate::model::Kind;

pub(super) const EFS_FILE_SYSTEM: KindDoc = KindDoc {
    kind: Kind::EfsFileSystem,
    arn: "arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/FILE_SYSTEM_ID",
    doc: "An EFS file system, from `efs describe-file-systems` (or AWS Config `AWS::EFS::FileSystem`). EFS encrypts a file system at rest only if it was created encrypted: encryption cannot be turned on later.",
    fields: &[
        aws("OwnerId", "describe-file-systems"),
        aws("CreationToken", "describe-file-systems"),
        aws("FileSystemId", "describe-file-systems"),
        aws("FileSystemArn", "describe-file-systems"),
        aws("CreationTime", "describe-file-systems"),
        aws("LifeCycleState", "describe-file-systems"),
        aws("Name", "describe-file-systems"),
        aws("NumberOfMountTargets", "describe-file-systems"),
        aws("SizeInBytes", "describe-file-systems"),
        aws("PerformanceMode", "describe-file-systems"),
        aws("Encrypted", "describe-file-systems"),
        aws("KmsKeyId", "describe-file-systems"),
        aws("ThroughputMode", "describe-file-systems"),
        aws("ProvisionedThroughputInMibps", "describe-file-systems"),
        aws("AvailabilityZoneName", "describe-file-systems"),
        aws("AvailabilityZoneId", "describe-file-systems"),
        aws("Tags", "describe-file-systems"),
        aws("FileSystemProtection", "describe-file-systems"),
        derived("Region", "The file system's region (from its ARN)."),
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The key the file system is encrypted with (`alias/aws/elasticfilesystem` when an encrypted item names none).",
        via: Some("/KmsKeyId"),
    }],
};

pub(super) const SECRETSMANAGER_SECRET: KindDoc = KindDoc {
    kind: Kind::SecretsmanagerSecret,
    arn: "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX",
    doc: "A Secrets Manager secret's metadata, from `secretsmanager list-secrets` (or AWS Config `AWS::SecretsManager::Secret`). Never its value: atrest reads no `get-secret-value` output. Secrets scheduled for deletion are not listed (`list-secrets` leaves them out unless asked).",
    fields: &[
        aws("ARN", "list-secrets"),
        aws("Name", "list-secrets"),
        aws("Type", "list-secrets"),
        aws("Description", "list-secrets"),
        Field {
            doc: "The key the secret is encrypted with, as it was given (key ARN, key id or alias); absent when the secret is on the AWS managed key `aws/secretsmanager`.",
            ..aws("KmsKeyId", "list-secrets")
        },
        aws("RotationEnabled", "list-secrets"),
        aws("RotationLambdaARN", "list-secrets"),
        aws("RotationRules", "list-secrets"),
        aws("ExternalSecretRotationMetadata", "list-secrets"),
        aws("ExternalSecretRotationRoleArn", "list-secrets"),
        aws("LastRotatedDate", "list-secrets"),
        aws("LastChangedDate", "list-secrets"),
        aws("LastAccessedDate", "list-secrets"),
        aws("DeletedDate", "list-secrets"),
        aws("NextRotationDate", "list-secrets"),
        aws("Tags", "list-secrets"),
        aws("SecretVersionsToStages", "list-secrets"),
        aws("OwningService", "list-secrets"),
        aws("CreatedDate", "list-secrets"),
        aws("PrimaryRegion", "list-secrets"),
        derived("Region", "The secret's region (from its ARN)."),
        derived(
            "EncryptionKey",
            "The key that encrypts the secret: `KmsKeyId`, or `alias/aws/secretsmanager` when the secret names none.",
        ),
        KEY_RESOLUTION,
        KEY_KIND,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The key the secret is encrypted with (`aws/secretsmanager`'s key when it names none).",
        via: Some("/KmsKeyId"),
    }],
};

pub(super) const SSM_PARAMETER: KindDoc = KindDoc {
    kind: Kind::SsmParameter,
    arn: "arn:aws:ssm:REGION:ACCOUNT:parameter/NAME",
    doc: "A Systems Manager Parameter Store parameter's metadata, from `ssm describe-parameters`. Never its value: atrest reads no `get-parameter` or `get-parameters` output. AWS Config has no resource type for parameters.",
    fields: &[
        aws("Name", "describe-parameters"),
        aws("ARN", "describe-parameters"),
        Field {
            doc: "`String`, `StringList` (stored in clear) or `SecureString` (encrypted with `KeyId`).",
            ..aws("Type", "describe-parameters")
        },
        Field {
            doc: "The key of a `SecureString`, as it was given (`alias/aws/ssm`, another alias, a key id or ARN).",
            ..aws("KeyId", "describe-parameters")
        },
        aws("LastModifiedDate", "describe-parameters"),
        aws("LastModifiedUser", "describe-parameters"),
        aws("Description", "describe-parameters"),
        aws("AllowedPattern", "describe-parameters"),
        aws("Version", "describe-parameters"),
        aws("Tier", "describe-parameters"),
        Field {
            doc: "Parameter policies (Advanced tier): `PolicyText` is the policy as a JSON string, `PolicyType` `Expiration`, `ExpirationNotification` or `NoChangeNotification`, `PolicyStatus` `Pending`, `Finished`, `InProgress` or `Failed`.",
            keys: &["PolicyText", "PolicyType", "PolicyStatus"],
            ..aws("Policies", "describe-parameters")
        },
        aws("DataType", "describe-parameters"),
        derived("Region", "The parameter's region (from its ARN)."),
        Field {
            doc: "On `SecureString` parameters only (`KeyId`, `alias/aws/ssm` when none is named). How the KMS key reference resolved: `resolved` (see the `KmsKey` link), `missing` (the key's region was exported and the key is not in it: deleted), `external` (another account's key), `unknown` (the key's region was not exported).",
            ..KEY_RESOLUTION
        },
        Field {
            doc: "On `SecureString` parameters only: who manages the key (`customer_managed`, `aws_managed`, `unknown`). Absent on `String` and `StringList` parameters, which are not encrypted.",
            ..KEY_KIND
        },
        derived(
            "NameLooksSecret",
            "In the last segment of the name (after the last `/`), a word, or two adjacent words joined, ends in `password`, `passwd`, `secret`, `token`, `apikey` or `privatekey` (or its plural), words being split at separators and case changes (`DB_PASSWORD`, `dbpassword`, `GitHubToken`, `x-api-key`, `private_key`; not `tokenizer`); not when its last word says it is about a secret (`arn`, `name`, `id`, `path`, `url`, `uri`, `length`, `ttl`, `policy`, `expiry`: `db-password-arn`). Earlier segments are namespaces and are not read.",
        ),
        derived(
            "NameSecretWord",
            "The word that made `NameLooksSecret` true (`password`, `apikey`, ...).",
        ),
        derived(
            "ExpirationDate",
            "The `Timestamp` of the parameter's `Expiration` policy (the earliest, if several), in UTC. Absent when there is none, or its `PolicyText` is not JSON or its time does not parse.",
        ),
        derived(
            "ExpirationPassed",
            "`ExpirationDate` is at or before the time facts are judged at (`--as-of`, else the scan's start): Parameter Store should have deleted the parameter.",
        ),
        derived(
            "ExpirationPolicyStatus",
            "The `PolicyStatus` of that `Expiration` policy (`Pending`, `Finished`, `InProgress`, `Failed`).",
        ),
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The key a `SecureString` is encrypted with.",
        via: Some("/KeyId"),
    }],
};
