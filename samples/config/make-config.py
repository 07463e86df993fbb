#!/usr/bin/env python3
"""Writes the AWS Config snapshot of the lab account that samples/lab exports:
samples/config/123456789012_Config_us-east-1_ConfigSnapshot_20261120T150000Z_<uuid>.json

Run it from anywhere (`python3 samples/config/make-config.py`) after samples/lab/make-export.py:
it reads the export (samples/lab/123456789012/us-east-1/...) and writes what the lab account's
configuration recorder would have delivered at 15:00 UTC, after the CloudTrail story of
samples/lab/make-cloudtrail.py (14:00-14:10). Standard library only.

The file is a configuration snapshot as AWS Config delivers it to S3 (`fileVersion`,
`configSnapshotId`, `configurationItems`), pretty-printed here for reading (Config writes one
line, gzip-compressed). Each item is a version 1.3 configuration item: metadata as in delivered
files (`awsAccountId`, `ARN`, `configurationItemVersion`), `configuration` as Config serialises
the resource (describe-* members in camelCase, `null` for absent members, `state` of a volume
as `{"value": ...}`), `supplementaryConfiguration` as objects, except the S3
`AccessControlList` which Config writes as a JSON string, with `grantList` permissions such as
`FullControl` and groups named `AllUsers`.

What Config records and what it does not, and so what this snapshot cannot say:
  recorded   S3 buckets of us-east-1 (with default encryption, public access block, policy,
             ACL, versioning, and replication as BucketReplicationConfiguration in the Java
             SDK v1's shape: roleARN, rules keyed by rule id, destinationConfig.bucketARN), KMS keys (with KeyRotationStatus) and aliases, EBS volumes, EC2
             instances, CloudTrail trails (describe-trails fields only), EFS file systems and
             Secrets Manager secrets (CloudFormation's shape, metadata only), DynamoDB tables, SQS
             queues (attributes, without policy), SNS topics (ARN, display name, owner, key), RDS
             DB instances, DB clusters, DB snapshots and DB cluster snapshots (with their restore
             attributes, as the supplementary configuration DBSnapshotAttributes or
             DBClusterSnapshotAttributes)
  not here   EBS snapshots and the EBS encryption defaults (no Config resource type), KMS key
             policies and grants, S3 ownership controls and policy status, the account's S3
             public access block (the lab account has none, so there is no
             AWS::S3::AccountPublicAccessBlock item), the trail's status and event selectors,
             SSM parameters (no Config resource type)
"""

import json
import os
import uuid
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"
REGION = "us-east-1"
EXPORT = os.path.join(HERE, "..", "lab", ACCOUNT, REGION)
SNAPSHOT_TIME = "20261120T150000Z"
SNAPSHOT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "atrest/samples/config/" + SNAPSHOT_TIME))

# When the recorder last captured each resource: the story's changes (make-cloudtrail.py), or
# the resource's creation for those the story did not touch.
CAPTURED = {
    "lab-public-assets-5863017": "2026-11-20T14:02:31.804Z",  # default encryption deleted
    "lab-shared-data-2290461": "2026-11-20T14:02:58.117Z",  # public policy put
    "e7755221-61d3-4995-bdc2-aec4872733df": "2026-11-20T14:03:24.652Z",  # rotation disabled
    "b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd": "2026-11-20T14:06:11.390Z",  # disabled again
    "cd64fb1e-a953-4ae2-afa8-a1efb8ea1882": "2026-11-20T14:06:27.118Z",  # deletion scheduled
    "i-0af971c3c6aea78d2": "2026-11-20T14:06:02.271Z",  # started at 14:05:52
    "vol-0e91f819ba4d4f253": "2026-11-20T14:06:02.271Z",
    "vol-093fd8e56804a34b7": "2026-11-20T14:06:02.271Z",
    "lab-trail": "2026-11-20T14:07:29.936Z",  # event selectors changed
}


def load(*path):
    p = os.path.join(EXPORT, *path)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return {}
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def z(value):
    """An AWS CLI v2 time (`2026-09-14T10:35:18.911000+00:00`) as Config writes times."""
    dt = datetime.fromisoformat(value).astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def later(value, seconds):
    dt = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() + seconds
    return z(datetime.fromtimestamp(dt, timezone.utc).isoformat())


