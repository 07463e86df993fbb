//! The compliance report as one self-contained HTML file: no script, no external style or
//! font; failing controls first and open, passing ones folded, the deciding lines shown,
//! and a print style that unfolds everything.

use std::io::{self, Write};

use super::ComplianceReport;
use super::status::{ControlResult, Outcome1, Status};

/// Text safe in HTML element content and attribute values.
pub fn h(text: &str) -> String {
    let text = crate::output::escape::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,.loc{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.st{display:inline-block;padding:0 .5rem;border-radius:1rem;font-weight:600;font-size:12px}
.fail{background:#ffebe9;color:#a40e26}.unknown{background:#fff8c5;color:#7d4e00}.excepted{background:#ddf4ff;color:#0a3069}
.manual{background:#eaeef2;color:#424a53}.pass{background:#dafbe1;color:#116329}.not_applicable{background:#f6f8fa;color:#57606a}
details{margin:.5rem 0;border:1px solid #d0d7de;border-radius:6px;padding:.25rem .75rem}summary{cursor:pointer;font-weight:600}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;white-space:pre-wrap}
@media print{details{border:none}details>*{display:block!important}summary{list-style:none}body{margin:0;max-width:none}}
";

fn badge(s: Status) -> String {
    format!("<span class=\"st {0}\">{0}</span>", s.name())
}

pub fn write(report: &ComplianceReport, out: &mut dyn Write) -> io::Result<()> {
    let c = report.catalog;
    let mut w = String::new();
    w.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    w.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    w.push_str(&format!(
        "<title>{} {}: atrest compliance report</title>\n<style>{STYLE}</style></head><body>\n",
        h(&c.name),
        h(&c.version)
    ));
    w.push_str(&format!("<h1>{} {}</h1>\n", h(&c.name), h(&c.version)));
    w.push_str("<table>\n");
    let mut row = |k: &str, v: String| w.push_str(&format!("<tr><th>{k}</th><td>{v}</td></tr>\n"));
    row(
        "Framework",
        format!(
            "<code>{}</code>, catalog {} (source: {} — <span class=\"loc\">{}</span>)",
            h(&c.id),
            h(&c.catalog_version),
            h(&c.source.title),
            h(&c.source.url)
        ),
    );
    row("Scope of the catalog", h(&c.scope));
    row(
        "atrest",
        format!(
            "{}, {} rules, rule set SHA-256 <span class=\"loc\">{}</span>",
            env!("CARGO_PKG_VERSION"),
            report.registry.rules().len(),
            h(&report.rules_hash)
        ),
    );
    let scope: Vec<String> = report
        .scope
        .iter()
        .map(|(a, r)| {
            format!(
                "{} ({})",
                h(a),
                h(&r.iter().cloned().collect::<Vec<_>>().join(", "))
            )
        })
        .collect();
    row("Accounts (regions seen)", scope.join("; "));
    if let Some(t) = report.as_of {
        row("Judged at", h(&t.to_string()));
    }
    let errors = report.input_errors();
    if errors > 0 {
        row(
            "Input errors",
            format!(
                "<strong>{errors} inputs could not be read</strong>: controls that needed them are not a pass"
            ),
        );
    }
    for cov in &report.coverage {
        let gaps: Vec<String> = cov
            .gaps
            .iter()
            .map(|(a, b)| format!("{a} to {b}"))
            .collect();
        row(
            &format!("CloudTrail {} {}", h(&cov.account), h(&cov.region)),
            format!(
                "{} files from {} to {}{}",
                cov.files,
                cov.first,
                cov.last,
                if gaps.is_empty() {
                    "; no gap over an hour".to_owned()
                } else {
                    format!("; gaps over an hour: {}", h(&gaps.join(", ")))
                }
            ),
        );
    }
    if report.uncovered_logs > 0 {
        row(
            "CloudTrail outside the layout",
            format!(
                "{} files not in <code>AWSLogs/&lt;account&gt;/CloudTrail/&lt;region&gt;/...</code>: the time they cover is not known",
                report.uncovered_logs
            ),
        );
    }
    if let Some(d) = &report.digests {
        let list = |name: &str, items: &[String]| {
            if items.is_empty() {
                String::new()
            } else {
                format!("<br>{name}: {}", h(&items.join(", ")))
            }
        };
        row(
            "Digest files",
            format!(
                "{} digests list {} log files: {} verified{}{}{}{}{}<br>Signatures are not verified: that needs CloudTrail's public keys (<code>aws cloudtrail list-public-keys</code>).",
                d.digests,
                d.listed,
                d.verified,
                list("missing", &d.missing),
                list("altered", &d.altered),
                list("read but unlisted", &d.unlisted),
                list("chain", &d.chain),
                list("unreadable", &d.errors)
            ),
        );
    } else if !report.coverage.is_empty() {
        row(
            "Digest files",
            "none read: the integrity of the logs was not checked".to_owned(),
        );
    }
    w.push_str("</table>\n");
    let tally: Vec<String> = report
        .tally()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", badge(s)))
        .collect();
    w.push_str(&format!(
        "<p>{} of {} controls</p>\n",
        tally.join(" "),
        report.controls.len()
    ));
    for (control, result) in &report.controls {
        control_html(report, control, result, &mut w);
    }
    w.push_str("<h2>Inputs</h2>\n<details><summary>");
    w.push_str(&format!("{} files</summary>\n<table><tr><th>Path</th><th>Kind</th><th>Account</th><th>Region</th><th>Bytes</th><th>SHA-256</th></tr>\n", report.inputs.len()));
    for i in &report.inputs {
        w.push_str(&format!(
            "<tr><td class=\"loc\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"loc\">{}</td></tr>\n",
            h(&i.path),
            h(&i.kind),
            h(&i.account),
            h(&i.region),
            i.size,
            h(&i.sha256)
        ));
    }
    w.push_str("</table></details>\n</body></html>\n");
    out.write_all(w.as_bytes())
}

fn control_html(report: &ComplianceReport, c: &super::Control, r: &ControlResult, w: &mut String) {
    let open = matches!(r.status, Status::Fail | Status::Unknown | Status::Excepted);
    w.push_str(&format!(
        "<details id=\"control-{}\"{}><summary>{} {} {} <small>({} evaluated: {} failed, {} unknown, {} excepted, {} passed)</small></summary>\n",
        h(&c.id),
        if open { " open" } else { "" },
        badge(r.status),
        h(&c.id),
        h(&c.title),
        r.counts.evaluated,
        r.counts.failed,
        r.counts.unknown,
        r.counts.excepted,
        r.counts.passed
    ));
    let rules: Vec<String> = c
        .rules
        .iter()
        .map(|m| format!("<code>{}</code> ({})", h(&m.rule), m.coverage.name()))
        .collect();
    w.push_str(&format!(
        "<p>{}, {} by the framework, decided {}. Rules: {}. Source: <span class=\"loc\">{}</span></p>\n<p>Audit: {}</p>\n",
        h(&c.level),
        c.assessment.name(),
        c.decided.name().replace('_', " "),
        if rules.is_empty() { "none (manual)".to_owned() } else { rules.join(", ") },
        h(&c.source),
        h(c.audit.trim())
    ));
    if let Some(note) = &c.note {
        w.push_str(&format!("<p><em>{}</em></p>\n", h(note)));
    }
    for m in &r.missing {
        w.push_str(&format!("<p>Not read: {}</p>\n", h(m)));
    }
    for n in &r.not_run {
        w.push_str(&format!("<p>Rule not run: {}</p>\n", h(n)));
    }
    for (a, s, why) in &r.accounts {
        w.push_str(&format!(
            "<p>Account {}: {} {}</p>\n",
            h(a),
            badge(*s),
            h(why)
        ));
    }
    if !r.resources.is_empty() {
        w.push_str("<table><tr><th>Resource</th><th>Account</th><th>Region</th><th>Rule</th><th>Status</th><th>Deciding line</th><th>Message and remediation</th></tr>\n");
        for j in &r.resources {
            for (rule, o) in &j.by_rule {
                let (status, at, message) = report.describe(o);
                let remediation = match o {
                    Outcome1::Failed(i) => {
                        let text = &report.finding(*i).remediation;
                        if text.trim().is_empty() {
                            String::new()
                        } else {
                            format!("<pre>{}</pre>", h(text.trim()).replace("\\n", "\n"))
                        }
                    }
                    _ => String::new(),
                };
                w.push_str(&format!(
                    "<tr><td class=\"loc\">{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><span class=\"st {status}\">{status}</span></td><td class=\"loc\">{}</td><td>{}{remediation}</td></tr>\n",
                    h(&j.arn),
                    h(&j.account),
                    h(&j.region),
                    h(rule),
                    h(&at),
                    h(&message)
                ));
            }
        }
        w.push_str("</table>\n");
    }
    for (name, list) in [
        ("Evidence from CloudTrail", &r.evidence),
        ("Supporting findings (partial rules)", &r.supporting),
    ] {
        if list.is_empty() {
            continue;
        }
        w.push_str(&format!("<p>{name}:</p><ul>\n"));
        for &i in list {
            let f = report.finding(i);
            w.push_str(&format!(
                "<li><code>{}</code> {}: {} <span class=\"loc\">{}</span></li>\n",
                h(&f.rule_id),
                h(&f.subject.label()),
                h(&f.message),
                h(&report.finding_at(f))
            ));
        }
        w.push_str("</ul>\n");
    }
    w.push_str("</details>\n");
}
