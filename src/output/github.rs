//! `--format github`: one GitHub Actions workflow command per finding, which the runner
//! shows as an annotation on the file and line that decided it:
//! `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=RULE (severity)::MESSAGE`.
//! `error` for critical and high, `warning` for medium, `notice` for low and info; the
//! remediation on the message's next line. Suppressed findings are not annotated.
//!
//! Text from inputs is escaped twice: control characters as everywhere (`escape.rs`), then
//! as GitHub's runner reads commands (`%`, CR and LF in the message; also `:` and `,` in
//! properties), so that no value ends the command or starts another one.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{Finding, Severity};

use super::Report;
use super::escape::{escape, escape_keep_lines};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Suppressed findings, and those a baseline already holds, are not annotated.
    for f in &report.outcome.findings {
        if !f.counts() {
            continue;
        }
        out.write_all(command(report, f).as_bytes())?;
    }
    Ok(())
}

fn command_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// The workflow command of one finding, newline included.
pub fn command(report: &Report, f: &Finding) -> String {
    let mut properties: Vec<(&str, String)> = Vec::new();
    if let Some(loc) = &f.primary {
        let p = report.place(loc);
        properties.push(("file", escape(&p.path).into_owned()));
        if let Some(s) = p.span {
            properties.push(("line", s.line.max(1).to_string()));
            properties.push(("col", s.column.max(1).to_string()));
            if s.end_line == s.line {
                properties.push(("endLine", s.line.max(1).to_string()));
                properties.push(("endColumn", s.end_column.max(s.column + 1).to_string()));
            } else {
                properties.push(("endLine", s.end_line.max(s.line).to_string()));
            }
        }
    }
    properties.push((
        "title",
        format!("{} ({})", escape(&f.rule_id), f.severity.name()),
    ));
    let mut text = format!("::{}", command_name(f.severity));
    for (i, (key, value)) in properties.iter().enumerate() {
        let _ = write!(
            text,
            "{}{key}={}",
            if i == 0 { " " } else { "," },
            property(value)
        );
    }
    let mut message = escape_keep_lines(f.message.trim()).into_owned();
    let remediation = f.remediation.trim();
    if !remediation.is_empty() {
        message.push_str("\nRemediation: ");
        message.push_str(&escape_keep_lines(remediation));
    }
    let _ = writeln!(text, "::{}", data(&message));
    text
}

/// A command's message: `%`, CR and LF percent-encoded.
pub fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A property's value: as [`data`], and `:` and `,`, which end a property.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_end_the_command() {
        assert_eq!(data("100%\r\n::error::x"), "100%25%0D%0A::error::x");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