def epoch_ms(value):
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def camel(name):
    return name[:1].lower() + name[1:]


def java(value, times=()):
    """An AWS CLI value as Config serialises it: camelCase members, Config's times."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.endswith(("Time", "Date")) and isinstance(v, str) and v:
                out[camel(k)] = z(v)
            elif k == "Tags":
                out["tags"] = [{"key": t["Key"], "value": t["Value"]} for t in v]
            else:
                out[camel(k)] = java(v)
        return out
    if isinstance(value, list):
        return [java(v) for v in value]
    return value


def item(resource_type, resource_id, name, arn, configuration, captured, created,
         supplementary=None, relationships=(), tags=None, zone="Regional"):
    return {
        "relatedEvents": [],
        "relationships": list(relationships),
        "configuration": configuration,
        "supplementaryConfiguration": supplementary or {},
        "tags": tags or {},
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": captured,
        "configurationStateId": epoch_ms(captured),
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": name,
        "ARN": arn,
        "awsRegion": REGION,
        "availabilityZone": zone,
        "configurationStateMd5Hash": "",
        "resourceCreationTime": created,
        "recordingFrequency": "CONTINUOUS",
    }


# ---------------------------------------------------------------------------------------------
# S3

PERMISSION = {"FULL_CONTROL": "FullControl", "READ": "Read", "WRITE": "Write",
              "READ_ACP": "ReadAcp", "WRITE_ACP": "WriteAcp"}
GROUP = {"http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
         "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
         "http://acs.amazonaws.com/groups/s3/LogDelivery": "LogDelivery"}


def acl(name):
    """get-bucket-acl as Config's AccessControlList (a JSON string)."""
    out = load("s3", f"get-bucket-acl--{name}.json")
    grants = []
    for g in out.get("Grants", []):
        grantee = g["Grantee"]
        if grantee.get("Type") == "Group":
            who = GROUP[grantee["URI"]]
        else:
            who = {"id": grantee.get("ID"), "displayName": grantee.get("DisplayName")}
        grants.append({"grantee": who, "permission": PERMISSION[g["Permission"]]})
    owner = out.get("Owner", {})
    value = {"grantSet": None, "grantList": grants,
             "owner": {"displayName": owner.get("DisplayName"), "id": owner.get("ID")},
             "isRequesterCharged": False}
    return json.dumps(value, separators=(",", ":"))


def bucket(b, owner):
    name = b["Name"]
    supplementary = {"AccessControlList": acl(name),
                     "BucketAccelerateConfiguration": {"status": None, "isRequesterCharged": False},
                     "BucketLoggingConfiguration": {"destinationBucketName": None,
                                                    "logFilePrefix": None},
                     "BucketNotificationConfiguration": {"configurations": {}}}
    policy = load("s3", f"get-bucket-policy--{name}.json").get("Policy")
    supplementary["BucketPolicy"] = {"policyText": policy}
    versioning = load("s3", f"get-bucket-versioning--{name}.json")
    mfa = versioning.get("MFADelete")
    supplementary["BucketVersioningConfiguration"] = {
        "status": versioning.get("Status", "Off"),
        "isMfaDeleteEnabled": None if mfa is None else mfa == "Enabled",
    }
    supplementary["IsRequesterPaysEnabled"] = False
    block = load("s3", f"get-public-access-block--{name}.json").get("PublicAccessBlockConfiguration")
    if block:  # Config leaves it out when the bucket has none
        supplementary["PublicAccessBlockConfiguration"] = {camel(k): v for k, v in block.items()}
    sse = load("s3", f"get-bucket-encryption--{name}.json").get("ServerSideEncryptionConfiguration")
    if sse:  # left out when the bucket has no default encryption
        rules = []
        for r in sse["Rules"]:
            default = r["ApplyServerSideEncryptionByDefault"]
            rules.append({
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": default["SSEAlgorithm"],
                    "kmsMasterKeyID": default.get("KMSMasterKeyID"),
                },
                "bucketKeyEnabled": r.get("BucketKeyEnabled", False),
            })
        supplementary["ServerSideEncryptionConfiguration"] = {"rules": rules}
    replication = load("s3", f"get-bucket-replication--{name}.json").get("ReplicationConfiguration")
    if replication:  # the Java SDK v1 BucketReplicationConfiguration: rules keyed by their id
        supplementary["BucketReplicationConfiguration"] = {
            "roleARN": replication["Role"],
            "rules": {r["ID"]: replication_rule(r) for r in replication["Rules"]},
        }
    created = z(b["CreationDate"])
    region = load("s3", f"get-bucket-location--{name}.json").get("LocationConstraint") or "us-east-1"
    configuration = {"name": name,
                     "owner": {"displayName": owner.get("DisplayName"), "id": owner.get("ID")},
                     "creationDate": created, "region": region}
    captured = CAPTURED.get(name, later(created, 41))
    return item("AWS::S3::Bucket", name, name, f"arn:aws:s3:::{name}", configuration, captured,
                created, supplementary)


