//! `--format text`: one miette diagnostic per finding, showing the lines that decided it
//! (event findings grouped per rule unless `--verbose`, `text_summary.rs`), then a table of
//! findings per rule and a summary. Colour only when asked (a terminal, no NO_COLOR). Input problems are not
//! part of the report: they go to stderr in every format ([`diagnostic`]), and the summary
//! counts them. Text from inputs is escaped (`escape.rs`) wherever it is printed.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::diagnostic::{self as input, Level};
use crate::finding::Severity;
use crate::finding::{Finding, Subject};

use super::escape::{escape, escape_keep_lines};
use super::excerpt::excerpt;
use super::snippet::Snippet;
use super::text_summary::{self, Callers};
use super::{Report, Style, display_path};

pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(110)
        .with_wrap_lines(false)
        .with_show_related_as_nested(true)
        .with_context_lines(1)
        .with_links(false);
    let render = |f: &Finding, out: &mut dyn Write| -> io::Result<()> {
        let diag = FindingReport::new(report, f);
        let mut text = String::new();
        if handler.render_report(&mut text, &diag).is_err() {
            text = format!("{}: {}\n", diag.code, diag.message);
        }
        out.write_all(text.as_bytes())?;
        writeln!(out)
    };
    // Suppressed findings, and those of the baseline, are counted, not shown.
    let findings: Vec<&Finding> = report
        .outcome
        .findings
        .iter()
        .filter(|f| f.counts())
        .collect();
    if style.verbose {
        for f in &findings {
            render(f, out)?;
        }
    } else {
        // Resource findings one by one; event findings, which a log can hold by the
        // thousand, per rule (findings are sorted by rule, so a rule's events are together).
        let events: Vec<&Finding> = findings.iter().copied().filter(|f| is_event(f)).collect();
        let callers = if events.is_empty() {
            Callers::default()
        } else {
            Callers::of(report, &events)
        };
        let mut i = 0;
        while i < findings.len() {
            let f = findings[i];
            if !is_event(f) {
                render(f, out)?;
                i += 1;
                continue;
            }
            let group: Vec<&Finding> = findings[i..]
                .iter()
                .copied()
                .take_while(|g| g.rule_id == f.rule_id && is_event(g))
                .collect();
            i += group.len();
            let title = &report.registry.get(f.rule).title;
            out.write_all(text_summary::group_header(title, &group, &callers).as_bytes())?;
            writeln!(out)?;
            for example in text_summary::examples(&group) {
                render(example, out)?;
            }
        }
    }
    out.write_all(text_summary::table(&findings).as_bytes())?;
    writeln!(out)?;
    writeln!(out, "{}", summary(report))
}

fn is_event(f: &Finding) -> bool {
    matches!(f.subject, Subject::Event { .. })
}

/// An input problem as people read it on stderr: `error: path:line:column: message`, then
/// the offending line with a caret when the position is known.
pub fn diagnostic(d: &input::Diagnostic) -> String {
    let kind = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let path = display_path(&d.path);
    let path = escape(&path);
    let position = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.into_owned(),
    };
    let mut text = format!("{kind}: {position}: {}\n", escape(&d.message));
    if let (Some(line), Some(column)) = (d.line, d.column)
        && let Some(excerpt) = excerpt(&d.path, line, column)
    {
        text.push_str(&excerpt);
    }
    text
}

