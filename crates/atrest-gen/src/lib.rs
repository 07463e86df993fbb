//! A deterministic generator of export directories (docs/export-format.md) of any size, for
//! atrest's benchmarks and tests. It is a development tool, not published.
//!
//! Every resource is first *planned* (`plan`): a small struct that records each choice the
//! seeded PRNG made (which key a volume uses, which statements a policy has, ...). The files
//! are rendered from the plans (`render`), and [`Summary::expected`] is counted from the same
//! plans by the `oracle`, so the two cannot drift apart.
//!
//! Output is formatted like AWS CLI v2 (`--output json`): 4-space indentation, members in the
//! order of the API model (botocore builds its dicts in model order), ISO 8601 timestamps as
//! Python's `datetime.isoformat()` prints them, a final newline, policies as JSON strings (KMS
//! key policies pretty-printed in AWS's Jackson style, S3 bucket policies compact).
//! Objects are written by a small ordered tree (`json::J`) driven through serde_json's own
//! `PrettyFormatter`, so key order does not depend on serde_json's `preserve_order` feature.
//!
//! The counts in a [`Spec`] are totals over all accounts; keys, volumes, snapshots,
//! instances, EFS file systems, secrets, parameters, DynamoDB tables, SQS queues, SNS topics
//! and the RDS resources are split evenly over every (account, region), buckets over accounts
//! (each bucket in one of the regions). Each account also gets one CloudTrail trail and the AWS
//! managed keys `aws/ebs`, `aws/s3`, `aws/dynamodb` and `aws/rds` in every region, and
//! `aws/elasticfilesystem`, `aws/secretsmanager` and `aws/ssm` where a resource uses them
//! (queues and topics name `alias/aws/sqs` and `alias/aws/sns`, which an export need not
//! list). The first RDS DB instances of a region become the members of its DB clusters.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

pub mod args;
pub mod cloudtrail;
mod ids;
mod json;
mod oracle;
mod plan;
mod render;
mod rng;
pub mod sigma;
mod spec;
mod time;

#[cfg(test)]
mod tests;

pub use cloudtrail::{LogSpec, LogSummary, generate_logs};
pub use oracle::{RULES, UNPLANTED};
pub use spec::{DEFAULT_REGIONS, DEFAULT_SEED, Spec};

/// Bumped whenever the same [`Spec`] would produce different bytes, so that cached trees
/// (e.g. the bench data under `target/bench-data/`) can be regenerated.
pub const GENERATOR_VERSION: u32 = 2;

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files written (`.json`, `.error.json` and empty files).
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Resources described: buckets, customer and AWS managed keys, volumes, snapshots,
    /// instances, trails, file systems, secrets, parameters, DynamoDB tables, SQS queues, SNS
    /// topics, and RDS DB instances, DB clusters and their snapshots.
    pub resources: usize,
    /// For every rule id in [`RULES`] (zeros included), how many resources the generator
    /// planted that the rule must report.
    pub expected: BTreeMap<&'static str, usize>,
}

/// Writes the export directory described by `spec` under `out` (created if missing; it must
/// be empty, so that stale files cannot mix with the new ones).
pub fn generate(spec: &Spec, out: &Path) -> io::Result<Summary> {
    spec::validate(spec)?;
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", out.display()),
        ));
    }
    fs::create_dir_all(out)?;
    let mut summary = Summary {
        expected: RULES.iter().map(|r| (*r, 0)).collect(),
        ..Summary::default()
    };
    let mut sink = render::Sink::default();
    for a in 0..spec.accounts {
        let account = plan::account(spec, a);
        oracle::count(&account, &mut summary.expected);
        summary.resources += account.resources();
        render::account(&account, &out.join(&account.id), &mut sink)?;
    }
    summary.files = sink.files;
    summary.bytes = sink.bytes;
    Ok(summary)
}
