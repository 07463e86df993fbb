//! The inventory: one canonical document per resource, keyed by ARN, with links between
//! resources and the origin of every field.

use std::collections::HashMap;

use serde_json::Value;

use super::Kind;
use super::piece::{Fact, Loc};

/// Where a part of a resource's document came from: the fields under `field` (a JSON pointer
/// into the document, `""` for all of it) are at `loc` in a source.
#[derive(Clone, Debug)]
pub struct Origin {
    pub field: String,
    pub loc: Loc,
}

/// A named reference from one resource to another (`KmsKey`, `Instance`, `LogBucket`, ...).
/// Rules follow it with dotted paths: `KmsKey.KeyState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub name: &'static str,
    pub target: usize,
}

#[derive(Debug)]
pub struct Resource {
    pub kind: Kind,
    pub arn: String,
    pub account: String,
    pub region: String,
    /// AWS's fields, merged from every call that describes the resource, plus the facts
    /// atrest derives (see docs/resources.md). Always a JSON object.
    pub data: Value,
    pub links: Vec<Link>,
    pub origins: Vec<Origin>,
    pub facts: Vec<(Fact, Loc)>,
}

impl Resource {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.data.get(field)
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.data.get(field).and_then(Value::as_str)
    }

    pub fn link(&self, name: &str) -> Option<usize> {
        self.links.iter().find(|l| l.name == name).map(|l| l.target)
    }

    pub fn fact(&self, fact: Fact) -> Option<&Loc> {
        self.facts.iter().find(|(f, _)| *f == fact).map(|(_, l)| l)
    }

    /// The source location of the document node at `pointer` (RFC 6901, into `data`): the
    /// origin with the longest matching prefix, extended by the rest of the pointer.
    pub fn locate(&self, pointer: &str) -> Option<Loc> {
        // On a tie the later origin wins: its piece was merged last, so its values are the
        // ones in the document.
        let origin = self
            .origins
            .iter()
            .filter(|o| {
                pointer.starts_with(&o.field)
                    && (pointer.len() == o.field.len() || pointer.as_bytes()[o.field.len()] == b'/')
            })
            .max_by_key(|o| o.field.len())?;
        Some(Loc::new(
            origin.loc.source,
            format!("{}{}", origin.loc.pointer, &pointer[origin.field.len()..]),
        ))
    }

    /// Where the resource as a whole is described (its first origin).
    pub fn home(&self) -> Option<&Loc> {
        self.origins
            .iter()
            .find(|o| o.field.is_empty())
            .or_else(|| self.origins.first())
            .map(|o| &o.loc)
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    index: HashMap<(Kind, String), usize>,
}

impl Inventory {
    /// Builds the index; resources must already be sorted by (kind, ARN).
    pub fn new(resources: Vec<Resource>) -> Self {
        let index = resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind, r.arn.clone()), i))
            .collect();
        Inventory { resources, index }
    }

    pub fn find(&self, kind: Kind, arn: &str) -> Option<usize> {
        self.index.get(&(kind, arn.to_owned())).copied()
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.kind == kind)
    }
}
