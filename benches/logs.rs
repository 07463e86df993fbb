//! `cargo bench --bench logs`: atrest on a generated CloudTrail archive (crates/atrest-gen,
//! `generate_logs`), against the floor and two baselines, all measured in one run.
//!
//! The archive has `ATREST_LOG_BENCH_EVENTS` events (default 2,000,000, about 3 GB of JSON
//! in a few hundred `.json.gz` files); a second one 10x smaller gives the peak-RSS
//! comparison. Both are kept under `target/bench-data/` and reused. Reported, each the
//! median of 3 runs:
//!
//! - atrest `scan DIR --format json --output FILE` (release binary) on 1 thread
//!   (`RAYON_NUM_THREADS=1`) and on all threads: wall, uncompressed MB/s, events/s, peak RSS
//!   (`/usr/bin/time`);
//! - the floor: decompress each file whole with libdeflate (into a buffer sized from the gzip
//!   trailer), parse it into serde_json `&RawValue` records, and read each record's
//!   `eventSource` and `eventName` as borrowed strings to count the DisableKey records (no
//!   rules, no model), on 1 thread and on all threads;
//! - `zcat FILES | jq -c '.Records[] | select(.eventSource=="kms.amazonaws.com" and
//!   .eventName=="DisableKey")' | wc -l`, on every 8th file above 200,000 events (its speed is
//!   measured on those files and said so);
//! - DuckDB (Python package `duckdb`): `read_json_objects(files, format='unstructured',
//!   maximum_object_size=67108864)` with `unnest(json_extract(json, '$.Records[*]'))` and
//!   the same predicate.
//!
//! - with `../shared/corpus` present: Sigma's 57 AWS rules alone, then with 800 generated
//!   Sigma-format rules (`atrest_gen::sigma`, see [`CASES`]), built-in rules off, on all
//!   threads.
//!
//! A baseline whose tool is missing is skipped with a message (`apt-get install -y jq`,
//! `pip install duckdb`). The report goes to a file, not `/dev/null`: atrest replaces its
//! `--output` target by renaming a temporary file over it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::value::RawValue;

const RUNS: usize = 3;
const JQ_FILTER: &str =
    r#".Records[] | select(.eventSource=="kms.amazonaws.com" and .eventName=="DisableKey")"#;

struct Corpus {
    dir: PathBuf,
    files: Vec<PathBuf>,
    events: usize,
    /// Decompressed bytes of the log files.
    raw: u64,
}

fn main() {
    let events: usize = std::env::var("ATREST_LOG_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(2_000_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let binary = env!("CARGO_BIN_EXE_atrest");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    say(&format!(
        "atrest CloudTrail benchmark: {threads} threads, median of {RUNS} runs, binary {binary}"
    ));
    let big = prepare(&root, events);
    let small = prepare(&root, (events / 10).max(1000));
    say(&format!(
        "corpus: {} events in {} files, {:.0} MB uncompressed; small corpus {} events, {:.0} MB",
        big.events,
        big.files.len(),
        big.raw as f64 / 1e6,
        small.events,
        small.raw as f64 / 1e6
    ));

    let floor1 = median(|| floor(&big.files, 1));
    let floor_n = median(|| floor(&big.files, threads));
    line(
        "floor (libdeflate + RawValue records + 2 fields), 1 thread",
        floor1,
        &big,
        None,
    );
    line(&format!("floor, {threads} threads"), floor_n, &big, None);

    let report = root.join("logs-report.json");
    let (one, rss1) = atrest(binary, &big, Some(1), &report);
    let (all, rss_n) = atrest(binary, &big, None, &report);
    line("atrest scan, 1 thread", one, &big, Some(rss1));
    line(
        &format!("atrest scan, {threads} threads"),
        all,
        &big,
        Some(rss_n),
    );
    let (small_all, rss_small) = atrest(binary, &small, None, &report);
    line(
        &format!("atrest scan, {threads} threads, small corpus"),
        small_all,
        &small,
        Some(rss_small),
    );
    let dispatch = dispatch(binary, &root, &big, &report);
    let _ = std::fs::remove_file(&report);

    let jq = jq(&big);
    let duck = duckdb(&big);

    say("ratios:");
    say(&format!(
        "  atrest / floor, 1 thread         {:.2}",
        floor1.as_secs_f64() / one.as_secs_f64()
    ));
    say(&format!(
        "  atrest {threads} threads / 1 thread     {:.2}x",
        one.as_secs_f64() / all.as_secs_f64()
    ));
    if let Some(jq) = jq {
        say(&format!(
            "  atrest vs jq (MB/s)              {:.1}x",
            mbps(big.raw, all) / jq
        ));
    }
    if let Some(duck) = duck {
        say(&format!(
            "  atrest vs DuckDB                 {:.2}x",
            duck.as_secs_f64() / all.as_secs_f64()
        ));
    }
    if let Some(walls) = dispatch {
        for ((what, _, broad), wall) in CASES.iter().zip(&walls[1..]) {
            say(&format!(
                "  +{SIGMA_MORE} rules ({what}, 1/{broad} broad) / Sigma's alone  {:.1} % of the speed",
                100.0 * walls[0].as_secs_f64() / wall.as_secs_f64()
            ));
        }
    }
    say(&format!(
        "  peak RSS: {:.0} MB at {} events, {:.0} MB at {} events",
        rss_small as f64 / 1024.0,
        small.events,
        rss_n as f64 / 1024.0,
        big.events
    ));
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn mbps(bytes: u64, wall: Duration) -> f64 {
    bytes as f64 / 1e6 / wall.as_secs_f64()
}

