//! The findings a generated account must give, rule by rule, counted from its plan alone: an
//! account of what is wrong that does not go through the files, the readers or the rules.
//!
//! Every built-in rule of atrest has an entry in [`RULES`], so a new rule cannot pass the
//! generated-export test unnoticed: it is either planted (and counted here) or listed in
//! [`UNPLANTED`] with the reason the generated accounts cannot trigger it.

use std::collections::BTreeMap;

use crate::plan::buckets::{Bucket, BucketEnc, BucketStmt};
use crate::plan::keys::{Key, KeyKind, KeyState, KeyStmt};
use crate::plan::rds::{DbSnapshot, RdsEnc};
use crate::plan::snapshots::Snapshot;
use crate::plan::trails::{Selectors, Trail, TrailBucket};
use crate::plan::volumes::{Enc, Volume};
use crate::plan::{Account, Region};

/// Every rule id the oracle counts, in [`crate::Summary::expected`]: the rules the generator
/// plants for, then those of [`UNPLANTED`].
pub const RULES: [&str; 64] = [
    "s3-bucket-default-encryption-not-kms",
    "s3-bucket-kms-without-bucket-key",
    "s3-bucket-policy-allows-unencrypted-uploads",
    "s3-bucket-default-key-unusable",
    "s3-bucket-acl-public",
    "s3-bucket-policy-public",
    "s3-bucket-policy-cross-account",
    "s3-bucket-public-access-block-off",
    "s3-bucket-acls-enabled",
    "s3-bucket-tls-not-required",
    "kms-key-rotation-disabled",
    "kms-key-disabled",
    "kms-key-pending-deletion",
    "kms-key-policy-public",
    "kms-key-policy-cross-account",
    "kms-key-admins-can-use",
    "ebs-volume-unencrypted",
    "ebs-snapshot-unencrypted",
    "ebs-volume-key-unusable",
    "ebs-snapshot-key-unusable",
    "ebs-snapshot-public",
    "ebs-encryption-by-default-off",
    "ebs-volume-aws-managed-key",
    "cloudtrail-trail-not-kms-encrypted",
    "cloudtrail-trail-log-validation-off",
    "cloudtrail-trail-not-multi-region",
    "cloudtrail-trail-not-logging",
    "cloudtrail-trail-no-s3-data-events",
    "cloudtrail-trail-bucket-public",
    "cloudtrail-trail-key-unusable",
    "rds-instance-unencrypted",
    "rds-instance-aws-managed-key",
    "rds-instance-key-unusable",
    "rds-cluster-unencrypted",
    "rds-cluster-aws-managed-key",
    "rds-cluster-key-unusable",
    "rds-snapshot-unencrypted",
    "rds-snapshot-key-unusable",
    "rds-snapshot-public",
    "rds-snapshot-shared",
    "rds-cluster-snapshot-unencrypted",
    "rds-cluster-snapshot-key-unusable",
    "rds-cluster-snapshot-public",
    "rds-cluster-snapshot-shared",
    "event-cloudtrail-logging-stopped",
    "event-ebs-encryption-by-default-disabled",
    "event-kms-key-deletion-scheduled",
    "event-kms-key-disabled",
    "event-kms-key-disabled-in-use",
    "event-kms-key-rotation-disabled",
    "event-s3-bucket-acl-public",
    "event-s3-bucket-encryption-deleted",
    "event-s3-bucket-policy-public",
    "event-s3-public-access-block-deleted",
    "event-cloudtrail-trail-weakened",
    "event-ebs-snapshot-shared",
    "event-ec2-image-shared",
    "event-kms-grant-external",
    "event-kms-key-policy-opened",
    "event-s3-bucket-encryption-not-kms",
    "event-s3-object-acl-public",
    "event-s3-object-anonymous-request",
    "event-s3-public-access-block-disabled",
    "event-s3-uploads-without-sse-kms",
];

