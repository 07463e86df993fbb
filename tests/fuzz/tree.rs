//! A document tree that can hold what a parsed `serde_json::Value` cannot: duplicate members
//! and raw bytes (invalid UTF-8, raw control characters, numbers out of range, flow-style
//! YAML). Mutations work on it; it is written back as JSON or as block-style YAML.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    /// A number as written.
    Num(String),
    Str(String),
    Arr(Vec<Tree>),
    /// Members in order; a name may repeat.
    Obj(Vec<(String, Tree)>),
    /// Written as is, unchecked.
    Raw(Vec<u8>),
}

impl From<&Value> for Tree {
    fn from(v: &Value) -> Tree {
        match v {
            Value::Null => Tree::Null,
            Value::Bool(b) => Tree::Bool(*b),
            Value::Number(n) => Tree::Num(n.to_string()),
            Value::String(s) => Tree::Str(s.clone()),
            Value::Array(a) => Tree::Arr(a.iter().map(Tree::from).collect()),
            Value::Object(o) => {
                Tree::Obj(o.iter().map(|(k, v)| (k.clone(), Tree::from(v))).collect())
            }
        }
    }
}

impl Tree {
    /// Every node as its path of child indexes, parents before children.
    pub fn paths(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.collect(&mut path, &mut out);
        out
    }

    fn collect(&self, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(path.clone());
        let children: Vec<&Tree> = match self {
            Tree::Arr(items) => items.iter().collect(),
            Tree::Obj(members) => members.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        for (i, child) in children.into_iter().enumerate() {
            path.push(i);
            child.collect(path, out);
            path.pop();
        }
    }

    pub fn get(&self, path: &[usize]) -> Option<&Tree> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            Tree::Arr(items) => items.get(*first)?.get(rest),
            Tree::Obj(members) => members.get(*first)?.1.get(rest),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, path: &[usize]) -> Option<&mut Tree> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            Tree::Arr(items) => items.get_mut(*first)?.get_mut(rest),
            Tree::Obj(members) => members.get_mut(*first)?.1.get_mut(rest),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Tree::Null => out.extend_from_slice(b"null"),
            Tree::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Tree::Num(n) => out.extend_from_slice(n.as_bytes()),
            Tree::Str(s) => quote(s, out),
            Tree::Raw(bytes) => out.extend_from_slice(bytes),
            Tree::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
            Tree::Obj(members) => {
                out.push(b'{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    quote(k, out);
                    out.push(b':');
                    v.write_json(out);
                }
                out.push(b'}');
            }
        }
    }

    /// Block-style YAML; strings double-quoted with JSON escapes (valid YAML escapes).
    pub fn to_yaml(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Tree::Arr(items) if !items.is_empty() => self.write_yaml_block(0, &mut out),
            Tree::Obj(members) if !members.is_empty() => self.write_yaml_block(0, &mut out),
            _ => {
                self.write_yaml_inline(&mut out);
                out.push(b'\n');
            }
        }
        out
    }

    fn is_block(&self) -> bool {
        match self {
            Tree::Arr(items) => !items.is_empty(),
            Tree::Obj(members) => !members.is_empty(),
            _ => false,
        }
    }

    fn write_yaml_inline(&self, out: &mut Vec<u8>) {
        match self {
            Tree::Arr(_) => out.extend_from_slice(b"[]"),
            Tree::Obj(_) => out.extend_from_slice(b"{}"),
            _ => self.write_json(out),
        }
    }

    fn write_yaml_block(&self, indent: usize, out: &mut Vec<u8>) {
        let pad = " ".repeat(indent);
        match self {
            Tree::Arr(items) => {
                for item in items {
                    out.extend_from_slice(pad.as_bytes());
                    out.extend_from_slice(b"-");
                    item.write_yaml_value(indent + 2, out);
                }
            }
            Tree::Obj(members) => {
                for (k, v) in members {
                    out.extend_from_slice(pad.as_bytes());
                    quote(k, out);
                    out.push(b':');
                    v.write_yaml_value(indent + 2, out);
                }
            }
            _ => {}
        }
    }

    /// A value after `key:` or `-`: on the same line, or the block below.
    fn write_yaml_value(&self, indent: usize, out: &mut Vec<u8>) {
        if self.is_block() {
            out.push(b'\n');
            self.write_yaml_block(indent, out);
        } else {
            out.push(b' ');
            self.write_yaml_inline(out);
            out.push(b'\n');
        }
    }
}

fn quote(s: &str, out: &mut Vec<u8>) {
    match serde_json::to_string(s) {
        Ok(q) => out.extend_from_slice(q.as_bytes()),
        Err(_) => out.extend_from_slice(b"\"\""),
    }
}

#[test]
fn json_and_yaml_round_trip() {
    let v: Value = serde_json::json!({"a": [1, {"b": "x\u{1}y"}, []], "c": {}, "d": null});
    let tree = Tree::from(&v);
    let back: Value = serde_json::from_slice(&tree.to_json()).expect("json");
    assert_eq!(back, v);
    let yaml = tree.to_yaml();
    let text = String::from_utf8(yaml).expect("utf-8");
    let back: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, v);
    assert_eq!(tree.paths().len(), 8);
}
