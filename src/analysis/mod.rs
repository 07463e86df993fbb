//! Analyses that fold over the CloudTrail event stream beside the per-record rules: each file's
//! records leave small [`Notes`] (never the records themselves), the notes of every file are
//! merged in path order once all files are read, and [`Folds::finish`] turns them into
//! findings — with the inventory at hand, so a finding about a key can name the resources that
//! still depend on it.
//!
//! Files are read in parallel, so an analysis that needs time order (a key's lifecycle) keeps
//! timestamps in its notes and sorts when it finishes; the result does not depend on
//! scheduling.

pub mod activity;
mod correlation;
mod key_incident;
mod key_names;
mod key_wording;
mod keys;
mod record;
mod uploads;

use crate::FastMap as Map;

use crate::finding::Finding;
use crate::model::{Event, Inventory};
use crate::rules::Registry;

pub use activity::Activity;

/// The analyses of one scan, configured from the loaded rules.
pub struct Folds<'r> {
    registry: &'r Registry,
    /// The index of `event-kms-key-disabled-in-use`, when loaded: the key timeline (and the
    /// KMS activity table) is folded only then.
    keys: Option<usize>,
    uploads: Option<usize>,
    correlations: correlation::Correlations,
}

/// What one file's records left for the analyses.
#[derive(Debug, Default)]
pub struct Notes {
    keys: keys::KeyNotes,
    uploads: uploads::UploadNotes,
    correlation: correlation::Notes,
}

impl Notes {
    /// Adds another file's key and upload notes. The result does not depend on the order
    /// notes are merged in (ties are broken by source and position). Correlation notes are
    /// taken per file, in path order, before merging (see [`Folds::finish_with_activity`]).
    pub fn merge(&mut self, other: Notes) {
        self.keys.merge(other.keys);
        self.uploads.merge(other.uploads);
    }

    /// Merges the key and upload notes into `into` (as a file ends) and returns the rest:
    /// the correlation matches, which are kept per file in path order.
    /// The notes left are those of correlations, in file order; `None` when the file
    /// had none (most files: an export's), so that files cost nothing to remember.
    pub fn merge_into(mut self, into: &mut Notes) -> Option<Box<Notes>> {
        let ordered = Notes {
            correlation: std::mem::take(&mut self.correlation),
            ..Notes::default()
        };
        into.merge(self);
        (!ordered.correlation.is_empty()).then(|| Box::new(ordered))
    }
}

impl<'r> Folds<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        let index = |id: &str| registry.rules().iter().position(|r| r.id == id);
        Folds {
            registry,
            keys: index(key_incident::RULE),
            uploads: index(uploads::RULE),
            correlations: correlation::Correlations::new(registry),
        }
    }

    /// Whether an analysis reads records of this event source and name: a reader that
    /// parses records lazily must then hand them over in full.
    pub fn wants(&self, event_source: &str, event_name: &str) -> bool {
        (self.keys.is_some() && event_source == "kms.amazonaws.com")
            || (self.uploads.is_some() && uploads::wants(event_source, event_name))
    }

    /// The fields the analyses that run read: a record the rules read too keeps them.
    pub fn fields(&self) -> crate::ingest::project::Fields {
        let mut fields = crate::ingest::project::Fields::default();
        if self.keys.is_some() {
            fields.extend(&crate::ingest::project::Fields::of(
                keys::FIELDS.iter().copied(),
            ));
        }
        if self.uploads.is_some() {
            fields.extend(&crate::ingest::project::Fields::of(
                uploads::FIELDS.iter().copied(),
            ));
        }
        fields
    }

    /// Every record that [`Folds::wants`].
    pub fn observe(&self, notes: &mut Notes, event: &Event) {
        let source = event.source_name();
        if self.keys.is_some() && source == "kms.amazonaws.com" {
            notes.keys.observe(event);
        }
        if self.uploads.is_some() && uploads::wants(source, event.name()) {
            notes.uploads.observe(event);
        }
    }

    /// A rule matched a record (correlations count the matches of their base rules).
    pub fn matched(&self, notes: &mut Notes, rule: usize, event: &Event) {
        if !self.correlations.is_empty() {
            self.correlations
                .matched(&mut notes.correlation, rule, event);
        }
    }

    /// The findings of every analysis, from the notes of all files in path order.
    pub fn finish(&self, notes: Vec<Notes>, inventory: &Inventory) -> Vec<Finding> {
        self.finish_with_activity(notes, inventory).0
    }

    /// [`Folds::finish`], and the KMS activity of the scan (empty unless the key analysis
    /// ran).
    pub fn finish_with_activity(
        &self,
        notes: Vec<Notes>,
        inventory: &Inventory,
    ) -> (Vec<Finding>, Activity) {
        let mut findings = Vec::new();
        let mut all = Notes::default();
        let mut correlation = Vec::with_capacity(notes.len());
        for mut n in notes {
            correlation.push(std::mem::take(&mut n.correlation));
            all.merge(n);
        }
        findings.extend(self.correlations.finish(correlation, self.registry));
        let mut activity = Activity::default();
        if let Some(index) = self.keys {
            let mut keys = all.keys;
            let resolver = activity::Resolver::new(std::mem::take(&mut keys.aliases), inventory);
            let rule = self.registry.get(index);
            findings.extend(key_incident::findings(
                index, rule, &keys, &resolver, inventory,
            ));
            activity = Activity::new(keys.activity, &resolver);
        }
        if let Some(index) = self.uploads {
            findings.extend(all.uploads.findings(index, self.registry.get(index)));
        }
        (findings, activity)
    }
}
