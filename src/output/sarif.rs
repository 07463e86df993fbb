//! `--format sarif`: SARIF 2.1.0, valid against the OASIS schema. Rules are listed from the
//! registry with help text and a default level; results carry 1-based regions, URIs
//! relative to `%SRCROOT%` (the working directory) and `partialFingerprints`.

use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::diagnostic::Level;
use crate::finding::Severity;
use crate::finding::{Finding, Subject};
use crate::rules::Rule;

use super::{Place, Report};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Log(report))?;
    writeln!(out)
}

/// The whole log as one value (for tests and small reports).
pub fn document(report: &Report) -> Value {
    serde_json::to_value(Log(report)).unwrap_or(Value::Null)
}

/// The log, serialised with each result built and written in turn, so that a report of
/// many findings never exists as one tree in memory.
struct Log<'a, 'r>(&'a Report<'r>);

impl Serialize for Log<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("version", "2.1.0")?;
        map.serialize_entry("runs", &[Run(self.0)])?;
        map.end()
    }
}

struct Run<'a, 'r>(&'a Report<'r>);

impl Serialize for Run<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let rules: Vec<Value> = report.registry.rules().iter().map(rule).collect();
        let tool = json!({
            "driver": {
                "name": "atrest",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/atrest/atrest",
                "rules": rules,
            }
        });
        let invocations = json!([{
            "executionSuccessful": !report.outcome.has_errors(),
            "toolExecutionNotifications": notifications(report),
        }]);
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("tool", &tool)?;
        map.serialize_entry("invocations", &invocations)?;
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
        map.serialize_entry("results", &Results(report))?;
        map.end()
    }
}

struct Results<'a, 'r>(&'a Report<'r>);

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.outcome.findings.iter().map(|f| result(report, f)))
    }
}

fn notifications(report: &Report) -> Vec<Value> {
    report
        .outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut n = json!({
                "level": if d.level == Level::Error { "error" } else { "warning" },
                "message": {"text": d.message},
            });
            let mut physical = json!({"artifactLocation": artifact(&super::display_path(&d.path))});
            if let Some(line) = d.line.filter(|l| *l > 0) {
                physical["region"] =
                    json!({"startLine": line, "startColumn": d.column.unwrap_or(1).max(1)});
            }
            n["locations"] = json!([{"physicalLocation": physical}]);
            n
        })
        .collect()
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like score as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn rule(r: &Rule) -> Value {
    let mut tags: Vec<String> = vec!["security".into(), r.target.name().to_owned()];
    for (framework, ids) in &r.compliance {
        tags.extend(ids.iter().map(|id| format!("{framework}/{id}")));
    }
    tags.extend(r.tags.iter().cloned());
    let mut markdown = format!(
        "{}\n\n**Remediation**\n\n```sh\n{}\n```\n",
        r.description.trim(),
        r.remediation_text.trim()
    );
    if let Some(why) = &r.rationale {
        markdown = format!("{}\n\n{}", why.trim(), markdown);
    }
    if !r.references.is_empty() {
        markdown.push_str("\n**References**\n\n");
        for link in &r.references {
            markdown.push_str(&format!("- <{link}>\n"));
        }
    }
    let mut v = json!({
        "id": r.id,
        "name": pascal(&r.id),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.description.trim()},
        "help": {"text": r.help(), "markdown": markdown},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "tags": tags,
            "precision": "high",
            "problem.severity": match r.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "recommendation",
            },
            "security-severity": security_severity(r.severity),
        }
    });
    if let Some(first) = r.references.first() {
        v["helpUri"] = json!(first);
    }
    v
}

fn result(report: &Report, f: &Finding) -> Value {
    let rule_index = f.rule;
    let mut text = f.message.clone();
    if !f.remediation.is_empty() {
        text.push_str(&format!("\nRemediation: {}", f.remediation));
    }
    let mut m = Map::new();
    m.insert("ruleId".into(), json!(f.rule_id));
    m.insert("ruleIndex".into(), json!(rule_index));
    m.insert("level".into(), json!(level(f.severity)));
    m.insert("message".into(), json!({"text": text}));
    let logical = match &f.subject {
        Subject::Resource { arn, kind } => json!({"fullyQualifiedName": arn, "kind": kind.name()}),
        Subject::Event { id, name, .. } => {
            json!({"fullyQualifiedName": format!("{name}/{id}"), "kind": "cloudtrail-event"})
        }
    };
    let mut location = json!({"logicalLocations": [logical]});
    if let Some(loc) = &f.primary {
        location["physicalLocation"] = physical(&report.place(loc));
        if !f.primary_note.is_empty() {
            location["message"] = json!({"text": f.primary_note});
        }
    }
    m.insert("locations".into(), json!([location]));
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": i + 1,
                "physicalLocation": physical(&report.place(&r.loc)),
                "message": {"text": r.note},
            })
        })
        .collect();
    if !related.is_empty() {
        m.insert("relatedLocations".into(), Value::Array(related));
    }
    m.insert(
        "partialFingerprints".into(),
        json!({"atrest/v1": f.fingerprint}),
    );
    let mut properties = json!({"severity": f.severity.name()});
    match &f.subject {
        Subject::Resource { arn, kind } => {
            properties["resource"] = json!(arn);
            properties["resourceKind"] = json!(kind.name());
        }
        Subject::Event {
            id,
            time,
            name,
            source,
            resource,
        } => {
            properties["event"] = json!({"id": id, "time": time, "name": name, "source": source});
            if let Some(r) = resource {
                properties["event"]["resource"] = json!(r);
            }
        }
    }
    m.insert("properties".into(), properties);
    Value::Object(m)
}

fn physical(p: &Place) -> Value {
    let mut v = json!({"artifactLocation": artifact(&p.path)});
    if let Some(s) = p.span {
        // A multi-line value (an object) is shown by its first line.
        let (end_line, end_column) = if s.end_line == s.line {
            (s.end_line, s.end_column.max(s.column + 1))
        } else {
            (s.line, s.column + 1)
        };
        v["region"] = json!({
            "startLine": s.line.max(1),
            "startColumn": s.column.max(1),
            "endLine": end_line.max(1),
            "endColumn": end_column.max(2),
        });
    }
    v
}

fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", uri_escape(path))})
    } else {
        json!({"uri": uri_escape(path), "uriBaseId": "%SRCROOT%"})
    }
}

/// Percent-encodes what a URI path cannot hold.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `ebs-volume-key-unusable` → `EbsVolumeKeyUnusable` (SARIF's readable rule name).
fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal("ebs-volume-key-unusable"), "EbsVolumeKeyUnusable");
        assert_eq!(
            uri_escape("samples/lab/a b%.json"),
            "samples/lab/a%20b%25.json"
        );
        assert_eq!(artifact("/tmp/x.json")["uri"], "file:///tmp/x.json");
        assert_eq!(artifact("x.json")["uriBaseId"], "%SRCROOT%");
    }
}
