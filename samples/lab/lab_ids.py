"""Identifiers of the AWS Academy lab account that samples/lab describes.

Shared by make-export.py (the account export) and make-cloudtrail.py (its CloudTrail log), so
that every id, ARN and date is the same in both. All values are invented but shaped like the
real ones (17-hex EC2 ids, UUID key ids, 64-hex key material and grant ids, ...).
"""

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ = "us-east-1c"

# The lab's IAM role and the student's session (AWS Academy: role voclabs, session user<id>=<name>).
ROLE_NAME = "voclabs"
ROLE_ID = "AROARZ5GXN5KJW7YQE2PL"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}"
SESSION_NAME = "user3890125=student"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE_NAME}/{SESSION_NAME}"
SESSION_PRINCIPAL_ID = f"{ROLE_ID}:{SESSION_NAME}"
SESSION_CREATED = "2026-11-20T13:41:07Z"  # when the student opened the lab session
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
OTHER_ACCOUNT = "210987654321"  # the cross-account reader of the CloudTrail bucket
STUDENT_IP = "198.51.100.23"
ANONYMOUS_IP = "203.0.113.77"

# S3: the account's canonical user id and the four buckets.
CANONICAL_ID = "c16e7cd4084aa219dd739b016bfacff9594029f53f0894f7e7b92c6763da0506"
IMAGE_BUCKET = "imagebucket-4172093"
PUBLIC_BUCKET = "lab-public-assets-5863017"
TRAIL_BUCKET = f"aws-cloudtrail-logs-{ACCOUNT}-5c1e9a2b"
SHARED_BUCKET = "lab-shared-data-2290461"
# The replica of IMAGE_BUCKET, in REPLICA_REGION, and the role S3 replicates with.
REPLICA_BUCKET = "lab-replica-eu-2290461"
REPLICATION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lab-s3-replication"
IMAGE_OBJECT = "clock.png"
PUBLIC_OBJECT = "img/logo.png"


def key_arn(key_id, region=REGION):
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


# KMS keys: key id and the id of its current key material (CurrentKeyMaterialId, and the
# keyMaterialId that CloudTrail records for cryptographic operations).
KEY_MY = "62f746b4-84e6-4ceb-95bd-447e7184d454"  # alias/MyKMSKey
KEY_VOLUME = "b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd"  # alias/lab-volume-key (Disabled)
KEY_BACKUP = "cd64fb1e-a953-4ae2-afa8-a1efb8ea1882"  # alias/old-backup-key (PendingDeletion)
KEY_APP = "e7755221-61d3-4995-bdc2-aec4872733df"  # alias/app-data-key (rotation off)
KEY_AWS_EBS = "c30cb97c-f02e-4666-9000-7e87ce45ed9d"  # alias/aws/ebs (AWS managed)
KEY_AWS_S3 = "05a09a0f-1781-47fc-a901-d574abf2e752"  # alias/aws/s3 (AWS managed)
KEY_IMPORTED = "3f1c9e52-7d4a-4b8e-9a61-2c5d8e0f7b34"  # alias/lab-imported-key (EXTERNAL, expires)
# A multi-Region key: its primary here, its replica in REPLICA_REGION (Disabled there).
KEY_MRK = "mrk-8d2f41c07b5e4a9c93e6f1a2b4c7d905"  # alias/lab-dr-key
VOL_DR = "vol-0c4b7e21d9a35f608"  # eu-west-1, encrypted with the replica of KEY_MRK
REPLICA_REGION = "eu-west-1"
REPLICA_AZ = "eu-west-1a"
KEY_AWS_EFS = "7d3e51c2-9a84-4f0b-b6d1-2c8e0f4a9b63"  # alias/aws/elasticfilesystem (AWS managed)
KEY_AWS_SECRETS = "a41f6e08-3c2d-4b97-8e5a-d0b7c9f21e34"  # alias/aws/secretsmanager (AWS managed)
KEY_AWS_SSM = "e9b20c7d-5f16-4a3e-9d84-7b1c3a6f0e52"  # alias/aws/ssm (AWS managed)
# A key deleted in October: list-keys no longer shows it, a parameter still names it.
KEY_DELETED = "3c5a9e1f-0b72-4d68-a4e3-81f6d2b9c07a"
KEY_AWS_DYNAMODB = "bb97beea-71f3-4b7d-9551-33cb3b967c62"  # alias/aws/dynamodb (AWS managed)
KEY_AWS_SQS = "1e7281a3-e5a4-498d-ad64-2c356a30e55d"  # alias/aws/sqs (AWS managed)
KEY_AWS_SNS = "e630aa38-4e36-443e-9153-37a347dafa5f"  # alias/aws/sns (AWS managed)
KEY_AWS_RDS = "9a41c7d2-5e38-4b0f-8d6a-2f7c1e94b053"  # alias/aws/rds (AWS managed)
KEY_MATERIAL = {
    KEY_MY: "964d3d4496eba592913bcbacbb07b7df1db1afefc8cb0e1936524a9ad401f808",
    KEY_VOLUME: "0218c791b1431b0650fc9daae1332bce7a51afd9b8e1dd9d5791b501d6785d0f",
    KEY_BACKUP: "7dc32af39350589f4d7ac84452463f2f15eade2fa29161cfaa0dee8643b703ea",
    KEY_APP: "01958649451cff5f28183edf1a8feba18beb8daac6a27805dada8dc3ad79c8a4",
    KEY_AWS_EBS: "7c987177422ee984adcacd517d557c303796ba0004383e5e65c71607755ad156",
    KEY_AWS_S3: "33f42f81567bce7059f7a15ae49d5668d156b4aba5d807385d575338703e94bd",
    KEY_IMPORTED: "a4b1f0c3d2e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
    KEY_MRK: "5e0d7c3b9a8f6e4d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d",
    KEY_AWS_EFS: "5be0c4a18f7d2e69c31b0a8f47d6e25c9b18a3f0e7d4c62b85a19f3e0d7c4b2a",
    KEY_AWS_SECRETS: "c2f8a05d6e13b947a0d5c8e2f71b4a69d3e0b5c87f2a1d64e9b03c5a8f7d2e10",
    KEY_AWS_SSM: "91d4e7b20a5c8f36e1b9d4a7c02f5e83b6a1d9c4e7f02b5a8d3c6e9f1a4b7d20",
    KEY_AWS_DYNAMODB: "9f17dff4af2a8a9ecbe622a5fedce4b1fd4ccd69391e7182b1570b3d793f824b",
    KEY_AWS_SQS: "9a692fa909e2e3fd24dcd04d8f97366593d103cf8bcf4bb1e82675485eea7287",
    KEY_AWS_SNS: "00b6e38e34d3c1f61c06148366c24fe5c13b8b654daf278fa30768d7f43538ba",
    KEY_AWS_RDS: "5b0e92c4d17a3f86e2c9b41d07f5a38e6c2d9f10b4a7e53c81f06d2a9e4b7c35",
}
# Grants that EC2 created for the running instance at its last start (2026-11-20 14:05:53).
GRANT_VOLUME = "4a6c61378d764fa97a9b4db7bee7ba10c32c6d62a9fb0247e3106479d5e411bb"
GRANT_AWS_EBS = "860cc8ea567a12ac01d89196f8266f7f5c9edf487f528e10d40500961f9711c2"

