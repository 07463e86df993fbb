//! The compliance report as JSON, versioned (`atrest_compliance`), its keys sorted and
//! every list in a fixed order, so that two runs over the same inputs diff cleanly.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::ComplianceReport;
use super::status::{ControlResult, Judged};

pub fn write(report: &ComplianceReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

pub fn document(report: &ComplianceReport) -> Value {
    let c = report.catalog;
    let tally: Map<String, Value> = report
        .tally()
        .into_iter()
        .map(|(s, n)| (s.name().to_owned(), json!(n)))
        .collect();
    let mut header = json!({
        "framework": {
            "id": c.id,
            "name": c.name,
            "version": c.version,
            "catalog_version": c.catalog_version,
            "source": {"title": c.source.title, "url": c.source.url},
            "scope": c.scope,
        },
        "tool": {"name": "atrest", "version": env!("CARGO_PKG_VERSION")},
        "rules": {"count": report.registry.rules().len(), "sha256": report.rules_hash},
        "scope": report.scope.iter().map(|(a, r)| (a.clone(), json!(r))).collect::<Map<_, _>>(),
        "inputs": report.inputs.iter().map(|i| json!({
            "path": i.path, "kind": i.kind, "account": i.account, "region": i.region,
            "size": i.size, "sha256": i.sha256,
        })).collect::<Vec<_>>(),
        "cloudtrail": {
            "outside_layout": report.uncovered_logs,
            "coverage": report.coverage.iter().map(|c| json!({
                "account": c.account, "region": c.region, "files": c.files,
                "first": c.first.to_string(), "last": c.last.to_string(),
                "gaps": c.gaps.iter().map(|(a, b)| json!({"from": a.to_string(), "to": b.to_string()})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "digests": report.digests.as_ref().map(|d| json!({
                "digests": d.digests, "listed": d.listed, "verified": d.verified,
                "missing": d.missing, "altered": d.altered, "unlisted": d.unlisted,
                "chain": d.chain, "errors": d.errors,
                "signatures": "not verified: verifying a digest's signature needs CloudTrail's public keys (aws cloudtrail list-public-keys), which atrest does not fetch",
            })),
        },
        "input_errors": report.input_errors(),
    });
    if let Some(t) = report.as_of {
        header["as_of"] = json!(t.to_string());
    }
    let controls: Vec<Value> = report
        .controls
        .iter()
        .map(|(control, result)| control_value(report, control, result))
        .collect();
    json!({
        "atrest_compliance": super::VERSION,
        "header": header,
        "summary": tally,
        "controls": controls,
    })
}

fn control_value(report: &ComplianceReport, control: &super::Control, r: &ControlResult) -> Value {
    let mut v = json!({
        "id": control.id,
        "title": control.title,
        "level": control.level,
        "assessment": control.assessment.name(),
        "decided": control.decided.name(),
        "source": control.source,
        "audit": control.audit.trim(),
        "status": r.status.name(),
        "counts": {
            "evaluated": r.counts.evaluated,
            "passed": r.counts.passed,
            "failed": r.counts.failed,
            "unknown": r.counts.unknown,
            "excepted": r.counts.excepted,
        },
        "rules": control.rules.iter().map(|m| json!({"rule": m.rule, "coverage": m.coverage.name()})).collect::<Vec<_>>(),
        "missing": r.missing,
        "not_run": r.not_run,
        "resources": r.resources.iter().map(|j| judged(report, j)).collect::<Vec<_>>(),
        "supporting": r.supporting.iter().map(|&i| finding(report, i)).collect::<Vec<_>>(),
        "evidence": r.evidence.iter().map(|&i| finding(report, i)).collect::<Vec<_>>(),
    });
    if !r.accounts.is_empty() {
        v["accounts"] = r
            .accounts
            .iter()
            .map(|(a, s, why)| json!({"account": a, "status": s.name(), "why": why}))
            .collect();
    }
    if let Some(note) = &control.note {
        v["note"] = json!(note);
    }
    v
}

fn judged(report: &ComplianceReport, j: &Judged) -> Value {
    let rules: Vec<Value> = j
        .by_rule
        .iter()
        .map(|(rule, o)| {
            let (status, at, message) = report.describe(o);
            let mut v = json!({"rule": rule, "status": status});
            if !at.is_empty() {
                v["location"] = json!(at);
            }
            if !message.is_empty() {
                v["message"] = json!(message);
            }
            if let super::status::Outcome1::Failed(i) | super::status::Outcome1::Excepted(i) = o {
                v["remediation"] = json!(report.finding(*i).remediation);
                v["fingerprint"] = json!(report.finding(*i).fingerprint);
            }
            v
        })
        .collect();
    json!({
        "arn": j.arn,
        "kind": j.kind.name(),
        "account": j.account,
        "region": j.region,
        "status": j.status.name(),
        "rules": rules,
    })
}

fn finding(report: &ComplianceReport, i: usize) -> Value {
    let f = report.finding(i);
    json!({
        "rule": f.rule_id,
        "subject": f.subject.label(),
        "account": f.account,
        "region": f.region,
        "severity": f.severity.name(),
        "message": f.message,
        "location": report.finding_at(f),
        "fingerprint": f.fingerprint,
    })
}
