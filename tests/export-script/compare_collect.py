"""`atrest collect` against `samples/export-account.sh` on the same account: every call
collect makes must give the file the AWS CLI wrote, member for member (timestamps compared as
instants, since the CLI prints ISO 8601 text where an API answers epoch seconds), and the
scans of the two directories must agree on every resource kind collect covers. Calls that
every file the export script wrote, collect writes too.

usage: compare_collect.py EXPORT COLLECTED SCAN_EXPORT.json SCAN_COLLECTED.json
"""

import json
import os
import sys
from datetime import datetime

export, collected, scan_export, scan_collected = sys.argv[1:5]
COVERED = ("s3_bucket", "s3_account", "kms_key", "kms_alias", "cloudtrail_trail",
           "efs_file_system", "secretsmanager_secret", "ssm_parameter", "dynamodb_table",
           "sqs_queue", "sns_topic", "ebs_volume", "ebs_snapshot", "ec2_instance", "ec2_image",
           "ebs_defaults", "rds_instance", "rds_cluster", "rds_snapshot", "rds_cluster_snapshot")
# moto answers GetBucketPolicyStatus with a ListObjects body, and GetBucketVersioning of a
# bucket that never had versioning with the wrong root element: the AWS CLI's lenient parser
# prints something, the SDK refuses the answer. These calls are compared where moto answers
# well, and otherwise counted apart.
MOTO_MISPARSED = ("get-bucket-policy-status--", "get-bucket-versioning--")
# Services whose answers collect keeps as sent: a member the CLI's model does not know (a
# newer one, or one moto invents) is dropped by the CLI and kept by collect. Counted, not a
# difference; every member both print must agree.
KEPT_AS_SENT = ("kms", "cloudtrail", "efs", "secretsmanager", "ssm", "dynamodb", "sqs")
# Instances are collected with the members atrest keeps (docs/resources.md, ec2_instance):
# what else the CLI prints of an instance (network interfaces, ...) is counted, not compared.
import re
INSTANCE_MEMBER = re.compile(r"^/(Reservations/\d+/Instances|DBInstances|DBClusters)/\d+/[A-Za-z]+$")
INSTANCE_KEPT = {"InstanceId", "InstanceType", "ImageId", "State", "StateTransitionReason",
                 "LaunchTime", "Placement", "Platform", "PlatformDetails", "IamInstanceProfile",
                 "VpcId", "SubnetId", "RootDeviceName", "RootDeviceType", "BlockDeviceMappings",
                 "Tags",
                 # RDS instances and clusters (docs/resources.md, rds_instance, rds_cluster)
                 "ActivityStreamKmsKeyId", "AllocatedStorage", "AvailabilityZone",
                 "BackupRetentionPeriod", "CopyTagsToSnapshot", "DBClusterIdentifier",
                 "DBInstanceArn", "DBInstanceClass", "DBInstanceIdentifier", "DBInstanceStatus",
                 "DbiResourceId", "DeletionProtection", "Engine", "EngineVersion",
                 "InstanceCreateTime", "KmsKeyId", "MultiAZ", "PerformanceInsightsEnabled",
                 "PerformanceInsightsKMSKeyId", "PubliclyAccessible", "StorageEncrypted",
                 "StorageType", "TagList", "AvailabilityZones", "ClusterCreateTime",
                 "DBClusterArn", "DBClusterInstanceClass", "DBClusterMembers",
                 "DbClusterResourceId", "EngineMode", "GlobalClusterIdentifier",
                 "ReplicationSourceIdentifier", "Status"}
left_out = []
# A measurement's own time, taken at each call.
MOMENTS = ("/SizeInBytes/Timestamp",)
extra = []


