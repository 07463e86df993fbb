//! A rule's `detection`: named selections and a condition, in Sigma's syntax, compiled once
//! into matchers. Evaluation is a plain walk over the document; only when a rule fires is
//! it evaluated again to record which fields decided it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::Json;

use super::condition::{self, Cond};
use super::doc::{Doc, Hit};
use super::pattern::{Modifiers, Pattern, prefilter_literal};
use super::yaml_node::{Entry, Located, Node, Pos, Tree};

/// Modifiers of the Sigma specification that atrest does not implement (they transform
/// values for Windows logs: encodings, command-line dashes, placeholders, time parts): a
/// rule using one is skipped with a warning, while a name Sigma does not know is an error.
const SIGMA_ONLY_MODIFIERS: &[&str] = &[
    "base64",
    "base64offset",
    "utf16le",
    "utf16be",
    "utf16",
    "wide",
    "windash",
    "expand",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
];

/// A text a document must hold for a rule to match, and the field it must be at or below
/// (`None`: anywhere).
pub type Needed = (Option<Vec<String>>, String);

#[derive(Debug, Clone)]
pub struct Detection {
    pub names: Vec<String>,
    selections: Vec<Selection>,
    condition: Cond,
}

#[derive(Debug, Clone)]
enum Selection {
    /// A map: every field test holds.
    All(Vec<FieldTest>),
    /// A list of maps: one of them holds.
    Any(Vec<Vec<FieldTest>>),
    /// A list of plain values: one of them appears in any string of the document. With
    /// their prefilter literals, when every value has one.
    Keywords(Vec<Pattern>, Option<Vec<String>>),
}

#[derive(Debug, Clone)]
pub struct FieldTest {
    /// The key as written (`requestParameters.keyId|contains`).
    pub key: String,
    /// Where the key is written in the rule file.
    pub key_at: Pos,
    pub path: Vec<String>,
    patterns: Vec<Pattern>,
    all: bool,
    /// One of these texts is in every document the test holds for (see
    /// [`prefilter_literal`]), when every value has one.
    literals: Option<Vec<String>>,
}

impl Detection {
    pub fn compile(detection: &Node) -> Result<Detection, Located> {
        let Tree::Map(map) = &detection.tree else {
            return Err(Located::new(detection.at, "`detection` must be a map"));
        };
        let mut names = Vec::new();
        let mut selections = Vec::new();
        let mut condition_node = None;
        for (name, entry) in map {
            if name == "condition" {
                condition_node = Some(&entry.node);
                continue;
            }
            if name == "timeframe" {
                return Err(Located::unsupported(
                    entry.key_at,
                    "`timeframe` (Sigma's old aggregations) is not supported: write a \
                     correlation rule instead",
                ));
            }
            let selection = Selection::compile(&entry.node)
                .map_err(|e| e.within(&format!("selection `{name}`: ")))?;
            names.push(name.clone());
            selections.push(selection);
        }
        let parse = |node: &Node| {
            let text = node
                .as_str()
                .ok_or_else(|| Located::new(node.at, "a condition must be a string"))?;
            if text.contains('|') {
                return Err(Located::unsupported(
                    node.at,
                    "aggregations (`| count() ...`) are not supported: write a correlation \
                     rule instead",
                ));
            }
            condition::parse(text, &names).map_err(|e| Located::new(node.at, e))
        };
        let condition = match condition_node {
            None => {
                return Err(Located::new(detection.at, "`detection` has no `condition`"));
            }
            // Several conditions: any of them.
            Some(Node {
                tree: Tree::Seq(list),
                ..
            }) => Cond::Or(list.iter().map(parse).collect::<Result<_, _>>()?),
            Some(node) => parse(node)?,
        };
        Ok(Detection {
            names,
            selections,
            condition,
        })
    }

    /// A detection that matches nothing (a correlation's: it matches windows of events).
    pub fn never() -> Detection {
        Detection {
            names: Vec::new(),
            selections: Vec::new(),
            condition: Cond::Or(Vec::new()),
        }
    }

    /// This detection and not `filter` (a Sigma filter applied to the rule): the filter's
    /// selections are added under names of their own.
    pub fn and_not(&mut self, filter_id: &str, filter: Detection) {
        let offset = self.selections.len();
        self.names
            .extend(filter.names.iter().map(|n| format!("{filter_id}:{n}")));
        self.selections.extend(filter.selections);
        let kept = std::mem::replace(&mut self.condition, Cond::Or(Vec::new()));
        self.condition = Cond::And(vec![
            kept,
            Cond::Not(Box::new(filter.condition.shifted(offset))),
        ]);
    }

