//! The AWS CLI export reader: each file of the lab export, mutated in its place in the
//! layout (`<account>/<region>/<service>/<api>[--<resource>].json`, where the path decides
//! the call), scanned alone: every reader here needs only its own file.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

use crate::mutate::{Mutation, mutation};
use crate::props::{self, Placed, builtin, has_error, place, summary};
use crate::tree::Tree;

struct Seed {
    rel: PathBuf,
    bytes: Vec<u8>,
    tree: Option<Tree>,
    /// The ARNs the unmutated file gives.
    arns: BTreeSet<String>,
}

fn arns(out: &atrest::scan::Outcome) -> BTreeSet<String> {
    out.inventory
        .resources
        .iter()
        .map(|r| r.arn.to_owned())
        .collect()
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let lab = crate::common::root().join("samples/lab");
        props::seeds(&lab, &[".json"])
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("123456789012"))
            .map(|(rel, bytes)| {
                let tree = serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .map(|v| Tree::from(&v));
                let arns = arns(&place(&rel, &bytes).scan(builtin()));
                Seed {
                    rel,
                    bytes,
                    tree,
                    arns,
                }
            })
            .collect()
    })
}

fn check(seed: &Seed, m: &Mutation) -> Result<(), TestCaseError> {
    let others: Vec<&[u8]> = seeds().iter().map(|s| s.bytes.as_slice()).collect();
    let bytes = match &seed.tree {
        Some(tree) => m.apply(tree, false, &others),
        None => m.finish(seed.bytes.clone(), &others),
    };
    let placed: Placed = place(&seed.rel, &bytes);
    let out = placed.scan(builtin());
    props::common(&placed, &out, builtin())?;
    // The same document, however written, gives the same resources.
    let (text, broken) = props::plain(&bytes);
    let now = serde_json::from_slice::<Value>(&text).ok();
    let same = !broken && now.is_some() && now == serde_json::from_slice(&seed.bytes).ok();
    if same {
        prop_assert_eq!(&arns(&out), &seed.arns, "{}", summary(&out));
    }
    // Members added or changed beside the original ones (a duplicate, a new member) lose
    // nothing silently: without an error, every resource of the original is still there.
    if !broken
        && !has_error(&out)
        && let (Some(Value::Object(now)), Some(Value::Object(was))) =
            (&now, serde_json::from_slice::<Value>(&seed.bytes).ok())
        && was.iter().all(|(k, v)| now.get(k) == Some(v))
    {
        let have = arns(&out);
        let lost: Vec<&String> = seed.arns.difference(&have).collect();
        prop_assert!(
            lost.is_empty(),
            "lost without an error: {lost:?}; {}",
            summary(&out)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(props::config(96, "proptest-regressions/fuzz/export.txt"))]

    #[test]
    fn export_files_survive_mutation(index in any::<usize>(), m in mutation(false, true)) {
        let seeds = seeds();
        let seed = &seeds[index % seeds.len()];
        props::naming(&seed.rel, check(seed, &m))?;
    }
}