def replication_rule(r):
    """One rule of get-bucket-replication as Config's ReplicationRule."""
    dest = r["Destination"]
    kms = r.get("SourceSelectionCriteria", {}).get("SseKmsEncryptedObjects")
    replica_key = dest.get("EncryptionConfiguration", {}).get("ReplicaKmsKeyID")
    return {
        "prefix": r.get("Prefix"),
        "filter": {"predicate": {"type": "PrefixPredicate", "prefix": r["Filter"]["Prefix"]}}
        if "Prefix" in r.get("Filter", {}) else None,
        "status": r["Status"],
        "priority": r.get("Priority"),
        "sourceSelectionCriteria": None if kms is None
        else {"sseKmsEncryptedObjects": {"status": kms["Status"]}},
        "destinationConfig": {
            "bucketARN": dest["Bucket"],
            "account": dest.get("Account"),
            "storageClass": dest.get("StorageClass"),
            "encryptionConfiguration": None if replica_key is None
            else {"replicaKmsKeyID": replica_key},
        },
        "deleteMarkerReplication": r.get("DeleteMarkerReplication", {}).get("Status")
        and {"status": r["DeleteMarkerReplication"]["Status"]},
    }


def s3():
    # The us-east-1 recorder records the buckets of us-east-1 only.
    out = load("s3", "list-buckets.json")
    return [bucket(b, out.get("Owner", {})) for b in out.get("Buckets", [])
            if b.get("BucketRegion", "us-east-1") == "us-east-1"]


def s3_account():
    """The account's public access block, when it has one (the lab account has none)."""
    block = load("s3control", "get-public-access-block.json").get("PublicAccessBlockConfiguration")
    if not block:
        return []
    captured = "2026-09-14T09:40:00.000Z"
    return [item("AWS::S3::AccountPublicAccessBlock", ACCOUNT, None, None,
                 {camel(k): v for k, v in block.items()}, captured, None)]


# ---------------------------------------------------------------------------------------------
# KMS

KEY_MEMBERS = ["customerMasterKeySpec", "keyState", "origin", "encryptionAlgorithms", "keyId",
               "description", "creationDate", "signingAlgorithms", "enabled", "keyManager",
               "macAlgorithms", "keyUsage", "arn", "awsaccountId", "deletionDate", "validTo",
               "customKeyStoreId", "cloudHsmClusterId", "expirationModel", "keySpec",
               "multiRegion", "multiRegionConfiguration", "pendingDeletionWindowInDays"]


def key(key_id):
    meta = load("kms", f"describe-key--{key_id}.json")["KeyMetadata"]
    converted = java(meta)
    converted["awsaccountId"] = converted.pop("aWSAccountId")
    converted.pop("currentKeyMaterialId", None)
    configuration = {m: converted.get(m) for m in KEY_MEMBERS}
    configuration["signingAlgorithms"] = converted.get("signingAlgorithms", [])
    configuration["macAlgorithms"] = converted.get("macAlgorithms", [])
    supplementary = {}
    rotation = load("kms", f"get-key-rotation-status--{key_id}.json")
    if "KeyRotationEnabled" in rotation:  # not recorded while the key is pending deletion
        supplementary["KeyRotationStatus"] = rotation["KeyRotationEnabled"]
    tags = {t["TagKey"]: t["TagValue"]
            for t in load("kms", f"list-resource-tags--{key_id}.json").get("Tags", [])}
    created = configuration["creationDate"]
    captured = CAPTURED.get(key_id, later(created, 23))
    return item("AWS::KMS::Key", key_id, None, meta["Arn"], configuration, captured, created,
                supplementary, tags=tags)