    /// Every field test, for checking paths against the model's fields.
    pub fn fields(&self) -> impl Iterator<Item = &FieldTest> {
        self.selections
            .iter()
            .flat_map(|s| -> Box<dyn Iterator<Item = &FieldTest>> {
                match s {
                    Selection::All(tests) => Box::new(tests.iter()),
                    Selection::Any(groups) => Box::new(groups.iter().flatten()),
                    Selection::Keywords(..) => Box::new(std::iter::empty()),
                }
            })
    }

    /// Whether a selection searches every string of the document (Sigma keywords).
    pub fn has_keywords(&self) -> bool {
        self.selections
            .iter()
            .any(|s| matches!(s, Selection::Keywords(..)))
    }

    pub fn matches(&self, doc: Doc) -> bool {
        self.eval(&self.condition, doc, None)
    }

    /// Parses another condition over this detection's selections (a rule's
    /// `applies_when`).
    pub fn condition(&self, text: &str) -> Result<Cond, String> {
        condition::parse(text, &self.names)
    }

    /// Whether `cond` (from [`Detection::condition`]) holds for `doc`.
    pub fn holds(&self, cond: &Cond, doc: Doc) -> bool {
        self.eval(cond, doc, None)
    }

    /// Evaluates again, recording the values that made the positive parts of the condition
    /// hold (negated parts decide nothing that can be pointed at).
    pub fn explain(&self, doc: Doc) -> Option<Vec<Hit>> {
        let mut hits = Vec::new();
        self.eval(&self.condition, doc, Some(&mut hits))
            .then_some(hits)
    }

    fn eval(&self, cond: &Cond, doc: Doc, mut trace: Option<&mut Vec<Hit>>) -> bool {
        match cond {
            Cond::Sel(i) => self.selections[*i].eval(doc, trace),
            Cond::Not(inner) => !self.eval(inner, doc, None),
            Cond::And(items) => {
                let mark = trace.as_ref().map(|t| t.len());
                for item in items {
                    if !self.eval(item, doc, trace.as_deref_mut()) {
                        if let (Some(t), Some(m)) = (trace, mark) {
                            t.truncate(m);
                        }
                        return false;
                    }
                }
                true
            }
            Cond::Or(items) => {
                for item in items {
                    let mark = trace.as_ref().map(|t| t.len());
                    if self.eval(item, doc, trace.as_deref_mut()) {
                        return true;
                    }
                    if let (Some(t), Some(m)) = (trace.as_deref_mut(), mark) {
                        t.truncate(m);
                    }
                }
                false
            }
        }
    }

    /// The values `field` must equal for the rule to fire at all, when the condition
    /// requires a selection that pins it to exact values (used to dispatch CloudTrail
    /// events by `eventName` instead of trying every rule).
    pub fn required_values(&self, field: &str) -> Option<Vec<String>> {
        self.required_in(&self.condition, field)
    }

    /// (field, text) pairs one of which holds for every document the detection matches:
    /// the text occurs in a string (key or value) at or below the field (anywhere, without
    /// a field). A prefilter for rules that pin no event name or source.
    pub fn required_literals(&self) -> Option<Vec<Needed>> {
        self.literals_in(&self.condition, &[])
    }

    /// [`Detection::required_literals`] from the tests of other fields than `skip` (those
    /// that dispatch has already decided: `eventName`, `eventSource`).
    pub fn required_literals_besides(&self, skip: &[&str]) -> Option<Vec<Needed>> {
        self.literals_in(&self.condition, skip)
    }

    fn literals_in(&self, cond: &Cond, skip: &[&str]) -> Option<Vec<Needed>> {
        match cond {
            Cond::Sel(i) => self.selections[*i].literals(skip),
            Cond::And(items) => items
                .iter()
                .filter_map(|c| self.literals_in(c, skip))
                .min_by_key(Vec::len),
            Cond::Or(items) if items.is_empty() => None,
            Cond::Or(items) => {
                let mut all = Vec::new();
                for item in items {
                    all.extend(self.literals_in(item, skip)?);
                }
                Some(all)
            }
            Cond::Not(_) => None,
        }
    }

