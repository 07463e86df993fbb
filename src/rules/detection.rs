//! A rule's `detection`: named selections and a condition, in Sigma's syntax, compiled once
//! into matchers. Evaluation is a plain walk over the document; only when a rule fires is
//! it evaluated again to record which fields decided it.

use serde_json::{Map, Value};

use super::condition::{self, Cond};
use super::doc::{Doc, Hit};
use super::pattern::{Modifiers, Pattern};

#[derive(Debug)]
pub struct Detection {
    pub names: Vec<String>,
    selections: Vec<Selection>,
    condition: Cond,
}

#[derive(Debug)]
enum Selection {
    /// A map: every field test holds.
    All(Vec<FieldTest>),
    /// A list of maps: one of them holds.
    Any(Vec<Vec<FieldTest>>),
    /// A list of plain values: one of them appears in any string of the document.
    Keywords(Vec<Pattern>),
}

#[derive(Debug)]
pub struct FieldTest {
    /// The key as written (`requestParameters.keyId|contains`).
    pub key: String,
    pub path: Vec<String>,
    patterns: Vec<Pattern>,
    all: bool,
}

impl Detection {
    pub fn compile(detection: &Value) -> Result<Detection, String> {
        let map = detection.as_object().ok_or("`detection` must be a map")?;
        let mut names = Vec::new();
        let mut selections = Vec::new();
        let mut condition_text = None;
        for (name, body) in map {
            if name == "condition" {
                condition_text = Some(body);
                continue;
            }
            if name == "timeframe" {
                return Err("`timeframe` (correlation) is not supported".into());
            }
            let selection =
                Selection::compile(body).map_err(|e| format!("selection `{name}`: {e}"))?;
            names.push(name.clone());
            selections.push(selection);
        }
        let condition = match condition_text {
            None => return Err("`detection` has no `condition`".into()),
            Some(Value::String(text)) => condition::parse(text, &names)?,
            // Several conditions: any of them.
            Some(Value::Array(list)) => {
                let parsed: Result<Vec<Cond>, String> = list
                    .iter()
                    .map(|c| c.as_str().ok_or("a condition must be a string".to_owned()))
                    .map(|c| c.and_then(|c| condition::parse(c, &names)))
                    .collect();
                Cond::Or(parsed?)
            }
            Some(_) => return Err("`condition` must be a string".into()),
        };
        Ok(Detection {
            names,
            selections,
            condition,
        })
    }

    /// Every field test, for checking paths against the model's fields.
    pub fn fields(&self) -> impl Iterator<Item = &FieldTest> {
        self.selections
            .iter()
            .flat_map(|s| -> Box<dyn Iterator<Item = &FieldTest>> {
                match s {
                    Selection::All(tests) => Box::new(tests.iter()),
                    Selection::Any(groups) => Box::new(groups.iter().flatten()),
                    Selection::Keywords(_) => Box::new(std::iter::empty()),
                }
            })
    }

    pub fn matches(&self, doc: Doc) -> bool {
        self.eval(&self.condition, doc, None)
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
    fn compile(body: &Value) -> Result<Selection, String> {
        match body {
            Value::Object(map) => Ok(Selection::All(compile_map(map)?)),
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                let groups: Result<Vec<_>, String> = items
                    .iter()
                    .filter_map(Value::as_object)
                    .map(compile_map)
                    .collect();
                Ok(Selection::Any(groups?))
            }
            Value::Array(items) if !items.is_empty() => {
                let contains = Modifiers {
                    contains: true,
                    ..Modifiers::default()
                };
                let patterns: Result<Vec<_>, String> = items
                    .iter()
                    .map(|v| Pattern::compile(v, &contains))
                    .collect();
                Ok(Selection::Keywords(patterns?))
            }
            Value::String(_) => {
                let contains = Modifiers {
                    contains: true,
                    ..Modifiers::default()
                };
                Ok(Selection::Keywords(vec![Pattern::compile(
                    body, &contains,
                )?]))
            }
            _ => Err("a selection must be a map, a list of maps or a list of values".into()),
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
            Selection::Keywords(patterns) => patterns
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
            Selection::Keywords(_) => None,
        }
    }
}

fn all_hold(tests: &[FieldTest], doc: Doc, mut trace: Option<&mut Vec<Hit>>) -> bool {
    tests.iter().all(|t| t.eval(doc, trace.as_deref_mut()))
}

fn any_string(v: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
    match v {
        Value::String(_) => f(v),
        Value::Array(items) => items.iter().any(|x| any_string(x, f)),
        Value::Object(map) => map.values().any(|x| any_string(x, f)),
        _ => false,
    }
}

fn compile_map(map: &Map<String, Value>) -> Result<Vec<FieldTest>, String> {
    map.iter()
        .map(|(key, value)| FieldTest::compile(key, value))
        .collect()
}

impl FieldTest {
    fn compile(key: &str, value: &Value) -> Result<FieldTest, String> {
        let mut parts = key.split('|');
        let field = parts.next().unwrap_or_default();
        if field.is_empty() {
            return Err(format!("`{key}`: empty field name"));
        }
        let modifiers: Vec<&str> = parts.collect();
        let m = Modifiers::parse(&modifiers).map_err(|e| format!("`{key}`: {e}"))?;
        let values: Vec<&Value> = match value {
            Value::Array(items) if items.is_empty() => {
                return Err(format!("`{key}`: an empty list matches nothing"));
            }
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let patterns: Result<Vec<Pattern>, String> =
            values.iter().map(|v| Pattern::compile(v, &m)).collect();
        Ok(FieldTest {
            key: key.to_owned(),
            path: field.split('.').map(str::to_owned).collect(),
            patterns: patterns.map_err(|e| format!("`{key}`: {e}"))?,
            all: m.all,
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

    fn det(v: Value) -> Detection {
        Detection::compile(&v).expect("compiles")
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
        assert!(Detection::compile(&json!({"s": {"a": 1}})).is_err());
        assert!(Detection::compile(&json!({"s": {"a|base64": "x"}, "condition": "s"})).is_err());
        assert!(Detection::compile(&json!({"s": {"a": []}, "condition": "s"})).is_err());
        assert!(Detection::compile(&json!({"s": 5, "condition": "s"})).is_err());
        assert!(Detection::compile(&json!({"s": {"a": 1}, "condition": "t"})).is_err());
    }
}
