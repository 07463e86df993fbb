//! Counts per AWS account, for the summaries of scans that span several (an organization's
//! collection, several exports, an organization trail): each account's resources and
//! the findings on them, those on CloudTrail events by the account that received the
//! event (`recipientAccountId`).

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::scan::Outcome;

/// One account's counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub resources: usize,
    pub findings: usize,
    /// Findings per severity, every severity present.
    pub by_severity: BTreeMap<&'static str, usize>,
}

/// The counts of every account that has a resource or a finding, by account id: every
/// finding the report lists, or (`counted_only`) those that count for `--fail-on`, as text
/// shows them.
pub fn per_account(outcome: &Outcome, counted_only: bool) -> BTreeMap<String, Counts> {
    let fresh = || Counts {
        by_severity: Severity::ALL.iter().map(|s| (s.name(), 0)).collect(),
        ..Counts::default()
    };
    let mut out: BTreeMap<String, Counts> = BTreeMap::new();
    for r in &outcome.inventory.resources {
        out.entry(crate::finding::scope_text(r.account))
            .or_insert_with(fresh)
            .resources += 1;
    }
    for f in &outcome.findings {
        if f.account.is_empty() || (counted_only && !f.counts()) {
            continue;
        }
        let counts = out.entry(f.account.clone()).or_insert_with(fresh);
        counts.findings += 1;
        *counts.by_severity.entry(f.severity.name()).or_default() += 1;
    }
    out
}
