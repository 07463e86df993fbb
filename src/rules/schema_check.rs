//! A rule on a resource kind may only name fields the model documents for that kind (in its
//! detection, templates, `location` and test inputs), so that a typo is a load error rather
//! than a rule that never fires or a test case that passes for the wrong reason.

use serde_json::Value;

use crate::model::{Kind, schema};

use super::detection::Detection;
use super::rule::TestCase;
use super::template::Template;
use super::yaml_node::{Located, Pos};

/// The parts of a rule outside its detection that name fields, with where they are written.
pub struct Places<'a> {
    /// `message`, `remediation`, `resource`.
    pub templates: Vec<(&'static str, &'a Template, Pos)>,
    pub location: Option<(&'a [String], Pos)>,
}

pub fn check_fields(kind: Kind, detection: &Detection, places: &Places) -> Result<(), Located> {
    for test in detection.fields() {
        schema::check_path(kind, &test.path)
            .map_err(|e| Located::new(test.key_at, format!("detection: `{}`: {e}", test.key)))?;
    }
    let templates = places
        .templates
        .iter()
        .flat_map(|(name, t, at)| t.paths().into_iter().map(move |p| (*name, p, *at)));
    let location = places.location.map(|(p, at)| ("location", p, at));
    for (name, path, at) in templates.chain(location) {
        schema::check_path(kind, path)
            .map_err(|e| Located::new(at, format!("{name}: `{}`: {e}", path.join("."))))?;
    }
    Ok(())
}

/// Every key of a case's input, followed through links and into array elements, must be a
/// field or link of the kind (`at` is where the case is written).
pub fn check_input(kind: Kind, case: &TestCase, at: Pos) -> Result<(), Located> {
    let mut path = Vec::new();
    walk(kind, &case.input, &mut path)
        .map_err(|(path, e)| Located::new(at, format!("test `{}`: input `{path}`: {e}", case.name)))
}

fn walk(kind: Kind, value: &Value, path: &mut Vec<String>) -> Result<(), (String, String)> {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                schema::check_path(kind, path).map_err(|e| (path.join("."), e))?;
                walk(kind, child, path)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(kind, item, path)?;
            }
        }
        _ => {}
    }
    Ok(())
}
