#!/usr/bin/env python3
"""Writes samples/lab/123456789012/us-east-1/: the export of the AWS Academy lab account.

Run it from anywhere (`python3 samples/lab/make-export.py`); it rewrites the export directory
next to it. Standard library only.

Each file is what `aws <service> <api> --output json` (AWS CLI v2) prints for that call, in the
layout of docs/export-format.md: members in the order of the API model (botocore parses
responses in model order), paginated lists as the CLI assembles them (`Keys`, `Grants`, ...
without `Truncated`), timestamps as CLI v2 prints them (`datetime.isoformat()` of the parsed
value, so `2026-09-14T10:02:11.412000+00:00` or `2026-11-20T14:05:52+00:00`), 4-space
indentation, one trailing newline; a call that printed nothing is an empty file; a failed call
is an `.error.json` with the CLI's exit code (254) and its stderr.

The state is the one after the CloudTrail story of make-cloudtrail.py (2026-11-20 14:00-14:10
UTC), exported at about 14:27 UTC:

  bucket imagebucket-4172093       SSE-KMS under alias/MyKMSKey, no Bucket Key, no bucket policy;
                                   replicates to lab-replica-eu-2290461: one rule leaves SSE-KMS
                                   objects out, one uses the disabled eu-west-1 lab-dr-key replica
  bucket lab-public-assets-5863017 SSE-S3 (its SSE-KMS default was deleted), public-access block
                                   deleted, ACLs enabled, bucket ACL grants AllUsers READ
  bucket aws-cloudtrail-logs-...   the trail's bucket, SSE-S3, policy also lets 210987654321 read
  bucket lab-shared-data-2290461   SSE-KMS under aws/s3, policy "Principal": "*" s3:GetObject
  bucket lab-replica-eu-2290461    eu-west-1, SSE-S3, versioned: imagebucket's replica
  alias/MyKMSKey        Enabled, rotation on (365 days)
  alias/lab-volume-key  Disabled (encrypts the running instance's root volume and a snapshot)
  alias/old-backup-key  PendingDeletion (encrypts a snapshot)
  alias/app-data-key    Enabled, rotation off
  alias/aws/ebs, alias/aws/s3, alias/aws/dynamodb, alias/aws/sqs, alias/aws/sns, alias/aws/rds  AWS managed
  i-0af971c3c6aea78d2   running t3.micro; vol root (lab-volume-key), vol /dev/sdf (aws/ebs)
  vol-07ac84538bda72190 available, unencrypted; its snapshot is public
  EBS encryption by default off; trail lab-trail single-Region, no validation, no KMS key.
  alias/aws/elasticfilesystem, alias/aws/secretsmanager, alias/aws/ssm  AWS managed (first used in October)
  EFS lab-scratch unencrypted; lab-home on alias/MyKMSKey; lab-media on aws/elasticfilesystem;
      lab-archive on alias/old-backup-key (PendingDeletion)
  secrets lab/db/credentials on aws/secretsmanager (no KmsKeyId); lab/app/partner-api on
      alias/lab-volume-key (Disabled); lab/reports/smtp on alias/MyKMSKey, rotated every 30 days
  parameters /lab/app/api-token SecureString on alias/aws/ssm; /lab/app/signing-key SecureString on
      alias/app-data-key; /lab/app/cutover-credentials past its Expiration policy (2026-11-15, before
      the export: past at any later scan); /lab/app/legacy-ldap-bind SecureString on a key deleted
      in October; /lab/db/password a plain String; /lab/db/host a String (clean)
  No secret value and no parameter value is anywhere in the export: list-secrets and
  describe-parameters print metadata only.
  table lab-orders      DynamoDB's default (AWS owned key); lab-sessions on alias/app-data-key;
                        lab-carts on aws/dynamodb; lab-audit-log on lab-volume-key, which DynamoDB
                        reports inaccessible (INACCESSIBLE_ENCRYPTION_CREDENTIALS)
  queue lab-jobs        SSE-SQS (policy: only lab-order-events may send); lab-events on
                        alias/aws/sqs, policy lets anyone send; lab-scratch unencrypted;
                        lab-orders-queue on alias/MyKMSKey; lab-archive-queue on lab-volume-key
  topic lab-alerts      no KMS key, policy lets anyone subscribe; lab-backup-notices on
                        lab-volume-key; lab-deploys on alias/aws/sns; lab-order-events on
                        alias/MyKMSKey
  RDS instances  lab-app-db (app-data-key), lab-legacy-mysql (unencrypted, publicly accessible),
                 lab-reports-db (aws/rds), lab-archive-db (old-backup-key), and one member
                 instance in each of the clusters lab-aurora, lab-events and lab-ledger
  RDS clusters   lab-aurora (aws/rds), lab-events (unencrypted), lab-ledger (MyKMSKey),
                 lab-analytics (old-backup-key, stopped, no instances)
  DB snapshots   lab-legacy-mysql-export (unencrypted, public), lab-app-db-share (shared with
                 210987654321), lab-app-db-before-upgrade (lab-volume-key), one automated
  cluster snaps  lab-events-export (unencrypted, public), lab-aurora-dr-copy (MyKMSKey, shared
                 with 210987654321), lab-analytics-final (old-backup-key), one automated
"""

import json
import os
import shutil
import sys
from datetime import datetime, timezone

sys.dont_write_bytecode = True  # keep samples/lab free of __pycache__
import lab_ids as L  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, L.ACCOUNT, L.REGION)


# ---------------------------------------------------------------------------------------------
# Output helpers


def ts(value):
    """A timestamp as AWS CLI v2 prints it: botocore's parse_timestamp(...).isoformat().

    `value` is written as the wire gives it, `2026-09-14T10:02:11.412Z`; the exporting machine
    is taken to run in UTC (CloudShell, the lab's terminal), hence `+00:00`.
    """
    dt = datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z"
                           if "." in value else "%Y-%m-%dT%H:%M:%S%z")
    return dt.astimezone(timezone.utc).isoformat()


def path_for(service, api, resource=None, suffix=".json", region=L.REGION):
    name = api if resource is None else f"{api}--{resource.replace('%', '%25').replace('/', '%2F')}"
    return os.path.join(HERE, L.ACCOUNT, region, service, name + suffix)


def write(service, api, resource, data, region=L.REGION):
    """The CLI's JSON formatter: json.dump(indent=4, ensure_ascii=False) plus a newline,
    and nothing at all for an empty response."""
    path = path_for(service, api, resource, region=region)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if data != {}:
            f.write(json.dumps(data, indent=4, ensure_ascii=False) + "\n")


def write_error(service, api, resource, code, operation, message, region=L.REGION):
    path = path_for(service, api, resource, ".error.json", region)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    stderr = f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"exit_code": 254, "error_code": code, "stderr": stderr}, indent=4) + "\n")


