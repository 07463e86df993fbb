//! Rule `event-kms-key-disabled-in-use`: a key disabled or scheduled for deletion while the
//! logs show it in use. One finding per incident: from the `DisableKey` or
//! `ScheduleKeyDeletion` that made the key unusable to the `EnableKey` that made it usable
//! again (or the end of the logs), with who did it, the successful use before, every call
//! refused in between because of it, and the resources of the inventory that still depend on
//! the key.
//!
//! "In use" means a successful cryptographic call on the key (or a grant made by a service)
//! in the [`IN_USE_DAYS`] days of logs before the change, or a call refused with
//! `DisabledException`/`KMSInvalidStateException` after it. The notes count use and
//! refusals per minute (so that they stay small): in the minute of the change, its calls are
//! counted when they all came before it, else the message says "at least"; a minute of
//! refusals that straddles the start or the end of an incident is counted exactly when it
//! holds no more calls than the notes keep whole, and whole otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::finding::{Finding, Related, Subject, fingerprint};
use crate::model::{Inventory, Kind, Loc};
use crate::rules::Rule;

use super::activity::Names;
use super::activity::{KeyId, Resolver};
use super::key_wording::{deletion_text, describe_failures, plural, via};
use super::keys::{Change, FailMinute, Failure, KeyNotes, MINUTE, Step, Use, UseMinute};

/// How many refused calls, callers and resources a finding names one by one.
pub const SHOWN: usize = 5;

pub const RULE: &str = "event-kms-key-disabled-in-use";

/// How far back successful use makes a key "in use".
pub const IN_USE_DAYS: i64 = 30;

struct Incident<'a> {
    start: &'a Step,
    /// Later changes while the key stayed unusable (a deletion scheduled after disabling, a
    /// cancelled deletion).
    later: Vec<&'a Step>,
    end: Option<&'a Step>,
}

pub fn findings(
    index: usize,
    rule: &Rule,
    notes: &KeyNotes,
    resolver: &Resolver,
    inventory: &Inventory,
) -> Vec<Finding> {
    let mut steps: BTreeMap<KeyId, Vec<&Step>> = BTreeMap::new();
    for s in &notes.steps {
        steps.entry(resolver.resolve(&s.key)).or_default().push(s);
    }
    // A key named by id in some records and by alias in others is one key.
    let mut failures: BTreeMap<KeyId, BTreeMap<i64, FailMinute>> = BTreeMap::new();
    for (name, minutes) in &notes.failures {
        let mine = failures.entry(resolver.resolve(name)).or_default();
        for (h, minute) in minutes {
            mine.entry(*h).or_default().merge(minute.clone());
        }
    }
    let mut usage: BTreeMap<KeyId, BTreeMap<i64, UseMinute>> = BTreeMap::new();
    for (name, days) in &notes.usage {
        let mine = usage.entry(resolver.resolve(name)).or_default();
        for (d, day) in days {
            match mine.get_mut(d) {
                Some(existing) => existing.merge(day.clone()),
                None => {
                    mine.insert(*d, day.clone());
                }
            }
        }
    }
    let mut out = Vec::new();
    for (key, mut list) in steps {
        list.sort_by(|a, b| {
            (a.seen.time, &a.seen.loc, a.change).cmp(&(b.seen.time, &b.seen.loc, b.change))
        });
        let no_failures = BTreeMap::new();
        let key_failures = failures.get(&key).unwrap_or(&no_failures);
        let no_usage = BTreeMap::new();
        let key_usage = usage.get(&key).unwrap_or(&no_usage);
        for incident in incidents(&list) {
            let ctx = Context {
                key: &key,
                aliases: resolver.aliases(&key),
                failures: key_failures,
                usage: key_usage,
                inventory,
                names: &notes.names,
                last_time: notes.last_time.as_ref().map(|(_, t)| t.as_str()),
            };
            if let Some(f) = finding(index, rule, &incident, &ctx) {
                out.push(f);
            }
        }
    }
    out
}

fn incidents<'a>(steps: &[&'a Step]) -> Vec<Incident<'a>> {
    let mut out = Vec::new();
    let mut open: Option<Incident> = None;
    for &step in steps {
        match step.change {
            c if c.makes_unusable() => match &mut open {
                Some(i) => i.later.push(step),
                None => {
                    open = Some(Incident {
                        start: step,
                        later: Vec::new(),
                        end: None,
                    })
                }
            },
            Change::CancelDeletion => {
                if let Some(i) = &mut open {
                    i.later.push(step);
                }
            }
            Change::Enable => {
                if let Some(mut i) = open.take() {
                    i.end = Some(step);
                    out.push(i);
                }
            }
            _ => {}
        }
    }
    out.extend(open);
    out
}

