//! Sigma rule sets through the real binary: a file that does not load fails the run but
//! not the others, rules atrest does not support are skipped with a warning, rule
//! collections of several documents, filters and correlations.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::atrest;

const LOGS: &str = "tests/fixtures/sigma/logs/trail.json";
const FIXTURES: &str = "tests/fixtures/sigma";

/// (rule id, event id) of every finding of a JSON report.
fn fired(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().expect("rule id").to_owned(),
                f["event"]["id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn event(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn copy(from: &str, names: &[&str], to: &Path) {
    for name in names {
        std::fs::copy(Path::new(FIXTURES).join(from).join(name), to.join(name)).expect("copy");
    }
}

#[test]
fn a_broken_file_fails_the_run_and_the_other_rules_still_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.json");
    let report_arg = report.to_string_lossy().into_owned();
    let rules = format!("{FIXTURES}/mixed");
    let run = atrest(&[
        "scan",
        LOGS,
        "--sigma",
        &rules,
        "--no-builtin-rules",
        "--format",
        "json",
        "--output",
        &report_arg,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "warning: {rules}/base64_modifier.yml:8:9: detection: selection `selection`: \
                 `userAgent|base64offset|contains`: the Sigma modifier `base64offset` is not \
                 supported by atrest"
            ),
            format!("error: {rules}/broken.yml:9:14: illegal placement of ':' indicator"),
            format!(
                "warning: {rules}/windows_rule.yml:4:5: logsource product `windows` service `` \
                 category `process_creation`: atrest reads AWS CloudTrail only"
            ),
        ]
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
            .expect("JSON");
    // The failed DisableKey (event 16, AccessDenied) is not the change it attempted.
    let id = "6f0d8a52-1c4e-4c2b-9f3a-0a6e1c2d3b4a".to_owned();
    assert_eq!(
        fired(&written),
        BTreeSet::from([(id.clone(), event(15)), (id, event(17))])
    );
}

#[test]
fn rules_skipped_with_a_warning_leave_the_exit_code_to_the_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy(
        "mixed",
        &[
            "kms_disable_key.yml",
            "base64_modifier.yml",
            "windows_rule.yml",
        ],
        dir.path(),
    );
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["scan", LOGS, "--rules", &rules, "--no-builtin-rules"]);
    assert_eq!(run.code, 1, "findings, no error: {}", run.stderr);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .count(),
        2,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
    let none = atrest(&[
        "scan",
        LOGS,
        "--rules",
        &rules,
        "--no-builtin-rules",
        "--fail-on",
        "never",
    ]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    // `--sigma` is `--rules`, for the `rules` commands too.
    let listed = atrest(&["rules", "list", "--sigma", &rules, "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let ids: Vec<String> = listed
        .json()
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["builtin"] == false)
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, ["6f0d8a52-1c4e-4c2b-9f3a-0a6e1c2d3b4a"]);
    let broken = format!("{FIXTURES}/mixed");
    let listed = atrest(&["rules", "list", "--sigma", &broken]);
    assert_eq!(
        listed.code, 2,
        "a file that does not load: {}",
        listed.stderr
    );
    assert!(
        listed
            .stdout
            .contains("6f0d8a52-1c4e-4c2b-9f3a-0a6e1c2d3b4a")
    );
}

