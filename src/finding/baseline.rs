//! Baselines: the fingerprints of a scan's findings, written with `--write-baseline FILE`
//! and compared with `--baseline FILE`. A finding of the baseline is `unchanged` and does
//! not count for `--fail-on`; one that is not is `new`; a baseline finding no longer found
//! is `absent` (fixed, or no longer in what was scanned).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{BaselineState, Finding};

/// The version of the baseline file's format.
pub const VERSION: u32 = 1;

/// One finding as a baseline remembers it: enough to list it once it is gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    /// The resource ARN, or the event as `name on resource at time`.
    pub subject: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    atrest_baseline: u32,
    findings: Vec<Entry>,
}

/// The comparison with a baseline, for reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compared {
    /// The baseline file, as given.
    pub path: String,
    pub new: usize,
    pub unchanged: usize,
    /// Baseline findings the scan did not find, in fingerprint order.
    pub absent: Vec<Entry>,
}

fn entry(f: &Finding) -> Entry {
    Entry {
        fingerprint: f.fingerprint.clone(),
        rule_id: f.rule_id.clone(),
        subject: f.subject.label(),
        account: f.account.clone(),
    }
}

/// The baseline file of `findings` (sorted by fingerprint, one entry per fingerprint, so
/// that two baselines of the same findings are the same bytes).
pub fn render<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> String {
    let mut by: BTreeMap<&str, Entry> = BTreeMap::new();
    for f in findings {
        by.entry(&f.fingerprint).or_insert_with(|| entry(f));
    }
    let file = File {
        atrest_baseline: VERSION,
        findings: by.into_values().collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file; an error names the file and, for bad JSON, the line.
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let shown = crate::output::display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read the baseline: {e}"))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{shown}:{}:{}: not an atrest baseline (write one with --write-baseline): {e}",
            e.line(),
            e.column()
        )
    })?;
    if file.atrest_baseline != VERSION {
        return Err(format!(
            "{shown}: baseline format {} is not the {VERSION} this atrest reads",
            file.atrest_baseline
        ));
    }
    Ok(file.findings)
}

/// Marks each finding `new` or `unchanged` against `baseline`; a suppressed one is left
/// unmarked (its exception governs it, and it is not written into baselines).
pub fn compare(findings: &mut [Finding], baseline: Vec<Entry>, path: &str) -> Compared {
    let known: HashSet<&str> = baseline.iter().map(|e| e.fingerprint.as_str()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Compared {
        path: path.to_owned(),
        ..Compared::default()
    };
    for f in findings.iter_mut() {
        if f.suppression.is_some() {
            seen.insert(f.fingerprint.clone());
            continue;
        }
        let state = if known.contains(f.fingerprint.as_str()) {
            out.unchanged += 1;
            BaselineState::Unchanged
        } else {
            out.new += 1;
            BaselineState::New
        };
        f.baseline = Some(state);
        seen.insert(f.fingerprint.clone());
    }
    let mut absent: Vec<Entry> = baseline
        .into_iter()
        .filter(|e| !seen.contains(&e.fingerprint))
        .collect();
    absent.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    absent.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    out.absent = absent;
    out
}