def jackson(value, indent=0):
    """JSON as KMS stores the policies it writes itself (Jackson's default pretty printer):
    `"Key" : value`, two-space indentation, arrays inline as `[ a, b ]` / `[ {`...`}, {`...`} ]`."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = [f'{pad}  {json.dumps(k)} : {jackson(v, indent + 2)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(jackson(v, indent) for v in value) + " ]"
    return json.dumps(value)


def compact(value):
    """A bucket policy as S3 returns it: compact JSON."""
    return json.dumps(value, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# STS


def sts():
    write("sts", "get-caller-identity", None, {
        "UserId": L.SESSION_PRINCIPAL_ID,
        "Account": L.ACCOUNT,
        "Arn": L.SESSION_ARN,
    })


# ---------------------------------------------------------------------------------------------
# S3

OWNER = {"ID": L.CANONICAL_ID}  # S3 stopped returning Owner.DisplayName on 2025-11-21
OWNER_GRANT = {"Grantee": {"ID": L.CANONICAL_ID, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
SSE_C_BLOCKED = {"EncryptionType": ["SSE-C"]}  # the S3 default since April 2026

BUCKETS = {
    L.TRAIL_BUCKET: {
        "created": "2026-09-14T09:51:36.000Z",
        "encryption": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
            "BlockedEncryptionTypes": SSE_C_BLOCKED,
        }],
        "public_access_block": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck20150319",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{L.TRAIL_BUCKET}",
                    "Condition": {"StringEquals": {"AWS:SourceArn": L.TRAIL_ARN}},
                },
                {
                    "Sid": "AWSCloudTrailWrite20150319",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{L.TRAIL_BUCKET}/AWSLogs/{L.ACCOUNT}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": L.TRAIL_ARN,
                                                   "s3:x-amz-acl": "bucket-owner-full-control"}},
                },
                {
                    "Sid": "AuditAccountReadLogs",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{L.OTHER_ACCOUNT}:root"},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{L.TRAIL_BUCKET}/AWSLogs/{L.ACCOUNT}/*",
                },
            ],
        },
        "policy_public": False,
        "ownership": "BucketOwnerEnforced",
        "grants": [OWNER_GRANT],
        "versioning": {},
    },
    L.IMAGE_BUCKET: {
        "created": "2026-09-14T09:58:42.000Z",
        "encryption": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                   "KMSMasterKeyID": L.key_arn(L.KEY_MY)},
            "BucketKeyEnabled": False,
            "BlockedEncryptionTypes": SSE_C_BLOCKED,
        }],
        "public_access_block": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
        "policy": None,
        "ownership": "BucketOwnerEnforced",
        "grants": [OWNER_GRANT],
        "versioning": {"Status": "Enabled"},
    },
    L.PUBLIC_BUCKET: {
        "created": "2026-09-22T15:20:03.000Z",
        # DeleteBucketEncryption at 14:02:37 reset the default to SSE-S3.
        "encryption": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }],
        "public_access_block": None,  # DeleteBucketPublicAccessBlock at 14:01:29
        # A TLS-only policy: it makes nothing public, so PolicyStatus.IsPublic is false even
        # though the bucket ACL is public.
        "policy": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{L.PUBLIC_BUCKET}", f"arn:aws:s3:::{L.PUBLIC_BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }],
        },
        "policy_public": False,
        "ownership": "ObjectWriter",
        "grants": [OWNER_GRANT, {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}],
        "versioning": {},
    },
    L.SHARED_BUCKET: {
        "created": "2026-10-08T11:47:15.000Z",
        # SSE-KMS with the AWS managed key: the console's "aws/s3" choice sends no key id.
        "encryption": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
            "BucketKeyEnabled": True,
            "BlockedEncryptionTypes": SSE_C_BLOCKED,
        }],
        "public_access_block": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
        "policy": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "PublicReadGetObject",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{L.SHARED_BUCKET}/*",
            }],
        },
        "policy_public": True,
        "ownership": "BucketOwnerEnforced",
        "grants": [OWNER_GRANT],
        "versioning": {},
    },
    # The replica of imagebucket in eu-west-1: SSE-S3, versioned (replication needs it).
    L.REPLICA_BUCKET: {
        "created": "2026-10-21T08:12:44.000Z",
        "region": L.REPLICA_REGION,
        "encryption": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
            "BlockedEncryptionTypes": SSE_C_BLOCKED,
        }],
        "public_access_block": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
        "policy": None,
        "ownership": "BucketOwnerEnforced",
        "grants": [OWNER_GRANT],
        "versioning": {"Status": "Enabled"},
    },
}

# get-bucket-replication: imagebucket replicates to the eu-west-1 replica. Its first rule
# (everything) does not opt in to SSE-KMS objects, so the objects its default encryption writes
# are not replicated, and what is replicated lands under the replica's SSE-S3; its second rule
# (img/) opts in, with the eu-west-1 replica of alias/lab-dr-key, which is Disabled there.
REPLICATION = {
    L.IMAGE_BUCKET: {
        "Role": L.REPLICATION_ROLE,
        "Rules": [
            {
                "ID": "replicate-to-eu",
                "Priority": 1,
                "Filter": {"Prefix": ""},
                "Status": "Enabled",
                "Destination": {"Bucket": f"arn:aws:s3:::{L.REPLICA_BUCKET}", "StorageClass": "STANDARD"},
                "DeleteMarkerReplication": {"Status": "Disabled"},
            },
            {
                "ID": "replicate-images-kms",
                "Priority": 2,
                "Filter": {"Prefix": "img/"},
                "Status": "Enabled",
                "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                "Destination": {
                    "Bucket": f"arn:aws:s3:::{L.REPLICA_BUCKET}",
                    "EncryptionConfiguration": {"ReplicaKmsKeyID": L.key_arn(L.KEY_MRK, L.REPLICA_REGION)},
                },
                "DeleteMarkerReplication": {"Status": "Disabled"},
            },
        ],
    },
}


def s3():
    write("s3", "list-buckets", None, {
        "Buckets": [{"Name": name, "CreationDate": ts(b["created"]), "BucketRegion": b.get("region", L.REGION)}
                    for name, b in sorted(BUCKETS.items())],
        "Owner": OWNER,
        "Prefix": None,  # the CLI's paginator keeps this non-aggregated key, even when absent
    })
    for name, b in BUCKETS.items():
        # null for us-east-1
        write("s3", "get-bucket-location", name, {"LocationConstraint": b.get("region")})
        write("s3", "get-bucket-encryption", name, {"ServerSideEncryptionConfiguration": {"Rules": b["encryption"]}})
        if b["public_access_block"] is None:
            write_error("s3", "get-public-access-block", name, "NoSuchPublicAccessBlockConfiguration",
                        "GetPublicAccessBlock", "The public access block configuration was not found")
        else:
            write("s3", "get-public-access-block", name, {"PublicAccessBlockConfiguration": b["public_access_block"]})
        if b["policy"] is None:
            for api, op in (("get-bucket-policy", "GetBucketPolicy"), ("get-bucket-policy-status", "GetBucketPolicyStatus")):
                write_error("s3", api, name, "NoSuchBucketPolicy", op, "The bucket policy does not exist")
        else:
            write("s3", "get-bucket-policy", name, {"Policy": compact(b["policy"])})
            write("s3", "get-bucket-policy-status", name, {"PolicyStatus": {"IsPublic": b["policy_public"]}})
        write("s3", "get-bucket-acl", name, {"Owner": OWNER, "Grants": b["grants"]})
        write("s3", "get-bucket-ownership-controls", name,
              {"OwnershipControls": {"Rules": [{"ObjectOwnership": b["ownership"]}]}})
        write("s3", "get-bucket-versioning", name, b["versioning"])
        if name in REPLICATION:
            write("s3", "get-bucket-replication", name, {"ReplicationConfiguration": REPLICATION[name]})
        else:
            write_error("s3", "get-bucket-replication", name, "ReplicationConfigurationNotFoundError",
                        "GetBucketReplication", "The replication configuration was not found")


def s3control():
    # No account-level S3 Block Public Access.
    write_error("s3control", "get-public-access-block", None, "NoSuchPublicAccessBlockConfiguration",
                "GetPublicAccessBlock", "The public access block configuration was not found")


# ---------------------------------------------------------------------------------------------
# KMS

CONSOLE_ADMIN_ACTIONS = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
    "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
]


def console_key_policy():
    """The policy the KMS console writes when the voclabs role is both key administrator and key
    user, as the console submits it (4-space JSON) and KMS returns it."""
    return json.dumps({
        "Id": "key-consolepolicy-3",
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": L.ROOT_ARN}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": L.ROLE_ARN}, "Action": CONSOLE_ADMIN_ACTIONS, "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"AWS": L.ROLE_ARN},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"},
            {"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
             "Principal": {"AWS": L.ROLE_ARN},
             "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
        ],
    }, indent=4)


def api_default_key_policy():
    """The default policy KMS attaches to a key created by CreateKey without a policy."""
    return jackson({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                       "Principal": {"AWS": L.ROOT_ARN}, "Action": "kms:*", "Resource": "*"}],
    })


# What each AWS managed key's policy lets the account do through its service: the statement's
# service name, its actions, the policy id, and the metadata actions for the root.
AWS_MANAGED_POLICIES = {
    "ebs": ("EBS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:CreateGrant", "kms:DescribeKey"], "ec2", "auto-ebs-2",
            ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
    "s3": ("S3", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                  "kms:DescribeKey"], "s3", "auto-s3-2",
           ["kms:Describe*", "kms:Get*", "kms:List*"]),
    "elasticfilesystem": ("EFS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                  "kms:CreateGrant", "kms:DescribeKey"], "elasticfilesystem",
                          "auto-elasticfilesystem-1", ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
    "secretsmanager": ("AWS Secrets Manager", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                               "kms:CreateGrant", "kms:DescribeKey"], "secretsmanager",
                       "auto-secretsmanager-2", ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
    "ssm": ("AWS Systems Manager", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                    "kms:CreateGrant", "kms:DescribeKey"], "ssm", "auto-ssm-2",
            ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
    "dynamodb": ("Amazon DynamoDB", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                     "kms:CreateGrant", "kms:DescribeKey"], "dynamodb", "auto-dynamodb-1",
                 ["kms:Describe*", "kms:Get*", "kms:List*"]),
    "sqs": ("Amazon SQS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                           "kms:CreateGrant", "kms:DescribeKey"], "sqs", "auto-sqs-1",
            ["kms:Describe*", "kms:Get*", "kms:List*"]),
    "rds": ("RDS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey"], "rds", "auto-rds-2",
            ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
    "sns": ("Amazon SNS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                           "kms:CreateGrant", "kms:DescribeKey"], "sns", "auto-sns-1",
            ["kms:Describe*", "kms:Get*", "kms:List*"]),
}


def aws_managed_key_policy(service):
    """The policy of an AWS managed key (alias/aws/<service>), as KMS returns it."""
    sid, actions, endpoint, policy_id, meta = AWS_MANAGED_POLICIES[service]
    via = f"{endpoint}.{L.REGION}.amazonaws.com"
    return jackson({
        "Version": "2012-10-17",
        "Id": policy_id,
        "Statement": [
            {
                "Sid": f"Allow access through {sid} for all principals in the account that are authorized to use {sid}",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": actions,
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": L.ACCOUNT, "kms:ViaService": via}},
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": L.ROOT_ARN},
                "Action": meta,
                "Resource": "*",
            },
        ],
    })


def ebs_grant(key_id, grant_id, volume, created):
    return {
        "KeyId": L.key_arn(key_id),
        "GrantId": grant_id,
        "CreationDate": ts(created),
        "GranteePrincipal": L.EC2_INFRA_SESSION_ARN,
        "RetiringPrincipal": f"ec2.{L.REGION}.amazonaws.com",
        "IssuingAccount": L.ROOT_ARN,
        "Operations": ["Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"aws:ebs:id": volume}},
    }


KEYS = {
    L.KEY_MY: {
        "alias": "alias/MyKMSKey", "created": "2026-09-14T10:02:11.412Z", "description": "",
        "manager": "CUSTOMER", "state": "Enabled", "policy": console_key_policy(),
        "rotation": {"enabled": "2026-09-14T10:09:40.287Z"}, "grants": [], "tags": [],
    },
    L.KEY_VOLUME: {
        "alias": "alias/lab-volume-key", "created": "2026-09-14T10:04:27.905Z",
        "description": "Encrypts the LabInstance root volume",
        "manager": "CUSTOMER", "state": "Disabled", "policy": console_key_policy(),
        "rotation": {"enabled": "2026-09-14T10:04:58.630Z"},
        "grants": [ebs_grant(L.KEY_VOLUME, L.GRANT_VOLUME, L.VOL_ROOT, "2026-11-20T14:05:53.118Z")],
        "tags": [],
    },
    L.KEY_BACKUP: {
        "alias": "alias/old-backup-key", "created": "2026-03-02T08:15:44.019Z",
        "description": "Nightly EBS snapshot copies (retired)",
        "manager": "CUSTOMER", "state": "PendingDeletion", "policy": api_default_key_policy(),
        # ScheduleKeyDeletion at 2026-11-20T14:06:20.553Z with a 7-day waiting period.
        "deletion": "2026-11-27T14:06:20.553Z", "rotation": "pending-deletion",
        "grants": [], "tags": [{"TagKey": "Purpose", "TagValue": "backup"}],
    },
    L.KEY_APP: {
        "alias": "alias/app-data-key", "created": "2026-10-02T16:30:08.771Z",
        "description": "Application data",
        "manager": "CUSTOMER", "state": "Enabled", "policy": api_default_key_policy(),
        "rotation": None,  # DisableKeyRotation at 14:03:31
        "grants": [], "tags": [{"TagKey": "Project", "TagValue": "lab-app"}],
    },
    L.KEY_AWS_EBS: {
        "alias": "alias/aws/ebs", "created": "2026-09-14T10:35:19.402Z",
        "description": "Default key that protects my EBS volumes when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("ebs"),
        "rotation": {"enabled": "2026-09-14T10:35:19.402Z"},
        "grants": [ebs_grant(L.KEY_AWS_EBS, L.GRANT_AWS_EBS, L.VOL_EBS, "2026-11-20T14:05:53.261Z")],
        "tags": [],
    },
    L.KEY_IMPORTED: {
        "alias": "alias/lab-imported-key", "created": "2026-10-21T09:40:12.118Z",
        "description": "Partner data, key material imported from the on-premises HSM",
        "manager": "CUSTOMER", "state": "Enabled", "policy": api_default_key_policy(),
        # Imported material cannot rotate automatically; it was imported to expire on
        # 2026-12-05, two weeks after the export.
        "origin": "EXTERNAL", "valid_to": "2026-12-05T00:00:00.000Z",
        "rotation": "unsupported", "grants": [], "tags": [],
    },
    L.KEY_MRK: {
        "alias": "alias/lab-dr-key", "created": "2026-10-12T15:22:47.306Z",
        "description": "Disaster recovery copies (multi-Region)",
        "manager": "CUSTOMER", "state": "Enabled", "policy": console_key_policy(),
        "rotation": {"enabled": "2026-10-12T15:23:30.914Z"}, "grants": [], "tags": [],
        "multi_region": "PRIMARY",
    },
    L.KEY_AWS_S3: {
        "alias": "alias/aws/s3", "created": "2026-10-08T11:49:02.337Z",
        "description": "Default key that protects my S3 objects when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("s3"),
        "rotation": {"enabled": "2026-10-08T11:49:02.337Z"}, "grants": [], "tags": [],
    },
    # Created by AWS at the first use of each service's default key (efs(), secretsmanager(),
    # ssm() below).
    L.KEY_AWS_EFS: {
        "alias": "alias/aws/elasticfilesystem", "created": "2026-10-05T09:12:41.226Z",
        "description": "Default key that protects my EFS filesystems when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("elasticfilesystem"),
        "rotation": {"enabled": "2026-10-05T09:12:41.226Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_SECRETS: {
        "alias": "alias/aws/secretsmanager", "created": "2026-10-12T09:41:26.915Z",
        "description": "Default key that protects my Secrets Manager data when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("secretsmanager"),
        "rotation": {"enabled": "2026-10-12T09:41:26.915Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_SSM: {
        "alias": "alias/aws/ssm", "created": "2026-10-12T10:03:55.480Z",
        "description": "Default key that protects my SSM parameters when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("ssm"),
        "rotation": {"enabled": "2026-10-12T10:03:55.480Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_DYNAMODB: {
        "alias": "alias/aws/dynamodb", "created": "2026-10-12T15:20:41.508Z",
        "description": "Default key that protects my DynamoDB data when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("dynamodb"),
        "rotation": {"enabled": "2026-10-12T15:20:41.508Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_SQS: {
        "alias": "alias/aws/sqs", "created": "2026-10-14T09:03:17.226Z",
        "description": "Default key that protects my SQS messages when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("sqs"),
        "rotation": {"enabled": "2026-10-14T09:03:17.226Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_SNS: {
        "alias": "alias/aws/sns", "created": "2026-10-14T09:27:55.841Z",
        "description": "Default key that protects my SNS data when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("sns"),
        "rotation": {"enabled": "2026-10-14T09:27:55.841Z"}, "grants": [], "tags": [],
    },
    L.KEY_AWS_RDS: {
        "alias": "alias/aws/rds", "created": "2026-10-12T09:20:44.118Z",
        "description": "Default key that protects my RDS database volumes when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("rds"),
        "rotation": {"enabled": "2026-10-12T09:20:44.118Z"}, "grants": [], "tags": [],
    },
}

# Aliases of AWS managed keys that AWS has not created yet: list-aliases shows them without a
# target key or dates.
UNUSED_AWS_ALIASES = [
    "alias/aws/acm", "alias/aws/es",
    "alias/aws/glue", "alias/aws/kinesisvideo", "alias/aws/lambda",
    "alias/aws/redshift", "alias/aws/xray",
]


def next_rotation(enabled, now="2026-11-20T14:27:00.000Z"):
    """The next yearly rotation after `now` of a key whose rotation was enabled at `enabled`."""
    start = datetime.strptime(enabled, "%Y-%m-%dT%H:%M:%S.%fZ")
    year = int(now[:4])
    candidate = start.replace(year=year)
    if candidate.strftime("%Y-%m-%dT%H:%M:%S.%fZ") <= now:
        candidate = candidate.replace(year=year + 1)
    return candidate.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def multi_region_configuration(kind, key_id):
    return {
        "MultiRegionKeyType": kind,
        "PrimaryKey": {"Arn": L.key_arn(key_id), "Region": L.REGION},
        "ReplicaKeys": [{"Arn": L.key_arn(key_id, L.REPLICA_REGION), "Region": L.REPLICA_REGION}],
    }


def key_metadata(key_id, k, region=L.REGION):
    meta = {
        "AWSAccountId": L.ACCOUNT,
        "KeyId": key_id,
        "Arn": L.key_arn(key_id, region),
        "CreationDate": ts(k["created"]),
        "Enabled": k["state"] == "Enabled",
        "Description": k["description"],
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": k["state"],
    }
    if "deletion" in k:
        meta["DeletionDate"] = ts(k["deletion"])
    if "valid_to" in k:
        meta["ValidTo"] = ts(k["valid_to"])
    meta["Origin"] = k.get("origin", "AWS_KMS")
    if "valid_to" in k:
        meta["ExpirationModel"] = "KEY_MATERIAL_EXPIRES"
    meta.update({
        "KeyManager": k["manager"],
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
    })
    meta["MultiRegion"] = "multi_region" in k
    if "multi_region" in k:
        meta["MultiRegionConfiguration"] = multi_region_configuration(k["multi_region"], key_id)
    if "deletion" in k:
        meta["PendingDeletionWindowInDays"] = 7
    meta["CurrentKeyMaterialId"] = L.KEY_MATERIAL[key_id]
    return meta


def kms():
    write("kms", "list-keys", None, {
        "Keys": [{"KeyId": k, "KeyArn": L.key_arn(k)} for k in sorted(KEYS)],
    })
    aliases = [(k["alias"], key_id, k) for key_id, k in KEYS.items()]
    aliases += [(name, None, None) for name in UNUSED_AWS_ALIASES]
    entries = []
    for name, key_id, k in sorted(aliases):
        entry = {"AliasName": name, "AliasArn": f"arn:aws:kms:{L.REGION}:{L.ACCOUNT}:{name}"}
        if key_id is not None:
            entry["TargetKeyId"] = key_id
            entry["CreationDate"] = ts(k["created"])
            entry["LastUpdatedDate"] = ts(k["created"])
        entries.append(entry)
    write("kms", "list-aliases", None, {"Aliases": entries})

    for key_id, k in KEYS.items():
        write("kms", "describe-key", key_id, {"KeyMetadata": key_metadata(key_id, k)})

        write("kms", "get-key-policy", key_id, {"Policy": k["policy"], "PolicyName": "default"})

        rotation = k["rotation"]
        if rotation == "pending-deletion":
            write_error("kms", "get-key-rotation-status", key_id, "KMSInvalidStateException",
                        "GetKeyRotationStatus", f"{L.key_arn(key_id)} is pending deletion.")
        elif rotation == "unsupported":
            for api, operation in (("get-key-rotation-status", "GetKeyRotationStatus"),
                                   ("list-key-rotations", "ListKeyRotations")):
                write_error("kms", api, key_id, "UnsupportedOperationException", operation,
                            f"{L.key_arn(key_id)} origin is EXTERNAL which is not valid for this operation.")
        elif rotation is None:
            write("kms", "get-key-rotation-status", key_id,
                  {"KeyRotationEnabled": False, "KeyId": L.key_arn(key_id)})
        else:
            write("kms", "get-key-rotation-status", key_id, {
                "KeyRotationEnabled": True,
                "KeyId": L.key_arn(key_id),
                "RotationPeriodInDays": 365,
                "NextRotationDate": ts(next_rotation(rotation["enabled"])),
            })

        if rotation not in ("pending-deletion", "unsupported"):
            # No key of the lab is a year old: no rotation has happened yet.
            write("kms", "list-key-rotations", key_id, {"Rotations": []})
        write("kms", "list-grants", key_id, {"Grants": k["grants"]})
        write("kms", "list-resource-tags", key_id, {"Tags": k["tags"]})


# The replica of alias/lab-dr-key in eu-west-1: disabled there (while its primary is enabled)
# and given a policy of its own that also lets the partner account use it; one volume of that
# Region is encrypted with it. Only the KMS and volume calls were exported for that Region.
REPLICA = {
    "alias": "alias/lab-dr-key", "created": "2026-10-12T15:24:05.531Z",
    "description": "Disaster recovery copies (multi-Region)",
    "manager": "CUSTOMER", "state": "Disabled", "multi_region": "REPLICA",
}


def replica_key_policy():
    policy = json.loads(console_key_policy())
    policy["Statement"].append({
        "Sid": "Allow the partner account to decrypt", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{L.OTHER_ACCOUNT}:root"},
        "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
    })
    return json.dumps(policy, indent=4)


def replica_region():
    region, key_id = L.REPLICA_REGION, L.KEY_MRK
    arn = L.key_arn(key_id, region)
    write("kms", "list-keys", None, {"Keys": [{"KeyId": key_id, "KeyArn": arn}]}, region)
    write("kms", "list-aliases", None, {"Aliases": [{
        "AliasName": REPLICA["alias"],
        "AliasArn": f"arn:aws:kms:{region}:{L.ACCOUNT}:{REPLICA['alias']}",
        "TargetKeyId": key_id,
        "CreationDate": ts(REPLICA["created"]),
        "LastUpdatedDate": ts(REPLICA["created"]),
    }]}, region)
    write("kms", "describe-key", key_id, {"KeyMetadata": key_metadata(key_id, REPLICA, region)}, region)
    write("kms", "get-key-policy", key_id, {"Policy": replica_key_policy(), "PolicyName": "default"},
          region)
    write_error("kms", "get-key-rotation-status", key_id, "KMSInvalidStateException",
                "GetKeyRotationStatus", f"{arn} is disabled.", region)
    write("kms", "list-grants", key_id, {"Grants": []}, region)
    write("kms", "list-resource-tags", key_id, {"Tags": []}, region)
    write("ec2", "describe-volumes", None, {"Volumes": [{
        "Iops": 3000,
        "VolumeType": "gp3",
        "MultiAttachEnabled": False,
        "Throughput": 125,
        "Operator": OPERATOR,
        "VolumeId": L.VOL_DR,
        "Size": 20,
        "SnapshotId": "",
        "AvailabilityZone": L.REPLICA_AZ,
        "State": "available",
        "CreateTime": ts("2026-10-12T15:31:18.000Z"),
        "Attachments": [],
        "Encrypted": True,
        "KmsKeyId": arn,
    }]}, region)


# ---------------------------------------------------------------------------------------------
# EC2

OPERATOR = {"Managed": False}


def volume(vol_id, size, created, snapshot, tags, attachment=None, kms_key=None):
    v = {"Iops": 3000}
    if tags:  # EC2 leaves tagSet out of the response when a volume has no tags
        v["Tags"] = tags
    v.update({
        "VolumeType": "gp3",
        "MultiAttachEnabled": False,
        "Throughput": 125,
        "Operator": OPERATOR,
        "VolumeId": vol_id,
        "Size": size,
        "SnapshotId": snapshot,
        "AvailabilityZone": L.AZ,
        "State": "in-use" if attachment else "available",
        "CreateTime": ts(created),
        "Attachments": [],
        "Encrypted": kms_key is not None,
    })
    if attachment:
        device, attached = attachment
        v["Attachments"] = [{
            "DeleteOnTermination": device == "/dev/xvda",
            "VolumeId": vol_id,
            "InstanceId": L.INSTANCE,
            "Device": device,
            "State": "attached",
            "AttachTime": ts(attached),
        }]
    if kms_key:
        v["KmsKeyId"] = L.key_arn(kms_key)
    return v


ROOT_ATTACHED = "2026-09-14T10:35:19.000Z"
SDF_ATTACHED = "2026-10-05T09:12:44.000Z"


def snapshot(snap_id, vol_id, size, started, completed, description, tags, kms_key=None,
             full_size=None, copy=False):
    s = {"Tags": tags, "StorageTier": "standard"}
    if copy:
        s["TransferType"] = "standard"
    s.update({
        "CompletionTime": ts(completed),
        "FullSnapshotSizeInBytes": full_size,
        "SnapshotId": snap_id,
        "VolumeId": vol_id,
        "State": "completed",
        "StartTime": ts(started),
        "Progress": "100%",
        "OwnerId": L.ACCOUNT,
        "Description": description,
        "VolumeSize": size,
        "Encrypted": kms_key is not None,
    })
    if kms_key:
        s["KmsKeyId"] = L.key_arn(kms_key)
    return s


def image(image_id, name, created, description, snap_id, size, kms_key, public):
    ebs = {"DeleteOnTermination": True, "SnapshotId": snap_id, "VolumeSize": size, "VolumeType": "gp3"}
    if kms_key:
        ebs["KmsKeyId"] = L.key_arn(kms_key)
    ebs["Encrypted"] = kms_key is not None
    return {
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "BlockDeviceMappings": [{"Ebs": ebs, "DeviceName": "/dev/xvda"}],
        "Description": description,
        "EnaSupport": True,
        "Hypervisor": "xen",
        "Name": name,
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "SriovNetSupport": "simple",
        "VirtualizationType": "hvm",
        "BootMode": "uefi-preferred",
        "ImdsSupport": "v2.0",
        "SourceInstanceId": L.INSTANCE,
        "DeregistrationProtection": "disabled",
        "ImageId": image_id,
        "ImageLocation": f"{L.ACCOUNT}/{name}",
        "State": "available",
        "OwnerId": L.ACCOUNT,
        "CreationDate": ts(created),
        "Public": public,
        "Architecture": "x86_64",
        "ImageType": "machine",
    }


def images():
    made = [
        (image(L.AMI_GOLDEN, "lab-app-golden-2026-10", "2026-10-01T12:05:44.000Z",
               "LabInstance after patching", L.SNAP_ROOT, 8, L.KEY_VOLUME, False),
         [{"UserId": L.OTHER_ACCOUNT}]),
        (image(L.AMI_DATA, "lab-data-image", "2026-10-03T08:47:02.000Z",
               "lab-data for the class", L.SNAP_DATA, 10, None, True),
         [{"Group": "all"}]),
        (image(L.AMI_SCRATCH, "lab-scratch", "2026-10-20T10:18:30.000Z",
               "", L.SNAP_SCRATCH, 5, L.KEY_AWS_EBS, False),
         []),
    ]
    write("ec2", "describe-images", None, {"Images": [i for i, _ in made]})
    for i, perms in made:
        write("ec2", "describe-image-attribute", i["ImageId"],
              {"ImageId": i["ImageId"], "LaunchPermissions": perms})


def ec2():
    write("ec2", "describe-volumes", None, {"Volumes": [
        volume(L.VOL_ROOT, 8, "2026-09-14T10:35:18.911Z", L.AMI_SNAPSHOT, [],
               ("/dev/xvda", ROOT_ATTACHED), L.KEY_VOLUME),
        volume(L.VOL_DATA, 10, "2026-09-20T13:02:51.376Z", "", [{"Key": "Name", "Value": "lab-data"}]),
        volume(L.VOL_EBS, 5, "2026-10-05T09:11:58.044Z", "", [{"Key": "Name", "Value": "lab-scratch"}],
               ("/dev/sdf", SDF_ATTACHED), L.KEY_AWS_EBS),
    ]})

    snapshots = [
        snapshot(L.SNAP_ROOT, L.VOL_ROOT, 8, "2026-10-01T12:00:31.552Z", "2026-10-01T12:03:09.178Z",
                 "LabInstance root before patching", [{"Key": "Name", "Value": "labinstance-root"}],
                 L.KEY_VOLUME, full_size=2146959360),
        snapshot(L.SNAP_DATA, L.VOL_DATA, 10, "2026-10-03T08:44:12.805Z", "2026-10-03T08:45:40.671Z",
                 "lab-data export for the class", [{"Key": "Name", "Value": "lab-data-share"}],
                 full_size=734003200),
        snapshot(L.SNAP_BACKUP, "vol-ffffffff", 8, "2026-06-15T02:00:14.117Z", "2026-06-15T02:06:52.930Z",
                 f"[Copied {L.SNAP_BACKUP_SOURCE} from us-east-1]", [{"Key": "Name", "Value": "nightly-2026-06-15"}],
                 L.KEY_BACKUP, full_size=1937768448, copy=True),
        snapshot(L.SNAP_SCRATCH, L.VOL_EBS, 5, "2026-10-20T10:15:07.330Z", "2026-10-20T10:16:41.902Z",
                 "lab-scratch image", [], L.KEY_AWS_EBS, full_size=402653184),
    ]
    write("ec2", "describe-snapshots", None, {"Snapshots": snapshots})
    shared = {
        L.SNAP_DATA: [{"Group": "all"}],
        # Shared for the partner's restore tests; the key's policy does not let it in.
        L.SNAP_ROOT: [{"UserId": L.OTHER_ACCOUNT}],
    }
    for s in snapshots:
        write("ec2", "describe-snapshot-attribute", s["SnapshotId"],
              {"SnapshotId": s["SnapshotId"], "CreateVolumePermissions": shared.get(s["SnapshotId"], [])})
    images()

    public_dns = f"ec2-{L.PUBLIC_IP.replace('.', '-')}.compute-1.amazonaws.com"
    private_dns = f"ip-{L.PRIVATE_IP.replace('.', '-')}.ec2.internal"
    association = {"IpOwnerId": "amazon", "PublicDnsName": public_dns, "PublicIp": L.PUBLIC_IP}
    group = {"GroupId": L.SECURITY_GROUP, "GroupName": "LabSecurityGroup"}
    instance = {
        "Architecture": "x86_64",
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": ts(ROOT_ATTACHED), "DeleteOnTermination": True,
                                                "Status": "attached", "VolumeId": L.VOL_ROOT}},
            {"DeviceName": "/dev/sdf", "Ebs": {"AttachTime": ts(SDF_ATTACHED), "DeleteOnTermination": False,
                                               "Status": "attached", "VolumeId": L.VOL_EBS}},
        ],
        "ClientToken": "c1883-LabIn-1R7Q2ZP4M6XKD",
        "EbsOptimized": True,
        "EnaSupport": True,
        "Hypervisor": "xen",
        "IamInstanceProfile": {
            "Arn": f"arn:aws:iam::{L.ACCOUNT}:instance-profile/LabInstanceProfile",
            "Id": "AIPARZ5GXN5KQ4TGCY7MB",
        },
        "NetworkInterfaces": [{
            "Association": association,
            "Attachment": {
                "AttachTime": ts("2026-09-14T10:35:18.000Z"),
                "AttachmentId": "eni-attach-0c57d1f9a3e2b8460",
                "DeleteOnTermination": True,
                "DeviceIndex": 0,
                "Status": "attached",
                "NetworkCardIndex": 0,
            },
            "Description": "",
            "Groups": [group],
            "Ipv6Addresses": [],
            "MacAddress": "0a:5e:3c:91:d7:2b",
            "NetworkInterfaceId": L.ENI,
            "OwnerId": L.ACCOUNT,
            "PrivateDnsName": private_dns,
            "PrivateIpAddress": L.PRIVATE_IP,
            "PrivateIpAddresses": [{
                "Association": association,
                "Primary": True,
                "PrivateDnsName": private_dns,
                "PrivateIpAddress": L.PRIVATE_IP,
            }],
            "SourceDestCheck": True,
            "Status": "in-use",
            "SubnetId": L.SUBNET,
            "VpcId": L.VPC,
            "InterfaceType": "interface",
            "Operator": OPERATOR,
        }],
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "SecurityGroups": [group],
        "SourceDestCheck": True,
        "Tags": [
            {"Key": "aws:cloudformation:logical-id", "Value": "LabInstance"},
            {"Key": "Name", "Value": "LabInstance"},
            {"Key": "aws:cloudformation:stack-name", "Value": "c1883254a9417562l1283417t1w123456789012"},
            {"Key": "aws:cloudformation:stack-id",
             "Value": f"arn:aws:cloudformation:{L.REGION}:{L.ACCOUNT}:stack/c1883254a9417562l1283417t1w123456789012/5d0c2e70-921b-11f1-8c4a-0e7f3d2b91a5"},
        ],
        "VirtualizationType": "hvm",
        "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
        "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
        "HibernationOptions": {"Configured": False},
        "MetadataOptions": {
            "State": "applied",
            "HttpTokens": "required",
            "HttpPutResponseHopLimit": 2,
            "HttpEndpoint": "enabled",
            "HttpProtocolIpv6": "disabled",
            "InstanceMetadataTags": "disabled",
        },
        "EnclaveOptions": {"Enabled": False},
        "BootMode": "uefi-preferred",
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "UsageOperationUpdateTime": ts("2026-09-14T10:35:18.000Z"),
        "PrivateDnsNameOptions": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        "MaintenanceOptions": {"AutoRecovery": "default", "RebootMigration": "default"},
        "CurrentInstanceBootMode": "uefi",
        "NetworkPerformanceOptions": {"BandwidthWeighting": "default"},
        "Operator": OPERATOR,
        "InstanceId": L.INSTANCE,
        "ImageId": L.AMI,
        "State": {"Code": 16, "Name": "running"},
        "PrivateDnsName": private_dns,
        "PublicDnsName": public_dns,
        "StateTransitionReason": "",
        "KeyName": "vockey",
        "AmiLaunchIndex": 0,
        "ProductCodes": [],
        "InstanceType": "t3.micro",
        "LaunchTime": ts("2026-11-20T14:05:52.000Z"),
        "Placement": {"GroupName": "", "Tenancy": "default", "AvailabilityZone": L.AZ},
        "Monitoring": {"State": "disabled"},
        "SubnetId": L.SUBNET,
        "VpcId": L.VPC,
        "PrivateIpAddress": L.PRIVATE_IP,
        "PublicIpAddress": L.PUBLIC_IP,
    }
    write("ec2", "describe-instances", None, {"Reservations": [{
        "ReservationId": L.RESERVATION,
        "OwnerId": L.ACCOUNT,
        "Groups": [],
        "Instances": [instance],
    }]})

    write("ec2", "get-ebs-encryption-by-default", None, {"EbsEncryptionByDefault": False})
    write("ec2", "get-ebs-default-kms-key-id", None, {"KmsKeyId": "alias/aws/ebs"})
    write("ec2", "get-snapshot-block-public-access-state", None, {"State": "unblocked", "ManagedBy": "account"})


# ---------------------------------------------------------------------------------------------
# RDS

# Member order of the API model's shapes (botocore prints members in this order).
DB_INSTANCE_ORDER = [
    "DBInstanceIdentifier", "DBInstanceClass", "Engine", "DBInstanceStatus", "MasterUsername",
    "DBName", "Endpoint", "AllocatedStorage", "InstanceCreateTime", "PreferredBackupWindow",
    "BackupRetentionPeriod", "DBSecurityGroups", "VpcSecurityGroups", "DBParameterGroups",
    "AvailabilityZone", "DBSubnetGroup", "PreferredMaintenanceWindow", "PendingModifiedValues",
    "LatestRestorableTime", "MultiAZ", "EngineVersion", "AutoMinorVersionUpgrade",
    "ReadReplicaDBInstanceIdentifiers", "ReadReplicaDBClusterIdentifiers", "LicenseModel",
    "StorageThroughput", "OptionGroupMemberships", "PubliclyAccessible", "StorageType",
    "StorageEncryptionType", "DbInstancePort", "DBClusterIdentifier", "StorageEncrypted",
    "KmsKeyId", "DbiResourceId", "CACertificateIdentifier", "DomainMemberships",
    "CopyTagsToSnapshot", "MonitoringInterval", "PromotionTier", "DBInstanceArn",
    "IAMDatabaseAuthenticationEnabled", "DatabaseInsightsMode", "PerformanceInsightsEnabled",
    "DeletionProtection", "AssociatedRoles", "TagList", "CustomerOwnedIpEnabled", "NetworkType",
    "BackupTarget", "CertificateDetails", "DedicatedLogVolume", "IsStorageConfigUpgradeAvailable",
    "EngineLifecycleSupport",
]
DB_CLUSTER_ORDER = [
    "AllocatedStorage", "AvailabilityZones", "BackupRetentionPeriod", "DatabaseName",
    "DBClusterIdentifier", "DBClusterParameterGroup", "DBSubnetGroup", "Status",
    "EarliestRestorableTime", "Endpoint", "ReaderEndpoint", "MultiAZ", "Engine", "EngineVersion",
    "LatestRestorableTime", "Port", "MasterUsername", "PreferredBackupWindow",
    "PreferredMaintenanceWindow", "ReadReplicaIdentifiers", "DBClusterMembers", "VpcSecurityGroups",
    "HostedZoneId", "StorageEncrypted", "StorageEncryptionType", "KmsKeyId", "DbClusterResourceId",
    "DBClusterArn", "AssociatedRoles", "IAMDatabaseAuthenticationEnabled", "ClusterCreateTime",
    "EngineMode", "AutoMinorVersionUpgrade", "DeletionProtection", "HttpEndpointEnabled",
    "CopyTagsToSnapshot", "CrossAccountClone", "DomainMemberships", "TagList", "NetworkType",
    "EngineLifecycleSupport",
]
DB_SNAPSHOT_ORDER = [
    "DBSnapshotIdentifier", "DBInstanceIdentifier", "SnapshotCreateTime", "Engine",
    "AllocatedStorage", "Status", "Port", "AvailabilityZone", "VpcId", "InstanceCreateTime",
    "MasterUsername", "EngineVersion", "LicenseModel", "SnapshotType", "OptionGroupName",
    "PercentProgress", "SourceRegion", "SourceDBSnapshotIdentifier", "StorageType", "Encrypted",
    "StorageEncryptionType", "KmsKeyId", "DBSnapshotArn", "IAMDatabaseAuthenticationEnabled",
    "ProcessorFeatures", "DbiResourceId", "TagList", "SnapshotTarget", "OriginalSnapshotCreateTime",
    "MultiTenant", "DedicatedLogVolume",
]
DB_CLUSTER_SNAPSHOT_ORDER = [
    "AvailabilityZones", "DBClusterSnapshotIdentifier", "DBClusterIdentifier", "SnapshotCreateTime",
    "Engine", "EngineMode", "AllocatedStorage", "Status", "Port", "VpcId", "ClusterCreateTime",
    "MasterUsername", "EngineVersion", "LicenseModel", "SnapshotType", "PercentProgress",
    "StorageEncrypted", "StorageEncryptionType", "KmsKeyId", "DBClusterSnapshotArn",
    "SourceDBClusterSnapshotArn", "IAMDatabaseAuthenticationEnabled", "TagList", "StorageType",
    "DbClusterResourceId",
]


def in_order(order, members):
    """`members` in the model's member order; a member the order does not list is a bug here."""
    unknown = [k for k in members if k not in order]
    assert not unknown, unknown
    return {k: members[k] for k in order if k in members}


AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
DB_SUBNETS = [("subnet-0f731e0c0f20f32b5", "us-east-1c"), ("subnet-03b1d77e42c0a9f18", "us-east-1a"),
              ("subnet-0c6e2a95d4b83f701", "us-east-1b")]
DB_SECURITY_GROUP = "sg-0a6d3f91c4e27b580"
RDS_ENDPOINT_SUFFIX = "c9akciq32lj4.us-east-1.rds.amazonaws.com"
RDS_ZONE = "Z2R2ITUGPM61AM"  # the Route 53 zone of RDS endpoints in us-east-1
CA = {"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": ts("2027-10-11T09:18:00.000Z")}


def subnet_group():
    return {
        "DBSubnetGroupName": L.DB_SUBNET_GROUP,
        "DBSubnetGroupDescription": L.DB_SUBNET_GROUP,
        "VpcId": L.VPC,
        "SubnetGroupStatus": "Complete",
        "Subnets": [{"SubnetIdentifier": sid, "SubnetAvailabilityZone": {"Name": az},
                     "SubnetOutpost": {}, "SubnetStatus": "Active"} for sid, az in DB_SUBNETS],
    }


def resource_id(prefix, name):
    """An RDS resource id (`db-` or `cluster-` and 26 upper-case letters and digits), fixed per name."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    h = int.from_bytes(name.encode(), "big") * 2654435761 % (1 << 130)
    return prefix + "".join(alphabet[(h >> (5 * i)) & 31] for i in range(26))


ENGINES = {
    "postgres": {"port": 5432, "license": "postgresql-license", "params": "default.postgres16",
                 "options": "default:postgres-16", "user": "postgres"},
    "mysql": {"port": 3306, "license": "general-public-license", "params": "default.mysql8.0",
              "options": "default:mysql-8-0", "user": "admin"},
    "mariadb": {"port": 3306, "license": "general-public-license", "params": "default.mariadb10.11",
                "options": "default:mariadb-10-11", "user": "admin"},
    "aurora-postgresql": {"port": 5432, "license": "postgresql-license",
                          "params": "default.aurora-postgresql16", "options": "default:aurora-postgresql-16",
                          "user": "postgres"},
    "aurora-mysql": {"port": 3306, "license": "general-public-license", "params": "default.aurora-mysql8.0",
                     "options": "default:aurora-mysql-8-0", "user": "admin"},
}

# name: engine, version, class, created, zone, key (None: unencrypted), public, cluster, tags.
DB_INSTANCES = [
    (L.DB_APP, "postgres", "16.4", "db.t4g.micro", "2026-10-02T16:41:27.355Z", 2, L.KEY_APP, False, None,
     [{"Key": "Project", "Value": "lab-app"}]),
    (L.DB_LEGACY, "mysql", "8.0.39", "db.t3.micro", "2026-09-22T15:31:08.912Z", 0, None, True, None,
     [{"Key": "Name", "Value": "legacy"}]),
    (L.DB_REPORTS, "mariadb", "10.11.9", "db.t4g.micro", "2026-10-12T09:20:51.604Z", 1, L.KEY_AWS_RDS, False,
     None, []),
    (L.DB_ARCHIVE, "postgres", "15.8", "db.t4g.micro", "2026-03-02T08:31:12.448Z", 2, L.KEY_BACKUP, False,
     None, [{"Key": "Purpose", "Value": "backup"}]),
    (L.DB_AURORA_1, "aurora-postgresql", "16.4", "db.t4g.medium", "2026-10-12T09:31:05.270Z", 0,
     L.KEY_AWS_RDS, False, L.CLUSTER_AURORA, []),
    (L.DB_EVENTS_1, "aurora-mysql", "8.0.mysql_aurora.3.08.0", "db.t4g.medium", "2026-10-20T07:12:39.081Z", 1,
     None, False, L.CLUSTER_EVENTS, []),
    (L.DB_LEDGER_1, "aurora-postgresql", "16.4", "db.r6g.large", "2026-11-02T10:04:55.716Z", 2, L.KEY_MY,
     False, L.CLUSTER_LEDGER, [{"Key": "Project", "Value": "ledger"}]),
]

# name: engine, version, created, key, members, status.
DB_CLUSTERS = [
    (L.CLUSTER_AURORA, "aurora-postgresql", "16.4", "2026-10-12T09:24:16.540Z", L.KEY_AWS_RDS, [L.DB_AURORA_1],
     "available"),
    (L.CLUSTER_EVENTS, "aurora-mysql", "8.0.mysql_aurora.3.08.0", "2026-10-20T07:05:02.663Z", None,
     [L.DB_EVENTS_1], "available"),
    (L.CLUSTER_LEDGER, "aurora-postgresql", "16.4", "2026-11-02T09:58:31.129Z", L.KEY_MY, [L.DB_LEDGER_1],
     "available"),
    (L.CLUSTER_ANALYTICS, "aurora-postgresql", "15.8", "2026-03-02T08:40:57.301Z", L.KEY_BACKUP, [],
     "stopped"),
]


def db_instance(name, engine, version, klass, created, zone, key, public, cluster, tags):
    e = ENGINES[engine]
    aurora = cluster is not None
    i = {
        "DBInstanceIdentifier": name,
        "DBInstanceClass": klass,
        "Engine": engine,
        "DBInstanceStatus": "available",
        "MasterUsername": e["user"],
        "Endpoint": {"Address": f"{name}.{RDS_ENDPOINT_SUFFIX}", "Port": e["port"], "HostedZoneId": RDS_ZONE},
        "AllocatedStorage": 1 if aurora else 20,
        "InstanceCreateTime": ts(created),
        "PreferredBackupWindow": "04:05-04:35",
        "BackupRetentionPeriod": 7 if not aurora else 1,
        "DBSecurityGroups": [],
        "VpcSecurityGroups": [{"VpcSecurityGroupId": DB_SECURITY_GROUP, "Status": "active"}],
        "DBParameterGroups": [{"DBParameterGroupName": e["params"], "ParameterApplyStatus": "in-sync"}],
        "AvailabilityZone": AZS[zone],
        "DBSubnetGroup": subnet_group(),
        "PreferredMaintenanceWindow": "sun:06:12-sun:06:42",
        "PendingModifiedValues": {},
        "MultiAZ": False,
        "EngineVersion": version,
        "AutoMinorVersionUpgrade": True,
        "ReadReplicaDBInstanceIdentifiers": [],
        "ReadReplicaDBClusterIdentifiers": [],
        "LicenseModel": e["license"],
        "OptionGroupMemberships": [{"OptionGroupName": e["options"], "Status": "in-sync"}],
        "PubliclyAccessible": public,
        "StorageType": "aurora" if aurora else "gp3",
        "StorageEncryptionType": "none" if key is None else "sse-kms",
        "DbInstancePort": 0,
    }
    if not aurora:
        i["LatestRestorableTime"] = ts("2026-11-20T14:20:00.000Z")
        i["StorageThroughput"] = 125
    if aurora:
        i["DBClusterIdentifier"] = cluster
        i["PromotionTier"] = 1
    i["StorageEncrypted"] = key is not None
    if key is not None:
        i["KmsKeyId"] = L.key_arn(key)
    i.update({
        "DbiResourceId": resource_id("db-", name),
        "CACertificateIdentifier": CA["CAIdentifier"],
        "DomainMemberships": [],
        "CopyTagsToSnapshot": True,
        "MonitoringInterval": 0,
        "DBInstanceArn": L.rds_arn("db", name),
        "IAMDatabaseAuthenticationEnabled": False,
        "DatabaseInsightsMode": "standard",
        "PerformanceInsightsEnabled": False,
        "DeletionProtection": False,
        "AssociatedRoles": [],
        "TagList": tags,
        "CustomerOwnedIpEnabled": False,
        "BackupTarget": "region",
        "NetworkType": "IPV4",
        "CertificateDetails": CA,
        "DedicatedLogVolume": False,
        "IsStorageConfigUpgradeAvailable": False,
        "EngineLifecycleSupport": "open-source-rds-extended-support",
    })
    return in_order(DB_INSTANCE_ORDER, i)


def db_cluster(name, engine, version, created, key, members, status):
    e = ENGINES[engine]
    c = {
        "AllocatedStorage": 1,
        "AvailabilityZones": AZS,
        "BackupRetentionPeriod": 1,
        "DBClusterIdentifier": name,
        "DBClusterParameterGroup": e["params"],
        "DBSubnetGroup": L.DB_SUBNET_GROUP,
        "Status": status,
        "EarliestRestorableTime": ts(created),
        "Endpoint": f"{name}.cluster-{RDS_ENDPOINT_SUFFIX}",
        "ReaderEndpoint": f"{name}.cluster-ro-{RDS_ENDPOINT_SUFFIX}",
        "MultiAZ": False,
        "Engine": engine,
        "EngineVersion": version,
        "LatestRestorableTime": ts("2026-11-20T14:21:37.000Z"),
        "Port": e["port"],
        "MasterUsername": e["user"],
        "PreferredBackupWindow": "05:02-05:32",
        "PreferredMaintenanceWindow": "sat:08:15-sat:08:45",
        "ReadReplicaIdentifiers": [],
        "DBClusterMembers": [{"DBInstanceIdentifier": m, "IsClusterWriter": True,
                              "DBClusterParameterGroupStatus": "in-sync", "PromotionTier": 1} for m in members],
        "VpcSecurityGroups": [{"VpcSecurityGroupId": DB_SECURITY_GROUP, "Status": "active"}],
        "HostedZoneId": RDS_ZONE,
        "StorageEncrypted": key is not None,
        "StorageEncryptionType": "none" if key is None else "sse-kms",
    }
    if key is not None:
        c["KmsKeyId"] = L.key_arn(key)
    c.update({
        "DbClusterResourceId": resource_id("cluster-", name),
        "DBClusterArn": L.rds_arn("cluster", name),
        "AssociatedRoles": [],
        "IAMDatabaseAuthenticationEnabled": False,
        "ClusterCreateTime": ts(created),
        "EngineMode": "provisioned",
        "DeletionProtection": False,
        "HttpEndpointEnabled": False,
        "CopyTagsToSnapshot": True,
        "CrossAccountClone": False,
        "DomainMemberships": [],
        "TagList": [],
        "AutoMinorVersionUpgrade": True,
        "NetworkType": "IPV4",
        "EngineLifecycleSupport": "open-source-rds-extended-support",
    })
    return in_order(DB_CLUSTER_ORDER, c)


# name, instance, type, created, key, restore values, copied from (a snapshot ARN) or None.
DB_SNAPSHOTS = [
    (L.DB_SNAP_EXPORT, L.DB_LEGACY, "manual", "2026-10-03T09:12:40.507Z", None, ["all"], None),
    (L.DB_SNAP_SHARE, L.DB_APP, "manual", "2026-11-05T11:02:18.233Z", L.KEY_APP, [L.OTHER_ACCOUNT], None),
    (L.DB_SNAP_UPGRADE, L.DB_APP, "manual", "2026-10-28T17:44:03.962Z", L.KEY_VOLUME, [],
     L.rds_arn("snapshot", "lab-app-db-pre-16")),
    (L.DB_SNAP_AUTO, L.DB_APP, "automated", "2026-11-20T04:12:09.114Z", L.KEY_APP, None, None),
]

DB_CLUSTER_SNAPSHOTS = [
    (L.CLUSTER_SNAP_EXPORT, L.CLUSTER_EVENTS, "manual", "2026-11-10T13:30:22.418Z", None, ["all"], None),
    (L.CLUSTER_SNAP_DR, L.CLUSTER_AURORA, "manual", "2026-11-12T08:00:51.097Z", L.KEY_MY, [L.OTHER_ACCOUNT],
     L.rds_arn("cluster-snapshot", "lab-aurora-2026-11-12")),
    (L.CLUSTER_SNAP_FINAL, L.CLUSTER_ANALYTICS, "manual", "2026-06-15T02:20:37.746Z", L.KEY_BACKUP, [], None),
    (L.CLUSTER_SNAP_AUTO, L.CLUSTER_AURORA, "automated", "2026-11-20T05:03:44.580Z", L.KEY_AWS_RDS, None, None),
]


def db_snapshot(name, instance, kind, created, key, _restore, source):
    i = next(x for x in DB_INSTANCES if x[0] == instance)
    engine, version, zone = i[1], i[2], i[5]
    e = ENGINES[engine]
    s = {
        "DBSnapshotIdentifier": name,
        "DBInstanceIdentifier": instance,
        "SnapshotCreateTime": ts(created),
        "Engine": engine,
        "AllocatedStorage": 20,
        "Status": "available",
        "Port": e["port"],
        "AvailabilityZone": AZS[zone],
        "VpcId": L.VPC,
        "InstanceCreateTime": ts(i[4]),
        "MasterUsername": e["user"],
        "EngineVersion": version,
        "LicenseModel": e["license"],
        "SnapshotType": kind,
        "OptionGroupName": e["options"],
        "PercentProgress": 100,
        "StorageType": "gp3",
        "Encrypted": key is not None,
        "StorageEncryptionType": "none" if key is None else "sse-kms",
    }
    if source:
        s["SourceRegion"] = L.REGION
        s["SourceDBSnapshotIdentifier"] = source
    if key is not None:
        s["KmsKeyId"] = L.key_arn(key)
    s.update({
        "DBSnapshotArn": L.rds_arn("snapshot", name),
        "IAMDatabaseAuthenticationEnabled": False,
        "ProcessorFeatures": [],
        "DbiResourceId": resource_id("db-", instance),
        "TagList": [],
        "SnapshotTarget": "region",
        "OriginalSnapshotCreateTime": ts(created),
        "DedicatedLogVolume": False,
        "MultiTenant": False,
    })
    return in_order(DB_SNAPSHOT_ORDER, s)


def db_cluster_snapshot(name, cluster, kind, created, key, _restore, source):
    c = next(x for x in DB_CLUSTERS if x[0] == cluster)
    engine, version = c[1], c[2]
    e = ENGINES[engine]
    s = {
        "AvailabilityZones": AZS,
        "DBClusterSnapshotIdentifier": name,
        "DBClusterIdentifier": cluster,
        "SnapshotCreateTime": ts(created),
        "Engine": engine,
        "EngineMode": "provisioned",
        "AllocatedStorage": 1,
        "Status": "available",
        "Port": 0,
        "VpcId": L.VPC,
        "ClusterCreateTime": ts(c[3]),
        "MasterUsername": e["user"],
        "EngineVersion": version,
        "LicenseModel": e["license"],
        "SnapshotType": kind,
        "PercentProgress": 100,
        "StorageEncrypted": key is not None,
        "StorageEncryptionType": "none" if key is None else "sse-kms",
    }
    if key is not None:
        s["KmsKeyId"] = L.key_arn(key)
    s["DBClusterSnapshotArn"] = L.rds_arn("cluster-snapshot", name)
    if source:
        s["SourceDBClusterSnapshotArn"] = source
    s.update({
        "IAMDatabaseAuthenticationEnabled": False,
        "TagList": [],
        "StorageType": "aurora",
        "DbClusterResourceId": resource_id("cluster-", cluster),
    })
    return in_order(DB_CLUSTER_SNAPSHOT_ORDER, s)


def rds():
    write("rds", "describe-db-instances", None, {"DBInstances": [db_instance(*i) for i in DB_INSTANCES]})
    write("rds", "describe-db-clusters", None, {"DBClusters": [db_cluster(*c) for c in DB_CLUSTERS]})
    write("rds", "describe-db-snapshots", None, {"DBSnapshots": [db_snapshot(*s) for s in DB_SNAPSHOTS]})
    write("rds", "describe-db-cluster-snapshots", None,
          {"DBClusterSnapshots": [db_cluster_snapshot(*s) for s in DB_CLUSTER_SNAPSHOTS]})
    # The export script asks for the attributes of manual snapshots only: automated ones
    # cannot be shared.
    for name, _, kind, _, _, restore, _ in DB_SNAPSHOTS:
        if kind == "manual":
            write("rds", "describe-db-snapshot-attributes", name, {"DBSnapshotAttributesResult": {
                "DBSnapshotIdentifier": name,
                "DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": restore}],
            }})
    for name, _, kind, _, _, restore, _ in DB_CLUSTER_SNAPSHOTS:
        if kind == "manual":
            write("rds", "describe-db-cluster-snapshot-attributes", name, {"DBClusterSnapshotAttributesResult": {
                "DBClusterSnapshotIdentifier": name,
                "DBClusterSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": restore}],
            }})


# ---------------------------------------------------------------------------------------------
# CloudTrail


def cloudtrail():
    write("cloudtrail", "describe-trails", None, {"trailList": [{
        "Name": L.TRAIL_NAME,
        "S3BucketName": L.TRAIL_BUCKET,
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": False,
        "HomeRegion": L.REGION,
        "TrailARN": L.TRAIL_ARN,
        "LogFileValidationEnabled": False,
        "HasCustomEventSelectors": True,
        "HasInsightSelectors": False,
        "IsOrganizationTrail": False,
    }]})
    write("cloudtrail", "get-trail-status", L.TRAIL_NAME, {
        "IsLogging": True,
        "LatestDeliveryTime": ts("2026-11-20T14:25:07.741Z"),
        "StartLoggingTime": ts("2026-11-20T14:09:36.207Z"),
        "StopLoggingTime": ts("2026-11-20T14:07:48.911Z"),
        "LatestDeliveryAttemptTime": "2026-11-20T14:25:07Z",
        "LatestNotificationAttemptTime": "",
        "LatestNotificationAttemptSucceeded": "",
        "LatestDeliveryAttemptSucceeded": "2026-11-20T14:25:07Z",
        "TimeLoggingStarted": "2026-11-20T14:09:36Z",
        "TimeLoggingStopped": "2026-11-20T14:07:48Z",
    })
    write("cloudtrail", "get-event-selectors", L.TRAIL_NAME, {
        "TrailARN": L.TRAIL_ARN,
        "EventSelectors": [{
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        }],
    })


# ---------------------------------------------------------------------------------------------
# EFS, Secrets Manager, Systems Manager Parameter Store: metadata only, never a value.


def file_system(fs_id, name, created, size, kms_key=None, mount_targets=1):
    """One entry of describe-file-systems, in the API model's member order."""
    f = {
        "OwnerId": L.ACCOUNT,
        "CreationToken": f"console-{name}",
        "FileSystemId": fs_id,
        "FileSystemArn": f"arn:aws:elasticfilesystem:{L.REGION}:{L.ACCOUNT}:file-system/{fs_id}",
        "CreationTime": ts(created),
        "LifeCycleState": "available",
        "Name": name,
        "NumberOfMountTargets": mount_targets,
        "SizeInBytes": {"Value": size, "ValueInIA": 0, "ValueInStandard": size, "ValueInArchive": 0},
        "PerformanceMode": "generalPurpose",
        "Encrypted": kms_key is not None,
    }
    if kms_key is not None:  # EFS names the key of every encrypted file system by its ARN
        f["KmsKeyId"] = L.key_arn(kms_key)
    f.update({
        "ThroughputMode": "elastic",
        "Tags": [{"Key": "Name", "Value": name}],
        "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"},
    })
    return f


