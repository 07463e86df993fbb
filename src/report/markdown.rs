//! The compliance report as Markdown, for pull requests and CI job summaries: the header,
//! the tally, then failing and unknown controls with their resources, manual controls with
//! their evidence, and passing ones folded.

use std::io::{self, Write};

use super::ComplianceReport;
use super::status::{ControlResult, Status};

/// Rows shown per control; the JSON and CSV reports list them all.
const ROWS: usize = 50;

/// Text safe in a Markdown table cell: one line, no HTML, no table or code syntax.
pub fn md(text: &str) -> String {
    let text = crate::output::escape::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn write(report: &ComplianceReport, out: &mut dyn Write) -> io::Result<()> {
    let c = report.catalog;
    writeln!(
        out,
        "# {} {}: compliance report\n",
        md(&c.name),
        md(&c.version)
    )?;
    writeln!(out, "| | |\n|---|---|")?;
    writeln!(
        out,
        "| Framework | `{}`, catalog {} ([source]({})) |",
        md(&c.id),
        md(&c.catalog_version),
        c.source.url
    )?;
    writeln!(
        out,
        "| atrest | {}, {} rules (SHA-256 {}) |",
        env!("CARGO_PKG_VERSION"),
        report.registry.rules().len(),
        &report.rules_hash[..16.min(report.rules_hash.len())]
    )?;
    let scope: Vec<String> = report
        .scope
        .iter()
        .map(|(a, regions)| {
            let r: Vec<&str> = regions.iter().map(String::as_str).collect();
            format!("{} ({})", md(a), md(&r.join(", ")))
        })
        .collect();
    writeln!(
        out,
        "| Scope | {} |",
        if scope.is_empty() {
            "nothing read".to_owned()
        } else {
            scope.join("; ")
        }
    )?;
    let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for i in &report.inputs {
        *kinds.entry(i.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{n} {}", md(k)))
        .collect();
    writeln!(
        out,
        "| Inputs | {} files ({}); the manifest with SHA-256 is in the JSON and HTML reports |",
        report.inputs.len(),
        kinds.join(", ")
    )?;
    let errors = report.input_errors();
    if errors > 0 {
        writeln!(
            out,
            "| Input errors | **{errors} inputs could not be read**: controls that needed them are not a pass |"
        )?;
    }
    if let Some(t) = report.as_of {
        writeln!(out, "| Judged at | {t} |")?;
    }
    for cov in &report.coverage {
        let gaps = if cov.gaps.is_empty() {
            "no gap over an hour".to_owned()
        } else {
            let shown: Vec<String> = cov
                .gaps
                .iter()
                .take(5)
                .map(|(a, b)| format!("{a} to {b}"))
                .collect();
            format!(
                "{} gaps over an hour: {}{}",
                cov.gaps.len(),
                shown.join(", "),
                if cov.gaps.len() > 5 { ", ..." } else { "" }
            )
        };
        writeln!(
            out,
            "| CloudTrail {} {} | {} files, {} to {}; {gaps} |",
            md(&cov.account),
            md(&cov.region),
            cov.files,
            cov.first,
            cov.last
        )?;
    }
    if report.uncovered_logs > 0 {
        writeln!(
            out,
            "| CloudTrail outside the layout | {} files not in `AWSLogs/<account>/CloudTrail/<region>/...`: the time they cover is not known |",
            report.uncovered_logs
        )?;
    }
    match &report.digests {
        Some(d) => writeln!(
            out,
            "| Digest files | {} digests list {} log files: {} verified, {} missing, {} altered, {} read but unlisted, {} chain breaks; signatures not verified (they need CloudTrail's public keys) |",
            d.digests,
            d.listed,
            d.verified,
            d.missing.len(),
            d.altered.len(),
            d.unlisted.len(),
            d.chain.len()
        )?,
        None if !report.coverage.is_empty() => writeln!(
            out,
            "| Digest files | none read: the integrity of the logs was not checked |"
        )?,
        None => {}
    }
    let tally: Vec<String> = report
        .tally()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("**{n}** {}", s.name()))
        .collect();
    writeln!(
        out,
        "\n{} of {} controls\n",
        tally.join(" · "),
        report.controls.len()
    )?;
    for (title, statuses) in [
        ("Failing controls", &[Status::Fail][..]),
        ("Controls atrest could not decide", &[Status::Unknown]),
        ("Controls under governed exceptions", &[Status::Excepted]),
        ("Manual controls", &[Status::Manual]),
    ] {
        let shown: Vec<_> = report
            .controls
            .iter()
            .filter(|(_, r)| statuses.contains(&r.status))
            .collect();
        if shown.is_empty() {
            continue;
        }
        writeln!(out, "## {title}\n")?;
        for (control, result) in shown {
            section(report, control, result, out)?;
        }
    }
    let rest: Vec<_> = report
        .controls
        .iter()
        .filter(|(_, r)| matches!(r.status, Status::Pass | Status::NotApplicable))
        .collect();
    if !rest.is_empty() {
        writeln!(out, "## Passing and not applicable controls\n")?;
        writeln!(out, "<details><summary>{} controls</summary>\n", rest.len())?;
        writeln!(
            out,
            "| Control | Title | Status | Evaluated | Proof (first resource) |\n|---|---|---|---|---|"
        )?;
        for (c, r) in rest {
            let proof = r
                .resources
                .first()
                .and_then(|j| j.by_rule.first())
                .map(|(_, o)| report.describe(o).1)
                .unwrap_or_default();
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&c.id),
                md(&c.title),
                r.status.name(),
                r.counts.evaluated,
                md(&proof)
            )?;
        }
        writeln!(out, "\n</details>")?;
    }
    Ok(())
}

