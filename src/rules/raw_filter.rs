//! Which CloudTrail records the event rules may match, decided from a record's head and the
//! raw text of its other fields before it is parsed: every rule whose condition requires a
//! text (the literal part of an exact, `contains`, `startswith` or `endswith` value, see
//! [`super::Detection::required_literals`]) can only match a record whose field holds that
//! text. A record of an archive that holds none of the texts its rules need is counted,
//! not parsed (or read by the analyses alone).
//!
//! The search is exact, never a guess: a needed text is ASCII without JSON's special
//! characters, so it appears verbatim in the raw text of a string that holds it, unless the
//! string is written with escapes; a raw text with a backslash, or with non-ASCII bytes
//! (which Unicode case folding could turn into ASCII), is taken as a possible match.

use crate::FastMap;

use aho_corasick::AhoCorasick;

use crate::model::Head;

use super::registry::{Registry, lookup};

/// What the rules that may apply to a record need.
#[derive(Debug, Clone)]
enum Needs {
    /// A rule needs no text: every record is read.
    Any,
    /// One of these texts (lower-cased), in the raw text of a top-level field (`None`:
    /// anywhere in the record); by field.
    Texts(Vec<(Option<String>, AhoCorasick)>),
}

#[derive(Debug, Clone)]
pub struct RawFilter {
    /// For each event name a rule pins (lower-cased).
    by_name: FastMap<String, Needs>,
    /// For the other names.
    other: Needs,
}

fn needs_of(registry: &Registry, rules: &[usize]) -> Needs {
    let mut texts: Vec<(Option<String>, String)> = Vec::new();
    for &i in rules {
        match registry
            .get(i)
            .detection
            .required_literals_besides(&["eventName", "eventSource"])
        {
            Some(needed) if !needed.is_empty() => {
                for (path, text) in needed {
                    let field = path.and_then(|p| p.into_iter().next());
                    if !texts.iter().any(|(f, t)| *f == field && *t == text) {
                        texts.push((field, text));
                    }
                }
            }
            _ => return Needs::Any,
        }
    }
    let mut by_field: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for (field, text) in texts {
        match by_field.iter_mut().find(|(f, _)| *f == field) {
            Some((_, all)) => all.push(text),
            None => by_field.push((field, vec![text])),
        }
    }
    let mut searches = Vec::new();
    for (field, all) in by_field {
        // One pass over a field's lower-cased text for all of its texts (case-sensitive
        // patterns keep the search on the SIMD prefilter).
        match AhoCorasick::new(&all) {
            Ok(search) => searches.push((field, search)),
            Err(_) => return Needs::Any,
        }
    }
    Needs::Texts(searches)
}

impl RawFilter {
    pub fn new(registry: &Registry) -> RawFilter {
        RawFilter::of(registry, |_| true)
    }

    /// The filter of the event rules `keep` keeps.
    pub fn of(registry: &Registry, keep: impl Fn(&super::Rule) -> bool) -> RawFilter {
        let (by_name, mut unnamed) = registry.event_rule_sets();
        unnamed.retain(|&i| keep(registry.get(i)));
        let by_name = by_name
            .into_iter()
            .map(|(name, mut set)| {
                set.retain(|&i| keep(registry.get(i)));
                set.extend(&unnamed);
                (name, needs_of(registry, &set))
            })
            .collect();
        RawFilter {
            by_name,
            other: needs_of(registry, &unnamed),
        }
    }

    /// Whether a rule may match the record of this head. A head taken from a parsed record
    /// (without raw fields) may always match.
    pub fn may_match(&self, head: &Head) -> bool {
        if !head.raw {
            return true;
        }
        let needs = lookup(&self.by_name, head.event_name()).unwrap_or(&self.other);
        let Needs::Texts(texts) = needs else {
            return true;
        };
        let mut lower = Vec::new();
        texts.iter().any(|(field, search)| {
            let mut found = false;
            visit(head, field.as_deref(), &mut |text: &[u8]| {
                found = found || holds(text, search, &mut lower);
            });
            found
        })
    }
}