struct Context<'a> {
    key: &'a KeyId,
    aliases: Vec<String>,
    failures: &'a BTreeMap<i64, FailMinute>,
    usage: &'a BTreeMap<i64, UseMinute>,
    inventory: &'a Inventory,
    names: &'a Names,
    last_time: Option<&'a str>,
}

/// Successful calls in the window before `t`, whether the count is exact, and the last of
/// them.
fn use_before(usage: &BTreeMap<i64, UseMinute>, t: i64) -> (u64, bool, Option<Use>) {
    let now = t.div_euclid(MINUTE);
    let mut count = 0;
    let mut exact = true;
    let mut last = None;
    let from = (t - IN_USE_DAYS * 86_400).div_euclid(MINUTE);
    for (&d, day) in usage.range(from..=now) {
        if d < now || day.last.time < t {
            count += day.count;
            last = Some(day.last);
        } else if day.first.time < t {
            count += 1;
            exact = false;
            last = Some(day.first);
        }
    }
    (count, exact, last)
}

/// The calls refused in `[from, to)`.
#[derive(Default)]
pub struct Refused<'a> {
    pub count: u64,
    pub callers: BTreeMap<(String, Option<String>), u64>,
    pub errors: BTreeMap<String, u64>,
    pub resources: BTreeSet<String>,
    pub more_resources: u64,
    pub examples: Vec<&'a Failure>,
}

fn refused(minutes: &BTreeMap<i64, FailMinute>, from: i64, to: Option<i64>) -> Refused<'_> {
    let mut out = Refused::default();
    let inside = |t: i64| t >= from && to.is_none_or(|e| t < e);
    let last_minute = to.map_or(i64::MAX, |e| e.div_euclid(MINUTE));
    for minute in minutes
        .range(from.div_euclid(MINUTE)..=last_minute)
        .map(|(_, h)| h)
    {
        if !(minute.last >= from && to.is_none_or(|e| minute.first < e)) {
            continue;
        }
        let whole = inside(minute.first) && inside(minute.last);
        if whole || minute.count as usize > minute.examples.len() {
            out.count += minute.count;
            for (k, n) in &minute.callers {
                *out.callers.entry(k.clone()).or_default() += n;
            }
            for (k, n) in &minute.errors {
                *out.errors.entry(k.clone()).or_default() += n;
            }
            out.resources.extend(minute.resources.iter().cloned());
            out.more_resources += minute.more_resources;
        } else {
            // Every call of the minute is kept whole: count those of the incident.
            for f in minute.examples.iter().filter(|f| inside(f.seen.time)) {
                out.count += 1;
                let caller = (f.seen.principal.clone(), f.seen.service.clone());
                *out.callers.entry(caller).or_default() += 1;
                *out.errors.entry(f.error.clone()).or_default() += 1;
                out.resources.extend(f.context.iter().cloned());
            }
        }
        out.examples
            .extend(minute.examples.iter().filter(|f| inside(f.seen.time)));
    }
    out.examples.truncate(SHOWN);
    out
}

