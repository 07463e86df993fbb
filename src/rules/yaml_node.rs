//! A YAML value that remembers where each of its nodes and map keys was written, so that an
//! error found after parsing (an unknown field path, a bad modifier) names its line and
//! column. Converted to JSON where the position is no longer needed.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

/// A 1-based line and column; `0:0` when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// Where a value is used (for an alias, the alias rather than its anchor).
    pub fn of<T>(spanned: &Spanned<T>) -> Pos {
        Pos {
            line: usize::try_from(spanned.referenced.line()).unwrap_or(0),
            column: usize::try_from(spanned.referenced.column()).unwrap_or(0),
        }
    }

    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// Something wrong at a place in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub at: Pos,
    pub message: String,
    /// Valid Sigma that atrest does not implement (the rule is skipped with a warning),
    /// rather than a mistake in the rule.
    pub unsupported: bool,
}

impl Located {
    pub fn new(at: Pos, message: impl Into<String>) -> Located {
        Located {
            at,
            message: message.into(),
            unsupported: false,
        }
    }

    pub fn unsupported(at: Pos, message: impl Into<String>) -> Located {
        Located {
            unsupported: true,
            ..Located::new(at, message)
        }
    }

    /// The same error, its message prefixed with what contains it (`selection `s`: `).
    pub fn within(self, context: &str) -> Located {
        Located {
            message: format!("{context}{}", self.message),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Pos,
    pub tree: Tree,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    /// Null, a boolean, a number or a string, as JSON.
    Scalar(Value),
    Seq(Vec<Node>),
    /// Keys in sorted order, as a JSON object holds them: selections and field tests are
    /// compiled in that order, which decides the field a finding points at first.
    Map(BTreeMap<String, Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where the key is written.
    pub key_at: Pos,
    pub node: Node,
}

impl Node {
    pub fn to_value(&self) -> Value {
        match &self.tree {
            Tree::Scalar(v) => v.clone(),
            Tree::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Tree::Map(map) => Value::Object(
                map.iter()
                    .map(|(k, e)| (k.clone(), e.node.to_value()))
                    .collect(),
            ),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.tree {
            Tree::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        let spanned = Spanned::<Tree>::deserialize(deserializer)?;
        Ok(Node {
            at: Pos::of(&spanned),
            tree: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        // As serde_json does: a non-finite number becomes null.
        Ok(Tree::Scalar(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Tree, D::Error> {
        Tree::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let node = map.next_value::<Node>()?;
            let key_at = Pos::of(&key);
            entries.insert(key.value, Entry { key_at, node });
        }
        Ok(Tree::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Node {
        serde_saphyr::from_str(text).expect("parses")
    }

    #[test]
    fn keys_and_values_keep_their_positions() {
        let node = parse("sel:\n  KmsKey.KeySate: [a, 2]\n  other: {x: null}\ncondition: sel\n");
        let Tree::Map(top) = &node.tree else {
            panic!("a map")
        };
        let sel = &top["sel"];
        assert_eq!(sel.key_at, Pos { line: 1, column: 1 });
        let Tree::Map(fields) = &sel.node.tree else {
            panic!("a map")
        };
        let typo = &fields["KmsKey.KeySate"];
        assert_eq!(typo.key_at, Pos { line: 2, column: 3 });
        let Tree::Seq(items) = &typo.node.tree else {
            panic!("a list")
        };
        assert_eq!(
            items[1].at,
            Pos {
                line: 2,
                column: 23
            }
        );
        assert_eq!(
            top["condition"].node.at,
            Pos {
                line: 4,
                column: 12
            }
        );
        assert_eq!(
            node.to_value(),
            json!({"sel": {"KmsKey.KeySate": ["a", 2], "other": {"x": null}}, "condition": "sel"})
        );
    }

    #[test]
    fn json_is_read_as_yaml() {
        let v = json!({"a": [1, -2, 2.5, true, "x", null, {"b": []}]});
        assert_eq!(parse(&v.to_string()).to_value(), v);
    }
}
