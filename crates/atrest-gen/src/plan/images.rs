//! AMIs the account made from its EBS snapshots: some public (only unencrypted ones can be),
//! some shared with another account.

use super::snapshots::Snapshot;
use super::volumes::Enc;
use crate::ids::{TAG_IMAGE, ec2_id, outside_account};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS};

pub(crate) struct Image {
    pub(crate) id: String,
    pub(crate) name: String,
    /// The snapshot behind its root device (index into the region's snapshots).
    pub(crate) snapshot: usize,
    pub(crate) created: i64,
    /// Launch permission for the group `all` (and `Public: true`).
    pub(crate) public: bool,
    /// Launch permission for another account.
    pub(crate) shared_with: Option<String>,
}

/// One AMI per four snapshots, each of a snapshot of the region; every fifth, from a
/// snapshot whose key cannot be used, where there is one (an old release's image on a
/// retired key), so that the rule is planted at small scales too.
pub(crate) fn plan_images(
    seed: u64,
    a: usize,
    r: usize,
    snapshots: &[Snapshot],
    key_unusable: &dyn Fn(&Snapshot) -> bool,
) -> Vec<Image> {
    let retired: Vec<usize> = (0..snapshots.len())
        .filter(|&s| key_unusable(&snapshots[s]))
        .collect();
    (0..snapshots.len() / 4)
        .map(|i| {
            let mut rng = Rng::stream(seed, TAG_IMAGE, a, r, i);
            let any = rng.below(snapshots.len());
            let snapshot = if i % 5 == 0 && !retired.is_empty() {
                retired[rng.below(retired.len())]
            } else {
                any
            };
            let s = &snapshots[snapshot];
            let public = s.enc == Enc::None && rng.chance(30.0);
            let shared_with =
                (!public && rng.chance(30.0)).then(|| outside_account(seed, rng.next()));
            Image {
                id: ec2_id("ami", seed, TAG_IMAGE, a, r, i),
                name: format!("golden-{r}-{i:04}"),
                snapshot,
                created: (s.started + DAY_MS / 2).min(NOW_MS - DAY_MS / 4),
                public,
                shared_with,
            }
        })
        .collect()
}