# EC2.
INSTANCE = "i-0af971c3c6aea78d2"
RESERVATION = "r-03ea59933731b3cee"
AMI = "ami-0489b674746e0dfaf"
AMI_SNAPSHOT = "snap-06ae90ddfc3eee1d6"  # the AMI's snapshot (owned by Amazon)
VOL_ROOT = "vol-0e91f819ba4d4f253"  # /dev/xvda, gp3 8 GiB, lab-volume-key
VOL_DATA = "vol-07ac84538bda72190"  # available, unencrypted
VOL_EBS = "vol-093fd8e56804a34b7"  # /dev/sdf, aws/ebs
SNAP_ROOT = "snap-0e839d96c9181bce1"  # of VOL_ROOT, lab-volume-key
SNAP_DATA = "snap-0e24b26a267b2f0b1"  # of VOL_DATA, unencrypted, public
SNAP_BACKUP = "snap-0e06adb53e1ae844b"  # copy under old-backup-key
SNAP_BACKUP_SOURCE = "snap-0bc9345c1ad9bf882"
SNAP_SCRATCH = "snap-0a7d3c91e5b2f4068"  # of VOL_EBS, aws/ebs
# AMIs the account made (describe-images --owners self), from the snapshots above.
AMI_GOLDEN = "ami-0d5e8f1a2b3c4d5e6"  # from SNAP_ROOT (lab-volume-key), shared with OTHER_ACCOUNT
AMI_DATA = "ami-0f1e2d3c4b5a69788"  # from SNAP_DATA (unencrypted), public
AMI_SCRATCH = "ami-09a8b7c6d5e4f3a21"  # from SNAP_SCRATCH (aws/ebs), private
ENI = "eni-002ae243b99cac375"
SECURITY_GROUP = "sg-0e4491efd741ba1b8"
SUBNET = "subnet-0f731e0c0f20f32b5"
VPC = "vpc-07992a820c0505fad"
PRIVATE_IP = "172.31.22.187"
PUBLIC_IP = "54.164.87.213"  # given at the last start, 14:05:52
EC2_INFRA_SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/aws:ec2-infrastructure/{INSTANCE}"

# CloudTrail.
TRAIL_NAME = "lab-trail"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{TRAIL_NAME}"

