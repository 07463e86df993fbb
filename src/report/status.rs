//! A control's status from what the scan read: `fail` when a full rule fired on an
//! in-scope resource, `unknown` when nothing failed but a resource lacked a fact a rule
//! requires or a kind was not read at all, `pass` when every in-scope resource was judged
//! and none failed, `not_applicable` when the inventory of the kind is complete and empty,
//! `manual` when nothing automated decides it, `excepted` when the only failures are
//! governed exceptions (never a pass).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Inventory, Kind, Loc};
use crate::rules::{Doc, Registry, Target, Verdict};
use crate::scan::Outcome;

use super::catalog::{Control, Coverage, Decided};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Fail,
    Unknown,
    Excepted,
    Manual,
    Pass,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Fail,
        Status::Unknown,
        Status::Excepted,
        Status::Manual,
        Status::Pass,
        Status::NotApplicable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Excepted => "excepted",
            Status::Manual => "manual",
            Status::Pass => "pass",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// What one rule made of one resource.
#[derive(Debug, Clone)]
pub enum Outcome1 {
    /// Fired, and counts (the finding's index in the scan).
    Failed(usize),
    /// Fired, under a governed exception.
    Excepted(usize),
    /// Could not judge: the fact it requires that the resource lacks.
    Unknown(String),
    /// Judged, did not fire: where the deciding fact is (the proof of the pass).
    Passed(Option<Loc>),
}

/// One resource (or account) of a control, and what its rules made of it.
#[derive(Debug, Clone)]
pub struct Judged {
    pub kind: Kind,
    pub arn: String,
    pub account: String,
    pub region: String,
    /// Per full (or, without full rules, partial) rule: its id and outcome.
    pub by_rule: Vec<(String, Outcome1)>,
    pub status: Status,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub evaluated: usize,
    pub passed: usize,
    pub failed: usize,
    pub unknown: usize,
    pub excepted: usize,
}

/// A control's result.
#[derive(Debug, Clone)]
pub struct ControlResult {
    pub status: Status,
    pub counts: Counts,
    /// Resources in scope, failing first.
    pub resources: Vec<Judged>,
    /// For per-account controls: each account's status and why.
    pub accounts: Vec<(String, Status, String)>,
    /// What the scan could not see ("us-west-2: 3 kms_key without KeyRotationEnabled").
    pub missing: Vec<String>,
    /// Findings of partial rules (supporting, not deciding) and of evidence rules.
    pub supporting: Vec<usize>,
    pub evidence: Vec<usize>,
    /// Rules the control maps to that the scan did not run (`--skip`, not loaded).
    pub not_run: Vec<String>,
}

/// Findings by (rule id, subject ARN).
/// What every control's evaluation looks up, computed once per report: findings by rule
/// and subject, the regions each account was seen in, and where each kind was read.
pub struct Index<'a> {
    by: HashMap<(&'a str, &'a str), Vec<usize>>,
    by_rule: HashMap<&'a str, Vec<usize>>,
    seen: BTreeMap<String, BTreeSet<String>>,
    /// (kind, account, region) listed or holding a resource.
    read: HashSet<(Kind, &'a str, &'a str)>,
    /// (kind, account) read in some region.
    read_anywhere: HashSet<(Kind, &'a str)>,
}

impl<'a> Index<'a> {
    pub fn new(outcome: &'a Outcome) -> Index<'a> {
        let mut by: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in outcome.findings.iter().enumerate() {
            by.entry((f.rule_id.as_str(), f.subject.identity()))
                .or_default()
                .push(i);
            by_rule.entry(f.rule_id.as_str()).or_default().push(i);
        }
        let inv = &outcome.inventory;
        let read: HashSet<(Kind, &str, &str)> = inv
            .resources
            .iter()
            .map(|r| (r.kind, r.account, r.region))
            .chain(
                inv.listed
                    .iter()
                    .map(|(k, a, r)| (*k, a.as_str(), r.as_str())),
            )
            .collect();
        let read_anywhere = read.iter().map(|(k, a, _)| (*k, *a)).collect();
        Index {
            by,
            by_rule,
            seen: regions_seen(inv),
            read,
            read_anywhere,
        }
    }
}

/// The resources of one kind: the inventory is in (kind, ARN) order.
fn of_kind(inv: &Inventory, kind: Kind) -> std::ops::Range<usize> {
    let start = inv.resources.partition_point(|r| r.kind < kind);
    let end = inv.resources.partition_point(|r| r.kind <= kind);
    start..end
}

/// The regions where an account's resources were read or listed, by account.
fn regions_seen(inv: &Inventory) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &inv.resources {
        out.entry(r.account.to_owned())
            .or_default()
            .insert(r.region.to_owned());
    }
    for (_, account, region) in &inv.listed {
        out.entry(account.clone())
            .or_default()
            .insert(region.clone());
    }
    for regions in out.values_mut() {
        regions.retain(|r| !r.is_empty() && r != "global");
    }
    out
}

/// Kinds that are one per account, or listed once for all regions (S3's buckets).
fn is_global(kind: Kind) -> bool {
    matches!(kind, Kind::S3Bucket | Kind::S3Account)
}

