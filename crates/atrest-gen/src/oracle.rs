//! The findings a generated account must give, rule by rule, counted from its plan alone: an
//! account of what is wrong that does not go through the files, the readers or the rules.
//!
//! Every built-in rule of atrest has an entry in [`RULES`], so a new rule cannot pass the
//! generated-export test unnoticed: it is either planted (and counted here) or listed in
//! [`UNPLANTED`] with the reason the generated accounts cannot trigger it.

use std::collections::BTreeMap;

use crate::plan::keys::SCANNED_AFTER_MS;

use crate::plan::buckets::{Bucket, BucketEnc, BucketStmt, ReplDest, Replication};
use crate::plan::data::{DataEnc, QueuePolicy};
use crate::plan::images::Image;
use crate::plan::keys::{Key, KeyKind, KeyState, KeyStmt};
use crate::plan::rds::{DbSnapshot, RdsEnc};
use crate::plan::snapshots::Snapshot;
use crate::plan::stores::{FileSystem, ParamType, Parameter, Policies, Protection, Secret};
use crate::plan::trails::{Selectors, Trail, TrailBucket};
use crate::plan::volumes::{Enc, Volume};
use crate::plan::{Account, Region};

/// Every rule id the oracle counts, in [`crate::Summary::expected`]: the rules the generator
/// plants for, then those of [`UNPLANTED`].
pub const RULES: [&str; 102] = [
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
    "s3-bucket-replication-skips-kms-objects",
    "s3-bucket-replication-no-replica-key",
    "s3-bucket-replication-replica-key-unusable",
    "s3-bucket-replication-replica-key-wrong-region",
    "s3-bucket-replication-drops-encryption",
    "kms-key-rotation-disabled",
    "kms-key-disabled",
    "kms-key-pending-deletion",
    "kms-key-policy-public",
    "kms-key-policy-cross-account",
    "kms-key-admins-can-use",
    "kms-key-pending-import",
    "kms-key-material-expiring",
    "kms-key-rotation-period-long",
    "kms-replica-key-unusable",
    "kms-replica-policy-wider",
    "ec2-image-public",
    "ec2-image-unencrypted",
    "ec2-image-key-unusable",
    "ec2-image-shared-key-not-shared",
    "ebs-volume-unencrypted",
    "ebs-snapshot-unencrypted",
    "ebs-volume-key-unusable",
    "ebs-snapshot-key-unusable",
    "ebs-snapshot-public",
    "ebs-snapshot-shared-key-not-shared",
    "ebs-encryption-by-default-off",
    "ebs-volume-aws-managed-key",
    "cloudtrail-trail-not-kms-encrypted",
    "cloudtrail-trail-log-validation-off",
    "cloudtrail-trail-not-multi-region",
    "cloudtrail-trail-not-logging",
    "cloudtrail-trail-no-s3-data-events",
    "cloudtrail-trail-bucket-public",
    "efs-file-system-unencrypted",
    "efs-file-system-aws-managed-key",
    "efs-file-system-key-unusable",
    "secretsmanager-secret-aws-managed-key",
    "secretsmanager-secret-key-unusable",
    "ssm-parameter-aws-managed-key",
    "ssm-parameter-key-unusable",
    "ssm-parameter-secret-name-unencrypted",
    "ssm-parameter-expired",
    "cloudtrail-trail-key-unusable",
    "dynamodb-table-aws-owned-key",
    "dynamodb-table-aws-managed-key",
    "dynamodb-table-key-unusable",
    "sqs-queue-unencrypted",
    "sqs-queue-aws-owned-key",
    "sqs-queue-aws-managed-key",
    "sqs-queue-key-unusable",
    "sqs-queue-policy-public",
    "sns-topic-not-kms-encrypted",
    "sns-topic-aws-managed-key",
    "sns-topic-key-unusable",
    "sns-topic-policy-public",
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
    "rds-snapshot-shared-key-not-shared",
    "rds-cluster-snapshot-shared-key-not-shared",
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
        for k in r.all_keys() {
            key(k, hit);
        }
        for v in &r.volumes {
            volume(v, r, hit);
        }
        for s in &r.snapshots {
            snapshot(s, r, hit);
        }
        for i in &r.images {
            image(i, r, hit);
        }
        if !r.ebs_default {
            hit("ebs-encryption-by-default-off");
        }
        for f in &r.file_systems {
            file_system(f, r, hit);
        }
        for s in &r.secrets {
            secret(s, r, hit);
        }
        for p in &r.parameters {
            parameter(p, r, hit);
        }
        data(r, hit);
        rds(r, hit);
    }
    trail(&account.trail, account, hit);
}

