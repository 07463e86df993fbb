//! The incidents the log generator plants, one table entry per event rule: a call the rule
//! must report once (`hit`), and near misses it must not report (`decoys`: the same call
//! refused, with `errorCode` set; the call that undoes it; a harmless variant). The expected
//! findings are counted from the plan (how many hits of each entry were placed), never from
//! the files.
//!
//! A new event rule adds one entry to [`PLANTS`]. Hits and decoys must not trip any *other*
//! built-in event rule: keys they act on are fresh (no background call uses them), buckets
//! keep SSE-KMS, grants stay in the account.

use super::env::Env;
use super::record::{Call, Who, resource};
use crate::json::{J, obj, strs};
use crate::rng::Rng;

/// What a plant needs: its (account, region), its own PRNG stream and a unique number.
pub(crate) struct Ctx<'a> {
    pub env: &'a Env,
    pub rng: Rng,
    pub seed: u64,
    /// Unique over all plants of a corpus.
    pub n: usize,
}

impl Ctx<'_> {
    /// An administrator of the account, from the console or the CLI.
    fn admin(&mut self) -> Who {
        // Principals 0..3 are IAM users, 5 is the Admin role session (env.rs).
        Who::Direct(if self.n.is_multiple_of(2) { 5 } else { 0 })
    }

    /// A key id that no other call of the corpus names.
    fn fresh_key(&self) -> String {
        crate::ids::key_uuid(self.seed, self.env.a, self.env.r, (3 << 30) + self.n)
    }

    fn bucket(&mut self) -> String {
        self.rng.pick(&self.env.buckets).clone()
    }
}

pub(crate) type Make = fn(&mut Ctx) -> Call;

/// One event rule's plants.
pub struct LogPlant {
    /// The rule id (`rules/events/<id>.yml`).
    pub rule: &'static str,
    /// A call the rule reports exactly once.
    pub(crate) hit: Make,
    /// Calls no built-in rule reports.
    pub(crate) decoys: &'static [Make],
}

/// Every event rule the log generator plants for. Keep one entry per built-in event rule:
/// tests/generated_logs.rs fails on a rule without one.
pub const PLANTS: [LogPlant; 9] = [
    LogPlant {
        rule: "event-cloudtrail-logging-stopped",
        hit: |c| {
            trail_call(
                c,
                if c.n.is_multiple_of(3) {
                    "DeleteTrail"
                } else {
                    "StopLogging"
                },
            )
        },
        decoys: &[
            |c| {
                trail_call(c, "StopLogging").failed(
                    "AccessDenied",
                    "User is not authorized to perform: cloudtrail:StopLogging",
                )
            },
            |c| trail_call(c, "StartLogging"),
        ],
    },
    LogPlant {
        rule: "event-ebs-encryption-by-default-disabled",
        hit: |c| ebs_default(c, "DisableEbsEncryptionByDefault", false),
        decoys: &[
            |c| {
                ebs_default(c, "DisableEbsEncryptionByDefault", false).failed(
                    "Client.UnauthorizedOperation",
                    "You are not authorized to perform this operation.",
                )
            },
            |c| ebs_default(c, "EnableEbsEncryptionByDefault", true),
        ],
    },
    LogPlant {
        rule: "event-kms-key-deletion-scheduled",
        hit: |c| {
            let key = c.fresh_key();
            schedule_deletion(c, &key)
        },
        decoys: &[
            |c| {
                let key = c.fresh_key();
                schedule_deletion(c, &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:ScheduleKeyDeletion",
                )
            },
            // Another account's key: KMS refuses ScheduleKeyDeletion across accounts.
            |c| {
                let arn = format!(
                    "arn:aws:kms:{}:{}:key/{}",
                    c.env.region,
                    c.env.outside,
                    c.fresh_key()
                );
                schedule_deletion(c, &arn).failed("AccessDeniedException", format!("User is not authorized to perform: kms:ScheduleKeyDeletion on resource: {arn}"))
            },
            |c| {
                let key = c.fresh_key();
                key_call(c, "CancelKeyDeletion", &key)
            },
        ],
    },
    LogPlant {
        rule: "event-kms-key-disabled",
        hit: |c| {
            let key = c.fresh_key();
            key_call(c, "DisableKey", &key)
        },
        decoys: &[
            |c| {
                let key = c.fresh_key();
                key_call(c, "DisableKey", &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:DisableKey",
                )
            },
            |c| {
                let arn = format!(
                    "arn:aws:kms:{}:{}:key/{}",
                    c.env.region,
                    c.env.outside,
                    c.fresh_key()
                );
                key_call(c, "DisableKey", &arn).failed(
                    "AccessDeniedException",
                    format!("User is not authorized to perform: kms:DisableKey on resource: {arn}"),
                )
            },
            |c| {
                let key = c.fresh_key();
                key_call(c, "EnableKey", &key)
            },
        ],
    },
    LogPlant {
        rule: "event-kms-key-rotation-disabled",
        hit: |c| {
            let key = c.fresh_key();
            key_call(c, "DisableKeyRotation", &key)
        },
        decoys: &[
            |c| {
                let key = c.fresh_key();
                key_call(c, "DisableKeyRotation", &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:DisableKeyRotation",
                )
            },
            |c| {
                let key = c.fresh_key();
                key_call(c, "EnableKeyRotation", &key)
            },
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-acl-public",
        hit: |c| {
            let grant = if c.n.is_multiple_of(2) {
                Acl::Grant
            } else {
                Acl::Canned("public-read")
            };
            bucket_acl(c, grant)
        },
        decoys: &[
            |c| bucket_acl(c, Acl::Canned("private")),
            |c| bucket_acl(c, Acl::Canned("public-read")).failed("AccessDenied", "Access Denied"),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-encryption-deleted",
        hit: |c| bucket_encryption(c, "DeleteBucketEncryption"),
        decoys: &[
            |c| {
                bucket_encryption(c, "DeleteBucketEncryption")
                    .failed("AccessDenied", "Access Denied")
            },
            |c| bucket_encryption(c, "PutBucketEncryption"),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-policy-public",
        hit: |c| bucket_policy(c, Policy::Public),
        decoys: &[
            |c| bucket_policy(c, Policy::Vpce),
            |c| bucket_policy(c, Policy::Public).failed("AccessDenied", "Access Denied"),
        ],
    },
    LogPlant {
        rule: "event-s3-public-access-block-deleted",
        hit: |c| {
            let name = if c.n.is_multiple_of(4) {
                "DeleteAccountPublicAccessBlock"
            } else {
                "DeleteBucketPublicAccessBlock"
            };
            public_access_block(c, name)
        },
        decoys: &[
            |c| {
                public_access_block(c, "DeleteBucketPublicAccessBlock")
                    .failed("AccessDenied", "Access Denied")
            },
            |c| public_access_block(c, "PutBucketPublicAccessBlock"),
        ],
    },
];

/// The rule ids of [`PLANTS`], in table order.
pub fn log_rules() -> impl Iterator<Item = &'static str> {
    PLANTS.iter().map(|p| p.rule)
}

fn trail_call(c: &mut Ctx, name: &'static str) -> Call {
    let who = c.admin();
    let trail = format!(
        "arn:aws:cloudtrail:{}:{}:trail/management-events",
        c.env.region, c.env.account
    );
    let req = if name == "DeleteTrail" {
        obj! { "name" => trail.clone() }
    } else {
        obj! { "name" => "management-events" }
    };
    Call::new("cloudtrail.amazonaws.com", name, who)
        .req(req)
        .resources(J::Arr(vec![resource(
            Some(&c.env.account),
            "AWS::CloudTrail::Trail",
            trail,
        )]))
        .writes()
}

fn ebs_default(c: &mut Ctx, name: &'static str, on: bool) -> Call {
    let who = c.admin();
    let request = super::record::uuid(&mut c.rng);
    let (req, resp) = if on {
        (
            obj! { "EnableEbsEncryptionByDefaultRequest" => "" },
            obj! { "EnableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => true,
            } },
        )
    } else {
        (
            obj! { "DisableEbsEncryptionByDefaultRequest" => "" },
            obj! { "DisableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => false,
            } },
        )
    };
    Call::new("ec2.amazonaws.com", name, who)
        .req(req)
        .resp(resp)
        .writes()
}

