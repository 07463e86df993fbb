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

/// The first few members of `doc` that do not have the shape, in document order. One walk
/// over the members the shape names; a pointer is built only for a mismatch (a
/// `describe-volumes` of 100,000 volumes is checked without an allocation per volume).
pub fn check(doc: &Value, shape: &[Member], limit: usize) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if !doc.is_object() {
        out.push(Mismatch {
            pointer: String::new(),
            message: format!("the output is {}, not a JSON object", what(doc)),
        });
        return out;
    }
    // Each member's parent path and name, and whether members sit under it.
    let members: Vec<(&Member, &str, &str, bool)> = shape
        .iter()
        .map(|m| {
            let (parent, name) = m.path.rsplit_once('/').unwrap_or(("", m.path));
            let under = shape.iter().any(|c| {
                c.path
                    .strip_prefix(m.path)
                    .is_some_and(|rest| rest.starts_with('/'))
            });
            (m, parent, name, under)
        })
        .collect();
    let mut walk = Walk {
        members,
        trail: Vec::new(),
        out,
        limit,
    };
    walk.node(doc, "");
    walk.out
}

/// A step from a node to a child: a member name or a list index.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

struct Walk<'s, 'v> {
    members: Vec<(&'s Member, &'s str, &'s str, bool)>,
    trail: Vec<Step<'v>>,
    out: Vec<Mismatch>,
    limit: usize,
}

impl<'s, 'v> Walk<'s, 'v> {
    /// Checks the members of the shape under `path` (`""` for the top level) in `value`.
    fn node(&mut self, value: &'v Value, path: &'s str) {
        for k in 0..self.members.len() {
            if self.out.len() >= self.limit {
                return;
            }
            let (member, parent, name, has_children) = self.members[k];
            if parent != path {
                continue;
            }
            if name == "*" {
                // A list's elements; the list itself was checked as a member.
                let Value::Array(items) = value else { continue };
                for (i, item) in items.iter().enumerate() {
                    self.trail.push(Step::Index(i));
                    self.child(member, item, has_children);
                    self.trail.pop();
                    if self.out.len() >= self.limit {
                        return;
                    }
                }
            } else if let Value::Object(map) = value {
                match map.get_key_value(name) {
                    None if member.required => {
                        self.mismatch(Some(name), "is missing".to_owned());
                    }
                    None => {}
                    Some((key, child)) => {
                        self.trail.push(Step::Key(key.as_str()));
                        self.child(member, child, has_children);
                        self.trail.pop();
                    }
                }
            }
        }
    }

    fn child(&mut self, member: &'s Member, value: &'v Value, has_children: bool) {
        if !member.ty.accepts(value) {
            self.mismatch(
                None,
                format!("is {}, expected {}", what(value), member.ty.name()),
            );
        } else if has_children {
            self.node(value, member.path);
        }
    }

    /// A mismatch at the current node, or at its member `missing`.
    fn mismatch(&mut self, missing: Option<&str>, message: String) {
        let mut pointer = String::new();
        for step in &self.trail {
            match step {
                Step::Key(k) => push_token(&mut pointer, k),
                Step::Index(i) => pointer.push_str(&format!("/{i}")),
            }
        }
        if let Some(name) = missing {
            push_token(&mut pointer, name);
        }
        self.out.push(Mismatch { pointer, message });
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
        opt("Volumes/*/Attachments/*", Ty::Obj),
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