fn finding(index: usize, rule: &Rule, incident: &Incident, ctx: &Context) -> Option<Finding> {
    let start = incident.start;
    let t = start.seen.time;
    let (uses, exact, last_use) = use_before(ctx.usage, t);
    let last_use = last_use.map(|u| u.seen(ctx.names));
    let last_use = last_use.as_ref();
    let failed = refused(ctx.failures, t, incident.end.map(|e| e.seen.time));
    if uses == 0 && failed.count == 0 {
        return None;
    }
    let key = ctx.key;
    let shown_key = key.arn.clone().unwrap_or_else(|| key.id.clone());
    let mut m = String::new();
    let who = &start.seen.principal;
    let from = start.source_ip.as_deref().unwrap_or("an unknown address");
    let aliases = if ctx.aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", ctx.aliases.join(", "))
    };
    let _ = match (start.change, &start.deletion) {
        (Change::ScheduleDeletion, Some((date, days))) => write!(
            m,
            "{who} scheduled the deletion of KMS key {shown_key}{aliases} at {} from {from}{}",
            start.seen.time_text,
            deletion_text(date, *days)
        ),
        _ => write!(
            m,
            "{who} disabled KMS key {shown_key}{aliases} at {} from {from}",
            start.seen.time_text
        ),
    };
    m.push_str(" while it was in use: ");
    match last_use {
        Some(last) => {
            let _ = write!(
                m,
                "{}{uses} successful call{} in the {IN_USE_DAYS} days before (the last: {} by {}{} at {})",
                if exact { "" } else { "at least " },
                plural(uses),
                last.operation,
                last.principal,
                via(last.service.as_deref()),
                last.time_text
            );
        }
        None => m.push_str("no successful call in the logs before"),
    }
    m.push_str(". ");
    describe_failures(&mut m, &failed);
    for step in &incident.later {
        let _ = match step.change {
            Change::CancelDeletion => write!(
                m,
                " {} cancelled the deletion at {} (the key stays disabled).",
                step.seen.principal, step.seen.time_text
            ),
            _ => write!(
                m,
                " {} then {} at {}.",
                step.seen.principal,
                match step.change {
                    Change::ScheduleDeletion => "scheduled its deletion",
                    _ => "disabled it again",
                },
                step.seen.time_text
            ),
        };
    }
    let _ = match incident.end {
        Some(end) => write!(
            m,
            " {} re-enabled the key at {}.",
            end.seen.principal, end.seen.time_text
        ),
        None => write!(
            m,
            " The key is not re-enabled in the logs (they end at {}).",
            ctx.last_time.unwrap_or("an unknown time")
        ),
    };
    let dependents = dependents(ctx.inventory, key);
    if !dependents.is_empty() {
        let names: Vec<&str> = dependents
            .iter()
            .take(SHOWN)
            .map(|&i| ctx.inventory.resources[i].arn)
            .collect();
        let more = dependents.len().saturating_sub(SHOWN);
        let _ = write!(
            m,
            " The scanned inventory has {} resource{} still encrypted with it: {}{}.",
            dependents.len(),
            plural(dependents.len() as u64),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }

    let mut related = Vec::new();
    if let Some(last) = last_use {
        related.push(Related {
            loc: last.loc.clone(),
            note: format!(
                "last successful use before: {} by {} at {}",
                last.operation, last.principal, last.time_text
            ),
        });
    }
    for f in &failed.examples {
        related.push(Related {
            loc: at(&f.seen.loc, "/errorCode"),
            note: format!(
                "refused afterwards: {} by {}{} at {}: errorCode is {}",
                f.seen.operation,
                f.seen.principal,
                via(f.seen.service.as_deref()),
                f.seen.time_text,
                f.error
            ),
        });
    }
    for step in incident.later.iter().chain(&incident.end) {
        related.push(Related {
            loc: at(&step.seen.loc, "/eventName"),
            note: format!(
                "{} by {} at {}",
                step.seen.operation, step.seen.principal, step.seen.time_text
            ),
        });
    }
    for &i in dependents.iter().take(SHOWN) {
        let r = &ctx.inventory.resources[i];
        if let Some(loc) = r.home() {
            related.push(Related {
                loc: loc.clone(),
                note: format!("still encrypted with the key: {}", r.arn),
            });
        }
    }

    let region = &key.region;
    let mut remediation = String::new();
    if incident.end.is_some() {
        remediation.push_str("# the key was re-enabled; retry what failed meanwhile\n");
    }
    if start.change == Change::ScheduleDeletion
        || incident
            .later
            .iter()
            .any(|s| s.change == Change::ScheduleDeletion)
    {
        let _ = writeln!(
            remediation,
            "aws kms cancel-key-deletion --key-id {shown_key} --region {region}"
        );
    }
    let _ = writeln!(
        remediation,
        "aws kms enable-key --key-id {shown_key} --region {region}"
    );
    let identity = format!(
        "{}\0{}",
        start.seen.event_id.as_deref().unwrap_or(""),
        shown_key
    );
    Some(Finding {
        rule: index,
        rule_id: rule.id.clone(),
        severity: rule.severity,
        fingerprint: fingerprint(&rule.id, &identity),
        subject: Subject::Event {
            id: start
                .seen
                .event_id
                .clone()
                .unwrap_or_else(|| "(no eventID)".to_owned()),
            time: start.seen.time_text.clone(),
            name: start.seen.operation.clone(),
            source: "kms.amazonaws.com".to_owned(),
            resource: Some(shown_key.clone()),
        },
        message: m,
        remediation,
        primary: Some(at(&start.seen.loc, start.key_field)),
        primary_note: format!(
            "{} of {shown_key} by {who}, {} call{} refused until {}",
            start.seen.operation,
            failed.count,
            plural(failed.count),
            incident.end.map_or("the end of the logs".to_owned(), |e| e
                .seen
                .time_text
                .clone())
        ),
        related,
        account: crate::finding::scope_text(&key.account),
        region: crate::finding::scope_text(&key.region),
        suppression: None,
        baseline: None,
    })
}

fn at(base: &Loc, suffix: &str) -> Loc {
    base.below(format!("{}{suffix}", base.pointer))
}

/// The resources of the inventory encrypted with the key (its `DependentResources`).
fn dependents(inventory: &Inventory, key: &KeyId) -> Vec<usize> {
    let Some(arn) = &key.arn else {
        return Vec::new();
    };
    let Some(k) = inventory.find(Kind::KmsKey, arn) else {
        return Vec::new();
    };
    inventory
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind != Kind::KmsAlias && r.link("KmsKey") == Some(k))
        .map(|(i, _)| i)
        .collect()
}
