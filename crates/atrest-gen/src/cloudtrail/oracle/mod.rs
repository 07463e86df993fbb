//! The incidents the log generator plants, one table entry per event rule: calls the rule
//! must report once (`hit`), and near misses it must not report (`decoys`: the same call
//! refused, with `errorCode` set; the call that undoes it; a harmless variant). A hit or a
//! decoy is one call, or for the rules of the stateful analyses a short sequence of calls
//! ([`Plant::Seq`], in [`plant`]). The expected findings are counted from the plan (how many hits of each
//! entry were placed, and the other rules their sequences name), never from the files.
//!
//! A new event rule adds one entry to [`PLANTS`]. Hits and decoys must not trip any *other*
//! built-in event rule but those their [`Plant::also`] names: keys, snapshots, images,
//! objects and upload buckets they act on are fresh (no background call names them), and
//! each rule's calls are ones no other rule reads. The calls are grouped by service: [`kms`], [`key_incident`], [`s3`] (buckets), [`s3_object`],
//! [`s3_upload`], [`ec2`], [`trail`].

mod ec2;
mod key_incident;
mod kms;
mod plant;
mod s3;
mod s3_object;
mod s3_upload;
mod trail;

pub(crate) use self::plant::Plant;

use self::Plant::{One, Seq};
use self::ec2::{Share, ebs_default, image_share, snapshot_share};
use self::key_incident::{disable, disable_denied, enable, enabled_or_refused, refused, used};
use self::kms::{Grantee, KeyPolicy, create_grant, key_call, put_key_policy, schedule_deletion};
use self::s3::{
    Acl, BlockScope, Policy, bucket_acl, bucket_encryption, bucket_policy, public_access_block,
    put_bucket_encryption, put_public_access_block,
};
use self::s3_object::{anonymous_get, object_acl, object_read};
use self::s3_upload::upload;
use self::trail::{Selectors, Update, put_event_selectors, trail_call, update_trail};
use super::env::Env;
use super::record::{Call, Who};
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
    /// Calls the rule reports exactly once.
    pub(crate) hit: Plant,
    /// Calls no built-in rule reports (but those named by their [`Plant::also`]).
    pub(crate) decoys: &'static [Plant],
}

