//! The incidents the log generator plants, one table entry per event rule: a call the rule
//! must report once (`hit`), and near misses it must not report (`decoys`: the same call
//! refused, with `errorCode` set; the call that undoes it; a harmless variant). The expected
//! findings are counted from the plan (how many hits of each entry were placed), never from
//! the files.
//!
//! A new event rule adds one entry to [`PLANTS`]. Hits and decoys must not trip any *other*
//! built-in event rule: keys they act on are fresh (no background call uses them), buckets
//! keep SSE-KMS, grants stay in the account.

mod ec2;
mod kms;
mod s3;
mod trail;

use self::ec2::ebs_default;
use self::kms::{key_call, schedule_deletion};
use self::s3::{Acl, Policy, bucket_acl, bucket_encryption, bucket_policy, public_access_block};
use self::trail::trail_call;
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
