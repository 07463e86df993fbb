#!/usr/bin/env bash
# Runs samples/export-account.sh against moto's local AWS server and checks what it wrote.
#
#   tests/export-script/run.sh
#
# Needs moto_server (pip install 'moto[server]'), the AWS CLI (v1 or v2) and python3; installs
# nothing and prints a "skipped" line when one is missing. Everything runs on 127.0.0.1, on a
# free port, with throw-away credentials; the moto server it starts is stopped at the end.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

for tool in moto_server aws python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "export-script: skipped ($tool not found; pip install 'moto[server]' awscli)"
        exit 0
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atrest-export-test.XXXXXX")
moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${ATREST_KEEP:-}" ] && trap 'kill "$moto_pid" 2>/dev/null || true; echo "kept $tmp"' EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
echo '[]' >"$tmp/amis.json"  # no AMIs: moto starts faster and needs no network
MOTO_AMIS_PATH="$tmp/amis.json" moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
python3 - "$port" <<'EOF'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/moto-api/"
for _ in range(100):
    try:
        urllib.request.urlopen(url, timeout=1)
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit("moto_server did not start")
EOF

# A clean AWS CLI environment that can only reach moto.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_CA_BUNDLE 2>/dev/null || true
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-credentials"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_MAX_ATTEMPTS=1 AWS_PAGER=""
# S3 Control puts the account id in front of the host name; it reaches moto only where
# <account>.localhost resolves to the loopback address.
account=123456789012
s3control_reachable=0
if getent hosts "$account.localhost" >/dev/null 2>&1; then
    export AWS_ENDPOINT_URL_S3_CONTROL="http://localhost:$port"
    s3control_reachable=1
fi

# The account: a bucket with SSE-KMS under a customer key, a bucket made public by its ACL,
# a key with rotation off, a disabled key, a volume (and its snapshot) under the disabled key,
# a trail, EFS file systems, secrets and parameters.
kms_bucket=atrest-kms-bucket
public_bucket=atrest-public-bucket
trail=atrest-trail
aws s3api create-bucket --bucket "$kms_bucket" >/dev/null
aws s3api create-bucket --bucket "$public_bucket" >/dev/null
rotation_off_key=$(aws kms create-key --description "rotation off" --query KeyMetadata.KeyId --output text)
disabled_key=$(aws kms create-key --description "disabled" --query KeyMetadata.KeyId --output text)
aws kms disable-key --key-id "$disabled_key"
aws s3api put-bucket-encryption --bucket "$kms_bucket" --server-side-encryption-configuration \
    "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$rotation_off_key\"},\"BucketKeyEnabled\":false}]}"
aws s3api put-bucket-ownership-controls --bucket "$public_bucket" \
    --ownership-controls 'Rules=[{ObjectOwnership=ObjectWriter}]'
aws s3api put-public-access-block --bucket "$public_bucket" --public-access-block-configuration \
    BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false
aws s3api put-bucket-acl --bucket "$public_bucket" --acl public-read
# Replication of the KMS bucket to a replica bucket (both versioned, as replication needs), by
# a rule that does not enable SseKmsEncryptedObjects: the bucket's SSE-KMS objects stay behind.
replica_bucket=atrest-replica-bucket
aws s3api create-bucket --bucket "$replica_bucket" >/dev/null
for b in "$kms_bucket" "$replica_bucket"; do
    aws s3api put-bucket-versioning --bucket "$b" --versioning-configuration Status=Enabled
done
aws s3api put-bucket-replication --bucket "$kms_bucket" --replication-configuration \
    "{\"Role\":\"arn:aws:iam::$account:role/atrest-replication\",\"Rules\":[{\"ID\":\"to-replica\",\"Priority\":1,\"Filter\":{\"Prefix\":\"\"},\"Status\":\"Enabled\",\"DeleteMarkerReplication\":{\"Status\":\"Disabled\"},\"Destination\":{\"Bucket\":\"arn:aws:s3:::$replica_bucket\"}}]}"
