//! Reading a document: [`Node`], a value in it, with `serde_json::Value`'s method names.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

use super::{Document, Name, Slot, Tag};

/// A value of a [`Document`]. Copy it freely: it is a reference and a 12-byte slot.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    slot: Slot,
}

/// What a node holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

impl<'a> Node<'a> {
    pub(super) fn new(doc: &'a Document, slot: Slot) -> Self {
        Node { doc, slot }
    }

    pub fn kind(self) -> Kind {
        match self.slot.tag() {
            Tag::Null => Kind::Null,
            Tag::False | Tag::True => Kind::Bool,
            Tag::U64 | Tag::I64 | Tag::F64 => Kind::Number,
            Tag::Str => Kind::String,
            Tag::Array => Kind::Array,
            Tag::Object => Kind::Object,
        }
    }

    pub fn is_null(self) -> bool {
        self.slot.tag() == Tag::Null
    }

    pub fn is_array(self) -> bool {
        self.slot.tag() == Tag::Array
    }

    pub fn is_object(self) -> bool {
        self.slot.tag() == Tag::Object
    }

    pub fn is_string(self) -> bool {
        self.slot.tag() == Tag::Str
    }

    pub fn as_str(self) -> Option<&'a str> {
        (self.slot.tag() == Tag::Str).then(|| self.doc.str_of(self.slot))
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.slot.tag() {
            Tag::True => Some(true),
            Tag::False => Some(false),
            _ => None,
        }
    }

    fn bits(self) -> u64 {
        u64::from(self.slot.a) | (u64::from(self.slot.b) << 32)
    }

    /// The number, as serde_json would hold it.
    pub fn as_number(self) -> Option<Number> {
        match self.slot.tag() {
            Tag::U64 => Some(Number::from(self.bits())),
            Tag::I64 => Some(Number::from(self.bits().cast_signed())),
            Tag::F64 => Number::from_f64(f64::from_bits(self.bits())),
            _ => None,
        }
    }

    pub fn as_u64(self) -> Option<u64> {
        self.as_number().and_then(|n| n.as_u64())
    }

    pub fn as_i64(self) -> Option<i64> {
        self.as_number().and_then(|n| n.as_i64())
    }

    pub fn as_f64(self) -> Option<f64> {
        self.as_number().and_then(|n| n.as_f64())
    }

    /// The elements of an array.
    pub fn as_array(self) -> Option<Items<'a>> {
        (self.slot.tag() == Tag::Array).then(|| Items {
            doc: self.doc,
            slots: self.doc.children(self.slot),
        })
    }

    /// The members of an object, in their order.
    pub fn as_object(self) -> Option<Members<'a>> {
        (self.slot.tag() == Tag::Object).then(|| Members {
            doc: self.doc,
            slots: self.doc.children(self.slot),
        })
    }

    /// The member `name` of an object (the last, should a name repeat).
    pub fn get(self, name: &str) -> Option<Node<'a>> {
        if self.slot.tag() != Tag::Object {
            return None;
        }
        let name = Name::of(name);
        self.doc
            .children(self.slot)
            .iter()
            .rev()
            .find(|s| s.name() == name)
            .map(|&slot| Node::new(self.doc, slot))
    }

    /// Element `i` of an array.
    pub fn at(self, i: usize) -> Option<Node<'a>> {
        if self.slot.tag() != Tag::Array {
            return None;
        }
        self.doc
            .children(self.slot)
            .get(i)
            .map(|&slot| Node::new(self.doc, slot))
    }

    /// The node at an RFC 6901 pointer below this one (`""` is this one).
    pub fn pointer(self, pointer: &str) -> Option<Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match node.slot.tag() {
                Tag::Object => node.get(&token)?,
                Tag::Array => node.at(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The value as a `serde_json::Value` (a copy).
    pub fn to_value(self) -> Value {
        match self.slot.tag() {
            Tag::Null => Value::Null,
            Tag::False => Value::Bool(false),
            Tag::True => Value::Bool(true),
            Tag::U64 | Tag::I64 | Tag::F64 => self.as_number().map_or(Value::Null, Value::Number),
            Tag::Str => Value::String(self.doc.str_of(self.slot).to_owned()),
            Tag::Array => Value::Array(self.items().map(Node::to_value).collect()),
            Tag::Object => Value::Object(
                self.members()
                    .map(|(k, v)| (k.to_owned(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Array elements (none for other values).
    pub fn items(self) -> Items<'a> {
        let slots = match self.slot.tag() {
            Tag::Array => self.doc.children(self.slot),
            _ => &[],
        };
        Items {
            doc: self.doc,
            slots,
        }
    }

    /// Object members (none for other values).
    pub fn members(self) -> Members<'a> {
        let slots = match self.slot.tag() {
            Tag::Object => self.doc.children(self.slot),
            _ => &[],
        };
        Members {
            doc: self.doc,
            slots,
        }
    }
}

/// RFC 6901 array index: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.len() > 1 && token.starts_with('0') {
        return None;
    }
    token.parse().ok()
}

/// The elements of an array node, in order (an iterator that is also a cheap copy).
#[derive(Clone, Copy)]
pub struct Items<'a> {
    doc: &'a Document,
    slots: &'a [Slot],
}

impl<'a> Items<'a> {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn iter(&self) -> Items<'a> {
        *self
    }

    pub fn first(&self) -> Option<Node<'a>> {
        self.get(0)
    }

    pub fn get(&self, i: usize) -> Option<Node<'a>> {
        self.slots.get(i).map(|&s| Node::new(self.doc, s))
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let (&first, rest) = self.slots.split_first()?;
        self.slots = rest;
        Some(Node::new(self.doc, first))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.slots.len(), Some(self.slots.len()))
    }
}