def efs():
    write("efs", "describe-file-systems", None, {"FileSystems": [
        # Created with the CLI before encryption was the console's default: not encrypted.
        file_system(L.FS_SCRATCH, "lab-scratch", "2026-09-22T15:31:08.000Z", 18432),
        file_system(L.FS_HOME, "lab-home", "2026-10-05T09:08:52.000Z", 1073741824, L.KEY_MY, 2),
        # Encrypted without naming a key: aws/elasticfilesystem.
        file_system(L.FS_MEDIA, "lab-media", "2026-10-05T09:12:41.000Z", 6144, L.KEY_AWS_EFS),
        # The old backups' file system, on the key scheduled for deletion at 14:06:20.
        file_system(L.FS_ARCHIVE, "lab-archive", "2026-03-02T08:20:13.000Z", 524288000, L.KEY_BACKUP),
    ]})


def secret(s, created, description, version, kms_key=None, rotation=None, accessed=None, tags=()):
    """One entry of list-secrets, in the API model's member order (no value: list-secrets
    never returns one)."""
    name, _ = s
    e = {"ARN": L.secret_arn(s), "Name": name, "Description": description}
    if kms_key is not None:  # list-secrets leaves KmsKeyId out for aws/secretsmanager
        e["KmsKeyId"] = L.key_arn(kms_key)
    if rotation is not None:
        e.update({
            "RotationEnabled": True,
            "RotationLambdaARN": f"arn:aws:lambda:{L.REGION}:{L.ACCOUNT}:function:lab-rotate-smtp",
            "RotationRules": {"AutomaticallyAfterDays": 30},
            "LastRotatedDate": ts(rotation["last"]),
        })
    e["LastChangedDate"] = ts(rotation["last"] if rotation else created)
    if accessed is not None:  # Secrets Manager keeps the day only
        e["LastAccessedDate"] = ts(accessed + "T00:00:00.000Z")
    if rotation is not None:
        e["NextRotationDate"] = ts(rotation["next"])
    if tags:
        e["Tags"] = [{"Key": k, "Value": v} for k, v in tags]
    e["SecretVersionsToStages"] = {version: ["AWSCURRENT"]}
    e["CreatedDate"] = ts(created)
    return e


