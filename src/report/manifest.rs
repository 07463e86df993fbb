//! A compliance report's header facts: the inputs read (path, kind, account and region,
//! size, SHA-256), the accounts and regions in scope, and a hash of the rule set.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::rules::Registry;
use crate::scan::Outcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: String,
    pub kind: String,
    pub account: String,
    pub region: String,
    pub size: u64,
    /// Lowercase hex; empty when the file could not be read again.
    pub sha256: String,
}

/// The SHA-256 of a file's bytes as stored, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The account and region an input's place in the export or CloudTrail layout names.
fn scope_of(path: &Path) -> (String, String) {
    if let Some(place) = crate::ingest::filter::delivery_place(path) {
        return place;
    }
    let hint = crate::ingest::layout::PathHint::read(path);
    (
        hint.account.unwrap_or_default(),
        hint.region.unwrap_or_default(),
    )
}

/// Every file the scan read, hashed again (in parallel), in path order.
pub fn inputs(outcome: &Outcome) -> Vec<Input> {
    let kinds: BTreeMap<_, _> = outcome.stats.file_kinds.iter().copied().collect();
    let mut out: Vec<Input> = outcome
        .sources
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .filter(|(_, path)| path.is_file())
        .map(|(id, path)| {
            let (size, sha256) = sha256_file(path).unwrap_or((0, String::new()));
            let (account, region) = scope_of(path);
            Input {
                path: crate::output::display_path(path),
                kind: kinds.get(id).copied().unwrap_or("unrecognised").to_owned(),
                account: crate::finding::scope_text(&account),
                region: crate::finding::scope_text(&region),
                size,
                sha256,
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The accounts and regions the scan saw: resources, findings and inputs.
pub fn scope(outcome: &Outcome, inputs: &[Input]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |a: &str, r: &str| {
        if a.is_empty() {
            return;
        }
        let regions = out.entry(crate::finding::scope_text(a)).or_default();
        if !r.is_empty() && r != "global" {
            regions.insert(crate::finding::scope_text(r));
        }
    };
    for r in &outcome.inventory.resources {
        add(r.account, r.region);
    }
    for f in &outcome.findings {
        add(&f.account, &f.region);
    }
    for i in inputs {
        add(&i.account, &i.region);
    }
    out
}

/// A hash of the rule set that ran: each rule's id and text, in id order.
pub fn rules_hash(registry: &Registry) -> String {
    let mut rules: Vec<(&str, &str)> = registry
        .rules()
        .iter()
        .map(|r| (r.id.as_str(), r.text.as_str()))
        .collect();
    rules.sort_unstable();
    let mut hasher = Sha256::new();
    for (id, text) in rules {
        hasher.update(id.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}