# EFS file systems (fs- and 17 hex digits).
FS_SCRATCH = "fs-0b7e2c94d1a35f608"  # lab-scratch: not encrypted
FS_HOME = "fs-04d9a1f3e6c82b571"  # lab-home: alias/MyKMSKey
FS_MEDIA = "fs-0e3c58b1a7d9f2046"  # lab-media: aws/elasticfilesystem
FS_ARCHIVE = "fs-09a6f1d4c2e7b8305"  # lab-archive: alias/old-backup-key (PendingDeletion)

# Secrets Manager: name and the six random characters of its ARN.
SECRET_DB = ("lab/db/credentials", "Hq3Zk9")  # no KmsKeyId: aws/secretsmanager
SECRET_API = ("lab/app/partner-api", "p0Xw2M")  # alias/lab-volume-key (Disabled)
SECRET_REPORTS = ("lab/reports/smtp", "7TnqLd")  # alias/MyKMSKey, rotated every 30 days


def secret_arn(secret):
    name, suffix = secret
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}"


# When the lab was exported (make-export.py): the Expiration policy of the cut-over
# parameter was due before it, so the parameter is past its expiry at any later scan.
EXPORTED = "2026-11-20T14:27:00.000Z"
# DynamoDB tables.
TABLE_ORDERS = "lab-orders"  # DynamoDB's default, the AWS owned key
TABLE_SESSIONS = "lab-sessions"  # alias/app-data-key (customer managed)
TABLE_CARTS = "lab-carts"  # alias/aws/dynamodb (AWS managed)
TABLE_AUDIT = "lab-audit-log"  # alias/lab-volume-key (Disabled): INACCESSIBLE_ENCRYPTION_CREDENTIALS


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


# SQS queues.
QUEUE_JOBS = "lab-jobs"  # SSE-SQS
QUEUE_EVENTS = "lab-events"  # alias/aws/sqs
QUEUE_SCRATCH = "lab-scratch"  # not encrypted
QUEUE_ORDERS = "lab-orders-queue"  # alias/MyKMSKey (customer managed)
QUEUE_ARCHIVE = "lab-archive-queue"  # alias/lab-volume-key (Disabled)


def queue_url(name):
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def queue_arn(name):
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


# SNS topics.
TOPIC_ALERTS = "lab-alerts"  # no KMS key
TOPIC_BACKUPS = "lab-backup-notices"  # alias/lab-volume-key (Disabled)
TOPIC_DEPLOYS = "lab-deploys"  # alias/aws/sns
TOPIC_ORDERS = "lab-order-events"  # alias/MyKMSKey (customer managed)


def topic_arn(name):
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


# RDS: DB instances, Aurora clusters (with their member instances) and snapshots.
DB_SUBNET_GROUP = "default-vpc-07992a820c0505fad"
DB_APP = "lab-app-db"  # PostgreSQL, alias/app-data-key
DB_LEGACY = "lab-legacy-mysql"  # MySQL, unencrypted, publicly accessible
DB_REPORTS = "lab-reports-db"  # MariaDB, aws/rds
DB_ARCHIVE = "lab-archive-db"  # PostgreSQL, alias/old-backup-key (PendingDeletion)
CLUSTER_AURORA = "lab-aurora"  # Aurora PostgreSQL, aws/rds
CLUSTER_EVENTS = "lab-events"  # Aurora MySQL, unencrypted
CLUSTER_LEDGER = "lab-ledger"  # Aurora PostgreSQL, alias/MyKMSKey
CLUSTER_ANALYTICS = "lab-analytics"  # Aurora PostgreSQL, alias/old-backup-key, no instances
DB_AURORA_1 = "lab-aurora-instance-1"
DB_EVENTS_1 = "lab-events-instance-1"
DB_LEDGER_1 = "lab-ledger-instance-1"
DB_SNAP_EXPORT = "lab-legacy-mysql-export"  # unencrypted, public
DB_SNAP_SHARE = "lab-app-db-share"  # alias/app-data-key, shared with OTHER_ACCOUNT
DB_SNAP_UPGRADE = "lab-app-db-before-upgrade"  # copied under alias/lab-volume-key (Disabled)
DB_SNAP_AUTO = "rds:lab-app-db-2026-11-20-04-12"  # automated
CLUSTER_SNAP_EXPORT = "lab-events-export"  # unencrypted, public
CLUSTER_SNAP_DR = "lab-aurora-dr-copy"  # copied under alias/MyKMSKey, shared with OTHER_ACCOUNT
CLUSTER_SNAP_FINAL = "lab-analytics-final"  # alias/old-backup-key (PendingDeletion)
CLUSTER_SNAP_AUTO = "rds:lab-aurora-2026-11-20-05-03"  # automated


def rds_arn(kind, name):
    return f"arn:aws:rds:{REGION}:{ACCOUNT}:{kind}:{name}"