    fn required_in(&self, cond: &Cond, field: &str) -> Option<Vec<String>> {
        match cond {
            Cond::Sel(i) => self.selections[*i].pinned(field),
            Cond::And(items) => items.iter().find_map(|c| self.required_in(c, field)),
            Cond::Or(items) => {
                let mut all = Vec::new();
                for item in items {
                    all.extend(self.required_in(item, field)?);
                }
                Some(all)
            }
            Cond::Not(_) => None,
        }
    }
}

impl Selection {
    fn compile(body: &Node) -> Result<Selection, Located> {
        let contains = Modifiers {
            contains: true,
            ..Modifiers::default()
        };
        let keyword = |node: &Node| {
            Pattern::compile(&node.to_value(), &contains).map_err(|e| Located::new(node.at, e))
        };
        match &body.tree {
            Tree::Map(map) => Ok(Selection::All(compile_map(map)?)),
            Tree::Seq(items)
                if !items.is_empty() && items.iter().all(|n| matches!(n.tree, Tree::Map(_))) =>
            {
                let groups: Result<Vec<_>, Located> = items
                    .iter()
                    .filter_map(|n| match &n.tree {
                        Tree::Map(map) => Some(map),
                        _ => None,
                    })
                    .map(compile_map)
                    .collect();
                Ok(Selection::Any(groups?))
            }
            Tree::Seq(items) if !items.is_empty() => {
                let patterns: Result<Vec<_>, Located> = items.iter().map(keyword).collect();
                let literals = items
                    .iter()
                    .map(|n| prefilter_literal(&n.to_value(), &contains))
                    .collect();
                Ok(Selection::Keywords(patterns?, literals))
            }
            Tree::Scalar(Value::String(_)) => Ok(Selection::Keywords(
                vec![keyword(body)?],
                prefilter_literal(&body.to_value(), &contains).map(|l| vec![l]),
            )),
            _ => Err(Located::new(
                body.at,
                "a selection must be a map, a list of maps or a list of values",
            )),
        }
    }

    fn eval(&self, doc: Doc, mut trace: Option<&mut Vec<Hit>>) -> bool {
        match self {
            Selection::All(tests) => all_hold(tests, doc, trace),
            Selection::Any(groups) => groups.iter().any(|tests| {
                let mark = trace.as_ref().map(|t| t.len());
                let ok = all_hold(tests, doc, trace.as_deref_mut());
                if let (false, Some(t), Some(m)) = (ok, trace.as_deref_mut(), mark) {
                    t.truncate(m);
                }
                ok
            }),
            Selection::Keywords(patterns, _) => patterns
                .iter()
                .any(|p| any_string(doc.root(), &mut |s| p.matches(s, &|_| Vec::new()))),
        }
    }

    fn pinned(&self, field: &str) -> Option<Vec<String>> {
        let of = |tests: &Vec<FieldTest>| {
            tests
                .iter()
                .find(|t| t.path.len() == 1 && t.path[0] == field && !t.all)
                .and_then(FieldTest::exact_values)
        };
        match self {
            Selection::All(tests) => of(tests),
            Selection::Any(groups) => {
                let mut all = Vec::new();
                for g in groups {
                    all.extend(of(g)?);
                }
                Some(all)
            }
            Selection::Keywords(..) => None,
        }
    }

    /// Texts one of which is in every document the selection matches, from the tests of
    /// fields other than `skip`.
    fn literals(&self, skip: &[&str]) -> Option<Vec<Needed>> {
        let of = |tests: &Vec<FieldTest>| {
            tests
                .iter()
                .filter(|t| !(t.path.len() == 1 && skip.contains(&t.path[0].as_str())))
                .filter_map(|t| {
                    let path = Some(t.path.clone());
                    t.literals.as_ref().map(|l| {
                        l.iter()
                            .map(|x| (path.clone(), x.clone()))
                            .collect::<Vec<_>>()
                    })
                })
                .min_by_key(Vec::len)
        };
        match self {
            Selection::All(tests) => of(tests),
            Selection::Any(groups) => {
                let mut all = Vec::new();
                for g in groups {
                    all.extend(of(g)?);
                }
                Some(all)
            }
            Selection::Keywords(_, literals) => literals
                .as_ref()
                .map(|l| l.iter().map(|x| (None, x.clone())).collect()),
        }
    }
}

