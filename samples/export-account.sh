#!/usr/bin/env bash
# export-account.sh: writes an atrest export directory (docs/export-format.md) for one AWS
# account with the AWS CLI. Read-only: it only calls get-, list- and describe- operations,
# and reads no secret or parameter value (metadata only).
#
#   samples/export-account.sh --out DIR [--regions r1,r2] [--profile NAME]
#
# Needs bash (3.2 or later) and the AWS CLI, version 1 or 2; nothing else.
set -euo pipefail
set -f  # no pathname expansion of the names and ids the CLI prints

usage() {
    cat <<'EOF'
Usage: export-account.sh --out DIR [--regions REGION[,REGION...]] [--profile NAME]

Writes DIR/<account>/<region>/<service>/<api>[--<resource>].json with the output of the AWS CLI
calls that atrest reads (see docs/export-format.md), for one account and one or more regions.
S3, S3 Control and STS calls, which are global, go under the first region.

  --out DIR         where to write the export (created if missing)
  --regions LIST    comma-separated regions (default: the CLI's configured region)
  --profile NAME    AWS CLI profile to use
  -h, --help        show this help

A call that fails is kept as <api>[--<resource>].error.json holding its exit code, the error
code from its message and its standard error; the export goes on. Only read-only calls are
made: the AWS managed policy SecurityAudit allows all of them.
EOF
}

out=""
regions=""
profile=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "export-account.sh: --out needs a directory" >&2; exit 2; }
            out=$2; shift 2 ;;
        --out=*) out=${1#*=}; shift ;;
        --regions) [ $# -ge 2 ] || { echo "export-account.sh: --regions needs a list" >&2; exit 2; }
            regions=$2; shift 2 ;;
        --regions=*) regions=${1#*=}; shift ;;
        --profile) [ $# -ge 2 ] || { echo "export-account.sh: --profile needs a name" >&2; exit 2; }
            profile=$2; shift 2 ;;
        --profile=*) profile=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "export-account.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "export-account.sh: --out DIR is required (see --help)" >&2; exit 2; }
command -v aws >/dev/null 2>&1 || { echo "export-account.sh: the AWS CLI (aws) is not on PATH" >&2; exit 2; }

# No pager, no auto-prompt: every call must run unattended and print to its file.
export AWS_PAGER=""
export AWS_CLI_AUTO_PROMPT=off

profile_args=()
if [ -n "$profile" ]; then
    profile_args=(--profile "$profile")
fi

# aws with the profile, if any (written so that bash 3.2 accepts an empty array under set -u).
awscli() {
    aws ${profile_args[@]+"${profile_args[@]}"} "$@"
}

if [ -z "$regions" ]; then
    regions=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
    if [ -z "$regions" ]; then
        regions=$(awscli configure get region 2>/dev/null || true)
    fi
    [ -n "$regions" ] || { echo "export-account.sh: no region configured; pass --regions" >&2; exit 2; }
fi
IFS=',' read -r -a region_list <<<"$regions"
[ "${#region_list[@]}" -gt 0 ] || { echo "export-account.sh: --regions is empty" >&2; exit 2; }

# AWS CLI v1 sends every sqs call in us-east-1 to the legacy endpoint queue.amazonaws.com
# unless --endpoint-url is given, even when AWS_ENDPOINT_URL names another one: pass the
# configured endpoint on (CLI v2 honours it anyway).
sqs_endpoint=${AWS_ENDPOINT_URL_SQS:-${AWS_ENDPOINT_URL:-}}
sqs_args=()
if [ -n "$sqs_endpoint" ]; then
    sqs_args=(--endpoint-url "$sqs_endpoint")
fi

