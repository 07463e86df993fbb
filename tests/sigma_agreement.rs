//! Differential check against an independent Sigma evaluator (the `sigma-rust` crate):
//! every Sigma rule of `../shared/corpus/sigma` over every record of the corpus's CloudTrail
//! logs, the same verdict from both, except the differences listed (and explained in
//! docs/rules.md). Skipped without the corpus.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use atrest::rules::{Doc, Registry};
use common::corpus;

fn records(corpus: &Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("cloudtrail/stratus"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("records");
        out.extend(list);
    }
    out
}

#[test]
fn verdicts_agree_with_sigma_rust() {
    let Some(corpus) = corpus() else { return };
    let registry = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let records = records(&corpus);
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("sigma"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut compared = 0;
    let mut differences = BTreeSet::new();
    let mut refused = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let theirs = match sigma_rust::rule_from_yaml(&text) {
            Ok(rule) => rule,
            Err(e) => {
                refused.push(format!("{name}: {e}"));
                continue;
            }
        };
        let shown = file.display().to_string();
        let ours = registry
            .rules()
            .iter()
            .find(|r| r.path == shown)
            .expect("every corpus rule loads");
        for (i, record) in records.iter().enumerate() {
            let event = sigma_rust::Event::try_from(record.clone()).expect("event");
            let a = ours.detection.matches(Doc::Plain(record));
            let b = sigma_rust::check_rule(&theirs, &event);
            compared += 1;
            if a != b {
                differences.insert(format!("{name} record {i}: atrest {a}, sigma-rust {b}"));
            }
        }
    }
    assert!(compared > 10_000, "{compared}");
    assert!(refused.is_empty(), "{refused:#?}");
    // Both explained in docs/rules.md ("Agreement with sigma-rust"): `errorCode: null`
    // matches a record without `errorCode` (Sigma: null is a missing field; sigma-rust
    // wants the field present and null), and a path that reaches an array matches any
    // element (`requestParameters.layers|contains: '*'`; sigma-rust does not descend).
    // In each case atrest trips the rule on the attack log it was written for.
    let expected: BTreeSet<String> = [
        "aws_cloudtrail_ssm_malicious_usage.yml record 206: atrest true, sigma-rust false",
        "aws_cloudtrail_ssm_malicious_usage.yml record 34: atrest true, sigma-rust false",
        "aws_cloudtrail_vpc_flow_logs_deleted.yml record 122: atrest true, sigma-rust false",
        "aws_new_lambda_layer_attached.yml record 303: atrest true, sigma-rust false",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(differences, expected, "{compared} verdicts compared");
}

/// A scan reads a record for the fields the rules decide by and their findings read: with
/// every Sigma rule of the corpus and the built-in rules, over every CloudTrail
/// log of the corpus, that gives the findings of parsing every record whole.
#[test]
fn fields_read_give_the_findings_of_whole_records() {
    use atrest::scan::{ScanOptions, scan_with};
    let Some(corpus) = corpus() else { return };
    let registry = Registry::load(true, &[corpus.join("sigma")]).expect("loads");
    let inputs = [corpus.join("cloudtrail")];
    let fast = scan_with(&inputs, &registry, &ScanOptions::default());
    let whole = ScanOptions {
        whole_records: true,
        ..ScanOptions::default()
    };
    let slow = scan_with(&inputs, &registry, &whole);
    let sigma = fast
        .findings
        .iter()
        .filter(|f| registry.get(f.rule).sigma)
        .count();
    assert!(sigma > 10, "{sigma} Sigma findings");
    assert_eq!(fast.findings, slow.findings);
    assert_eq!(fast.diagnostics, slow.diagnostics);
}