def secretsmanager():
    write("secretsmanager", "list-secrets", None, {"SecretList": [
        # Created in the console without choosing a key: aws/secretsmanager.
        secret(L.SECRET_DB, "2026-10-12T09:41:27.771Z", "Lab database login",
               "d2b7e4a1-6c3f-4e98-b05d-9a1c7f3e2b64", accessed="2026-11-20",
               tags=[("Project", "lab-app")]),
        # On lab-volume-key, disabled at 14:06:11: nothing can read it any more.
        secret(L.SECRET_API, "2026-10-14T16:22:05.108Z", "Partner API credentials",
               "0a9c3e5f-7b21-4d86-9e4c-5f8b2d1a6c37", kms_key=L.KEY_VOLUME, accessed="2026-11-19"),
        secret(L.SECRET_REPORTS, "2026-09-14T11:02:47.630Z", "SMTP login of the report mailer",
               "6f1e9c2a-84d3-4b57-a0e6-2c9d7b3f5a18", kms_key=L.KEY_MY, accessed="2026-11-20",
               rotation={"last": "2026-11-13T11:02:51.204Z", "next": "2026-12-13T23:59:59.000Z"}),
    ]})


def parameter(name, ptype, modified, version=1, key_id=None, description=None, policies=()):
    """One entry of describe-parameters, in the API model's member order."""
    p = {"Name": name, "ARN": f"arn:aws:ssm:{L.REGION}:{L.ACCOUNT}:parameter{name}", "Type": ptype}
    if key_id is not None:
        p["KeyId"] = key_id
    p.update({"LastModifiedDate": ts(modified), "LastModifiedUser": L.SESSION_ARN})
    if description is not None:
        p["Description"] = description
    p.update({
        "Version": version,
        "Tier": "Advanced" if policies else "Standard",
        "Policies": [{"PolicyText": json.dumps(text, separators=(",", ":")), "PolicyType": text["Type"],
                      "PolicyStatus": status} for text, status in policies],
        "DataType": "text",
    })
    return p


