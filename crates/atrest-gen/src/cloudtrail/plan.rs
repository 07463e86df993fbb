//! How many records each delivery window of each (account, region) holds, and where the
//! planted incidents go. Every count is decided here, before any record is rendered, so the
//! oracle and the files come from the same plan.

use super::LogSpec;
use super::oracle::{PLANTS, Plant};
use crate::rng::Rng;

const TAG_SLOT: u64 = 0x21;
const TAG_PLANT: u64 = 0x22;

/// CloudTrail delivers a region's events about every five minutes.
pub(crate) const WINDOW_MS: i64 = 5 * 60_000;
/// Events per window on average, before the daily cycle and the jitter.
const MEAN_PER_WINDOW: usize = 4000;
/// CloudTrail splits a busy window into several files.
pub(crate) const MAX_PER_FILE: usize = 15_000;

/// Activity by hour of day (UTC), in per mille of the peak: quiet nights, busy office hours.
const DIURNAL: [u64; 24] = [
    200, 160, 140, 130, 130, 160, 250, 450, 750, 950, 1000, 1000, 950, 980, 1000, 990, 900, 750,
    550, 420, 350, 300, 260, 220,
];
/// A window's jitter, in per mille: most windows near the mean, a few near-empty or 8x busy.
const JITTER: [u64; 12] = [
    30, 100, 200, 400, 700, 1000, 1000, 1300, 1700, 2500, 4000, 8000,
];

/// A planted call: entry of [`PLANTS`], `None` for its hit or the index of a decoy, and
/// the call's step in the plant's sequence. A sequence's calls are all in one slot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Placed {
    pub entry: usize,
    pub decoy: Option<usize>,
    /// Unique over the plants of the corpus, shared by a sequence's calls (fresh key ids
    /// are drawn from it).
    pub n: usize,
    pub step: usize,
    /// Calls of the plant.
    pub steps: usize,
}

#[derive(Default)]
pub(crate) struct Slot {
    pub background: usize,
    pub plants: Vec<Placed>,
}

pub(crate) struct Plan {
    pub windows: usize,
    /// `stream * windows + window`; stream `a * regions + r`.
    pub slots: Vec<Slot>,
    /// Findings each entry of PLANTS must give.
    pub hits: Vec<usize>,
    pub planted: usize,
}

/// Records one round of incidents adds (a hit and its decoys for every entry).
pub(crate) fn per_round() -> usize {
    PLANTS
        .iter()
        .map(|p| p.hit.len() + p.decoys.iter().map(Plant::len).sum::<usize>())
        .sum()
}

pub(crate) fn plan(spec: &LogSpec) -> Plan {
    let regions = spec.regions.len();
    let streams = spec.accounts * regions;
    let windows = spec.events.div_ceil(MEAN_PER_WINDOW * streams).max(4);
    let mut slots: Vec<Slot> = (0..streams * windows).map(|_| Slot::default()).collect();

    // Planted calls first: they count towards `events`.
    let (mut n, mut planted) = (0, 0);
    let mut hits = vec![0; PLANTS.len()];
    for (entry, p) in PLANTS.iter().enumerate() {
        for i in 0..spec.incidents {
            for decoy in std::iter::once(None).chain((0..p.decoys.len()).map(Some)) {
                let plant = decoy.map_or(&p.hit, |d| &p.decoys[d]);
                let mut rng =
                    Rng::stream(spec.seed, TAG_PLANT, entry, decoy.map_or(0, |d| d + 1), i);
                let slot = rng.below(slots.len());
                let steps = plant.len();
                for step in 0..steps {
                    slots[slot].plants.push(Placed {
                        entry,
                        decoy,
                        n,
                        step,
                        steps,
                    });
                }
                for rule in plant.also() {
                    if let Some(other) = PLANTS.iter().position(|q| q.rule == *rule) {
                        hits[other] += 1;
                    }
                }
                n += 1;
                planted += steps;
            }
            hits[entry] += 1;
        }
    }
    let background = spec.events.saturating_sub(planted);

    // Background records over the slots in proportion to their weights, exactly.
    let weights: Vec<u64> = (0..slots.len())
        .map(|i| {
            let (s, w) = (i / windows, i % windows);
            let (a, r) = (s / regions, s % regions);
            let mut rng = Rng::stream(spec.seed, TAG_SLOT, a, r, w);
            let region = if r == 0 { 1000 } else { 350 };
            let account = 1000 / (1 + a as u64 % 4);
            let hour = ((w as i64 * WINDOW_MS / 3_600_000) % 24) as usize;
            region * account * DIURNAL[hour] * JITTER[rng.below(JITTER.len())]
        })
        .collect();
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    let mut cum: u128 = 0;
    let mut given = 0usize;
    for (slot, w) in slots.iter_mut().zip(&weights) {
        cum += u128::from(*w);
        let upto = (cum * background as u128 / total.max(1)) as usize;
        slot.background = upto - given;
        given = upto;
    }
    Plan {
        windows,
        slots,
        hits,
        planted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_placed_once() {
        let mut spec = LogSpec::new(123_457);
        spec.accounts = 3;
        let p = plan(&spec);
        let placed: usize = p.slots.iter().map(|s| s.background + s.plants.len()).sum();
        assert_eq!(placed, 123_457);
        assert_eq!(p.planted, spec.incidents * per_round());
        let busiest = p.slots.iter().map(|s| s.background).max().unwrap_or(0);
        let quietest = p.slots.iter().map(|s| s.background).min().unwrap_or(0);
        assert!(busiest > 20 * quietest.max(1), "{busiest} vs {quietest}");
    }
}
