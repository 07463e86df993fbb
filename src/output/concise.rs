//! `--format concise`: one line per finding, `path:line:column: severity rule-id message`
//! (a finding without a place in a file starts with its resource or event instead), then
//! `N findings (M suppressed)`. Suppressed findings are counted, not listed. Everything
//! from inputs is escaped (`escape.rs`) and a message's own line breaks become spaces, so
//! a line is a finding.

use std::io::{self, Write};

use crate::finding::Finding;

use super::Report;
use super::escape::escape;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings = &report.outcome.findings;
    let (mut suppressed, mut unchanged) = (0, 0);
    for f in findings {
        if f.suppression.is_some() {
            suppressed += 1;
            continue;
        }
        // With a baseline, only what is new is listed.
        if !f.counts() {
            unchanged += 1;
            continue;
        }
        out.write_all(line(report, f).as_bytes())?;
    }
    let n = findings.len();
    let noun = if n == 1 { "finding" } else { "findings" };
    if report.outcome.baseline.is_some() {
        writeln!(
            out,
            "{n} {noun} ({suppressed} suppressed, {unchanged} unchanged since the baseline)"
        )
    } else {
        writeln!(out, "{n} {noun} ({suppressed} suppressed)")
    }
}

/// The line of one finding, newline included.
pub fn line(report: &Report, f: &Finding) -> String {
    let at = match &f.primary {
        Some(loc) => {
            let p = report.place(loc);
            let path = escape(&p.path);
            match p.span {
                Some(s) => format!("{path}:{}:{}", s.line, s.column),
                None => path.into_owned(),
            }
        }
        None => escape(&f.subject.label()).into_owned(),
    };
    format!(
        "{at}: {} {} {}\n",
        f.severity,
        escape(&f.rule_id),
        one_line(&f.message)
    )
}

/// `text` on one line: its line breaks (a rule's layout) become spaces, runs of them one,
/// and what remains unsafe is escaped.
fn one_line(text: &str) -> String {
    let joined = text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    escape(&joined).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fit_on_one_line() {
        assert_eq!(one_line("a\n  b\r\n\nc\u{1b}[2J"), "a b c\\e[2J");
    }
}
