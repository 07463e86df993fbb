//! Sigma correlation rules (`correlation:` documents): what they count, over which base
//! rules, grouped by which fields, within which timespan. Evaluated over the event stream by
//! `analysis::correlation`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::detection::Detection;
use super::load::{LoadError, from_yaml};
use super::rule::{Rule, Severity, Target};
use super::template::Template;
use super::yaml_node::{Located, Pos};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrelationType {
    /// At least (or at most) so many matching events.
    EventCount,
    /// So many distinct values of a field among the matching events.
    ValueCount,
    /// Events of so many of the base rules, in any order.
    Temporal,
    /// Events of the base rules in the order they are listed.
    TemporalOrdered,
}

impl CorrelationType {
    pub fn name(self) -> &'static str {
        match self {
            CorrelationType::EventCount => "event_count",
            CorrelationType::ValueCount => "value_count",
            CorrelationType::Temporal => "temporal",
            CorrelationType::TemporalOrdered => "temporal_ordered",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Gt(u64),
    Gte(u64),
    Lt(u64),
    Lte(u64),
    Eq(u64),
}

impl Bound {
    fn holds(self, n: u64) -> bool {
        match self {
            Bound::Gt(v) => n > v,
            Bound::Gte(v) => n >= v,
            Bound::Lt(v) => n < v,
            Bound::Lte(v) => n <= v,
            Bound::Eq(v) => n == v,
        }
    }

    /// Whether more events can only help (`gt`, `gte`): such windows slide.
    fn lower(self) -> bool {
        matches!(self, Bound::Gt(_) | Bound::Gte(_))
    }
}

/// A compiled correlation.
#[derive(Debug, Clone)]
pub struct Correlation {
    pub kind: CorrelationType,
    /// The base rules, by id or name, as written.
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    /// Per alias of `group_by`: the field it stands for, per base rule (id or name).
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    pub timespan_seconds: i64,
    /// The `timespan` as written (`1h`).
    pub timespan: String,
    pub bounds: Vec<Bound>,
    /// For `value_count`: the field whose distinct values are counted.
    pub field: Option<String>,
    /// Whether the base rules' own matches are reported too.
    pub generate: bool,
    /// Where `correlation:` is written.
    pub at: Pos,
}

impl Correlation {
    /// Whether a window with this count fires.
    pub fn holds(&self, n: u64) -> bool {
        self.bounds.iter().all(|b| b.holds(n))
    }

