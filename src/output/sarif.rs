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
        let report = self.0;
        if report.options.sarif_per_account {
            let accounts = accounts_of(report);
            let runs: Vec<Run> = accounts
                .iter()
                .map(|a| Run {
                    report,
                    account: Some(a.as_str()),
                })
                .collect();
            map.serialize_entry("runs", &runs)?;
        } else {
            map.serialize_entry(
                "runs",
                &[Run {
                    report,
                    account: None,
                }],
            )?;
        }
        map.end()
    }
}

/// The accounts of the findings, for one run per account (findings without an account in a
/// run of their own, named `unknown`).
fn accounts_of(report: &Report) -> Vec<String> {
    let mut accounts: Vec<String> = report
        .outcome
        .findings
        .iter()
        .map(|f| account_or_unknown(f).to_owned())
        .collect();
    accounts.sort();
    accounts.dedup();
    if accounts.is_empty() {
        accounts.push(UNKNOWN.to_owned());
    }
    accounts
}

const UNKNOWN: &str = "unknown";

fn account_or_unknown(f: &Finding) -> &str {
    if f.account.is_empty() {
        UNKNOWN
    } else {
        &f.account
    }
}

/// GitHub code scanning's limit of results in one run.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;

/// The run's `automationDetails.id`, whose part before the last `/` is GitHub's category:
/// `--sarif-category`, else `atrest/<account>/` when the run is one account's, else
/// `atrest/`.
fn automation_id(report: &Report, account: Option<&str>) -> String {
    let single = || {
        let accounts = accounts_of(report);
        (accounts.len() == 1 && accounts[0] != UNKNOWN).then(|| accounts[0].clone())
    };
    let category = match (&report.options.sarif_category, account) {
        (Some(c), None) => c.trim_end_matches('/').to_owned(),
        (Some(c), Some(a)) => format!("{}/{a}", c.trim_end_matches('/')),
        (None, Some(a)) => format!("atrest/{a}"),
        (None, None) => match single() {
            Some(a) => format!("atrest/{a}"),
            None => "atrest".to_owned(),
        },
    };
    format!("{category}/")
}

struct Run<'a, 'r> {
    report: &'a Report<'r>,
    /// Only this account's findings (`--sarif-per-account`).
    account: Option<&'a str>,
}

impl Serialize for Run<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.report;
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
        let mut invocation = json!({
            "executionSuccessful": !report.outcome.has_errors(),
            "toolExecutionNotifications": notifications(report),
        });
        let root = working_directory();
        if let Some(root) = &root {
            invocation["workingDirectory"] = json!({"uri": root});
        }
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("tool", &tool)?;
        map.serialize_entry("invocations", &[invocation])?;
        map.serialize_entry(
            "automationDetails",
            &json!({"id": automation_id(report, self.account)}),
        )?;
        if let Some(root) = &root {
            map.serialize_entry(
                "originalUriBaseIds",
                &json!({"%SRCROOT%": {"uri": root, "description": {"text": "The directory atrest ran in: paths of inputs are relative to it."}}}),
            )?;
        }
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
        map.serialize_entry(
            "results",
            &Results {
                report,
                account: self.account,
            },
        )?;
        if report.outcome.baseline.is_some() {
            map.serialize_entry("baselineGuid", &baseline_guid(report))?;
        }
        map.end()
    }
}

/// The working directory as a `file://` URI ending in `/`: SARIF's `%SRCROOT%`.
fn working_directory() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let path = cwd.to_str()?;
    let mut uri = format!("file://{}", uri_escape(path));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// A GUID naming the baseline a run was compared with (derived from its path, so that two
/// runs against the same baseline agree).
fn baseline_guid(report: &Report) -> String {
    let path = report
        .outcome
        .baseline
        .as_ref()
        .map_or("", |b| b.path.as_str());
    let a = crate::finding::fingerprint("baseline", path);
    let b = crate::finding::fingerprint(path, "baseline");
    format!(
        "{}-{}-4{}-8{}-{}",
        &a[..8],
        &a[8..12],
        &a[13..16],
        &b[1..4],
        &b[4..16]
    )
}

