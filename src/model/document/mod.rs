//! A resource's document, compact: the JSON object of AWS's fields (and atrest's derived
//! ones) as 12-byte nodes in one vector, field names interned ([`Name`]), string values in
//! one text buffer. A `serde_json::Value` tree spends a map node of ~600 bytes on every
//! object, however few members it has; a document spends 12 bytes per value plus its text.
//!
//! Rules and derivations read it through [`Node`], whose methods are named as
//! `serde_json::Value`'s (`get`, `as_str`, `as_array`, `pointer`, ...), so field paths are
//! the same whatever holds the data.
//!
//! Offsets are 32-bit: one document holds at most 4 GiB of text and 4G nodes. Readers refuse
//! larger ones ([`TooLarge`]); nothing AWS describes comes near.

mod names;
mod node;

use serde_json::{Map, Value};

pub use names::Name;
pub use node::{Items, Kind, Members, Node};

/// One value in 12 bytes: its member name (in an object) and its type in one word, and two
/// words more (a string's offset and length in the text, a container's first child and
/// count, a number's 64 bits).
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The name's number above the tag's four bits (numbers stay below 2^26, see names.rs).
    head: u32,
    a: u32,
    b: u32,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 12);

impl Slot {
    fn new(name: Name, tag: Tag, a: u32, b: u32) -> Self {
        Slot {
            head: (name.number() << 4) | tag as u32,
            a,
            b,
        }
    }

    fn name(self) -> Name {
        Name::from_number(self.head >> 4)
    }

    fn tag(self) -> Tag {
        // Only `Slot::new` writes the tag's bits, always from a tag.
        Tag::ALL
            .get((self.head & 0xf) as usize)
            .copied()
            .unwrap_or(Tag::Null)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Tag {
    Null,
    False,
    True,
    U64,
    I64,
    F64,
    Str,
    Array,
    Object,
}

impl Tag {
    /// Every tag, by its number.
    const ALL: [Tag; 9] = [
        Tag::Null,
        Tag::False,
        Tag::True,
        Tag::U64,
        Tag::I64,
        Tag::F64,
        Tag::Str,
        Tag::Array,
        Tag::Object,
    ];
}

/// A document too large for 32-bit offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a resource's description is larger than 4 GiB")
    }
}

/// A JSON object, compact. The root's members are kept apart from the other nodes so that
/// fields can be added and replaced (merging pieces, storing derived facts); every other
/// container's children are contiguous in `nodes`.
#[derive(Clone, Debug, Default)]
pub struct Document {
    top: Vec<Slot>,
    nodes: Vec<Slot>,
    text: String,
}

/// The marker of the root in a container slot's `a`.
const ROOT: u32 = u32::MAX;

impl Document {
    pub fn new() -> Self {
        Document::default()
    }

    /// The document of an object's members.
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, TooLarge> {
        let mut doc = Document::new();
        // Sized exactly first: documents live as long as the scan, and a vector grown by
        // doubling then shrunk leaves its old blocks behind in the allocator.
        let (nodes, text) = map.values().fold((0, 0), |acc, v| size(v, acc));
        doc.top.reserve_exact(map.len());
        doc.nodes.reserve_exact(nodes);
        doc.text.reserve_exact(text);
        for (name, value) in map {
            let slot = doc.slot_of(Name::of(name), value)?;
            doc.top.push(slot);
        }
        doc.finish();
        Ok(doc)
    }

