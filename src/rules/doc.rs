//! What a rule looks at: a resource of the inventory (whose links can be followed by name)
//! or a plain JSON document (a CloudTrail record, a rule's test input). Dotted paths walk
//! nested objects; a path that reaches an array continues into every element.

use serde_json::Value;

use crate::model::{Inventory, push_token};

#[derive(Clone, Copy)]
pub enum Doc<'a> {
    Plain(&'a Value),
    Resource { inv: &'a Inventory, index: usize },
}

/// A value found by a path: where it is (which resource, `None` for the plain document) and
/// its JSON pointer in that resource's document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub resource: Option<usize>,
    pub pointer: String,
    /// The dotted path as the rule wrote it, for explanations (`KmsKey.KeyState`).
    pub path: String,
    pub value: Value,
}

impl<'a> Doc<'a> {
    pub fn root(&self) -> &'a Value {
        match self {
            Doc::Plain(v) => v,
            Doc::Resource { inv, index } => &inv.resources[*index].data,
        }
    }

    fn follow(&self, name: &str) -> Option<Doc<'a>> {
        match self {
            Doc::Plain(_) => None,
            Doc::Resource { inv, index } => inv.resources[*index]
                .link(name)
                .map(|target| Doc::Resource { inv, index: target }),
        }
    }

    fn index(&self) -> Option<usize> {
        match self {
            Doc::Plain(_) => None,
            Doc::Resource { index, .. } => Some(*index),
        }
    }

    /// Whether any value at `path` satisfies `f`. Links are followed where a segment names
    /// one; arrays are entered wherever they are met.
    pub fn any(&self, path: &[String], f: &mut dyn FnMut(&Value) -> bool) -> bool {
        if let Some((first, rest)) = path.split_first()
            && let Some(linked) = self.follow(first)
        {
            return linked.any(rest, f);
        }
        any_value(self.root(), path, f)
    }

    /// Every value at `path` (null and absent give none).
    pub fn values(&self, path: &[String]) -> Vec<Value> {
        let mut out = Vec::new();
        self.any(path, &mut |v| {
            if !v.is_null() {
                out.push(v.clone());
            }
            false
        });
        out
    }

    /// Like [`Doc::any`], recording where each satisfying value is.
    pub fn hits(&self, path: &[String], f: &mut dyn FnMut(&Value) -> bool, out: &mut Vec<Hit>) {
        let dotted = path.join(".");
        self.hits_inner(path, &dotted, f, out);
    }

    fn hits_inner(
        &self,
        path: &[String],
        dotted: &str,
        f: &mut dyn FnMut(&Value) -> bool,
        out: &mut Vec<Hit>,
    ) {
        if let Some((first, rest)) = path.split_first()
            && let Some(linked) = self.follow(first)
        {
            return linked.hits_inner(rest, dotted, f, out);
        }
        let mut pointer = String::new();
        hits_value(self.root(), path, f, &mut pointer, &mut |pointer, v| {
            out.push(Hit {
                resource: self.index(),
                pointer: pointer.to_owned(),
                path: dotted.to_owned(),
                value: v.clone(),
            })
        });
    }

    /// The resource and pointer where `path` would be, found or not (for locations of
    /// absent fields and of a rule's `location:`).
    pub fn place(&self, path: &[String]) -> (Option<usize>, String) {
        if let Some((first, rest)) = path.split_first()
            && let Some(linked) = self.follow(first)
        {
            return linked.place(rest);
        }
        let mut pointer = String::new();
        let mut node = Some(self.root());
        for seg in path {
            // Through arrays, point at the first element.
            while let Some(Value::Array(items)) = node {
                pointer.push_str("/0");
                node = items.first();
            }
            push_token(&mut pointer, seg);
            node = node.and_then(|n| n.get(seg));
        }
        (self.index(), pointer)
    }
}

fn any_value(v: &Value, path: &[String], f: &mut dyn FnMut(&Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|x| any_value(x, path, f)),
        _ if path.is_empty() => f(v),
        Value::Object(map) => map
            .get(path[0].as_str())
            .is_some_and(|x| any_value(x, &path[1..], f)),
        _ => false,
    }
}

fn hits_value(
    v: &Value,
    path: &[String],
    f: &mut dyn FnMut(&Value) -> bool,
    pointer: &mut String,
    record: &mut dyn FnMut(&str, &Value),
) {
    match v {
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                hits_value(x, path, f, pointer, record);
                pointer.truncate(len);
            }
        }
        _ if path.is_empty() && f(v) => record(pointer, v),
        _ if path.is_empty() => {}
        Value::Object(map) => {
            if let Some(x) = map.get(path[0].as_str()) {
                let len = pointer.len();
                push_token(pointer, &path[0]);
                hits_value(x, &path[1..], f, pointer, record);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
