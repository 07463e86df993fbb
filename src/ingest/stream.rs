//! Parsing a JSON document while streaming the records of a CloudTrail log out of it, one at
//! a time, so that memory holds one record, not the log. The same pass keeps every other
//! top-level member, so a configuration file is read by the same code.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Receives each streamed record with its index in the array.
pub type OnRecord<'a> = &'a mut dyn FnMut(usize, Value);

/// A top-level object: the members of `stream_key` (an array) go to `on_record`, the rest
/// are returned.
pub struct Object<'a, 'k> {
    pub stream_key: &'k str,
    pub on_record: OnRecord<'a>,
}

impl<'de> DeserializeSeed<'de> for Object<'_, '_> {
    type Value = Map<String, Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Object<'_, '_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == self.stream_key {
                let n = map.next_value_seed(Records {
                    on_record: &mut *self.on_record,
                })?;
                // Keep a trace of the streamed member, so the document still says what it holds.
                out.insert(key, Value::from(n));
            } else {
                out.insert(key, map.next_value()?);
            }
        }
        Ok(out)
    }
}

/// A JSON array whose elements are streamed; returns how many there were.
pub struct Records<'a> {
    pub on_record: OnRecord<'a>,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(record) = seq.next_element::<Value>()? {
            (self.on_record)(n, record);
            n += 1;
        }
        Ok(n)
    }

    /// `"Records": null` holds no records.
    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_records_and_keeps_the_rest() {
        let text = br#"{"a": 1, "Records": [{"eventName": "X"}, {"eventName": "Y"}], "b": [2]}"#;
        let mut seen = Vec::new();
        let mut on =
            |i: usize, v: Value| seen.push((i, v["eventName"].as_str().map(str::to_owned)));
        let mut de = serde_json::Deserializer::from_slice(text);
        let rest = Object {
            stream_key: "Records",
            on_record: &mut on,
        }
        .deserialize(&mut de)
        .expect("parses");
        assert_eq!(seen, vec![(0, Some("X".into())), (1, Some("Y".into()))]);
        assert_eq!(rest.get("a"), Some(&Value::from(1)));
        assert_eq!(rest.get("Records"), Some(&Value::from(2)));
    }

    #[test]
    fn records_before_an_error_are_kept() {
        let text = br#"{"Records": [{"eventName": "X"}, {"eventName": "Y"}, {"eventN"#;
        let mut n = 0;
        let mut on = |_: usize, _: Value| n += 1;
        let mut de = serde_json::Deserializer::from_slice(text);
        let err = Object {
            stream_key: "Records",
            on_record: &mut on,
        }
        .deserialize(&mut de)
        .expect_err("truncated");
        assert_eq!(n, 2);
        assert!(err.is_eof());
    }
}