fn line(what: &str, wall: Duration, corpus: &Corpus, rss_kb: Option<u64>) {
    let rss = rss_kb.map_or(String::new(), |kb| {
        format!(", peak RSS {:.0} MB", kb as f64 / 1024.0)
    });
    say(&format!(
        "  {what:<52} {:>7.2} s {:>7.0} MB/s {:>10.0} events/s{rss}",
        wall.as_secs_f64(),
        mbps(corpus.raw, wall),
        corpus.events as f64 / wall.as_secs_f64()
    ));
}

fn median(mut run: impl FnMut() -> Duration) -> Duration {
    let mut walls: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    walls.sort();
    walls[RUNS / 2]
}

/// Generates the archive once (a marker file records its spec and size) and lists its logs.
fn prepare(root: &Path, events: usize) -> Corpus {
    let dir = root.join(format!("logs-{events}"));
    let marker = dir.join(".generated");
    let spec = atrest_gen::LogSpec::new(events);
    let stamp = format!("{} {spec:?}", atrest_gen::cloudtrail::LOG_GENERATOR_VERSION);
    let cached = std::fs::read_to_string(&marker).ok();
    let size = cached
        .as_deref()
        .and_then(|m| m.strip_prefix(&stamp))
        .and_then(|rest| rest.trim().parse::<u64>().ok());
    let raw = match size {
        Some(raw) => raw,
        None => {
            let _ = std::fs::remove_dir_all(&dir);
            let started = Instant::now();
            let summary =
                atrest_gen::generate_logs(&spec, &dir).expect("generating the bench data");
            say(&format!(
                "generated {} events in {} files ({:.0} MB gzip, {:.0} MB JSON) in {:.1}s",
                summary.events,
                summary.files,
                summary.bytes as f64 / 1e6,
                summary.uncompressed as f64 / 1e6,
                started.elapsed().as_secs_f64()
            ));
            std::fs::write(&marker, format!("{stamp}\n{}", summary.uncompressed)).expect("marker");
            summary.uncompressed
        }
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".json.gz")
                && !p.to_string_lossy().contains("CloudTrail-Digest")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    Corpus {
        dir,
        files,
        events,
        raw,
    }
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(rename = "Records", borrow)]
    records: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Call<'a> {
    #[serde(rename = "eventSource", borrow)]
    source: std::borrow::Cow<'a, str>,
    #[serde(rename = "eventName", borrow)]
    name: std::borrow::Cow<'a, str>,
}

/// A gzip file decoded whole, into a buffer sized from its trailer.
fn gunzip(gz: &[u8], text: &mut Vec<u8>) {
    let n = gz.len();
    let size = u32::from_le_bytes([gz[n - 4], gz[n - 3], gz[n - 2], gz[n - 1]]) as usize;
    text.clear();
    text.resize(size, 0);
    let got = libdeflater::Decompressor::new()
        .gzip_decompress(gz, text)
        .expect("gzip");
    text.truncate(got);
}