impl DoubleEndedIterator for Items<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let (&last, rest) = self.slots.split_last()?;
        self.slots = rest;
        Some(Node::new(self.doc, last))
    }
}

impl ExactSizeIterator for Items<'_> {}

/// The members of an object node: name and value.
#[derive(Clone, Copy)]
pub struct Members<'a> {
    doc: &'a Document,
    slots: &'a [Slot],
}

impl<'a> Members<'a> {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The member values.
    pub fn values(self) -> impl Iterator<Item = Node<'a>> {
        self.map(|(_, v)| v)
    }

    /// The member names.
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        self.map(|(k, _)| k)
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'static str, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (&first, rest) = self.slots.split_first()?;
        self.slots = rest;
        Some((first.name().as_str(), Node::new(self.doc, first)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.slots.len(), Some(self.slots.len()))
    }
}

impl ExactSizeIterator for Members<'_> {}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.slot.tag() {
            Tag::Null => s.serialize_unit(),
            Tag::False => s.serialize_bool(false),
            Tag::True => s.serialize_bool(true),
            Tag::U64 => s.serialize_u64(self.bits()),
            Tag::I64 => s.serialize_i64(self.bits().cast_signed()),
            Tag::F64 => s.serialize_f64(f64::from_bits(self.bits())),
            Tag::Str => s.serialize_str(self.doc.str_of(self.slot)),
            Tag::Array => {
                let items = self.items();
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            Tag::Object => {
                let members = self.members();
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(s)
    }
}

impl PartialEq<Value> for Node<'_> {
    fn eq(&self, other: &Value) -> bool {
        match (self.kind(), other) {
            (Kind::Null, Value::Null) => true,
            (Kind::Bool, Value::Bool(b)) => self.as_bool() == Some(*b),
            (Kind::Number, Value::Number(n)) => self.as_number().as_ref() == Some(n),
            (Kind::String, Value::String(s)) => self.as_str() == Some(s.as_str()),
            (Kind::Array, Value::Array(items)) => {
                let mine = self.items();
                mine.len() == items.len() && mine.zip(items).all(|(a, b)| a == *b)
            }
            (Kind::Object, Value::Object(map)) => {
                // Compared as maps: the last of a repeated name counts, as in `get`.
                self.members()
                    .all(|(k, v)| map.get(k).is_some_and(|o| v == *o))
                    && map
                        .iter()
                        .all(|(k, o)| self.get(k).is_some_and(|v| v == *o))
            }
            _ => false,
        }
    }
}
