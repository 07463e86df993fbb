//! Analyses that fold over the CloudTrail event stream beside the per-record rules: each file's
//! records leave small [`Notes`] (never the records themselves), the notes of every file are
//! merged in path order once all files are read, and [`Folds::finish`] turns them into
//! findings — with the inventory at hand, so a finding about a key can name the resources that
//! still depend on it.
//!
//! Files are read in parallel, so an analysis that needs time order (a key's lifecycle) keeps
//! timestamps in its notes and sorts when it finishes; the result does not depend on
//! scheduling.

mod correlation;

use crate::finding::Finding;
use crate::model::{Event, Inventory};
use crate::rules::Registry;

/// The analyses of one scan, configured from the loaded rules.
pub struct Folds<'r> {
    registry: &'r Registry,
    correlations: correlation::Correlations,
}

/// What one file's records left for the analyses.
#[derive(Debug, Default)]
pub struct Notes {
    correlation: correlation::Notes,
}

impl<'r> Folds<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        Folds {
            registry,
            correlations: correlation::Correlations::new(registry),
        }
    }

    /// Whether an analysis reads records of this event source and name: a reader that
    /// parses records lazily must then hand them over in full.
    pub fn wants(&self, _event_source: &str, _event_name: &str) -> bool {
        false
    }

    /// Every record that [`Folds::wants`].
    pub fn observe(&self, _notes: &mut Notes, _event: &Event) {}

    /// A rule matched a record (correlations count the matches of their base rules).
    pub fn matched(&self, notes: &mut Notes, rule: usize, event: &Event) {
        if !self.correlations.is_empty() {
            self.correlations
                .matched(&mut notes.correlation, rule, event);
        }
    }

    /// The findings of every analysis, from the notes of all files in path order.
    pub fn finish(&self, notes: Vec<Notes>, _inventory: &Inventory) -> Vec<Finding> {
        let mut findings = Vec::new();
        let correlation = notes.into_iter().map(|n| n.correlation).collect();
        findings.extend(self.correlations.finish(correlation, self.registry));
        findings
    }
}
