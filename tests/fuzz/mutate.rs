//! The mutations every target shares: structure-aware ones on the document tree (a member's
//! type changed, members dropped or duplicated, values replaced by null, huge strings, deep
//! nesting, control characters, invalid UTF-8, numbers out of range, another node spliced in),
//! then byte-level ones on the written file (truncation, flipped, inserted or deleted bytes,
//! another file appended, gzip with or without truncation).
//!
//! Each op picks its node by an index taken modulo the node count, so proptest shrinks a
//! failing case to fewer ops and smaller indexes.

use std::io::Write;

use proptest::prelude::*;

use crate::tree::Tree;

/// What replaces a node.
#[derive(Clone, Debug)]
pub enum Op {
    /// Another JSON type: 0 null, 1 bool, 2 number, 3 string, 4 list, 5 object, 6 the same
    /// scalar as text (`5` becomes `"5"`, `"5"` becomes `5` when it is a number).
    Retype {
        at: usize,
        to: u8,
    },
    Drop {
        at: usize,
        child: usize,
    },
    Duplicate {
        at: usize,
        child: usize,
    },
    Null {
        at: usize,
    },
    Huge {
        at: usize,
        len: usize,
        wide: bool,
    },
    Deep {
        at: usize,
        depth: usize,
        objects: bool,
    },
    /// A string with a control character, escaped (valid JSON) or raw (not).
    Control {
        at: usize,
        ch: u8,
        raw: bool,
    },
    BadUtf8 {
        at: usize,
        which: u8,
    },
    Number {
        at: usize,
        which: u8,
    },
    Rename {
        at: usize,
        child: usize,
        how: u8,
    },
    Splice {
        at: usize,
        from: usize,
    },
    /// A string cut at a character, or with a multi-byte character inserted: offsets that
    /// slice text by bytes break here.
    Text {
        at: usize,
        pos: usize,
        how: u8,
    },
    /// A flow-style YAML construct in place of the node (anchors and aliases, tags, ...);
    /// written raw, so in JSON it is a syntax error.
    Yaml {
        at: usize,
        which: u8,
    },
}

#[derive(Clone, Debug)]
pub enum ByteOp {
    Truncate {
        at: usize,
    },
    Flip {
        at: usize,
        xor: u8,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Delete {
        at: usize,
        len: usize,
    },
    /// Another seed file appended, on a line of its own or not.
    Concat {
        other: usize,
        newline: bool,
    },
}

/// A whole mutation: tree ops, byte ops, and whether (and where) the result is gzipped.
#[derive(Clone, Debug)]
pub struct Mutation {
    pub ops: Vec<Op>,
    pub bytes: Vec<ByteOp>,
    /// `Some(None)`: gzipped; `Some(Some(n))`: gzipped and cut at byte `n`.
    pub gzip: Option<Option<usize>>,
}

fn op(yaml: bool) -> impl Strategy<Value = Op> {
    let at = any::<usize>;
    let plain = prop_oneof![
        4 => (at(), 0u8..7).prop_map(|(at, to)| Op::Retype { at, to }),
        3 => (at(), at()).prop_map(|(at, child)| Op::Drop { at, child }),
        2 => (at(), at()).prop_map(|(at, child)| Op::Duplicate { at, child }),
        2 => at().prop_map(|at| Op::Null { at }),
        1 => (at(), prop_oneof![Just(0usize), Just(1), 1000usize..70_000], any::<bool>())
            .prop_map(|(at, len, wide)| Op::Huge { at, len, wide }),
        1 => (at(), prop_oneof![Just(20usize), Just(127), Just(128), Just(129), Just(600)],
            any::<bool>())
            .prop_map(|(at, depth, objects)| Op::Deep { at, depth, objects }),
        1 => (at(), prop_oneof![0u8..0x20, Just(0x7f)], any::<bool>())
            .prop_map(|(at, ch, raw)| Op::Control { at, ch, raw }),
        1 => (at(), 0u8..5).prop_map(|(at, which)| Op::BadUtf8 { at, which }),
        2 => (at(), 0u8..12).prop_map(|(at, which)| Op::Number { at, which }),
        2 => (at(), at(), 0u8..5).prop_map(|(at, child, how)| Op::Rename { at, child, how }),
        2 => (at(), at()).prop_map(|(at, from)| Op::Splice { at, from }),
        2 => (at(), at(), 0u8..6).prop_map(|(at, pos, how)| Op::Text { at, pos, how }),
    ];
    let weight = if yaml { 2 } else { 0 };
    prop_oneof![
        12 => plain,
        weight => (at(), 0u8..8).prop_map(|(at, which)| Op::Yaml { at, which }),
    ]
}

fn byte_op() -> impl Strategy<Value = ByteOp> {
    let at = any::<usize>;
    prop_oneof![
        3 => at().prop_map(|at| ByteOp::Truncate { at }),
        2 => (at(), 1u8..=255).prop_map(|(at, xor)| ByteOp::Flip { at, xor }),
        2 => (at(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| ByteOp::Insert { at, bytes }),
        1 => (at(), 1usize..64).prop_map(|(at, len)| ByteOp::Delete { at, len }),
        1 => (at(), any::<bool>()).prop_map(|(other, newline)| ByteOp::Concat { other, newline }),
    ]
}

/// Mostly tree ops; byte ops and gzip in a third of the cases each, so most inputs still
/// parse and reach the readers.
pub fn mutation(yaml: bool, gzip: bool) -> impl Strategy<Value = Mutation> {
    let bytes = prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec(byte_op(), 1..3),
    ];
    let gz = if gzip {
        prop_oneof![
            2 => Just(None),
            1 => prop_oneof![Just(None), any::<usize>().prop_map(Some)].prop_map(Some),
        ]
        .boxed()
    } else {
        Just(None).boxed()
    };
    (prop::collection::vec(op(yaml), 0..4), bytes, gz).prop_map(|(ops, bytes, gzip)| Mutation {
        ops,
        bytes,
        gzip,
    })
}

impl Mutation {
    /// Applies the mutation to `tree`; `others` are the seeds a `Concat` may append.
    pub fn apply(&self, tree: &Tree, yaml: bool, others: &[&[u8]]) -> Vec<u8> {
        let mut tree = tree.clone();
        for op in &self.ops {
            apply_op(&mut tree, op);
        }
        let text = if yaml { tree.to_yaml() } else { tree.to_json() };
        self.finish(text, others)
    }