struct Results<'a, 'r> {
    report: &'a Report<'r>,
    account: Option<&'a str>,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.report;
        let mine = |f: &&Finding| self.account.is_none_or(|a| account_or_unknown(f) == a);
        let found = report
            .outcome
            .findings
            .iter()
            .filter(mine)
            .map(|f| result(report, f));
        // Findings of the baseline no longer found: `absent` results (in the run of their
        // account when runs are per account).
        let absent = report
            .outcome
            .baseline
            .iter()
            .flat_map(|b| b.absent.iter())
            .filter(|e| {
                self.account.is_none_or(|a| {
                    (if e.account.is_empty() {
                        UNKNOWN
                    } else {
                        e.account.as_str()
                    }) == a
                })
            })
            .map(|e| absent_result(report, e));
        serializer.collect_seq(found.chain(absent))
    }
}

fn absent_result(report: &Report, e: &crate::finding::baseline::Entry) -> Value {
    let index = report
        .registry
        .rules()
        .iter()
        .position(|r| r.id == e.rule_id);
    let mut v = json!({
        "ruleId": e.rule_id,
        "level": "none",
        "kind": "pass",
        "message": {"text": format!("No longer found since the baseline: {}", e.subject)},
        "baselineState": "absent",
        "partialFingerprints": {"atrest/v1": e.fingerprint, "primaryLocationLineHash": e.fingerprint},
        "locations": [{"logicalLocations": [{"fullyQualifiedName": e.subject}]}],
    });
    if let Some(i) = index {
        v["ruleIndex"] = json!(i);
    }
    v
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
    let mut logicals = vec![logical];
    let mut location = json!({});
    if let Some(loc) = &f.primary {
        let place = report.place(loc);
        // Lines of decompressed text mean nothing to a viewer of a `.json.gz` file: the
        // result points at the file, and at the record as a logical location.
        if is_compressed(&place.path) {
            location["physicalLocation"] = json!({"artifactLocation": artifact(&place.path)});
            logicals.push(json!({
                "fullyQualifiedName": format!("{}#{}", place.path, place.pointer),
                "name": place.pointer,
                "kind": "json-pointer",
            }));
        } else {
            location["physicalLocation"] = physical(&place);
        }
        if !f.primary_note.is_empty() {
            location["message"] = json!({"text": f.primary_note});
        }
    }
    location["logicalLocations"] = Value::Array(logicals);
    m.insert("locations".into(), json!([location]));
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let place = report.place(&r.loc);
            let physical = if is_compressed(&place.path) {
                json!({"artifactLocation": artifact(&place.path)})
            } else {
                physical(&place)
            };
            json!({
                "id": i + 1,
                "physicalLocation": physical,
                "message": {"text": r.note},
            })
        })
        .collect();
    if !related.is_empty() {
        m.insert("relatedLocations".into(), Value::Array(related));
    }
    // GitHub reads only `primaryLocationLineHash`: atrest's fingerprint follows the
    // finding when lines move.
    m.insert(
        "partialFingerprints".into(),
        json!({"atrest/v1": f.fingerprint, "primaryLocationLineHash": f.fingerprint}),
    );
    if let Some(s) = &f.suppression {
        let mut properties = json!({"origin": s.origin});
        if !s.owner.is_empty() {
            properties["owner"] = json!(s.owner);
        }
        if let Some(e) = &s.expires {
            properties["expires"] = json!(e);
        }
        m.insert(
            "suppressions".into(),
            json!([{
                "kind": s.kind.sarif(),
                "status": "accepted",
                "justification": s.reason,
                "properties": properties,
            }]),
        );
    }
    if let Some(state) = f.baseline {
        m.insert("baselineState".into(), json!(state.name()));
    }
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

fn is_compressed(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() > 3 && b[b.len() - 3..].eq_ignore_ascii_case(b".gz")
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
