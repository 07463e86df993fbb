//! Counts per AWS account, for the summaries of scans that span several (an organization's
//! collection, several exports): each account's resources and the findings on them.
//! Findings on CloudTrail events are counted in all, not per account.

use std::collections::BTreeMap;

use crate::finding::{Severity, Subject};
use crate::scan::Outcome;

/// One account's counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub resources: usize,
    pub findings: usize,
    /// Findings per severity, every severity present.
    pub by_severity: BTreeMap<&'static str, usize>,
}

/// The counts of every account that has a resource, by account id.
pub fn per_account(outcome: &Outcome) -> BTreeMap<&'static str, Counts> {
    let fresh = || Counts {
        by_severity: Severity::ALL.iter().map(|s| (s.name(), 0)).collect(),
        ..Counts::default()
    };
    let mut out: BTreeMap<&'static str, Counts> = BTreeMap::new();
    for r in &outcome.inventory.resources {
        out.entry(r.account).or_insert_with(fresh).resources += 1;
    }
    for f in &outcome.findings {
        let Subject::Resource { arn, kind } = &f.subject else {
            continue;
        };
        let Some(i) = outcome.inventory.find(*kind, arn) else {
            continue;
        };
        let counts = out
            .entry(outcome.inventory.resources[i].account)
            .or_insert_with(fresh);
        counts.findings += 1;
        *counts.by_severity.entry(f.severity.name()).or_default() += 1;
    }
    out
}
