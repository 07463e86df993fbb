//! Sigma correlations over the event stream. While files are read, each match of a base rule
//! leaves a note (which correlation, event time, group key, counted value, where the event
//! is); [`Correlations::finish`] sorts the notes of all files by time and slides each
//! correlation's window over every group: one finding per window that fires, located at the
//! window's first event, naming the group, the count and the time span.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::finding::{Finding, Related, Subject, fingerprint};
use crate::model::{Event, Loc};
use crate::rules::{Correlation, CorrelationType, Doc, Registry};

/// At most this many events of a window are listed as related locations.
const RELATED: usize = 10;

pub struct Correlations {
    defs: Vec<Def>,
    /// Per base rule index: (correlation, position of the rule in its `rules`).
    by_base: HashMap<usize, Vec<(usize, usize)>>,
}

struct Def {
    rule: usize,
    correlation: Correlation,
    /// Per position of `rules`: the group-by field paths (aliases resolved).
    group_paths: Vec<Vec<Vec<String>>>,
    field: Option<Vec<String>>,
}

/// One base-rule match, as a correlation sees it.
#[derive(Debug)]
struct Match {
    def: usize,
    pos: usize,
    millis: i64,
    key: Vec<String>,
    /// What the window counts: the field's value (`value_count`) or nothing.
    value: Option<String>,
    loc: Loc,
    id: String,
    time: String,
    name: String,
    source: String,
    account: String,
    region: String,
}

#[derive(Debug, Default)]
pub struct Notes {
    matches: Vec<Match>,
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.matches.is_empty()
    }
}

fn path(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_owned).collect()
}

impl Correlations {
    pub fn new(registry: &Registry) -> Self {
        let mut defs = Vec::new();
        let mut by_base: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for (rule, r) in registry.correlations() {
            let Some(c) = r.correlation.clone() else {
                continue;
            };
            let d = defs.len();
            let mut group_paths = Vec::new();
            for (pos, name) in c.rules.iter().enumerate() {
                let base = registry.named(name);
                if let Some(b) = base {
                    by_base.entry(b).or_default().push((d, pos));
                }
                // An alias maps a rule (by the name the correlation uses, its id or its
                // Sigma name) to the field that holds the grouped value in its events.
                let known: Vec<&str> = base
                    .map(|b| registry.get(b))
                    .map(|b| [Some(b.id.as_str()), b.name.as_deref()])
                    .into_iter()
                    .flatten()
                    .flatten()
                    .chain([name.as_str()])
                    .collect();
                let fields = c
                    .group_by
                    .iter()
                    .map(|g| {
                        let aliased = c
                            .aliases
                            .get(g)
                            .and_then(|per_rule| known.iter().find_map(|k| per_rule.get(*k)));
                        path(aliased.unwrap_or(g))
                    })
                    .collect();
                group_paths.push(fields);
            }
            let field = c.field.as_deref().map(path);
            defs.push(Def {
                rule,
                correlation: c,
                group_paths,
                field,
            });
        }
        Correlations { defs, by_base }
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// A base rule matched: note it for every correlation that counts it. An event without
    /// a readable `eventTime` or without a group-by field cannot be placed in a window (as
    /// a SIEM's grouping drops events whose group field is null).
    pub fn matched(&self, notes: &mut Notes, rule: usize, event: &Event) {
        let Some(uses) = self.by_base.get(&rule) else {
            return;
        };
        let Some(millis) = event
            .str("eventTime")
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_millisecond())
        else {
            return;
        };
        let doc = Doc::Plain(event.record);
        for &(d, pos) in uses {
            let def = &self.defs[d];
            let paths = &def.group_paths[pos];
            let key: Option<Vec<String>> = paths.iter().map(|p| first_text(doc, p)).collect();
            let Some(key) = key else { continue };
            let value = match (&def.field, def.correlation.kind) {
                (Some(f), CorrelationType::ValueCount) => match first_text(doc, f) {
                    Some(v) => Some(v),
                    None => continue,
                },
                _ => None,
            };
            let base = event.loc();
            // The field that groups the window, else the record.
            let pointer = match paths.first() {
                Some(p) => format!("{}{}", base.pointer, doc.place(p).1),
                None => base.pointer.clone(),
            };
            notes.matches.push(Match {
                def: d,
                pos,
                millis,
                key,
                value,
                loc: Loc::new(base.source, pointer),
                id: event.str("eventID").unwrap_or("(no eventID)").to_owned(),
                time: event.str("eventTime").unwrap_or("").to_owned(),
                name: event.str("eventName").unwrap_or("").to_owned(),
                source: event.str("eventSource").unwrap_or("").to_owned(),
                account: crate::finding::scope_text(event.str("recipientAccountId").unwrap_or("")),
                region: crate::finding::scope_text(event.str("awsRegion").unwrap_or("")),
            });
        }
    }

