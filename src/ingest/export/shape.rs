//! The shape of an AWS CLI output, as far as a reader uses it: each member a reader reads,
//! with its JSON type and whether the API always prints it. A file whose content does not have
//! its API's shape is an input error naming the JSON pointer of the offending member, never a
//! file whose resources silently vanish.

use serde_json::Value;

use crate::model::push_token;

/// The JSON type of a member, as the AWS CLI prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Obj,
    Arr,
    /// A timestamp: ISO 8601 text (CLI v2) or epoch seconds (CLI v1).
    Time,
    /// A string, or `null` (`get-bucket-location` prints `null` for us-east-1).
    StrOrNull,
}

impl Ty {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Ty::Str => v.is_string(),
            Ty::Bool => v.is_boolean(),
            Ty::Int => v.is_i64() || v.is_u64(),
            Ty::Obj => v.is_object(),
            Ty::Arr => v.is_array(),
            Ty::Time => v.is_string() || v.is_number(),
            Ty::StrOrNull => v.is_string() || v.is_null(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
            Ty::Obj => "an object",
            Ty::Arr => "a list",
            Ty::Time => "a timestamp",
            Ty::StrOrNull => "a string or null",
        }
    }
}

/// What a value is, for messages.
fn what(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One member: a path of member names from the top-level object, `*` for every element of a
/// list (`Volumes/*/KmsKeyId`).
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub path: &'static str,
    pub ty: Ty,
    /// The API always prints it (when its parent is there).
    pub required: bool,
}

pub const fn req(path: &'static str, ty: Ty) -> Member {
    Member {
        path,
        ty,
        required: true,
    }
}

pub const fn opt(path: &'static str, ty: Ty) -> Member {
    Member {
        path,
        ty,
        required: false,
    }
}

/// A member that does not have the shape: its JSON pointer and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub pointer: String,
    pub message: String,
}

/// The first few members of `doc` that do not have the shape, in document order of the
/// shape's members. `doc` must be a JSON object (what every AWS CLI output is).
pub fn check(doc: &Value, shape: &[Member], limit: usize) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if !doc.is_object() {
        out.push(Mismatch {
            pointer: String::new(),
            message: format!("the output is {}, not a JSON object", what(doc)),
        });
        return out;
    }
    for member in shape {
        let (parent, name) = match member.path.rsplit_once('/') {
            Some((parent, name)) => (Some(parent), name),
            None => (None, member.path),
        };
        let mut parents = Vec::new();
        match parent {
            None => parents.push((String::new(), doc)),
            Some(p) => nodes(doc, p, String::new(), &mut parents),
        }
        for (pointer, node) in parents {
            let mut children = Vec::new();
            if name == "*" {
                // A list's elements; the list itself was checked as a member.
                if let Value::Array(items) = node {
                    for (i, item) in items.iter().enumerate() {
                        children.push((format!("{pointer}/{i}"), Some(item)));
                    }
                }
            } else if let Value::Object(map) = node {
                let mut at = pointer.clone();
                push_token(&mut at, name);
                children.push((at, map.get(name)));
            }
            for (at, value) in children {
                let message = match value {
                    None if member.required => "is missing".to_owned(),
                    Some(v) if !member.ty.accepts(v) => {
                        format!("is {}, expected {}", what(v), member.ty.name())
                    }
                    _ => continue,
                };
                out.push(Mismatch {
                    pointer: at,
                    message,
                });
                if out.len() >= limit {
                    return out;
                }
            }
        }
    }
    out
}

/// The nodes at `path` (member names and `*`), with their pointers; nodes of the wrong type
/// on the way are skipped (their own member reports them).
fn nodes<'a>(v: &'a Value, path: &str, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    let (head, rest) = match path.split_once('/') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let mut next = |child: &'a Value, at: String| match rest {
        Some(rest) => nodes(child, rest, at, out),
        None => out.push((at, child)),
    };
    if head == "*" {
        if let Value::Array(items) = v {
            for (i, item) in items.iter().enumerate() {
                next(item, format!("{pointer}/{i}"));
            }
        }
    } else if let Some(child) = v.get(head) {
        let mut at = pointer;
        push_token(&mut at, head);
        next(child, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VOLUMES: &[Member] = &[
        req("Volumes", Ty::Arr),
        req("Volumes/*", Ty::Obj),
        req("Volumes/*/VolumeId", Ty::Str),
        opt("Volumes/*/Encrypted", Ty::Bool),
        opt("Volumes/*/Attachments", Ty::Arr),
        opt("Volumes/*/Attachments/*/InstanceId", Ty::Str),
    ];

    fn pointers(doc: Value) -> Vec<String> {
        check(&doc, VOLUMES, 10)
            .into_iter()
            .map(|m| format!("{} {}", m.pointer, m.message))
            .collect()
    }

    #[test]
    fn names_the_offending_member() {
        assert!(pointers(json!({"Volumes": []})).is_empty());
        assert_eq!(
            pointers(json!({"Volumes": 5})),
            ["/Volumes is a number, expected a list"]
        );
        assert_eq!(pointers(json!({})), ["/Volumes is missing"]);
        assert_eq!(
            pointers(json!({"Volumes": [{"VolumeId": "v"}, 3, {"Encrypted": "yes"}]})),
            [
                "/Volumes/1 is a number, expected an object",
                "/Volumes/2/VolumeId is missing",
                "/Volumes/2/Encrypted is a string, expected a boolean",
            ]
        );
        assert_eq!(
            pointers(json!({"Volumes": [{"VolumeId": "v", "Attachments": [{"InstanceId": 1}]}]})),
            ["/Volumes/0/Attachments/0/InstanceId is a number, expected a string"]
        );
        assert_eq!(
            pointers(json!(null)),
            [" the output is null, not a JSON object"]
        );
        assert_eq!(
            pointers(json!([1])),
            [" the output is a list, not a JSON object"]
        );
    }

    #[test]
    fn stops_at_the_limit() {
        let many: Vec<Value> = (0..50).map(|_| json!(1)).collect();
        assert_eq!(check(&json!({ "Volumes": many }), VOLUMES, 3).len(), 3);
    }
}