def kms():
    keys = [key(k["KeyId"]) for k in load("kms", "list-keys.json").get("Keys", [])]
    aliases = []
    for a in load("kms", "list-aliases.json").get("Aliases", []):
        if "TargetKeyId" not in a:  # an AWS managed alias whose key was never created
            continue
        created = z(a["CreationDate"])
        aliases.append(item("AWS::KMS::Alias", a["AliasName"], a["AliasName"], a["AliasArn"],
                            {"AliasName": a["AliasName"], "TargetKeyId": a["TargetKeyId"]},
                            later(created, 23), created,
                            relationships=[{"resourceType": "AWS::KMS::Key",
                                            "resourceId": a["TargetKeyId"],
                                            "relationshipName": "Is associated with Key"}]))
    return keys + aliases


# ---------------------------------------------------------------------------------------------
# EC2

VOLUME_MEMBERS = ["attachments", "availabilityZone", "createTime", "encrypted", "kmsKeyId",
                  "outpostArn", "size", "snapshotId", "state", "volumeId", "iops", "tags",
                  "volumeType", "fastRestored", "multiAttachEnabled", "throughput", "sseType",
                  "operator"]


def volume(v):
    converted = java(v)
    converted["state"] = {"value": v["State"]}
    converted["tags"] = converted.get("tags", [])
    configuration = {m: converted.get(m) for m in VOLUME_MEMBERS}
    created = configuration["createTime"]
    relationships = [{"resourceType": "AWS::EC2::Instance", "resourceId": a["InstanceId"],
                      "relationshipName": "Is attached to Instance"}
                     for a in v.get("Attachments", [])]
    captured = CAPTURED.get(v["VolumeId"], later(created, 37))
    return item("AWS::EC2::Volume", v["VolumeId"], None,
                f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{v['VolumeId']}", configuration,
                captured, created, relationships=relationships,
                tags={t["Key"]: t["Value"] for t in v.get("Tags", [])},
                zone=v["AvailabilityZone"])


def instance(i):
    configuration = java(i)
    relationships = [{"resourceType": "AWS::EC2::Volume", "resourceId": m["Ebs"]["VolumeId"],
                      "relationshipName": "Is attached to Volume"}
                     for m in i.get("BlockDeviceMappings", [])]
    created = configuration["launchTime"]
    captured = CAPTURED.get(i["InstanceId"], later(created, 10))
    return item("AWS::EC2::Instance", i["InstanceId"], None,
                f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{i['InstanceId']}", configuration,
                captured, created, relationships=relationships,
                tags={t["Key"]: t["Value"] for t in i.get("Tags", [])},
                zone=i["Placement"]["AvailabilityZone"])


def ec2():
    volumes = [volume(v) for v in load("ec2", "describe-volumes.json").get("Volumes", [])]
    instances = [instance(i)
                 for r in load("ec2", "describe-instances.json").get("Reservations", [])
                 for i in r.get("Instances", [])]
    return volumes + instances


# ---------------------------------------------------------------------------------------------
# CloudTrail

TRAIL_MEMBERS = ["name", "s3BucketName", "s3KeyPrefix", "snsTopicName", "snsTopicARN",
                 "includeGlobalServiceEvents", "isMultiRegionTrail", "homeRegion", "trailARN",
                 "logFileValidationEnabled", "cloudWatchLogsLogGroupArn", "cloudWatchLogsRoleArn",
                 "kmsKeyId", "hasCustomEventSelectors", "hasInsightSelectors",
                 "isOrganizationTrail"]


def cloudtrail():
    out = []
    for t in load("cloudtrail", "describe-trails.json").get("trailList", []):
        converted = {camel(k): v for k, v in t.items()}
        configuration = {m: converted.get(m) for m in TRAIL_MEMBERS}
        captured = CAPTURED.get(t["Name"], "2026-09-14T09:52:14.530Z")
        # Config records no tags for trails, and no creation time.
        out.append(item("AWS::CloudTrail::Trail", t["Name"], t["Name"], t["TrailARN"],
                        configuration, captured, None,
                        relationships=[{"resourceType": "AWS::S3::Bucket",
                                        "resourceId": t["S3BucketName"],
                                        "relationshipName": "Is associated with Bucket"}]))
    return out


