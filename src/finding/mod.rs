//! Findings: what a rule reports, where (symbolically, resolved to lines only for output),
//! and a stable fingerprint so baselines and SARIF consumers can follow it across runs.

pub mod baseline;
mod resolve;
mod severity;
mod suppression;

pub use resolve::{Resolved, Span, Window, located_bytes, resolve, span_in};
pub use severity::Severity;
pub use suppression::{BaselineState, Suppression, SuppressionKind};

use crate::model::{Kind, Loc};

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    Resource {
        arn: String,
        kind: Kind,
    },
    Event {
        id: String,
        time: String,
        name: String,
        source: String,
        /// What the event acts on, when the rule says (`resource:` template).
        resource: Option<String>,
    },
}

impl Subject {
    /// The identity a fingerprint is made of.
    pub fn identity(&self) -> &str {
        match self {
            Subject::Resource { arn, .. } => arn,
            Subject::Event { id, .. } => id,
        }
    }

    /// A short name for listings.
    pub fn label(&self) -> String {
        match self {
            Subject::Resource { arn, .. } => arn.clone(),
            Subject::Event {
                name,
                time,
                resource,
                ..
            } => match resource {
                Some(r) => format!("{name} on {r} at {time}"),
                None => format!("{name} at {time}"),
            },
        }
    }
}

/// A secondary location with what it shows (`KmsKey.KeyState is "Disabled"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub loc: Loc,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the scan's registry.
    pub rule: usize,
    pub rule_id: String,
    pub severity: Severity,
    pub subject: Subject,
    pub message: String,
    pub remediation: String,
    /// The field that decided the finding.
    pub primary: Option<Loc>,
    /// What the primary field shows (`Encrypted is false`).
    pub primary_note: String,
    pub related: Vec<Related>,
    pub fingerprint: String,
    /// The AWS account and region of the subject (empty when not known: an S3 bucket's
    /// region before it was read, an event without `recipientAccountId`).
    pub account: String,
    pub region: String,
    /// The governed exception that applies to it, if any: it is still reported, but does
    /// not count for `--fail-on`.
    pub suppression: Option<Box<Suppression>>,
    /// Against `--baseline`: whether the finding was there before.
    pub baseline: Option<BaselineState>,
}

impl Finding {
    /// Whether the finding fails a compliance control: not under a governed exception (a
    /// baseline changes what a gate counts, not what is compliant).
    pub fn counts_for_compliance(&self) -> bool {
        self.suppression.is_none()
    }

    /// Whether the finding counts for `--fail-on`.
    pub fn counts(&self) -> bool {
        self.suppression.is_none() && self.baseline != Some(BaselineState::Unchanged)
    }
}

/// An account id or region as a record gives it, safe to print and bounded: the value
/// itself when it is plain (as AWS writes them), escaped and cut otherwise (a record can
/// say anything).
pub fn scope_text(value: &str) -> String {
    const MAX: usize = 64;
    let plain = value.len() <= MAX
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain {
        return value.to_owned();
    }
    let escaped = crate::output::escape::escape(value);
    escaped.chars().take(MAX).collect()
}

/// `atrest/v1` fingerprints: FNV-1a (64 bit) of the rule id and the subject's identity, so
/// the same problem on the same resource keeps its fingerprint across runs and machines.
pub fn fingerprint(rule_id: &str, identity: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in rule_id.bytes().chain([0]).chain(identity.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Deterministic report order: most severe first, then rule, subject and location.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.primary.cmp(&b.primary))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint("a", "b"), fingerprint("a", "b"));
        assert_ne!(fingerprint("a", "bc"), fingerprint("ab", "c"));
        // FNV-1a of a single zero byte: changing the scheme must be a conscious decision.
        assert_eq!(fingerprint("", ""), "af63bd4c8601b7df");
    }
}
