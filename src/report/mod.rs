//! `atrest report`: a compliance report of one framework from a scan — each control's
//! status with its counts, the resources that fail, pass (with the line that proves it) or
//! could not be judged (with what was missing), and a header that says what was read: the
//! input manifest, the scope, the rule set's hash, and the CloudTrail time covered.

pub mod catalog;
mod csv;
mod html;
mod json;
pub mod manifest;
mod markdown;
pub mod status;
pub mod trail;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::finding::{Finding, Resolved};
use crate::model::Loc;
use crate::rules::Registry;
use crate::scan::Outcome;

pub use catalog::{Catalog, Control};
pub use status::{ControlResult, Status};

/// The version of the JSON report's shape.
pub const VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Csv,
    Json,
}

/// Everything a report shows, computed once for every format.
pub struct ComplianceReport<'a> {
    pub catalog: &'a Catalog,
    pub outcome: &'a Outcome,
    pub registry: &'a Registry,
    pub controls: Vec<(&'a Control, ControlResult)>,
    pub inputs: Vec<manifest::Input>,
    pub scope: BTreeMap<String, BTreeSet<String>>,
    pub rules_hash: String,
    pub coverage: Vec<trail::Covered>,
    /// CloudTrail inputs outside the `AWSLogs/...` layout, whose delivery times are unknown
    /// (`lookup-events` output, arrays of records): their time is not in `coverage`.
    pub uncovered_logs: usize,
    pub digests: Option<trail::DigestCheck>,
    /// `--as-of`, when given: the time facts were judged at.
    pub as_of: Option<jiff::Timestamp>,
    resolved: Resolved,
}

impl<'a> ComplianceReport<'a> {
    pub fn build(
        catalog: &'a Catalog,
        outcome: &'a Outcome,
        registry: &'a Registry,
        inputs: &[PathBuf],
        as_of: Option<jiff::Timestamp>,
    ) -> ComplianceReport<'a> {
        let index = status::Index::new(outcome);
        let mut controls: Vec<(&Control, ControlResult)> = catalog
            .controls
            .iter()
            .map(|c| (c, status::evaluate(c, outcome, registry, &index)))
            .collect();
        // Failing controls first, then unknown, ..., in catalog order within a status.
        controls.sort_by_key(|(_, r)| r.status);
        let files = manifest::inputs(outcome);
        let scope = manifest::scope(outcome, &files);
        let logs: Vec<&std::path::Path> = outcome
            .stats
            .file_kinds
            .iter()
            .filter(|(_, kind)| kind.starts_with("cloudtrail"))
            .map(|(id, _)| outcome.sources.path(*id))
            .collect();
        let coverage = trail::coverage(logs.iter().copied());
        let uncovered_logs = logs
            .iter()
            .filter(|p| {
                trail::delivered_at(p).is_none()
                    || crate::ingest::filter::delivery_place(p).is_none()
            })
            .count();
        let digest_files = trail::digest_files(inputs);
        let digests =
            (!digest_files.is_empty()).then(|| trail::check(&digest_files, &logs, 1 << 30));
        let locs: Vec<&Loc> = controls
            .iter()
            .flat_map(|(_, r)| r.resources.iter())
            .flat_map(|j| j.by_rule.iter())
            .filter_map(|(_, o)| match o {
                status::Outcome1::Passed(Some(loc)) => Some(loc),
                _ => None,
            })
            .chain(
                outcome
                    .findings
                    .iter()
                    .filter_map(|f| f.primary.as_ref().filter(|l| l.span.is_none())),
            )
            .collect();
        let resolved = crate::finding::resolve(&outcome.sources, locs, false);
        ComplianceReport {
            catalog,
            outcome,
            registry,
            controls,
            inputs: files,
            scope,
            rules_hash: manifest::rules_hash(registry),
            coverage,
            uncovered_logs,
            digests,
            as_of,
            resolved,
        }
    }

    /// `path:line` of a place (the path alone when its line is not known).
    pub fn at(&self, loc: &Loc) -> String {
        let path = crate::output::display_path(self.outcome.sources.path(loc.source));
        let span = loc.span.as_deref().or_else(|| self.resolved.span(loc));
        match span {
            Some(s) => format!("{path}:{}", s.line),
            None => path,
        }
    }

    /// Where a finding was decided, `path:line`.
    pub fn finding_at(&self, f: &Finding) -> String {
        f.primary.as_ref().map(|l| self.at(l)).unwrap_or_default()
    }

    pub fn finding(&self, i: usize) -> &Finding {
        &self.outcome.findings[i]
    }

    /// Inputs that could not be read (exit 2): controls that needed them are not a pass.
    pub fn input_errors(&self) -> usize {
        self.outcome
            .diagnostics
            .iter()
            .filter(|d| d.level == crate::diagnostic::Level::Error)
            .count()
    }

    /// Controls per status, every status present.
    pub fn tally(&self) -> BTreeMap<Status, usize> {
        let mut t: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for (_, r) in &self.controls {
            *t.entry(r.status).or_default() += 1;
        }
        t
    }

    pub fn write(&self, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
        match format {
            ReportFormat::Json => json::write(self, out),
            ReportFormat::Md => markdown::write(self, out),
            ReportFormat::Html => html::write(self, out),
            ReportFormat::Csv => csv::write_controls(self, out),
        }
    }

    /// The results half of the CSV report (control x resource).
    pub fn write_csv_results(&self, out: &mut dyn Write) -> io::Result<()> {
        csv::write_results(self, out)
    }

    /// What a row of results says of a rule's outcome: status, the deciding place, the
    /// message.
    pub fn describe(&self, o: &status::Outcome1) -> (&'static str, String, String) {
        match o {
            status::Outcome1::Failed(i) => {
                let f = self.finding(*i);
                ("fail", self.finding_at(f), f.message.clone())
            }
            status::Outcome1::Excepted(i) => {
                let f = self.finding(*i);
                let why = f
                    .suppression
                    .as_ref()
                    .map(|s| {
                        format!(
                            "excepted ({}{}{}): {}",
                            s.origin,
                            if s.owner.is_empty() { "" } else { ", owner " },
                            s.owner,
                            s.reason
                        )
                    })
                    .unwrap_or_default();
                (
                    "excepted",
                    self.finding_at(f),
                    format!("{why}; {}", f.message),
                )
            }
            status::Outcome1::Unknown(fact) => {
                ("unknown", String::new(), format!("{fact} was not read"))
            }
            status::Outcome1::Passed(loc) => (
                "pass",
                loc.as_ref().map(|l| self.at(l)).unwrap_or_default(),
                String::new(),
            ),
        }
    }
}

/// The path of the CSV results file beside the controls file: `report.csv` →
/// `report-results.csv`.
pub fn results_path(controls: &std::path::Path) -> PathBuf {
    let stem = controls
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match controls.extension() {
        Some(ext) => format!("{stem}-results.{}", ext.to_string_lossy()),
        None => format!("{stem}-results"),
    };
    controls.with_file_name(name)
}