#[test]
fn every_document_of_a_collection_loads_and_filters_apply_to_the_rules_they_name() {
    let rules = format!("{FIXTURES}/collection");
    let run = atrest(&[
        "scan",
        LOGS,
        "--sigma",
        &rules,
        "--no-builtin-rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "warning: {rules}/cloudtrail_tampering.yml:40:1: `action: global` (Sigma's old \
             rule collections) is not supported: this document is skipped; write each rule in \
             full"
        )
    );
    // Mallory's changes to trail `main`; bob's to trail `other` are filtered out.
    assert_eq!(
        fired(&run.json()),
        BTreeSet::from([
            ("cloudtrail-deleted".to_owned(), event(12)),
            ("cloudtrail-stopped".to_owned(), event(11)),
        ])
    );
    let unfiltered = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(format!("{rules}/cloudtrail_tampering.yml")).expect("read");
    let cut = text.find("--- # the trail").expect("the filter document");
    std::fs::write(unfiltered.path().join("rules.yml"), &text[..cut]).expect("write");
    let dir = unfiltered.path().to_string_lossy().into_owned();
    let run = atrest(&[
        "scan",
        LOGS,
        "--sigma",
        &dir,
        "--no-builtin-rules",
        "--format",
        "json",
    ]);
    assert_eq!(fired(&run.json()).len(), 4, "{}", run.stdout);
}

#[test]
fn a_filter_naming_no_loaded_rule_is_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy("mixed", &["kms_disable_key.yml"], dir.path());
    std::fs::write(
        dir.path().join("filter.yml"),
        "title: Build bot\nid: filter-bot\nlogsource:\n  product: aws\n  service: cloudtrail\n\
         filter:\n  rules:\n    - 6f0d8a52-1c4e-4c2b-9f3a-0a6e1c2d3b4a\n    - no-such-rule\n  \
         selection:\n    userIdentity.userName: build-bot\n  condition: selection\n",
    )
    .expect("write");
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&[
        "scan",
        LOGS,
        "--rules",
        &rules,
        "--no-builtin-rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "warning: {rules}/filter.yml:6:1: filter `filter-bot`: no loaded rule has the id or \
             name `no-such-rule`"
        )
    );
    let id = "6f0d8a52-1c4e-4c2b-9f3a-0a6e1c2d3b4a".to_owned();
    assert_eq!(fired(&run.json()), BTreeSet::from([(id, event(15))]));
}

#[test]
fn correlations_fire_once_per_window_at_its_first_event() {
    let rules = format!("{FIXTURES}/correlation");
    let run = atrest(&[
        "scan",
        LOGS,
        "--sigma",
        &rules,
        "--no-builtin-rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report = run.json();
    // Alice's 4 failures within 10 minutes (her 6th, 90 minutes later, is alone; bob failed
    // once); mallory read 3 distinct secrets (4 reads); mallory stopped then deleted a trail
    // (bob deleted, then stopped: not in order). The failed-login and secret-read rules are
    // quiet: their correlations do not `generate` them; the trail rules' correlation does.
    assert_eq!(
        fired(&report),
        BTreeSet::from([
            ("console-login-brute-force".to_owned(), event(1)),
            ("secret-sweep".to_owned(), event(7)),
            ("trail-stop-then-delete".to_owned(), event(11)),
            ("trail-delete".to_owned(), event(12)),
            ("trail-delete".to_owned(), event(13)),
            ("trail-stop".to_owned(), event(11)),
            ("trail-stop".to_owned(), event(14)),
        ])
    );
    let brute = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "console-login-brute-force")
        .expect("brute force");
    assert_eq!(
        brute["message"],
        "Console login brute force: 4 events for \
         userIdentity.arn=arn:aws:iam::111122223333:user/alice within 10m (from \
         2026-03-01T10:00:00Z to 2026-03-01T10:03:00Z)"
    );
    assert_eq!(brute["location"]["pointer"], "/Records/0/userIdentity/arn");
    assert_eq!(brute["related"].as_array().expect("related").len(), 3);
    assert_eq!(brute["severity"], "high");
}

#[test]
fn correlation_bounds_and_unsupported_correlations() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy("correlation", &["brute_force.yml"], dir.path());
    // At most 1 failure per 10 minutes: windows laid end to end from each user's first
    // failure, so bob's single failure and alice's late one fire, her burst does not.
    let text = std::fs::read_to_string(dir.path().join("brute_force.yml")).expect("read");
    std::fs::write(
        dir.path().join("brute_force.yml"),
        text.replace("gte: 3", "lte: 1"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("chained.yml"),
        "title: Chained\nid: chained\ncorrelation:\n  type: event_count\n  rules: \
         [console-login-brute-force]\n  timespan: 1d\n  condition: {gte: 2}\n---\ntitle: \
         Unknown type\nid: unknown-type\ncorrelation:\n  type: value_sum\n  rules: \
         [failed_login]\n  timespan: 1d\n",
    )
    .expect("write");
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&[
        "scan",
        LOGS,
        "--rules",
        &rules,
        "--no-builtin-rules",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: {rules}/chained.yml:4:3: correlation `chained`: \
                 `console-login-brute-force` is a correlation: chained correlations are not \
                 supported; it is skipped"
            ),
            format!(
                "warning: {rules}/chained.yml:12:9: correlation type `value_sum` is not \
                 supported (event_count, value_count, temporal, temporal_ordered)"
            ),
        ]
    );
    assert_eq!(
        fired(&run.json()),
        BTreeSet::from([
            ("console-login-brute-force".to_owned(), event(5)),
            ("console-login-brute-force".to_owned(), event(6)),
        ])
    );
}
