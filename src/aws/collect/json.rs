//! Answers written from the SDK's types, member by member, in the CLI's names.

use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use serde_json::{Map, Value};

/// A JSON object built member by member; absent members are left out, as the CLI leaves
/// them out.
#[derive(Default)]
pub struct Obj(pub Map<String, Value>);

impl Obj {
    pub fn s(mut self, key: &str, value: Option<&str>) -> Obj {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), Value::String(v.to_owned()));
        }
        self
    }
    pub fn b(mut self, key: &str, value: Option<bool>) -> Obj {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), Value::Bool(v));
        }
        self
    }
    pub fn n(mut self, key: &str, value: Option<i32>) -> Obj {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), Value::from(v));
        }
        self
    }
    pub fn o(mut self, key: &str, value: Option<Obj>) -> Obj {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), Value::Object(v.0));
        }
        self
    }
    pub fn list(mut self, key: &str, items: Vec<Obj>) -> Obj {
        let list = items.into_iter().map(|o| Value::Object(o.0)).collect();
        self.0.insert(key.to_owned(), Value::Array(list));
        self
    }
    pub fn i64(mut self, key: &str, value: Option<i64>) -> Obj {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), Value::from(v));
        }
        self
    }
    /// A list member AWS may leave out (`Tags`): printed, even empty, when it was sent.
    pub fn maybe_list(self, key: &str, items: Option<Vec<Obj>>) -> Obj {
        match items {
            Some(items) => self.list(key, items),
            None => self,
        }
    }
    /// A list of strings, printed, even empty, when it was sent.
    pub fn strings(mut self, key: &str, values: Option<&Vec<String>>) -> Obj {
        if let Some(v) = values {
            let list = v.iter().map(|s| Value::String(s.clone())).collect();
            self.0.insert(key.to_owned(), Value::Array(list));
        }
        self
    }
    pub fn time(self, key: &str, value: Option<&DateTime>) -> Obj {
        let text = value.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok());
        self.s(key, text.as_deref())
    }
}
