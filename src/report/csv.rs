//! The compliance report as CSV: the controls (one row each) and the results (one row per
//! control and resource), which name their control by id instead of repeating its text.
//! Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) are quoted
//! with a leading `'`.

use std::io::{self, Write};

use super::ComplianceReport;

/// One CSV cell, quoted when it must be (RFC 4180), defused when it would be a formula.
fn cell(text: &str) -> String {
    let text = crate::output::escape::escape(text);
    let defused = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.into_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) || defused.starts_with(' ') {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn row(out: &mut dyn Write, cells: &[&str]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

pub fn write_controls(report: &ComplianceReport, out: &mut dyn Write) -> io::Result<()> {
    row(
        out,
        &[
            "framework",
            "control",
            "title",
            "level",
            "assessment",
            "decided",
            "status",
            "evaluated",
            "passed",
            "failed",
            "unknown",
            "excepted",
            "rules",
            "missing",
            "source",
        ],
    )?;
    for (c, r) in &report.controls {
        let rules: Vec<String> = c
            .rules
            .iter()
            .map(|m| format!("{} ({})", m.rule, m.coverage.name()))
            .collect();
        let n = |v: usize| v.to_string();
        row(
            out,
            &[
                &report.catalog.id,
                &c.id,
                &c.title,
                &c.level,
                c.assessment.name(),
                c.decided.name(),
                r.status.name(),
                &n(r.counts.evaluated),
                &n(r.counts.passed),
                &n(r.counts.failed),
                &n(r.counts.unknown),
                &n(r.counts.excepted),
                &rules.join("; "),
                &r.missing.join("; "),
                &c.source,
            ],
        )?;
    }
    Ok(())
}

pub fn write_results(report: &ComplianceReport, out: &mut dyn Write) -> io::Result<()> {
    row(
        out,
        &[
            "control", "account", "region", "resource", "kind", "rule", "status", "location",
            "message",
        ],
    )?;
    for (c, r) in &report.controls {
        for j in &r.resources {
            for (rule, o) in &j.by_rule {
                let (status, at, message) = report.describe(o);
                row(
                    out,
                    &[
                        &c.id,
                        &j.account,
                        &j.region,
                        &j.arn,
                        j.kind.name(),
                        rule,
                        status,
                        &at,
                        &message,
                    ],
                )?;
            }
        }
        for &i in r.evidence.iter().chain(&r.supporting) {
            let f = report.finding(i);
            let kind = if r.evidence.contains(&i) {
                "evidence"
            } else {
                "supporting"
            };
            row(
                out,
                &[
                    &c.id,
                    &f.account,
                    &f.region,
                    &f.subject.label(),
                    kind,
                    &f.rule_id,
                    kind,
                    &report.finding_at(f),
                    &f.message,
                ],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            cell("line\nbreak"),
            "line\\nbreak",
            "control characters are escaped"
        );
    }
}
