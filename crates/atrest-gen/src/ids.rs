//! Identifiers: account ids, EC2 ids and KMS key ids, each unique per (kind, account, region,
//! index), and the tags that give each kind of resource a PRNG stream of its own.

use crate::rng::mix;

pub(crate) const TAG_ACCOUNT: u64 = 1;
pub(crate) const TAG_BUCKET: u64 = 2;
pub(crate) const TAG_KEY: u64 = 3;
pub(crate) const TAG_VOLUME: u64 = 4;
pub(crate) const TAG_SNAPSHOT: u64 = 5;
pub(crate) const TAG_INSTANCE: u64 = 6;
pub(crate) const TAG_REGION: u64 = 7;
pub(crate) const TAG_TRAIL: u64 = 8;
pub(crate) const TAG_RESERVATION: u64 = 9;
pub(crate) const TAG_ENI: u64 = 10;
pub(crate) const TAG_NET: u64 = 11;
pub(crate) const TAG_AMI: u64 = 12;
pub(crate) const TAG_FILE_SYSTEM: u64 = 13;
pub(crate) const TAG_SECRET: u64 = 14;
pub(crate) const TAG_PARAMETER: u64 = 15;
pub(crate) const TAG_TABLE: u64 = 16;
pub(crate) const TAG_QUEUE: u64 = 17;
pub(crate) const TAG_TOPIC: u64 = 18;
pub(crate) const TAG_IMAGE: u64 = 19;
pub(crate) const TAG_MULTI_REGION: u64 = 20;
// RDS: tags well above the others, so that kinds added elsewhere meanwhile do not share them.
pub(crate) const TAG_DB_INSTANCE: u64 = 40;
pub(crate) const TAG_DB_CLUSTER: u64 = 41;
pub(crate) const TAG_DB_SNAPSHOT: u64 = 42;
pub(crate) const TAG_DB_CLUSTER_SNAPSHOT: u64 = 43;

pub(crate) fn pack(account: usize, region: usize, index: usize) -> u64 {
    ((account as u64) << 40) | ((region as u64) << 32) | index as u64
}

/// `vol-0` + 16 hex digits, unique per (kind, account, region, index).
pub(crate) fn ec2_id(
    prefix: &str,
    seed: u64,
    tag: u64,
    account: usize,
    region: usize,
    index: usize,
) -> String {
    let v = mix(pack(account, region, index) ^ mix(seed ^ mix(tag)));
    format!("{prefix}-0{v:016x}")
}

/// A UUID-shaped KMS key id, unique per (account, region, index).
pub(crate) fn key_uuid(seed: u64, account: usize, region: usize, index: usize) -> String {
    let hi = mix(pack(account, region, index) ^ mix(seed ^ mix(TAG_KEY)));
    let lo = mix(hi ^ 0x5DEE_CE66_D1CE_5EED);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:04x}{:08x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        lo & 0xfff,
        8 + ((lo >> 12) & 3),
        (lo >> 14) & 0xfff,
        hi & 0xffff,
        lo >> 32
    )
}

/// A 12-digit account id; distinct indexes give distinct ids (an affine bijection mod 10^12).
/// Accounts of the export use indexes `0..accounts`, outside accounts `1 << 30` and up.
pub(crate) fn account_id(seed: u64, index: u64) -> String {
    const M: u128 = 1_000_000_000_000;
    let v = (u128::from(index) * 387_420_489 + u128::from(mix(seed ^ 0xACC0)) % M) % M;
    format!("{v:012}")
}

pub(crate) fn outside_account(seed: u64, k: u64) -> String {
    account_id(seed, (1 << 30) + k % 4)
}