    /// Whether windows slide one event at a time (only lower bounds) or are laid end to
    /// end from the first event of a group (an upper bound: a sliding window's tail would
    /// always satisfy it).
    pub fn sliding(&self) -> bool {
        self.bounds.iter().all(|b| b.lower())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrelationFile {
    id: Option<Spanned<String>>,
    name: Option<String>,
    title: String,
    description: Option<String>,
    level: Option<Spanned<String>>,
    tags: Option<Vec<String>>,
    #[serde(default)]
    references: Vec<String>,
    generate: Option<bool>,
    correlation: Spanned<Section>,
    // atrest's keys, as in its own rules.
    remediation: Option<String>,
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
    #[serde(rename = "license")]
    _license: Option<IgnoredAny>,
    #[serde(rename = "related")]
    _related: Option<IgnoredAny>,
    #[serde(rename = "taxonomy")]
    _taxonomy: Option<IgnoredAny>,
    #[serde(rename = "fields")]
    _fields: Option<IgnoredAny>,
    #[serde(rename = "scope")]
    _scope: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    rules: Spanned<Vec<String>>,
    #[serde(rename = "group-by", default)]
    group_by: Vec<String>,
    timespan: Option<Spanned<String>>,
    condition: Option<Spanned<BTreeMap<String, Spanned<Value>>>>,
    #[serde(default)]
    aliases: BTreeMap<String, BTreeMap<String, String>>,
    generate: Option<bool>,
}

/// Compiles a `correlation:` document into a rule whose findings the correlation analysis
/// makes.
pub fn parse(path: &str, text: &str, whole: &str, builtin: bool) -> Result<Rule, LoadError> {
    let file: Spanned<CorrelationFile> = from_yaml(path, text)?;
    let top = Pos::of(&file);
    compile(path, file.value, top, whole, builtin).map_err(|e| LoadError::at(path, e))
}

fn compile(
    path: &str,
    file: CorrelationFile,
    top: Pos,
    whole: &str,
    builtin: bool,
) -> Result<Rule, Located> {
    let section = &file.correlation.value;
    let at = Pos::of(&file.correlation);
    let kind = match section.kind.value.as_str() {
        "event_count" => CorrelationType::EventCount,
        "value_count" => CorrelationType::ValueCount,
        "temporal" => CorrelationType::Temporal,
        "temporal_ordered" => CorrelationType::TemporalOrdered,
        other => {
            return Err(Located::unsupported(
                Pos::of(&section.kind),
                format!(
                    "correlation type `{other}` is not supported (event_count, value_count, \
                     temporal, temporal_ordered)"
                ),
            ));
        }
    };
    if section.rules.value.is_empty() {
        return Err(Located::new(
            Pos::of(&section.rules),
            "a correlation needs `rules`",
        ));
    }
    let (timespan, timespan_seconds) = match &section.timespan {
        Some(t) => (
            t.value.clone(),
            parse_timespan(&t.value).ok_or_else(|| {
                Located::new(
                    Pos::of(t),
                    format!(
                        "`timespan: {}` is not a number and a unit (s, m, h, d, w): `5m`",
                        t.value
                    ),
                )
            })?,
        ),
        None => return Err(Located::new(at, "a correlation needs a `timespan`")),
    };
    let mut bounds = Vec::new();
    let mut field = None;
    if let Some(condition) = &section.condition {
        for (key, value) in &condition.value {
            let vat = Pos::of(value);
            if key == "field" {
                match &value.value {
                    Value::String(s) => field = Some(s.clone()),
                    _ => return Err(Located::new(vat, "`field` must name a field")),
                }
                continue;
            }
            let n = value
                .value
                .as_u64()
                .or_else(|| value.value.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(|| Located::new(vat, format!("`{key}` needs a whole number")))?;
            bounds.push(match key.as_str() {
                "gt" => Bound::Gt(n),
                "gte" => Bound::Gte(n),
                "lt" => Bound::Lt(n),
                "lte" => Bound::Lte(n),
                "eq" => Bound::Eq(n),
                other => {
                    return Err(Located::new(
                        Pos::of(condition),
                        format!("`{other}` is not a condition (gt, gte, lt, lte, eq, field)"),
                    ));
                }
            });
        }
    }
    let temporal = matches!(
        kind,
        CorrelationType::Temporal | CorrelationType::TemporalOrdered
    );
    if bounds.is_empty() {
        if !temporal {
            return Err(Located::new(
                at,
                format!("a `{}` correlation needs a `condition`", kind.name()),
            ));
        }
        // Temporal proximity without a condition: every base rule.
        bounds.push(Bound::Gte(section.rules.value.len() as u64));
    }
    if kind == CorrelationType::ValueCount && field.is_none() {
        return Err(Located::new(
            section.condition.as_ref().map_or(at, Pos::of),
            "a `value_count` correlation needs `field` in its condition",
        ));
    }
    let (id, id_at) = match (&file.id, &file.name) {
        (Some(id), _) => (id.value.trim().to_owned(), Pos::of(id)),
        (None, Some(name)) => (name.trim().to_owned(), top),
        (None, None) => {
            return Err(Located::new(top, "a correlation needs an `id` or a `name`"));
        }
    };
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(Located::new(
            id_at,
            format!("`{id}` is not a rule id (no spaces)"),
        ));
    }
    let severity = match &file.level {
        Some(level) => Severity::parse(&level.value).ok_or_else(|| {
            Located::new(
                Pos::of(level),
                format!(
                    "`{}` is not a severity (info, low, medium, high, critical)",
                    level.value
                ),
            )
        })?,
        None => Severity::Medium,
    };
    let remediation_text = file.remediation.clone().unwrap_or_else(|| {
        "Review the events of the window and the principal that made them.".into()
    });
    let remediation = Template::parse(&remediation_text)
        .map_err(|e| Located::new(top, format!("remediation: {e}")))?;
    let message =
        Template::parse(file.title.trim()).map_err(|e| Located::new(top, format!("title: {e}")))?;
    let correlation = Correlation {
        kind,
        rules: section.rules.value.clone(),
        group_by: section.group_by.clone(),
        aliases: section.aliases.clone(),
        timespan_seconds,
        timespan,
        bounds,
        field,
        generate: section.generate.or(file.generate).unwrap_or(false),
        at,
    };
    Ok(Rule {
        id,
        id_at,
        title: file.title.trim().to_owned(),
        severity,
        target: Target::Events,
        description: file.description.unwrap_or_else(|| file.title.clone()),
        rationale: None,
        references: file.references,
        compliance: BTreeMap::new(),
        tags: file.tags.unwrap_or_default(),
        detection: Detection::never(),
        message,
        remediation,
        remediation_text,
        resource: None,
        location: None,
        requires: Vec::new(),
        applies_when: None,
        tests: Vec::new(),
        path: path.to_owned(),
        builtin,
        sigma: true,
        text: whole.to_owned(),
        name: file.name,
        correlation: Some(correlation),
        generate: true,
    })
}

/// `30s`, `5m`, `1h`, `2d`, `1w` in seconds.
fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(scale).filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("90m"), Some(5400));
        assert_eq!(parse_timespan("1d"), Some(86_400));
        assert_eq!(parse_timespan("10"), None);
        assert_eq!(parse_timespan("5 minutes"), None);
        assert_eq!(parse_timespan("0s"), None);
        assert_eq!(parse_timespan("99999999999999999999s"), None);
    }

    #[test]
    fn bounds_and_windows() {
        let text = "title: t\nid: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  \
                    timespan: 1h\n  condition: {gt: 2, lte: 4}\n";
        let rule = parse("f.yml", text, text, false).expect("loads");
        let c = rule.correlation.expect("a correlation");
        assert!(!c.holds(2) && c.holds(3) && c.holds(4) && !c.holds(5));
        assert!(!c.sliding());
        assert!(!c.generate);
    }
}