def ssm():
    write("ssm", "describe-parameters", None, {"Parameters": [
        parameter("/lab/app/api-token", "SecureString", "2026-10-12T10:03:56.012Z", key_id="alias/aws/ssm",
                  description="Token of the lab app's upstream API"),
        # Cut-over credentials meant to be gone by 2026-11-15: the Expiration policy failed.
        parameter("/lab/app/cutover-credentials", "SecureString", "2026-11-02T08:44:19.337Z",
                  key_id="alias/app-data-key", description="Temporary credentials for the data migration",
                  policies=[
                      ({"Type": "Expiration", "Version": "1.0",
                        "Attributes": {"Timestamp": "2026-11-15T00:00:00.000Z"}}, "Failed"),
                      ({"Type": "ExpirationNotification", "Version": "1.0",
                        "Attributes": {"Before": "5", "Unit": "Days"}}, "Finished"),
                  ]),
        parameter("/lab/app/signing-key", "SecureString", "2026-10-02T16:41:30.925Z", version=3,
                  key_id="alias/app-data-key"),
        # Still under a key deleted in October: nothing can decrypt it.
        parameter("/lab/app/legacy-ldap-bind", "SecureString", "2026-03-02T08:31:02.418Z",
                  key_id=L.key_arn(L.KEY_DELETED)),
        # A password typed into the console as a plain String.
        parameter("/lab/db/password", "String", "2026-10-12T09:58:14.662Z", version=2),
        parameter("/lab/db/host", "String", "2026-10-12T09:57:40.207Z",
                  policies=[({"Type": "NoChangeNotification", "Version": "1.0",
                              "Attributes": {"After": "90", "Unit": "Days"}}, "Pending")]),
    ]})


