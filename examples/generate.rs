//! Writes a synthetic export directory for benchmarks and tests:
//!
//! ```sh
//! cargo run --release --example generate -- --out DIR [--scale N]
//!     [--buckets N] [--keys N] [--volumes N] [--snapshots N] [--instances N]
//!     [--file-systems N] [--secrets N] [--parameters N] [--tables N] [--queues N] [--topics N]
//!     [--db-instances N] [--db-clusters N] [--db-snapshots N] [--db-cluster-snapshots N]
//!     [--accounts N] [--regions r1,r2] [--seed S]
//! ```
//!
//! `--scale N` gives N resources with a realistic split (10% buckets, 5% keys, 50% volumes,
//! 10% snapshots, 5% instances, 2% EFS file systems, 2% secrets, 3% parameters, 3% DynamoDB
//! tables, 3% SQS queues, 2% SNS topics, 2% RDS DB instances, 1% each of DB clusters, DB
//! snapshots and DB cluster snapshots); the per-kind options override its counts (without
//! `--scale`, kinds not named get none). Counts are totals over all accounts and regions.
//! The same arguments always write the same bytes. Prints what was written and how many
//! findings of each rule the generator planted.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: generate --out DIR [--scale N] [--buckets N] [--keys N] \
[--volumes N] [--snapshots N] [--instances N] [--file-systems N] [--secrets N] [--parameters N] \
[--tables N] [--queues N] [--topics N] [--db-instances N] [--db-clusters N] \
[--db-snapshots N] [--db-cluster-snapshots N] [--accounts N] [--regions r1,r2] [--seed S]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(io::stderr(), "generate: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut out: Option<PathBuf> = None;
    let mut scale: Option<usize> = None;
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut accounts: Option<usize> = None;
    let mut regions: Option<Vec<String>> = None;
    let mut seed: Option<u64> = None;
    let Some(options) = atrest_gen::args::options(std::env::args().skip(1), &[])? else {
        let _ = writeln!(io::stdout(), "{USAGE}");
        return Ok(());
    };
    for (name, value) in options {
        let number = |v: &str| atrest_gen::args::count(&name, v);
        match name.as_str() {
            "--out" => out = Some(PathBuf::from(value)),
            "--scale" => scale = Some(number(&value)?),
            "--buckets"
            | "--keys"
            | "--volumes"
            | "--snapshots"
            | "--instances"
            | "--file-systems"
            | "--secrets"
            | "--parameters"
            | "--tables"
            | "--queues"
            | "--topics"
            | "--db-instances"
            | "--db-clusters"
            | "--db-snapshots"
            | "--db-cluster-snapshots" => {
                counts.push((name.clone(), number(&value)?));
            }
            "--accounts" => accounts = Some(number(&value)?),
            "--regions" => regions = Some(atrest_gen::args::regions(&value)),
            "--seed" => seed = Some(atrest_gen::args::seed(&value)?),
            _ => return Err(format!("unknown option {name}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    if scale.is_none() && counts.is_empty() {
        return Err("give --scale N or per-kind counts".to_owned());
    }
    let mut spec = atrest_gen::Spec::scaled(scale.unwrap_or(0));
    for (name, n) in counts {
        match name.as_str() {
            "--buckets" => spec.buckets = n,
            "--keys" => spec.keys = n,
            "--volumes" => spec.volumes = n,
            "--snapshots" => spec.snapshots = n,
            "--file-systems" => spec.file_systems = n,
            "--secrets" => spec.secrets = n,
            "--parameters" => spec.parameters = n,
            "--tables" => spec.tables = n,
            "--queues" => spec.queues = n,
            "--topics" => spec.topics = n,
            "--db-instances" => spec.db_instances = n,
            "--db-clusters" => spec.db_clusters = n,
            "--db-snapshots" => spec.db_snapshots = n,
            "--db-cluster-snapshots" => spec.db_cluster_snapshots = n,
            _ => spec.instances = n,
        }
    }
    if let Some(n) = accounts {
        spec.accounts = n;
    }
    if let Some(r) = regions {
        spec.regions = r;
    }
    if let Some(s) = seed {
        spec.seed = s;
    }

    let started = Instant::now();
    let summary =
        atrest_gen::generate(&spec, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    let elapsed = started.elapsed();

    let mut o = io::stdout().lock();
    let mut report = || -> io::Result<()> {
        writeln!(
            o,
            "wrote {} files, {} bytes, {} resources to {} in {:.2?}",
            summary.files,
            summary.bytes,
            summary.resources,
            out.display(),
            elapsed
        )?;
        writeln!(
            o,
            "spec: accounts {} regions {} buckets {} keys {} volumes {} snapshots {} instances {} \
             file systems {} secrets {} parameters {} tables {} queues {} topics {} \
             db-instances {} db-clusters {} db-snapshots {} db-cluster-snapshots {} seed {}",
            spec.accounts,
            spec.regions.join(","),
            spec.buckets,
            spec.keys,
            spec.volumes,
            spec.snapshots,
            spec.instances,
            spec.file_systems,
            spec.secrets,
            spec.parameters,
            spec.tables,
            spec.queues,
            spec.topics,
            spec.db_instances,
            spec.db_clusters,
            spec.db_snapshots,
            spec.db_cluster_snapshots,
            spec.seed
        )?;
        writeln!(o, "expected findings:")?;
        let unplanted = |rule: &str| atrest_gen::UNPLANTED.iter().find(|(id, _)| *id == rule);
        for (rule, n) in &summary.expected {
            if unplanted(rule).is_none() {
                writeln!(o, "  {rule:<46} {n}")?;
            }
        }
        writeln!(o, "never planted (always 0):")?;
        for (rule, why) in atrest_gen::UNPLANTED {
            writeln!(o, "  {rule:<46} {why}")?;
        }
        Ok(())
    };
    match report() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}
