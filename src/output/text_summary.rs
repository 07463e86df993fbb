//! The text report at scale: event findings grouped per rule (count, first and last time,
//! top principals and source addresses, a few examples), and the table of findings per rule
//! and severity that ends every text report. JSON and SARIF keep every finding.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde_json::Value;

use crate::finding::{self, Finding, Subject};
use crate::model::Loc;

use super::Report;
use super::escape::escape;

/// Findings of one rule shown in full when the report is grouped.
pub const EXAMPLES: usize = 3;
/// Principals and addresses listed per group.
const TOP: usize = 3;

/// Who made a call and from where, read from the record a finding points into.
#[derive(Default)]
pub struct Callers {
    by_record: HashMap<Loc, (String, String)>,
}

const UNKNOWN: &str = "(unknown)";

impl Callers {
    /// Reads `userIdentity` and `sourceIPAddress` of the records of these event findings: each
    /// source with findings is read once more, and only the records with findings parsed.
    pub fn of(report: &Report, findings: &[&Finding]) -> Self {
        let records: Vec<Loc> = findings.iter().filter_map(|f| record_of(f)).collect();
        let texts = finding::located_bytes(&report.outcome.sources, records.iter());
        let mut by_record = HashMap::new();
        for r in records {
            if by_record.contains_key(&r) {
                continue;
            }
            let record = texts.get(&r).and_then(|raw| parse_record(raw));
            by_record.insert(r, record.as_ref().map(caller).unwrap_or_default());
        }
        Callers { by_record }
    }

    fn get(&self, f: &Finding) -> (&str, &str) {
        record_of(f)
            .and_then(|r| self.by_record.get(&r))
            .filter(|(p, _)| !p.is_empty())
            .map_or((UNKNOWN, UNKNOWN), |(p, ip)| (p.as_str(), ip.as_str()))
    }
}

/// A record's text; a record held in a JSON string (`lookup-events`) is parsed once more.
fn parse_record(raw: &[u8]) -> Option<Value> {
    match serde_json::from_slice::<Value>(raw).ok()? {
        Value::String(inner) => serde_json::from_str(&inner).ok(),
        v => Some(v),
    }
}

/// The principal (its ARN, else its type and account: `AWSAccount ANONYMOUS_PRINCIPAL`) and
/// the source address of a record.
fn caller(record: &Value) -> (String, String) {
    let identity = record.get("userIdentity");
    let field = |k: &str| {
        identity
            .and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let principal = match (field("arn"), field("type"), field("accountId")) {
        (Some(arn), _, _) => arn.to_owned(),
        (None, Some(kind), Some(account)) => format!("{kind} {account}"),
        (None, Some(kind), None) => kind.to_owned(),
        (None, None, _) => UNKNOWN.to_owned(),
    };
    let ip = record
        .get("sourceIPAddress")
        .and_then(Value::as_str)
        .unwrap_or(UNKNOWN)
        .to_owned();
    (principal, ip)
}

/// The record an event finding's primary location lies in: `/Records/3/eventName` is in
/// `/Records/3`, `/1/Records/0/...` in `/1/Records/0`, `/Events/2/CloudTrailEvent/...` in
/// `/Events/2/CloudTrailEvent`, `/4/...` (an array, JSON lines) in `/4`; a file holding one
/// record is the record.
fn record_of(f: &Finding) -> Option<Loc> {
    if !matches!(f.subject, Subject::Event { .. }) {
        return None;
    }
    let loc = f.primary.as_ref()?;
    let tokens: Vec<&str> = loc.pointer.split('/').skip(1).collect();
    let numeric = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty())
    };
    let depth = match (tokens.first().copied(), tokens.get(1).copied()) {
        (Some("Records"), _) if numeric(1) => 2,
        (Some("Events"), _) if numeric(1) => 3,
        (Some(_), Some("Records")) if numeric(0) && numeric(2) => 3,
        _ if numeric(0) => 1,
        _ => 0,
    };
    let pointer: String = tokens[..depth.min(tokens.len())]
        .iter()
        .map(|t| format!("/{t}"))
        .collect();
    let mut root = Loc::new(loc.source, pointer);
    root.record = loc.record.clone().filter(|r| r.root == root.pointer);
    Some(root)
}

/// The lines above a group's examples.
pub fn group_header(rule_title: &str, group: &[&Finding], callers: &Callers) -> String {
    let times: Vec<&str> = group
        .iter()
        .filter_map(|f| match &f.subject {
            Subject::Event { time, .. } if !time.is_empty() => Some(time.as_str()),
            _ => None,
        })
        .collect();
    let first = times.iter().min().copied().unwrap_or(UNKNOWN);
    let last = times.iter().max().copied().unwrap_or(UNKNOWN);
    let mut principals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ips: BTreeMap<&str, usize> = BTreeMap::new();
    for f in group {
        let (p, ip) = callers.get(f);
        *principals.entry(p).or_default() += 1;
        *ips.entry(ip).or_default() += 1;
    }
    let Some(head) = group.first() else {
        return String::new();
    };
    let n = group.len();
    let mut out = String::new();
    let when = if n == 1 {
        format!("1 event at {first}")
    } else {
        format!("{n} events, first {first}, last {last}")
    };
    let _ = writeln!(
        out,
        "{} ({}): {} — {when}",
        escape(&head.rule_id),
        head.severity,
        escape(rule_title),
    );
    let _ = writeln!(out, "  principals: {}", top(&principals));
    let _ = writeln!(out, "  source IPs: {}", top(&ips));
    let shown = n.min(EXAMPLES);
    if shown < n {
        let _ = writeln!(
            out,
            "  {shown} examples of {n} below (every one with --verbose)"
        );
    }
    out
}

