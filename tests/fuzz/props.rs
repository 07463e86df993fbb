//! The properties every mutated input must keep, and the harness that places an input in a
//! scratch directory laid out like the original and scans it through the library.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use atrest::diagnostic::Level;
use atrest::output::{self, Format, Report, Style};
use atrest::rules::Registry;
use atrest::scan::{Outcome, scan};
use proptest::prop_assert;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed, TestCaseError};
use tempfile::TempDir;

/// The seed of the short run.
const SEED: u64 = 20_261_120;

/// Cases per target: `ATREST_FUZZ_CASES`, or `default` (the short run of `cargo test`).
pub fn config(default: u32, regressions: &'static str) -> Config {
    let cases = std::env::var("ATREST_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    // A fixed seed keeps the short run the same on every machine; `ATREST_FUZZ_SEED=random`
    // (or a number) explores further.
    let rng_seed = match std::env::var("ATREST_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => n.parse().map_or(RngSeed::Fixed(SEED), RngSeed::Fixed),
        None => RngSeed::Fixed(SEED),
    };
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        max_shrink_iters: 2_000,
        max_global_rejects: cases.saturating_mul(4).max(1024),
        ..Config::default()
    }
}

pub fn builtin() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builtin().unwrap_or_else(|e| panic!("{e:#?}")))
}

/// One mutated file written at `rel` (its place in the original layout) under a scratch root.
pub struct Placed {
    pub root: TempDir,
    pub file: PathBuf,
}

pub fn place(rel: &Path, bytes: &[u8]) -> Placed {
    let root = tempfile::tempdir().expect("tempdir");
    let file = root.path().join(rel);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, bytes).expect("write");
    Placed { root, file }
}

impl Placed {
    pub fn scan(&self, registry: &Registry) -> Outcome {
        scan(&[self.root.path().to_path_buf()], registry)
    }
}

/// What a scan gave, short, for failure messages.
pub fn summary(out: &Outcome) -> String {
    let diagnostics: Vec<String> = out
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{:?} {}:{:?}:{:?}: {}",
                d.level,
                d.path.display(),
                d.line,
                d.column,
                d.message
            )
        })
        .collect();
    format!(
        "resources {}, events {}, findings {}, kinds {:?}, diagnostics {:#?}",
        out.stats.resources,
        out.stats.events,
        out.findings.len(),
        out.stats.files_by_kind,
        diagnostics
    )
}

pub fn has_error(out: &Outcome) -> bool {
    out.diagnostics.iter().any(|d| d.level == Level::Error)
}

/// Every diagnostic names the mutated file or the input directory; none has an empty message.
pub fn diagnostics_name_their_file(p: &Placed, out: &Outcome) -> Result<(), TestCaseError> {
    for d in &out.diagnostics {
        prop_assert!(
            d.path == p.file || d.path == p.root.path(),
            "diagnostic names {} (expected {}): {}",
            d.path.display(),
            p.file.display(),
            d.message
        );
        prop_assert!(!d.message.trim().is_empty(), "empty diagnostic message");
    }
    Ok(())
}

/// No silent loss: the file gave a resource, an event, a finding or a diagnostic, or it was
/// recognised as a kind of input (a valid answer with nothing in it: `{"Volumes": []}`).
pub fn not_silent(out: &Outcome) -> Result<(), TestCaseError> {
    let gave = out.stats.resources > 0
        || out.stats.events > 0
        || !out.findings.is_empty()
        || !out.diagnostics.is_empty();
    prop_assert!(
        gave || !out.stats.files_by_kind.is_empty(),
        "silent: {}",
        summary(out)
    );
    Ok(())
}

/// Each output format renders the outcome (locations resolved in the mutated file).
pub fn renders(out: &Outcome, registry: &Registry) -> Result<(), TestCaseError> {
    let report = Report::new(out, registry);
    for &format in <Format as clap::ValueEnum>::value_variants() {
        let mut sink = Vec::new();
        let written = output::write(&report, format, Style::default(), &mut sink);
        prop_assert!(written.is_ok(), "{format:?} output failed: {written:?}");
        match format {
            Format::Json | Format::Sarif | Format::Asff => {
                let parsed = serde_json::from_slice::<serde_json::Value>(&sink);
                prop_assert!(parsed.is_ok(), "{format:?} output is not JSON");
            }
            Format::Ocsf => {
                for line in sink.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    let parsed = serde_json::from_slice::<serde_json::Value>(line);
                    prop_assert!(parsed.is_ok(), "an OCSF line is not JSON");
                }
            }
            Format::Text | Format::Concise | Format::Github => {}
        }
    }
    Ok(())
}

/// The properties every target checks.
pub fn common(p: &Placed, out: &Outcome, registry: &Registry) -> Result<(), TestCaseError> {
    diagnostics_name_their_file(p, out)?;
    not_silent(out)?;
    renders(out, registry)
}

/// Seed files under `dir` whose names end with one of `exts`, sorted, as (relative, bytes).
pub fn seeds(dir: &Path, exts: &[&str]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if exts.iter().any(|x| path.to_string_lossy().ends_with(x)) {
                let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
                out.push((rel, std::fs::read(&path).expect("read seed")));
            }
        }
    }
    out.sort();
    out
}

/// Bytes decompressed when gzip, with whatever came before a break; whether it broke.
pub fn plain(bytes: &[u8]) -> (Vec<u8>, bool) {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return (bytes.to_vec(), false);
    }
    let mut out = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(bytes);
    let mut buf = [0u8; 8192];
    loop {
        match d.read(&mut buf) {
            Ok(0) => return (out, false),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (out, true),
        }
    }
}

/// A failure of a case, naming the seed file it mutated.
pub fn naming(
    seed: &std::path::Path,
    result: Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    result.map_err(|e| match e {
        TestCaseError::Fail(why) => TestCaseError::fail(format!("{}: {why}", seed.display())),
        other => other,
    })
}