volume=$(aws ec2 create-volume --availability-zone us-east-1a --size 8 --volume-type gp3 --encrypted \
    --kms-key-id "$disabled_key" --query VolumeId --output text)
snapshot=$(aws ec2 create-snapshot --volume-id "$volume" --query SnapshotId --output text)
# A public AMI of that snapshot.
image=$(aws ec2 register-image --name atrest-image --root-device-name /dev/xvda \
    --block-device-mappings "DeviceName=/dev/xvda,Ebs={SnapshotId=$snapshot}" --query ImageId --output text)
aws ec2 modify-image-attribute --image-id "$image" --launch-permission 'Add=[{Group=all}]'
# An instance of that AMI, with the volume attached.
instance=$(aws ec2 run-instances --image-id "$image" --instance-type t3.micro --count 1 \
    --query 'Instances[0].InstanceId' --output text)
aws ec2 attach-volume --volume-id "$volume" --instance-id "$instance" --device /dev/sdf >/dev/null
aws cloudtrail create-trail --name "$trail" --s3-bucket-name "$kms_bucket" >/dev/null
# EFS: one file system unencrypted, one on the disabled key, one encrypted without a key (moto
# then prints no KmsKeyId, where EFS names aws/elasticfilesystem's key).
clear_fs=$(aws efs create-file-system --creation-token atrest-clear --no-encrypted --query FileSystemId --output text)
disabled_fs=$(aws efs create-file-system --creation-token atrest-disabled --encrypted --kms-key-id "$disabled_key" \
    --query FileSystemId --output text)
aws efs create-file-system --creation-token atrest-default --encrypted >/dev/null
# Secrets Manager: one on aws/secretsmanager (no KmsKeyId), one on the disabled key. The values
# are throw-away; the export never reads them back.
default_secret=atrest/db
disabled_secret=atrest/api
aws secretsmanager create-secret --name "$default_secret" --secret-string throwaway >/dev/null
aws secretsmanager create-secret --name "$disabled_secret" --secret-string throwaway --kms-key-id "$disabled_key" >/dev/null
# Parameter Store: a password as a plain String, a SecureString on alias/aws/ssm, one on the
# disabled key. (No parameter policies: moto prints PolicyText and PolicyType as objects, where
# AWS prints JSON strings, and atrest would rightly refuse the file.)
password_param=/atrest/db/password
aws ssm put-parameter --name "$password_param" --type String --value throwaway >/dev/null
aws ssm put-parameter --name /atrest/app/token --type SecureString --value throwaway >/dev/null
aws ssm put-parameter --name /atrest/app/signing --type SecureString --key-id "$disabled_key" --value throwaway >/dev/null

# DynamoDB, SQS and SNS: a table on DynamoDB's default (the AWS owned key) and one on the
# disabled key; a queue on SSE-SQS, one on alias/aws/sqs, an unencrypted one and one on the
# disabled key; a topic without a key and one on the disabled key. (AWS CLI v1 sends sqs calls
# in us-east-1 to queue.amazonaws.com unless --endpoint-url is given.)
sqs() { aws sqs "$@" --endpoint-url "$AWS_ENDPOINT_URL"; }
table_args=(--attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH
    --billing-mode PAY_PER_REQUEST)
owned_table=atrest-owned-table
disabled_table=atrest-disabled-key-table
aws dynamodb create-table --table-name "$owned_table" "${table_args[@]}" >/dev/null
aws dynamodb create-table --table-name "$disabled_table" "${table_args[@]}" \
    --sse-specification "Enabled=true,SSEType=KMS,KMSMasterKeyId=$disabled_key" >/dev/null