# ---------------------------------------------------------------------------------------------
# EFS and Secrets Manager: Config writes both in CloudFormation's shape (PascalCase members).


def efs():
    out = []
    for f in load("efs", "describe-file-systems.json").get("FileSystems", []):
        configuration = {
            "FileSystemId": f["FileSystemId"],
            "Arn": f["FileSystemArn"],
            "Encrypted": f["Encrypted"],
            "KmsKeyId": f.get("KmsKeyId"),
            "PerformanceMode": f["PerformanceMode"],
            "ThroughputMode": f["ThroughputMode"],
            "BackupPolicy": {"Status": "DISABLED"},
            "LifecyclePolicies": [],
            "FileSystemProtection": f.get("FileSystemProtection"),
            "FileSystemTags": f.get("Tags", []),
        }
        created = z(f["CreationTime"])
        out.append(item("AWS::EFS::FileSystem", f["FileSystemId"], f.get("Name"), f["FileSystemArn"],
                        configuration, later(created, 31), created,
                        tags={t["Key"]: t["Value"] for t in f.get("Tags", [])}))
    return out


def secrets():
    out = []
    for sec in load("secretsmanager", "list-secrets.json").get("SecretList", []):
        rules = sec.get("RotationRules")
        configuration = {
            "ARN": sec["ARN"],
            "Name": sec["Name"],
            "Description": sec.get("Description"),
            "KMSKeyId": sec.get("KmsKeyId"),
            "RotationEnabled": sec.get("RotationEnabled", False),
            "RotationLambdaARN": sec.get("RotationLambdaARN"),
            "RotationRules": rules and {"AutomaticallyAfterDays": rules.get("AutomaticallyAfterDays")},
            "RotationOccurringAsScheduled": True if rules else None,
            "Deleted": False,
        }
        created = z(sec["CreatedDate"])
        out.append(item("AWS::SecretsManager::Secret", sec["ARN"], sec["Name"], sec["ARN"],
                        configuration, later(z(sec["LastChangedDate"]), 42), created,
                        tags={t["Key"]: t["Value"] for t in sec.get("Tags", [])}))
    return out


# DynamoDB, SQS, SNS


def dynamodb():
    """Tables: `describe-table`'s `Table` in camelCase, with Config's own spellings of the
    encryption members (`ssedescription`, `ssetype`, `kmsmasterKeyArn`), `null` for absent ones."""
    out = []
    for name in load("dynamodb", "list-tables.json").get("TableNames", []):
        t = load("dynamodb", f"describe-table--{name}.json").get("Table", {})
        configuration = java({k: v for k, v in t.items() if k != "SSEDescription"})
        sse = t.get("SSEDescription")
        configuration["ssedescription"] = None if sse is None else {
            "status": sse.get("Status"),
            "ssetype": sse.get("SSEType"),
            "kmsmasterKeyArn": sse.get("KMSMasterKeyArn"),
            "inaccessibleEncryptionDateTime": z(sse["InaccessibleEncryptionDateTime"])
            if "InaccessibleEncryptionDateTime" in sse else None,
        }
        captured = later(t["CreationDateTime"], 9)
        out.append(item("AWS::DynamoDB::Table", name, name, t["TableArn"], configuration,
                        captured, z(t["CreationDateTime"])))
    return out


def sqs():
    """Queues: the attributes under their own names, numbers as numbers (Config's schema), plus
    `QueueUrl` and `QueueName`."""
    out = []
    for url in load("sqs", "list-queues.json").get("QueueUrls", []):
        name = url.rsplit("/", 1)[-1]
        a = load("sqs", f"get-queue-attributes--{name}.json").get("Attributes", {})
        configuration = {"QueueUrl": url, "QueueName": name}
        for k, v in a.items():
            if k.startswith("Approximate") or k == "Policy":
                continue  # not recorded
            configuration[k] = int(v) if v.isdigit() and not k.endswith("Timestamp") else v
        created = datetime.fromtimestamp(int(a["CreatedTimestamp"]), timezone.utc).isoformat()
        out.append(item("AWS::SQS::Queue", url, name, a["QueueArn"], configuration,
                        later(created, 4), z(created)))
    return out


