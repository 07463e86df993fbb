//! S3 buckets: default encryption, public access block, policy statements, ACL grants and
//! ownership, with at most one planted flaw each.

use super::Region;
use super::keys::Key;
use crate::ids::{TAG_BUCKET, outside_account};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

/// How a bucket's default encryption names its KMS key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyRef {
    Arn,
    AliasArn,
    Id,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BucketEnc {
    /// No default encryption (`ServerSideEncryptionConfigurationNotFoundError`).
    None,
    /// SSE-S3 (`AES256`).
    SseS3,
    /// SSE-KMS; `key`: a customer key of the bucket's region (index) or, when `None`, the
    /// AWS managed `aws/s3` (no `KMSMasterKeyID`); `bucket_key`: `BucketKeyEnabled`, if
    /// printed.
    Kms {
        key: Option<(usize, KeyRef)>,
        bucket_key: Option<bool>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BucketStmt {
    /// Deny `s3:PutObject` to everyone unless `s3:x-amz-server-side-encryption` is `aws:kms`.
    DenyNonKms,
    /// Deny `s3:*` to everyone when `aws:SecureTransport` is false.
    DenyNonTls,
    /// Allow `s3:GetObject` to everyone, no condition.
    PublicRead { aws_form: bool },
    /// Allow another account's root to read.
    CrossAccount { account: String },
    /// Allow a role of the bucket's own account.
    OwnRole,
    /// The two statements CloudTrail needs to deliver a trail's logs.
    CloudTrail { trail_arn: String },
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
pub(crate) const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

pub(crate) struct Bucket {
    pub(crate) name: String,
    pub(crate) region: usize,
    pub(crate) created: i64,
    pub(crate) enc: BucketEnc,
    /// The bucket's public access block (`BlockPublicAcls`, `IgnorePublicAcls`,
    /// `BlockPublicPolicy`, `RestrictPublicBuckets`); `None`: not configured.
    pub(crate) pab: Option<[bool; 4]>,
    /// `None`: `NoSuchBucketPolicy`.
    pub(crate) policy: Option<Vec<BucketStmt>>,
    /// A group URI granted `READ` by the ACL.
    pub(crate) acl_public: Option<&'static str>,
    /// The ACL grants the log delivery group (not public).
    pub(crate) log_delivery: bool,
    /// `ObjectOwnership`; `None`: `OwnershipControlsNotFoundError`.
    pub(crate) ownership: Option<&'static str>,
    /// `None`: never versioned (the CLI prints nothing).
    pub(crate) versioning: Option<&'static str>,
    /// `None`: `ReplicationConfigurationNotFoundError`.
    pub(crate) replication: Option<Replication>,
}

/// Where a bucket replicates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReplDest {
    /// Another bucket of the account (index), so in the scan.
    Bucket(usize),
    /// A bucket of another account, not in the scan.
    Outside { name: String, account: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Replication {
    pub(crate) role: String,
    pub(crate) dest: ReplDest,
    pub(crate) rules: Vec<ReplRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReplRule {
    pub(crate) id: String,
    /// `Status`: `Enabled` or `Disabled`.
    pub(crate) enabled: bool,
    /// `SourceSelectionCriteria.SseKmsEncryptedObjects.Status` is `Enabled`.
    pub(crate) kms_objects: bool,
    /// `ReplicaKmsKeyID`: a customer key of the account (region index, key index), by ARN.
    pub(crate) replica_key: Option<(usize, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReplFlaw {
    None,
    SkipsKms,
    NoReplicaKey,
    KeyUnusable,
    KeyWrongRegion,
    /// A disabled rule that would skip SSE-KMS objects: a decoy.
    DisabledRule,
}

/// Replication for some versioned buckets of an account, once all its buckets are planned
/// (a destination may be one of them). Its own stream per bucket: the buckets' draws do not
/// change.
pub(crate) fn plan_replication(
    seed: u64,
    a: usize,
    account: &str,
    regions: &[Region],
    buckets: &mut [Bucket],
) {
    let versioned: Vec<usize> = (0..buckets.len())
        .filter(|&b| buckets[b].versioning == Some("Enabled"))
        .collect();
    for b in 0..buckets.len() {
        let mut rng = Rng::stream(seed, TAG_BUCKET, a, 2, b);
        if buckets[b].versioning != Some("Enabled") || !rng.chance(20.0) {
            continue;
        }
        let others: Vec<usize> = versioned.iter().copied().filter(|&d| d != b).collect();
        // Destinations in the scan that do not default to SSE-KMS.
        let plain: Vec<usize> = others
            .iter()
            .copied()
            .filter(|&d| !matches!(buckets[d].enc, BucketEnc::Kms { .. }))
            .collect();
        let drops = !plain.is_empty() && rng.chance(25.0);
        let dest = if drops {
            ReplDest::Bucket(*rng.pick(&plain))
        } else if !others.is_empty() && rng.chance(60.0) {
            ReplDest::Bucket(*rng.pick(&others))
        } else {
            ReplDest::Outside {
                name: format!("{}-dr", buckets[b].name),
                account: outside_account(seed, rng.next()),
            }
        };
        // The destination's region when it is in the scan; else the source's.
        let dest_region = match dest {
            ReplDest::Bucket(d) => Some(buckets[d].region),
            ReplDest::Outside { .. } => None,
        };
        let home = dest_region.unwrap_or(buckets[b].region);
        let count = if rng.chance(20.0) { 2 } else { 1 };
        let mut rules = Vec::new();
        for i in 0..count {
            let flaw = rng.weighted(&[
                (40, ReplFlaw::None),
                (15, ReplFlaw::SkipsKms),
                (10, ReplFlaw::NoReplicaKey),
                (10, ReplFlaw::KeyUnusable),
                (10, ReplFlaw::KeyWrongRegion),
                (15, ReplFlaw::DisabledRule),
            ]);
            let pick_key = |rng: &mut Rng, r: usize, usable: bool| {
                let pool = regions[r].symmetric_keys(usable);
                (!pool.is_empty()).then(|| (r, *rng.pick(&pool)))
            };
            let mut rule = ReplRule {
                id: format!("replicate-{i}"),
                enabled: true,
                kms_objects: true,
                replica_key: None,
            };
            match flaw {
                ReplFlaw::None => rule.replica_key = pick_key(&mut rng, home, true),
                ReplFlaw::SkipsKms => rule.kms_objects = false,
                ReplFlaw::NoReplicaKey => {}
                ReplFlaw::KeyUnusable => rule.replica_key = pick_key(&mut rng, home, false),
                ReplFlaw::KeyWrongRegion => {
                    let elsewhere: Vec<usize> = (0..regions.len()).filter(|&r| r != home).collect();
                    if !elsewhere.is_empty() {
                        let r = *rng.pick(&elsewhere);
                        rule.replica_key = pick_key(&mut rng, r, true);
                    }
                }
                ReplFlaw::DisabledRule => {
                    rule.enabled = false;
                    rule.kms_objects = false;
                }
            }
            if drops && i == 0 {
                // Everything but SSE-KMS objects, to a bucket that re-encrypts with its own
                // default.
                rule.enabled = true;
                rule.kms_objects = false;
                rule.replica_key = None;
            }
            rules.push(rule);
        }
        buckets[b].replication = Some(Replication {
            role: format!("arn:aws:iam::{account}:role/s3-replication-{b:05}"),
            dest,
            rules,
        });
    }
}

impl Bucket {
    pub(crate) fn has(&self, f: impl Fn(&BucketStmt) -> bool) -> bool {
        self.policy.iter().flatten().any(f)
    }

    /// Bucket setting OR account setting, flag by flag.
    pub(crate) fn effective_pab(&self, account: Option<[bool; 4]>) -> [bool; 4] {
        let b = self.pab.unwrap_or([false; 4]);
        let a = account.unwrap_or([false; 4]);
        [b[0] || a[0], b[1] || a[1], b[2] || a[2], b[3] || a[3]]
    }

    pub(crate) fn acl_public(&self, account: Option<[bool; 4]>) -> bool {
        self.acl_public.is_some() && !self.effective_pab(account)[1]
    }

    pub(crate) fn policy_public(&self, account: Option<[bool; 4]>) -> bool {
        self.has(|s| matches!(s, BucketStmt::PublicRead { .. })) && !self.effective_pab(account)[3]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BucketFlaw {
    None,
    NoDefaultEncryption,
    SseS3,
    KmsWithoutBucketKey,
    PublicAcl,
    PublicPolicy,
    CrossAccountPolicy,
    PolicyTlsOnly,
    PolicyKmsOnly,
    KeyUnusable,
    NoPolicy,
    NoOwnershipControls,
}

pub(crate) fn plan_bucket(
    seed: u64,
    a: usize,
    account: &str,
    b: usize,
    regions: &[Region],
) -> Bucket {
    let mut rng = Rng::stream(seed, TAG_BUCKET, a, 0, b);
    let r = rng.below(regions.len());
    let region = &regions[r];
    let prefix = *rng.pick(&[
        "app-data",
        "logs",
        "backups",
        "static-assets",
        "analytics",
        "ml-datasets",
        "artifacts",
        "reports",
        "media",
        "exports",
    ]);
    let name = format!("{prefix}-{account}-{b:05}");
    let flaw = rng.weighted(&[
        (163, BucketFlaw::None),
        (6, BucketFlaw::NoDefaultEncryption),
        (6, BucketFlaw::SseS3),
        (6, BucketFlaw::KmsWithoutBucketKey),
        (5, BucketFlaw::PublicAcl),
        (4, BucketFlaw::PublicPolicy),
        (4, BucketFlaw::CrossAccountPolicy),
        (6, BucketFlaw::PolicyTlsOnly),
        (4, BucketFlaw::PolicyKmsOnly),
        (5, BucketFlaw::KeyUnusable),
        (8, BucketFlaw::NoPolicy),
        (6, BucketFlaw::NoOwnershipControls),
    ]);
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    // A well configured default: SSE-KMS with a bucket key, on a usable customer key named
    // in one of the ways S3 accepts, or on aws/s3.
    let key_ref = |rng: &mut Rng, pool: &[usize], keys: &[Key]| -> Option<(usize, KeyRef)> {
        if pool.is_empty() {
            return None;
        }
        let k = *rng.pick(pool);
        let form = rng.weighted(&[(55, KeyRef::Arn), (25, KeyRef::AliasArn), (20, KeyRef::Id)]);
        let form = if form == KeyRef::AliasArn && keys[k].alias.is_none() {
            KeyRef::Arn
        } else {
            form
        };
        Some((k, form))
    };
    let key = if rng.chance(20.0) {
        None
    } else {
        key_ref(&mut rng, &usable, &region.keys)
    };
    let mut bucket = Bucket {
        name,
        region: r,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        enc: BucketEnc::Kms {
            key,
            bucket_key: Some(true),
        },
        pab: Some([true; 4]),
        policy: Some(if rng.chance(30.0) {
            vec![
                BucketStmt::DenyNonKms,
                BucketStmt::DenyNonTls,
                BucketStmt::OwnRole,
            ]
        } else {
            vec![BucketStmt::DenyNonKms, BucketStmt::DenyNonTls]
        }),
        acl_public: None,
        log_delivery: false,
        ownership: Some("BucketOwnerEnforced"),
        versioning: rng.weighted(&[(80, Some("Enabled")), (5, Some("Suspended")), (15, None)]),
        replication: None,
    };
    let pab_off = |rng: &mut Rng| {
        if rng.chance(50.0) {
            None
        } else {
            Some([false; 4])
        }
    };
    match flaw {
        BucketFlaw::None => {}
        BucketFlaw::NoDefaultEncryption => bucket.enc = BucketEnc::None,
        BucketFlaw::SseS3 => bucket.enc = BucketEnc::SseS3,
        BucketFlaw::KmsWithoutBucketKey => {
            let bucket_key = if rng.chance(50.0) { Some(false) } else { None };
            if let BucketEnc::Kms { bucket_key: bk, .. } = &mut bucket.enc {
                *bk = bucket_key;
            }
        }
        BucketFlaw::PublicAcl => {
            bucket.acl_public = Some(if rng.chance(80.0) {
                ALL_USERS
            } else {
                AUTHENTICATED_USERS
            });
            bucket.ownership = Some("ObjectWriter");
            bucket.pab = pab_off(&mut rng);
        }
        BucketFlaw::PublicPolicy => {
            let aws_form = rng.chance(50.0);
            if let Some(p) = &mut bucket.policy {
                p.push(BucketStmt::PublicRead { aws_form });
            }
            bucket.pab = pab_off(&mut rng);
        }
        BucketFlaw::CrossAccountPolicy => {
            let account = outside_account(seed, rng.next());
            if let Some(p) = &mut bucket.policy {
                p.push(BucketStmt::CrossAccount { account });
            }
        }
        BucketFlaw::PolicyTlsOnly => bucket.policy = Some(vec![BucketStmt::DenyNonTls]),
        BucketFlaw::PolicyKmsOnly => bucket.policy = Some(vec![BucketStmt::DenyNonKms]),
        BucketFlaw::KeyUnusable => {
            if let Some(key) = key_ref(&mut rng, &unusable, &region.keys) {
                bucket.enc = BucketEnc::Kms {
                    key: Some(key),
                    bucket_key: Some(true),
                };
            }
        }
        BucketFlaw::NoPolicy => bucket.policy = None,
        BucketFlaw::NoOwnershipControls => {
            bucket.ownership = None;
            bucket.log_delivery = rng.chance(50.0);
        }
    }
    bucket
}