# DynamoDB


def epoch(value):
    """An epoch-seconds timestamp (SQS attributes) of a wire timestamp."""
    dt = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return str(int(dt.timestamp()))


# name: (created, table id, key (None: the AWS owned key), status, inaccessible since)
TABLES = {
    L.TABLE_ORDERS: ("2026-09-21T10:14:03.117Z", "3c1b7f52-8e0d-4a96-b2f1-6d4e9a0c5b17", None, "ACTIVE", None),
    L.TABLE_SESSIONS: ("2026-10-02T16:41:29.604Z", "9e45a0d3-27bc-4f18-8a6e-c03f5b91d2e4", L.KEY_APP, "ACTIVE", None),
    L.TABLE_CARTS: ("2026-10-12T15:20:40.772Z", "b2d8c6e1-4f3a-49e7-9c05-71a8e3f2d6b0", L.KEY_AWS_DYNAMODB, "ACTIVE", None),
    # lab-volume-key was disabled at 14:06:11 (make-cloudtrail.py); DynamoDB noticed soon after.
    L.TABLE_AUDIT: ("2026-09-14T10:06:52.380Z", "5f7e2a9c-b13d-4c68-a4e0-8d2b6c1f9e73", L.KEY_VOLUME,
                    "INACCESSIBLE_ENCRYPTION_CREDENTIALS", "2026-11-20T14:16:38.000Z"),
}