fn summary(report: &Report) -> String {
    let o = report.outcome;
    let counted = || o.findings.iter().filter(|f| f.counts());
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| (s, counted().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let new = if o.baseline.is_some() { "new " } else { "" };
    let findings = match counted().count() {
        0 => format!("no {new}findings"),
        1 => format!("1 {new}finding ({})", counts.join(", ")),
        n => format!("{n} {new}findings ({})", counts.join(", ")),
    };
    let mut findings = findings;
    let suppressed = o
        .findings
        .iter()
        .filter(|f| f.suppression.is_some())
        .count();
    if suppressed > 0 {
        findings.push_str(&format!(
            ", {suppressed} suppressed (not shown; the JSON and SARIF reports list them with their reasons)"
        ));
    }
    if let Some(b) = &o.baseline {
        let unchanged = o
            .findings
            .iter()
            .filter(|f| f.suppression.is_none() && !f.counts())
            .count();
        findings.push_str(&format!(
            ", {unchanged} unchanged since the baseline {} (not shown), {} fixed",
            escape(&b.path),
            b.absent.len()
        ));
    }
    let errors = o
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let warnings = o.diagnostics.len() - errors;
    let mut problems = Vec::new();
    match errors {
        0 => {}
        1 => problems.push("1 input could not be read".to_owned()),
        n => problems.push(format!("{n} inputs could not be read")),
    }
    match warnings {
        0 => {}
        1 => problems.push("1 warning".to_owned()),
        n => problems.push(format!("{n} warnings")),
    }
    let problems = if problems.is_empty() {
        String::new()
    } else {
        format!("; {} (listed on stderr)", problems.join(", "))
    };
    let mut text = format!(
        "{findings} in {} files: {} resources, {} CloudTrail events{problems}",
        o.stats.files, o.stats.resources, o.stats.events
    );
    // Several accounts (an organization's collection): each one's share.
    let accounts = super::accounts::per_account(o, true);
    if accounts.len() > 1 {
        for (account, c) in accounts {
            let severities: Vec<String> = Severity::ALL
                .iter()
                .rev()
                .filter_map(|s| {
                    let n = c.by_severity.get(s.name()).copied().unwrap_or(0);
                    (n > 0).then(|| format!("{n} {s}"))
                })
                .collect();
            let found = match (c.findings, severities.is_empty()) {
                (0, _) | (_, true) => "no findings on them".to_owned(),
                (n, false) => format!("{n} findings on them ({})", severities.join(", ")),
            };
            text.push_str(&format!(
                "\n  account {account}: {} resources, {found}",
                c.resources
            ));
        }
    }
    text
}

/// A finding as a miette diagnostic.
struct FindingReport {
    code: String,
    severity: miette::Severity,
    message: String,
    help: String,
    primary: Option<Snippet>,
    related: Vec<RelatedReport>,
}

impl FindingReport {
    fn new(report: &Report, f: &Finding) -> Self {
        let subject = match &f.subject {
            Subject::Resource { arn, .. } => arn.clone(),
            s @ Subject::Event { .. } => s.label(),
        };
        // Values in messages were escaped when they were rendered; the rest of a message is
        // the rule's, whose own line breaks are layout.
        let primary = f
            .primary
            .as_ref()
            .and_then(|loc| Snippet::new(report, loc, &f.primary_note));
        let related = f
            .related
            .iter()
            .filter_map(|r| {
                Snippet::new(report, &r.loc, &r.note).map(|s| RelatedReport {
                    note: escape(&r.note).into_owned(),
                    snippet: s,
                })
            })
            .collect();
        FindingReport {
            code: format!("{} ({})", escape(&f.rule_id), f.severity),
            severity: match f.severity {
                Severity::Critical | Severity::High => miette::Severity::Error,
                Severity::Medium => miette::Severity::Warning,
                Severity::Low | Severity::Info => miette::Severity::Advice,
            },
            message: format!("{}\n{}", escape(&subject), escape_keep_lines(&f.message)),
            help: escape_keep_lines(&f.remediation).into_owned(),
            primary,
            related,
        }
    }
}

impl fmt::Debug for FindingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingReport {}

impl Diagnostic for FindingReport {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.help.is_empty())
            .then(|| Box::new(format!("fix: {}", self.help)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.primary.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.primary
            .as_ref()
            .map(|s| Box::new(std::iter::once(s.label())) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

struct RelatedReport {
    note: String,
    snippet: Snippet,
}

impl fmt::Debug for RelatedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.note)
    }
}

impl fmt::Display for RelatedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "related: {}", self.note)
    }
}

impl std::error::Error for RelatedReport {}

impl Diagnostic for RelatedReport {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.snippet.label())))
    }
}
