//! One rule: the YAML file as written, and the compiled form the scan runs.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::model::Kind;

use super::correlation::Correlation;
use super::detection::Detection;
use super::template::Template;
use super::yaml_node::{Node, Pos};
pub use crate::finding::Severity;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Resource(Kind),
    /// CloudTrail records.
    Events,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Resource(kind) => kind.name(),
            Target::Events => "cloudtrail",
        }
    }
}

/// A rule file as written. Sigma's own keys are accepted too, so that Sigma rules load.
/// The values a load error can be about keep their position in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub id: Spanned<String>,
    pub title: String,
    pub severity: Option<Spanned<String>>,
    pub applies_to: Option<Spanned<String>>,
    pub description: Option<String>,
    pub rationale: Option<String>,
    pub remediation: Option<Spanned<String>>,
    pub message: Option<Spanned<String>>,
    /// For event rules: what the event acts on (`{requestParameters.keyId}`).
    pub resource: Option<Spanned<String>>,
    /// The field whose line a finding points at (default: the first field that matched).
    pub location: Option<Spanned<String>>,
    /// The facts the rule cannot judge a resource without (`KeyRotationEnabled`): a
    /// resource it applies to that lacks one is `unknown` in compliance reports, not a pass.
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    /// A condition over the detection's selections: the resources the rule judges at all
    /// (default: every resource of its kind). Those it leaves out are not in scope.
    pub applies_when: Option<Spanned<String>>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub compliance: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub tests: Vec<Spanned<TestCase>>,
    pub detection: Node,
    // Sigma's keys.
    pub level: Option<Spanned<String>>,
    pub logsource: Option<Spanned<LogSource>>,
    pub tags: Option<Vec<String>>,
    // Sigma metadata atrest accepts and does not use.
    #[serde(rename = "status")]
    _status: Option<IgnoredAny>,
    #[serde(rename = "author")]
    _author: Option<IgnoredAny>,
    #[serde(rename = "date")]
    _date: Option<IgnoredAny>,
    #[serde(rename = "modified")]
    _modified: Option<IgnoredAny>,
    #[serde(rename = "falsepositives")]
    _falsepositives: Option<IgnoredAny>,
    #[serde(rename = "fields")]
    _fields: Option<IgnoredAny>,
    #[serde(rename = "related")]
    _related: Option<IgnoredAny>,
    #[serde(rename = "license")]
    _license: Option<IgnoredAny>,
    /// Sigma's name of a rule, by which correlations and filters may refer to it.
    pub name: Option<String>,
    #[serde(rename = "taxonomy")]
    _taxonomy: Option<IgnoredAny>,
    #[serde(rename = "scope")]
    _scope: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
pub struct LogSource {
    pub product: Option<String>,
    pub service: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    pub input: Value,
    pub expect: Expect,
    /// Text the finding's message must contain.
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Finding,
    None,
    /// No finding, and the rule cannot judge the input: a fact it `requires` is absent.
    Unknown,
    /// No finding, and the input is outside what the rule judges (`applies_when`).
    Skipped,
}

/// What a rule makes of a resource it did not fire on ([`Rule::verdict`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    OutOfScope,
    Judged,
    /// The fact it lacks (`KeyRotationEnabled`).
    Unknown(String),
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// Where the id is written in the rule file.
    pub id_at: Pos,
    pub title: String,
    pub severity: Severity,
    pub target: Target,
    pub description: String,
    pub rationale: Option<String>,
    pub references: Vec<String>,
    pub compliance: BTreeMap<String, Vec<String>>,
    pub tags: Vec<String>,
    pub detection: Detection,
    pub message: Template,
    pub remediation: Template,
    /// The remediation as written, for listings.
    pub remediation_text: String,
    pub resource: Option<Template>,
    pub location: Option<Vec<String>>,
    /// The facts a resource must have for the rule to judge it (`requires:`).
    pub requires: Vec<Vec<String>>,
    /// The resources the rule judges (`applies_when:`); `None`: all of its kind.
    pub applies_when: Option<super::condition::Cond>,
    pub tests: Vec<TestCase>,
    /// The file the rule came from (`rules/kms/kms-key-disabled.yml` for built-in rules).
    pub path: String,
    pub builtin: bool,
    pub sigma: bool,
    /// The YAML text, for `atrest rules explain`.
    pub text: String,
    /// Sigma's `name`, by which correlations and filters may refer to the rule.
    pub name: Option<String>,
    /// A Sigma correlation: its findings come from `analysis::correlation`, not from
    /// records one at a time (its detection never matches).
    pub correlation: Option<Correlation>,
    /// Whether a match is reported on its own: false for the base rule of a correlation
    /// that does not `generate` them.
    pub generate: bool,
}

impl Rule {
    /// The fields a finding of the rule reads beyond those its detection decides by: its
    /// templates' and its `location:`.
    pub fn reported_fields(&self) -> impl Iterator<Item = &[String]> {
        let templates = [
            Some(&self.message),
            Some(&self.remediation),
            self.resource.as_ref(),
        ];
        templates
            .into_iter()
            .flatten()
            .flat_map(Template::paths)
            .chain(self.location.as_deref())
    }

    /// What the rule makes of a resource it did not fire on: outside what it judges, judged
    /// (a pass), or not judged for want of a fact it requires (the first one missing).
    pub fn verdict(&self, doc: super::Doc) -> Verdict {
        if let Some(cond) = &self.applies_when
            && !self.detection.holds(cond, doc)
        {
            return Verdict::OutOfScope;
        }
        match self
            .requires
            .iter()
            .find(|path| doc.values(path).is_empty())
        {
            Some(missing) => Verdict::Unknown(missing.join(".")),
            None => Verdict::Judged,
        }
    }

    /// A short help URL-free text for outputs: description, then the remediation.
    pub fn help(&self) -> String {
        format!(
            "{}\n\nRemediation: {}",
            self.description.trim(),
            self.remediation_text.trim()
        )
    }
}
