//! EBS snapshots: of a planned volume, with its encryption, some public or shared.

use super::volumes::{Enc, Volume};
use crate::ids::{TAG_SNAPSHOT, ec2_id, outside_account};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

pub(crate) struct Snapshot {
    pub(crate) id: String,
    pub(crate) volume_id: String,
    pub(crate) size: i64,
    pub(crate) enc: Enc,
    pub(crate) started: i64,
    pub(crate) description: String,
    /// `CreateVolumePermissions: [{"Group": "all"}]`.
    pub(crate) public: bool,
    /// Shared with another account.
    pub(crate) shared_with: Option<String>,
}

pub(crate) fn plan_snapshot(
    seed: u64,
    a: usize,
    r: usize,
    s: usize,
    volumes: &[Volume],
) -> Snapshot {
    let mut rng = Rng::stream(seed, TAG_SNAPSHOT, a, r, s);
    let (volume_id, size, enc, after) = if volumes.is_empty() {
        // A copied snapshot: EC2 names no source volume.
        ("vol-ffffffff".to_owned(), 8, Enc::None, START_MS)
    } else {
        let v = &volumes[rng.below(volumes.len())];
        (v.id.clone(), v.size, v.enc, v.created)
    };
    let started = rng.range(after, NOW_MS - DAY_MS / 2);
    let public = enc == Enc::None && rng.chance(35.0);
    let shared_with = (!public && rng.chance(3.0)).then(|| outside_account(seed, rng.next()));
    let description = match rng.below(3) {
        0 => format!("Snapshot of {volume_id}"),
        1 => "daily backup".to_owned(),
        _ => String::new(),
    };
    Snapshot {
        id: ec2_id("snap", seed, TAG_SNAPSHOT, a, r, s),
        volume_id,
        size,
        enc,
        started,
        description,
        public,
        shared_with,
    }
}
