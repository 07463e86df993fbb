//! The wording of `event-kms-key-disabled-in-use` findings: who was refused, through which
//! service, for which resources.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::key_incident::{Refused, SHOWN};

pub fn describe_failures(m: &mut String, failed: &Refused) {
    if failed.count == 0 {
        m.push_str("No call was refused afterwards in the logs.");
        return;
    }
    let mut callers: Vec<_> = failed.callers.iter().collect();
    callers.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let more_callers = callers.len().saturating_sub(SHOWN);
    let callers: Vec<String> = callers
        .iter()
        .take(SHOWN)
        .map(|((p, s), n)| format!("{p}{} ×{n}", via(s.as_deref())))
        .collect();
    let mut services: BTreeMap<&str, u64> = BTreeMap::new();
    for ((_, s), n) in &failed.callers {
        if let Some(s) = s {
            *services.entry(s.as_str()).or_default() += n;
        }
    }
    let errors: Vec<String> = failed
        .errors
        .iter()
        .map(|(e, n)| format!("{e} ×{n}"))
        .collect();
    let _ = write!(
        m,
        "Afterwards {} call{} failed because of it ({}): {}{}",
        failed.count,
        plural(failed.count),
        errors.join(", "),
        callers.join(", "),
        if more_callers > 0 {
            format!(" and {more_callers} more callers")
        } else {
            String::new()
        }
    );
    if !services.is_empty() {
        let through: Vec<String> = services
            .iter()
            .map(|(s, n)| format!("{s} ×{n}{}", purpose(s)))
            .collect();
        let _ = write!(m, "; through {}", through.join(", "));
    }
    if !failed.resources.is_empty() {
        let shown: Vec<&str> = failed
            .resources
            .iter()
            .map(String::as_str)
            .take(SHOWN)
            .collect();
        let more = failed.resources.len().saturating_sub(SHOWN) as u64 + failed.more_resources;
        let _ = write!(
            m,
            "; resources named in their encryption context: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    m.push('.');
}

/// What a service's calls on a key are for, where it is clear.
fn purpose(service: &str) -> &'static str {
    if service.starts_with("ec2") || service.starts_with("ebs") {
        " (EBS: attaching volumes, starting instances)"
    } else if service.starts_with("s3") {
        " (S3: reading and writing SSE-KMS objects)"
    } else {
        ""
    }
}

pub fn deletion_text(date: &str, days: Option<u64>) -> String {
    match (date.is_empty(), days) {
        (false, Some(d)) => format!(" (deletion on {date}, after {d} days)"),
        (false, None) => format!(" (deletion on {date})"),
        (true, Some(d)) => format!(" (deletion after {d} days)"),
        (true, None) => String::new(),
    }
}

pub fn via(service: Option<&str>) -> String {
    service.map_or(String::new(), |s| format!(" via {s}"))
}

pub fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