def instant(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def same(a, b, path, kept_as_sent=False):
    if path.endswith(MOMENTS):
        return []
    ta, tb = instant(a), instant(b)
    if ta is not None and tb is not None:
        if abs(ta - tb) > 1e-3:
            return [f"{path}: {a!r} != {b!r}"]
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if a.get(k) is None and b.get(k) is None:
                continue  # a null member is one AWS did not send
            if k not in a and INSTANCE_MEMBER.match(f"{path}/{k}") and k not in INSTANCE_KEPT:
                left_out.append(f"{path}/{k}")
            elif k not in a:
                out.append(f"{path}/{k}: only the CLI prints it: {b[k]!r}"[:300])
            elif k not in b and kept_as_sent:
                extra.append(f"{path}/{k}")
            elif k not in b:
                out.append(f"{path}/{k}: only collect writes it: {a[k]!r}"[:300])
            else:
                out.extend(same(a[k], b[k], f"{path}/{k}", kept_as_sent))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(same(x, y, f"{path}/{i}", kept_as_sent))
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"[:300]]


def load(path):
    text = open(path).read()
    return json.loads(text) if text.strip() else {}


problems, compared, misparsed, unreached = [], 0, 0, 0
for dirpath, _, names in os.walk(collected):
    for name in sorted(names):
        mine = os.path.join(dirpath, name)
        rel = os.path.relpath(mine, collected)
        theirs = os.path.join(export, rel)
        if name.endswith(".error.json"):
            doc = load(mine)
            if name.startswith(MOTO_MISPARSED) and "error parsing XML" in doc["stderr"]:
                misparsed += 1
                continue
            if not os.path.exists(theirs):
                problems.append(f"{rel}: collect failed ({doc['error_code']}), the CLI did not")
            elif load(theirs)["error_code"] != doc["error_code"]:
                problems.append(f"{rel}: error {doc['error_code']!r}, the CLI's {load(theirs)['error_code']!r}")
            compared += 1
            continue
        if not os.path.exists(theirs):
            failed = theirs[: -len(".json")] + ".error.json"
            # AWS CLI v1 sends RDS calls in us-east-1 to rds.amazonaws.com whatever the
            # endpoint says: where the CLI could not reach moto, the SDK's answer stands alone.
            if os.path.exists(failed) and "Could not connect" in load(failed)["stderr"]:
                unreached += 1
                continue
            problems.append(f"{rel}: written by collect, not by the export script")
            continue
        kept = rel.split(os.sep)[2] in KEPT_AS_SENT
        problems.extend(f"{rel}: {p}" for p in same(load(mine), load(theirs), "", kept))
        compared += 1

# Every call the export script made for the services collect covers, collect made too.
for dirpath, _, names in os.walk(export):
    for name in names:
        rel = os.path.relpath(os.path.join(dirpath, name), export)
        service = rel.split(os.sep)[2] if rel.count(os.sep) >= 3 else ""
        mine = os.path.join(collected, rel)
        if name.endswith(".error.json") and os.path.exists(mine.replace(".error.json", ".json")) \
                and "Could not connect" in load(os.path.join(export, rel))["stderr"]:
            continue
        if name.startswith(MOTO_MISPARSED) and os.path.exists(mine.replace(".json", ".error.json")):
            continue
        if not os.path.exists(mine):
            problems.append(f"{rel}: written by the export script, not by collect")


def by_kind(report):
    out = {}
    for f in json.load(open(report))["findings"]:
        kind = f.get("resource", {}).get("kind")
        if kind in COVERED:
            out.setdefault(f["rule_id"], set()).add(f["resource"]["arn"])
    return out


a, b = by_kind(scan_collected), by_kind(scan_export)
for rule in sorted(set(a) | set(b)):
    if a.get(rule, set()) != b.get(rule, set()):
        problems.append(f"finding {rule}: collect's scan {sorted(a.get(rule, []))}, the export's {sorted(b.get(rule, []))}")
if not b:
    problems.append("the export's scan has no finding on the kinds collect covers: nothing compared")
if problems:
    sys.exit("atrest collect against the export script:\n  " + "\n  ".join(problems))
print(f"atrest collect: {compared} calls as the AWS CLI wrote them, {unreached} answered where "
      f"the CLI could not reach moto, "
      f"{misparsed} answers of moto's the SDK refuses, {len(extra)} members the CLI's model "
      f"does not know kept, {len(left_out)} instance, DB instance and cluster members left out, "
      f"{sum(len(v) for v in a.values())} findings on {', '.join(COVERED)} as the export's: ok")
