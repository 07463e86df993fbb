//! The rule loader: the built-in rule files and Sigma's AWS rules of `../shared/corpus/sigma`
//! when present, mutated as YAML, loaded from a directory (`Registry::load_partial`), and
//! each rule that still loads run on its own test cases and over the lab.

use std::path::PathBuf;
use std::sync::OnceLock;

use atrest::rules::{Registry, testing};
use proptest::prelude::*;
use serde_json::Value;

use crate::mutate::{Mutation, mutation};
use crate::props::{self, place};
use crate::tree::Tree;

struct Seed {
    name: PathBuf,
    text: Vec<u8>,
    tree: Option<Tree>,
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut all = props::seeds(&crate::common::root().join("rules"), &[".yml"]);
        if let Some(corpus) = crate::common::corpus() {
            all.extend(props::seeds(&corpus.join("sigma"), &[".yml"]));
        }
        all.into_iter()
            .map(|(rel, text)| {
                let tree = std::str::from_utf8(&text)
                    .ok()
                    .and_then(|t| serde_saphyr::from_str::<Value>(t).ok())
                    .map(|v| Tree::from(&v));
                let name = PathBuf::from(rel.file_name().expect("file name"));
                Seed { name, text, tree }
            })
            .collect()
    })
}

fn check(seed: &Seed, m: &Mutation) -> Result<(), TestCaseError> {
    let others: Vec<&[u8]> = seeds().iter().map(|s| s.text.as_slice()).collect();
    let bytes = match &seed.tree {
        Some(tree) => m.apply(tree, true, &others),
        None => m.finish(seed.text.clone(), &others),
    };
    let placed = place(&PathBuf::from("rules").join(&seed.name), &bytes);
    let dir = placed.root.path().join("rules");
    let (registry, errors) = Registry::load_partial(false, &[dir]);
    // One file: one rule or at least one error, never nothing.
    prop_assert!(
        registry.len() + errors.len() >= 1,
        "the rule file gave neither a rule nor an error"
    );
    prop_assert!(
        registry.len() <= 1,
        "one file gave {} rules",
        registry.len()
    );
    let shown = placed.file.display().to_string();
    // YAML breaks lines at `\r\n`, `\r` and `\n`.
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let lines = breaks + 1;
    for e in &errors {
        prop_assert_eq!(&e.path, &shown, "error names another file: {}", e.message);
        prop_assert!(!e.message.trim().is_empty(), "empty error message");
        if let Some(line) = e.line {
            prop_assert!(
                (1..=lines).contains(&line),
                "line {line} of a {lines}-line file: {}",
                e.message
            );
        }
    }
    for rule in registry.rules() {
        let _ = testing::run(rule);
    }
    if !registry.is_empty() {
        let lab = crate::common::root().join("samples/lab");
        let out = atrest::scan::scan(&[lab], &registry);
        props::renders(&out, &registry)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(props::config(64, "proptest-regressions/fuzz/rules.txt"))]

    #[test]
    fn rule_files_survive_mutation(index in any::<usize>(), m in mutation(true, false)) {
        let seeds = seeds();
        let seed = &seeds[index % seeds.len()];
        props::naming(&seed.name, check(seed, &m))?;
    }
}
