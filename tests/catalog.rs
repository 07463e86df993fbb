//! The control catalogs: each parses, cites a source for every control, maps only to rules
//! that exist and can decide it, and agrees with the `compliance:` of every built-in rule
//! (the catalog is the source of truth; rule files repeat it for SARIF and JSON).

use std::collections::{BTreeMap, BTreeSet};

use atrest::report::catalog::{self, Catalog};
use atrest::rules::{Registry, Target};

fn catalogs() -> Vec<Catalog> {
    catalog::all().expect("the embedded catalogs parse")
}

#[test]
fn every_catalog_file_is_embedded_and_every_control_sourced() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(root.join("catalog"))
        .expect("catalog/")
        .map(|e| {
            format!(
                "catalog/{}",
                e.expect("entry").file_name().to_string_lossy()
            )
        })
        .filter(|p| p.ends_with(".yml"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = catalog::embedded_paths().map(str::to_owned).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
    let mut ids = BTreeSet::new();
    for c in catalogs() {
        assert!(ids.insert(c.id.clone()), "framework {} twice", c.id);
        assert!(c.source.url.starts_with("https://"), "{}", c.id);
        let mut controls = BTreeSet::new();
        for control in &c.controls {
            assert!(
                controls.insert(&control.id),
                "{} {} twice",
                c.id,
                control.id
            );
            assert!(
                control.source.starts_with("https://"),
                "{} {}: a control cites where its id and title can be checked",
                c.id,
                control.id
            );
            assert!(!control.title.trim().is_empty() && !control.audit.trim().is_empty());
        }
    }
    for wanted in [
        "cis-aws-v3.0",
        "cis-aws-v4.0",
        "aws-fsbp",
        "pci-dss-v4.0",
        "nist-800-53-r5",
    ] {
        assert!(ids.contains(wanted), "{wanted}");
    }
}

#[test]
fn mappings_name_rules_that_can_decide_them() {
    let registry = Registry::load(true, &[]).expect("built-in rules");
    let target = |id: &str| {
        registry
            .rules()
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.target)
            .unwrap_or_else(|| panic!("no built-in rule {id}"))
    };
    for c in catalogs() {
        for control in &c.controls {
            for m in &control.rules {
                assert!(
                    matches!(target(&m.rule), Target::Resource(_)),
                    "{} {}: {} is an event rule: it is evidence, not a check of the configuration",
                    c.id,
                    control.id,
                    m.rule
                );
            }
            for e in &control.evidence {
                assert_eq!(
                    target(e),
                    Target::Events,
                    "{} {}: evidence {e}",
                    c.id,
                    control.id
                );
            }
        }
    }
}

#[test]
fn rule_files_repeat_the_catalog() {
    let registry = Registry::load(true, &[]).expect("built-in rules");
    let mut expected: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for c in catalogs() {
        for control in &c.controls {
            let ids = control
                .rules
                .iter()
                .map(|m| m.rule.clone())
                .chain(control.evidence.iter().cloned());
            for rule in ids {
                expected
                    .entry(rule)
                    .or_default()
                    .entry(c.id.clone())
                    .or_default()
                    .insert(control.id.clone());
            }
        }
    }
    let mut wrong = Vec::new();
    for rule in registry.rules().iter().filter(|r| r.builtin) {
        let declared: BTreeMap<String, BTreeSet<String>> = rule
            .compliance
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
            .collect();
        let wanted = expected.remove(&rule.id).unwrap_or_default();
        if declared != wanted {
            wrong.push(format!(
                "{}: says {declared:?}, the catalogs {wanted:?}",
                rule.id
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
