//! CloudTrail events as the rules see them: one record at a time, with where it sits.

use serde_json::Value;

use crate::source::SourceId;

use super::piece::Loc;

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
}

impl Event<'_> {
    pub fn loc(&self) -> Loc {
        let pointer = match self.at {
            EventAt::Records(i) => format!("/Records/{i}"),
            EventAt::Element(i) => format!("/{i}"),
            EventAt::Lookup(i) => format!("/Events/{i}/CloudTrailEvent"),
            // A stream of documents: the first token picks one (`source::locate`).
            EventAt::Documents(d, i) => format!("/{d}/Records/{i}"),
        };
        Loc::new(self.source, pointer)
    }

    pub fn str(&self, field: &str) -> Option<&str> {
        self.record.get(field).and_then(Value::as_str)
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