/// Every event rule the log generator plants for. Keep one entry per built-in event rule:
/// tests/generated_logs.rs fails on a rule without one.
pub const PLANTS: [LogPlant; 20] = [
    LogPlant {
        rule: "event-cloudtrail-logging-stopped",
        hit: One(|c| {
            trail_call(
                c,
                if c.n.is_multiple_of(3) {
                    "DeleteTrail"
                } else {
                    "StopLogging"
                },
            )
        }),
        decoys: &[
            One(|c| {
                trail_call(c, "StopLogging").failed(
                    "AccessDenied",
                    "User is not authorized to perform: cloudtrail:StopLogging",
                )
            }),
            One(|c| trail_call(c, "StartLogging")),
        ],
    },
    LogPlant {
        rule: "event-cloudtrail-trail-weakened",
        hit: One(|c| match c.n % 4 {
            0 => update_trail(c, Update::DropKms),
            1 => put_event_selectors(c, Selectors::NoS3Data),
            2 => update_trail(c, Update::NoValidation),
            _ => put_event_selectors(c, Selectors::NoManagement),
        }),
        decoys: &[
            One(|c| put_event_selectors(c, Selectors::Full)),
            One(|c| {
                put_event_selectors(c, Selectors::NoManagement).failed(
                    "AccessDenied",
                    "User is not authorized to perform: cloudtrail:PutEventSelectors",
                )
            }),
            One(|c| update_trail(c, Update::MoveBucket)),
        ],
    },
    LogPlant {
        rule: "event-ebs-encryption-by-default-disabled",
        hit: One(|c| ebs_default(c, "DisableEbsEncryptionByDefault", false)),
        decoys: &[
            One(|c| {
                ebs_default(c, "DisableEbsEncryptionByDefault", false).failed(
                    "Client.UnauthorizedOperation",
                    "You are not authorized to perform this operation.",
                )
            }),
            One(|c| ebs_default(c, "EnableEbsEncryptionByDefault", true)),
        ],
    },
    LogPlant {
        rule: "event-ebs-snapshot-shared",
        hit: One(|c| {
            let share = if c.n.is_multiple_of(3) {
                Share::Public
            } else {
                Share::Account
            };
            snapshot_share(c, share)
        }),
        decoys: &[
            // EBS refuses to share an encrypted snapshot publicly.
            One(|c| {
                snapshot_share(c, Share::Public).failed(
                    "Client.InvalidParameterValue",
                    "Encrypted snapshots cannot be shared publicly.",
                )
            }),
            One(|c| snapshot_share(c, Share::Unshare)),
        ],
    },
    LogPlant {
        rule: "event-ec2-image-shared",
        hit: One(|c| {
            let share = if c.n.is_multiple_of(3) {
                Share::Public
            } else {
                Share::Account
            };
            image_share(c, Some(share))
        }),
        decoys: &[
            // Block public access for AMIs refuses a public share.
            One(|c| {
                image_share(c, Some(Share::Public)).failed(
                    "Client.OperationNotPermitted",
                    "You can't publicly share this image because block public access for AMIs is enabled for this account.",
                )
            }),
            One(|c| image_share(c, Some(Share::Unshare))),
            One(|c| image_share(c, None)),
        ],
    },
    LogPlant {
        rule: "event-kms-grant-external",
        hit: One(|c| create_grant(c, Grantee::Outside)),
        decoys: &[
            One(|c| create_grant(c, Grantee::Inside)),
            One(|c| {
                create_grant(c, Grantee::Outside).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:CreateGrant",
                )
            }),
        ],
    },
    LogPlant {
        rule: "event-kms-key-deletion-scheduled",
        hit: One(|c| {
            let key = c.fresh_key();
            schedule_deletion(c, &key)
        }),
        decoys: &[
            One(|c| {
                let key = c.fresh_key();
                schedule_deletion(c, &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:ScheduleKeyDeletion",
                )
            }),
            // Another account's key: KMS refuses ScheduleKeyDeletion across accounts.
            One(|c| {
                let arn = format!(
                    "arn:aws:kms:{}:{}:key/{}",
                    c.env.region,
                    c.env.outside,
                    c.fresh_key()
                );
                schedule_deletion(c, &arn).failed("AccessDeniedException", format!("User is not authorized to perform: kms:ScheduleKeyDeletion on resource: {arn}"))
            }),
            One(|c| {
                let key = c.fresh_key();
                key_call(c, "CancelKeyDeletion", &key)
            }),
        ],
    },
    LogPlant {
        rule: "event-kms-key-disabled",
        hit: One(|c| {
            let key = c.fresh_key();
            key_call(c, "DisableKey", &key)
        }),
        decoys: &[
            One(|c| {
                let key = c.fresh_key();
                key_call(c, "DisableKey", &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:DisableKey",
                )
            }),
            One(|c| {
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
            }),
            One(|c| {
                let key = c.fresh_key();
                key_call(c, "EnableKey", &key)
            }),
        ],
    },
    LogPlant {
        rule: "event-kms-key-disabled-in-use",
        hit: Seq(
            &[used, disable, refused, enabled_or_refused],
            &["event-kms-key-disabled"],
        ),
        decoys: &[
            // The change refused: the key stays usable and in use.
            Seq(&[used, disable_denied, used], &[]),
            // Disabled and enabled again, never used: a change, not an incident.
            Seq(&[disable, enable], &["event-kms-key-disabled"]),
            // Used only once it is enabled again.
            Seq(&[disable, enable, used], &["event-kms-key-disabled"]),
        ],
    },
    LogPlant {
        rule: "event-kms-key-policy-opened",
        hit: One(|c| {
            let policy = if c.n.is_multiple_of(2) {
                KeyPolicy::OtherAccount
            } else {
                KeyPolicy::Everyone
            };
            put_key_policy(c, policy)
        }),
        decoys: &[
            One(|c| put_key_policy(c, KeyPolicy::OwnAccount)),
            One(|c| put_key_policy(c, KeyPolicy::ViaEbs)),
            One(|c| {
                put_key_policy(c, KeyPolicy::Everyone).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:PutKeyPolicy",
                )
            }),
        ],
    },
    LogPlant {
        rule: "event-kms-key-rotation-disabled",
        hit: One(|c| {
            let key = c.fresh_key();
            key_call(c, "DisableKeyRotation", &key)
        }),
        decoys: &[
            One(|c| {
                let key = c.fresh_key();
                key_call(c, "DisableKeyRotation", &key).failed(
                    "AccessDeniedException",
                    "User is not authorized to perform: kms:DisableKeyRotation",
                )
            }),
            One(|c| {
                let key = c.fresh_key();
                key_call(c, "EnableKeyRotation", &key)
            }),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-acl-public",
        hit: One(|c| {
            let grant = if c.n.is_multiple_of(2) {
                Acl::Grant
            } else {
                Acl::Canned("public-read")
            };
            bucket_acl(c, grant)
        }),
        decoys: &[
            One(|c| bucket_acl(c, Acl::Canned("private"))),
            One(|c| {
                bucket_acl(c, Acl::Canned("public-read")).failed("AccessDenied", "Access Denied")
            }),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-encryption-deleted",
        hit: One(|c| bucket_encryption(c, "DeleteBucketEncryption")),
        decoys: &[
            One(|c| {
                bucket_encryption(c, "DeleteBucketEncryption")
                    .failed("AccessDenied", "Access Denied")
            }),
            One(|c| bucket_encryption(c, "PutBucketEncryption")),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-encryption-not-kms",
        hit: One(|c| put_bucket_encryption(c, "AES256")),
        decoys: &[
            One(|c| put_bucket_encryption(c, "AES256").failed("AccessDenied", "Access Denied")),
            One(|c| bucket_encryption(c, "PutBucketEncryption")),
            One(|c| put_bucket_encryption(c, "aws:kms:dsse")),
        ],
    },
    LogPlant {
        rule: "event-s3-bucket-policy-public",
        hit: One(|c| bucket_policy(c, Policy::Public)),
        decoys: &[
            One(|c| bucket_policy(c, Policy::Vpce)),
            One(|c| bucket_policy(c, Policy::Public).failed("AccessDenied", "Access Denied")),
        ],
    },
    LogPlant {
        rule: "event-s3-object-acl-public",
        hit: One(|c| object_acl(c, "public-read")),
        decoys: &[
            One(|c| object_acl(c, "private")),
            One(|c| object_acl(c, "bucket-owner-full-control")),
            One(|c| object_acl(c, "public-read").failed("AccessDenied", "Access Denied")),
        ],
    },
    LogPlant {
        rule: "event-s3-object-anonymous-request",
        hit: One(anonymous_get),
        decoys: &[
            // Principals 0..3 are IAM users (env.rs).
            One(|c| object_read(c, "GetObject", Who::Direct(c.n % 3))),
            One(|c| object_read(c, "GetObject", Who::OtherAccount)),
            One(|c| {
                object_read(c, "ListObjects", Who::Anonymous)
                    .failed("AccessDenied", "Access Denied")
            }),
        ],
    },
    LogPlant {
        rule: "event-s3-public-access-block-deleted",
        hit: One(|c| {
            let name = if c.n.is_multiple_of(4) {
                "DeleteAccountPublicAccessBlock"
            } else {
                "DeleteBucketPublicAccessBlock"
            };
            public_access_block(c, name)
        }),
        decoys: &[
            One(|c| {
                public_access_block(c, "DeleteBucketPublicAccessBlock")
                    .failed("AccessDenied", "Access Denied")
            }),
            One(|c| public_access_block(c, "PutBucketPublicAccessBlock")),
        ],
    },
    LogPlant {
        rule: "event-s3-public-access-block-disabled",
        hit: One(|c| {
            if c.n.is_multiple_of(4) {
                put_public_access_block(c, BlockScope::Account, [false; 4])
            } else {
                put_public_access_block(c, BlockScope::Bucket, [true, true, false, false])
            }
        }),
        decoys: &[
            One(|c| put_public_access_block(c, BlockScope::Bucket, [true; 4])),
            One(|c| put_public_access_block(c, BlockScope::Account, [true; 4])),
            One(|c| {
                put_public_access_block(c, BlockScope::Bucket, [true, true, false, false])
                    .failed("AccessDenied", "Access Denied")
            }),
        ],
    },
    LogPlant {
        rule: "event-s3-uploads-without-sse-kms",
        // Three objects, one (bucket, principal): one finding.
        hit: Seq(
            &[
                |c| upload(c, "PutObject", "Default_SSE_S3"),
                |c| upload(c, "CopyObject", "SSE_S3"),
                |c| upload(c, "CreateMultipartUpload", "SSE_C"),
            ],
            &[],
        ),
        decoys: &[
            Seq(
                &[
                    |c| upload(c, "PutObject", "Default_SSE_KMS"),
                    |c| upload(c, "CopyObject", "SSE_KMS"),
                    |c| upload(c, "CreateMultipartUpload", "DSSE_KMS"),
                ],
                &[],
            ),
            One(|c| upload(c, "PutObject", "SSE_S3").failed("AccessDenied", "Access Denied")),
        ],
    },
];

/// The rule ids of [`PLANTS`], in table order.
pub fn log_rules() -> impl Iterator<Item = &'static str> {
    PLANTS.iter().map(|p| p.rule)
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

    #[test]
    fn sequences_have_calls_and_name_other_entries() {
        for p in &PLANTS {
            for plant in std::iter::once(&p.hit).chain(p.decoys) {
                assert!(plant.len() > 0, "{} has an empty sequence", p.rule);
                assert!(plant.step(plant.len() - 1).is_some());
                assert!(plant.step(plant.len()).is_none());
                for rule in plant.also() {
                    assert_ne!(*rule, p.rule, "{} names itself", p.rule);
                    assert!(
                        PLANTS.iter().any(|q| q.rule == *rule),
                        "{} names {rule}, which has no entry",
                        p.rule
                    );
                }
            }
        }
    }
}
