//! The fields of a CloudTrail record that the analyses read (the key timeline, the KMS
//! activity table, uploads without SSE-KMS), borrowed from the log's text wherever it can
//! be: a log holds KMS calls by the hundred thousand, and building a `serde_json::Value` of
//! each costs more than reading it.
//!
//! Every field is lenient: a value of another type than the analyses expect reads as absent,
//! as `Value::as_str` has it, so that a hostile record cannot make the analyses fail.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::model::{Event, Head};

/// A string field: its text (`None` when absent, null or not a string) and whether it was
/// there and not null, whatever its type.
#[derive(Debug, Default, Clone)]
pub struct Text<'a> {
    value: Option<Cow<'a, str>>,
    present: bool,
}

impl<'a> Text<'a> {
    /// The text, when the field is a non-empty string.
    pub fn get(&self) -> Option<&str> {
        self.value.as_deref().filter(|s| !s.is_empty())
    }

    /// The text, when the field is a string (empty or not).
    pub fn any(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The field is there and not null (an `errorCode` of any type is an error).
    pub fn present(&self) -> bool {
        self.present
    }

    fn of(value: &Option<Cow<'a, str>>) -> Self {
        Text {
            value: value.clone(),
            present: value.is_some(),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text {
                    value: Some(Cow::Borrowed(v)),
                    present: true,
                })
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text {
                    value: Some(Cow::Owned(v.to_owned())),
                    present: true,
                })
            }
            fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::default())
            }
            fn visit_none<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
                Ok(other())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
                Ok(other())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
                Ok(other())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
                Ok(other())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(other())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(other())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

fn other<'a>() -> Text<'a> {
    Text {
        value: None,
        present: true,
    }
}

/// An unsigned number field (`None` when absent or of another type).
#[derive(Debug, Default, Clone, Copy)]
pub struct Count(pub Option<u64>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Count(Value::deserialize(d)?.as_u64()))
    }
}

/// The visits of scalars (strings, numbers, booleans, null) for a lenient container type:
/// each reads as the type's default.
macro_rules! scalars_read_as_default {
    ($t:ty) => {
        fn visit_borrowed_str<E>(self, _: &'de str) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_str<E>(self, _: &str) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_bool<E>(self, _: bool) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_i64<E>(self, _: i64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_u64<E>(self, _: u64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_f64<E>(self, _: f64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_unit<E>(self) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_none<E>(self) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
}

/// An object field read as `T`; anything else reads as `T::default()`.
#[derive(Debug, Default, Clone)]
pub struct Lax<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lax<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Lax<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lax<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Lax)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lax<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lax::default())
            }
            scalars_read_as_default!(Lax<T>);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An array field whose elements are read as `T` (an element that is not an object reads as
/// `T::default()`); anything else reads as empty.
#[derive(Debug, Default, Clone)]
pub struct List<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(Lax(item)) = seq.next_element::<Lax<T>>()? {
                    out.push(item);
                }
                Ok(List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List::default())
            }
            scalars_read_as_default!(List<T>);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The string values of an object, by key, in order (`encryptionContext`).
