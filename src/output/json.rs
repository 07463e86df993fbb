//! `--format json`: schema version 1, documented in docs/json-output.md. Built field by
//! field from the findings, never by serialising internal structs, so that it only changes
//! on purpose.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::diagnostic::Level;
use crate::finding::Severity;
use crate::finding::{Finding, Subject};

use super::{Place, Report, display_path};

pub const VERSION: u32 = 1;

/// Writes the document as `serde_json::to_writer_pretty` would write [`Document`], with the
/// findings built and printed in parallel, a batch at a time: a log scan may report hundreds
/// of thousands, and memory holds one batch of their text, never the whole report.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let tool = json!({"name": "atrest", "version": env!("CARGO_PKG_VERSION")});
    out.write_all(b"{\n")?;
    entry(out, "version", &json!(VERSION))?;
    out.write_all(b",\n")?;
    entry(out, "tool", &tool)?;
    out.write_all(b",\n")?;
    entry(out, "summary", &summary(report))?;
    out.write_all(b",\n  \"findings\": ")?;
    findings(report, out)?;
    out.write_all(b",\n")?;
    entry(out, "diagnostics", &diagnostics(report))?;
    out.write_all(b"\n}\n")
}

/// Findings printed per batch, and per parallel task within a batch.
const BATCH: usize = 8192;
const TASK: usize = 256;

/// The findings array as it stands at depth 1 of the document.
fn findings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    let all = &report.outcome.findings;
    if all.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (b, batch) in all.chunks(BATCH).enumerate() {
        let texts: Vec<Vec<u8>> = batch
            .par_chunks(TASK)
            .enumerate()
            .map(|(t, task)| {
                let mut text = Vec::with_capacity(task.len() * 1024);
                for (i, f) in task.iter().enumerate() {
                    if b + t + i > 0 {
                        text.push(b',');
                    }
                    text.extend_from_slice(b"\n    ");
                    indented(&mut text, &finding(report, f), b"\n    ");
                }
                text
            })
            .collect();
        for text in texts {
            out.write_all(&text)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// `  "key": value`, the value pretty-printed at depth 1.
fn entry(out: &mut dyn Write, key: &str, value: &Value) -> io::Result<()> {
    let mut text = b"  ".to_vec();
    serde_json::to_writer(&mut text, key)?;
    text.extend_from_slice(b": ");
    indented(&mut text, value, b"\n  ");
    out.write_all(&text)
}

/// `value` pretty-printed, each line after the first starting with `newline` (a newline and
/// the indentation of its depth): a JSON text holds newlines only between tokens.
fn indented(text: &mut Vec<u8>, value: &Value, newline: &[u8]) {
    let pretty = serde_json::to_vec_pretty(value).unwrap_or_default();
    let mut rest = &pretty[..];
    while let Some(at) = memchr::memchr(b'\n', rest) {
        text.extend_from_slice(&rest[..at]);
        text.extend_from_slice(newline);
        rest = &rest[at + 1..];
    }
    text.extend_from_slice(rest);
}

/// The whole document as one value (for tests and small reports).
pub fn document(report: &Report) -> Value {
    serde_json::to_value(Document(report)).unwrap_or(Value::Null)
}

/// Serialises the document with each finding built and written in turn, so that a report
/// of many findings never exists as one tree in memory.
struct Document<'a, 'r>(&'a Report<'r>);

impl Serialize for Document<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let tool = json!({"name": "atrest", "version": env!("CARGO_PKG_VERSION")});
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("version", &VERSION)?;
        map.serialize_entry("tool", &tool)?;
        map.serialize_entry("summary", &summary(report))?;
        map.serialize_entry("findings", &Findings(report))?;
        map.serialize_entry("diagnostics", &diagnostics(report))?;
        map.end()
    }
}

struct Findings<'a, 'r>(&'a Report<'r>);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.outcome.findings.iter().map(|f| finding(report, f)))
    }
}

