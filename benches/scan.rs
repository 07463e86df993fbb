//! `cargo bench`: scans generated export directories of growing size and prints wall time,
//! throughput and peak memory, so that the 100k-resources target and linear growth can be
//! checked on any machine.
//!
//! Sizes come from `ATREST_BENCH_SIZES` (comma-separated resource counts, default
//! `25000,50000,100000`); the generated trees are kept under `target/bench-data/` and reused.
//! Each size is scanned once to warm the page cache, then `ATREST_BENCH_RUNS` times (default
//! 5) by the release binary, timed by `/usr/bin/time` when present (for peak RSS), then once
//! in-process for a per-stage breakdown (read, model, rules, output). Before each timed
//! run, the same files are read whole on as many threads, nothing parsed (`floor`): what
//! opening and reading them costs on this machine, the ratio `x floor` says how far above
//! it the scan is.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use atrest::output::{self, Format, Report, Style};

// The allocator of the CLI (src/main.rs), so that the in-process stage breakdown measures
// what the binary does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use atrest::rules::Registry;
use atrest::scan::scan;

fn main() {
    let sizes: Vec<usize> = std::env::var("ATREST_BENCH_SIZES")
        .unwrap_or_else(|_| "25000,50000,100000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("ATREST_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let binary = env!("CARGO_BIN_EXE_atrest");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    report(&format!(
        "atrest scan benchmark: {threads} threads, {runs} runs per size, binary {binary}"
    ));
    report(&format!(
        "{:>9} {:>7} {:>9} {:>9} | {:>8} {:>8} {:>8} {:>10} {:>9} | {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7}",
        "resources",
        "files",
        "MB",
        "findings",
        "wall min",
        "median",
        "max",
        "res/s",
        "peak RSS",
        "floor",
        "x floor",
        "read",
        "model",
        "rules",
        "output"
    ));
    let mut per_resource = Vec::new();
    for size in sizes {
        let dir = root.join(format!("scale-{size}"));
        let summary = prepare(&dir, size);
        // One warm-up run (page cache), then the timed runs, then the stage breakdown.
        let _ = timed_run(binary, &dir);
        let mut walls = Vec::new();
        let mut floors = Vec::new();
        let mut peak_kb = 0u64;
        for _ in 0..runs {
            floors.push(bare_read(&dir));
            let (wall, rss) = timed_run(binary, &dir);
            walls.push(wall);
            peak_kb = peak_kb.max(rss.unwrap_or(0));
        }
        walls.sort();
        floors.sort();
        let median = walls[walls.len() / 2];
        let floor = floors[floors.len() / 2];
        let (stages, findings, resources) = in_process(&dir);
        per_resource.push((resources, median.as_secs_f64() / resources as f64));
        report(&format!(
            "{:>9} {:>7} {:>9.1} {:>9} | {:>8.3} {:>8.3} {:>8.3} {:>10.0} {:>8.0}M | {:>7.3} {:>7.2} | {:>7.3} {:>7.3} {:>7.3} {:>7.3}",
            resources,
            summary.0,
            summary.1 as f64 / 1e6,
            findings,
            walls[0].as_secs_f64(),
            median.as_secs_f64(),
            walls[walls.len() - 1].as_secs_f64(),
            resources as f64 / median.as_secs_f64(),
            peak_kb as f64 / 1024.0,
            floor.as_secs_f64(),
            median.as_secs_f64() / floor.as_secs_f64(),
            stages[0].as_secs_f64(),
            stages[1].as_secs_f64(),
            stages[2].as_secs_f64(),
            stages[3].as_secs_f64(),
        ));
    }
    if let (Some(first), Some(last)) = (per_resource.first(), per_resource.last())
        && last.0 > first.0
    {
        report(&format!(
            "time per resource: {:.2} µs at {} resources, {:.2} µs at {} ({:.2}× for {:.1}× the size)",
            first.1 * 1e6,
            first.0,
            last.1 * 1e6,
            last.0,
            last.1 / first.1,
            last.0 as f64 / first.0 as f64,
        ));
    }
}

fn report(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Generates the tree once (a marker file records what it holds) and returns its files and bytes.
fn prepare(dir: &Path, size: usize) -> (usize, u64) {
    let marker = dir.join(".generated");
    let spec = atrest_gen::Spec::scaled(size);
    let stamp = format!("{} {spec:?}", atrest_gen::GENERATOR_VERSION);
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(stamp.as_str()) {
        let _ = std::fs::remove_dir_all(dir);
        let started = Instant::now();
        let summary = atrest_gen::generate(&spec, dir).expect("generating the bench data");
        report(&format!(
            "generated {} files ({:.1} MB) for {size} resources in {:.1}s",
            summary.files,
            summary.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        ));
        std::fs::write(&marker, &stamp).expect("marker");
    }
    let mut files = 0;
    let mut bytes = 0;
    for entry in walk(dir) {
        if entry.extension().is_some_and(|e| e == "json") {
            files += 1;
            bytes += std::fs::metadata(&entry).map_or(0, |m| m.len());
        }
    }
    (files, bytes)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            // The entry's type as the directory gives it: no call per file.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p)
            } else {
                out.push(p)
            }
        }
    }
    out
}

/// Every file of the tree listed and read whole, on the threads a scan uses, nothing parsed.
fn bare_read(dir: &Path) -> Duration {
    use rayon::prelude::*;
    let started = Instant::now();
    let bytes: usize = walk(dir)
        .par_iter()
        .map(|p| std::fs::read(p).map_or(0, |b| b.len()))
        .sum();
    std::hint::black_box(bytes);
    started.elapsed()
}

/// One scan in-process, for the stage breakdown: read, model, rules, output (JSON).
fn in_process(dir: &Path) -> ([Duration; 4], usize, usize) {
    let registry = Registry::builtin().expect("built-in rules");
    let outcome = scan(&[dir.to_path_buf()], &registry);
    let started = Instant::now();
    let report = Report::new(&outcome, &registry);
    let mut sink = std::io::sink();
    output::write(&report, Format::Json, Style::default(), &mut sink).expect("written");
    let output_time = started.elapsed();
    let s = &outcome.stats;
    (
        [s.read_time, s.model_time, s.rules_time, output_time],
        outcome.findings.len(),
        s.resources,
    )
}

/// The release binary on the tree, JSON to /dev/null: wall time and peak RSS (KiB).
fn timed_run(binary: &str, dir: &Path) -> (Duration, Option<u64>) {
    let dir = dir.to_string_lossy().into_owned();
    let args = [
        "scan",
        dir.as_str(),
        "--format",
        "json",
        "--output",
        "/dev/null",
        "--fail-on",
        "never",
    ];
    let has_time = Path::new("/usr/bin/time").exists();
    let started = Instant::now();
    let output = if has_time {
        Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(binary)
            .args(args)
            .output()
    } else {
        Command::new(binary).args(args).output()
    }
    .expect("the binary runs");
    let wall = started.elapsed();
    assert!(
        output.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rss = has_time
        .then(|| {
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
        })
        .flatten();
    (wall, rss)
}
