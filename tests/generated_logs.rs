//! A generated CloudTrail archive with planted incidents and decoys (crates/atrest-gen,
//! `generate_logs`) gives exactly the findings the generator planted, event rule by event
//! rule: every hit is reported once, no decoy (a refused call, the call that undoes it, a
//! harmless variant) and no background record is reported, and every record is read.

use std::collections::BTreeMap;

use atrest::rules::{Registry, Target};
use atrest::scan::scan;
use atrest_gen::{LogSpec, generate_logs};

fn check(spec: &LogSpec) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate_logs(spec, dir.path()).expect("generated");
    assert_eq!(summary.events, spec.events);
    let registry = Registry::builtin().expect("built-in rules");
    let outcome = scan(&[dir.path().to_path_buf()], &registry);
    assert!(
        outcome.diagnostics.is_empty(),
        "{:#?}",
        &outcome.diagnostics[..outcome.diagnostics.len().min(5)]
    );
    // Digest files are found and skipped: only the logs count.
    assert_eq!(outcome.stats.files, summary.files);
    assert_eq!(outcome.stats.events, summary.events);

    let event_rules: Vec<&str> = registry
        .rules()
        .iter()
        .filter(|r| r.target == Target::Events)
        .map(|r| r.id.as_str())
        .collect();
    let missing: Vec<&str> = event_rules
        .iter()
        .copied()
        .filter(|id| !summary.expected.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "built-in event rules without an entry in the log generator's oracle: {missing:?}; \
         add each to PLANTS in crates/atrest-gen/src/cloudtrail/oracle.rs (a hit and decoys)"
    );
    let unknown: Vec<&str> = summary
        .expected
        .keys()
        .copied()
        .filter(|id| !event_rules.contains(id))
        .collect();
    assert!(
        unknown.is_empty(),
        "the log generator plants for rules that are not built-in event rules: {unknown:?}"
    );

    // Every finding, of any rule, zeros included for the event rules.
    let mut found: BTreeMap<&str, usize> = event_rules.iter().map(|id| (*id, 0)).collect();
    for f in &outcome.findings {
        *found.entry(f.rule_id.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> =
        summary.expected.iter().map(|(id, n)| (*id, *n)).collect();
    assert_eq!(found, expected);
}

#[test]
fn one_account_two_regions() {
    let mut spec = LogSpec::new(4000);
    spec.incidents = 3;
    check(&spec);
}

#[test]
fn organization_trail_of_several_accounts() {
    let mut spec = LogSpec::new(6000);
    spec.accounts = 3;
    spec.regions = vec![
        "us-east-1".into(),
        "eu-west-1".into(),
        "ap-southeast-2".into(),
    ];
    spec.org = true;
    spec.incidents = 2;
    spec.seed = 7;
    check(&spec);
}

/// Records parsed for the fields the rules and analyses read give the same findings and KMS
/// activity as records parsed whole; and a finding's place, located in the record text it
/// carries (or from where its record starts), is exactly where reading its file again
/// locates it (same span, same window), and where it was located as it was found, when
/// the scan keeps no record texts.
#[test]
fn fields_read_and_kept_record_texts_change_nothing() {
    use atrest::finding::resolve;
    use atrest::model::Loc;
    use atrest::output::Format;
    use atrest::scan::{ScanOptions, scan_with};

    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = LogSpec::new(5000);
    spec.incidents = 3;
    generate_logs(&spec, dir.path()).expect("generated");
    let registry = Registry::builtin().expect("built-in rules");
    let inputs = [dir.path().to_path_buf()];
    let fast = scan_with(&inputs, &registry, &ScanOptions::default());
    let whole = ScanOptions {
        whole_records: true,
        ..ScanOptions::default()
    };
    let slow = scan_with(&inputs, &registry, &whole);
    assert!(fast.findings.len() > 20, "{}", fast.findings.len());
    assert_eq!(fast.findings, slow.findings);
    assert_eq!(fast.activity, slow.activity);
    assert!(!fast.activity.rows.is_empty());

    let locs: Vec<Loc> = fast
        .findings
        .iter()
        .flat_map(|f| f.primary.iter().chain(f.related.iter().map(|r| &r.loc)))
        .cloned()
        .collect();
    let carried = locs.iter().filter(|l| l.record.is_some()).count();
    assert!(carried * 2 > locs.len(), "{carried} of {}", locs.len());
    // The uses of a key are kept by where their record starts, not by a copy of it.
    let started = locs
        .iter()
        .filter(|l| l.record.is_none() && l.start.is_some())
        .count();
    assert!(started > 0, "no place located from its record's start");
    let kept = resolve(&fast.sources, &locs, true);
    let bare: Vec<Loc> = locs
        .iter()
        .map(|l| Loc::new(l.source, l.pointer.clone()))
        .collect();
    let read = resolve(&fast.sources, &bare, true);
    // Spans alone (JSON, SARIF) are the same spans.
    let spans = resolve(&fast.sources, &locs, false);
    assert!(spans.windows.is_empty());
    let textless = ScanOptions {
        record_texts: false,
        ..ScanOptions::default()
    };
    let textless = scan_with(&inputs, &registry, &textless);
    assert_eq!(fast.findings, textless.findings);
    let found: Vec<&Loc> = textless
        .findings
        .iter()
        .flat_map(|f| f.primary.iter().chain(f.related.iter().map(|r| &r.loc)))
        .collect();
    assert!(found.iter().any(|l| l.span.is_some() && l.record.is_none()));
    let found = resolve(&textless.sources, found, false);
    // The JSON report places them where the report of kept texts does.
    let json = |outcome| {
        let report = atrest::output::Report::for_format(outcome, &registry, Format::Json);
        atrest::output::json::document(&report)
    };
    assert_eq!(json(&textless), json(&fast));
    for loc in &bare {
        assert_eq!(spans.span(loc), read.span(loc), "{loc:?}");
        assert_eq!(found.span(loc), read.span(loc), "{loc:?}");
        assert!(read.span(loc).is_some(), "{loc:?}");
        assert_eq!(kept.span(loc), read.span(loc), "{loc:?}");
        let window =
            |r: &atrest::finding::Resolved| r.window(loc).map(|w| (w.base, w.bytes.clone()));
        assert_eq!(window(&kept), window(&read), "{loc:?}");
    }
}
