//! EC2 instances, which the planned volumes are attached to.

use crate::ids::{TAG_AMI, TAG_ENI, TAG_INSTANCE, TAG_RESERVATION, ec2_id};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

pub(crate) struct Instance {
    pub(crate) id: String,
    pub(crate) reservation: String,
    pub(crate) eni: String,
    pub(crate) kind: &'static str,
    pub(crate) launched: i64,
    pub(crate) running: bool,
    pub(crate) az: usize,
    pub(crate) ip: String,
    pub(crate) image: String,
    /// How many volumes it wants attached (a root volume and up to two data volumes).
    pub(crate) wanted: usize,
    /// Indexes of the region's volumes attached to it, root first.
    pub(crate) volumes: Vec<usize>,
}

pub(crate) fn plan_instance(seed: u64, a: usize, r: usize, i: usize) -> Instance {
    let mut rng = Rng::stream(seed, TAG_INSTANCE, a, r, i);
    let wanted = 1 + usize::from(rng.chance(30.0)) + usize::from(rng.chance(10.0));
    let kind = *rng.pick(&[
        "t3.micro",
        "t3.medium",
        "m5.large",
        "m6i.xlarge",
        "c6g.large",
        "r6i.2xlarge",
    ]);
    Instance {
        id: ec2_id("i", seed, TAG_INSTANCE, a, r, i),
        reservation: ec2_id("r", seed, TAG_RESERVATION, a, r, i),
        eni: ec2_id("eni", seed, TAG_ENI, a, r, i),
        kind,
        launched: rng.range(START_MS, NOW_MS - DAY_MS),
        running: rng.chance(80.0),
        az: rng.below(3),
        ip: format!("10.{}.{}.{}", r, (i >> 8) & 0xff, 1 + (i & 0xff) % 254),
        image: ec2_id("ami", seed, TAG_AMI, a, r, i % 7),
        wanted,
        volumes: Vec::new(),
    }
}