    /// The windows that fire, from the notes of all files in path order.
    pub fn finish(&self, notes: Vec<Notes>, registry: &Registry) -> Vec<Finding> {
        let mut per_def: Vec<Vec<Match>> = self.defs.iter().map(|_| Vec::new()).collect();
        for n in notes {
            for m in n.matches {
                per_def[m.def].push(m);
            }
        }
        let mut findings = Vec::new();
        for (def, mut matches) in self.defs.iter().zip(per_def) {
            // Stable: events of the same millisecond keep their file order.
            matches.sort_by_key(|m| m.millis);
            let mut groups: BTreeMap<&[String], Vec<&Match>> = BTreeMap::new();
            for m in &matches {
                groups.entry(&m.key).or_default().push(m);
            }
            for events in groups.values() {
                for window in windows(def, events) {
                    findings.push(self.finding(def, window, registry));
                }
            }
        }
        findings
    }

    fn finding(
        &self,
        def: &Def,
        (events, count): (&[&Match], u64),
        registry: &Registry,
    ) -> Finding {
        let rule = registry.get(def.rule);
        let c = &def.correlation;
        let (first, last) = (events[0], events[events.len() - 1]);
        let group: Vec<String> = c
            .group_by
            .iter()
            .zip(&first.key)
            .map(|(g, v)| format!("{g}={v}"))
            .collect();
        let group = if group.is_empty() {
            "all events".to_owned()
        } else {
            group.join(", ")
        };
        let what = match c.kind {
            CorrelationType::EventCount => format!("{count} events"),
            CorrelationType::ValueCount => format!(
                "{count} distinct values of {} in {} events",
                c.field.as_deref().unwrap_or("?"),
                events.len()
            ),
            CorrelationType::Temporal => {
                format!(
                    "{count} of the rules {} in {} events",
                    c.rules.join(", "),
                    events.len()
                )
            }
            CorrelationType::TemporalOrdered => format!(
                "{count} of the rules {} in that order, in {} events",
                c.rules.join(" then "),
                events.len()
            ),
        };
        let message = format!(
            "{}: {what} for {group} within {} (from {} to {})",
            rule.title, c.timespan, first.time, last.time
        );
        let related = events
            .iter()
            .enumerate()
            .skip(1)
            .take(RELATED)
            .map(|(k, m)| Related {
                loc: m.loc.clone(),
                note: format!(
                    "{} at {} ({} of {}, rule {})",
                    m.name,
                    m.time,
                    k + 1,
                    events.len(),
                    c.rules[m.pos]
                ),
            })
            .collect();
        Finding {
            rule: def.rule,
            rule_id: rule.id.clone(),
            severity: rule.severity,
            fingerprint: fingerprint(&rule.id, &format!("{group}@{}", first.id)),
            subject: Subject::Event {
                id: first.id.clone(),
                time: first.time.clone(),
                name: first.name.clone(),
                source: first.source.clone(),
                resource: Some(group.clone()),
            },
            message,
            remediation: rule.remediation.render(Doc::Plain(&Value::Null)),
            primary: Some(first.loc.clone()),
            primary_note: format!(
                "first of {} events ({group}), rule {}",
                events.len(),
                c.rules[first.pos]
            ),
            related,
            account: first.account.clone(),
            region: first.region.clone(),
            suppression: None,
            baseline: None,
        }
    }
}

/// The first value at `path`, as text (strings as they are, other values as JSON).
fn first_text(doc: Doc, path: &[String]) -> Option<String> {
    doc.values(path).into_iter().next().map(|v| match v {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// What a window counts.
fn count(def: &Def, window: &[&Match]) -> u64 {
    let c = &def.correlation;
    let n = match c.kind {
        CorrelationType::EventCount => window.len(),
        CorrelationType::ValueCount => {
            let mut values: Vec<&str> = window.iter().filter_map(|m| m.value.as_deref()).collect();
            values.sort_unstable();
            values.dedup();
            values.len()
        }
        CorrelationType::Temporal => {
            let mut seen = vec![false; c.rules.len()];
            for m in window {
                seen[m.pos] = true;
            }
            seen.iter().filter(|s| **s).count()
        }
        // How far the rules are met in their order: the longest prefix of `rules` that
        // the window's events show one after the other.
        CorrelationType::TemporalOrdered => window.iter().fold(0, |next, m| {
            if next < c.rules.len() && m.pos == next {
                next + 1
            } else {
                next
            }
        }),
    };
    n as u64
}

/// The windows of one group's events (sorted by time) that fire, each with its count. A
/// window holds the events from its first to `timespan` after it. With only lower bounds
/// (`gte`, `gt`) windows slide: one starts at each event until one fires, and the next
/// starts after it. With an upper bound they are laid end to end from the group's first
/// event, or every sliding tail would fire.
fn windows<'a, 'm>(def: &Def, events: &'a [&'m Match]) -> Vec<(&'a [&'m Match], u64)> {
    let c = &def.correlation;
    let span = c.timespan_seconds.saturating_mul(1000);
    let sliding = c.sliding();
    let mut out = Vec::new();
    let mut start = 0;
    let mut end = 0;
    while start < events.len() {
        end = end.max(start);
        let limit = events[start].millis.saturating_add(span);
        while end + 1 < events.len() && events[end + 1].millis <= limit {
            end += 1;
        }
        let window = &events[start..=end];
        let n = count(def, window);
        if c.holds(n) {
            out.push((window, n));
            start = end + 1;
        } else if sliding {
            start += 1;
        } else {
            start = end + 1;
        }
    }
    out
}
