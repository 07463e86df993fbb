//! CloudTrail events as the rules see them: one record at a time, with where it sits.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::source::SourceId;
use crate::source::locate::LineCursor;

use super::piece::{Loc, RecordAt};

/// Where a record sits in its file; turned into a JSON pointer only for reported findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventAt {
    /// `{"Records": [...]}`, a CloudTrail delivery file.
    Records(usize),
    /// A JSON array of records, or the n-th value of a JSON-lines file.
    Element(usize),
    /// `aws cloudtrail lookup-events`: the JSON string `Events[n].CloudTrailEvent`.
    Lookup(usize),
    /// Record `i` of the `d`-th of several `{"Records": [...]}` documents in one file
    /// (delivery files concatenated as gzip members: `cat a.json.gz b.json.gz`).
    Documents(usize, usize),
}

pub struct Event<'a> {
    pub record: &'a Value,
    pub source: SourceId,
    pub at: EventAt,
    /// How much of the record `record` holds.
    pub kept: Kept,
    /// The head the record was read by, with its other top-level fields as raw text, when the
    /// record is read for the analyses alone ([`Kept::Folds`]; `record` is then null).
    pub head: Option<&'a Head<'a>>,
    /// The record's text in its file, when the reader has it (records of a UTF-8
    /// `{"Records": [...]}` log): places that findings keep carry a copy of it.
    pub text: Option<Raw<'a>>,
}

/// How much of a record an event holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// All of it, with its derived facts.
    Whole,
    /// The fields the rules decide by and their findings read (and their derived facts).
    Rules,
    /// The fields the analyses read ([`crate::ingest::Take::Fold`]): no rule sees it.
    Folds,
}

/// Where a record's text is: the file's text, the record's byte range, and the file's line
/// cursor (records are met in order).
#[derive(Clone, Copy)]
pub struct Raw<'a> {
    pub file: &'a [u8],
    pub start: usize,
    pub end: usize,
    pub lines: &'a RefCell<LineCursor>,
}

impl EventAt {
    /// The record's place in `source`.
    pub fn loc(self, source: SourceId) -> Loc {
        let pointer = match self {
            EventAt::Records(i) => format!("/Records/{i}"),
            EventAt::Element(i) => format!("/{i}"),
            EventAt::Lookup(i) => format!("/Events/{i}/CloudTrailEvent"),
            // A stream of documents: the first token picks one (`source::locate`).
            EventAt::Documents(d, i) => format!("/{d}/Records/{i}"),
        };
        Loc::new(source, pointer)
    }
}

impl Event<'_> {
    pub fn loc(&self) -> Loc {
        self.at.loc(self.source)
    }

    /// The line and column where the record starts, when its text was kept.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.text
            .map(|raw| raw.lines.borrow_mut().at(raw.file, raw.start))
    }

    /// The record's text and where it is in its file, when the reader kept it (`root`: the
    /// record's pointer).
    pub fn record_at<'s>(&'s self, root: &'s str) -> Option<RecordAt<'s>> {
        let raw = self.text?;
        let (line, column) = raw.lines.borrow_mut().at(raw.file, raw.start);
        Some(RecordAt {
            root,
            offset: raw.start,
            line,
            column,
            bytes: &raw.file[raw.start..raw.end],
        })
    }

    /// The record's place, carrying a copy of its text (secret values masked) when the
    /// reader has it: a place a finding keeps, so that it is located without reading the
    /// file again.
    pub fn kept_loc(&self) -> Loc {
        let mut loc = self.loc();
        loc.record = self.record_at(&loc.pointer).map(|at| Arc::new(at.masked()));
        loc
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.record.get(field).and_then(Value::as_str)
    }

    /// `eventSource`, from the head when the record was not parsed.
    pub fn source_name(&self) -> &str {
        match self.head {
            Some(head) => head.event_source(),
            None => self.str("eventSource").unwrap_or(""),
        }
    }

    /// `eventName`, from the head when the record was not parsed.
    pub fn name(&self) -> &str {
        match self.head {
            Some(head) => head.event_name(),
            None => self.str("eventName").unwrap_or(""),
        }
    }
}

/// Whether a JSON value looks like a CloudTrail record (outside a `Records` array, where
/// anything is taken as one).
pub fn looks_like_record(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        [
            "eventVersion",
            "eventSource",
            "eventName",
            "eventID",
            "eventTime",
        ]
        .iter()
        .filter(|k| o.contains_key(**k))
        .count()
            >= 2
    })
}

/// The fields of a record that decide whether it is read: filters and rule dispatch look at
/// these before the record is parsed whole. The record's other top-level fields are kept as
/// raw text, so that a record that is read is parsed from them for the fields it keeps
/// without a second pass over the rest.
#[derive(Debug, Default)]
pub struct Head<'a> {
    pub event_source: Option<Cow<'a, str>>,
    pub event_name: Option<Cow<'a, str>>,
    pub event_time: Option<Cow<'a, str>>,
    pub aws_region: Option<Cow<'a, str>>,
    pub recipient_account_id: Option<Cow<'a, str>>,
    /// The other top-level fields, in order (empty for a head taken from a parsed record).
    pub(crate) rest: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// The head was read from the record's text, so `rest` holds all its other fields.
    pub(crate) raw: bool,
    /// The record's whole text, when the reader has it.
    pub(crate) text: Option<&'a str>,
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
            rest: Vec::new(),
            raw: false,
            text: None,
        }
    }

    /// The head's own fields, by their names in the record.
    pub fn own(&self) -> [(&'static str, Option<&str>); 5] {
        [
            ("eventSource", self.event_source.as_deref()),
            ("eventName", self.event_name.as_deref()),
            ("eventTime", self.event_time.as_deref()),
            ("awsRegion", self.aws_region.as_deref()),
            ("recipientAccountId", self.recipient_account_id.as_deref()),
        ]
    }

    pub fn event_source(&self) -> &str {
        self.event_source.as_deref().unwrap_or("")
    }

    pub fn event_name(&self) -> &str {
        self.event_name.as_deref().unwrap_or("")
    }
}