# JSON string escaping: backslash, quote, the short escapes, and \u00XX for the other control
# characters. Other bytes (UTF-8 included) are kept as they are.
json_escape() {
    local LC_ALL=C
    local s=$1 escaped='' c i
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    s=${s//$'\b'/\\b}
    s=${s//$'\f'/\\f}
    case "$s" in
        *[$'\001'-$'\037']*)
            for ((i = 0; i < ${#s}; i++)); do
                c=${s:i:1}
                case "$c" in
                    [$'\001'-$'\037']) printf -v c '\\u%04x' "'$c" ;;
                esac
                escaped+=$c
            done
            s=$escaped
            ;;
    esac
    printf '%s' "$s"
}

# A resource name as it appears in a file name: % and / percent-encoded.
encode_name() {
    local s=$1
    s=${s//%/%25}
    s=${s//\//%2F}
    printf '%s' "$s"
}

files=0
errors=0
tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/export-account.XXXXXX")
trap 'rm -rf "$tmp_dir"' EXIT
code_re='An error occurred \(([^)]+)\)'

# call DIR NAME AWS-ARGS...: runs `aws AWS-ARGS --output json`, writes DIR/NAME.json, or
# DIR/NAME.error.json when the call fails.
call() {
    local dir=$1 name=$2 rc=0 stderr code
    shift 2
    mkdir -p "$dir"
    if awscli "$@" --output json >"$tmp_dir/out" 2>"$tmp_dir/err"; then
        mv "$tmp_dir/out" "$dir/$name.json"
        rm -f "$dir/$name.error.json"
    else
        rc=$?
        stderr=$(cat "$tmp_dir/err"; printf x)
        stderr=${stderr%x}
        code=""
        if [[ $stderr =~ $code_re ]]; then
            code=${BASH_REMATCH[1]}
        fi
        printf '{"exit_code": %d, "error_code": "%s", "stderr": "%s"}\n' \
            "$rc" "$(json_escape "$code")" "$(json_escape "$stderr")" >"$dir/$name.error.json"
        rm -f "$dir/$name.json"
        errors=$((errors + 1))
    fi
    files=$((files + 1))
}

# ids AWS-ARGS...: the whitespace-separated words that `aws AWS-ARGS --output text` prints
# (a --query that selects names or ids), or nothing if the call fails.
ids() {
    local text
    text=$(awscli "$@" --output text 2>/dev/null) || text=""
    for word in $text; do
        [ "$word" = "None" ] || printf '%s\n' "$word"
    done
}

account=$(awscli sts get-caller-identity --query Account --output text --region "${region_list[0]}") || {
    echo "export-account.sh: aws sts get-caller-identity failed; check the credentials" >&2
    exit 1
}
case "$account" in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
    *) echo "export-account.sh: unexpected account id from STS: $account" >&2; exit 1 ;;
esac

first=${region_list[0]}

# Global calls, under the first region.
base="$out/$account/$first"
call "$base/sts" get-caller-identity sts get-caller-identity --region "$first"
call "$base/s3" list-buckets s3api list-buckets --region "$first"
for bucket in $(ids s3api list-buckets --query 'Buckets[].Name' --region "$first"); do
    b=$(encode_name "$bucket")
    for api in get-bucket-location get-bucket-encryption get-public-access-block get-bucket-policy \
        get-bucket-policy-status get-bucket-acl get-bucket-ownership-controls get-bucket-versioning \
        get-bucket-replication; do
        call "$base/s3" "$api--$b" s3api "$api" --bucket "$bucket" --region "$first"
    done
done
call "$base/s3control" get-public-access-block s3control get-public-access-block \
    --account-id "$account" --region "$first"

for region in "${region_list[@]}"; do
    base="$out/$account/$region"

    call "$base/kms" list-keys kms list-keys --region "$region"
    call "$base/kms" list-aliases kms list-aliases --region "$region"
    for key in $(ids kms list-keys --query 'Keys[].KeyId' --region "$region"); do
        k=$(encode_name "$key")
        call "$base/kms" "describe-key--$k" kms describe-key --key-id "$key" --region "$region"
        call "$base/kms" "get-key-policy--$k" kms get-key-policy --key-id "$key" --policy-name default --region "$region"
        call "$base/kms" "get-key-rotation-status--$k" kms get-key-rotation-status --key-id "$key" --region "$region"
        call "$base/kms" "list-key-rotations--$k" kms list-key-rotations --key-id "$key" --region "$region"
        call "$base/kms" "list-grants--$k" kms list-grants --key-id "$key" --region "$region"
        call "$base/kms" "list-resource-tags--$k" kms list-resource-tags --key-id "$key" --region "$region"
    done

    call "$base/ec2" describe-volumes ec2 describe-volumes --region "$region"
    call "$base/ec2" describe-snapshots ec2 describe-snapshots --owner-ids self --region "$region"
    for snapshot in $(ids ec2 describe-snapshots --owner-ids self --query 'Snapshots[].SnapshotId' --region "$region"); do
        call "$base/ec2" "describe-snapshot-attribute--$(encode_name "$snapshot")" ec2 describe-snapshot-attribute \
            --snapshot-id "$snapshot" --attribute createVolumePermission --region "$region"
    done
    call "$base/ec2" describe-images ec2 describe-images --owners self --region "$region"
    for image in $(ids ec2 describe-images --owners self --query 'Images[].ImageId' --region "$region"); do
        call "$base/ec2" "describe-image-attribute--$(encode_name "$image")" ec2 describe-image-attribute \
            --image-id "$image" --attribute launchPermission --region "$region"
    done
    call "$base/ec2" describe-instances ec2 describe-instances --region "$region"
    call "$base/ec2" get-ebs-encryption-by-default ec2 get-ebs-encryption-by-default --region "$region"
    call "$base/ec2" get-ebs-default-kms-key-id ec2 get-ebs-default-kms-key-id --region "$region"
    call "$base/ec2" get-snapshot-block-public-access-state ec2 get-snapshot-block-public-access-state --region "$region"

    # RDS: instances, clusters and their snapshots. Only manual snapshots can be shared, so
    # only theirs have a restore attribute worth asking for.
    call "$base/rds" describe-db-instances rds describe-db-instances --region "$region"
    call "$base/rds" describe-db-clusters rds describe-db-clusters --region "$region"
    call "$base/rds" describe-db-snapshots rds describe-db-snapshots --region "$region"
    for snapshot in $(ids rds describe-db-snapshots --snapshot-type manual \
        --query 'DBSnapshots[].DBSnapshotIdentifier' --region "$region"); do
        call "$base/rds" "describe-db-snapshot-attributes--$(encode_name "$snapshot")" rds describe-db-snapshot-attributes \
            --db-snapshot-identifier "$snapshot" --region "$region"
    done
    call "$base/rds" describe-db-cluster-snapshots rds describe-db-cluster-snapshots --region "$region"
    for snapshot in $(ids rds describe-db-cluster-snapshots --snapshot-type manual \
        --query 'DBClusterSnapshots[].DBClusterSnapshotIdentifier' --region "$region"); do
        call "$base/rds" "describe-db-cluster-snapshot-attributes--$(encode_name "$snapshot")" rds \
            describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier "$snapshot" --region "$region"
    done

    call "$base/cloudtrail" describe-trails cloudtrail describe-trails --region "$region"
    for trail in $(ids cloudtrail describe-trails --query "trailList[?HomeRegion=='$region'].Name" --region "$region"); do
        t=$(encode_name "$trail")
        call "$base/cloudtrail" "get-trail-status--$t" cloudtrail get-trail-status --name "$trail" --region "$region"
        call "$base/cloudtrail" "get-event-selectors--$t" cloudtrail get-event-selectors --trail-name "$trail" --region "$region"
        call "$base/cloudtrail" "get-insight-selectors--$t" cloudtrail get-insight-selectors --trail-name "$trail" --region "$region"
    done

    # Metadata only: list-secrets and describe-parameters never return a value (no
    # get-secret-value, no get-parameter, no --with-decryption, anywhere).
    call "$base/efs" describe-file-systems efs describe-file-systems --region "$region"
    call "$base/secretsmanager" list-secrets secretsmanager list-secrets --region "$region"
    call "$base/ssm" describe-parameters ssm describe-parameters --region "$region"
    call "$base/dynamodb" list-tables dynamodb list-tables --region "$region"
    for table in $(ids dynamodb list-tables --query 'TableNames[]' --region "$region"); do
        call "$base/dynamodb" "describe-table--$(encode_name "$table")" dynamodb describe-table \
            --table-name "$table" --region "$region"
    done

    # list-queues prints nothing in a region without queues: an empty file.
    call "$base/sqs" list-queues sqs list-queues ${sqs_args[@]+"${sqs_args[@]}"} --region "$region"
    for url in $(ids sqs list-queues ${sqs_args[@]+"${sqs_args[@]}"} --query 'QueueUrls[]' --region "$region"); do
        # The file is named by the queue's name, the last segment of its URL.
        call "$base/sqs" "get-queue-attributes--$(encode_name "${url##*/}")" sqs get-queue-attributes \
            ${sqs_args[@]+"${sqs_args[@]}"} --queue-url "$url" --attribute-names All --region "$region"
    done

    call "$base/sns" list-topics sns list-topics --region "$region"
    for topic in $(ids sns list-topics --query 'Topics[].TopicArn' --region "$region"); do
        # The file is named by the topic's name, the last part of its ARN.
        call "$base/sns" "get-topic-attributes--$(encode_name "${topic##*:}")" sns get-topic-attributes \
            --topic-arn "$topic" --region "$region"
    done
done

echo "export-account.sh: account $account, regions ${region_list[*]}: wrote $files files to $out/$account ($errors failed calls kept as .error.json)"