fn section(
    report: &ComplianceReport,
    c: &super::Control,
    r: &ControlResult,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "### {} {} ({})\n",
        md(&c.id),
        md(&c.title),
        r.status.name().to_uppercase()
    )?;
    writeln!(
        out,
        "{}, {}. {} evaluated: {} failed, {} unknown, {} excepted, {} passed.\n",
        md(&c.level),
        c.assessment.name(),
        r.counts.evaluated,
        r.counts.failed,
        r.counts.unknown,
        r.counts.excepted,
        r.counts.passed
    )?;
    for m in &r.missing {
        writeln!(out, "- not read: {}", md(m))?;
    }
    for n in &r.not_run {
        writeln!(out, "- rule not run: {}", md(n))?;
    }
    for (a, s, why) in &r.accounts {
        writeln!(out, "- account {}: {} ({})", md(a), s.name(), md(why))?;
    }
    let rows: Vec<_> = r
        .resources
        .iter()
        .filter(|j| !matches!(j.status, Status::Pass | Status::NotApplicable))
        .flat_map(|j| j.by_rule.iter().map(move |(rule, o)| (j, rule, o)))
        .filter(|(_, _, o)| !matches!(o, super::status::Outcome1::Passed(_)))
        .collect();
    if !rows.is_empty() {
        writeln!(
            out,
            "\n| Resource | Account | Region | Rule | Status | Where | Message |\n|---|---|---|---|---|---|---|"
        )?;
        for (j, rule, o) in rows.iter().take(ROWS) {
            let (status, at, message) = report.describe(o);
            writeln!(
                out,
                "| {} | {} | {} | {} | {status} | {} | {} |",
                md(&j.arn),
                md(&j.account),
                md(&j.region),
                md(rule),
                md(&at),
                md(&message)
            )?;
        }
        if rows.len() > ROWS {
            writeln!(
                out,
                "\n{} more in the JSON and CSV reports.",
                rows.len() - ROWS
            )?;
        }
        if let Some((_, _, super::status::Outcome1::Failed(i))) = rows.first() {
            let remediation = &report.finding(*i).remediation;
            if !remediation.trim().is_empty() {
                writeln!(
                    out,
                    "\nRemediation (for the first):\n\n```sh\n{}\n```",
                    remediation.trim().replace("```", "'''")
                )?;
            }
        }
    }
    if !r.evidence.is_empty() {
        writeln!(
            out,
            "\nEvidence from CloudTrail ({} findings):\n",
            r.evidence.len()
        )?;
        for &i in r.evidence.iter().take(ROWS) {
            let f = report.finding(i);
            writeln!(
                out,
                "- {} {}: {} ({})",
                md(&f.rule_id),
                md(&f.subject.label()),
                md(&f.message),
                md(&report.finding_at(f))
            )?;
        }
    }
    if !r.supporting.is_empty() {
        writeln!(
            out,
            "\nSupporting findings (partial rules, not deciding): {}",
            r.supporting.len()
        )?;
    }
    writeln!(out)
}