fn diagnostics(report: &Report) -> Value {
    let diagnostics: Vec<Value> = report
        .outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert("level".into(), json!(level(d.level)));
            m.insert("path".into(), json!(display_path(&d.path)));
            if let Some(line) = d.line {
                m.insert("line".into(), json!(line));
            }
            if let Some(column) = d.column {
                m.insert("column".into(), json!(column));
            }
            m.insert("message".into(), json!(d.message));
            Value::Object(m)
        })
        .collect();
    Value::Array(diagnostics)
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn summary(report: &Report) -> Value {
    let outcome = report.outcome;
    let mut by_severity: BTreeMap<&str, usize> =
        Severity::ALL.iter().map(|s| (s.name(), 0)).collect();
    for f in &outcome.findings {
        *by_severity.entry(f.severity.name()).or_default() += 1;
    }
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let accounts: Map<String, Value> = super::accounts::per_account(outcome, false)
        .into_iter()
        .map(|(account, c)| {
            let counts = json!({
                "resources": c.resources,
                "findings": c.findings,
                "by_severity": c.by_severity,
            });
            (account.to_owned(), counts)
        })
        .collect();
    let mut s = json!({
        "findings": outcome.findings.len(),
        "by_severity": by_severity,
        "files": outcome.stats.files,
        "resources": outcome.stats.resources,
        "events": outcome.stats.events,
        "errors": errors,
        "warnings": outcome.diagnostics.len() - errors,
        "accounts": accounts,
    });
    let suppressed = outcome
        .findings
        .iter()
        .filter(|f| f.suppression.is_some())
        .count();
    s["suppressed"] = json!(suppressed);
    s["counted"] = json!(outcome.findings.iter().filter(|f| f.counts()).count());
    if let Some(b) = &outcome.baseline {
        let absent: Vec<Value> = b
            .absent
            .iter()
            .map(|e| {
                let mut v = json!({"fingerprint": e.fingerprint, "rule_id": e.rule_id, "subject": e.subject});
                if !e.account.is_empty() {
                    v["account"] = json!(e.account);
                }
                v
            })
            .collect();
        s["baseline"] = json!({
            "path": b.path,
            "new": b.new,
            "unchanged": b.unchanged,
            "absent": absent,
        });
    }
    s
}

fn finding(report: &Report, f: &Finding) -> Value {
    let rule = report.registry.get(f.rule);
    let mut m = Map::new();
    m.insert("rule_id".into(), json!(f.rule_id));
    m.insert("title".into(), json!(rule.title));
    m.insert("severity".into(), json!(f.severity.name()));
    match &f.subject {
        Subject::Resource { arn, kind } => {
            m.insert("resource".into(), json!({"arn": arn, "kind": kind.name()}));
        }
        Subject::Event {
            id,
            time,
            name,
            source,
            resource,
        } => {
            let mut e = json!({"id": id, "time": time, "name": name, "source": source});
            if let Some(r) = resource {
                e["resource"] = json!(r);
            }
            m.insert("event".into(), e);
        }
    }
    m.insert("message".into(), json!(f.message));
    m.insert("remediation".into(), json!(f.remediation));
    if let Some(loc) = &f.primary {
        m.insert(
            "location".into(),
            place(&report.place(loc), &f.primary_note),
        );
    }
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|r| place(&report.place(&r.loc), &r.note))
        .collect();
    m.insert("related".into(), Value::Array(related));
    m.insert("fingerprint".into(), json!(f.fingerprint));
    m.insert("compliance".into(), json!(rule.compliance));
    if !f.account.is_empty() {
        m.insert("account".into(), json!(f.account));
    }
    if !f.region.is_empty() {
        m.insert("region".into(), json!(f.region));
    }
    if let Some(s) = &f.suppression {
        m.insert("suppression".into(), suppression(s));
    }
    if let Some(state) = f.baseline {
        m.insert("baseline".into(), json!(state.name()));
    }
    Value::Object(m)
}

fn suppression(s: &crate::finding::Suppression) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(s.kind.name()));
    m.insert("reason".into(), json!(s.reason));
    if !s.owner.is_empty() {
        m.insert("owner".into(), json!(s.owner));
    }
    if let Some(e) = &s.expires {
        m.insert("expires".into(), json!(e));
    }
    m.insert("origin".into(), json!(s.origin));
    Value::Object(m)
}

fn place(p: &Place, note: &str) -> Value {
    let mut m = Map::new();
    m.insert("path".into(), json!(p.path));
    if let Some(s) = p.span {
        m.insert("line".into(), json!(s.line));
        m.insert("column".into(), json!(s.column));
        m.insert("end_line".into(), json!(s.end_line));
        m.insert("end_column".into(), json!(s.end_column));
    }
    m.insert("pointer".into(), json!(p.pointer));
    if !note.is_empty() {
        m.insert("note".into(), json!(note));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Registry;

    /// The parallel writer prints what serde_json prints for the document, byte for byte,
    /// across batch and task boundaries, and with no findings at all.
    #[test]
    fn parallel_writing_prints_the_pretty_document() {
        let registry = Registry::load(true, &[]).expect("built-in rules");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut outcome = crate::scan::scan(&[root.join("samples/lab")], &registry);
        assert!(!outcome.findings.is_empty());
        for n in [0, 1, 2 * BATCH + TASK + 3] {
            let sample = outcome.findings.clone();
            outcome.findings = sample.iter().cycle().take(n).cloned().collect();
            let report = Report::new(&outcome, &registry);
            let mut ours = Vec::new();
            write(&report, &mut ours).expect("written");
            let mut theirs = serde_json::to_vec_pretty(&Document(&report)).expect("printed");
            theirs.push(b'\n');
            assert!(ours == theirs, "{n} findings print differently");
            outcome.findings = sample;
        }
    }
}
