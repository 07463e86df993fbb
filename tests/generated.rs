//! A generated export with planted misconfigurations (crates/atrest-gen) gives exactly the
//! findings the generator planted, rule by rule, for every built-in rule: the rules, the model
//! and the readers agree with an independent account of what is wrong.

use std::collections::BTreeMap;

use atrest::rules::Registry;
use atrest::scan::scan;
use atrest_gen::{Spec, generate};

fn check(spec: &Spec) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate(spec, dir.path()).expect("generated");
    let registry = Registry::builtin().expect("built-in rules");
    let outcome = scan(&[dir.path().to_path_buf()], &registry);
    assert!(
        outcome.diagnostics.is_empty(),
        "{:#?}",
        &outcome.diagnostics[..outcome.diagnostics.len().min(5)]
    );
    assert_eq!(outcome.stats.files, summary.files);

    // Every built-in rule, with how many findings it gave (zeros included).
    let mut found: BTreeMap<&str, usize> = registry
        .rules()
        .iter()
        .map(|r| (r.id.as_str(), 0))
        .collect();
    for f in &outcome.findings {
        *found.entry(f.rule_id.as_str()).or_default() += 1;
    }
    let missing: Vec<&str> = found
        .keys()
        .copied()
        .filter(|id| !summary.expected.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "built-in rules missing from the generator's oracle: {missing:?}; add each to RULES in \
         crates/atrest-gen/src/oracle.rs and count its findings there, or list it in UNPLANTED \
         with why the generated accounts cannot trigger it"
    );
    let unknown: Vec<&str> = summary
        .expected
        .keys()
        .copied()
        .filter(|id| !found.contains_key(id))
        .collect();
    assert!(
        unknown.is_empty(),
        "the generator's oracle counts rules that are not built in: {unknown:?}"
    );
    let expected: BTreeMap<&str, usize> =
        summary.expected.iter().map(|(id, n)| (*id, *n)).collect();
    assert_eq!(found, expected);
}

#[test]
fn one_account_two_regions() {
    check(&Spec::scaled(3000));
}

#[test]
fn several_accounts_and_regions() {
    let mut spec = Spec::scaled(2000);
    spec.accounts = 3;
    spec.regions = vec![
        "us-east-1".into(),
        "eu-west-1".into(),
        "ap-southeast-2".into(),
    ];
    spec.seed = 7;
    check(&spec);
}
