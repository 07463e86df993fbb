//! The fields of a CloudTrail record the event rules decide by, per event name: a record is
//! parsed for the fields of the rules that may apply to it (those that pin its name, those
//! that pin only a source, those that pin neither), not for every field any rule reads.

use crate::FastMap;

use crate::ingest::project::Fields;
use crate::model::{EVENT_FACT_INPUTS, Head, has_event_facts};

use super::raw_filter::RawFilter;
use super::registry::{Registry, lookup};
use super::rule::Rule;

/// The fields to keep of a record the rules read, by its `eventName`.
#[derive(Debug, Clone)]
pub struct EventFields {
    /// For each name a rule pins (lower-cased).
    by_name: FastMap<String, Fields>,
    /// For the other names: the rules that pin no name.
    other: Fields,
    /// The same with the inputs of derived facts, for names that have them.
    other_derived: Fields,
    /// When rules search every string of a record (keywords): the records where one of
    /// their texts may be, which are parsed whole.
    keywords: Option<RawFilter>,
}

/// The fields `rules` decide by, and whether one tests a derived fact (`atrest.*`).
fn fields_of<'r>(rules: impl IntoIterator<Item = &'r Rule>) -> (Fields, bool) {
    let mut fields = Fields::of([
        "eventID",
        "eventTime",
        "eventName",
        "eventSource",
        "recipientAccountId",
        "awsRegion",
    ]);
    let mut derived = false;
    for rule in rules {
        // A finding is made from the fields kept: those the detection decides by, and those
        // its message, remediation and location read.
        let paths = rule.detection.fields().map(|t| &t.path[..]);
        for path in paths.chain(rule.reported_fields()) {
            derived |= path.first().is_some_and(|f| f == "atrest");
            fields.add_path(path.iter().map(String::as_str));
        }
        if let Some(c) = &rule.correlation {
            let named = c
                .group_by
                .iter()
                .chain(&c.field)
                .chain(c.aliases.values().flat_map(|per_rule| per_rule.values()));
            for dotted in named {
                fields.add_path(dotted.split('.'));
            }
        }
    }
    (fields, derived)
}

fn with_inputs((mut fields, derived): (Fields, bool)) -> Fields {
    if derived {
        fields.extend(&Fields::of(EVENT_FACT_INPUTS.iter().copied()));
    }
    fields
}

impl EventFields {
    pub fn new(registry: &Registry) -> EventFields {
        let keywords = registry
            .rules()
            .iter()
            .any(|r| r.target == super::Target::Events && r.detection.has_keywords())
            .then(|| RawFilter::of(registry, |r| r.detection.has_keywords()));
        let (by_name, unnamed) = registry.event_rule_sets();
        let rules = |set: &[usize]| set.iter().map(|&i| registry.get(i)).collect::<Vec<_>>();
        // Correlations group the matches of their base rules, whatever their names.
        let correlations = registry.rules().iter().filter(|r| r.correlation.is_some());
        let (other, other_uses_facts) = fields_of(rules(&unnamed).into_iter().chain(correlations));
        let other_derived = with_inputs((other.clone(), other_uses_facts));
        let by_name = by_name
            .into_iter()
            .map(|(name, set)| {
                let (mut fields, derived) = fields_of(rules(&set));
                fields.extend(&other);
                let fields = if has_event_facts_lower(&name) {
                    with_inputs((fields, derived || other_uses_facts))
                } else {
                    fields
                };
                (name, fields)
            })
            .collect();
        EventFields {
            by_name,
            other,
            other_derived,
            keywords,
        }
    }

    /// Whether the record of this head is to be parsed whole: a rule that searches every
    /// string of a record may match it.
    pub fn whole(&self, head: &Head) -> bool {
        self.keywords.as_ref().is_some_and(|k| k.may_match(head))
    }

    /// The fields to keep of a record with this `eventName`.
    pub fn get(&self, name: &str) -> &Fields {
        match lookup(&self.by_name, name) {
            Some(fields) => fields,
            None if has_event_facts(name) => &self.other_derived,
            None => &self.other,
        }
    }

    /// Keeps `more` too, whatever the name (the analyses' fields: a record may be read by
    /// both).
    pub fn extend(&mut self, more: &Fields) {
        for f in self.by_name.values_mut() {
            f.extend(more);
        }
        self.other.extend(more);
        self.other_derived.extend(more);
    }
}

/// [`has_event_facts`] of a lower-cased name.
fn has_event_facts_lower(name: &str) -> bool {
    crate::model::EVENT_FACT_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::registry::registry_of as registry;

    const RULES: &str = r#"
id: t-disable
title: t
severity: low
description: d
applies_to: cloudtrail
detection:
  sel: {eventName: DisableKey, requestParameters.keyId: k}
  condition: sel
message: m
remediation: r
---
id: t-source
title: t
severity: low
description: d
applies_to: cloudtrail
detection:
  sel: {eventSource: s3.amazonaws.com, userIdentity.type: Root}
  condition: sel
message: m
remediation: r
---
id: t-policy
title: t
severity: low
description: d
applies_to: cloudtrail
detection:
  sel: {eventName: PutBucketPolicy, atrest.policyPublic: true}
  condition: sel
message: m
remediation: r
"#;

    #[test]
    fn each_name_keeps_the_fields_of_the_rules_that_may_apply() {
        let fields = EventFields::new(&registry(RULES));
        let disable = fields.get("DisableKey");
        assert!(disable.keeps("requestParameters"));
        // Rules that pin only a source may apply to any name.
        assert!(disable.keeps("userIdentity"));
        let other = fields.get("GetObject");
        assert!(other.keeps("userIdentity") && !other.keeps("requestParameters"));
        // A derived fact's inputs, only where the name has derived facts.
        let policy = fields.get("putbucketpolicy");
        assert!(policy.keeps("requestParameters") && policy.keeps("atrest"));
        assert!(!fields.get("DescribeKey").keeps("requestParameters"));
    }

    /// Keywords search every string: a record where one of their texts may be is parsed
    /// whole, the others for their fields.
    #[test]
    fn keywords_need_whole_records_where_their_text_may_be() {
        let keywords = "id: t-kw\ntitle: t\nseverity: low\ndescription: d\napplies_to: cloudtrail\n\
            detection:\n  words: [secret]\n  condition: words\nmessage: m\nremediation: r\n";
        let both = format!("{RULES}---\n{keywords}");
        let fields = EventFields::new(&registry(&both));
        let head =
            |text: &'static str| -> Head<'static> { serde_json::from_str(text).expect("head") };
        let plain = head(r#"{"eventName":"DisableKey","requestParameters":{"keyId":"k"}}"#);
        assert!(!fields.whole(&plain));
        let kept = fields.get("DisableKey");
        assert!(kept.keeps("requestParameters") && !kept.keeps("responseElements"));
        let word = head(r#"{"eventName":"DisableKey","requestParameters":{"keyId":"a-SECRET"}}"#);
        assert!(fields.whole(&word));
        // Without keyword rules, never whole.
        assert!(!EventFields::new(&registry(RULES)).whole(&word));
    }
}
