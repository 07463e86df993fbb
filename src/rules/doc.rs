//! What a rule looks at: a resource of the inventory (whose links can be followed by name)
//! or a plain JSON document (a CloudTrail record, a rule's test input). Dotted paths walk
//! nested objects; a path that reaches an array continues into every element.

use serde_json::Value;

use crate::model::{Inventory, push_token};

use super::json::Json;

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
    pub fn root(&self) -> Json<'a> {
        match self {
            Doc::Plain(v) => Json::Tree(v),
            Doc::Resource { inv, index } => Json::Node(inv.resources[*index].data.root()),
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
    pub fn any(&self, path: &[String], f: &mut dyn FnMut(Json) -> bool) -> bool {
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
                out.push(v.to_value());
            }
            false
        });
        out
    }

    /// Like [`Doc::any`], recording where each satisfying value is.
    pub fn hits(&self, path: &[String], f: &mut dyn FnMut(Json) -> bool, out: &mut Vec<Hit>) {
        let dotted = path.join(".");
        self.hits_inner(path, &dotted, f, out);
    }

    fn hits_inner(
        &self,
        path: &[String],
        dotted: &str,
        f: &mut dyn FnMut(Json) -> bool,
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
                value: v.to_value(),
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
            while let Some(items) = node.filter(|n| n.is_array()) {
                pointer.push_str("/0");
                node = items.items().next();
            }
            push_token(&mut pointer, seg);
            node = node.and_then(|n| n.get(seg));
        }
        (self.index(), pointer)
    }
}

fn any_value(v: Json, path: &[String], f: &mut dyn FnMut(Json) -> bool) -> bool {
    if v.is_array() {
        return v.items().any(|x| any_value(x, path, f));
    }
    match path.split_first() {
        None => f(v),
        Some((first, rest)) => v.get(first).is_some_and(|x| any_value(x, rest, f)),
    }
}

fn hits_value(
    v: Json,
    path: &[String],
    f: &mut dyn FnMut(Json) -> bool,
    pointer: &mut String,
    record: &mut dyn FnMut(&str, Json),
) {
    if v.is_array() {
        for (i, x) in v.items().enumerate() {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&i.to_string());
            hits_value(x, path, f, pointer, record);
            pointer.truncate(len);
        }
        return;
    }
    match path.split_first() {
        None => {
            if f(v) {
                record(pointer, v);
            }
        }
        Some((first, rest)) => {
            if let Some(x) = v.get(first) {
                let len = pointer.len();
                push_token(pointer, first);
                hits_value(x, rest, f, pointer, record);
                pointer.truncate(len);
            }
        }
    }
}