def sns():
    """Topics: the attributes Config records (no policy, no subscription counts)."""
    out = []
    for t in load("sns", "list-topics.json").get("Topics", []):
        name = t["TopicArn"].rsplit(":", 1)[-1]
        a = load("sns", f"get-topic-attributes--{name}.json").get("Attributes", {})
        configuration = {k: a.get(k) for k in ("TopicArn", "DisplayName", "Owner", "KmsMasterKeyId")}
        out.append(item("AWS::SNS::Topic", t["TopicArn"], name, t["TopicArn"], configuration,
                        "2026-10-14T09:40:12.271Z", None))
    return out


# RDS

RESTORE = {"DBSnapshotAttributes": "describe-db-snapshot-attributes",
           "DBClusterSnapshotAttributes": "describe-db-cluster-snapshot-attributes"}


def attributes(name, ident, snapshot_type):
    """The snapshot's `restore` attribute as Config records it (it asks RDS itself, automated
    snapshots included: they are never shared)."""
    api = RESTORE[name]
    result = load("rds", f"{api}--{ident}.json").get(name.replace("Attributes", "AttributesResult"), {})
    values = []
    for a in result.get(name, []):
        if a.get("AttributeName") == "restore":
            values = a.get("AttributeValues", [])
    if not result and snapshot_type != "automated":
        return {}
    return {name: [{"attributeName": "restore", "attributeValues": values}]}


def rds():
    out = []
    for i in load("rds", "describe-db-instances.json").get("DBInstances", []):
        created = z(i["InstanceCreateTime"])
        out.append(item("AWS::RDS::DBInstance", i["DbiResourceId"], i["DBInstanceIdentifier"],
                        i["DBInstanceArn"], java(i), later(created, 412), created,
                        tags={t["Key"]: t["Value"] for t in i.get("TagList", [])},
                        zone=i["AvailabilityZone"]))
    for c in load("rds", "describe-db-clusters.json").get("DBClusters", []):
        created = z(c["ClusterCreateTime"])
        relationships = [{"resourceType": "AWS::RDS::DBInstance", "resourceName": m["DBInstanceIdentifier"],
                          "relationshipName": "Contains DBInstance"} for m in c.get("DBClusterMembers", [])]
        out.append(item("AWS::RDS::DBCluster", c["DbClusterResourceId"], c["DBClusterIdentifier"],
                        c["DBClusterArn"], java(c), later(created, 388), created,
                        relationships=relationships, zone="Multiple Availability Zones"))
    for s in load("rds", "describe-db-snapshots.json").get("DBSnapshots", []):
        created = z(s["SnapshotCreateTime"])
        ident = s["DBSnapshotIdentifier"]
        out.append(item("AWS::RDS::DBSnapshot", ident, ident, s["DBSnapshotArn"], java(s),
                        later(created, 95), created,
                        supplementary=attributes("DBSnapshotAttributes", ident, s["SnapshotType"]),
                        zone=s["AvailabilityZone"]))
    for s in load("rds", "describe-db-cluster-snapshots.json").get("DBClusterSnapshots", []):
        created = z(s["SnapshotCreateTime"])
        ident = s["DBClusterSnapshotIdentifier"]
        out.append(item("AWS::RDS::DBClusterSnapshot", ident, ident, s["DBClusterSnapshotArn"], java(s),
                        later(created, 95), created,
                        supplementary=attributes("DBClusterSnapshotAttributes", ident, s["SnapshotType"]),
                        zone="Multiple Availability Zones"))
    return out


def main():
    items = (s3() + s3_account() + kms() + ec2() + cloudtrail() + efs() + secrets() + dynamodb()
             + sqs() + sns() + rds())
    snapshot = {"fileVersion": "1.0", "configSnapshotId": SNAPSHOT_ID, "configurationItems": items}
    name = f"{ACCOUNT}_Config_{REGION}_ConfigSnapshot_{SNAPSHOT_TIME}_{SNAPSHOT_ID}.json"
    for old in os.listdir(HERE):
        if old.endswith(".json") and "_ConfigSnapshot_" in old:
            os.remove(os.path.join(HERE, old))
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n")
    print(f"{name}: {len(items)} configuration items")


if __name__ == "__main__":
    main()
