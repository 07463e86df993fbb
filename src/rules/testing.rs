//! Running the test cases rule files carry (`atrest rules test`, and the test suite).

use crate::model::enrich_event;

use super::doc::Doc;
use super::rule::{Expect, Rule, Target};

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
            let failure = match (case.expect, fired) {
                (Expect::Finding, false) => Some("expected a finding, got none".to_owned()),
                (Expect::None, true) => Some("expected no finding, got one".to_owned()),
                (Expect::Finding, true) => case.message.as_ref().and_then(|want| {
                    let got = rule.message.render(doc);
                    (!got.contains(want.as_str()))
                        .then(|| format!("the message `{got}` does not contain `{want}`"))
                }),
                (Expect::None, false) => None,
            };
            CaseResult {
                rule: rule.id.clone(),
                case: case.name.clone(),
                failure,
            }
        })
        .collect()
}