    /// The byte ops and gzip alone, for seeds that do not parse.
    pub fn finish(&self, mut text: Vec<u8>, others: &[&[u8]]) -> Vec<u8> {
        for op in &self.bytes {
            apply_bytes(&mut text, op, others);
        }
        match self.gzip {
            None => text,
            Some(cut) => {
                let mut gz = gzip(&text);
                if let Some(n) = cut {
                    gz.truncate(n % (gz.len() + 1));
                }
                gz
            }
        }
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec does not fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn pick(tree: &Tree, at: usize) -> Vec<usize> {
    let paths = tree.paths();
    paths[at % paths.len()].clone()
}

fn apply_op(tree: &mut Tree, op: &Op) {
    match op {
        Op::Splice { at, from } => {
            let source = pick(tree, *from);
            let Some(copy) = tree.get(&source).cloned() else {
                return;
            };
            replace(tree, *at, copy);
        }
        Op::Drop { at, child } => edit(tree, *at, |node| match node {
            Tree::Arr(items) if !items.is_empty() => {
                items.remove(child % items.len());
            }
            Tree::Obj(members) if !members.is_empty() => {
                members.remove(child % members.len());
            }
            _ => {}
        }),
        Op::Duplicate { at, child } => edit(tree, *at, |node| match node {
            Tree::Arr(items) if !items.is_empty() => {
                let i = child % items.len();
                items.insert(i, items[i].clone());
            }
            Tree::Obj(members) if !members.is_empty() => {
                let i = child % members.len();
                // The same name twice, the second time with another value when there is one.
                let (name, _) = members[i].clone();
                let value = members[(i + 1) % members.len()].1.clone();
                members.push((name, value));
            }
            _ => {}
        }),
        Op::Rename { at, child, how } => edit(tree, *at, |node| {
            if let Tree::Obj(members) = node
                && !members.is_empty()
            {
                let i = child % members.len();
                let name = &mut members[i].0;
                *name = renamed(name, *how);
            }
        }),
        Op::Retype { at, to } => edit(tree, *at, |node| *node = retyped(node, *to)),
        Op::Text { at, pos, how } => edit(tree, *at, |node| {
            if let Tree::Str(s) = node {
                *s = tweaked(s, *pos, *how);
            }
        }),
        other => {
            let value = scalar(other);
            if let Some(at) = at_of(other) {
                replace(tree, at, value);
            }
        }
    }
}

fn at_of(op: &Op) -> Option<usize> {
    match op {
        Op::Null { at }
        | Op::Huge { at, .. }
        | Op::Deep { at, .. }
        | Op::Control { at, .. }
        | Op::BadUtf8 { at, .. }
        | Op::Number { at, .. }
        | Op::Yaml { at, .. } => Some(*at),
        _ => None,
    }
}

fn edit(tree: &mut Tree, at: usize, f: impl FnOnce(&mut Tree)) {
    let path = pick(tree, at);
    if let Some(node) = tree.get_mut(&path) {
        f(node);
    }
}

fn replace(tree: &mut Tree, at: usize, value: Tree) {
    edit(tree, at, |node| *node = value);
}

/// The new value of the ops that replace a node whatever it was.
fn scalar(op: &Op) -> Tree {
    match op {
        Op::Huge { len, wide, .. } => {
            let unit = if *wide { "é🦀" } else { "A" };
            Tree::Str(unit.repeat(len / unit.len().max(1) + usize::from(*len > 0)))
        }
        Op::Deep { depth, objects, .. } => {
            let mut node = Tree::Str("deep".into());
            for _ in 0..*depth {
                node = if *objects {
                    Tree::Obj(vec![("a".into(), node)])
                } else {
                    Tree::Arr(vec![node])
                };
            }
            node
        }
        Op::Control { ch, raw, .. } => {
            let c = char::from(*ch);
            if *raw {
                let mut bytes = b"\"a".to_vec();
                bytes.push(*ch);
                bytes.extend_from_slice(b"b\"");
                Tree::Raw(bytes)
            } else {
                Tree::Str(format!("a{c}b"))
            }
        }
        Op::BadUtf8 { which, .. } => Tree::Raw(match which {
            0 => b"\"\xff\xfe\"".to_vec(),
            1 => b"\"caf\xc3\"".to_vec(),
            2 => b"\"\\ud800\"".to_vec(),
            3 => b"\"\xed\xa0\x80\"".to_vec(),
            _ => b"\"\\udc00\\ud800x\"".to_vec(),
        }),
        Op::Number { which, .. } => Tree::Num(
            match which {
                0 => "1e999",
                1 => "-1",
                2 => "18446744073709551616",
                3 => "-9223372036854775809",
                4 => "1.5",
                5 => "0",
                6 => "9007199254740993",
                7 => "-0",
                8 => "1e-999",
                9 => "4294967296",
                10 => "123456789012345678901234567890123456789012345678901234567890",
                _ => "-1.0e308",
            }
            .to_owned(),
        ),
        Op::Yaml { which, .. } => Tree::Raw(yaml_construct(*which).to_vec()),
        _ => Tree::Null,
    }
}

fn yaml_construct(which: u8) -> &'static [u8] {
    match which {
        // Aliases that expand to 9^6 nodes: bounded by the parser or not at all.
        0 => {
            b"[&a [x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], \
            &c [*b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c], \
            &e [*d, *d, *d, *d, *d, *d, *d, *d, *d], [*e, *e, *e, *e, *e, *e, *e, *e, *e]]"
        }
        1 => b"*undefined",
        2 => b"!!binary aGVsbG8=",
        3 => b"{? [a, b] : c}",
        4 => b"!custom {a: 1}",
        5 => b"\"\ttab\"",
        6 => b"{a: 1, a: 2}",
        _ => b"[&x a, *x, {<<: {b: 2}}]",
    }
}

fn retyped(node: &Tree, to: u8) -> Tree {
    match to {
        0 => Tree::Null,
        1 => Tree::Bool(!matches!(node, Tree::Bool(true))),
        2 => Tree::Num("7".into()),
        3 => Tree::Str("x".into()),
        4 => match node {
            Tree::Obj(members) => Tree::Arr(members.iter().map(|(_, v)| v.clone()).collect()),
            other => Tree::Arr(vec![other.clone()]),
        },
        5 => match node {
            Tree::Arr(items) => Tree::Obj(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v.clone()))
                    .collect(),
            ),
            other => Tree::Obj(vec![("value".into(), other.clone())]),
        },
        _ => match node {
            Tree::Num(n) => Tree::Str(n.clone()),
            Tree::Bool(b) => Tree::Str(b.to_string()),
            Tree::Null => Tree::Str("null".into()),
            Tree::Str(s) if serde_json::from_str::<serde_json::Number>(s).is_ok() => {
                Tree::Num(s.clone())
            }
            Tree::Str(s) => Tree::Str(s.to_uppercase()),
            other => other.clone(),
        },
    }
}