#[derive(Debug, Default, Clone)]
pub struct Pairs<'a>(pub Vec<(Cow<'a, str>, Text<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Pairs<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<'a>, A::Error> {
                let mut out: Vec<(Cow<'a, str>, Text<'a>)> = Vec::new();
                while let Some(Text {
                    value: Some(key), ..
                }) = map.next_key::<Text>()?
                {
                    let value: Text = map.next_value()?;
                    // A repeated key: the last one counts, as in a parsed object.
                    out.retain(|(k, _)| *k != key);
                    out.push((key, value));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Identity<'a> {
    #[serde(borrow)]
    pub arn: Text<'a>,
    #[serde(rename = "invokedBy", borrow)]
    pub invoked_by: Text<'a>,
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(rename = "principalId", borrow)]
    pub principal_id: Text<'a>,
    #[serde(rename = "accountId", borrow)]
    pub account_id: Text<'a>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Request<'a> {
    #[serde(rename = "keyId", borrow)]
    pub key_id: Text<'a>,
    #[serde(rename = "targetKeyId", borrow)]
    pub target_key_id: Text<'a>,
    #[serde(rename = "destinationKeyId", borrow)]
    pub destination_key_id: Text<'a>,
    #[serde(rename = "aliasName", borrow)]
    pub alias_name: Text<'a>,
    #[serde(rename = "pendingWindowInDays")]
    pub pending_window_in_days: Count,
    #[serde(rename = "encryptionContext", borrow)]
    pub encryption_context: Lax<Pairs<'a>>,
    #[serde(rename = "bucketName", borrow)]
    pub bucket_name: Text<'a>,
    #[serde(borrow)]
    pub key: Text<'a>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct KeyMetadata<'a> {
    #[serde(borrow)]
    pub arn: Text<'a>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Response<'a> {
    #[serde(rename = "keyId", borrow)]
    pub key_id: Text<'a>,
    #[serde(rename = "keyMetadata", borrow)]
    pub key_metadata: Lax<KeyMetadata<'a>>,
    #[serde(rename = "pendingWindowInDays")]
    pub pending_window_in_days: Count,
    #[serde(rename = "deletionDate", borrow)]
    pub deletion_date: Text<'a>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Resource<'a> {
    #[serde(rename = "ARN", borrow)]
    pub arn: Text<'a>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Additional<'a> {
    #[serde(rename = "SSEApplied", borrow)]
    pub sse_applied: Text<'a>,
}

/// The fields of a record the analyses read.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Record<'a> {
    #[serde(rename = "eventSource", borrow)]
    pub event_source: Text<'a>,
    #[serde(rename = "eventName", borrow)]
    pub event_name: Text<'a>,
    #[serde(rename = "eventTime", borrow)]
    pub event_time: Text<'a>,
    #[serde(rename = "eventID", borrow)]
    pub event_id: Text<'a>,
    #[serde(rename = "awsRegion", borrow)]
    pub aws_region: Text<'a>,
    #[serde(rename = "recipientAccountId", borrow)]
    pub recipient_account_id: Text<'a>,
    #[serde(rename = "errorCode", borrow)]
    pub error_code: Text<'a>,
    #[serde(rename = "sourceIPAddress", borrow)]
    pub source_ip_address: Text<'a>,
    #[serde(rename = "userIdentity", borrow)]
    pub user_identity: Lax<Identity<'a>>,
    #[serde(rename = "requestParameters", borrow)]
    pub request_parameters: Lax<Request<'a>>,
    #[serde(rename = "responseElements", borrow)]
    pub response_elements: Lax<Response<'a>>,
    #[serde(borrow)]
    pub resources: List<Resource<'a>>,
    #[serde(rename = "additionalEventData", borrow)]
    pub additional_event_data: Lax<Additional<'a>>,
}

impl<'a> Record<'a> {
    /// The record of an event: from the raw fields of its head when the reader kept them,
    /// else from its parsed value.
    pub fn of(event: &Event<'a>) -> Record<'a> {
        if let Some(head) = event.head
            && let Some(record) = Record::from_head(head)
        {
            return record;
        }
        Record::from_value(event.record)
    }

    /// From a parsed record (a value of another shape reads as empty).
    pub fn from_value(value: &'a Value) -> Record<'a> {
        Record::deserialize(value).unwrap_or_default()
    }

    /// From a head and its raw fields; `None` if one of them does not parse (it was checked
    /// when the head was read, so this does not happen).
    pub fn from_head(head: &Head<'a>) -> Option<Record<'a>> {
        let mut r = Record {
            event_source: Text::of(&head.event_source),
            event_name: Text::of(&head.event_name),
            event_time: Text::of(&head.event_time),
            aws_region: Text::of(&head.aws_region),
            recipient_account_id: Text::of(&head.recipient_account_id),
            ..Record::default()
        };
        fn parse<'a, T: Deserialize<'a>>(raw: &'a serde_json::value::RawValue) -> Option<T> {
            serde_json::from_str(raw.get()).ok()
        }
        // A repeated key: the last one counts, as in a parsed object.
        for (key, raw) in &head.rest {
            match key.as_ref() {
                "eventID" => r.event_id = parse(raw)?,
                "errorCode" => r.error_code = parse(raw)?,
                "sourceIPAddress" => r.source_ip_address = parse(raw)?,
                "userIdentity" => r.user_identity = parse(raw)?,
                "requestParameters" => r.request_parameters = parse(raw)?,
                "responseElements" => r.response_elements = parse(raw)?,
                "resources" => r.resources = parse(raw)?,
                "additionalEventData" => r.additional_event_data = parse(raw)?,
                _ => {}
            }
        }
        Some(r)
    }

    pub fn identity(&self) -> &Identity<'a> {
        &self.user_identity.0
    }

    pub fn request(&self) -> &Request<'a> {
        &self.request_parameters.0
    }

    pub fn response(&self) -> &Response<'a> {
        &self.response_elements.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn head_of(text: &str) -> Head<'_> {
        serde_json::from_str(text).expect("a head")
    }

    #[test]
    fn from_raw_fields_and_from_a_value_agree() {
        let text = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/s","accountId":"1","sessionContext":{"a":{"b":[1,2]}}},
            "eventTime":"2026-11-20T14:00:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"us-east-1",
            "sourceIPAddress":"ec2.amazonaws.com","requestParameters":{"encryptionContext":{"aws:ebs:id":"vol-1","x":2},"keyId":"k\u00e9"},
            "responseElements":null,"resources":[{"ARN":"arn:aws:kms:us-east-1:1:key/k","type":"AWS::KMS::Key"},7],
            "eventID":"e-1","recipientAccountId":"1","errorCode":"DisabledException"}"#;
        let value: Value = serde_json::from_str(text).expect("json");
        let head = head_of(text);
        for r in [
            Record::from_head(&head).expect("parses"),
            Record::from_value(&value),
        ] {
            assert_eq!(r.event_name.get(), Some("Decrypt"));
            assert_eq!(r.event_id.get(), Some("e-1"));
            assert_eq!(r.error_code.get(), Some("DisabledException"));
            assert_eq!(
                r.identity().arn.get(),
                Some("arn:aws:sts::1:assumed-role/r/s")
            );
            assert_eq!(r.identity().invoked_by.get(), None);
            assert_eq!(r.request().key_id.get(), Some("ké"));
            let context: Vec<(&str, Option<&str>)> = r
                .request()
                .encryption_context
                .0
                .0
                .iter()
                .map(|(k, v)| (k.as_ref(), v.get()))
                .collect();
            assert_eq!(context, [("aws:ebs:id", Some("vol-1")), ("x", None)]);
            let arns: Vec<Option<&str>> = r.resources.0.iter().map(|x| x.arn.get()).collect();
            assert_eq!(arns, [Some("arn:aws:kms:us-east-1:1:key/k"), None]);
            assert!(r.response().key_id.get().is_none());
        }
    }

    #[test]
    fn values_of_other_types_read_as_absent() {
        let value = json!({
            "eventName": 5, "errorCode": {"a": 1}, "userIdentity": "root",
            "requestParameters": [1], "resources": {"ARN": "x"},
            "responseElements": {"keyMetadata": "m", "pendingWindowInDays": "7", "keyId": ["k"]},
            "additionalEventData": {"SSEApplied": null}
        });
        let r = Record::from_value(&value);
        assert_eq!(r.event_name.get(), None);
        assert!(r.event_name.present());
        assert!(r.error_code.present() && r.error_code.get().is_none());
        assert!(r.identity().arn.get().is_none());
        assert!(r.request().key_id.get().is_none());
        assert!(r.resources.0.is_empty());
        assert!(r.response().key_metadata.0.arn.get().is_none());
        assert_eq!(r.response().pending_window_in_days.0, None);
        assert!(!r.additional_event_data.0.sse_applied.present());
    }
}
