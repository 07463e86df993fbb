//! A generated export with planted misconfigurations (crates/atrest-gen) gives exactly the
//! findings the generator planted, rule by rule: the rules, the model and the readers agree
//! with an independent account of what is wrong.

use atrest_gen as generate;

use std::collections::BTreeMap;

use atrest::rules::Registry;
use atrest::scan::scan;

fn check(spec: &generate::Spec) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = generate::generate(spec, dir.path()).expect("generated");
    let registry = Registry::builtin().expect("built-in rules");
    let outcome = scan(&[dir.path().to_path_buf()], &registry);
    assert!(
        outcome.diagnostics.is_empty(),
        "{:#?}",
        &outcome.diagnostics[..outcome.diagnostics.len().min(5)]
    );
    assert_eq!(outcome.stats.files, summary.files);
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &outcome.findings {
        *found.entry(f.rule_id.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = summary
        .expected
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(id, n)| (*id, *n))
        .collect();
    // Only the rules the generator plants for (not event rules, nor rules it does not model).
    let found: BTreeMap<&str, usize> = found
        .into_iter()
        .filter(|(id, _)| summary.expected.contains_key(id))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn one_account_two_regions() {
    check(&generate::Spec::scaled(3000));
}

#[test]
fn several_accounts_and_regions() {
    let mut spec = generate::Spec::scaled(2000);
    spec.accounts = 3;
    spec.regions = vec![
        "us-east-1".into(),
        "eu-west-1".into(),
        "ap-southeast-2".into(),
    ];
    spec.seed = 7;
    check(&spec);
}
