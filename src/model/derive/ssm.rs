//! Parameter Store parameters (their metadata: atrest never reads a value).
//!
//! Two judgements here are heuristics, documented in docs/resources.md: whether a name looks
//! like it holds a secret (its last path segment, by the words in it), and when an
//! `Expiration` policy's `Timestamp` has passed (at `--as-of`, else the scan's start).

use crate::model::document::Node;
use serde_json::{Value, json};

use crate::model::Resource;

use super::{Ctx, Derived, loc};

/// The key of a `SecureString` that names none: Parameter Store's AWS managed key.
const AWS_MANAGED: &str = "alias/aws/ssm";

/// Words that say a value is a secret, as they read with separators and case removed.
/// A word (or two adjacent words: `api_key`, `privateKey`) that ends in one matches:
/// `DB_PASSWORD`, `dbpassword`, `GitHubToken`, `x-api-key`.
const SECRET_WORDS: [&str; 6] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
];

/// Last words that say the value is about a secret, not the secret: `db-password-arn`,
/// `secret_name`, `token-url`.
const ABOUT_A_SECRET: [&str; 10] = [
    "arn", "name", "id", "path", "url", "uri", "length", "ttl", "policy", "expiry",
];

pub fn parameter(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    d.set("Region", json!(r.region), None);
    if r.str("Type") == Some("SecureString") {
        let (reference, evidence) = match r.str("KeyId") {
            Some(k) => (k, loc(r, "/KeyId")),
            None => (AWS_MANAGED, loc(r, "/Type")),
        };
        d.key_link(ctx, r, reference, evidence);
    }
    if let Some(name) = r.str("Name") {
        let word = secret_word(name);
        d.set("NameLooksSecret", json!(word.is_some()), loc(r, "/Name"));
        if let Some(word) = word {
            d.set("NameSecretWord", json!(word), loc(r, "/Name"));
        }
    }
    expiration(r, ctx, d);
}

/// The secret word the last segment of a parameter name holds, if it holds one.
pub(crate) fn secret_word(name: &str) -> Option<&'static str> {
    let segment = name.rsplit('/').next().unwrap_or(name);
    let words = words(segment);
    if words
        .last()
        .is_some_and(|w| ABOUT_A_SECRET.contains(&w.as_str()))
    {
        return None;
    }
    let ends_in_secret = |text: &str| {
        let singular = text.strip_suffix('s').unwrap_or(text);
        SECRET_WORDS
            .iter()
            .find(|s| text.ends_with(*s) || singular.ends_with(*s))
            .copied()
    };
    for (i, w) in words.iter().enumerate() {
        if let Some(found) = ends_in_secret(w) {
            return Some(found);
        }
        if let Some(next) = words.get(i + 1)
            && let Some(found) = ends_in_secret(&format!("{w}{next}"))
        {
            return Some(found);
        }
    }
    None
}

/// The words of a name, lower-cased: split at anything but letters and digits, and where a
/// lower-case letter or digit is followed by an upper-case one (`GitHubToken`).
fn words(segment: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in segment.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `ExpirationDate`, `ExpirationPassed` and `ExpirationPolicyStatus` from the parameter's `Expiration` policy (its
/// `PolicyText` is a JSON string: `{"Type": "Expiration", "Attributes": {"Timestamp": ...}}`).
/// A policy whose text is not JSON, or whose timestamp does not parse, says nothing.
fn expiration(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    let Some(policies) = r.get("Policies").and_then(Node::as_array) else {
        return;
    };
    let mut earliest: Option<(usize, jiff::Timestamp, Option<&str>)> = None;
    for (i, policy) in policies.iter().enumerate() {
        let Some(text) = policy.get("PolicyText").and_then(Node::as_str) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let kind = policy
            .get("PolicyType")
            .and_then(Node::as_str)
            .or_else(|| doc.get("Type").and_then(Value::as_str));
        if kind != Some("Expiration") {
            continue;
        }
        let Some(stamp) = doc.pointer("/Attributes/Timestamp").and_then(Value::as_str) else {
            continue;
        };
        let Some(at) = parse_time(stamp) else {
            continue;
        };
        if earliest.is_none_or(|(_, t, _)| at < t) {
            earliest = Some((i, at, policy.get("PolicyStatus").and_then(Node::as_str)));
        }
    }
    let Some((i, at, status)) = earliest else {
        return;
    };
    let evidence = loc(r, &format!("/Policies/{i}/PolicyText/Attributes/Timestamp"));
    d.set("ExpirationDate", json!(at.to_string()), evidence.clone());
    d.set("ExpirationPassed", json!(at <= ctx.now), evidence);
    if let Some(status) = status {
        let at = loc(r, &format!("/Policies/{i}/PolicyStatus"));
        d.set("ExpirationPolicyStatus", json!(status), at);
    }
}

/// An ISO 8601 time as Parameter Store accepts it: with an offset (`2026-11-01T00:00:00.000Z`),
/// or without one (read as UTC), or a date alone (its midnight, UTC).
fn parse_time(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let utc = jiff::tz::Offset::UTC;
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return utc.to_timestamp(dt).ok();
    }
    let date = text.parse::<jiff::civil::Date>().ok()?;
    utc.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

#[cfg(test)]
mod tests;