fn all_hold(tests: &[FieldTest], doc: Doc, mut trace: Option<&mut Vec<Hit>>) -> bool {
    tests.iter().all(|t| t.eval(doc, trace.as_deref_mut()))
}

fn any_string(v: Json, f: &mut dyn FnMut(Json) -> bool) -> bool {
    if v.as_str().is_some() {
        return f(v);
    }
    v.items().any(|x| any_string(x, f)) || v.values().any(|x| any_string(x, f))
}

fn compile_map(map: &BTreeMap<String, Entry>) -> Result<Vec<FieldTest>, Located> {
    map.iter()
        .map(|(key, entry)| FieldTest::compile(key, entry))
        .collect()
}

impl FieldTest {
    /// Errors about the key (its field, its modifiers) point at the key; errors about a
    /// value point at the value.
    fn compile(key: &str, entry: &Entry) -> Result<FieldTest, Located> {
        let at_key = |e: String| Located::new(entry.key_at, format!("`{key}`: {e}"));
        let mut parts = key.split('|');
        let field = parts.next().unwrap_or_default();
        if field.is_empty() {
            return Err(at_key("empty field name".into()));
        }
        let modifiers: Vec<&str> = parts.collect();
        if let Some(name) = modifiers.iter().find(|m| SIGMA_ONLY_MODIFIERS.contains(m)) {
            return Err(Located::unsupported(
                entry.key_at,
                format!("`{key}`: the Sigma modifier `{name}` is not supported by atrest"),
            ));
        }
        let m = Modifiers::parse(&modifiers).map_err(at_key)?;
        let values: Vec<&Node> = match &entry.node.tree {
            Tree::Seq(items) if items.is_empty() => {
                return Err(at_key("an empty list matches nothing".into()));
            }
            Tree::Seq(items) => items.iter().collect(),
            _ => vec![&entry.node],
        };
        let patterns: Result<Vec<Pattern>, Located> = values
            .iter()
            .map(|v| {
                Pattern::compile(&v.to_value(), &m)
                    .map_err(|e| Located::new(v.at, format!("`{key}`: {e}")))
            })
            .collect();
        let literals = values
            .iter()
            .map(|v| prefilter_literal(&v.to_value(), &m))
            .collect::<Option<Vec<String>>>()
            // With `all`, each value's text is needed: the first will do.
            .map(|mut l| {
                if m.all {
                    l.truncate(1);
                }
                l
            });
        Ok(FieldTest {
            key: key.to_owned(),
            key_at: entry.key_at,
            path: field.split('.').map(str::to_owned).collect(),
            patterns: patterns?,
            all: m.all,
            literals,
        })
    }

    fn holds(&self, p: &Pattern, doc: Doc) -> bool {
        match p {
            Pattern::Null => !doc.any(&self.path, &mut |v| !v.is_null()),
            Pattern::Exists(want) => doc.any(&self.path, &mut |v| !v.is_null()) == *want,
            p => {
                let resolve = |path: &[String]| doc.values(path);
                doc.any(&self.path, &mut |v| p.matches(v, &resolve))
            }
        }
    }

    fn eval(&self, doc: Doc, trace: Option<&mut Vec<Hit>>) -> bool {
        let ok = if self.all {
            self.patterns.iter().all(|p| self.holds(p, doc))
        } else {
            self.patterns.iter().any(|p| self.holds(p, doc))
        };
        if let (true, Some(trace)) = (ok, trace) {
            self.record(doc, trace);
        }
        ok
    }

    /// Records the values that satisfied the test, or, for a test on absence, the place
    /// where the field would be.
    fn record(&self, doc: Doc, trace: &mut Vec<Hit>) {
        let before = trace.len();
        let resolve = |path: &[String]| doc.values(path);
        for p in &self.patterns {
            if matches!(p, Pattern::Null | Pattern::Exists(false)) {
                continue;
            }
            doc.hits(&self.path, &mut |v| p.matches(v, &resolve), trace);
        }
        if trace.len() == before {
            let (resource, pointer) = doc.place(&self.path);
            trace.push(Hit {
                resource,
                pointer,
                path: self.path.join("."),
                value: Value::Null,
            });
        }
    }

