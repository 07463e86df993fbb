#!/usr/bin/env python3
"""Checks the export that tests/export-script/run.sh made against moto.

    check_export.py EXPORT_DIR SUMMARY_FILE name=value...

The name=value pairs are the ids of what run.sh created (account, buckets, keys, volume,
snapshot, trail, and the region and key of the RDS resources). Prints one line per check and closes with "N passed, N failed".
Standard library only.
"""

import json
import os
import re
import sys


def main(argv):
    root, summary_file = argv[1], argv[2]
    ids = dict(arg.split("=", 1) for arg in argv[3:])
    region_dir = os.path.join(root, ids["account"], "us-east-1")
    results = []

    def check(name, ok, detail=""):
        results.append(bool(ok))
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))

    def path(rel):
        return os.path.join(region_dir, rel)

    def load(rel):
        """The parsed file, {} for an empty one, None if it is missing or not JSON."""
        try:
            with open(path(rel), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            return None
        if not text.strip():
            return {}
        try:
            return json.loads(text)
        except ValueError:
            return None

    # Every file parses; error files have exactly the three keys.
    files = []
    for dirpath, _, names in os.walk(root):
        files += [os.path.join(dirpath, n) for n in names]
    bad = []
    for file in files:
        rel = os.path.relpath(file, region_dir)
        value = load(rel)
        if value is None:
            bad.append(f"{rel}: not JSON")
        elif file.endswith(".error.json"):
            if set(value) != {"exit_code", "error_code", "stderr"} or not isinstance(value["exit_code"], int) \
                    or not isinstance(value["error_code"], str) or not isinstance(value["stderr"], str):
                bad.append(f"{rel}: not an error file")
        elif not re.fullmatch(r"[a-z0-9-]+(--[^/]+)?\.json", os.path.basename(file)):
            bad.append(f"{rel}: unexpected name")
    check(f"all {len(files)} files are JSON (or empty) and named as the layout says", files and not bad, "; ".join(bad))

    with open(summary_file, encoding="utf-8") as f:
        summary = f.read()
    m = re.search(r"wrote (\d+) files .*\((\d+) failed calls", summary)
    errors = sum(1 for f in files if f.endswith(".error.json"))
    check("the summary line counts the files and the failed calls",
          m and int(m.group(1)) == len(files) and int(m.group(2)) == errors, summary.strip())

    v = load("sts/get-caller-identity.json") or {}
    check("sts/get-caller-identity.json names the account", v.get("Account") == ids["account"], v)

    v = load("s3/list-buckets.json") or {}
    names = {b.get("Name") for b in v.get("Buckets", [])}
    check("s3/list-buckets.json lists both buckets", {ids["kms_bucket"], ids["public_bucket"]} <= names, names)

    v = load(f"s3/get-bucket-encryption--{ids['kms_bucket']}.json") or {}
    rules = v.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    check("the KMS bucket's ServerSideEncryptionConfiguration is aws:kms under the customer key",
          default.get("SSEAlgorithm") == "aws:kms" and default.get("KMSMasterKeyID", "").endswith(ids["rotation_off_key"]), v)

    v = load(f"s3/get-bucket-acl--{ids['public_bucket']}.json") or {}
    public = [g for g in v.get("Grants", [])
              if g.get("Grantee", {}).get("URI") == "http://acs.amazonaws.com/groups/global/AllUsers"]
    check("the public bucket's ACL grants AllUsers READ", any(g.get("Permission") == "READ" for g in public), v)

    v = load(f"s3/get-bucket-ownership-controls--{ids['public_bucket']}.json") or {}
    rules = v.get("OwnershipControls", {}).get("Rules", [])
    check("the public bucket's ownership is ObjectWriter", rules and rules[0].get("ObjectOwnership") == "ObjectWriter", v)

    v = load(f"s3/get-bucket-policy--{ids['kms_bucket']}.error.json") or {}
    check("a bucket without a policy gives get-bucket-policy--B.error.json with NoSuchBucketPolicy",
          v.get("error_code") == "NoSuchBucketPolicy" and v.get("exit_code", 0) != 0
          and "An error occurred (NoSuchBucketPolicy)" in v.get("stderr", ""), v)

    v = load(f"s3/get-bucket-versioning--{ids['public_bucket']}.json")
    check("get-bucket-versioning of a never-versioned bucket is an empty file", v == {}, v)

    v = load(f"s3/get-bucket-replication--{ids['kms_bucket']}.json") or {}
    config = v.get("ReplicationConfiguration") or {}
    rules = config.get("Rules") or []
    check("get-bucket-replication of the KMS bucket has its role and one rule to the replica bucket",
          config.get("Role", "").endswith(":role/atrest-replication") and len(rules) == 1
          and rules[0].get("Destination", {}).get("Bucket") == f"arn:aws:s3:::{ids['replica_bucket']}"
          and "SseKmsEncryptedObjects" not in (rules[0].get("SourceSelectionCriteria") or {}), v)
    v = load(f"s3/get-bucket-replication--{ids['public_bucket']}.error.json") or {}
    check("a bucket without replication gives get-bucket-replication--B.error.json with "
          "ReplicationConfigurationNotFoundError",
          v.get("error_code") == "ReplicationConfigurationNotFoundError" and v.get("exit_code", 0) != 0, v)

    ok = load("s3control/get-public-access-block.json")
    err = load("s3control/get-public-access-block.error.json")
    if ids["s3control_reachable"] == "1":
        check("s3control/get-public-access-block: NoSuchPublicAccessBlockConfiguration",
              err and err.get("error_code") == "NoSuchPublicAccessBlockConfiguration", err or ok)
    else:
        check("s3control/get-public-access-block was written, as .json or .error.json (S3 Control unreachable here)",
              ok is not None or (err is not None and err.get("exit_code", 0) != 0))

    v = load("kms/list-keys.json") or {}
    keys = {k.get("KeyId") for k in v.get("Keys", [])}
    check("kms/list-keys.json lists both keys", {ids["rotation_off_key"], ids["disabled_key"]} <= keys, keys)
    for key in (ids["rotation_off_key"], ids["disabled_key"]):
        missing = [api for api in ("describe-key", "get-key-policy", "get-key-rotation-status",
                                   "list-key-rotations", "list-grants", "list-resource-tags")
                   if load(f"kms/{api}--{key}.json") is None and load(f"kms/{api}--{key}.error.json") is None]
        check(f"the six per-key files of {key} exist", not missing, missing)

    v = load(f"kms/describe-key--{ids['disabled_key']}.json") or {}
    check("describe-key of the disabled key has KeyMetadata.KeyState == Disabled",
          v.get("KeyMetadata", {}).get("KeyState") == "Disabled", v)
    v = load(f"kms/get-key-rotation-status--{ids['rotation_off_key']}.json") or {}
    check("get-key-rotation-status of the new key has KeyRotationEnabled false", v.get("KeyRotationEnabled") is False, v)
    v = load(f"kms/get-key-policy--{ids['rotation_off_key']}.json") or {}
    try:
        policy_ok = isinstance(json.loads(v.get("Policy", "")), dict)
    except ValueError:
        policy_ok = False
    check("get-key-policy holds the policy as a JSON string", policy_ok, v)

    v = load("ec2/describe-volumes.json") or {}
    vols = [x for x in v.get("Volumes", []) if x.get("VolumeId") == ids["volume"]]
    check("ec2/describe-volumes.json has the volume, encrypted, Volumes[].KmsKeyId = the disabled key",
          vols and vols[0].get("Encrypted") is True and vols[0].get("KmsKeyId", "").endswith(ids["disabled_key"]), v)
    v = load("ec2/describe-snapshots.json") or {}
    check("ec2/describe-snapshots.json has the snapshot",
          any(s.get("SnapshotId") == ids["snapshot"] for s in v.get("Snapshots", [])), v)
    v = load(f"ec2/describe-snapshot-attribute--{ids['snapshot']}.json") or {}
    check("describe-snapshot-attribute--S.json has CreateVolumePermissions", "CreateVolumePermissions" in v, v)
    v = load("ec2/describe-images.json") or {}
    check("ec2/describe-images.json has the image",
          ids["image"] in {i.get("ImageId") for i in v.get("Images", [])}, v)
    v = load(f"ec2/describe-image-attribute--{ids['image']}.json") or {}
    check("describe-image-attribute--I.json makes the image public",
          {"Group": "all"} in v.get("LaunchPermissions", []), v)
    v = load("ec2/describe-instances.json") or {}
    check("ec2/describe-instances.json has Reservations", "Reservations" in v, v)
    v = load("ec2/get-ebs-encryption-by-default.json") or {}
    check("get-ebs-encryption-by-default.json has EbsEncryptionByDefault", "EbsEncryptionByDefault" in v, v)
    ok, err = load("ec2/get-ebs-default-kms-key-id.json"), load("ec2/get-ebs-default-kms-key-id.error.json")
    check("get-ebs-default-kms-key-id was written (moto answers HTTP 500: an .error.json, and the export went on)",
          (ok or {}).get("KmsKeyId") or (err is not None and err.get("exit_code", 0) != 0), ok or err)

    v = load("cloudtrail/describe-trails.json") or {}
    check("cloudtrail/describe-trails.json lists the trail",
          any(t.get("Name") == ids["trail"] for t in v.get("trailList", [])), v)
    v = load(f"cloudtrail/get-trail-status--{ids['trail']}.json") or {}
    check("get-trail-status--T.json has IsLogging", "IsLogging" in v, v)
    v = load(f"cloudtrail/get-event-selectors--{ids['trail']}.json") or {}
    check("get-event-selectors--T.json has the TrailARN", v.get("TrailARN", "").endswith(f":trail/{ids['trail']}"), v)

    v = load("efs/describe-file-systems.json") or {}
    systems = {f.get("FileSystemId"): f for f in v.get("FileSystems", [])}
    clear, disabled = systems.get(ids["clear_fs"], {}), systems.get(ids["disabled_fs"], {})
    check("efs/describe-file-systems.json has the unencrypted file system, Encrypted false",
          clear.get("Encrypted") is False and "KmsKeyId" not in clear, v)
    check("efs/describe-file-systems.json has the file system on the disabled key",
          disabled.get("Encrypted") is True and disabled.get("KmsKeyId", "").endswith(ids["disabled_key"]), v)

    v = load("secretsmanager/list-secrets.json") or {}
    secrets = {s.get("Name"): s for s in v.get("SecretList", [])}
    check("secretsmanager/list-secrets.json lists both secrets, the default one without KmsKeyId",
          ids["default_secret"] in secrets and "KmsKeyId" not in secrets[ids["default_secret"]]
          and secrets.get(ids["disabled_secret"], {}).get("KmsKeyId", "").endswith(ids["disabled_key"]), v)
    check("list-secrets holds no secret value",
          all("SecretString" not in s and "SecretBinary" not in s for s in secrets.values()), v)

    v = load("ssm/describe-parameters.json") or {}
    params = {p.get("Name"): p for p in v.get("Parameters", [])}
    check("ssm/describe-parameters.json lists the String password parameter",
          params.get(ids["password_param"], {}).get("Type") == "String", v)
    check("describe-parameters holds no parameter value", all("Value" not in p for p in params.values()), v)
    exported = []
    for dirpath, _, names in os.walk(root):
        exported += names
    check("no file of the export is a value-reading call",
          not any(n.startswith(("get-secret-value", "get-parameter")) for n in exported), exported)
    v = load("dynamodb/list-tables.json") or {}
    check("dynamodb/list-tables.json lists both tables",
          {ids["owned_table"], ids["disabled_table"]} <= set(v.get("TableNames", [])), v)
    v = load(f"dynamodb/describe-table--{ids['owned_table']}.json") or {}
    table = v.get("Table", {})
    check("describe-table--D.json of the default table has its TableArn and no SSEDescription",
          table.get("TableArn", "").endswith(f":table/{ids['owned_table']}") and "SSEDescription" not in table, v)
    v = load(f"dynamodb/describe-table--{ids['disabled_table']}.json") or {}
    sse = v.get("Table", {}).get("SSEDescription", {})
    check("describe-table--D.json of the table on the disabled key has SSEType KMS and the key",
          sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyArn", "").endswith(ids["disabled_key"]), v)

    v = load("sqs/list-queues.json") or {}
    urls = v.get("QueueUrls", [])
    queues = [ids[q] for q in ("sse_sqs_queue", "aws_sqs_queue", "plain_queue", "disabled_queue")]
    check("sqs/list-queues.json lists the four queues by URL",
          set(queues) <= {u.rsplit("/", 1)[-1] for u in urls}, v)
    attributes = {q: (load(f"sqs/get-queue-attributes--{q}.json") or {}).get("Attributes", {}) for q in queues}
    check("get-queue-attributes--Q.json (named by the queue's name) holds every queue's QueueArn",
          all(a.get("QueueArn", "").endswith(f":{q}") for q, a in attributes.items()), attributes)
    check("the SSE-SQS queue has SqsManagedSseEnabled \"true\" and no KmsMasterKeyId",
          attributes[ids["sse_sqs_queue"]].get("SqsManagedSseEnabled") == "true"
          and "KmsMasterKeyId" not in attributes[ids["sse_sqs_queue"]], attributes[ids["sse_sqs_queue"]])
    check("the unencrypted queue has SqsManagedSseEnabled \"false\" and no KmsMasterKeyId",
          attributes[ids["plain_queue"]].get("SqsManagedSseEnabled") == "false"
          and "KmsMasterKeyId" not in attributes[ids["plain_queue"]], attributes[ids["plain_queue"]])
    try:
        statements = json.loads(attributes[ids["aws_sqs_queue"]].get("Policy", "{}")).get("Statement", [])
    except ValueError:
        statements = []
    check("the queue with a policy has it as a JSON string in Attributes.Policy",
          any(st.get("Principal") == "*" for st in statements), attributes[ids["aws_sqs_queue"]])
    check("the queues on KMS keys have KmsMasterKeyId alias/aws/sqs and the disabled key",
          attributes[ids["aws_sqs_queue"]].get("KmsMasterKeyId") == "alias/aws/sqs"
          and attributes[ids["disabled_queue"]].get("KmsMasterKeyId") == ids["disabled_key"], attributes)

    v = load("sns/list-topics.json") or {}
    arns = [t.get("TopicArn", "") for t in v.get("Topics", [])]
    topics = [ids["plain_topic"], ids["disabled_topic"]]
    check("sns/list-topics.json lists both topics", set(topics) <= {a.rsplit(":", 1)[-1] for a in arns}, v)
    attributes = {t: (load(f"sns/get-topic-attributes--{t}.json") or {}).get("Attributes", {}) for t in topics}
    check("get-topic-attributes--N.json (named by the topic's name) holds TopicArn and Owner",
          all(a.get("TopicArn", "").endswith(f":{t}") and a.get("Owner") == ids["account"]
              for t, a in attributes.items()), attributes)
    check("only the topic on the disabled key has a KmsMasterKeyId",
          "KmsMasterKeyId" not in attributes[ids["plain_topic"]]
          and attributes[ids["disabled_topic"]].get("KmsMasterKeyId") == ids["disabled_key"], attributes)

    # RDS in us-east-1: written, as .json or as .error.json (AWS CLI v1 cannot reach moto there).
    missing = [api for api in ("describe-db-instances", "describe-db-clusters", "describe-db-snapshots",
                               "describe-db-cluster-snapshots")
               if load(f"rds/{api}.json") is None and load(f"rds/{api}.error.json") is None]
    check("the four RDS listings of us-east-1 were written", not missing, missing)

    # RDS, exported from its own region.
    rds_dir = os.path.join(root, ids["account"], ids["rds_region"], "rds")

    def rds(rel):
        try:
            with open(os.path.join(rds_dir, rel), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    v = rds("describe-db-instances.json") or {}
    instances = {i.get("DBInstanceIdentifier"): i for i in v.get("DBInstances", [])}
    check("rds/describe-db-instances.json lists the three instances",
          {"atrest-plain-db", "atrest-cmk-db", "atrest-cluster-1"} <= set(instances), sorted(instances))
    cmk = instances.get("atrest-cmk-db", {})
    check("the encrypted instance has StorageEncrypted and the key as KmsKeyId",
          cmk.get("StorageEncrypted") is True and cmk.get("KmsKeyId", "").endswith(ids["rds_key"]), cmk)
    check("the cluster's instance names its cluster",
          instances.get("atrest-cluster-1", {}).get("DBClusterIdentifier") == "atrest-cluster", instances.get("atrest-cluster-1"))
    v = rds("describe-db-clusters.json") or {}
    clusters = {c.get("DBClusterIdentifier"): c for c in v.get("DBClusters", [])}
    check("rds/describe-db-clusters.json has the unencrypted cluster",
          clusters.get("atrest-cluster", {}).get("StorageEncrypted") is False, clusters)
    v = rds("describe-db-snapshots.json") or {}
    snapshots = {s.get("DBSnapshotIdentifier"): s for s in v.get("DBSnapshots", [])}
    check("rds/describe-db-snapshots.json has both manual snapshots",
          {"atrest-public-snap", "atrest-shared-snap"} <= set(snapshots), sorted(snapshots))
    for name, values in (("atrest-public-snap", ["all"]), ("atrest-shared-snap", ["210987654321"])):
        v = rds(f"describe-db-snapshot-attributes--{name}.json") or {}
        attrs = v.get("DBSnapshotAttributesResult", {}).get("DBSnapshotAttributes", [])
        restore = [a.get("AttributeValues") for a in attrs if a.get("AttributeName") == "restore"]
        check(f"describe-db-snapshot-attributes--{name}.json: restore is {values}", restore == [values], v)
    automated = [n for n, s in snapshots.items() if s.get("SnapshotType") == "automated"]
    asked = [n for n in automated if os.path.exists(os.path.join(rds_dir, f"describe-db-snapshot-attributes--{n}.json"))]
    check("automated snapshots are listed but their attributes are not asked for", not asked, asked)
    v = rds("describe-db-cluster-snapshots.json") or {}
    check("rds/describe-db-cluster-snapshots.json has the cluster snapshot",
          any(s.get("DBClusterSnapshotIdentifier") == "atrest-cluster-snap" for s in v.get("DBClusterSnapshots", [])), v)
    v = rds("describe-db-cluster-snapshot-attributes--atrest-cluster-snap.json") or {}
    attrs = v.get("DBClusterSnapshotAttributesResult", {}).get("DBClusterSnapshotAttributes", [])
    check("describe-db-cluster-snapshot-attributes--C.json: restore names 210987654321",
          any(a.get("AttributeName") == "restore" and a.get("AttributeValues") == ["210987654321"] for a in attrs), v)

    passed = sum(results)
    print(f"export-script: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