/// The command whose output lists a kind (`aws ec2 describe-volumes`), for messages.
pub fn listing_of(kind: Kind) -> Option<&'static str> {
    crate::ingest::export::apis()
        .find(|a| a.kind == Some(kind) && a.names == crate::ingest::export::Names::Nothing)
        .map(|a| a.invocation)
}

pub fn evaluate(
    control: &Control,
    outcome: &Outcome,
    registry: &Registry,
    index: &Index,
) -> ControlResult {
    let inv = &outcome.inventory;
    let findings = &outcome.findings;
    let mut result = ControlResult {
        status: Status::Manual,
        counts: Counts::default(),
        resources: Vec::new(),
        accounts: Vec::new(),
        missing: Vec::new(),
        supporting: Vec::new(),
        evidence: Vec::new(),
        not_run: Vec::new(),
    };
    for id in &control.evidence {
        result.evidence.extend(
            index
                .by_rule
                .get(id.as_str())
                .into_iter()
                .flatten()
                .copied(),
        );
    }
    let rule_of = |id: &str| registry.rules().iter().find(|r| r.id == id);
    let resource_rules = |coverage: Coverage| {
        control
            .rules
            .iter()
            .filter(move |m| m.coverage == coverage)
            .map(|m| m.rule.as_str())
    };
    let full: Vec<&str> = resource_rules(Coverage::Full).collect();
    let partial: Vec<&str> = resource_rules(Coverage::Partial).collect();
    // With full rules, partial ones only support; without, they decide a failure (a
    // violation is proven) but never a pass.
    let deciding: Vec<&str> = if full.is_empty() {
        partial.clone()
    } else {
        full.clone()
    };
    if !full.is_empty() {
        for id in &partial {
            result.supporting.extend(
                index
                    .by_rule
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter(|&&i| findings[i].counts_for_compliance()),
            );
        }
    }
    if deciding.is_empty() {
        return result;
    }
    let mut rules = Vec::new();
    for id in &deciding {
        match rule_of(id) {
            Some(rule) => match rule.target {
                Target::Resource(kind) => rules.push((rule, kind)),
                Target::Events => result.not_run.push(format!("{id} (an event rule)")),
            },
            None => result.not_run.push((*id).to_owned()),
        }
    }
    // Every resource of the rules' kinds, judged by every deciding rule of its kind.
    let mut judged: BTreeMap<(Kind, &str), Judged> = BTreeMap::new();
    let mut unknown_facts: BTreeMap<(String, Kind, String), usize> = BTreeMap::new();
    for (rule, kind) in &rules {
        for i in of_kind(inv, *kind) {
            let r = &inv.resources[i];
            let fired: &[usize] = index
                .by
                .get(&(rule.id.as_str(), r.arn))
                .map_or(&[], Vec::as_slice);
            let outcome1 =
                if let Some(&f) = fired.iter().find(|&&f| findings[f].counts_for_compliance()) {
                    Outcome1::Failed(f)
                } else if let Some(&f) = fired.first() {
                    Outcome1::Excepted(f)
                } else {
                    let doc = Doc::Resource { inv, index: i };
                    match rule.verdict(doc) {
                        Verdict::OutOfScope => continue,
                        Verdict::Unknown(fact) => {
                            *unknown_facts
                                .entry((r.region.to_owned(), *kind, fact.clone()))
                                .or_default() += 1;
                            Outcome1::Unknown(fact)
                        }
                        Verdict::Judged => Outcome1::Passed(proof(rule, inv, i)),
                    }
                };
            judged
                .entry((*kind, r.arn))
                .or_insert_with(|| Judged {
                    kind: *kind,
                    arn: r.arn.to_owned(),
                    account: crate::finding::scope_text(r.account),
                    region: crate::finding::scope_text(r.region),
                    by_rule: Vec::new(),
                    status: Status::Pass,
                })
                .by_rule
                .push((rule.id.clone(), outcome1));
        }
    }
    for j in judged.values_mut() {
        j.status = resource_status(j, !full.is_empty());
    }
    for ((region, kind, fact), n) in unknown_facts {
        result.missing.push(format!(
            "{}: {n} {} without {fact}",
            if region.is_empty() { "global" } else { &region },
            kind.name()
        ));
    }
    // Kinds not read at all where the scan saw the account.
    let seen = &index.seen;
    let kinds: BTreeSet<Kind> = rules.iter().map(|(_, k)| *k).collect();
    for kind in &kinds {
        for (account, regions) in seen {
            let has = |region: Option<&str>| match region {
                Some(region) => index.read.contains(&(*kind, account.as_str(), region)),
                None => index.read_anywhere.contains(&(*kind, account.as_str())),
            };
            let listing = listing_of(*kind).unwrap_or("a listing of them");
            if is_global(*kind) {
                if !has(None) {
                    result.missing.push(format!(
                        "account {account}: no {} read (`{listing}`)",
                        kind.name()
                    ));
                }
                continue;
            }
            for region in regions {
                if !has(Some(region)) {
                    result.missing.push(format!(
                        "account {account}, {region}: no {} read (`{listing}`)",
                        kind.name()
                    ));
                }
            }
        }
    }
    let mut resources: Vec<Judged> = judged.into_values().collect();
    resources.sort_by(|a, b| (a.status, &a.arn).cmp(&(b.status, &b.arn)));
    for j in &resources {
        result.counts.evaluated += 1;
        match j.status {
            Status::Fail => result.counts.failed += 1,
            Status::Unknown => result.counts.unknown += 1,
            Status::Excepted => result.counts.excepted += 1,
            _ => result.counts.passed += 1,
        }
    }
    result.status = match control.decided {
        Decided::PerResource => per_resource(&resources, &result, !full.is_empty()),
        Decided::PerAccount => {
            let (status, accounts) = per_account(&resources, &result, seen, !full.is_empty());
            result.accounts = accounts;
            status
        }
    };
    result.resources = resources;
    result
}