    fn exact_values(&self) -> Option<Vec<String>> {
        self.patterns
            .iter()
            .map(|p| match p {
                Pattern::Exact(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// JSON is YAML: the detection goes through the same parser as a rule file.
    fn node(v: &Value) -> Node {
        serde_saphyr::from_str(&v.to_string()).expect("parses")
    }

    fn compile(v: Value) -> Result<Detection, Located> {
        Detection::compile(&node(&v))
    }

    fn det(v: Value) -> Detection {
        compile(v).expect("compiles")
    }

    #[test]
    fn maps_lists_and_conditions() {
        let d = det(json!({
            "sel": {"eventSource": "kms.amazonaws.com", "eventName": ["DisableKey", "ScheduleKeyDeletion"]},
            "filter": {"errorCode|exists": true},
            "condition": "sel and not filter"
        }));
        let ok = json!({"eventSource": "kms.amazonaws.com", "eventName": "DisableKey"});
        let failed = json!({"eventSource": "kms.amazonaws.com", "eventName": "DisableKey", "errorCode": "AccessDenied"});
        assert!(d.matches(Doc::Plain(&ok)));
        assert!(!d.matches(Doc::Plain(&failed)));
        assert_eq!(
            d.required_values("eventName"),
            Some(vec![
                "disablekey".to_owned(),
                "schedulekeydeletion".to_owned()
            ])
        );
    }

    #[test]
    fn null_means_absent_and_arrays_match_any_element() {
        let d = det(
            json!({"s": {"Attachments.InstanceId": "i-2", "KmsKeyId": null}, "condition": "s"}),
        );
        let v = json!({"Attachments": [{"InstanceId": "i-1"}, {"InstanceId": "i-2"}]});
        assert!(d.matches(Doc::Plain(&v)));
        let hits = d.explain(Doc::Plain(&v)).expect("fires");
        let pointers: Vec<&str> = hits.iter().map(|h| h.pointer.as_str()).collect();
        assert_eq!(pointers, vec!["/Attachments/1/InstanceId", "/KmsKeyId"]);
        let with_key = json!({"Attachments": [{"InstanceId": "i-2"}], "KmsKeyId": "k"});
        assert!(!d.matches(Doc::Plain(&with_key)));
    }

    #[test]
    fn list_of_maps_and_all_modifier() {
        let d = det(json!({
            "s": [{"a": 1}, {"b|contains|all": ["x", "y"]}],
            "condition": "s"
        }));
        assert!(d.matches(Doc::Plain(&json!({"a": 1}))));
        assert!(d.matches(Doc::Plain(&json!({"b": "..y..x.."}))));
        assert!(!d.matches(Doc::Plain(&json!({"b": "..x.."}))));
        assert_eq!(d.required_values("a"), None);
    }

    #[test]
    fn explain_drops_hits_of_failed_branches() {
        let d = det(json!({
            "a": {"x": 1}, "b": {"y": 2}, "c": {"z": 3},
            "condition": "(a and b) or c"
        }));
        let v = json!({"x": 1, "z": 3});
        let hits = d.explain(Doc::Plain(&v)).expect("fires");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].pointer, "/z");
    }

    #[test]
    fn keywords_and_fieldref() {
        let d = det(json!({"k": ["AllUsers"], "condition": "k"}));
        assert!(d.matches(Doc::Plain(
            &json!({"deep": [{"uri": "http://acs/global/AllUsers"}]})
        )));
        let d = det(
            json!({"s": {"userIdentity.arn|fieldref": "requestParameters.userName"}, "condition": "s"}),
        );
        assert!(d.matches(Doc::Plain(
            &json!({"userIdentity": {"arn": "u"}, "requestParameters": {"userName": "u"}})
        )));
        assert!(!d.matches(Doc::Plain(
            &json!({"userIdentity": {"arn": "u"}, "requestParameters": {"userName": "v"}})
        )));
    }

    #[test]
    fn compile_errors() {
        assert!(compile(json!({"s": {"a": 1}})).is_err());
        assert!(compile(json!({"s": {"a|base64": "x"}, "condition": "s"})).is_err());
        assert!(compile(json!({"s": {"a": []}, "condition": "s"})).is_err());
        assert!(compile(json!({"s": 5, "condition": "s"})).is_err());
        assert!(compile(json!({"s": {"a": 1}, "condition": "t"})).is_err());
    }
}