/// Decompresses and parses every file, on `threads` threads; asserts the record count.
fn floor(files: &[PathBuf], threads: usize) -> Duration {
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let records = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut text = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let gz = std::fs::read(path).expect("readable");
                    gunzip(&gz, &mut text);
                    let log: Log = serde_json::from_slice(&text).expect("a CloudTrail log");
                    let mut found = 0;
                    for r in &log.records {
                        let call: Call = serde_json::from_str(r.get()).expect("a record");
                        found += usize::from(
                            call.source == "kms.amazonaws.com" && call.name == "DisableKey",
                        );
                    }
                    assert!(found <= log.records.len());
                    records.fetch_add(log.records.len(), std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    let wall = started.elapsed();
    assert!(records.into_inner() > 0);
    wall
}

/// The release binary on the corpus, report to a file: median wall and the largest peak
/// RSS (KiB) of the runs.
fn atrest(binary: &str, corpus: &Corpus, threads: Option<usize>, report: &Path) -> (Duration, u64) {
    atrest_with(binary, corpus, threads, report, &[])
}

/// [`atrest`] with more arguments to `scan`.
fn atrest_with(
    binary: &str,
    corpus: &Corpus,
    threads: Option<usize>,
    report: &Path,
    extra: &[std::ffi::OsString],
) -> (Duration, u64) {
    let has_time = Path::new("/usr/bin/time").exists();
    let mut peak = 0;
    let wall = median(|| {
        let mut cmd = if has_time {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M"]).arg(binary);
            c
        } else {
            Command::new(binary)
        };
        cmd.arg("scan")
            .arg(&corpus.dir)
            .args(["--format", "json", "--fail-on", "never", "--output"])
            .arg(report)
            .args(extra);
        if let Some(n) = threads {
            cmd.env("RAYON_NUM_THREADS", n.to_string());
        }
        let started = Instant::now();
        let out = cmd.output().expect("the binary runs");
        let wall = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "scan failed: {stderr}");
        if let Some(kb) = stderr.lines().last().and_then(|l| l.trim().parse().ok()) {
            peak = u64::max(peak, kb);
        }
        wall
    });
    (wall, peak)
}

/// Generated Sigma-format rules loaded beside Sigma's own for the dispatch figures.
const SIGMA_MORE: usize = 800;

/// The generated rule sets of the dispatch figures (`atrest_gen::sigma::write_rules`): what
/// they pin, and one in how many passes real records. Shaped like Sigma's own rules and
/// rarely firing, as most rules of a large set; harder on dispatch; and that, firing 20 times
/// as often, so that the findings double.
const CASES: [(&str, atrest_gen::sigma::Mix, usize); 3] = [
    ("Sigma's mix", atrest_gen::sigma::SIGMA, 400),
    ("stress mix", atrest_gen::sigma::STRESS, 400),
    ("stress mix", atrest_gen::sigma::STRESS, 20),
];

/// Sigma's rules of `../shared/corpus/sigma` alone, then with [`SIGMA_MORE`] generated rules
/// for each of [`CASES`], built-in rules off, on all threads: the walls, Sigma's first.
fn dispatch(binary: &str, root: &Path, corpus: &Corpus, report: &Path) -> Option<Vec<Duration>> {
    let sigma = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sigma");
    if !sigma.is_dir() {
        say("  dispatch figures skipped: no ../shared/corpus/sigma");
        return None;
    }
    let arg = |s: &str| std::ffi::OsString::from(s);
    let few = vec![
        arg("--no-builtin-rules"),
        arg("--rules"),
        sigma.clone().into(),
    ];
    // The summary's count, at the head of the report (which may be gigabytes).
    let count = |r: &Path| -> String {
        let mut head = vec![0; 4096];
        let n = std::fs::File::open(r)
            .and_then(|mut f| f.read(&mut head))
            .unwrap_or(0);
        let head = String::from_utf8_lossy(&head[..n]).into_owned();
        head.split("\"findings\": ")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .unwrap_or("?")
            .to_owned()
    };
    let (wall, _) = atrest_with(binary, corpus, None, report, &few);
    let what = format!("atrest, Sigma's rules only ({} findings)", count(report));
    line(&what, wall, corpus, None);
    let mut walls = vec![wall];
    for (i, (what, mix, broad)) in CASES.into_iter().enumerate() {
        let generated = root.join(format!("sigma-generated-{i}"));
        let _ = std::fs::remove_dir_all(&generated);
        std::fs::create_dir_all(&generated).expect("a rule directory");
        atrest_gen::sigma::write_rules(&generated, SIGMA_MORE, broad, mix)
            .expect("writes the rules");
        let mut many = few.clone();
        many.extend([arg("--rules"), generated.into()]);
        let (wall, _) = atrest_with(binary, corpus, None, report, &many);
        let what = format!(
            "  + {SIGMA_MORE} generated, {what}, 1/{broad} broad ({} findings)",
            count(report)
        );
        line(&what, wall, corpus, None);
        walls.push(wall);
    }
    Some(walls)
}

