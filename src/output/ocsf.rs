//! `--format ocsf`: one OCSF Detection Finding (class 2004, activity Create) per finding, as
//! JSON lines. Only attributes the class, its base classes and its objects define, with the
//! `cloud` profile applied; what OCSF has no attribute for in this class (the rule's
//! compliance mappings, an exception's owner and expiry) is under `unmapped`.
//! `tests/ocsf.rs` checks every line against the schema files.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::finding::{Finding, Severity, Subject};
use crate::model::arn::Arn;

use super::{Place, Report};

/// The OCSF schema version the events follow.
pub const VERSION: &str = "1.9.0-dev";

const CLASS_UID: u32 = 2004;
const CATEGORY_UID: u32 = 2;
/// Create: the finding was generated.
const ACTIVITY_ID: u32 = 1;

/// `account.type_id` 10.
const AWS_ACCOUNT: u32 = 10;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let time = report.time().as_millisecond();
    let mut line = Vec::with_capacity(4096);
    for f in &report.outcome.findings {
        line.clear();
        serde_json::to_writer(&mut line, &event(report, f, time))?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// The Detection Finding of `f`, made at `time` (milliseconds since the epoch).
pub fn event(report: &Report, f: &Finding, time: i64) -> Value {
    let rule = report.registry.get(f.rule);
    let (severity_id, severity) = severity(f.severity);
    let mut m = Map::new();
    m.insert("activity_id".into(), json!(ACTIVITY_ID));
    m.insert("activity_name".into(), json!("Create"));
    m.insert("category_uid".into(), json!(CATEGORY_UID));
    m.insert("category_name".into(), json!("Findings"));
    m.insert("class_uid".into(), json!(CLASS_UID));
    m.insert("class_name".into(), json!("Detection Finding"));
    m.insert("type_uid".into(), json!(CLASS_UID * 100 + ACTIVITY_ID));
    m.insert("type_name".into(), json!("Detection Finding: Create"));
    m.insert("severity_id".into(), json!(severity_id));
    m.insert("severity".into(), json!(severity));
    // A finding's `time` is when it was made; the activity it is about is its time range.
    m.insert("time".into(), json!(time));
    if let Subject::Event { time, .. } = &f.subject
        && let Ok(at) = time.parse::<jiff::Timestamp>()
    {
        m.insert("start_time".into(), json!(at.as_millisecond()));
        m.insert("end_time".into(), json!(at.as_millisecond()));
    }
    match &f.suppression {
        Some(s) => {
            m.insert("status_id".into(), json!(3));
            m.insert("status".into(), json!("Suppressed"));
            m.insert("status_detail".into(), json!(s.reason));
            m.insert("is_alert".into(), json!(false));
        }
        None => {
            m.insert("status_id".into(), json!(1));
            m.insert("status".into(), json!("New"));
            m.insert("is_alert".into(), json!(true));
        }
    }
    m.insert("message".into(), json!(f.message));
    m.insert(
        "metadata".into(),
        json!({
            "version": VERSION,
            "product": {
                "name": "atrest",
                "vendor_name": "atrest",
                "version": env!("CARGO_PKG_VERSION"),
            },
            // An event's own id: the finding's (its fingerprint) in this report.
            "uid": format!("{}-{time}", f.fingerprint),
            "profiles": ["cloud"],
        }),
    );
    let kind = match &f.subject {
        Subject::Resource { kind, .. } => kind.name(),
        Subject::Event { .. } => "cloudtrail_event",
    };
    let mut info = json!({
        "uid": f.fingerprint,
        "title": rule.title,
        "desc": f.message,
        "types": [f.rule_id, kind],
        "analytic": {"uid": f.rule_id, "name": rule.title, "type_id": 1, "type": "Rule"},
    });
    if let Subject::Event { id, name, time, .. } = &f.subject {
        // The CloudTrail record the finding was made from (not an OCSF event).
        let mut record = json!({"uid": id, "type": "CloudTrail record"});
        if !name.is_empty() {
            record["title"] = json!(name);
        }
        if let Ok(at) = time.parse::<jiff::Timestamp>() {
            record["created_time"] = json!(at.as_millisecond());
        }
        info["related_events"] = json!([record]);
    }
    m.insert("finding_info".into(), info);
    if let Some(resource) = resource(f) {
        m.insert("resources".into(), json!([resource]));
    }
    m.insert("cloud".into(), cloud(f));
    let remediation = if f.remediation.trim().is_empty() {
        rule.remediation_text.trim()
    } else {
        f.remediation.as_str()
    };
    if !remediation.is_empty() {
        let mut r = json!({"desc": remediation});
        if !rule.references.is_empty() {
            r["references"] = json!(rule.references);
        }
        m.insert("remediation".into(), r);
    }
    let evidences = evidences(report, f);
    if !evidences.is_empty() {
        m.insert("evidences".into(), Value::Array(evidences));
    }
    let unmapped = unmapped(report, f);
    if !unmapped.is_empty() {
        m.insert("unmapped".into(), Value::Object(unmapped));
    }
    Value::Object(m)
}

/// `severity_id` and its caption.
fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn account(uid: &str) -> Value {
    json!({"uid": uid, "type_id": AWS_ACCOUNT, "type": "AWS Account"})
}

/// The subject as an affected resource: a resource's ARN and kind, or what an event acts
/// on when its rule names it.
fn resource(f: &Finding) -> Option<Value> {
    let (uid, kind) = match &f.subject {
        Subject::Resource { arn, kind } => (arn.as_str(), Some(kind.name())),
        Subject::Event { resource, .. } => (resource.as_deref()?, None),
    };
    let arn = Arn::parse(uid);
    let mut r = json!({"uid": uid, "role_id": 1, "role": "Target"});
    if let Some(kind) = kind {
        r["type"] = json!(kind);
    }
    // An ARN says where the resource is; else the finding's account and region do (an S3
    // bucket's ARN names neither, an event's resource is often a bare name).
    let region = arn.map(|a| a.region).filter(|r| !r.is_empty());
    let region = region.or_else(|| Some(f.region.as_str()).filter(|r| !r.is_empty()));
    if let Some(region) = region {
        r["region"] = json!(region);
    }
    if let Some(a) = arn.filter(|a| !a.partition.is_empty()) {
        r["cloud_partition"] = json!(a.partition);
    }
    let owner = match (arn, &f.subject) {
        (Some(a), _) if !a.account.is_empty() => Some(a.account),
        (_, Subject::Resource { .. }) if !f.account.is_empty() => Some(f.account.as_str()),
        _ => None,
    };
    if let Some(owner) = owner {
        r["owner"] = json!({"account": account(owner)});
    }
    Some(r)
}

fn cloud(f: &Finding) -> Value {
    let mut c = json!({"provider": "AWS"});
    if !f.account.is_empty() {
        c["account"] = account(&f.account);
    }
    if !f.region.is_empty() {
        c["region"] = json!(f.region);
    }
    let arn = match &f.subject {
        Subject::Resource { arn, .. } => Some(arn.as_str()),
        Subject::Event { resource, .. } => resource.as_deref(),
    };
    if let Some(a) = arn.and_then(Arn::parse).filter(|a| !a.partition.is_empty()) {
        c["cloud_partition"] = json!(a.partition);
    }
    c
}

/// The fields that decided the finding, each as the file it is in and where in it; for an
/// event, the call it records.
fn evidences(report: &Report, f: &Finding) -> Vec<Value> {
    let mut out = Vec::new();
    let api = match &f.subject {
        Subject::Event { name, source, .. } if !name.is_empty() => {
            let mut api = json!({"operation": name});
            if !source.is_empty() {
                api["service"] = json!({"name": source});
            }
            Some(api)
        }
        _ => None,
    };
    if let Some(loc) = &f.primary {
        let mut e = evidence(&report.place(loc), &f.primary_note);
        if let Some(api) = &api {
            e["api"] = api.clone();
        }
        out.push(e);
    } else if let Some(api) = api {
        out.push(json!({"api": api}));
    }
    out.extend(
        f.related
            .iter()
            .map(|r| evidence(&report.place(&r.loc), &r.note)),
    );
    out
}

fn evidence(p: &Place, note: &str) -> Value {
    let name = p.path.rsplit('/').next().unwrap_or(&p.path);
    let mut data = Map::new();
    data.insert("pointer".into(), json!(p.pointer));
    if let Some(s) = p.span {
        data.insert("line".into(), json!(s.line));
        data.insert("column".into(), json!(s.column));
        data.insert("end_line".into(), json!(s.end_line));
        data.insert("end_column".into(), json!(s.end_column));
    }
    if !note.is_empty() {
        data.insert("note".into(), json!(note));
    }
    json!({
        "file": {"name": name, "path": p.path, "type_id": 1, "type": "Regular File"},
        "data": data,
    })
}

/// What this class has no attribute for: `compliance` belongs to the Compliance Finding
/// class, not to Detection Finding.
fn unmapped(report: &Report, f: &Finding) -> Map<String, Value> {
    let rule = report.registry.get(f.rule);
    let mut m = Map::new();
    if !rule.compliance.is_empty() {
        m.insert("compliance".into(), json!(rule.compliance));
    }
    if let Some(s) = &f.suppression {
        let mut e = json!({"kind": s.kind.name(), "origin": s.origin});
        if !s.owner.is_empty() {
            e["owner"] = json!(s.owner);
        }
        if let Some(expires) = &s.expires {
            e["expires"] = json!(expires);
        }
        m.insert("suppression".into(), e);
    }
    if let Some(b) = f.baseline {
        m.insert("baseline_state".into(), json!(b.name()));
    }
    m
}