fn top(counts: &BTreeMap<&str, usize>) -> String {
    let mut v: Vec<(&str, usize)> = counts.iter().map(|(k, n)| (*k, *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut parts: Vec<String> = v
        .iter()
        .take(TOP)
        .map(|(k, n)| format!("{} ({n})", escape(k)))
        .collect();
    if v.len() > TOP {
        parts.push(format!("and {} more", v.len() - TOP));
    }
    parts.join(", ")
}

/// The examples of a group: its earliest events.
pub fn examples<'a>(group: &[&'a Finding]) -> Vec<&'a Finding> {
    let mut v = group.to_vec();
    v.sort_by(|a, b| time(a).cmp(time(b)).then_with(|| a.subject.cmp(&b.subject)));
    v.truncate(EXAMPLES);
    v
}

fn time(f: &Finding) -> &str {
    match &f.subject {
        Subject::Event { time, .. } => time,
        Subject::Resource { .. } => "",
    }
}

/// Findings per rule and severity, in report order (most severe first).
pub fn table(findings: &[&Finding]) -> String {
    let mut rows: Vec<(&str, String, usize)> = Vec::new();
    for f in findings {
        match rows.last_mut() {
            Some((id, _, n)) if *id == f.rule_id => *n += 1,
            _ => rows.push((&f.rule_id, f.severity.to_string(), 1)),
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    let width = rows
        .iter()
        .map(|(id, _, _)| escape(id).chars().count())
        .max()
        .unwrap_or(0)
        .max("total".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<8}  {:>8}",
        "rule", "severity", "findings"
    );
    for (id, severity, n) in &rows {
        let _ = writeln!(out, "{:<width$}  {severity:<8}  {n:>8}", escape(id));
    }
    let _ = writeln!(out, "{:<width$}  {:<8}  {:>8}", "total", "", findings.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::model::Kind;
    use crate::source::SourceId;

    fn event(rule: &str, pointer: &str, time: &str) -> Finding {
        Finding {
            rule: 0,
            rule_id: rule.to_owned(),
            severity: Severity::High,
            subject: Subject::Event {
                id: format!("{rule}{time}"),
                time: time.to_owned(),
                name: "DisableKey".to_owned(),
                source: "kms.amazonaws.com".to_owned(),
                resource: None,
            },
            message: String::new(),
            remediation: String::new(),
            primary: Some(Loc::new(SourceId(0), pointer)),
            primary_note: String::new(),
            related: Vec::new(),
            fingerprint: String::new(),
            account: String::new(),
            region: String::new(),
            suppression: None,
            baseline: None,
        }
    }

    #[test]
    fn the_record_of_each_layout() {
        let at = |p: &str| record_of(&event("r", p, "t")).map(|l| l.pointer);
        assert_eq!(at("/Records/12/eventName").as_deref(), Some("/Records/12"));
        assert_eq!(
            at("/1/Records/0/requestParameters/keyId").as_deref(),
            Some("/1/Records/0")
        );
        assert_eq!(
            at("/Events/2/CloudTrailEvent/eventName").as_deref(),
            Some("/Events/2/CloudTrailEvent")
        );
        assert_eq!(at("/4/eventName").as_deref(), Some("/4"));
        assert_eq!(at("/eventName").as_deref(), Some(""));
        let mut resource = event("r", "/Volumes/0/Encrypted", "t");
        resource.subject = Subject::Resource {
            arn: "arn:aws:ec2:us-east-1:1:volume/vol-1".to_owned(),
            kind: Kind::EbsVolume,
        };
        assert!(record_of(&resource).is_none());
    }

    #[test]
    fn callers_from_identity_and_lookup_strings() {
        let anonymous = serde_json::json!({"userIdentity": {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}, "sourceIPAddress": "203.0.113.77"});
        assert_eq!(
            caller(&anonymous),
            (
                "AWSAccount ANONYMOUS_PRINCIPAL".to_owned(),
                "203.0.113.77".to_owned()
            )
        );
        let inner = r#""{\"userIdentity\":{\"arn\":\"arn:aws:iam::1:user/a\"}}""#;
        let parsed = parse_record(inner.as_bytes()).expect("a record in a string");
        assert_eq!(
            caller(&parsed),
            ("arn:aws:iam::1:user/a".to_owned(), UNKNOWN.to_owned())
        );
    }

    #[test]
    fn examples_are_the_earliest_and_the_table_counts_rules() {
        let findings = [
            event("a", "/Records/0", "2026-01-03T00:00:00Z"),
            event("a", "/Records/1", "2026-01-01T00:00:00Z"),
            event("a", "/Records/2", "2026-01-04T00:00:00Z"),
            event("a", "/Records/3", "2026-01-02T00:00:00Z"),
            event("b", "/Records/4", "2026-01-05T00:00:00Z"),
        ];
        let group: Vec<&Finding> = findings[..4].iter().collect();
        let times: Vec<&str> = examples(&group).iter().map(|f| time(f)).collect();
        assert_eq!(
            times,
            [
                "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
                "2026-01-03T00:00:00Z"
            ]
        );
        let header = group_header("Title", &group, &Callers::default());
        assert!(
            header.starts_with("a (high): Title — 4 events, first 2026-01-01T00:00:00Z, last 2026-01-04T00:00:00Z\n"),
            "{header}"
        );
        assert!(header.contains("  principals: (unknown) (4)\n"), "{header}");
        assert!(header.contains("  3 examples of 4 below"), "{header}");
        assert_eq!(
            table(&findings.iter().collect::<Vec<_>>()),
            "rule   severity  findings\na      high             4\nb      high             1\ntotal                   5\n"
        );
    }
}
