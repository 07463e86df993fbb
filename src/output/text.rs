//! `--format text`: one miette diagnostic per finding, showing the lines that decided it,
//! then the input problems and a summary. Colour only when asked (a terminal, no NO_COLOR).

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::Level;
use crate::finding::Severity;
use crate::finding::{Finding, Subject};

use crate::model::Loc;

use super::{Report, Style, display_path};

/// Widest source line shown; longer lines (a CloudTrail file is one line) are cut around
/// the span.
const MAX_LINE: usize = 160;

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
    for f in &report.outcome.findings {
        let diag = FindingReport::new(report, f);
        let mut text = String::new();
        if handler.render_report(&mut text, &diag).is_err() {
            text = format!("{}: {}\n", f.rule_id, f.message);
        }
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    for d in &report.outcome.diagnostics {
        let kind = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let position = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", display_path(&d.path)),
            (Some(l), None) => format!("{}:{l}", display_path(&d.path)),
            _ => display_path(&d.path),
        };
        writeln!(out, "{kind}: {position}: {}", d.message)?;
        if let (Some(line), Some(column)) = (d.line, d.column)
            && let Some(excerpt) = excerpt(&d.path, line, column)
        {
            out.write_all(excerpt.as_bytes())?;
        }
    }
    writeln!(out, "{}", summary(report))
}

/// The line of a position in an input, cut around the column, with a caret under it.
fn excerpt(path: &std::path::Path, line: usize, column: usize) -> Option<String> {
    let (text, _) = crate::source::read_partial(path).ok()?;
    let row = text.split(|b| *b == b'\n').nth(line.checked_sub(1)?)?;
    let row = String::from_utf8_lossy(row);
    let chars: Vec<char> = row.trim_end_matches('\r').chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let from = at.saturating_sub(60);
    let to = (at + 60).min(chars.len());
    let shown: String = chars[from..to].iter().collect();
    let lead = if from > 0 { "…" } else { "" };
    let gutter = format!("{line} │ ");
    let caret = " ".repeat(gutter.chars().count() + lead.chars().count() + (at - from));
    Some(format!("{gutter}{lead}{shown}\n{caret}^\n"))
}

fn summary(report: &Report) -> String {
    let o = report.outcome;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| (s, o.findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let findings = match o.findings.len() {
        0 => "no findings".to_owned(),
        1 => format!("1 finding ({})", counts.join(", ")),
        n => format!("{n} findings ({})", counts.join(", ")),
    };
    let errors = o
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let problems = match errors {
        0 => String::new(),
        1 => "; 1 input could not be read".to_owned(),
        n => format!("; {n} inputs could not be read"),
    };
    format!(
        "{findings} in {} files: {} resources, {} CloudTrail events{problems}",
        o.stats.files, o.stats.resources, o.stats.events
    )
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
        let primary = f
            .primary
            .as_ref()
            .and_then(|loc| Snippet::new(report, loc, &f.primary_note));
        let related = f
            .related
            .iter()
            .filter_map(|r| {
                Snippet::new(report, &r.loc, &r.note).map(|s| RelatedReport {
                    note: r.note.clone(),
                    snippet: s,
                })
            })
            .collect();
        FindingReport {
            code: format!("{} ({})", f.rule_id, f.severity),
            severity: match f.severity {
                Severity::Critical | Severity::High => miette::Severity::Error,
                Severity::Medium => miette::Severity::Warning,
                Severity::Low | Severity::Info => miette::Severity::Advice,
            },
            message: format!("{subject}\n{}", f.message),
            help: f.remediation.clone(),
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

/// The lines around a span, cut to a window, with their real line numbers: miette shows it
/// as if it were the file.
struct Snippet {
    name: String,
    data: String,
    /// 0-based line number of the window's first line in the file.
    first_line: usize,
    first_column: usize,
    span: SourceSpan,
    note: String,
}

impl Snippet {
    fn new(report: &Report, loc: &Loc, note: &str) -> Option<Snippet> {
        let place = report.place(loc);
        let span = place.span?;
        let source = report.resolved.texts.get(&loc.source)?;
        let text = &source.text;
        // The line holding the start, one line before and after.
        let line_start = text[..span.start]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = text[span.start..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(text.len(), |p| span.start + p);
        let before_start = if line_start == 0 {
            0
        } else {
            text[..line_start - 1]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1)
        };
        let after_end = if line_end >= text.len() {
            line_end
        } else {
            text[line_end + 1..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(text.len(), |p| line_end + 1 + p)
        };
        let end = span.end.min(line_end).max(span.start);
        if line_end - line_start > MAX_LINE {
            // A long line: show only a window of it around the span.
            let from = floor_char(text, span.start.saturating_sub(40).max(line_start));
            let to = floor_char(
                text,
                (end.max(span.start + 1) + 40)
                    .min(line_end)
                    .min(from + MAX_LINE),
            );
            let data = String::from_utf8_lossy(&text[from..to]).into_owned();
            let len = end.min(to).saturating_sub(span.start);
            return Some(Snippet {
                name: format!("{} (cut)", place.path),
                data,
                first_line: span.line - 1,
                first_column: String::from_utf8_lossy(&text[line_start..from])
                    .chars()
                    .count(),
                span: SourceSpan::new((span.start - from).into(), len.max(1)),
                note: note.to_owned(),
            });
        }
        let data = String::from_utf8_lossy(&text[before_start..after_end]).into_owned();
        let first_line = span.line - 1 - usize::from(before_start < line_start);
        Some(Snippet {
            name: place.path.clone(),
            data,
            first_line,
            first_column: 0,
            span: SourceSpan::new(
                (span.start - before_start).into(),
                (end - span.start).max(1),
            ),
            note: note.to_owned(),
        })
    }

    fn label(&self) -> LabeledSpan {
        LabeledSpan::new_with_span(Some(self.note.clone()), self.span)
    }
}

fn floor_char(text: &[u8], mut i: usize) -> usize {
    while i > 0 && i < text.len() && (text[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let lines = self.data.lines().count().max(1);
        // Without context, miette asks where a span starts (the `[file:line:col]` header):
        // answer with the span's own line and column in the file.
        let (line, column) = if before == 0 && after == 0 {
            let offset = span.offset().min(self.data.len());
            let head = &self.data[..floor_str(&self.data, offset)];
            let newlines = head.matches('\n').count();
            let col = head.rsplit('\n').next().map_or(0, |l| l.chars().count());
            let col = if newlines == 0 {
                self.first_column + col
            } else {
                col
            };
            (self.first_line + newlines, col)
        } else {
            (self.first_line, self.first_column)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.data.as_bytes(),
            SourceSpan::new(0.into(), self.data.len()),
            line,
            column,
            lines,
        )))
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor_str(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
