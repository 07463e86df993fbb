//! The CloudTrail reader: the lab's delivery files (decompressed, mutated, gzipped again)
//! and the logs of `../shared/corpus/cloudtrail` when present (never copied here), each
//! scanned alone under its own relative path.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::mutate::{Mutation, mutation};
use crate::props::{self, builtin, has_error, place, summary};
use crate::tree::Tree;

struct Seed {
    rel: PathBuf,
    /// Decompressed.
    text: Vec<u8>,
    gzipped: bool,
    /// None for the corpus's malformed files that do not parse: byte mutations only.
    tree: Option<Tree>,
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut all = props::seeds(&crate::common::root().join("samples/lab"), &[".json.gz"]);
        if let Some(corpus) = crate::common::corpus() {
            let trails = props::seeds(&corpus.join("cloudtrail"), &[".json", ".json.gz"]);
            all.extend(
                trails
                    .into_iter()
                    .map(|(rel, bytes)| (PathBuf::from("corpus").join(rel), bytes)),
            );
        }
        all.into_iter()
            .map(|(rel, bytes)| {
                let (text, _) = props::plain(&bytes);
                let tree = serde_json::from_slice::<Value>(&text)
                    .ok()
                    .map(|v| Tree::from(&v));
                Seed {
                    rel,
                    gzipped: bytes.starts_with(&[0x1f, 0x8b]),
                    text,
                    tree,
                }
            })
            .collect()
    })
}

/// A JSON object's members in order, a repeated name each time.
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// How many records the (decompressed) document holds, when it is one JSON document of a
/// CloudTrail shape: a delivery file's `Records` (each of them, when the name repeats), a
/// JSON array, `lookup-events` output.
fn records(text: &[u8]) -> Option<usize> {
    if let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(text) {
        return Some(items.len());
    }
    let Members(members) = serde_json::from_slice(text).ok()?;
    fn named<'a>(members: &'a [(String, Value)], name: &'a str) -> impl Iterator<Item = &'a Value> {
        members
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v)
    }
    if named(&members, "Records").next().is_some() {
        return named(&members, "Records")
            .map(|v| match v {
                Value::Array(records) => Some(records.len()),
                Value::Null => Some(0),
                _ => None,
            })
            .sum();
    }
    match named(&members, "Events").last() {
        Some(Value::Array(events)) => Some(events.len()),
        _ => None,
    }
}

fn check(seed: &Seed, m: &Mutation) -> Result<(), TestCaseError> {
    let others: Vec<&[u8]> = seeds().iter().map(|s| s.text.as_slice()).collect();
    let mut m = m.clone();
    if seed.gzipped && m.gzip.is_none() {
        m.gzip = Some(None);
    }
    let bytes = match &seed.tree {
        Some(tree) => m.apply(tree, false, &others),
        None => m.finish(seed.text.clone(), &others),
    };
    let placed = place(&seed.rel, &bytes);
    let out = placed.scan(builtin());
    props::common(&placed, &out, builtin())?;
    let (text, broken) = props::plain(&bytes);
    prop_assert!(
        !broken || has_error(&out),
        "a broken gzip stream without an error: {}",
        summary(&out)
    );
    // Records in, events out: each record is checked, or an error says why not.
    if let Some(n) = records(&text) {
        prop_assert!(
            out.stats.events == n || has_error(&out),
            "{n} records, {}",
            summary(&out)
        );
    }
    if out.stats.events > 0 {
        prop_assert!(
            out.stats
                .files_by_kind
                .keys()
                .all(|k| k.starts_with("cloudtrail")),
            "events from a file taken for {:?}",
            out.stats.files_by_kind
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(props::config(96, "proptest-regressions/fuzz/cloudtrail.txt"))]

    #[test]
    fn cloudtrail_logs_survive_mutation(index in any::<usize>(), m in mutation(false, true)) {
        let seeds = seeds();
        let seed = &seeds[index % seeds.len()];
        props::naming(&seed.rel, check(seed, &m))?;
    }
}