fn have(tool: &str, probe: &[&str]) -> bool {
    Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `zcat | jq | wc -l`: its MB/s (on every 8th file above 200,000 events).
fn jq(corpus: &Corpus) -> Option<f64> {
    if !have("jq", &["--version"]) || !have("zcat", &["--version"]) {
        say("  jq baseline skipped: jq or zcat missing (apt-get install -y jq)");
        return None;
    }
    let sampled = corpus.events > 200_000;
    let files: Vec<&PathBuf> = corpus
        .files
        .iter()
        .step_by(if sampled { 8 } else { 1 })
        .collect();
    let mut raw = 0u64;
    for f in &files {
        let gz = std::fs::read(f).expect("readable");
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut text)
            .expect("gzip");
        raw += text.len() as u64;
    }
    let script = format!("zcat \"$@\" | jq -c '{JQ_FILTER}' | wc -l");
    let mut count = String::new();
    let wall = median(|| {
        let started = Instant::now();
        let out = Command::new("sh")
            .args(["-c", &script, "sh"])
            .args(&files)
            .output()
            .expect("sh runs");
        count = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        started.elapsed()
    });
    let what = if sampled {
        format!("zcat | jq, every 8th file ({} files)", files.len())
    } else {
        "zcat | jq".to_owned()
    };
    say(&format!(
        "  {what:<52} {:>7.2} s {:>7.0} MB/s, {count} DisableKey records",
        wall.as_secs_f64(),
        mbps(raw, wall)
    ));
    Some(mbps(raw, wall))
}

const DUCKDB_SCRIPT: &str = r#"
import json, sys, time, duckdb
files = json.load(sys.stdin)
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
started = time.perf_counter()
n = con.execute("""
    SELECT count(*) FROM (
        SELECT unnest(json_extract(json, '$.Records[*]')) AS r
        FROM read_json_objects(?, format='unstructured', maximum_object_size=67108864))
    WHERE r->>'eventSource' = 'kms.amazonaws.com' AND r->>'eventName' = 'DisableKey'
""", [files]).fetchone()[0]
print(n, time.perf_counter() - started)
"#;

/// DuckDB through Python: the query's wall time (connection and interpreter start excluded).
fn duckdb(corpus: &Corpus) -> Option<Duration> {
    if !have("python3", &["-c", "import duckdb"]) {
        say("  DuckDB baseline skipped: the Python package duckdb is missing (pip install duckdb)");
        return None;
    }
    let files: Vec<String> = corpus
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let list = serde_json::to_string(&files).expect("JSON");
    let mut count = String::new();
    let wall = median(|| {
        let mut child = Command::new("python3")
            .args(["-c", DUCKDB_SCRIPT])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(list.as_bytes()).expect("file list");
        }
        let out = child.wait_with_output().expect("python3 ends");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut parts = text.lines().last().unwrap_or_default().split_whitespace();
        count = parts.next().unwrap_or("?").to_owned();
        let secs: f64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN);
        assert!(
            secs.is_finite(),
            "duckdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Duration::from_secs_f64(secs)
    });
    line(
        &format!("DuckDB read_json_objects ({count} DisableKey records)"),
        wall,
        corpus,
        None,
    );
    Some(wall)
}
