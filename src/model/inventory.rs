//! The inventory: one canonical document per resource, keyed by ARN, with links between
//! resources and the origin of every field.

use super::Kind;
use super::document::{Document, Name, Node};
use super::piece::{Fact, Loc};

/// Where a part of a resource's document came from: the member `field` (and what is under
/// it), or the whole document when `field` is [`Name::EMPTY`], is at `loc` in a source.
#[derive(Clone, Debug)]
pub struct Origin {
    pub field: Name,
    pub loc: Loc,
}

impl Origin {
    pub fn whole(loc: Loc) -> Self {
        Origin {
            field: Name::EMPTY,
            loc,
        }
    }

    /// The rest of `pointer` below this origin's field, if the pointer is at or below it.
    fn below<'p>(&self, pointer: &'p str) -> Option<&'p str> {
        if self.field == Name::EMPTY {
            return Some(pointer);
        }
        below_member(self.field, pointer)
    }
}

/// The rest of `pointer` below the top-level member `name`, if the pointer is at or below it.
fn below_member(name: Name, pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix('/')?;
    let (token, rest) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let name = name.as_str();
    let same = if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~") == name
    } else {
        token == name
    };
    same.then_some(rest)
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
    /// ARN, account and region are the interned texts of the pieces' names
    /// ([`Name::as_str`]): no resource keeps a copy of its own.
    pub arn: &'static str,
    pub account: &'static str,
    pub region: &'static str,
    /// AWS's fields, merged from every call that describes the resource, plus the facts
    /// atrest derives (see docs/resources.md).
    pub data: Document,
    pub links: Vec<Link>,
    /// Where the pieces' fields came from.
    pub origins: Vec<Origin>,
    /// Where each derived fact's evidence is, in the order they were derived.
    pub evidence: Vec<(Name, Evidence)>,
    pub facts: Vec<(Fact, Loc)>,
}

/// Where a derived fact was computed from: most often a node of the resource's own document
/// (kept as its pointer, located through the pieces' origins when asked, so a bucket's
/// twenty facts do not each copy a place), else a place of its own (a fact a reader
/// recorded, another resource's field).
#[derive(Clone, Debug)]
pub enum Evidence {
    /// A pointer into the document, interned: resources of a kind share their few
    /// pointers (`/ServerSideEncryptionConfiguration/Rules/0/...`).
    Here(Name),
    /// A pointer into the document that the name table had no room for (boxed twice to
    /// keep the enum at two words).
    HereText(Box<Box<str>>),
    At(Box<Loc>),
}

const _: () = assert!(std::mem::size_of::<Evidence>() == 16);

impl Evidence {
    /// Evidence at `pointer` in the resource's own document.
    pub fn here(pointer: String) -> Self {
        let name = Name::of(&pointer);
        if name.as_str() == pointer {
            Evidence::Here(name)
        } else {
            Evidence::HereText(Box::new(pointer.into_boxed_str()))
        }
    }
}

impl Resource {
    pub fn get(&self, field: &str) -> Option<Node<'_>> {
        self.data.get(field)
    }

    /// A copy of the field's value (for tests and output).
    pub fn value(&self, field: &str) -> Option<serde_json::Value> {
        self.data.get(field).map(Node::to_value)
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.data.get(field).and_then(Node::as_str)
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
        if let Some(found) = self.evidence_of(pointer) {
            return found;
        }
        self.locate_field(pointer)
    }

    /// Whether some piece's origin covers `pointer`.
    pub fn covers(&self, pointer: &str) -> bool {
        self.origins.iter().any(|o| o.below(pointer).is_some())
    }

    /// The place of a pointer into a derived fact, through its evidence (the last given
    /// wins); `None` when the pointer is not into a derived fact with evidence.
    fn evidence_of(&self, pointer: &str) -> Option<Option<Loc>> {
        if self.evidence.is_empty() {
            return None;
        }
        let (found, rest) = self
            .evidence
            .iter()
            .rev()
            .find_map(|(name, e)| below_member(*name, pointer).map(|rest| (e, rest)))?;
        Some(match found {
            Evidence::Here(at) => self.locate_field(&format!("{}{rest}", at.as_str())),
            Evidence::HereText(at) => self.locate_field(&format!("{at}{rest}")),
            Evidence::At(loc) => Some(Loc::new(loc.source, format!("{}{rest}", loc.pointer))),
        })
    }

    /// [`Resource::locate`] through the pieces' origins.
    fn locate_field(&self, pointer: &str) -> Option<Loc> {
        // On a tie the later origin wins: its piece was merged last, so its values are the
        // ones in the document.
        // A member's own origin is longer than the whole document's, so it wins.
        let (origin, rest) = self
            .origins
            .iter()
            .filter_map(|o| o.below(pointer).map(|rest| (o, rest)))
            .max_by_key(|(o, _)| o.field != Name::EMPTY)?;
        Some(Loc::new(
            origin.loc.source,
            format!("{}{rest}", origin.loc.pointer),
        ))
    }

    /// Where the resource as a whole is described (its first origin).
    pub fn home(&self) -> Option<&Loc> {
        self.origins
            .iter()
            .find(|o| o.field == Name::EMPTY)
            .or_else(|| self.origins.first())
            .map(|o| &o.loc)
    }
}

/// Every resource, in (kind, ARN) order: a resource is found by binary search, so no index
/// holds a second copy of every ARN.
#[derive(Debug, Default)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    /// The kinds listed in full, per account and region (`kms list-keys`, `ec2
    /// describe-volumes`): where the inventory of a kind is complete.
    pub listed: std::collections::BTreeSet<(Kind, String, String)>,
}

impl Inventory {
    /// The inventory of `resources`, put in (kind, ARN) order if they are not.
    pub fn new(mut resources: Vec<Resource>) -> Self {
        if !resources.is_sorted_by(|a, b| (a.kind, &a.arn) <= (b.kind, &b.arn)) {
            resources.sort_by(|a, b| (a.kind, &a.arn).cmp(&(b.kind, &b.arn)));
        }
        Inventory {
            resources,
            listed: std::collections::BTreeSet::new(),
        }
    }

    pub fn find(&self, kind: Kind, arn: &str) -> Option<usize> {
        self.resources
            .binary_search_by(|r| (r.kind, r.arn).cmp(&(kind, arn)))
            .ok()
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
