//! Writes a synthetic CloudTrail archive in the delivery layout, with planted incidents:
//!
//! ```sh
//! cargo run --release --example generate-logs -- --out DIR --events N
//!     [--accounts N] [--regions r1,r2] [--org] [--incidents N] [--seed S]
//! ```
//!
//! `--events` counts every record written, planted ones included; `--incidents N` plants N
//! hits (and their decoys) of every built-in event rule (default: one per 50,000 events,
//! 1 to 20). The same arguments always write the same bytes. Prints what was written and
//! how many findings of each event rule a scan must give.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: generate-logs --out DIR --events N [--accounts N] \
[--regions r1,r2] [--org] [--incidents N] [--seed S]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(io::stderr(), "generate-logs: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut out: Option<PathBuf> = None;
    let mut events: Option<usize> = None;
    let mut accounts = None;
    let mut regions: Option<Vec<String>> = None;
    let mut org = false;
    let mut incidents = None;
    let mut seed = None;
    let Some(options) = atrest_gen::args::options(std::env::args().skip(1), &["--org"])? else {
        let _ = writeln!(io::stdout(), "{USAGE}");
        return Ok(());
    };
    for (name, value) in options {
        let number = |v: &str| atrest_gen::args::count(&name, v);
        match name.as_str() {
            "--org" => org = true,
            "--out" => out = Some(PathBuf::from(value)),
            "--events" => events = Some(number(&value)?),
            "--accounts" => accounts = Some(number(&value)?),
            "--incidents" => incidents = Some(number(&value)?),
            "--regions" => regions = Some(atrest_gen::args::regions(&value)),
            "--seed" => seed = Some(atrest_gen::args::seed(&value)?),
            _ => return Err(format!("unknown option {name}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    let mut spec = atrest_gen::LogSpec::new(events.ok_or("--events N is required")?);
    if let Some(n) = accounts {
        spec.accounts = n;
    }
    if let Some(r) = regions {
        spec.regions = r;
    }
    if let Some(n) = incidents {
        spec.incidents = n;
    }
    if let Some(s) = seed {
        spec.seed = s;
    }
    spec.org = org;

    let started = Instant::now();
    let summary =
        atrest_gen::generate_logs(&spec, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    let elapsed = started.elapsed();

    let mut o = io::stdout().lock();
    let mut report = || -> io::Result<()> {
        writeln!(
            o,
            "wrote {} log files ({} digest files), {} events, {:.1} MB gzip, {:.1} MB JSON to {} in {:.2?}",
            summary.files,
            summary.digest_files,
            summary.events,
            summary.bytes as f64 / 1e6,
            summary.uncompressed as f64 / 1e6,
            out.display(),
            elapsed
        )?;
        writeln!(
            o,
            "spec: events {} accounts {} regions {} org {} incidents {} seed {}",
            spec.events,
            spec.accounts,
            spec.regions.join(","),
            spec.org,
            spec.incidents,
            spec.seed
        )?;
        writeln!(
            o,
            "planted {} records (hits and decoys); expected findings:",
            summary.planted
        )?;
        for (rule, n) in &summary.expected {
            writeln!(o, "  {rule:<46} {n}")?;
        }
        Ok(())
    };
    match report() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}