sse_sqs_queue=atrest-sse-sqs
aws_sqs_queue=atrest-aws-sqs
plain_queue=atrest-plain
disabled_queue=atrest-disabled-key-queue
sqs create-queue --queue-name "$sse_sqs_queue" --attributes SqsManagedSseEnabled=true >/dev/null
# The queue on alias/aws/sqs also has a policy that lets anyone send.
public_policy="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:$account:$aws_sqs_queue\"}]}"
sqs create-queue --queue-name "$aws_sqs_queue" --attributes "$(python3 -c 'import json, sys; print(json.dumps({"KmsMasterKeyId": "alias/aws/sqs", "Policy": sys.argv[1]}))' "$public_policy")" >/dev/null
sqs create-queue --queue-name "$plain_queue" --attributes SqsManagedSseEnabled=false >/dev/null
sqs create-queue --queue-name "$disabled_queue" --attributes "KmsMasterKeyId=$disabled_key" >/dev/null
plain_topic=atrest-plain-topic
disabled_topic=atrest-disabled-key-topic
aws sns create-topic --name "$plain_topic" >/dev/null
aws sns create-topic --name "$disabled_topic" --attributes "KmsMasterKeyId=$disabled_key" >/dev/null

# RDS, in eu-west-1: AWS CLI v1 sends RDS calls in us-east-1 to rds.amazonaws.com whatever
# AWS_ENDPOINT_URL says, so they cannot reach moto there. An unencrypted instance and its
# public snapshot, an instance on a key that is then disabled and its snapshot shared with
# another account, and an unencrypted Aurora cluster (with one member instance) whose
# snapshot is shared. (Not an instance on aws/rds: moto names the key `default_kms_key_id`.)
rds_region=eu-west-1
rds() { aws rds "$@" --region "$rds_region" >/dev/null; }
rds_key=$(aws kms create-key --description "rds" --region "$rds_region" --query KeyMetadata.KeyId --output text)
password=not-a-real-password-1
rds create-db-instance --db-instance-identifier atrest-plain-db --engine mysql --db-instance-class db.t3.micro \
    --master-username admin --master-user-password "$password" --allocated-storage 20
rds create-db-instance --db-instance-identifier atrest-cmk-db --engine postgres --db-instance-class db.t3.micro \
    --master-username postgres --master-user-password "$password" --allocated-storage 20 \
    --storage-encrypted --kms-key-id "$rds_key"
rds create-db-snapshot --db-instance-identifier atrest-plain-db --db-snapshot-identifier atrest-public-snap
rds modify-db-snapshot-attribute --db-snapshot-identifier atrest-public-snap --attribute-name restore --values-to-add all
rds create-db-snapshot --db-instance-identifier atrest-cmk-db --db-snapshot-identifier atrest-shared-snap
rds modify-db-snapshot-attribute --db-snapshot-identifier atrest-shared-snap --attribute-name restore \
    --values-to-add 210987654321
rds create-db-cluster --db-cluster-identifier atrest-cluster --engine aurora-postgresql \
    --master-username postgres --master-user-password "$password"
rds create-db-instance --db-instance-identifier atrest-cluster-1 --db-cluster-identifier atrest-cluster \
    --engine aurora-postgresql --db-instance-class db.t4g.medium
rds create-db-cluster-snapshot --db-cluster-identifier atrest-cluster --db-cluster-snapshot-identifier atrest-cluster-snap
rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier atrest-cluster-snap --attribute-name restore \
    --values-to-add 210987654321
aws kms disable-key --key-id "$rds_key" --region "$rds_region"

# The export, as a user would run it.
"$root/samples/export-account.sh" --out "$tmp/export" --regions "us-east-1,$rds_region" | tee "$tmp/summary.txt"

python3 "$here/check_export.py" "$tmp/export" "$tmp/summary.txt" \
    account="$account" kms_bucket="$kms_bucket" public_bucket="$public_bucket" replica_bucket="$replica_bucket" \
    rotation_off_key="$rotation_off_key" disabled_key="$disabled_key" volume="$volume" \
    snapshot="$snapshot" image="$image" trail="$trail" s3control_reachable="$s3control_reachable" \
    clear_fs="$clear_fs" disabled_fs="$disabled_fs" default_secret="$default_secret" \
    disabled_secret="$disabled_secret" password_param="$password_param" \
    owned_table="$owned_table" disabled_table="$disabled_table" sse_sqs_queue="$sse_sqs_queue" \
    aws_sqs_queue="$aws_sqs_queue" plain_queue="$plain_queue" disabled_queue="$disabled_queue" \
    plain_topic="$plain_topic" disabled_topic="$disabled_topic" \
    rds_region="$rds_region" rds_key="$rds_key"