def dynamodb():
    write("dynamodb", "list-tables", None, {"TableNames": sorted(TABLES)})
    for name, (created, table_id, key, status, inaccessible) in TABLES.items():
        t = {
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "TableStatus": status,
            "CreationDateTime": ts(created),
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0,
                                      "WriteCapacityUnits": 0},
            "TableSizeBytes": 0,
            "ItemCount": 0,
            "TableArn": L.table_arn(name),
            "TableId": table_id,
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST",
                                   "LastUpdateToPayPerRequestDateTime": ts(created)},
        }
        if key is not None:
            sse = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": L.key_arn(key)}
            if inaccessible:
                sse["InaccessibleEncryptionDateTime"] = ts(inaccessible)
            t["SSEDescription"] = sse
        t.update({
            "DeletionProtectionEnabled": False,
            "WarmThroughput": {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000,
                               "Status": "ACTIVE"},
        })
        write("dynamodb", "describe-table", name, {"Table": t})


# ---------------------------------------------------------------------------------------------
# SQS

# name: (created, "sse-sqs" | key alias | None)
QUEUES = {
    L.QUEUE_JOBS: ("2026-09-21T10:20:44.000Z", "sse-sqs"),
    L.QUEUE_EVENTS: ("2026-10-14T09:03:16.000Z", "alias/aws/sqs"),
    L.QUEUE_SCRATCH: ("2026-09-20T13:10:02.000Z", None),
    L.QUEUE_ORDERS: ("2026-09-21T10:22:09.000Z", "alias/MyKMSKey"),
    L.QUEUE_ARCHIVE: ("2026-09-14T10:07:31.000Z", "alias/lab-volume-key"),
}


# lab-events lets anyone send (public); lab-jobs lets only the lab-order-events topic send
# (Principal "*" narrowed by aws:SourceArn).
QUEUE_POLICIES = {
    L.QUEUE_EVENTS: {
        "Version": "2012-10-17",
        "Id": "lab-events-policy",
        "Statement": [{
            "Sid": "AnyoneCanSend",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sqs:SendMessage",
            "Resource": L.queue_arn(L.QUEUE_EVENTS),
        }],
    },
    L.QUEUE_JOBS: {
        "Version": "2012-10-17",
        "Id": "lab-jobs-policy",
        "Statement": [{
            "Sid": "OrderEventsTopicSends",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": L.queue_arn(L.QUEUE_JOBS),
            "Condition": {"ArnEquals": {"aws:SourceArn": L.topic_arn(L.TOPIC_ORDERS)}},
        }, {
            "Sid": "AnyoneFromTheTopic",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sqs:SendMessage",
            "Resource": L.queue_arn(L.QUEUE_JOBS),
            "Condition": {"ArnEquals": {"aws:SourceArn": L.topic_arn(L.TOPIC_ORDERS)}},
        }],
    },
}


def sqs():
    write("sqs", "list-queues", None, {"QueueUrls": [L.queue_url(n) for n in sorted(QUEUES)]})
    for name, (created, enc) in QUEUES.items():
        a = {
            "QueueArn": L.queue_arn(name),
            "ApproximateNumberOfMessages": "0",
            "ApproximateNumberOfMessagesNotVisible": "0",
            "ApproximateNumberOfMessagesDelayed": "0",
            "CreatedTimestamp": epoch(created),
            "LastModifiedTimestamp": epoch(created),
            "VisibilityTimeout": "30",
            "MaximumMessageSize": "1048576",
            "MessageRetentionPeriod": "345600",
            "DelaySeconds": "0",
            "ReceiveMessageWaitTimeSeconds": "0",
        }
        if name in QUEUE_POLICIES:
            a["Policy"] = compact(QUEUE_POLICIES[name])
        if enc not in (None, "sse-sqs"):
            a["KmsMasterKeyId"] = enc
            a["KmsDataKeyReusePeriodSeconds"] = "300"
        a["SqsManagedSseEnabled"] = "true" if enc == "sse-sqs" else "false"
        write("sqs", "get-queue-attributes", name, {"Attributes": a})


# ---------------------------------------------------------------------------------------------
# SNS

# name: (display name, key alias or None, confirmed subscriptions)
TOPICS = {
    L.TOPIC_ALERTS: ("Lab alerts", None, 1),
    L.TOPIC_BACKUPS: ("", "alias/lab-volume-key", 1),
    L.TOPIC_DEPLOYS: ("", "alias/aws/sns", 0),
    L.TOPIC_ORDERS: ("", "alias/MyKMSKey", 2),
}

SNS_DELIVERY_POLICY = compact({"http": {
    "defaultHealthyRetryPolicy": {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                                  "numMaxDelayRetries": 0, "numNoDelayRetries": 0,
                                  "numMinDelayRetries": 0, "backoffFunction": "linear"},
    "disableSubscriptionOverrides": False,
    "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
}})


def sns_default_policy(arn, public_subscribe=False):
    """The policy SNS gives a new topic: the owner account may manage and publish; with
    `public_subscribe`, a statement someone added that lets anyone subscribe."""
    extra = [{
        "Sid": "AnyoneCanSubscribe",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "SNS:Subscribe",
        "Resource": arn,
    }] if public_subscribe else []
    return compact({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                       "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": L.ACCOUNT}},
        }] + extra,
    })


def sns():
    write("sns", "list-topics", None, {"Topics": [{"TopicArn": L.topic_arn(n)} for n in sorted(TOPICS)]})
    for name, (display, key, confirmed) in TOPICS.items():
        arn = L.topic_arn(name)
        a = {
            "Policy": sns_default_policy(arn, public_subscribe=name == L.TOPIC_ALERTS),
            "Owner": L.ACCOUNT,
            "SubscriptionsPending": "0",
        }
        if key is not None:
            a["KmsMasterKeyId"] = key
        a.update({
            "TopicArn": arn,
            "EffectiveDeliveryPolicy": SNS_DELIVERY_POLICY,
            "SubscriptionsConfirmed": str(confirmed),
            "DisplayName": display,
            "SubscriptionsDeleted": "0",
        })
        write("sns", "get-topic-attributes", name, {"Attributes": a})


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(os.path.join(HERE, L.ACCOUNT, L.REPLICA_REGION), ignore_errors=True)
    sts()
    s3()
    s3control()
    kms()
    ec2()
    rds()
    cloudtrail()
    efs()
    secretsmanager()
    ssm()
    dynamodb()
    sqs()
    sns()
    replica_region()
    account = os.path.join(HERE, L.ACCOUNT)
    count = sum(len(files) for _, _, files in os.walk(account))
    print(f"wrote {count} files under {os.path.relpath(account)}")


if __name__ == "__main__":
    main()