/// A key id (`key`) or ARN (another account's key), and the ARN CloudTrail lists.
fn key_arn(c: &Ctx, key: &str) -> String {
    if key.starts_with("arn:") {
        key.to_owned()
    } else {
        c.env.key_arn(key)
    }
}

fn key_call(c: &mut Ctx, name: &'static str, key: &str) -> Call {
    let who = c.admin();
    let arn = key_arn(c, key);
    let resp = match name {
        "DisableKey" | "EnableKey" => obj! { "keyId" => arn.clone() },
        "CancelKeyDeletion" => obj! { "keyId" => arn.clone() },
        _ => J::Null,
    };
    let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
    Call::new("kms.amazonaws.com", name, who)
        .req(obj! { "keyId" => key })
        .resp(resp)
        .resources(J::Arr(vec![resource(Some(&account), "AWS::KMS::Key", arn)]))
        .writes()
}

fn schedule_deletion(c: &mut Ctx, key: &str) -> Call {
    let days = [7i64, 7, 14, 30][c.n % 4];
    let arn = key_arn(c, key);
    key_call(c, "ScheduleKeyDeletion", key)
        .req(obj! { "keyId" => key, "pendingWindowInDays" => days })
        .resp(obj! {
            "keyId" => arn,
            "deletionDate" => "Mar 13, 2025, 3:18:09 AM",
            "keyState" => "PendingDeletion",
            "pendingWindowInDays" => days,
        })
}

fn bucket_resources(c: &Ctx, bucket: &str) -> J {
    J::Arr(vec![resource(
        Some(&c.env.account),
        "AWS::S3::Bucket",
        format!("arn:aws:s3:::{bucket}"),
    )])
}

fn s3_call(c: &mut Ctx, name: &'static str, bucket: &str, mut req: Vec<(&'static str, J)>) -> Call {
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
            "x-amz-id-2" => super::record::token(&mut c.rng, super::record::ALNUM, 76),
            "bytesTransferredOut" => 0i64,
        })
        .resources(bucket_resources(c, bucket))
        .writes()
}

enum Acl {
    Canned(&'static str),
    /// An explicit `AccessControlPolicy` granting READ to AllUsers, as the console sends it.
    Grant,
}

fn bucket_acl(c: &mut Ctx, acl: Acl) -> Call {
    let bucket = c.bucket();
    let owner = super::record::token(&mut c.rng, super::record::HEX, 64);
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

fn bucket_encryption(c: &mut Ctx, name: &'static str) -> Call {
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

enum Policy {
    Public,
    /// Everyone, but only through one VPC endpoint: not public.
    Vpce,
}

fn bucket_policy(c: &mut Ctx, policy: Policy) -> Call {
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

fn public_access_block(c: &mut Ctx, name: &'static str) -> Call {
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn one_entry_per_rule_with_decoys() {
        let mut seen = BTreeSet::new();
        for p in &PLANTS {
            assert!(seen.insert(p.rule), "{} has two entries", p.rule);
            assert!(!p.decoys.is_empty(), "{} has no decoy", p.rule);
        }
    }
}