# The files must also match the AWS API models, where the corpus is present.
corpus="$root/../shared/corpus/botocore"
if [ -d "$corpus" ]; then
    python3 "$root/tests/shapes/check_shapes.py" "$tmp/export" "$corpus"
fi

# And atrest must read it: the planted problems are found. The export is incomplete where moto
# fails a call (S3 Control, the EBS default key), so the scan exits with 2 and says why.
atrest="${ATREST:-$root/target/debug/atrest}"
if [ -x "$atrest" ]; then
    set +e
    "$atrest" scan "$tmp/export" --format json --output "$tmp/report.json" 2>"$tmp/scan.err"
    code=$?
    set -e
    python3 - "$tmp/report.json" "$code" "$volume" "$disabled_key" "$rds_region" <<'PY'
import json, sys
report, code, volume, key = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rds_arn = lambda kind, name: f"arn:aws:rds:{sys.argv[5]}:123456789012:{kind}:{name}"
ids = {f["rule_id"] for f in report["findings"]}
# (Not the snapshot on the disabled key: moto's snapshots of encrypted volumes carry no KmsKeyId.)
want = {"ebs-volume-key-unusable", "kms-key-disabled", "ec2-image-public",
        "kms-key-rotation-disabled", "s3-bucket-acl-public", "s3-bucket-kms-without-bucket-key",
        "cloudtrail-trail-not-kms-encrypted",
        "efs-file-system-unencrypted", "efs-file-system-key-unusable", "efs-file-system-aws-managed-key",
        "secretsmanager-secret-aws-managed-key", "secretsmanager-secret-key-unusable",
        "ssm-parameter-secret-name-unencrypted", "ssm-parameter-aws-managed-key", "ssm-parameter-key-unusable",
        "dynamodb-table-aws-owned-key", "dynamodb-table-key-unusable",
        "sqs-queue-aws-owned-key", "sqs-queue-aws-managed-key", "sqs-queue-unencrypted",
        "sqs-queue-key-unusable", "sqs-queue-policy-public", "sns-topic-not-kms-encrypted",
        "sns-topic-key-unusable", "s3-bucket-replication-skips-kms-objects"}
missing = want - ids
if missing:
    sys.exit(f"atrest on the export: missing {sorted(missing)}; found {sorted(ids)}")
hit = [f for f in report["findings"] if f["rule_id"] == "ebs-volume-key-unusable"]
if not any(volume in f["message"] and key in f["message"] for f in hit):
    sys.exit(f"the volume finding does not name {volume} and {key}: {hit}")
hit = [f for f in report["findings"] if f["rule_id"] == "s3-bucket-replication-skips-kms-objects"]
if len(hit) != 1 or "rule to-replica" not in hit[0]["message"] or "role/atrest-replication" not in hit[0]["message"]:
    sys.exit(f"s3-bucket-replication-skips-kms-objects: want one finding naming rule to-replica and its role: {hit}")
# Each data resource on the disabled key is found, named with the key.
for rule in ("dynamodb-table-key-unusable", "sqs-queue-key-unusable", "sns-topic-key-unusable"):
    hit = [f for f in report["findings"] if f["rule_id"] == rule]
    if len(hit) != 1 or key not in hit[0]["message"]:
        sys.exit(f"{rule}: want one finding naming {key}: {hit}")
