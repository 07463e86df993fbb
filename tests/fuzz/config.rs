//! The AWS Config reader: snapshots and history files (the samples and the test fixtures),
//! mutated and scanned alone under their own file names.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

use crate::mutate::{Mutation, mutation};
use crate::props::{self, builtin, has_error, place, summary};
use crate::tree::Tree;

/// The members that hold configuration items.
const LISTS: [&str; 3] = [
    "configurationItems",
    "baseConfigurationItems",
    "BaseConfigurationItems",
];

struct Seed {
    rel: PathBuf,
    bytes: Vec<u8>,
    doc: Value,
    tree: Tree,
    /// The ARNs the unmutated file gives.
    arns: BTreeSet<String>,
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = crate::common::root();
        let mut all = props::seeds(&root.join("samples/config"), &[".json"]);
        all.extend(props::seeds(
            &root.join("tests/fixtures/config"),
            &[".json"],
        ));
        all.into_iter()
            .map(|(rel, bytes)| {
                let doc: Value = serde_json::from_slice(&bytes).expect("seed is JSON");
                let out = place(&rel, &bytes).scan(builtin());
                let arns = out
                    .inventory
                    .resources
                    .iter()
                    .map(|r| r.arn.to_owned())
                    .collect();
                let tree = Tree::from(&doc);
                Seed {
                    rel,
                    bytes,
                    doc,
                    tree,
                    arns,
                }
            })
            .collect()
    })
}

fn items(doc: &Value) -> Vec<&Value> {
    LISTS
        .iter()
        .filter_map(|k| doc.get(k).and_then(Value::as_array))
        .flatten()
        .collect()
}

fn same_resource(a: &Value, b: &Value) -> bool {
    ["ARN", "arn", "resourceId"]
        .iter()
        .any(|k| a.get(k).is_some_and(|v| Some(v) == b.get(k)))
}

/// The ARNs that must still be there: those of original items left untouched, when no
/// changed item of the same resource (which may be later, or deleted) sits beside them.
fn kept(seed: &Seed, mutated: &Value) -> BTreeSet<String> {
    let originals = items(&seed.doc);
    let now = items(mutated);
    now.iter()
        .filter(|item| originals.contains(item))
        .filter(|item| {
            !now.iter()
                .any(|other| other != *item && same_resource(item, other))
        })
        .filter_map(|item| item.get("ARN").and_then(Value::as_str))
        .filter(|arn| seed.arns.contains(*arn))
        .map(str::to_owned)
        .collect()
}

fn check(seed: &Seed, m: &Mutation) -> Result<(), TestCaseError> {
    let others: Vec<&[u8]> = seeds().iter().map(|s| s.bytes.as_slice()).collect();
    let bytes = m.apply(&seed.tree, false, &others);
    let placed = place(&seed.rel, &bytes);
    let out = placed.scan(builtin());
    props::common(&placed, &out, builtin())?;
    let (text, broken) = props::plain(&bytes);
    if broken || has_error(&out) {
        return Ok(());
    }
    // No error: every untouched item of a modelled resource is still in the inventory.
    if let Ok(doc) = serde_json::from_slice::<Value>(&text) {
        let have: BTreeSet<String> = out
            .inventory
            .resources
            .iter()
            .map(|r| r.arn.to_owned())
            .collect();
        let lost: Vec<String> = kept(seed, &doc).difference(&have).cloned().collect();
        prop_assert!(
            lost.is_empty(),
            "lost without an error: {lost:?}; {}",
            summary(&out)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(props::config(64, "proptest-regressions/fuzz/config.txt"))]

    #[test]
    fn config_files_survive_mutation(index in any::<usize>(), m in mutation(false, true)) {
        let seeds = seeds();
        let seed = &seeds[index % seeds.len()];
        props::naming(&seed.rel, check(seed, &m))?;
    }
}
