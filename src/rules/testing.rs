//! Running the test cases rule files carry (`atrest rules test`, and the test suite).

use crate::model::enrich_event;

use super::doc::Doc;
use super::rule::{Expect, Rule, Target, Verdict};

fn expectation(e: Expect) -> &'static str {
    match e {
        Expect::Finding => "a finding",
        Expect::None => "no finding (a pass)",
        Expect::Unknown => "an unknown (a required fact absent)",
        Expect::Skipped => "the rule not to apply",
    }
}

/// One test case's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub rule: String,
    pub case: String,
    /// `None` when the case passed, else what went wrong.
    pub failure: Option<String>,
}

pub fn run(rule: &Rule) -> Vec<CaseResult> {
    rule.tests
        .iter()
        .map(|case| {
            // Event inputs get the derived facts a scan adds to every record.
            let mut input = case.input.clone();
            if rule.target == Target::Events {
                enrich_event(&mut input);
            }
            let doc = Doc::Plain(&input);
            let fired = rule.detection.matches(doc);
            // Without a finding, what the rule made of the input must be what the case
            // says: judged (`none`, a pass), not judged for want of a fact (`unknown`), or
            // outside what it judges (`skipped`).
            let verdict = match rule.target {
                Target::Resource(_) if !fired => Some(rule.verdict(doc)),
                _ => None,
            };
            let failure = match (case.expect, fired) {
                (Expect::Finding, false) => Some("expected a finding, got none".to_owned()),
                (expect @ (Expect::None | Expect::Unknown | Expect::Skipped), true) => {
                    Some(format!("expected {}, got a finding", expectation(expect)))
                }
                (Expect::Finding, true) => case.message.as_ref().and_then(|want| {
                    let got = rule.message.render(doc);
                    (!got.contains(want.as_str()))
                        .then(|| format!("the message `{got}` does not contain `{want}`"))
                }),
                (expect, false) => match (expect, verdict) {
                    (_, None) if expect == Expect::None => None,
                    (_, None) => Some(format!(
                        "`expect: {}` is for rules on resources",
                        expectation(expect)
                    )),
                    (Expect::None, Some(Verdict::Judged))
                    | (Expect::Skipped, Some(Verdict::OutOfScope)) => None,
                    (Expect::Unknown, Some(Verdict::Unknown(_))) => None,
                    (_, Some(v)) => Some(format!(
                        "expected {}, but the rule {}",
                        expectation(expect),
                        match v {
                            Verdict::Judged => "judged the input (a pass)".to_owned(),
                            Verdict::OutOfScope =>
                                "does not apply to the input (`applies_when`)".to_owned(),
                            Verdict::Unknown(fact) =>
                                format!("cannot judge the input without `{fact}` (`requires`)"),
                        }
                    )),
                },
            };
            CaseResult {
                rule: rule.id.clone(),
                case: case.name.clone(),
                failure,
            }
        })
        .collect()
}
