//! Rule dispatch with a large rule set: 800 generated Sigma-format rules load, each record
//! is tried on few of them, and (ignored, `--release`) how fast a scan runs with Sigma's 57
//! rules and with 800 more. Skipped without `../shared/corpus`.

mod common;

// The allocator of the atrest binary (src/main.rs), so that the speeds are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};

use atrest::rules::Registry;
use atrest::scan::{Outcome, scan};
use common::corpus;

fn scan_with(path: &Path, registry: &Registry) -> Outcome {
    scan(&[path.to_path_buf()], registry)
}

/// One in this many generated rules passes real records (`atrest_gen::sigma`);
/// `ATREST_DISPATCH_BROAD=N` sets it.
fn broad() -> usize {
    std::env::var("ATREST_DISPATCH_BROAD")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(20)
}

fn write_generated(dir: &Path) {
    atrest_gen::sigma::write_rules(dir, 800, broad(), atrest_gen::sigma::STRESS)
        .expect("writes the rules");
}

/// The attack logs' records, repeated to `copies` times their number, as one delivery file.
fn repeated_records(corpus: &Path, dir: &Path, copies: usize) -> (PathBuf, usize) {
    let mut records = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("cloudtrail/stratus"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("records");
        records.extend(list);
    }
    let all: Vec<serde_json::Value> = (0..copies).flat_map(|_| records.clone()).collect();
    let path = dir.join("trail.json");
    let n = all.len();
    std::fs::write(&path, serde_json::json!({ "Records": all }).to_string()).expect("write");
    (path, n)
}

#[test]
fn generated_rules_load_and_are_dispatched_by_source_and_name() {
    use std::io::Write;
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("dir");
    write_generated(&rules);
    let many =
        Registry::load(false, &[corpus.join("sigma"), rules]).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(many.len(), 857);
    let few = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let (path, events) = repeated_records(&corpus, dir.path(), 1);
    let text = std::fs::read_to_string(path).expect("read");
    let records: serde_json::Value = serde_json::from_str(&text).expect("json");
    let tried = |registry: &Registry| -> usize {
        records["Records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| registry.for_record(r).len())
            .sum()
    };
    let (few_tried, many_tried) = (tried(&few), tried(&many));
    let _ = writeln!(
        std::io::stderr(),
        "rules tried per record: {:.1} of {} loaded, {:.1} of {}",
        few_tried as f64 / events as f64,
        few.len(),
        many_tried as f64 / events as f64,
        many.len()
    );
    // 15x the rules, but each record is tried only on the rules of its source and name and
    // the few that pin neither (about 5 % of the generated ones).
    assert!(
        many_tried < events * 100,
        "{many_tried} rules tried for {events} records (with 57 rules: {few_tried})"
    );
    assert!(few_tried < events * 5, "{few_tried} for {events} records");
}

/// `cargo test --release --test sigma_dispatch -- --ignored --nocapture`: events/s
/// of a scan with Sigma's 57 rules and with 800 generated rules more. Prints, asserts
/// nothing about time.
#[test]
#[ignore]
fn dispatch_speed() {
    use std::io::Write;
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("dir");
    write_generated(&rules);
    let few = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let many = Registry::load(false, &[corpus.join("sigma"), rules]).expect("loads");
    let (path, events) = repeated_records(&corpus, dir.path(), 300);
    let best = |registry: &Registry| {
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let outcome = scan_with(&path, registry);
                assert_eq!(outcome.stats.events, events);
                (started.elapsed(), outcome.findings.len())
            })
            .min()
            .expect("runs")
    };
    // Interleaved, so that a busy machine slows both alike.
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push((best(&few), best(&many)));
    }
    let (t_few, f_few) = runs.iter().map(|r| r.0).min().expect("runs");
    let (t_many, f_many) = runs.iter().map(|r| r.1).min().expect("runs");
    let rate = |t: std::time::Duration| events as f64 / t.as_secs_f64();
    let mut out = std::io::stderr();
    // The rules alone, over records parsed beforehand: what a record costs beyond reading.
    let text = std::fs::read_to_string(&path).expect("read");
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let records = parsed["Records"].as_array().expect("records");
    let rules_only = |registry: &Registry| {
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let mut fired = 0usize;
                for r in records {
                    for i in registry.for_record(r) {
                        fired += usize::from(
                            registry
                                .get(i)
                                .detection
                                .matches(atrest::rules::Doc::Plain(r)),
                        );
                    }
                }
                (started.elapsed(), fired)
            })
            .min()
            .expect("runs")
    };
    let per_record = |t: std::time::Duration| t.as_nanos() as f64 / records.len() as f64;
    let (r_few, _) = rules_only(&few);
    let (r_many, _) = rules_only(&many);
    let _ = writeln!(
        out,
        "rules alone: {:.0} ns per record with {} rules, {:.0} ns with {}",
        per_record(r_few),
        few.len(),
        per_record(r_many),
        many.len()
    );
    let _ = writeln!(
        out,
        "{events} events: {} rules {:.0} events/s ({f_few} findings); {} rules {:.0} events/s \
         ({f_many} findings); ratio {:.1} %",
        few.len(),
        rate(t_few),
        many.len(),
        rate(t_many),
        100.0 * rate(t_many) / rate(t_few)
    );
}

/// Dispatch never leaves out a rule that matches: over every record of the attack logs,
/// every rule (Sigma's and 800 generated ones, the built-in rules too) that matches the
/// record is among those `for_record` tries; and it tries far fewer than all of them.
#[test]
fn dispatch_leaves_out_no_rule_that_matches() {
    use atrest::rules::{Doc, Target};
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("dir");
    write_generated(&rules);
    let registry = Registry::load(true, &[corpus.join("sigma"), rules]).expect("loads");
    let (path, _) = repeated_records(&corpus, dir.path(), 1);
    let text = std::fs::read_to_string(path).expect("read");
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut matched = 0;
    let mut tried = 0;
    let mut pairs = 0;
    for record in parsed["Records"].as_array().expect("records") {
        let mut record = record.clone();
        atrest::model::enrich_event(&mut record);
        let candidates = registry.for_record(&record);
        tried += candidates.len();
        for (i, rule) in registry.rules().iter().enumerate() {
            if rule.target != Target::Events || rule.correlation.is_some() {
                continue;
            }
            pairs += 1;
            if rule.detection.matches(Doc::Plain(&record)) {
                matched += 1;
                assert!(
                    candidates.contains(&i),
                    "{} matches record {} but is not tried",
                    rule.id,
                    record["eventID"]
                );
            }
        }
    }
    assert!(matched > 100, "{matched} matches");
    assert!(tried * 20 < pairs, "{tried} tried of {pairs}");
}
