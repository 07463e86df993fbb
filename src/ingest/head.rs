//! The head of a CloudTrail record: the few fields that decide, before the record is parsed
//! whole, whether it is left out by a filter, only counted, or read by the rules.

use std::borrow::Cow;

use serde_json::Value;

use super::project::Fields;
use super::stream::{self, Syntax};

/// The fields of a record that decide whether it is read: filters and rule dispatch look at
/// these before the record is parsed whole.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Head<'a> {
    #[serde(rename = "eventSource", borrow, default)]
    pub event_source: Option<Cow<'a, str>>,
    #[serde(rename = "eventName", borrow, default)]
    pub event_name: Option<Cow<'a, str>>,
    #[serde(rename = "eventTime", borrow, default)]
    pub event_time: Option<Cow<'a, str>>,
    #[serde(rename = "awsRegion", borrow, default)]
    pub aws_region: Option<Cow<'a, str>>,
    #[serde(rename = "recipientAccountId", borrow, default)]
    pub recipient_account_id: Option<Cow<'a, str>>,
}

impl<'a> Head<'a> {
    /// The head of a record parsed whole.
    pub fn of(record: &'a Value) -> Head<'a> {
        let field = |k: &str| record.get(k).and_then(Value::as_str).map(Cow::Borrowed);
        Head {
            event_source: field("eventSource"),
            event_name: field("eventName"),
            event_time: field("eventTime"),
            aws_region: field("awsRegion"),
            recipient_account_id: field("recipientAccountId"),
        }
    }

    pub fn event_source(&self) -> &str {
        self.event_source.as_deref().unwrap_or("")
    }

    pub fn event_name(&self) -> &str {
        self.event_name.as_deref().unwrap_or("")
    }
}

/// What becomes of a record, decided from its [`Head`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Left out by a filter (`--since`, `--event-name`, ...): not an event of this scan.
    Skip,
    /// An event no rule or analysis reads: counted, not parsed whole.
    Count,
    /// Parsed whole, given its derived facts and handed to the rules.
    Read,
    /// Read by the analyses alone (no rule applies to it): parsed for the fields they read
    /// ([`Select::fields`]), without derived facts.
    Fold,
}

/// Decides what becomes of each record, and which of its fields are kept.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    pub take: &'a (dyn Fn(&Head) -> Take + Sync),
    /// The fields a record read by the analyses alone keeps ([`Take::Fold`]).
    pub fields: &'a Fields,
    /// The fields a record read by the rules keeps ([`Take::Read`]); `None`: all of them.
    pub read: Option<&'a Fields>,
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
    fields: &Fields::NONE,
    read: None,
};

/// A record of `Records`: only its head, or the whole of it — `Read` when its head has
/// already said it is to be read, `Whole` when nothing was decided yet.
pub(super) enum Parsed {
    Head(Take),
    Read(Value),
    /// Parsed for the analyses' fields ([`Take::Fold`]).
    Fold(Value),
    Whole(Value),
}

/// A record of `Records` read head first: its head decides; it is parsed whole only to be
/// read. A value whose head cannot be read (not an object, a field of the wrong type) is
/// parsed whole, and the one door decides what it is.
pub(super) fn head_first(
    text: &[u8],
    start: usize,
    select: Select,
) -> Result<(Parsed, usize), Syntax> {
    // Only an object has a head (serde would read a struct from an array too): anything
    // else goes to the one door whole, which reports it.
    if text.get(start) != Some(&b'{') {
        return whole(text, start);
    }
    let mut heads = serde_json::Deserializer::from_slice(&text[start..]).into_iter::<Head>();
    if let Some(Ok(head)) = heads.next() {
        let end = start + heads.byte_offset();
        return match select.take(&head) {
            Take::Read => match select.read {
                None => stream::value_at(text, start).map(|(v, end)| (Parsed::Read(v), end)),
                Some(fields) => project(text, (start, end), fields).map(|v| (Parsed::Read(v), end)),
            },
            Take::Fold => {
                project(text, (start, end), select.fields).map(|v| (Parsed::Fold(v), end))
            }
            take => Ok((Parsed::Head(take), end)),
        };
    }
    whole(text, start)
}

/// The record at `text[start..end]` (the head's pass found where it ends), for `fields`.
fn project(text: &[u8], (start, end): (usize, usize), fields: &Fields) -> Result<Value, Syntax> {
    fields
        .parse(&text[start..end])
        .map_err(|e| Syntax::from_serde(text, start, &e))
}

pub(super) fn whole(text: &[u8], start: usize) -> Result<(Parsed, usize), Syntax> {
    stream::value_at(text, start).map(|(v, end)| (Parsed::Whole(v), end))
}
