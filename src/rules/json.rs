//! A value a rule looks at, wherever it is held: in a `serde_json::Value` (a CloudTrail
//! record, a rule's test input) or in a resource's compact document. Patterns and paths
//! read both through this one view, so a rule means the same on either.

use serde_json::Value;

use crate::model::document::{Items, Members, Node};

#[derive(Clone, Copy, Debug)]
pub enum Json<'a> {
    Tree(&'a Value),
    Node(Node<'a>),
}

impl<'a> Json<'a> {
    pub fn is_null(self) -> bool {
        match self {
            Json::Tree(v) => v.is_null(),
            Json::Node(n) => n.is_null(),
        }
    }

    pub fn is_array(self) -> bool {
        match self {
            Json::Tree(v) => v.is_array(),
            Json::Node(n) => n.is_array(),
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Json::Tree(v) => v.as_str(),
            Json::Node(n) => n.as_str(),
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self {
            Json::Tree(v) => v.as_bool(),
            Json::Node(n) => n.as_bool(),
        }
    }

    /// A number's value as a float.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Json::Tree(v) => v.as_f64(),
            Json::Node(n) => n.as_f64(),
        }
    }

    /// A number as JSON writes it (`8`, `-3`, `0.25`).
    pub fn number_text(self) -> Option<String> {
        match self {
            Json::Tree(Value::Number(n)) => Some(n.to_string()),
            Json::Node(n) => n.as_number().map(|n| n.to_string()),
            Json::Tree(_) => None,
        }
    }

    /// The member `name` of an object.
    pub fn get(self, name: &str) -> Option<Json<'a>> {
        match self {
            Json::Tree(v) => v.get(name).map(Json::Tree),
            Json::Node(n) => n.get(name).map(Json::Node),
        }
    }

    /// An array's elements (none for other values).
    pub fn items(self) -> JsonItems<'a> {
        match self {
            Json::Tree(Value::Array(items)) => JsonItems::Tree(items.iter()),
            Json::Node(n) => JsonItems::Node(n.items()),
            Json::Tree(_) => JsonItems::Tree([].iter()),
        }
    }

    /// An object's member values (none for other values).
    pub fn values(self) -> JsonValues<'a> {
        match self {
            Json::Tree(Value::Object(map)) => JsonValues::Tree(Some(map.values())),
            Json::Tree(_) => JsonValues::Tree(None),
            Json::Node(n) => JsonValues::Node(n.members()),
        }
    }

    /// A copy as a `serde_json::Value`.
    pub fn to_value(self) -> Value {
        match self {
            Json::Tree(v) => v.clone(),
            Json::Node(n) => n.to_value(),
        }
    }

    /// The value's JSON text.
    pub fn to_text(self) -> String {
        match self {
            Json::Tree(v) => v.to_string(),
            Json::Node(n) => serde_json::to_string(&n).unwrap_or_default(),
        }
    }
}

pub enum JsonItems<'a> {
    Tree(std::slice::Iter<'a, Value>),
    Node(Items<'a>),
}

impl<'a> Iterator for JsonItems<'a> {
    type Item = Json<'a>;

    fn next(&mut self) -> Option<Json<'a>> {
        match self {
            JsonItems::Tree(it) => it.next().map(Json::Tree),
            JsonItems::Node(it) => it.next().map(Json::Node),
        }
    }
}

pub enum JsonValues<'a> {
    Tree(Option<serde_json::map::Values<'a>>),
    Node(Members<'a>),
}

impl<'a> Iterator for JsonValues<'a> {
    type Item = Json<'a>;

    fn next(&mut self) -> Option<Json<'a>> {
        match self {
            JsonValues::Tree(it) => it.as_mut()?.next().map(Json::Tree),
            JsonValues::Node(it) => it.next().map(|(_, v)| Json::Node(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Document;

    /// The same value read from a tree and from a document answers alike.
    #[test]
    fn both_holders_read_alike() {
        let v = json!({"s": "x", "n": 8, "f": 0.5, "b": true, "z": null,
                       "a": [1, "two"], "o": {"k": "v"}});
        let Value::Object(map) = &v else {
            unreachable!()
        };
        let doc = Document::from_map(map).expect("small");
        let tree = Json::Tree(&v);
        let node = Json::Node(doc.root());
        for key in ["s", "n", "f", "b", "z", "a", "o", "missing"] {
            let (t, n) = (tree.get(key), node.get(key));
            assert_eq!(t.is_some(), n.is_some(), "{key}");
            let (Some(t), Some(n)) = (t, n) else { continue };
            assert_eq!(t.is_null(), n.is_null(), "{key}");
            assert_eq!(t.is_array(), n.is_array(), "{key}");
            assert_eq!(t.as_str(), n.as_str(), "{key}");
            assert_eq!(t.as_bool(), n.as_bool(), "{key}");
            assert_eq!(t.as_f64(), n.as_f64(), "{key}");
            assert_eq!(t.number_text(), n.number_text(), "{key}");
            assert_eq!(t.to_value(), n.to_value(), "{key}");
            assert_eq!(t.to_text(), n.to_text(), "{key}");
            let ti: Vec<Value> = t.items().map(Json::to_value).collect();
            let ni: Vec<Value> = n.items().map(Json::to_value).collect();
            assert_eq!(ti, ni, "{key}");
            let tv: Vec<Value> = t.values().map(Json::to_value).collect();
            let nv: Vec<Value> = n.values().map(Json::to_value).collect();
            assert_eq!(tv, nv, "{key}");
        }
    }
}
