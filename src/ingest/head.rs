//! The head of a CloudTrail record: the few fields that decide, before the record is parsed
//! whole, whether it is left out by a filter, only counted, or read by the rules.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::project::Fields;
use super::stream::{self, Syntax};

pub use crate::model::Head;

/// Which field of the head a key is.
enum HeadKey<'a> {
    Source,
    Name,
    Time,
    Region,
    Account,
    Other(Cow<'a, str>),
}

impl<'de> Deserialize<'de> for HeadKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HeadKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<HeadKey<'de>, E> {
                Ok(HeadKey::of(v).unwrap_or(HeadKey::Other(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<HeadKey<'de>, E> {
                Ok(HeadKey::of(v).unwrap_or_else(|| HeadKey::Other(Cow::Owned(v.to_owned()))))
            }
        }
        d.deserialize_str(V)
    }
}

impl HeadKey<'_> {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "eventSource" => HeadKey::Source,
            "eventName" => HeadKey::Name,
            "eventTime" => HeadKey::Time,
            "awsRegion" => HeadKey::Region,
            "recipientAccountId" => HeadKey::Account,
            _ => return None,
        })
    }
}

/// A string, borrowed from the text when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Head<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Head<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CloudTrail record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head<'de>, A::Error> {
                let mut head = Head {
                    rest: Vec::with_capacity(32),
                    raw: true,
                    ..Head::default()
                };
                // A field of the head that is null counts as absent, as serde's `Option` has it.
                let text = |v: Option<Text<'de>>| v.map(|t| t.0);
                while let Some(key) = map.next_key::<HeadKey>()? {
                    match key {
                        HeadKey::Source => head.event_source = text(map.next_value()?),
                        HeadKey::Name => head.event_name = text(map.next_value()?),
                        HeadKey::Time => head.event_time = text(map.next_value()?),
                        HeadKey::Region => head.aws_region = text(map.next_value()?),
                        HeadKey::Account => head.recipient_account_id = text(map.next_value()?),
                        HeadKey::Other(k) => head.rest.push((k, map.next_value()?)),
                    }
                }
                Ok(head)
            }
        }
        d.deserialize_map(V)
    }
}

impl Head<'_> {
    /// The record, for `fields`: the head's own fields and the kept ones of the rest.
    fn record(&self, fields: &Fields) -> Result<Value, serde_json::Error> {
        let mut out = serde_json::Map::new();
        for (key, value) in self.own() {
            if let Some(v) = value
                && fields.keeps(key)
            {
                out.insert(key.to_owned(), Value::String(v.to_owned()));
            }
        }
        for (key, raw) in &self.rest {
            if let Some(value) = fields.parse_field(key, raw.get())? {
                out.insert(key.clone().into_owned(), value);
            }
        }
        Ok(Value::Object(out))
    }
}

/// What becomes of a record, decided from its [`Head`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Left out by a filter (`--since`, `--event-name`, ...): not an event of this scan.
    Skip,
    /// An event no rule or analysis reads: counted, not parsed whole.
    Count,
    /// Given its derived facts and handed to the rules, parsed for the fields they read
    /// ([`Select::read`]).
    Read,
    /// The same, parsed whole (a rule may search every string of it).
    Whole,
    /// Read by the analyses alone (no rule applies to it): parsed for the fields they read
    /// ([`Select::fields`]), without derived facts.
    Fold,
}

/// Decides what becomes of each record, and which of its fields are kept.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    pub take: &'a (dyn Fn(&Head) -> Take + Sync),
    /// The fields a record read by the rules keeps ([`Take::Read`]), by its head; `None`:
    /// all of them.
    pub read: Option<&'a dyn FieldsFor>,
}

/// The fields to keep of a record, by its head (`None`: all of them).
pub trait FieldsFor: Sync {
    fn fields_for(&self, head: &Head) -> Option<&Fields>;
}

impl Select<'_> {
    pub fn take(&self, head: &Head) -> Take {
        (self.take)(head)
    }
}

fn read(_: &Head) -> Take {
    Take::Read
}

/// Reads every record whole.
pub const READ_ALL: Select<'static> = Select {
    take: &read,
    read: None,
};

/// A record of `Records`: only its head, or the whole of it — `Read` when its head has
/// already said it is to be read, `Whole` when nothing was decided yet.
pub(super) enum Parsed<'t> {
    Head(Take),
    Read(Value),
    /// Parsed for the fields the rules decide by ([`Select::read`]).
    Rules(Value),
    /// Read by the analyses alone: its head, with the other fields raw ([`Take::Fold`]).
    Fold(Head<'t>),
    Whole(Value),
}

/// A record of `Records` read head first: its head decides; it is parsed whole only to be
/// read. A value whose head cannot be read (not an object, a field of the wrong type) is
/// parsed whole, and the one door decides what it is.
///
/// `utf8` is the text checked as UTF-8 (serde_json then need not check each string again).
pub(super) fn head_first<'t>(
    utf8: &'t str,
    start: usize,
    select: Select,
) -> Result<(Parsed<'t>, usize), Syntax> {
    let text = utf8.as_bytes();
    // Only an object has a head (serde would read a struct from an array too): anything
    // else goes to the one door whole, which reports it.
    if text.get(start) != Some(&b'{') {
        return whole(text, start);
    }
    let mut heads = serde_json::Deserializer::from_str(&utf8[start..]).into_iter::<Head>();
    if let Some(Ok(mut head)) = heads.next() {
        let end = start + heads.byte_offset();
        head.text = utf8.get(start..end);
        let project = |fields: &Fields| {
            head.record(fields)
                .map_err(|e| Syntax::from_serde(text, start, &e))
        };
        return match select.take(&head) {
            Take::Read => match select.read.and_then(|read| read.fields_for(&head)) {
                None => stream::value_at(text, start).map(|(v, end)| (Parsed::Read(v), end)),
                Some(fields) => project(fields).map(|v| (Parsed::Rules(v), end)),
            },
            Take::Whole => stream::value_at(text, start).map(|(v, end)| (Parsed::Read(v), end)),
            Take::Fold => Ok((Parsed::Fold(head), end)),
            take => Ok((Parsed::Head(take), end)),
        };
    }
    whole(text, start)
}

pub(super) fn whole(text: &[u8], start: usize) -> Result<(Parsed<'_>, usize), Syntax> {
    stream::value_at(text, start).map(|(v, end)| (Parsed::Whole(v), end))
}
