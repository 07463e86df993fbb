//! The seeded PRNG every choice of the generator draws from.

use crate::ids::pack;

/// SplitMix64's finalizer: a bijection on `u64`, so distinct inputs give distinct ids.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64. Every resource draws from a stream of its own (seed, kind, account, region,
/// index), so adding volumes does not change the keys, and the draw order is fixed by code.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn stream(seed: u64, tag: u64, account: usize, region: usize, index: usize) -> Rng {
        Rng(mix(seed ^ mix(tag ^ mix(pack(account, region, index)))))
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + ((u128::from(self.next()) * (hi - lo) as u128) >> 64) as i64
    }

    /// True with probability `percent / 100`.
    pub(crate) fn chance(&mut self, percent: f64) -> bool {
        ((self.next() >> 11) as f64) < percent / 100.0 * (1u64 << 53) as f64
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut x = self.below(total as usize) as u32;
        for &(w, item) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].1
    }
}