/// Calls `f` with the raw text of `field` (every occurrence), or of every key and value when
/// `None`.
fn visit(head: &Head, field: Option<&str>, f: &mut dyn FnMut(&[u8])) {
    // Every key and value is in the record's text, if there is one: one search over it. A
    // needed text holds no quote, so it is never found across two strings; found between
    // them, the record is only read for nothing.
    if let (None, Some(text)) = (field, head.text) {
        return f(text.as_bytes());
    }
    for (key, value) in head.own() {
        if field.is_none_or(|f| f == key) {
            if field.is_none() {
                f(key.as_bytes());
            }
            if let Some(v) = value {
                f(v.as_bytes());
            }
        }
    }
    for (key, raw) in &head.rest {
        if field.is_none_or(|f| f == key) {
            if field.is_none() {
                f(key.as_bytes());
            }
            f(raw.get().as_bytes());
        }
    }
}

/// Whether `text` may hold one of the lower-cased texts `search` finds, case-insensitively:
/// it does, or it has escapes or non-ASCII bytes, so the search cannot tell.
fn holds(text: &[u8], search: &AhoCorasick, lower: &mut Vec<u8>) -> bool {
    if !text.is_ascii() || memchr::memchr(b'\\', text).is_some() {
        return true;
    }
    lower.clear();
    lower.extend_from_slice(text);
    lower.make_ascii_lowercase();
    search.is_match(&lower[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::registry::registry_of as registry;

    const RULES: &str = r#"
id: t-anon
title: t
severity: low
description: d
applies_to: cloudtrail
detection:
  sel: {eventName: GetObject, userIdentity.accountId: ANONYMOUS_PRINCIPAL}
  condition: sel
message: m
remediation: r
---
id: t-root
title: t
severity: low
description: d
applies_to: cloudtrail
detection:
  sel: {eventSource: s3.amazonaws.com, userIdentity.type: Root}
  condition: sel
message: m
remediation: r
"#;

    fn head(text: &str) -> Head<'_> {
        serde_json::from_str(text).expect("a head")
    }

    #[test]
    fn records_without_the_texts_their_rules_need_are_not_read() {
        let f = RawFilter::new(&registry(RULES));
        let get = |identity: &str| {
            format!(r#"{{"eventName":"GetObject","userIdentity":{identity},"x":"root"}}"#)
        };
        // Neither text in `userIdentity`: `root` elsewhere does not count.
        assert!(!f.may_match(&head(&get(r#"{"type":"IAMUser","accountId":"1"}"#))));
        assert!(f.may_match(&head(&get(
            r#"{"type":"AWSAccount","accountId":"anonymous_principal"}"#
        ))));
        assert!(f.may_match(&head(&get(r#"{"type":"ROOT"}"#))));
        // Escapes or non-ASCII bytes: the search cannot tell, so the record is read.
        assert!(f.may_match(&head(&get(r#"{"type":"R\u006fot"}"#))));
        assert!(f.may_match(&head(
            &get(r#"{"type":"\u212aMS"}"#).replace("\\u212a", "\u{212a}")
        )));
        // A name no rule pins: only the rule that pins the source may apply.
        assert!(!f.may_match(&head(
            r#"{"eventName":"ListBuckets","userIdentity":{"type":"IAMUser"}}"#
        )));
        assert!(f.may_match(&head(
            r#"{"eventName":"ListBuckets","userIdentity":{"type":"Root"}}"#
        )));
        // A head taken from a parsed record holds no raw fields.
        let v = serde_json::json!({"eventName": "GetObject"});
        assert!(f.may_match(&Head::of(&v)));
    }

    #[test]
    fn a_rule_that_needs_no_text_reads_every_record() {
        let regex = "id: t-re\ntitle: t\nseverity: low\ndescription: d\napplies_to: cloudtrail\n\
            detection:\n  sel: {userIdentity.type|re: '^R'}\n  condition: sel\nmessage: m\nremediation: r\n";
        let f = RawFilter::new(&registry(regex));
        assert!(f.may_match(&head(
            r#"{"eventName":"GetObject","userIdentity":{"type":"IAMUser"}}"#
        )));
    }
}