by_rule = lambda r: sorted(f["resource"]["arn"] for f in report["findings"] if f["rule_id"] == r)
for rule, want_one in (("sqs-queue-unencrypted", "atrest-plain"), ("sqs-queue-aws-owned-key", "atrest-sse-sqs"),
                       ("sqs-queue-aws-managed-key", "atrest-aws-sqs"), ("sqs-queue-policy-public", "atrest-aws-sqs"),
                       ("sns-topic-not-kms-encrypted", "atrest-plain-topic"),
                       ("dynamodb-table-aws-owned-key", "table/atrest-owned-table")):
    got = by_rule(rule)
    if len(got) != 1 or not got[0].endswith(want_one):
        sys.exit(f"{rule}: want only {want_one}, got {got}")
# RDS: each planted problem, on its resource; the cluster's member instance is left to the
# cluster rule.
subjects = {}
for f in report["findings"]:
    subjects.setdefault(f["rule_id"], set()).add(f["resource"].get("arn"))
rds_want = {
    "rds-instance-unencrypted": {rds_arn("db", "atrest-plain-db")},
    "rds-instance-key-unusable": {rds_arn("db", "atrest-cmk-db")},
    "rds-snapshot-public": {rds_arn("snapshot", "atrest-public-snap")},
    "rds-snapshot-shared": {rds_arn("snapshot", "atrest-shared-snap")},
    "rds-cluster-unencrypted": {rds_arn("cluster", "atrest-cluster")},
    "rds-cluster-snapshot-shared": {rds_arn("cluster-snapshot", "atrest-cluster-snap")},
}
for rule, arns in rds_want.items():
    if subjects.get(rule, set()) != arns:
        sys.exit(f"atrest on the export: {rule} gives {sorted(subjects.get(rule, []))}, want {sorted(arns)}")
for rule, arn in (("rds-snapshot-unencrypted", rds_arn("snapshot", "atrest-public-snap")),
                  ("rds-snapshot-key-unusable", rds_arn("snapshot", "atrest-shared-snap")),
                  ("rds-cluster-snapshot-unencrypted", rds_arn("cluster-snapshot", "atrest-cluster-snap"))):
    if arn not in subjects.get(rule, set()):
        sys.exit(f"atrest on the export: {rule} does not report {arn}: {sorted(subjects.get(rule, []))}")
shared = [f for f in report["findings"] if f["rule_id"] == "rds-snapshot-shared"]
if "210987654321" not in shared[0]["message"]:
    sys.exit(f"the shared snapshot finding does not name the account: {shared}")
if code not in (1, 2):
    sys.exit(f"unexpected exit code {code}")
errors = [d for d in report["diagnostics"] if d["level"] == "error"]
if (code == 2) != bool(errors):
    sys.exit(f"exit code {code} with errors {errors}")
for e in errors:
    print(f"  input error (expected from moto): {e['path'].split('/export/')[-1]}: {e['message'][:160]}")
print(f"atrest on the export: {len(report['findings'])} findings, {len(errors)} input errors, exit {code}: ok")
PY
else
    echo "atrest on the export: skipped ($atrest not built)"
fi

# `atrest collect` (the `aws` feature), when ATREST_COLLECT names an atrest built with it: the
# same account, collected through the SDK, must give the files the AWS CLI wrote and the same
# findings on what it collects.
if [ -n "${ATREST_COLLECT:-}" ]; then
    "$ATREST_COLLECT" collect --out "$tmp/collected" --regions "us-east-1,$rds_region" \
        --endpoint-url "$AWS_ENDPOINT_URL"
    set +e
    "$ATREST_COLLECT" scan "$tmp/collected" --format json --output "$tmp/collected.json" 2>/dev/null
    code=$?
    set -e
    # moto fails some calls for the SDK as for the CLI (the EBS default key, S3 Control's
    # host name): recorded, so the scan says so.
    [ "$code" -eq 2 ] || { echo "the scan of the collection must exit 2 (moto's failed calls), not $code"; exit 1; }
    python3 "$here/compare_collect.py" "$tmp/export" "$tmp/collected" "$tmp/report.json" "$tmp/collected.json"
fi
