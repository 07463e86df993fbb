//! The account's CloudTrail trail: its settings, event selectors and the bucket it delivers
//! to (whose policy then allows CloudTrail).

use super::buckets::{Bucket, BucketStmt};
use super::{Account, Region};
use crate::ids::{TAG_TRAIL, outside_account};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Selectors {
    /// Classic selector, management events only.
    ClassicManagement,
    /// Classic selector with `AWS::S3::Object` data resources.
    ClassicS3,
    /// Classic selector with Lambda data events only (no S3 data events).
    ClassicLambda,
    /// Advanced selector, management events only.
    AdvancedManagement,
    /// Advanced selectors with S3 data events.
    AdvancedS3,
}

pub(crate) enum TrailBucket {
    /// One of the account's buckets (index).
    Own(usize),
    /// A bucket outside the export (a log archive account).
    Outside(String),
}

pub(crate) struct Trail {
    pub(crate) name: String,
    pub(crate) arn: String,
    /// Index of the home region.
    pub(crate) home: usize,
    pub(crate) multi_region: bool,
    pub(crate) validation: bool,
    /// A customer key of the home region (index).
    pub(crate) kms: Option<usize>,
    pub(crate) logging: bool,
    pub(crate) selectors: Selectors,
    pub(crate) bucket: TrailBucket,
    pub(crate) prefix: Option<String>,
    pub(crate) started: i64,
}

impl Trail {
    pub(crate) fn bucket_name<'a>(&'a self, account: &'a Account) -> &'a str {
        match &self.bucket {
            TrailBucket::Own(b) => &account.buckets[*b].name,
            TrailBucket::Outside(name) => name,
        }
    }
}

pub(crate) fn plan_trail(
    seed: u64,
    a: usize,
    account: &str,
    account_pab: Option<[bool; 4]>,
    regions: &[Region],
    buckets: &mut [Bucket],
) -> Trail {
    let mut rng = Rng::stream(seed, TAG_TRAIL, a, 0, 0);
    let name =
        (*rng.pick(&["management-events", "org-audit", "security-trail", "main"])).to_owned();
    let home = &regions[0];
    let arn = format!("arn:aws:cloudtrail:{}:{account}:trail/{name}", home.name);
    let usable = home.symmetric_keys(true);
    let kms = if rng.chance(70.0) && !usable.is_empty() {
        Some(*rng.pick(&usable))
    } else {
        None
    };
    let selectors = rng.weighted(&[
        (30, Selectors::ClassicManagement),
        (20, Selectors::ClassicS3),
        (10, Selectors::ClassicLambda),
        (20, Selectors::AdvancedManagement),
        (20, Selectors::AdvancedS3),
    ]);
    let public: Vec<usize> = (0..buckets.len())
        .filter(|&b| buckets[b].acl_public(account_pab) || buckets[b].policy_public(account_pab))
        .collect();
    let private: Vec<usize> = (0..buckets.len()).filter(|b| !public.contains(b)).collect();
    let want_public = rng.chance(25.0);
    let bucket = match (want_public, public.is_empty(), private.is_empty()) {
        (_, true, true) => TrailBucket::Outside(format!(
            "log-archive-{}-cloudtrail",
            outside_account(seed, rng.next())
        )),
        (true, false, _) | (false, false, true) => TrailBucket::Own(*rng.pick(&public)),
        _ => TrailBucket::Own(*rng.pick(&private)),
    };
    if let TrailBucket::Own(b) = bucket
        && let Some(policy) = &mut buckets[b].policy
    {
        policy.push(BucketStmt::CloudTrail {
            trail_arn: arn.clone(),
        });
    }
    Trail {
        name,
        arn,
        home: 0,
        multi_region: rng.chance(80.0),
        validation: rng.chance(75.0),
        kms,
        logging: rng.chance(90.0),
        selectors,
        bucket,
        prefix: rng.chance(30.0).then(|| "cloudtrail".to_owned()),
        started: rng.range(START_MS, NOW_MS - 30 * DAY_MS),
    }
}
