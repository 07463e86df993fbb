//! EBS volumes and how they (and snapshots) are encrypted.

use super::Region;
use super::keys::Key;
use crate::ids::{TAG_VOLUME, ec2_id};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

/// How an EBS volume or snapshot is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enc {
    None,
    /// The AWS managed `aws/ebs` key.
    AwsEbs,
    /// A customer key of the region (index).
    Customer(usize),
}

impl Enc {
    pub(crate) fn key<'a>(&self, region: &'a Region) -> Option<&'a Key> {
        match self {
            Enc::None => None,
            Enc::AwsEbs => Some(&region.aws_ebs),
            Enc::Customer(k) => Some(&region.keys[*k]),
        }
    }
}

pub(crate) struct Attachment {
    pub(crate) instance: String,
    pub(crate) device: &'static str,
    pub(crate) time: i64,
    pub(crate) delete_on_termination: bool,
}

pub(crate) struct Volume {
    pub(crate) id: String,
    pub(crate) az: String,
    pub(crate) size: i64,
    pub(crate) kind: &'static str,
    pub(crate) created: i64,
    pub(crate) enc: Enc,
    /// The AMI snapshot a root volume was made from.
    pub(crate) from_snapshot: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) attachment: Option<Attachment>,
}

pub(crate) fn plan_volume(
    seed: u64,
    a: usize,
    r: usize,
    region: &str,
    v: usize,
    usable: &[usize],
    unusable: &[usize],
) -> Volume {
    let mut rng = Rng::stream(seed, TAG_VOLUME, a, r, v);
    let kind = rng.weighted(&[(70, "gp3"), (22, "gp2"), (5, "io1"), (3, "st1")]);
    let size = match kind {
        "st1" => 125 * (1 + rng.below(16)) as i64,
        _ => [8, 16, 20, 30, 50, 100, 200, 500][rng.below(8)],
    };
    let choice = rng.weighted(&[(6, 0u8), (8, 1), (3, 2), (83, 3)]);
    let enc = match choice {
        0 => Enc::None,
        1 => Enc::AwsEbs,
        2 if !unusable.is_empty() => Enc::Customer(*rng.pick(unusable)),
        _ if !usable.is_empty() => Enc::Customer(*rng.pick(usable)),
        _ => Enc::AwsEbs,
    };
    let name = rng.chance(60.0).then(|| {
        let role = rng.pick(&["web", "db", "cache", "worker", "data", "build"]);
        format!("{role}-{v}")
    });
    Volume {
        id: ec2_id("vol", seed, TAG_VOLUME, a, r, v),
        az: format!("{region}{}", ['a', 'b', 'c'][rng.below(3)]),
        size,
        kind,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        enc,
        from_snapshot: None,
        name,
        attachment: None,
    }
}
