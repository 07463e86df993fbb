//! The shape of a hit or a decoy of [`PLANTS`](super::PLANTS): one call or a sequence.

use self::Plant::{One, Seq};
use super::Make;

/// A hit or a decoy: one call, or a short sequence of calls that only together make (or do
/// not make) a finding, for the rules of the stateful analyses (a key used, then disabled,
/// then refused). A sequence's calls share the plant's number (so its fresh key or bucket)
/// and come at increasing times in one (account, region).
pub(crate) enum Plant {
    One(Make),
    /// The calls in time order, and the rules of [`PLANTS`](super::PLANTS) they trip
    /// besides their own entry's, once each (a key disabled while in use is also a key
    /// disabled).
    Seq(&'static [Make], &'static [&'static str]),
}

impl Plant {
    /// Records the plant adds.
    pub(crate) fn len(&self) -> usize {
        match self {
            One(_) => 1,
            Seq(steps, _) => steps.len(),
        }
    }

    /// The call of step `i` (`None` past the end).
    pub(crate) fn step(&self, i: usize) -> Option<Make> {
        match self {
            One(make) => (i == 0).then_some(*make),
            Seq(steps, _) => steps.get(i).copied(),
        }
    }

    /// Other rules of [`PLANTS`](super::PLANTS) the plant gives one finding of.
    pub(crate) fn also(&self) -> &'static [&'static str] {
        match self {
            One(_) => &[],
            Seq(_, also) => also,
        }
    }
}
