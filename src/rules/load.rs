//! Reading a rule file into a compiled rule, with errors that name the file and position.

use std::borrow::Cow;

use serde_saphyr::Spanned;

use crate::model::Kind;

use super::detection::Detection;
use super::rule::{Rule, RuleFile, Severity, Target};
use super::schema_check::{Places, check_fields, check_input};
use super::template::Template;
use super::yaml_node::{Located, Pos};

/// A rule file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// A rule that uses something atrest does not support: it is skipped, the others run,
    /// and the exit code does not change. Otherwise the file is wrong: an error (exit 2).
    pub warning: bool,
}

impl LoadError {
    pub(super) fn new(path: &str, message: impl Into<String>) -> Self {
        LoadError {
            path: path.to_owned(),
            line: None,
            column: None,
            message: message.into(),
            warning: false,
        }
    }

    /// An error at a place in the file (without a position when the place is unknown).
    pub(super) fn at(path: &str, e: Located) -> Self {
        let known = e.at.is_known();
        LoadError {
            path: path.to_owned(),
            line: known.then_some(e.at.line),
            column: known.then_some(e.at.column),
            message: e.message,
            warning: e.unsupported,
        }
    }

    /// The same problem, as a warning.
    pub(super) fn warn(self) -> Self {
        LoadError {
            warning: true,
            ..self
        }
    }
}

/// One rule file holding one rule (a file of several documents: [`super::documents`]).
pub fn parse(path: &str, text: &str, builtin: bool) -> Result<Rule, LoadError> {
    parse_document(path, text, text, builtin)
}

/// One YAML document of a file (`text`: the document, its lines where they are in the
/// file, so that positions are the file's; `whole`: the file, shown by `rules explain`).
pub(super) fn parse_document(
    path: &str,
    text: &str,
    whole: &str,
    builtin: bool,
) -> Result<Rule, LoadError> {
    let file: Spanned<RuleFile> = from_yaml(path, text)?;
    let top = Pos::of(&file);
    compile(path, file.value, top, whole, builtin).map_err(|e| LoadError::at(path, e))
}

/// How deeply a rule document may nest (Sigma's rules and atrest's own stay under 10).
pub const MAX_RULE_DEPTH: usize = 24;

/// Deserializes YAML the way every rule document is read (`yes` is not a boolean).
pub(crate) fn from_yaml<'de, T: serde::Deserialize<'de>>(
    path: &str,
    text: &'de str,
) -> Result<T, LoadError> {
    // A rule is a shallow document; a deeper one is refused before its nodes, each several
    // stack frames deep while read with positions, could exhaust a thread's stack.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! { max_depth: MAX_RULE_DEPTH },
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let mut message = yaml_message(&e);
        if message.contains("budget breached: Depth") {
            message = format!("the document nests deeper than {MAX_RULE_DEPTH} levels");
        }
        let mut err = LoadError::new(path, message);
        if let Some(loc) = e.location().filter(|l| l.line() > 0) {
            err.line = usize::try_from(loc.line()).ok();
            err.column = usize::try_from(loc.column()).ok();
        }
        err
    })
}

/// The parser's message without its position (reported on its own) or source excerpt.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let formatter = serde_saphyr::DefaultMessageFormatter.with_localizer(&NoPosition);
    let options = serde_saphyr::render_options! {
        formatter: &formatter,
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let text = e.render_with_options(options);
    let first = text.lines().next().unwrap_or(&text);
    // Advice meant for programs that embed the parser, not for rule authors.
    let first = first
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(first);
    first.trim().to_owned()
}

/// Leaves the parser's messages without an `at line L, column C` suffix.
struct NoPosition;

impl serde_saphyr::Localizer for NoPosition {
    fn attach_location<'a>(&self, base: Cow<'a, str>, _: serde_saphyr::Location) -> Cow<'a, str> {
        base
    }
}

/// A string value and where it is written.
fn spanned_str(value: &Option<Spanned<String>>) -> Option<(&str, Pos)> {
    value.as_ref().map(|s| (s.value.as_str(), Pos::of(s)))
}

