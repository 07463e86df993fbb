//! Analyses that fold over the CloudTrail event stream beside the per-record rules: each file's
//! records leave small [`Notes`] (never the records themselves), the notes of every file are
//! merged in path order once all files are read, and [`Folds::finish`] turns them into
//! findings — with the inventory at hand, so a finding about a key can name the resources that
//! still depend on it.
//!
//! Files are read in parallel, so an analysis that needs time order (a key's lifecycle) keeps
//! timestamps in its notes and sorts when it finishes; the result does not depend on
//! scheduling.

use crate::finding::Finding;
use crate::model::{Event, Inventory};
use crate::rules::Registry;

/// The analyses of one scan, configured from the loaded rules.
pub struct Folds<'r> {
    #[allow(dead_code)]
    registry: &'r Registry,
}

/// What one file's records left for the analyses.
#[derive(Debug, Default)]
pub struct Notes {}

impl<'r> Folds<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        Folds { registry }
    }

    /// Whether an analysis reads records of this event source and name: a reader that
    /// parses records lazily must then hand them over in full.
    pub fn wants(&self, _event_source: &str, _event_name: &str) -> bool {
        false
    }

    /// Every record that [`Folds::wants`].
    pub fn observe(&self, _notes: &mut Notes, _event: &Event) {}

    /// A rule matched a record (correlations count the matches of their base rules).
    pub fn matched(&self, _notes: &mut Notes, _rule: usize, _event: &Event) {}

    /// The findings of every analysis, from the notes of all files in path order.
    pub fn finish(&self, notes: Vec<Notes>, _inventory: &Inventory) -> Vec<Finding> {
        let _ = notes;
        Vec::new()
    }
}
