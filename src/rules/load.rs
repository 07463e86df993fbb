//! Reading a rule file into a compiled rule, with errors that name the file and position.

use crate::model::{Kind, schema};

use super::detection::Detection;
use super::rule::{Rule, RuleFile, Severity, Target};
use super::template::Template;

/// A rule file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl LoadError {
    fn new(path: &str, message: impl Into<String>) -> Self {
        LoadError {
            path: path.to_owned(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

pub fn parse(path: &str, text: &str, builtin: bool) -> Result<Rule, LoadError> {
    let options = serde_saphyr::options! { strict_booleans: true };
    let file: RuleFile = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let mut err = LoadError::new(path, yaml_message(&e));
        if let Some(loc) = e.location() {
            err.line = Some(loc.line() as usize);
            err.column = Some(loc.column() as usize);
        }
        err
    })?;
    compile(path, file, text, builtin).map_err(|m| LoadError::new(path, m))
}

fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    // The position is reported on its own.
    text.lines().next().unwrap_or(&text).to_owned()
}

fn compile(path: &str, file: RuleFile, text: &str, builtin: bool) -> Result<Rule, String> {
    let id = file.id.trim().to_owned();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(format!("`{id}` is not a rule id (no spaces)"));
    }
    let sigma = file.logsource.is_some() && file.applies_to.is_none();
    let target = match (&file.applies_to, &file.logsource) {
        (Some(name), _) if name == "cloudtrail" => Target::Events,
        (Some(name), _) => Target::Resource(Kind::parse(name).ok_or_else(|| {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            format!(
                "`applies_to: {name}` is not one of cloudtrail, {}",
                kinds.join(", ")
            )
        })?),
        (None, Some(source)) => {
            let product = source.product.as_deref().unwrap_or("");
            let service = source.service.as_deref().unwrap_or("");
            let category = source.category.as_deref().unwrap_or("");
            if product == "aws" && service == "cloudtrail" {
                Target::Events
            } else {
                return Err(format!(
                    "logsource product `{product}` service `{service}` category `{category}`: \
                     atrest reads AWS CloudTrail only"
                ));
            }
        }
        (None, None) => return Err("a rule needs `applies_to` (or a Sigma `logsource`)".into()),
    };
    let severity_text = file.severity.as_deref().or(file.level.as_deref());
    let severity = match severity_text {
        Some(s) => Severity::parse(s).ok_or_else(|| {
            format!("`{s}` is not a severity (info, low, medium, high, critical)")
        })?,
        None if sigma => Severity::Medium,
        None => return Err("a rule needs a `severity`".into()),
    };
    if !sigma {
        for (key, value) in [
            ("description", &file.description),
            ("remediation", &file.remediation),
            ("message", &file.message),
        ] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(format!("a rule needs a `{key}`"));
            }
        }
    }
    let detection = Detection::compile(&file.detection).map_err(|e| format!("detection: {e}"))?;
    let default_message = match target {
        Target::Events => format!(
            "{}: {{eventName}} by {{userIdentity.arn|{{userIdentity.type}}}} from {{sourceIPAddress|unknown address}}",
            file.title.trim()
        ),
        Target::Resource(_) => file.title.trim().to_owned(),
    };
    let message = Template::parse(file.message.as_deref().unwrap_or(&default_message))
        .map_err(|e| format!("message: {e}"))?;
    let remediation_text = file
        .remediation
        .clone()
        .unwrap_or_else(|| "Review the event and the principal that made it.".to_owned());
    let remediation =
        Template::parse(&remediation_text).map_err(|e| format!("remediation: {e}"))?;
    let resource = file
        .resource
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| format!("resource: {e}"))?;
    let location = file
        .location
        .as_deref()
        .map(|l| l.split('.').map(str::to_owned).collect::<Vec<_>>());
    let rule = Rule {
        id,
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
        tests: file.tests,
        path: path.to_owned(),
        builtin,
        sigma,
        text: text.to_owned(),
    };
    check_fields(&rule)?;
    Ok(rule)
}

/// A rule on a resource kind may only name fields the model documents for that kind, so
/// that a typo is an error rather than a rule that never fires.
fn check_fields(rule: &Rule) -> Result<(), String> {
    let Target::Resource(kind) = rule.target else {
        return Ok(());
    };
    let detection = rule
        .detection
        .fields()
        .map(|t| (t.path.as_slice(), t.key.as_str()));
    let templates = rule
        .message
        .paths()
        .into_iter()
        .chain(rule.remediation.paths())
        .chain(rule.resource.iter().flat_map(|t| t.paths()))
        .map(|p| (p, ""));
    let location = rule.location.iter().map(|p| (p.as_slice(), ""));
    for (path, key) in detection.chain(templates).chain(location) {
        if let Err(e) = schema::check_path(kind, path) {
            let shown = if key.is_empty() {
                path.join(".")
            } else {
                key.to_owned()
            };
            return Err(format!("`{shown}`: {e}"));
        }
    }
    Ok(())
}
