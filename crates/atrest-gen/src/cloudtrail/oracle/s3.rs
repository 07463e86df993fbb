//! Plants of the S3 bucket rules: ACLs, default encryption, policies, Block Public Access.

use super::Ctx;
use crate::cloudtrail::record::{self, Call, resource};
use crate::json::{J, obj, strs};

fn bucket_resources(c: &Ctx, bucket: &str) -> J {
    J::Arr(vec![resource(
        Some(&c.env.account),
        "AWS::S3::Bucket",
        format!("arn:aws:s3:::{bucket}"),
    )])
}

pub(super) fn s3_call(
    c: &mut Ctx,
    name: &'static str,
    bucket: &str,
    mut req: Vec<(&'static str, J)>,
) -> Call {
    let who = c.admin();
    let mut members = vec![
        ("bucketName", J::from(bucket)),
        (
            "Host",
            J::Str(format!("{bucket}.s3.{}.amazonaws.com", c.env.region)),
        ),
    ];
    members.append(&mut req);
    Call::new("s3.amazonaws.com", name, who)
        .req(J::Obj(members))
        .extra(obj! {
            "SignatureVersion" => "SigV4",
            "CipherSuite" => "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn" => 0i64,
            "AuthenticationMethod" => "AuthHeader",
            "x-amz-id-2" => record::token(&mut c.rng, record::ALNUM, 76),
            "bytesTransferredOut" => 0i64,
        })
        .resources(bucket_resources(c, bucket))
        .writes()
}

pub(super) enum Acl {
    Canned(&'static str),
    /// An explicit `AccessControlPolicy` granting READ to AllUsers, as the console sends it.
    Grant,
}

pub(super) fn bucket_acl(c: &mut Ctx, acl: Acl) -> Call {
    let bucket = c.bucket();
    let owner = record::token(&mut c.rng, record::HEX, 64);
    let req = match acl {
        Acl::Canned(canned) => vec![("acl", J::from("")), ("x-amz-acl", strs(&[canned]))],
        Acl::Grant => vec![
            (
                "AccessControlPolicy",
                obj! {
                    "AccessControlList" => obj! { "Grant" => vec![
                        obj! {
                            "Grantee" => obj! { "xsi:type" => "CanonicalUser", "xmlns:xsi" => "http://www.w3.org/2001/XMLSchema-instance", "ID" => owner.clone() },
                            "Permission" => "FULL_CONTROL",
                        },
                        obj! {
                            "Grantee" => obj! { "xsi:type" => "Group", "xmlns:xsi" => "http://www.w3.org/2001/XMLSchema-instance", "URI" => "http://acs.amazonaws.com/groups/global/AllUsers" },
                            "Permission" => "READ",
                        },
                    ] },
                    "xmlns" => "http://s3.amazonaws.com/doc/2006-03-01/",
                    "Owner" => obj! { "ID" => owner },
                },
            ),
            ("acl", J::from("")),
        ],
    };
    s3_call(c, "PutBucketAcl", &bucket, req)
}

pub(super) fn bucket_encryption(c: &mut Ctx, name: &'static str) -> Call {
    let bucket = c.bucket();
    let req = if name == "PutBucketEncryption" {
        let key = c.env.key_arn(&c.env.keys[0]);
        vec![
            (
                "ServerSideEncryptionConfiguration",
                obj! {
                    "xmlns" => "http://s3.amazonaws.com/doc/2006-03-01/",
                    "Rule" => obj! {
                        "ApplyServerSideEncryptionByDefault" => obj! { "SSEAlgorithm" => "aws:kms", "KMSMasterKeyID" => key },
                        "BucketKeyEnabled" => true,
                    },
                },
            ),
            ("encryption", J::from("")),
        ]
    } else {
        vec![("encryption", J::from(""))]
    };
    s3_call(c, name, &bucket, req)
}

pub(super) enum Policy {
    Public,
    /// Everyone, but only through one VPC endpoint: not public.
    Vpce,
}

pub(super) fn bucket_policy(c: &mut Ctx, policy: Policy) -> Call {
    let bucket = c.bucket();
    let mut statement = vec![
        ("Sid", J::from("PublicReadGetObject")),
        ("Effect", J::from("Allow")),
        ("Principal", J::from("*")),
        ("Action", J::from("s3:GetObject")),
        ("Resource", J::Str(format!("arn:aws:s3:::{bucket}/*"))),
    ];
    if matches!(policy, Policy::Vpce) {
        statement[0].1 = J::from("ReadThroughEndpoint");
        statement.push((
            "Condition",
            obj! { "StringEquals" => obj! { "aws:SourceVpce" => "vpce-0a1b2c3d4e5f60718" } },
        ));
    }
    let doc = obj! { "Version" => "2012-10-17", "Statement" => vec![J::Obj(statement)] };
    s3_call(
        c,
        "PutBucketPolicy",
        &bucket,
        vec![("bucketPolicy", doc), ("policy", J::from(""))],
    )
}

pub(super) fn public_access_block(c: &mut Ctx, name: &'static str) -> Call {
    if name == "DeleteAccountPublicAccessBlock" {
        let who = c.admin();
        return Call::new("s3.amazonaws.com", name, who)
            .req(obj! { "host" => strs(&[&format!("{}.s3-control.{}.amazonaws.com", c.env.account, c.env.region)]) })
            .writes();
    }
    let bucket = c.bucket();
    let req = if name == "PutBucketPublicAccessBlock" {
        vec![
            (
                "PublicAccessBlockConfiguration",
                obj! {
                    "xmlns" => "http://s3.amazonaws.com/doc/2006-03-01/",
                    "RestrictPublicBuckets" => true,
                    "BlockPublicPolicy" => true,
                    "BlockPublicAcls" => true,
                    "IgnorePublicAcls" => true,
                },
            ),
            ("publicAccessBlock", J::from("")),
        ]
    } else {
        vec![("publicAccessBlock", J::from(""))]
    };
    s3_call(c, name, &bucket, req)
}

/// `PutBucketEncryption` with another default than the SSE-KMS one of [`bucket_encryption`]:
/// `AES256` (SSE-S3) or `aws:kms:dsse` (dual-layer SSE-KMS, under the bucket's key).
pub(super) fn put_bucket_encryption(c: &mut Ctx, algorithm: &'static str) -> Call {
    let bucket = c.bucket();
    let default = if algorithm == "AES256" {
        obj! { "SSEAlgorithm" => algorithm }
    } else {
        obj! { "SSEAlgorithm" => algorithm, "KMSMasterKeyID" => c.env.key_arn(&c.env.keys[0]) }
    };
    let config = obj! {
        "xmlns" => "http://s3.amazonaws.com/doc/2006-03-01/",
        "Rule" => obj! { "ApplyServerSideEncryptionByDefault" => default, "BucketKeyEnabled" => false },
    };
    s3_call(
        c,
        "PutBucketEncryption",
        &bucket,
        vec![
            ("ServerSideEncryptionConfiguration", config),
            ("encryption", J::from("")),
        ],
    )
}

/// Where a `Put*PublicAccessBlock` call applies.
pub(super) enum BlockScope {
    Bucket,
    /// Every bucket of the account, through S3 Control.
    Account,
}

/// A new Block Public Access configuration: `on` gives BlockPublicAcls, IgnorePublicAcls,
/// BlockPublicPolicy and RestrictPublicBuckets, in that order.
pub(super) fn put_public_access_block(c: &mut Ctx, scope: BlockScope, on: [bool; 4]) -> Call {
    let [acls, ignore, policy, restrict] = on;
    let config = |xmlns: &'static str| {
        obj! {
            "xmlns" => xmlns,
            "RestrictPublicBuckets" => restrict,
            "BlockPublicPolicy" => policy,
            "BlockPublicAcls" => acls,
            "IgnorePublicAcls" => ignore,
        }
    };
    match scope {
        BlockScope::Bucket => {
            let bucket = c.bucket();
            let req = vec![
                (
                    "PublicAccessBlockConfiguration",
                    config("http://s3.amazonaws.com/doc/2006-03-01/"),
                ),
                ("publicAccessBlock", J::from("")),
            ];
            s3_call(c, "PutBucketPublicAccessBlock", &bucket, req)
        }
        BlockScope::Account => {
            let who = c.admin();
            let host = format!(
                "{}.s3-control.{}.amazonaws.com",
                c.env.account, c.env.region
            );
            Call::new("s3.amazonaws.com", "PutAccountPublicAccessBlock", who)
                .req(obj! {
                    "PublicAccessBlockConfiguration" => config("http://awss3control.amazonaws.com/doc/2018-08-20/"),
                    "host" => strs(&[&host]),
                })
                .writes()
        }
    }
}