/// The status of one resource over its rules.
fn resource_status(j: &Judged, full: bool) -> Status {
    let any = |f: fn(&Outcome1) -> bool| j.by_rule.iter().any(|(_, o)| f(o));
    if any(|o| matches!(o, Outcome1::Failed(_))) {
        Status::Fail
    } else if any(|o| matches!(o, Outcome1::Excepted(_))) {
        Status::Excepted
    } else if any(|o| matches!(o, Outcome1::Unknown(_))) {
        Status::Unknown
    } else if full {
        Status::Pass
    } else {
        // Partial rules alone cannot prove a pass.
        Status::Manual
    }
}

fn per_resource(resources: &[Judged], result: &ControlResult, full: bool) -> Status {
    let has = |s: Status| resources.iter().any(|j| j.status == s);
    if has(Status::Fail) {
        Status::Fail
    } else if !full {
        Status::Manual
    } else if has(Status::Unknown) || !result.missing.is_empty() || !result.not_run.is_empty() {
        Status::Unknown
    } else if has(Status::Excepted) {
        Status::Excepted
    } else if resources.is_empty() {
        Status::NotApplicable
    } else {
        Status::Pass
    }
}

/// An account meets a per-account control when one of its resources passes every full
/// rule; it fails when none does (or it has none, its inventory complete).
fn per_account(
    resources: &[Judged],
    result: &ControlResult,
    seen: &BTreeMap<String, BTreeSet<String>>,
    full: bool,
) -> (Status, Vec<(String, Status, String)>) {
    let mut accounts = Vec::new();
    for account in seen.keys() {
        let mine: Vec<&Judged> = resources.iter().filter(|j| &j.account == account).collect();
        let blind = result
            .missing
            .iter()
            .any(|m| m.starts_with(&format!("account {account}")));
        let (status, why) = if let Some(j) = mine.iter().find(|j| j.status == Status::Pass) {
            (Status::Pass, format!("met by {}", j.arn))
        } else if mine.iter().any(|j| j.status == Status::Unknown)
            || (mine.is_empty() && blind)
            || !result.not_run.is_empty()
        {
            (
                Status::Unknown,
                "no resource known to meet it, and some could not be judged".to_owned(),
            )
        } else if !full {
            if mine.iter().any(|j| j.status == Status::Fail) {
                (Status::Fail, "a partial check failed".to_owned())
            } else {
                (
                    Status::Manual,
                    "partial checks cannot prove it met".to_owned(),
                )
            }
        } else if mine.iter().any(|j| j.status == Status::Excepted) {
            // No resource meets it; one would but for a governed exception.
            (
                Status::Excepted,
                "met only under a governed exception".to_owned(),
            )
        } else if mine.is_empty() {
            (Status::Fail, "none exists".to_owned())
        } else {
            (Status::Fail, format!("none of its {} meets it", mine.len()))
        };
        accounts.push((account.clone(), status, why));
    }
    let has = |s: Status| accounts.iter().any(|(_, st, _)| *st == s);
    let status = if has(Status::Fail) {
        Status::Fail
    } else if has(Status::Unknown) {
        Status::Unknown
    } else if has(Status::Manual) || accounts.is_empty() && !full {
        Status::Manual
    } else if has(Status::Excepted) {
        Status::Excepted
    } else if accounts.is_empty() {
        Status::Unknown
    } else {
        Status::Pass
    };
    (status, accounts)
}

/// Where a pass is decided: the field a finding of the rule would point at (`location:`),
/// else the first fact the rule requires, else the first field its detection tests, else
/// where the resource was read.
fn proof(rule: &crate::rules::Rule, inv: &Inventory, i: usize) -> Option<Loc> {
    let r = &inv.resources[i];
    let doc = Doc::Resource { inv, index: i };
    let paths = rule
        .location
        .iter()
        .map(Vec::as_slice)
        .chain(rule.requires.iter().map(Vec::as_slice))
        .chain(rule.detection.fields().map(|t| t.path.as_slice()));
    for path in paths {
        let (owner, pointer) = doc.place(path);
        if owner == Some(i)
            && !doc.values(path).is_empty()
            && let Some(loc) = r.locate(&pointer)
        {
            return Some(loc);
        }
    }
    r.home().cloned()
}
