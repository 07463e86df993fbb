//! Outputs: the same findings as text (miette), JSON (a versioned schema of its own),
//! SARIF 2.1.0, OCSF Detection Findings, AWS Security Finding Format, one line each
//! (`concise`) or GitHub Actions workflow commands. Locations are resolved here, once, for
//! the findings being reported.

pub mod accounts;
pub mod asff;
pub mod concise;
pub mod escape;
mod excerpt;
pub mod github;
pub mod json;
pub mod ocsf;
pub mod sarif;
mod snippet;
pub mod text;
mod text_summary;

use std::io::{self, Write};
use std::path::{Component, Path};

use std::collections::HashMap;

use crate::finding::{self, Resolved, Span};
use crate::model::Loc;
use crate::rules::Registry;
use crate::scan::Outcome;
use crate::source::SourceId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each finding with the lines that decided it, then a summary.
    Text,
    /// One JSON document, schema version 1 (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// OCSF Detection Findings (class 2004), one JSON object per line.
    Ocsf,
    /// AWS Security Finding Format: a JSON array for `aws securityhub batch-import-findings`.
    Asff,
    /// One line per finding: `path:line:column: severity rule message`.
    Concise,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
}

/// What a writer could not put in the report, for the caller to say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Findings left out of an ASFF report: without an AWS account and region, Security
    /// Hub cannot import them.
    pub left_out: usize,
}

/// How the text output is drawn.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
    /// Every event finding in full, not grouped per rule.
    pub verbose: bool,
}

/// A finding's location as outputs show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The path relative to the working directory when under it (forward slashes).
    pub path: String,
    pub pointer: String,
    pub span: Option<Span>,
}

pub struct Report<'a> {
    pub outcome: &'a Outcome,
    pub registry: &'a Registry,
    pub resolved: Resolved,
    pub options: ReportOptions,
    /// When the report was made, for the formats that date findings (OCSF, ASFF): the CLI
    /// sets it (to `--as-of` when given); without it they take the time they are written.
    pub time: Option<jiff::Timestamp>,
    /// Display paths of the sources findings point into.
    paths: HashMap<SourceId, String>,
}

/// What the command line says of reports beyond their format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// SARIF's `automationDetails.id` category (GitHub's `category`).
    pub sarif_category: Option<String>,
    /// One SARIF run per account.
    pub sarif_per_account: bool,
}

impl<'a> Report<'a> {
    /// The report with the windows of text that text output shows around each place.
    pub fn new(outcome: &'a Outcome, registry: &'a Registry) -> Self {
        Report::located(outcome, registry, true)
    }

    /// The report that `format` writes: only text shows lines around places.
    pub fn for_format(outcome: &'a Outcome, registry: &'a Registry, format: Format) -> Self {
        Report::located(outcome, registry, format == Format::Text)
    }

    fn located(outcome: &'a Outcome, registry: &'a Registry, windows: bool) -> Self {
        let locs = outcome
            .findings
            .iter()
            .flat_map(|f| f.primary.iter().chain(f.related.iter().map(|r| &r.loc)));
        // Places located as they were found need nothing more, unless lines are shown.
        let unlocated = locs.clone().filter(|l| windows || l.span.is_none());
        let resolved = finding::resolve(&outcome.sources, unlocated, windows);
        let cwd = std::env::current_dir().ok();
        let paths = locs
            .map(|l| l.source)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|id| {
                (
                    id,
                    display_path_from(outcome.sources.path(id), cwd.as_deref()),
                )
            })
            .collect();
        Report {
            outcome,
            registry,
            resolved,
            options: ReportOptions::default(),
            time: None,
            paths,
        }
    }

    /// The report's time: [`Report::time`], or now.
    pub fn time(&self) -> jiff::Timestamp {
        self.time.unwrap_or_else(jiff::Timestamp::now)
    }

    pub fn place(&self, loc: &Loc) -> Place {
        Place {
            path: match self.paths.get(&loc.source) {
                Some(p) => p.clone(),
                None => display_path(self.outcome.sources.path(loc.source)),
            },
            pointer: loc.pointer.clone(),
            span: match loc.span.as_deref() {
                Some(span) => Some(*span),
                None => self.resolved.span(loc).copied(),
            },
        }
    }
}

pub fn write(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<Written> {
    match format {
        Format::Text => text::write(report, style, out)?,
        Format::Json => json::write(report, out)?,
        Format::Sarif => sarif::write(report, out)?,
        Format::Ocsf => ocsf::write(report, out)?,
        Format::Asff => return asff::write(report, out),
        Format::Concise => concise::write(report, out)?,
        Format::Github => github::write(report, out)?,
    }
    Ok(Written::default())
}

/// A path as reports show it: relative to the working directory when it is under it,
/// with `/` separators, never with `./`.
pub fn display_path(path: &Path) -> String {
    display_path_from(path, std::env::current_dir().ok().as_deref())
}

fn display_path_from(path: &Path, cwd: Option<&Path>) -> String {
    // An object in S3 is named by its address, as given.
    if crate::source::remote::is_remote(path) {
        return path.to_string_lossy().into_owned();
    }
    let relative = match (cwd, path.is_absolute()) {
        (Some(cwd), true) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if relative.has_root() && !joined.starts_with('/') {
        format!("/{}", joined.trim_start_matches('/'))
    } else {
        joined.replace("//", "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Suppression, SuppressionKind};

    /// An exception keeps a finding out of concise and GitHub output (counted in concise),
    /// and marks it in OCSF and ASFF, which carry its reason.
    #[test]
    fn suppressed_findings_in_the_new_formats() {
        let registry = Registry::load(true, &[]).expect("built-in rules");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut outcome = crate::scan::scan(&[root.join("samples/lab")], &registry);
        let n = outcome.findings.len();
        outcome.findings[0].suppression = Some(Box::new(Suppression {
            kind: SuppressionKind::Inline,
            reason: "public on purpose: the class's dataset".into(),
            owner: String::new(),
            expires: None,
            origin: "the resource's atrest:ignore tag".into(),
        }));
        let fingerprint = outcome.findings[0].fingerprint.clone();
        let written = |format: Format| {
            let report = Report::for_format(&outcome, &registry, format);
            let mut out = Vec::new();
            let w = write(&report, format, Style::default(), &mut out).expect("written");
            assert_eq!(w, Written::default(), "{format:?}");
            String::from_utf8(out).expect("UTF-8")
        };
        let concise = written(Format::Concise);
        assert_eq!(concise.lines().count(), n);
        assert!(!concise.contains(&fingerprint));
        assert!(
            concise.ends_with(&format!("{n} findings (1 suppressed)\n")),
            "{concise}"
        );
        let github = written(Format::Github);
        assert_eq!(github.lines().count(), n - 1);
        let ocsf = written(Format::Ocsf);
        let first: serde_json::Value =
            serde_json::from_str(ocsf.lines().next().unwrap_or("")).expect("JSON");
        assert_eq!(first["status"], "Suppressed");
        assert_eq!(
            first["status_detail"],
            "public on purpose: the class's dataset"
        );
        let asff: serde_json::Value = serde_json::from_str(&written(Format::Asff)).expect("JSON");
        assert_eq!(asff[0]["Workflow"]["Status"], "SUPPRESSED");
        assert_eq!(
            asff[0]["ProductFields"]["atrest/suppression"],
            "public on purpose: the class's dataset"
        );
        assert_eq!(asff[1]["Workflow"]["Status"], "NEW");
    }
}
