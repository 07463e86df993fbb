//! A record parsed for the fields an analysis reads, and nothing else: the analyses of KMS
//! and upload records look at a dozen fields of records a log holds by the hundred thousand,
//! and a whole `serde_json::Value` per record costs several times the parse.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The fields kept, as a tree of names: a leaf keeps its value whole. An array is
/// transparent: the fields apply to each element (`resources/ARN` keeps the `ARN` of every
/// entry of `resources`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fields {
    names: Vec<(String, Option<Fields>)>,
}

impl Fields {
    /// The fields named by `/`-separated paths (`userIdentity/arn`, `eventTime`); a path
    /// that is a prefix of another keeps its value whole.
    pub fn of<'p>(paths: impl IntoIterator<Item = &'p str>) -> Fields {
        let mut fields = Fields::default();
        for path in paths {
            fields.add(path.trim_start_matches('/').split('/'));
        }
        fields
    }

    /// Adds the field at a path given as its names (`["userIdentity", "arn"]`).
    pub fn add_path<'p>(&mut self, names: impl IntoIterator<Item = &'p str>) {
        self.add(names.into_iter());
    }

    fn add<'p>(&mut self, mut tokens: impl Iterator<Item = &'p str>) {
        let Some(first) = tokens.next() else { return };
        let rest: Vec<&str> = tokens.collect();
        let slot = match self.names.iter().position(|(n, _)| n == first) {
            Some(i) => &mut self.names[i].1,
            None => {
                let sub = (!rest.is_empty()).then(Fields::default);
                self.names.push((first.to_owned(), sub));
                &mut self.names.last_mut().expect("just pushed").1
            }
        };
        match slot {
            // Already whole: stays whole.
            None => {}
            Some(_) if rest.is_empty() => *slot = None,
            Some(sub) => sub.add(rest.into_iter()),
        }
    }

    /// Adds every field of `other`.
    pub fn extend(&mut self, other: &Fields) {
        for path in other.paths() {
            self.add(path.iter().map(String::as_str));
        }
    }

    /// Every kept path, as its names.
    pub fn paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (name, sub) in &self.names {
            match sub {
                None => out.push(vec![name.clone()]),
                Some(sub) => out.extend(sub.paths().into_iter().map(|mut p| {
                    p.insert(0, name.clone());
                    p
                })),
            }
        }
        out
    }

    /// Whether the field `key` is kept, whole or in part.
    pub fn keeps(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    /// The field `key`, whose value is the JSON text `raw`, as kept: `None` when it is not.
    pub fn parse_field(&self, key: &str, raw: &str) -> Result<Option<Value>, serde_json::Error> {
        match self.find(key) {
            None => Ok(None),
            Some(None) => serde_json::from_str(raw).map(Some),
            Some(Some(sub)) => sub.parse(raw).map(Some),
        }
    }

    fn find(&self, key: &str) -> Option<&Option<Fields>> {
        self.names
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, sub)| sub)
    }

    /// Parses `text`, one JSON value, keeping these fields. A syntax error is serde_json's.
    pub fn parse(&self, text: &str) -> Result<Value, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Project(self).deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }
}

/// Deserializes a value keeping the fields of a [`Fields`].
struct Project<'f>(&'f Fields);

impl<'de> DeserializeSeed<'de> for Project<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A key of a projected object: which of the fields it is, if any.
struct Key<'f>(&'f Fields);

impl<'de, 'f> DeserializeSeed<'de> for Key<'f> {
    type Value = Option<(String, &'f Option<Fields>)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'f> Visitor<'de> for Key<'f> {
    type Value = Option<(String, &'f Option<Fields>)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.find(key).map(|sub| (key.to_owned(), sub)))
    }
}

impl<'de> Visitor<'de> for Project<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            match key {
                Some((name, None)) => {
                    out.insert(name, map.next_value()?);
                }
                Some((name, Some(sub))) => {
                    out.insert(name, map.next_value_seed(Project(sub))?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Project(self.0))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project(paths: &[&str], text: &str) -> Value {
        Fields::of(paths.iter().copied())
            .parse(text)
            .expect("parses")
    }

    #[test]
    fn keeps_named_fields_and_drops_the_rest() {
        let record = r#"{"eventName":"Decrypt","userIdentity":{"arn":"a","sessionContext":{"x":1}},
            "resources":[{"ARN":"k","type":"AWS::KMS::Key"},{"ARN":"j"}],"tlsDetails":{"v":"1.3"},
            "requestParameters":{"encryptionContext":{"aws:ebs:id":"vol-1"},"keyId":"k"}}"#;
        let v = project(
            &[
                "eventName",
                "userIdentity/arn",
                "resources/ARN",
                "requestParameters",
            ],
            record,
        );
        assert_eq!(
            v,
            json!({"eventName": "Decrypt", "userIdentity": {"arn": "a"},
                "resources": [{"ARN": "k"}, {"ARN": "j"}],
                "requestParameters": {"encryptionContext": {"aws:ebs:id": "vol-1"}, "keyId": "k"}})
        );
    }

    #[test]
    fn a_shorter_path_keeps_the_value_whole() {
        let f = Fields::of(["userIdentity/arn", "userIdentity"]);
        assert_eq!(f, Fields::of(["userIdentity"]));
        let v = project(
            &["userIdentity", "userIdentity/arn"],
            r#"{"userIdentity":{"arn":"a","type":"Root"}}"#,
        );
        assert_eq!(v, json!({"userIdentity": {"arn": "a", "type": "Root"}}));
    }

    #[test]
    fn scalars_of_every_type_and_escaped_keys_survive() {
        let v = project(
            &["a", "b", "c", "d", "e", "f", "k\"ey"],
            r#"{"a":1,"b":-2,"c":1.5,"d":null,"e":true,"f":"x\u00e9","k\"ey":"q","g":[1,{"a":2}]}"#,
        );
        assert_eq!(
            v,
            json!({"a": 1, "b": -2, "c": 1.5, "d": null, "e": true, "f": "xé", "k\"ey": "q"})
        );
    }

    #[test]
    fn broken_json_is_an_error_not_a_partial_value() {
        let f = Fields::of(["a"]);
        assert!(f.parse(r#"{"a":1,"b":[1,2}"#).is_err());
        assert!(f.parse(r#"{"a":"#).is_err());
        assert!(f.parse(r#"{"a":1} 2"#).is_err());
    }

    #[test]
    fn extend_unions_the_trees() {
        let mut f = Fields::of(["a/b"]);
        f.extend(&Fields::of(["a/c", "d"]));
        assert_eq!(f, Fields::of(["a/b", "a/c", "d"]));
    }
}