fn renamed(name: &str, how: u8) -> String {
    match how {
        0 => name.to_lowercase(),
        1 => name.to_uppercase(),
        2 => format!("{name}x"),
        3 => String::new(),
        _ => format!(" {name}"),
    }
}

fn tweaked(s: &str, pos: usize, how: u8) -> String {
    let boundaries: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    let at = boundaries[pos % boundaries.len()];
    match how {
        0 => s[..at].to_owned(),
        1 => format!("{}é{}", &s[..at], &s[at..]),
        2 => format!("{}🦀{}", &s[..at], &s[at..]),
        3 => String::new(),
        4 => format!("{}:{}", &s[..at], &s[at..]),
        _ => format!("{}/{}", &s[..at], &s[at..]),
    }
}

fn apply_bytes(text: &mut Vec<u8>, op: &ByteOp, others: &[&[u8]]) {
    match op {
        ByteOp::Truncate { at } => text.truncate(at % (text.len() + 1)),
        ByteOp::Flip { at, xor } => {
            if !text.is_empty() {
                let i = at % text.len();
                text[i] ^= xor;
            }
        }
        ByteOp::Insert { at, bytes } => {
            let i = at % (text.len() + 1);
            text.splice(i..i, bytes.iter().copied());
        }
        ByteOp::Delete { at, len } => {
            let i = at % (text.len() + 1);
            let end = (i + len).min(text.len());
            text.drain(i..end);
        }
        ByteOp::Concat { other, newline } => {
            if !others.is_empty() {
                if *newline {
                    text.push(b'\n');
                }
                text.extend_from_slice(others[other % others.len()]);
            }
        }
    }
}