/// Rules of [`RULES`] whose count is always 0, and why the generated accounts cannot trigger
/// them.
pub const UNPLANTED: [(&str, &str); 21] = [
    (
        "cloudtrail-trail-key-unusable",
        "a trail is only ever encrypted with an enabled key of its home region",
    ),
    (
        "event-cloudtrail-logging-stopped",
        "no CloudTrail logs are generated, so no StopLogging or DeleteTrail event",
    ),
    (
        "event-ebs-encryption-by-default-disabled",
        "no CloudTrail logs are generated, so no DisableEbsEncryptionByDefault event",
    ),
    (
        "event-kms-key-deletion-scheduled",
        "no CloudTrail logs are generated, so no ScheduleKeyDeletion event",
    ),
    (
        "event-kms-key-disabled",
        "no CloudTrail logs are generated, so no DisableKey event",
    ),
    (
        "event-kms-key-disabled-in-use",
        "no CloudTrail logs are generated, so no key is disabled while in use",
    ),
    (
        "event-kms-key-rotation-disabled",
        "no CloudTrail logs are generated, so no DisableKeyRotation event",
    ),
    (
        "event-s3-bucket-acl-public",
        "no CloudTrail logs are generated, so no PutBucketAcl event",
    ),
    (
        "event-s3-bucket-encryption-deleted",
        "no CloudTrail logs are generated, so no DeleteBucketEncryption event",
    ),
    (
        "event-s3-bucket-policy-public",
        "no CloudTrail logs are generated, so no PutBucketPolicy event",
    ),
    (
        "event-s3-public-access-block-deleted",
        "no CloudTrail logs are generated, so no Delete*PublicAccessBlock event",
    ),
    (
        "event-cloudtrail-trail-weakened",
        "no CloudTrail logs are generated, so no PutEventSelectors or UpdateTrail event",
    ),
    (
        "event-ebs-snapshot-shared",
        "no CloudTrail logs are generated, so no ModifySnapshotAttribute event",
    ),
    (
        "event-ec2-image-shared",
        "no CloudTrail logs are generated, so no ModifyImageAttribute event",
    ),
    (
        "event-kms-grant-external",
        "no CloudTrail logs are generated, so no CreateGrant event",
    ),
    (
        "event-kms-key-policy-opened",
        "no CloudTrail logs are generated, so no PutKeyPolicy event",
    ),
    (
        "event-s3-bucket-encryption-not-kms",
        "no CloudTrail logs are generated, so no PutBucketEncryption event",
    ),
    (
        "event-s3-object-acl-public",
        "no CloudTrail logs are generated, so no PutObjectAcl event",
    ),
    (
        "event-s3-object-anonymous-request",
        "no CloudTrail logs are generated, so no anonymous GetObject event",
    ),
    (
        "event-s3-public-access-block-disabled",
        "no CloudTrail logs are generated, so no Put*PublicAccessBlock event",
    ),
    (
        "event-s3-uploads-without-sse-kms",
        "no CloudTrail logs are generated, so no S3 data events",
    ),
];