pub(super) fn compile(
    path: &str,
    file: RuleFile,
    top: Pos,
    text: &str,
    builtin: bool,
) -> Result<Rule, Located> {
    let id_at = Pos::of(&file.id);
    let id = file.id.value.trim().to_owned();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(Located::new(
            id_at,
            format!("`{id}` is not a rule id (no spaces)"),
        ));
    }
    let sigma = file.logsource.is_some() && file.applies_to.is_none();
    let target = match (spanned_str(&file.applies_to), &file.logsource) {
        (Some(("cloudtrail", _)), _) => Target::Events,
        (Some((name, at)), _) => Target::Resource(Kind::parse(name).ok_or_else(|| {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            Located::new(
                at,
                format!(
                    "`applies_to: {name}` is not one of cloudtrail, {}",
                    kinds.join(", ")
                ),
            )
        })?),
        (None, Some(source)) => {
            let product = source.value.product.as_deref().unwrap_or("");
            let service = source.value.service.as_deref().unwrap_or("");
            let category = source.value.category.as_deref().unwrap_or("");
            if product == "aws" && service == "cloudtrail" {
                Target::Events
            } else {
                return Err(Located::unsupported(
                    Pos::of(source),
                    format!(
                        "logsource product `{product}` service `{service}` category \
                         `{category}`: atrest reads AWS CloudTrail only"
                    ),
                ));
            }
        }
        (None, None) => {
            return Err(Located::new(
                top,
                "a rule needs `applies_to` (or a Sigma `logsource`)",
            ));
        }
    };
    let severity = match spanned_str(&file.severity).or(spanned_str(&file.level)) {
        Some((s, at)) => Severity::parse(s).ok_or_else(|| {
            Located::new(
                at,
                format!("`{s}` is not a severity (info, low, medium, high, critical)"),
            )
        })?,
        None if sigma => Severity::Medium,
        None => return Err(Located::new(top, "a rule needs a `severity`")),
    };
    if !sigma {
        for (key, value) in [
            ("description", file.description.as_deref()),
            (
                "remediation",
                spanned_str(&file.remediation).map(|(v, _)| v),
            ),
            ("message", spanned_str(&file.message).map(|(v, _)| v)),
        ] {
            if value.is_none_or(|v| v.trim().is_empty()) {
                return Err(Located::new(top, format!("a rule needs a `{key}`")));
            }
        }
    }
    let detection = Detection::compile(&file.detection).map_err(|e| e.within("detection: "))?;
    let default_message = match target {
        Target::Events => format!(
            "{}: {{eventName}} by {{userIdentity.arn|{{userIdentity.type}}}} from {{sourceIPAddress|unknown address}}",
            file.title.trim()
        ),
        Target::Resource(_) => file.title.trim().to_owned(),
    };
    let (message_text, message_at) = spanned_str(&file.message).unwrap_or((&default_message, top));
    let message = Template::parse(message_text)
        .map_err(|e| Located::new(message_at, format!("message: {e}")))?;
    let default_remediation = "Review the event and the principal that made it.";
    let (remediation_text, remediation_at) =
        spanned_str(&file.remediation).unwrap_or((default_remediation, top));
    let remediation = Template::parse(remediation_text)
        .map_err(|e| Located::new(remediation_at, format!("remediation: {e}")))?;
    let resource = spanned_str(&file.resource)
        .map(|(t, at)| Template::parse(t).map_err(|e| Located::new(at, format!("resource: {e}"))))
        .transpose()?;
    let location = spanned_str(&file.location)
        .map(|(l, _)| l.split('.').map(str::to_owned).collect::<Vec<_>>());
    let applies_when = spanned_str(&file.applies_when)
        .map(|(text, at)| {
            detection
                .condition(text)
                .map_err(|e| Located::new(at, format!("applies_when: {e}")))
        })
        .transpose()?;
    if matches!(target, Target::Events) {
        if let Some(first) = file.requires.first() {
            return Err(Located::new(
                Pos::of(first),
                "`requires` is for rules on resources: an event rule judges each record as it is",
            ));
        }
        if let Some(a) = &file.applies_when {
            return Err(Located::new(
                Pos::of(a),
                "`applies_when` is for rules on resources",
            ));
        }
    }
    let requires: Vec<Vec<String>> = file
        .requires
        .iter()
        .map(|r| r.value.split('.').map(str::to_owned).collect())
        .collect();
    if let Target::Resource(kind) = target {
        for (r, path) in file.requires.iter().zip(&requires) {
            crate::model::schema::check_path(kind, path)
                .map_err(|e| Located::new(Pos::of(r), format!("requires: `{}`: {e}", r.value)))?;
        }
    }
    if let Target::Resource(kind) = target {
        let mut templates = vec![
            ("message", &message, message_at),
            ("remediation", &remediation, remediation_at),
        ];
        if let (Some(t), Some(r)) = (&resource, &file.resource) {
            templates.push(("resource", t, Pos::of(r)));
        }
        let places = Places {
            templates,
            location: location.as_deref().zip(file.location.as_ref().map(Pos::of)),
        };
        check_fields(kind, &detection, &places)?;
        for case in &file.tests {
            check_input(kind, &case.value, Pos::of(case))?;
        }
    }
    let remediation_text = remediation_text.to_owned();
    Ok(Rule {
        id,
        id_at,
        title: file.title.trim().to_owned(),
        severity,
        target,
        description: file.description.unwrap_or_else(|| file.title.clone()),
        rationale: file.rationale,
        references: file.references,
        compliance: file.compliance,
        tags: file.tags.unwrap_or_default(),
        detection,
        message,
        remediation,
        remediation_text,
        resource,
        location,
        requires,
        applies_when,
        tests: file.tests.into_iter().map(|c| c.value).collect(),
        path: path.to_owned(),
        builtin,
        sigma,
        text: text.to_owned(),
        name: file.name,
        correlation: None,
        generate: true,
    })
}