fn key(key: &Key, hit: Hit) {
    let replica = key.multi_region.as_ref().filter(|m| m.replica);
    // A replica of an enabled primary that cannot be used is reported once, as such.
    let of_usable_primary = replica.is_some_and(|m| m.primary_state == KeyState::Enabled);
    if key.customer {
        if key.kind == KeyKind::Symmetric
            && key.state == KeyState::Enabled
            && !key.rotation
            && replica.is_none()
        {
            hit("kms-key-rotation-disabled");
        }
        if key.state == KeyState::Disabled && !of_usable_primary {
            hit("kms-key-disabled");
        }
    }
    if key.state == KeyState::PendingDeletion && !of_usable_primary {
        hit("kms-key-pending-deletion");
    }
    if of_usable_primary && matches!(key.state, KeyState::Disabled | KeyState::PendingDeletion) {
        hit("kms-replica-key-unusable");
    }
    if replica.is_some_and(|m| m.wider) {
        hit("kms-replica-policy-wider");
    }
    if key.state == KeyState::PendingImport {
        hit("kms-key-pending-import");
    }
    // Material expires before the export, within months of it, or in 2100 (FAR_OFF_MS).
    if key.valid_to.is_some_and(|t| t < SCANNED_AFTER_MS) && key.state != KeyState::PendingImport {
        hit("kms-key-material-expiring");
    }
    if key.rotation
        && key.kind == KeyKind::Symmetric
        && key.state != KeyState::PendingDeletion
        && key.rotation_days > 365
        && replica.is_none()
    {
        hit("kms-key-rotation-period-long");
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
    if let Some(replication) = &bucket.replication {
        replication_hits(bucket, replication, account, hit);
    }
}

/// Each replication rule fires once per bucket, however many of its replication rules do.
fn replication_hits(bucket: &Bucket, replication: &Replication, account: &Account, hit: Hit) {
    let source_kms = matches!(bucket.enc, BucketEnc::Kms { .. });
    let dest = match replication.dest {
        ReplDest::Bucket(d) => Some(&account.buckets[d]),
        ReplDest::Outside { .. } => None,
    };
    let enabled = || replication.rules.iter().filter(|r| r.enabled);
    if source_kms && enabled().any(|r| !r.kms_objects) {
        hit("s3-bucket-replication-skips-kms-objects");
    }
    if enabled().any(|r| r.kms_objects && r.replica_key.is_none()) {
        hit("s3-bucket-replication-no-replica-key");
    }
    if enabled().any(|r| {
        r.replica_key
            .is_some_and(|(reg, k)| account.regions[reg].keys[k].unusable())
    }) {
        hit("s3-bucket-replication-replica-key-unusable");
    }
    if let Some(dest) = dest
        && enabled().any(|r| r.replica_key.is_some_and(|(reg, _)| reg != dest.region))
    {
        hit("s3-bucket-replication-replica-key-wrong-region");
    }
    if source_kms
        && let Some(dest) = dest
        && !matches!(dest.enc, BucketEnc::Kms { .. })
        && enabled().any(|r| r.replica_key.is_none())
    {
        hit("s3-bucket-replication-drops-encryption");
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
    // No generated key policy gives another account kms:CreateGrant, and aws/ebs admits no
    // other account: an encrypted snapshot shared with one is always out of its reach.
    if snapshot.shared_with.is_some() && snapshot.enc != Enc::None {
        hit("ebs-snapshot-shared-key-not-shared");
    }
}

/// A customer key that is not enabled, or a key that is gone.
fn unusable(p: &Protection, region: &Region) -> bool {
    match p {
        Protection::Customer { key, .. } => region.keys[*key].unusable(),
        Protection::Deleted(_) => true,
        Protection::None | Protection::AwsManaged => false,
    }
}

fn file_system(f: &FileSystem, region: &Region, hit: Hit) {
    match &f.protection {
        Protection::None => hit("efs-file-system-unencrypted"),
        Protection::AwsManaged => hit("efs-file-system-aws-managed-key"),
        p if unusable(p, region) => hit("efs-file-system-key-unusable"),
        _ => {}
    }
}

fn secret(s: &Secret, region: &Region, hit: Hit) {
    match &s.protection {
        Protection::AwsManaged => hit("secretsmanager-secret-aws-managed-key"),
        p if unusable(p, region) => hit("secretsmanager-secret-key-unusable"),
        _ => {}
    }
}

fn parameter(p: &Parameter, region: &Region, hit: Hit) {
    match &p.protection {
        Protection::AwsManaged => hit("ssm-parameter-aws-managed-key"),
        k if unusable(k, region) => hit("ssm-parameter-key-unusable"),
        _ => {}
    }
    if p.kind != ParamType::SecureString && p.secret_name {
        hit("ssm-parameter-secret-name-unencrypted");
    }
    // Every planted expiration is before the export, so it is past at any scan.
    if matches!(p.policies, Policies::Expired { .. }) {
        hit("ssm-parameter-expired");
    }
}

/// Tables, queues and topics: one finding each for the kind of key they are on, or for none.
fn data(region: &Region, hit: Hit) {
    // The rule for no encryption, the AWS owned key, the AWS managed key, an unusable key
    // ("": the kind never is so).
    let on = |enc: DataEnc, rules: [&'static str; 4], hit: Hit| {
        let rule = match enc {
            DataEnc::None => rules[0],
            DataEnc::AwsOwned => rules[1],
            DataEnc::AwsManaged => rules[2],
            DataEnc::Customer(..) if enc.unusable(region) => rules[3],
            DataEnc::Customer(..) => "",
        };
        if !rule.is_empty() {
            hit(rule);
        }
    };
    for t in &region.tables {
        let rules = [
            "",
            "dynamodb-table-aws-owned-key",
            "dynamodb-table-aws-managed-key",
            "dynamodb-table-key-unusable",
        ];
        on(t.enc, rules, hit);
    }
    for q in &region.queues {
        let rules = [
            "sqs-queue-unencrypted",
            "sqs-queue-aws-owned-key",
            "sqs-queue-aws-managed-key",
            "sqs-queue-key-unusable",
        ];
        on(q.enc, rules, hit);
        if q.policy == QueuePolicy::Public {
            hit("sqs-queue-policy-public");
        }
    }
    for t in &region.topics {
        let rules = [
            "sns-topic-not-kms-encrypted",
            "",
            "sns-topic-aws-managed-key",
            "sns-topic-key-unusable",
        ];
        on(t.enc, rules, hit);
        if t.public {
            hit("sns-topic-policy-public");
        }
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
        // No generated key policy gives another account kms:CreateGrant; aws/rds admits none.
        if s.shared_with.is_some() && s.enc != RdsEnc::None {
            hit("rds-snapshot-shared-key-not-shared");
        }
    }
    for s in &region.db_cluster_snapshots {
        rds_encryption(s.enc, region, &DB_CLUSTER_SNAPSHOT, hit);
        rds_sharing(
            s,
            "rds-cluster-snapshot-public",
            "rds-cluster-snapshot-shared",
            hit,
        );
        if s.shared_with.is_some() && s.enc != RdsEnc::None {
            hit("rds-cluster-snapshot-shared-key-not-shared");
        }
    }
}

fn image(image: &Image, region: &Region, hit: Hit) {
    let snapshot = &region.snapshots[image.snapshot];
    if image.public {
        hit("ec2-image-public");
    }
    match snapshot.enc {
        Enc::None => hit("ec2-image-unencrypted"),
        Enc::AwsEbs => {}
        Enc::Customer(k) => {
            if region.keys[k].unusable() {
                hit("ec2-image-key-unusable");
            }
        }
    }
    // As for snapshots: no generated key policy lets another account create grants.
    if image.shared_with.is_some() && snapshot.enc != Enc::None {
        hit("ec2-image-shared-key-not-shared");
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