type Hit<'a> = &'a mut dyn FnMut(&'static str);

/// Adds the findings `account` must give to `counts`, one per resource and rule.
pub fn count(account: &Account, counts: &mut BTreeMap<&'static str, usize>) {
    // `entry`, not `get_mut`: a rule missing from RULES then shows as an extra key.
    findings(account, &mut |rule| *counts.entry(rule).or_default() += 1);
}

fn findings(account: &Account, hit: Hit) {
    for b in &account.buckets {
        bucket(b, account, hit);
    }
    for r in &account.regions {
        for k in r.keys.iter().chain([&r.aws_ebs, &r.aws_s3, &r.aws_rds]) {
            key(k, hit);
        }
        for v in &r.volumes {
            volume(v, r, hit);
        }
        for s in &r.snapshots {
            snapshot(s, r, hit);
        }
        if !r.ebs_default {
            hit("ebs-encryption-by-default-off");
        }
        rds(r, hit);
    }
    trail(&account.trail, account, hit);
}

fn key(key: &Key, hit: Hit) {
    if key.customer {
        if key.kind == KeyKind::Symmetric && key.state == KeyState::Enabled && !key.rotation {
            hit("kms-key-rotation-disabled");
        }
        if key.state == KeyState::Disabled {
            hit("kms-key-disabled");
        }
    }
    if key.state == KeyState::PendingDeletion {
        hit("kms-key-pending-deletion");
    }
    let has = |f: &dyn Fn(&KeyStmt) -> bool| key.statements.iter().any(f);
    if has(&|s| matches!(s, KeyStmt::Public { .. })) {
        hit("kms-key-policy-public");
    }
    if has(&|s| matches!(s, KeyStmt::CrossAccount { .. })) {
        hit("kms-key-policy-cross-account");
    }
    if key.customer
        && has(&|s| {
            matches!(
                s,
                KeyStmt::Admins { star: true } | KeyStmt::Users { with_admin: true }
            )
        })
    {
        hit("kms-key-admins-can-use");
    }
}

fn bucket(bucket: &Bucket, account: &Account, hit: Hit) {
    let region = &account.regions[bucket.region];
    match &bucket.enc {
        BucketEnc::None | BucketEnc::SseS3 => hit("s3-bucket-default-encryption-not-kms"),
        BucketEnc::Kms { key, bucket_key } => {
            if *bucket_key != Some(true) {
                hit("s3-bucket-kms-without-bucket-key");
            }
            if let Some((k, _)) = key
                && region.keys[*k].unusable()
            {
                hit("s3-bucket-default-key-unusable");
            }
        }
    }
    // The policy is always known: a policy file or NoSuchBucketPolicy.
    if !bucket.has(|s| *s == BucketStmt::DenyNonKms) {
        hit("s3-bucket-policy-allows-unencrypted-uploads");
    }
    if bucket.acl_public(account.pab) {
        hit("s3-bucket-acl-public");
    }
    if bucket.policy_public(account.pab) {
        hit("s3-bucket-policy-public");
    }
    if bucket.has(|s| matches!(s, BucketStmt::CrossAccount { .. })) {
        hit("s3-bucket-policy-cross-account");
    }
    if bucket.effective_pab(account.pab) != [true; 4] {
        hit("s3-bucket-public-access-block-off");
    }
    if bucket.ownership != Some("BucketOwnerEnforced") {
        hit("s3-bucket-acls-enabled");
    }
    if !bucket.has(|s| *s == BucketStmt::DenyNonTls) {
        hit("s3-bucket-tls-not-required");
    }
}

fn volume(volume: &Volume, region: &Region, hit: Hit) {
    match volume.enc {
        Enc::None => hit("ebs-volume-unencrypted"),
        Enc::AwsEbs => hit("ebs-volume-aws-managed-key"),
        Enc::Customer(k) => {
            if region.keys[k].unusable() {
                hit("ebs-volume-key-unusable");
            }
        }
    }
}

fn snapshot(snapshot: &Snapshot, region: &Region, hit: Hit) {
    match snapshot.enc {
        Enc::None => hit("ebs-snapshot-unencrypted"),
        Enc::AwsEbs => {}
        Enc::Customer(k) => {
            if region.keys[k].unusable() {
                hit("ebs-snapshot-key-unusable");
            }
        }
    }
    if snapshot.public {
        hit("ebs-snapshot-public");
    }
}

/// The encryption rules of one kind of RDS resource; snapshots have no AWS managed key rule
/// (their key is their source's, which its own rule reports).
struct RdsRules {
    unencrypted: &'static str,
    aws_managed: Option<&'static str>,
    key_unusable: &'static str,
}

const DB_INSTANCE: RdsRules = RdsRules {
    unencrypted: "rds-instance-unencrypted",
    aws_managed: Some("rds-instance-aws-managed-key"),
    key_unusable: "rds-instance-key-unusable",
};
const DB_CLUSTER: RdsRules = RdsRules {
    unencrypted: "rds-cluster-unencrypted",
    aws_managed: Some("rds-cluster-aws-managed-key"),
    key_unusable: "rds-cluster-key-unusable",
};
const DB_SNAPSHOT: RdsRules = RdsRules {
    unencrypted: "rds-snapshot-unencrypted",
    aws_managed: None,
    key_unusable: "rds-snapshot-key-unusable",
};
const DB_CLUSTER_SNAPSHOT: RdsRules = RdsRules {
    unencrypted: "rds-cluster-snapshot-unencrypted",
    aws_managed: None,
    key_unusable: "rds-cluster-snapshot-key-unusable",
};

fn rds_encryption(enc: RdsEnc, region: &Region, rules: &RdsRules, hit: Hit) {
    match enc {
        RdsEnc::None => hit(rules.unencrypted),
        RdsEnc::AwsRds => {
            if let Some(rule) = rules.aws_managed {
                hit(rule);
            }
        }
        RdsEnc::Customer(k) => {
            if region.keys[k].unusable() {
                hit(rules.key_unusable);
            }
        }
    }
}

/// A public snapshot is reported as public, even when it is also shared by account.
fn rds_sharing(s: &DbSnapshot, public: &'static str, shared: &'static str, hit: Hit) {
    if s.public {
        hit(public);
    } else if s.shared_with.is_some() {
        hit(shared);
    }
}

/// RDS: a cluster member's encryption is judged on its cluster, never on itself.
fn rds(region: &Region, hit: Hit) {
    for i in region.db_instances.iter().filter(|i| i.cluster.is_none()) {
        rds_encryption(i.enc, region, &DB_INSTANCE, hit);
    }
    for c in &region.db_clusters {
        rds_encryption(c.enc, region, &DB_CLUSTER, hit);
    }
    for s in &region.db_snapshots {
        rds_encryption(s.enc, region, &DB_SNAPSHOT, hit);
        rds_sharing(s, "rds-snapshot-public", "rds-snapshot-shared", hit);
    }
    for s in &region.db_cluster_snapshots {
        rds_encryption(s.enc, region, &DB_CLUSTER_SNAPSHOT, hit);
        rds_sharing(
            s,
            "rds-cluster-snapshot-public",
            "rds-cluster-snapshot-shared",
            hit,
        );
    }
}

fn trail(trail: &Trail, account: &Account, hit: Hit) {
    if trail.kms.is_none() {
        hit("cloudtrail-trail-not-kms-encrypted");
    }
    if !trail.validation {
        hit("cloudtrail-trail-log-validation-off");
    }
    if !trail.multi_region {
        hit("cloudtrail-trail-not-multi-region");
    }
    if !trail.logging {
        hit("cloudtrail-trail-not-logging");
    }
    if !matches!(
        trail.selectors,
        Selectors::ClassicS3 | Selectors::AdvancedS3
    ) {
        hit("cloudtrail-trail-no-s3-data-events");
    }
    if let TrailBucket::Own(b) = trail.bucket
        && account.bucket_public(b)
    {
        hit("cloudtrail-trail-bucket-public");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn rules_are_listed_once() {
        let mut seen = BTreeSet::new();
        for id in RULES {
            assert!(seen.insert(id), "{id} is listed twice in RULES");
        }
        let mut unplanted = BTreeSet::new();
        for (id, why) in UNPLANTED {
            assert!(unplanted.insert(id), "{id} is listed twice in UNPLANTED");
            assert!(seen.contains(id), "{id} is in UNPLANTED but not in RULES");
            assert!(
                !why.is_empty() && !why.contains('\n'),
                "{id}: one line of why"
            );
        }
    }
}