    /// The document as an object node.
    pub fn root(&self) -> Node<'_> {
        Node::new(
            self,
            Slot::new(
                Name::EMPTY,
                Tag::Object,
                ROOT,
                u32::try_from(self.top.len()).unwrap_or(u32::MAX),
            ),
        )
    }

    /// The member `name` of the root.
    pub fn get(&self, name: &str) -> Option<Node<'_>> {
        self.root().get(name)
    }

    /// The node at an RFC 6901 pointer.
    pub fn pointer(&self, pointer: &str) -> Option<Node<'_>> {
        self.root().pointer(pointer)
    }

    pub fn is_empty(&self) -> bool {
        self.top.is_empty()
    }

    /// Sets the member `name` to `value`, replacing one of that name.
    pub fn insert(&mut self, name: &str, value: &Value) -> Result<(), TooLarge> {
        let (nodes, text) = size(value, (0, 0));
        self.nodes.reserve(nodes);
        self.text.reserve(text);
        let name = Name::of(name);
        let slot = self.slot_of(name, value)?;
        self.put(slot);
        Ok(())
    }

    /// Sets every member of `other` here (its values win), copying their nodes.
    pub fn extend(&mut self, other: &Document) -> Result<(), TooLarge> {
        if self.top.is_empty() && self.nodes.is_empty() && self.text.is_empty() {
            self.clone_from(other);
            return Ok(());
        }
        self.top.reserve_exact(other.top.len());
        self.nodes.reserve_exact(other.nodes.len());
        self.text.reserve_exact(other.text.len());
        for &slot in &other.top {
            let copied = self.copy(other, slot)?;
            self.put(copied);
        }
        self.finish();
        Ok(())
    }

    /// The whole document as a `serde_json::Value` (for output and tests).
    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }

    /// Bytes held, for measurements.
    pub fn heap_bytes(&self) -> usize {
        (self.top.capacity() + self.nodes.capacity()) * std::mem::size_of::<Slot>()
            + self.text.capacity()
    }

    fn put(&mut self, slot: Slot) {
        match self.top.iter_mut().find(|s| s.name() == slot.name()) {
            Some(old) => *old = slot,
            None => self.top.push(slot),
        }
    }

    /// Gives back what building reserved beyond what it used.
    fn finish(&mut self) {
        self.top.shrink_to_fit();
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    fn slot_of(&mut self, name: Name, value: &Value) -> Result<Slot, TooLarge> {
        let (tag, a, b) = match value {
            Value::Null => (Tag::Null, 0, 0),
            Value::Bool(false) => (Tag::False, 0, 0),
            Value::Bool(true) => (Tag::True, 0, 0),
            Value::Number(n) => number(n),
            Value::String(s) => {
                let (a, b) = self.push_text(s)?;
                (Tag::Str, a, b)
            }
            Value::Array(items) => {
                let (start, count) = self.reserve(items.len())?;
                for (i, item) in items.iter().enumerate() {
                    self.nodes[start as usize + i] = self.slot_of(Name::EMPTY, item)?;
                }
                (Tag::Array, start, count)
            }
            Value::Object(map) => {
                let (start, count) = self.reserve(map.len())?;
                for (i, (key, item)) in map.iter().enumerate() {
                    self.nodes[start as usize + i] = self.slot_of(Name::of(key), item)?;
                }
                (Tag::Object, start, count)
            }
        };
        Ok(Slot::new(name, tag, a, b))
    }

    /// Copies `slot` of `from` (and its nodes) into this document.
    fn copy(&mut self, from: &Document, slot: Slot) -> Result<Slot, TooLarge> {
        let (a, b) = match slot.tag() {
            Tag::Str => self.push_text(from.str_of(slot))?,
            Tag::Array | Tag::Object => {
                let children = from.children(slot);
                let (start, count) = self.reserve(children.len())?;
                for (i, &child) in children.iter().enumerate() {
                    self.nodes[start as usize + i] = self.copy(from, child)?;
                }
                (start, count)
            }
            _ => (slot.a, slot.b),
        };
        Ok(Slot { a, b, ..slot })
    }

    fn push_text(&mut self, s: &str) -> Result<(u32, u32), TooLarge> {
        let start = u32::try_from(self.text.len()).map_err(|_| TooLarge)?;
        let len = u32::try_from(s.len()).map_err(|_| TooLarge)?;
        start.checked_add(len).ok_or(TooLarge)?;
        self.text.push_str(s);
        Ok((start, len))
    }

    /// Appends `count` placeholder nodes for a container's children.
    fn reserve(&mut self, count: usize) -> Result<(u32, u32), TooLarge> {
        let start = u32::try_from(self.nodes.len()).map_err(|_| TooLarge)?;
        let n = u32::try_from(count).map_err(|_| TooLarge)?;
        start
            .checked_add(n)
            .filter(|&end| end < ROOT)
            .ok_or(TooLarge)?;
        self.nodes.resize(
            self.nodes.len() + count,
            Slot::new(Name::EMPTY, Tag::Null, 0, 0),
        );
        Ok((start, n))
    }

    fn str_of(&self, slot: Slot) -> &str {
        let start = slot.a as usize;
        self.text.get(start..start + slot.b as usize).unwrap_or("")
    }

    fn children(&self, slot: Slot) -> &[Slot] {
        if slot.a == ROOT {
            return &self.top;
        }
        let start = slot.a as usize;
        self.nodes
            .get(start..start + slot.b as usize)
            .unwrap_or(&[])
    }
}

/// What a value adds to `(nodes, text bytes)` below its own slot.
fn size(v: &Value, (nodes, text): (usize, usize)) -> (usize, usize) {
    match v {
        Value::String(s) => (nodes, text + s.len()),
        Value::Array(items) => items
            .iter()
            .fold((nodes + items.len(), text), |acc, x| size(x, acc)),
        Value::Object(map) => map
            .values()
            .fold((nodes + map.len(), text), |acc, x| size(x, acc)),
        _ => (nodes, text),
    }
}

fn number(n: &serde_json::Number) -> (Tag, u32, u32) {
    let (tag, bits) = if let Some(u) = n.as_u64() {
        (Tag::U64, u)
    } else if let Some(i) = n.as_i64() {
        (Tag::I64, i.cast_unsigned())
    } else {
        (Tag::F64, n.as_f64().unwrap_or(f64::NAN).to_bits())
    };
    // The two halves of the 64 bits; truncation is the point.
    #[allow(clippy::cast_possible_truncation)]
    let (low, high) = (bits as u32, (bits >> 32) as u32);
    (tag, low, high)
}

#[cfg(test)]
mod tests;
