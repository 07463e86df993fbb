//! The everyday traffic of an account: mostly reads (STS AssumeRole, EC2 Describe*, S3 object
//! data events, KMS Decrypt and GenerateDataKey by services on a principal's behalf). None of
//! it is a finding of any event rule: every object write is under SSE-KMS, every grant stays
//! in the account, no call is anonymous.

use super::env::Env;
use super::record::{Call, HEX, Who, resource, token};
use crate::json::{J, obj, strs};
use crate::rng::Rng;

#[derive(Clone, Copy)]
enum Kind {
    AssumeRole,
    GetCallerIdentity,
    DescribeInstances,
    DescribeVolumes,
    DescribeSnapshots,
    DescribeSecurityGroups,
    GetObject,
    HeadObject,
    PutObject,
    ListObjects,
    S3Decrypt,
    S3GenerateDataKey,
    EbsDecrypt,
    SecretsDecrypt,
    GetSecretValue,
    DescribeKey,
    TrailGenerateDataKey,
    GetBucketEncryption,
    ListBuckets,
    EbsCreateGrant,
}

/// The service mix, in parts per thousand or so.
const MIX: [(u32, Kind); 20] = [
    (110, Kind::AssumeRole),
    (20, Kind::GetCallerIdentity),
    (60, Kind::DescribeInstances),
    (40, Kind::DescribeVolumes),
    (20, Kind::DescribeSnapshots),
    (30, Kind::DescribeSecurityGroups),
    (190, Kind::GetObject),
    (40, Kind::HeadObject),
    (50, Kind::PutObject),
    (30, Kind::ListObjects),
    (150, Kind::S3Decrypt),
    (50, Kind::S3GenerateDataKey),
    (60, Kind::EbsDecrypt),
    (25, Kind::SecretsDecrypt),
    (25, Kind::GetSecretValue),
    (20, Kind::DescribeKey),
    (20, Kind::TrailGenerateDataKey),
    (15, Kind::GetBucketEncryption),
    (10, Kind::ListBuckets),
    (5, Kind::EbsCreateGrant),
];

const OBJECT_DIRS: [&str; 6] = [
    "images",
    "exports",
    "2025/03",
    "tmp",
    "reports/daily",
    "data",
];
const OBJECT_EXT: [&str; 5] = ["png", "json", "csv.gz", "parquet", "pdf"];

fn object(rng: &mut Rng) -> String {
    format!(
        "{}/{}.{}",
        rng.pick(&OBJECT_DIRS),
        token(rng, HEX, 12),
        rng.pick(&OBJECT_EXT)
    )
}

fn key_resource(env: &Env, id: &str) -> J {
    J::Arr(vec![resource(
        Some(&env.account),
        "AWS::KMS::Key",
        env.key_arn(id),
    )])
}

fn object_resources(env: &Env, bucket: &str, key: &str) -> J {
    J::Arr(vec![
        resource(
            None,
            "AWS::S3::Object",
            format!("arn:aws:s3:::{bucket}/{key}"),
        ),
        resource(
            Some(&env.account),
            "AWS::S3::Bucket",
            format!("arn:aws:s3:::{bucket}"),
        ),
    ])
}

fn s3_extra(rng: &mut Rng, bytes_in: i64, bytes_out: i64, sse: Option<&str>) -> J {
    obj! {
        "SignatureVersion" => "SigV4",
        "CipherSuite" => "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn" => bytes_in,
        "SSEApplied" => sse.map(str::to_owned),
        "AuthenticationMethod" => "AuthHeader",
        "x-amz-id-2" => token(rng, super::record::ALNUM, 76),
        "bytesTransferredOut" => bytes_out,
    }
}

/// The key a bucket is encrypted under (each bucket has one).
fn bucket_key(env: &Env, b: usize) -> &str {
    &env.keys[b % env.keys.len()]
}

