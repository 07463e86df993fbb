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

  bucket imagebucket-4172093       SSE-KMS under alias/MyKMSKey, no Bucket Key, no bucket policy
  bucket lab-public-assets-5863017 SSE-S3 (its SSE-KMS default was deleted), public-access block
                                   deleted, ACLs enabled, bucket ACL grants AllUsers READ
  bucket aws-cloudtrail-logs-...   the trail's bucket, SSE-S3, policy also lets 210987654321 read
  bucket lab-shared-data-2290461   SSE-KMS under aws/s3, policy "Principal": "*" s3:GetObject
  alias/MyKMSKey        Enabled, rotation on (365 days)
  alias/lab-volume-key  Disabled (encrypts the running instance's root volume and a snapshot)
  alias/old-backup-key  PendingDeletion (encrypts a snapshot)
  alias/app-data-key    Enabled, rotation off
  alias/aws/ebs, alias/aws/s3, alias/aws/rds  AWS managed
  i-0af971c3c6aea78d2   running t3.micro; vol root (lab-volume-key), vol /dev/sdf (aws/ebs)
  vol-07ac84538bda72190 available, unencrypted; its snapshot is public
  EBS encryption by default off; trail lab-trail single-Region, no validation, no KMS key.
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


def path_for(service, api, resource=None, suffix=".json"):
    name = api if resource is None else f"{api}--{resource.replace('%', '%25').replace('/', '%2F')}"
    return os.path.join(OUT, service, name + suffix)


def write(service, api, resource, data):
    """The CLI's JSON formatter: json.dump(indent=4, ensure_ascii=False) plus a newline,
    and nothing at all for an empty response."""
    path = path_for(service, api, resource)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if data != {}:
            f.write(json.dumps(data, indent=4, ensure_ascii=False) + "\n")


def write_error(service, api, resource, code, operation, message):
    path = path_for(service, api, resource, ".error.json")
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
}


def s3():
    write("s3", "list-buckets", None, {
        "Buckets": [{"Name": name, "CreationDate": ts(b["created"])} for name, b in sorted(BUCKETS.items())],
        "Owner": OWNER,
        "Prefix": None,  # the CLI's paginator keeps this non-aggregated key, even when absent
    })
    for name, b in BUCKETS.items():
        write("s3", "get-bucket-location", name, {"LocationConstraint": None})  # us-east-1
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


def aws_managed_key_policy(service):
    """The policy of an AWS managed key (alias/aws/ebs, alias/aws/rds or alias/aws/s3), as KMS
    returns it."""
    if service == "ebs":
        sid, actions, via, policy_id = ("EBS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                                        f"ec2.{L.REGION}.amazonaws.com", "auto-ebs-2")
        meta = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]
    elif service == "rds":
        sid, actions, via, policy_id = ("RDS", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants",
                                                "kms:DescribeKey"],
                                        f"rds.{L.REGION}.amazonaws.com", "auto-rds-2")
        meta = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]
    else:
        sid, actions, via, policy_id = ("S3", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                               "kms:GenerateDataKey*", "kms:DescribeKey"],
                                        f"s3.{L.REGION}.amazonaws.com", "auto-s3-2")
        meta = ["kms:Describe*", "kms:Get*", "kms:List*"]
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
    L.KEY_AWS_S3: {
        "alias": "alias/aws/s3", "created": "2026-10-08T11:49:02.337Z",
        "description": "Default key that protects my S3 objects when no other key is defined",
        "manager": "AWS", "state": "Enabled", "policy": aws_managed_key_policy("s3"),
        "rotation": {"enabled": "2026-10-08T11:49:02.337Z"}, "grants": [], "tags": [],
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
    "alias/aws/acm", "alias/aws/dynamodb", "alias/aws/elasticfilesystem", "alias/aws/es",
    "alias/aws/glue", "alias/aws/kinesisvideo", "alias/aws/lambda",
    "alias/aws/redshift", "alias/aws/secretsmanager", "alias/aws/sns", "alias/aws/ssm", "alias/aws/xray",
]


def next_rotation(enabled, now="2026-11-20T14:27:00.000Z"):
    """The next yearly rotation after `now` of a key whose rotation was enabled at `enabled`."""
    start = datetime.strptime(enabled, "%Y-%m-%dT%H:%M:%S.%fZ")
    year = int(now[:4])
    candidate = start.replace(year=year)
    if candidate.strftime("%Y-%m-%dT%H:%M:%S.%fZ") <= now:
        candidate = candidate.replace(year=year + 1)
    return candidate.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


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
        meta = {
            "AWSAccountId": L.ACCOUNT,
            "KeyId": key_id,
            "Arn": L.key_arn(key_id),
            "CreationDate": ts(k["created"]),
            "Enabled": k["state"] == "Enabled",
            "Description": k["description"],
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": k["state"],
        }
        if "deletion" in k:
            meta["DeletionDate"] = ts(k["deletion"])
        meta.update({
            "Origin": "AWS_KMS",
            "KeyManager": k["manager"],
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        })
        if "deletion" in k:
            meta["PendingDeletionWindowInDays"] = 7
        meta["CurrentKeyMaterialId"] = L.KEY_MATERIAL[key_id]
        write("kms", "describe-key", key_id, {"KeyMetadata": meta})

        write("kms", "get-key-policy", key_id, {"Policy": k["policy"], "PolicyName": "default"})

        rotation = k["rotation"]
        if rotation == "pending-deletion":
            write_error("kms", "get-key-rotation-status", key_id, "KMSInvalidStateException",
                        "GetKeyRotationStatus", f"{L.key_arn(key_id)} is pending deletion.")
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

        write("kms", "list-grants", key_id, {"Grants": k["grants"]})
        write("kms", "list-resource-tags", key_id, {"Tags": k["tags"]})


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
    ]
    write("ec2", "describe-snapshots", None, {"Snapshots": snapshots})
    for s in snapshots:
        perms = [{"Group": "all"}] if s["SnapshotId"] == L.SNAP_DATA else []
        write("ec2", "describe-snapshot-attribute", s["SnapshotId"],
              {"SnapshotId": s["SnapshotId"], "CreateVolumePermissions": perms})

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


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    sts()
    s3()
    s3control()
    kms()
    ec2()
    rds()
    cloudtrail()
    count = sum(len(files) for _, _, files in os.walk(OUT))
    print(f"wrote {count} files under {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