/// One background call.
pub(crate) fn call(env: &Env, rng: &mut Rng) -> Call {
    let p = rng.below(env.principals.len());
    let direct = Who::Direct(p);
    let b = rng.below(env.buckets.len());
    let bucket = &env.buckets[b];
    let host = format!("{bucket}.s3.{}.amazonaws.com", env.region);
    let kind = rng.weighted(&MIX);
    match kind {
        Kind::AssumeRole => {
            let role = rng.pick(&["web-app", "etl-job", "lambda-thumbnailer"]);
            let service = rng.pick(&["ec2.amazonaws.com", "lambda.amazonaws.com"]);
            let session = token(rng, HEX, 16);
            Call::new("sts.amazonaws.com", "AssumeRole", Who::Service(service))
                .req(obj! {
                    "roleArn" => format!("arn:aws:iam::{}:role/{role}", env.account),
                    "roleSessionName" => session.clone(),
                    "durationSeconds" => 3600i64,
                })
                .resp(obj! {
                    "credentials" => obj! {
                        "accessKeyId" => format!("ASIA{}", token(rng, super::record::UPPER_DIGITS, 16)),
                        "sessionToken" => token(rng, super::record::ALNUM, 96),
                        "expiration" => "Mar 6, 2025, 4:18:09 AM",
                    },
                    "assumedRoleUser" => obj! {
                        "assumedRoleId" => format!("AROA{}:{session}", token(rng, super::record::UPPER_DIGITS, 17)),
                        "arn" => format!("arn:aws:sts::{}:assumed-role/{role}/{session}", env.account),
                    },
                })
                .resources(J::Arr(vec![resource(
                    Some(&env.account),
                    "AWS::IAM::Role",
                    format!("arn:aws:iam::{}:role/{role}", env.account),
                )]))
        }
        Kind::GetCallerIdentity => Call::new("sts.amazonaws.com", "GetCallerIdentity", direct),
        Kind::DescribeInstances => {
            Call::new("ec2.amazonaws.com", "DescribeInstances", direct).req(obj! {
                "instancesSet" => obj! {},
                "filterSet" => obj! {},
            })
        }
        Kind::DescribeVolumes => Call::new("ec2.amazonaws.com", "DescribeVolumes", direct)
            .req(obj! { "volumeSet" => obj! {}, "filterSet" => obj! {}, "maxResults" => 500i64 }),
        Kind::DescribeSnapshots => {
            Call::new("ec2.amazonaws.com", "DescribeSnapshots", direct).req(obj! {
                "snapshotSet" => obj! {},
                "ownersSet" => obj! { "items" => vec![obj! { "owner" => "self" }] },
                "filterSet" => obj! {},
            })
        }
        Kind::DescribeSecurityGroups => {
            Call::new("ec2.amazonaws.com", "DescribeSecurityGroups", direct).req(obj! {
                "securityGroupSet" => obj! {},
                "securityGroupIdSet" => obj! {},
                "filterSet" => obj! {},
            })
        }
        Kind::GetObject | Kind::HeadObject => {
            let key = object(rng);
            let name = if matches!(kind, Kind::GetObject) {
                "GetObject"
            } else {
                "HeadObject"
            };
            let out = rng.range(200, 4_000_000);
            let call = Call::new("s3.amazonaws.com", name, direct)
                .req(obj! { "bucketName" => bucket, "Host" => host, "key" => key.clone() })
                .extra(s3_extra(
                    rng,
                    0,
                    if name == "GetObject" { out } else { 0 },
                    None,
                ))
                .resources(object_resources(env, bucket, &key))
                .data();
            if rng.chance(2.0) {
                call.failed("NoSuchKey", "The specified key does not exist.")
            } else {
                call
            }
        }
        Kind::PutObject => {
            let key = object(rng);
            let k = env.key_arn(bucket_key(env, b));
            Call::new("s3.amazonaws.com", "PutObject", direct)
                .req(obj! { "bucketName" => bucket, "Host" => host, "key" => key.clone() })
                .resp(obj! {
                    "x-amz-server-side-encryption-aws-kms-key-id" => k,
                    "x-amz-server-side-encryption" => "aws:kms",
                    "x-amz-server-side-encryption-bucket-key-enabled" => "true",
                })
                .extra({
                    let bytes = rng.range(100, 8_000_000);
                    s3_extra(rng, bytes, 0, Some("Default_SSE_KMS"))
                })
                .resources(object_resources(env, bucket, &key))
                .data()
        }
        Kind::ListObjects => Call::new("s3.amazonaws.com", "ListObjects", direct)
            .req(obj! {
                "list-type" => "2",
                "bucketName" => bucket,
                "prefix" => *rng.pick(&OBJECT_DIRS),
                "Host" => host,
            })
            .extra({
                let bytes = rng.range(300, 40_000);
                s3_extra(rng, 0, bytes, None)
            })
            .resources(J::Arr(vec![resource(
                Some(&env.account),
                "AWS::S3::Bucket",
                format!("arn:aws:s3:::{bucket}"),
            )]))
            .data(),
        Kind::S3Decrypt | Kind::S3GenerateDataKey => {
            let id = bucket_key(env, b);
            let context = obj! { "aws:s3:arn" => format!("arn:aws:s3:::{bucket}") };
            let via = Who::Via(p, "s3.amazonaws.com");
            let call = if matches!(kind, Kind::S3Decrypt) {
                Call::new("kms.amazonaws.com", "Decrypt", via).req(obj! {
                    "encryptionContext" => context,
                    "encryptionAlgorithm" => "SYMMETRIC_DEFAULT",
                })
            } else {
                Call::new("kms.amazonaws.com", "GenerateDataKey", via).req(obj! {
                    "encryptionContext" => context,
                    "keyId" => env.key_arn(id),
                    "keySpec" => "AES_256",
                })
            };
            call.extra(obj! { "keyMaterialId" => token(rng, HEX, 64) })
                .resources(key_resource(env, id))
        }
        Kind::EbsDecrypt => {
            let v = rng.below(env.volumes.len());
            let id = &env.keys[v % env.keys.len()];
            Call::new("kms.amazonaws.com", "Decrypt", Who::Ec2Infra(v))
                .req(obj! {
                    "encryptionContext" => obj! { "aws:ebs:id" => &env.volumes[v] },
                    "encryptionAlgorithm" => "SYMMETRIC_DEFAULT",
                })
                .extra(obj! { "keyMaterialId" => token(rng, HEX, 64) })
                .resources(key_resource(env, id))
        }
        Kind::SecretsDecrypt => {
            let id = &env.keys[env.keys.len() - 1];
            let secret = format!(
                "arn:aws:secretsmanager:{}:{}:secret:prod/db-{}",
                env.region,
                env.account,
                token(rng, super::record::ALNUM, 6)
            );
            Call::new(
                "kms.amazonaws.com",
                "Decrypt",
                Who::Via(p, "secretsmanager.amazonaws.com"),
            )
            .req(obj! {
                "encryptionContext" => obj! { "SecretARN" => secret, "SecretVersionId" => super::record::uuid(rng) },
                "encryptionAlgorithm" => "SYMMETRIC_DEFAULT",
            })
            .resources(key_resource(env, id))
        }
        Kind::GetSecretValue => Call::new("secretsmanager.amazonaws.com", "GetSecretValue", direct)
            .req(obj! { "secretId" => format!("prod/db-{}", rng.below(4)) }),
        Kind::DescribeKey => {
            let id = rng.pick(&env.keys);
            Call::new("kms.amazonaws.com", "DescribeKey", direct)
                .req(obj! { "keyId" => id })
                .resources(key_resource(env, id))
        }
        Kind::TrailGenerateDataKey => {
            let id = &env.keys[0];
            Call::new(
                "kms.amazonaws.com",
                "GenerateDataKey",
                Who::Service("cloudtrail.amazonaws.com"),
            )
            .req(obj! {
                "keySpec" => "AES_256",
                "encryptionContext" => obj! {
                    "aws:cloudtrail:arn" => format!("arn:aws:cloudtrail:{}:{}:trail/management-events", env.region, env.account),
                    "aws:s3:arn" => format!("arn:aws:s3:::{}/AWSLogs/{}/CloudTrail/{}", env.buckets[1], env.account, env.region),
                },
                "keyId" => env.key_arn(id),
            })
            .resources(key_resource(env, id))
        }
        Kind::GetBucketEncryption => Call::new("s3.amazonaws.com", "GetBucketEncryption", direct)
            .req(obj! { "bucketName" => bucket, "Host" => host, "encryption" => "" })
            .extra(s3_extra(rng, 0, 0, None))
            .resources(J::Arr(vec![resource(
                Some(&env.account),
                "AWS::S3::Bucket",
                format!("arn:aws:s3:::{bucket}"),
            )])),
        Kind::ListBuckets => Call::new("s3.amazonaws.com", "ListBuckets", direct)
            .req(obj! { "Host" => format!("s3.{}.amazonaws.com", env.region) })
            .extra(s3_extra(rng, 0, 0, None)),
        Kind::EbsCreateGrant => {
            let v = rng.below(env.volumes.len());
            let id = &env.keys[v % env.keys.len()];
            let instance = &env.instances[v % env.instances.len()];
            Call::new(
                "kms.amazonaws.com",
                "CreateGrant",
                Who::Via(p, "ec2-frontend-api.amazonaws.com"),
            )
            .req(obj! {
                "constraints" => obj! { "encryptionContextSubset" => obj! { "aws:ebs:id" => &env.volumes[v] } },
                "retiringPrincipal" => format!("ec2.{}.amazonaws.com", env.region),
                "operations" => strs(&["Decrypt"]),
                "keyId" => env.key_arn(id),
                "granteePrincipal" => format!("arn:aws:sts::{}:assumed-role/aws:ec2-infrastructure/{instance}", env.account),
            })
            .resp(obj! { "grantId" => token(rng, HEX, 64), "keyId" => env.key_arn(id) })
            .resources(key_resource(env, id))
            .writes()
        }
    }
}
