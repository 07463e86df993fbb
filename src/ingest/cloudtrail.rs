//! CloudTrail records in every shape they come in: delivery files (`{"Records": [...]}`),
//! JSON arrays, JSON lines, `aws cloudtrail lookup-events` output and a file holding one
//! record. Every record goes through one door ([`Log::take`]): counted, given its derived
//! facts, handed to the event rules. What is not a record is counted and reported once per
//! file, at the first one; a record that cannot be parsed is reported and skipped, and the
//! records after it are still read.

use std::cell::RefCell;
use std::path::Path;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::model::{Event, EventAt, Kept, Raw, enrich_event, looks_like_record};
use crate::source::SourceId;
use crate::source::locate::{LineCursor, line_col};

use super::FileOutcome;
use super::head::{Head, Parsed, Select, Take, head_first, whole};
use super::stream::{self, Broken, Element, Syntax};

/// Reads the CloudTrail records of one file into its outcome.
pub struct Log<'a> {
    source: SourceId,
    path: &'a Path,
    /// The text stops early because decompression failed; that failure is reported with
    /// what was read, so the end of the JSON is not news.
    truncated: bool,
    select: Select<'a>,
    on_event: &'a mut dyn FnMut(&Event),
    out: &'a mut FileOutcome,
    /// Which of several concatenated documents is being read.
    document: Option<usize>,
    not_objects: Tally,
    not_records: Tally,
    /// Lines and columns of the records read, for places that findings keep.
    lines: RefCell<LineCursor>,
}

fn raw<'t>(
    text: Option<(&'t [u8], usize, usize)>,
    lines: &'t RefCell<LineCursor>,
) -> Option<Raw<'t>> {
    text.map(|(file, start, end)| Raw {
        file,
        start,
        end,
        lines,
    })
}

/// `1 record`, `2 records`.
fn n_records(n: usize) -> String {
    if n == 1 {
        "1 record".to_owned()
    } else {
        format!("{n} records")
    }
}

/// `not JSON objects` -> `not a JSON object`.
fn singular(what: &str) -> String {
    what.replacen("not JSON objects", "not a JSON object", 1)
        .replacen("not CloudTrail records", "not a CloudTrail record", 1)
}

/// Where a skipped value is: its name (`Records[3]`) and, when known, line and column.
type Place = (String, Option<(usize, usize)>);

/// Values that were skipped for the same reason: how many, and where the first one is.
#[derive(Default)]
struct Tally {
    count: usize,
    first: Option<(Shape, Place)>,
}

impl Tally {
    fn note(&mut self, shape: Shape, place: impl FnOnce() -> Place) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((shape, place()));
        }
    }
}

/// Which shape a value was found in: names it in diagnostics, and says whether it must look
/// like a record (anything in `Records` or `CloudTrailEvent` is meant as one; an element of
/// an arbitrary array or a line of a file is taken only if it looks like one).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Records,
    Array,
    Lines,
    Lookup,
}

impl Shape {
    /// What a value of this shape is, and what holds it: `records`, `CloudTrail log`.
    fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Shape::Records => ("record", "CloudTrail log"),
            Shape::Array => ("element", "JSON array"),
            Shape::Lines => ("line", "JSON-lines file"),
            Shape::Lookup => ("CloudTrailEvent value", "lookup-events output"),
        }
    }
}

impl<'a> Log<'a> {
    pub fn new(
        source: SourceId,
        path: &'a Path,
        truncated: bool,
        select: Select<'a>,
        on_event: &'a mut dyn FnMut(&Event),
        out: &'a mut FileOutcome,
    ) -> Self {
        Log {
            source,
            path,
            truncated,
            select,
            on_event,
            out,
            document: None,
            not_objects: Tally::default(),
            not_records: Tally::default(),
            lines: RefCell::default(),
        }
    }

    /// The one door for a record: counted, enriched, passed to the event rules. A value that
    /// is not a JSON object, or (where it must) does not look like a record, is tallied;
    /// `place` names it and gives its line and column, for the first one only.
    fn take(&mut self, shape: Shape, at: EventAt, value: Value, place: impl FnOnce() -> Place) {
        if !value.is_object() {
            self.not_objects.note(shape, place);
            return;
        }
        if matches!(shape, Shape::Array | Shape::Lines) && !looks_like_record(&value) {
            self.not_records.note(shape, place);
            return;
        }
        match self.select.take(&Head::of(&value)) {
            Take::Skip => {}
            Take::Count => self.out.events += 1,
            Take::Read | Take::Whole => self.read(at, value, None, Kept::Whole),
            // Parsed whole already: the analyses read it as it is, without derived facts.
            Take::Fold => self.fold(at, &value, None, None),
        }
    }

    /// A record whose head says it is read: counted, enriched, handed to the rules.
    /// `text`: the file's text and the record's range in it, when the file is UTF-8.
    fn read(
        &mut self,
        at: EventAt,
        mut value: Value,
        text: Option<(&[u8], usize, usize)>,
        kept: Kept,
    ) {
        self.out.events += 1;
        enrich_event(&mut value);
        let event = Event {
            record: &value,
            source: self.source,
            at,
            kept,
            head: None,
            text: raw(text, &self.lines),
        };
        (self.on_event)(&event);
    }

    /// A record read by the analyses alone: counted and handed over as parsed.
    /// `head`: the head it was read by, with its other fields raw (then `value` is null).
    fn fold(
        &mut self,
        at: EventAt,
        value: &Value,
        head: Option<&Head>,
        text: Option<(&[u8], usize, usize)>,
    ) {
        self.out.events += 1;
        let event = Event {
            record: value,
            source: self.source,
            at,
            head,
            kept: Kept::Folds,
            text: raw(text, &self.lines),
        };
        (self.on_event)(&event);
    }

    /// Reports what was skipped; call once, after the file's records.
    pub fn finish(self) {
        let Log {
            path,
            out,
            not_objects,
            not_records,
            ..
        } = self;
        for (tally, what) in [
            (not_objects, "not JSON objects"),
            (not_records, "not CloudTrail records"),
        ] {
            let Some((shape, (first, at))) = tally.first else {
                continue;
            };
            let (noun, holder) = shape.nouns();
            let what = match (shape, what) {
                // Outside a `Records` array a value is only taken for a record if it looks
                // like one; say so, so that `[1, 2]` is not read as a damaged log.
                (Shape::Array | Shape::Lines, "not JSON objects") => {
                    "not JSON objects (so not CloudTrail records)"
                }
                _ => what,
            };
            let message = match tally.count {
                1 => format!("1 {noun} of this {holder} is {}: {first}", singular(what)),
                n => format!("{n} {noun}s of this {holder} are {what}: first at {first}"),
            };
            let mut d = Diagnostic::error(path, message);
            if let Some((line, column)) = at {
                d = d.at(line, column);
            }
            out.diagnostics.push(d);
        }
    }

    fn syntax(&mut self, text: &[u8], e: &Syntax, what: &str) {
        if !(self.truncated && e.eof) {
            self.out
                .diagnostics
                .push(e.diagnostic(self.path, text, what));
        }
    }

    /// A broken element (`text[start..end]`): named, placed, skipped. Bytes that are not
    /// UTF-8 are said as such, at the first one (serde_json says `invalid unicode code
    /// point`).
    fn broken_element(
        &mut self,
        text: &[u8],
        (start, end): (usize, usize),
        e: &Syntax,
        what: &str,
    ) {
        if let Err(bad) = std::str::from_utf8(&text[start..end]) {
            let at = start + bad.valid_up_to();
            let (line, column) = line_col(text, at);
            self.out.diagnostics.push(
                Diagnostic::error(
                    self.path,
                    format!(
                        "{what} is skipped: not valid UTF-8 (byte 0x{:02x})",
                        text[at]
                    ),
                )
                .at(line, column),
            );
            return;
        }
        self.syntax(text, e, &format!("{what} is skipped"));
    }

    /// The value of `Records` in an object, at `at`: an array of records (or `null`).
    /// Returns the record count, kept in the document in its place.
    pub fn records(&mut self, text: &[u8], at: usize) -> Result<(Value, usize), Broken> {
        self.out.kind = Some("cloudtrail");
        if text.get(at) != Some(&b'[') {
            let (value, end) = stream::value_at(text, at).map_err(Broken::Syntax)?;
            if !value.is_null() {
                let (line, column) = line_col(text, at);
                self.out.diagnostics.push(
                    Diagnostic::error(
                        self.path,
                        "`Records` is not an array: this CloudTrail log holds no records",
                    )
                    .at(line, column),
                );
            }
            return Ok((Value::from(0), end));
        }
        let mut count = 0usize;
        let document = self.document;
        // A text that is UTF-8 throughout (nearly every log) can be read head first: a record
        // no rule reads is never parsed whole. Otherwise every record is parsed whole, so the
        // one with the bad bytes is found and named.
        let select = self.select;
        let utf8 = simdutf8::basic::from_utf8(&text[at..]).ok();
        let mut parse = |_: &[u8], start: usize| match utf8 {
            // Offsets in `utf8` are from `at`.
            Some(utf8) => match head_first(utf8, start - at, select) {
                Ok((parsed, end)) => Ok((parsed, end + at)),
                Err(mut e) => {
                    e.at += at;
                    Err(e)
                }
            },
            None => whole(text, start),
        };
        let parse: &mut stream::Parse<Parsed> = &mut parse;
        let result = stream::array_with(text, at, parse, &mut |e: Element<Parsed>| {
            count += 1;
            // Named only when reported: this runs for every record.
            let name = || match document {
                None => format!("Records[{}]", e.index),
                Some(d) => format!("document {}, Records[{}]", d + 1, e.index),
            };
            let at = match document {
                None => EventAt::Records(e.index),
                Some(d) => EventAt::Documents(d, e.index),
            };
            match e.value {
                Ok(Parsed::Read(value)) => {
                    self.read(at, value, Some((text, e.start, e.end)), Kept::Whole)
                }
                Ok(Parsed::Rules(value)) => {
                    self.read(at, value, Some((text, e.start, e.end)), Kept::Rules)
                }
                Ok(Parsed::Fold(head)) => {
                    let text = Some((text, e.start, e.end));
                    self.fold(at, &Value::Null, Some(&head), text);
                }
                Ok(Parsed::Whole(value)) => self.take(Shape::Records, at, value, || {
                    (name(), Some(line_col(text, e.start)))
                }),
                Ok(Parsed::Head(Take::Count)) => self.out.events += 1,
                Ok(Parsed::Head(_)) => {}
                Err(s) => self.broken_element(
                    text,
                    (e.start, e.end),
                    &s,
                    &format!("CloudTrail log, {}", name()),
                ),
            }
        });
        match result {
            Ok(end) => Ok((Value::from(count), end)),
            Err((i, e)) => {
                let what = match document {
                    None => format!("CloudTrail log, Records[{i}]"),
                    Some(d) => format!("CloudTrail log, document {}, Records[{i}]", d + 1),
                };
                let what = format!("{what} ({} before it read)", n_records(self.out.events));
                self.syntax(text, &e, &what);
                Err(Broken::Reported)
            }
        }
    }

    /// Several `{"Records": [...]}` documents one after the other, starting at `starts`
    /// (delivery files concatenated as gzip members). One that is not a CloudTrail log is
    /// reported; damage ends the reading, as in one log.
    pub fn documents(&mut self, text: &[u8], starts: &[usize]) {
        self.out.kind = Some("cloudtrail");
        for (d, &start) in starts.iter().enumerate() {
            self.document = Some(d);
            let what = format!("CloudTrail log, document {} of {}", d + 1, starts.len());
            if text[start] != b'{' {
                let (line, column) = line_col(text, start);
                self.out.diagnostics.push(
                    Diagnostic::error(self.path, format!("{what}: not a JSON object"))
                        .at(line, column),
                );
                return;
            }
            match stream::object(text, start, "Records", &mut |at| self.records(text, at)) {
                Ok((doc, _)) if doc.contains_key("Records") => {}
                Ok(_) => {
                    let (line, column) = line_col(text, start);
                    self.out.diagnostics.push(
                        Diagnostic::error(
                            self.path,
                            format!("{what}: no `Records`, so not a CloudTrail log: skipped"),
                        )
                        .at(line, column),
                    );
                }
                Err(Broken::Reported) => return,
                Err(Broken::Syntax(e)) => {
                    self.syntax(text, &e, &what);
                    return;
                }
            }
        }
    }

    /// A JSON array of records, the whole file; its `[` is at `open`.
    pub fn array(&mut self, text: &[u8], open: usize) {
        self.out.kind = Some("cloudtrail");
        let result = stream::array(text, open, &mut |e: Element| {
            let name = || format!("[{}]", e.index);
            match e.value {
                Ok(value) => self.take(Shape::Array, EventAt::Element(e.index), value, || {
                    (name(), Some(line_col(text, e.start)))
                }),
                Err(s) => self.broken_element(
                    text,
                    (e.start, e.end),
                    &s,
                    &format!("JSON array, element {}", name()),
                ),
            }
        });
        let ended = match result {
            Ok(end) => stream::end(text, end).map_err(|e| (None, e)),
            Err((i, e)) => Err((Some(i), e)),
        };
        if let Err((i, e)) = ended {
            let what = match i {
                Some(i) => format!(
                    "JSON array, element [{i}] ({} before it read)",
                    n_records(self.out.events)
                ),
                None => "JSON array".to_owned(),
            };
            self.syntax(text, &e, &what);
        }
    }

    /// JSON lines: one record per line. A broken line is reported and the next one read.
    pub fn json_lines(&mut self, text: &[u8]) {
        self.out.kind = Some("cloudtrail");
        let mut index = 0usize;
        let mut line_start = 0usize;
        for (n, line) in text.split(|b| *b == b'\n').enumerate() {
            let start = line_start;
            line_start += line.len() + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Value>(line) {
                Ok(value) => self.take(Shape::Lines, EventAt::Element(index), value, || {
                    (format!("line {}", n + 1), Some((n + 1, 1)))
                }),
                Err(e) => {
                    let e = Syntax::from_serde(text, start, &e);
                    let range = (start, start + line.len());
                    self.broken_element(text, range, &e, &format!("JSON line {}", n + 1));
                }
            }
            index += 1;
        }
    }

    /// `aws cloudtrail lookup-events`: each event's record is the JSON string
    /// `CloudTrailEvent`.
    pub fn lookup_events(&mut self, events: &[Value]) {
        self.out.kind = Some("cloudtrail-lookup");
        for (i, e) in events.iter().enumerate() {
            let record = match e.get("CloudTrailEvent") {
                Some(Value::String(text)) => serde_json::from_str::<Value>(text),
                Some(v @ Value::Object(_)) => Ok(v.clone()),
                _ => {
                    self.out.diagnostics.push(Diagnostic::error(
                        self.path,
                        format!("Events[{i}] has no CloudTrailEvent"),
                    ));
                    continue;
                }
            };
            match record {
                Ok(record) => self.take(Shape::Lookup, EventAt::Lookup(i), record, || {
                    (format!("Events[{i}].CloudTrailEvent"), None)
                }),
                Err(e) => self.out.diagnostics.push(Diagnostic::error(
                    self.path,
                    format!("Events[{i}].CloudTrailEvent is not valid JSON: {e}"),
                )),
            }
        }
    }

    /// A file that holds one record (its caller has seen that it looks like one).
    pub fn single(&mut self, record: Value) {
        self.out.kind = Some("cloudtrail");
        self.take(Shape::Records, EventAt::Element(0), record, || {
            ("the document".to_owned(), None)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::head::READ_ALL;
    use serde_json::json;

    fn read(f: impl FnOnce(&mut Log)) -> (Vec<String>, FileOutcome) {
        let mut out = FileOutcome::default();
        let mut seen = Vec::new();
        let mut on_event = |e: &Event| seen.push(e.loc().pointer);
        let mut log = Log::new(
            SourceId(0),
            Path::new("x.json"),
            false,
            READ_ALL,
            &mut on_event,
            &mut out,
        );
        f(&mut log);
        log.finish();
        (seen, out)
    }

    #[test]
    fn lookup_events_that_are_not_objects_are_reported() {
        let record = json!({"eventName": "DisableKey"}).to_string();
        let events = [
            json!({"CloudTrailEvent": record}),
            json!({"CloudTrailEvent": "5"}),
            json!({"CloudTrailEvent": "[1]"}),
            json!({"EventId": "x"}),
        ];
        let (seen, out) = read(|log| log.lookup_events(&events));
        assert_eq!(seen, ["/Events/0/CloudTrailEvent"]);
        assert_eq!(out.events, 1);
        assert_eq!(out.kind, Some("cloudtrail-lookup"));
        let messages: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Events[3] has no CloudTrailEvent",
                "2 CloudTrailEvent values of this lookup-events output are not JSON objects: first at \
                 Events[1].CloudTrailEvent",
            ]
        );
    }

    #[test]
    fn records_that_are_not_an_array() {
        let text = br#"{"Records": {"eventName": "X"}}"#;
        let (seen, out) = read(|log| {
            let (count, _) = log.records(text, 12).expect("read on");
            assert_eq!(count, Value::from(0));
        });
        assert!(seen.is_empty());
        assert_eq!(out.diagnostics.len(), 1);
        assert!(
            out.diagnostics[0]
                .message
                .starts_with("`Records` is not an array")
        );
        let (_, out) = read(|log| {
            log.records(br#"{"Records": null}"#, 12).expect("read on");
        });
        assert!(out.diagnostics.is_empty(), "null holds no records");
    }

    #[test]
    fn a_truncated_text_does_not_report_its_end() {
        let text = br#"{"Records": [{"eventName": "X"}, {"eventN"#;
        for (truncated, reported) in [(false, 1), (true, 0)] {
            let mut out = FileOutcome::default();
            let mut n = 0;
            let mut on_event = |_: &Event| n += 1;
            let mut log = Log::new(
                SourceId(0),
                Path::new("x"),
                truncated,
                READ_ALL,
                &mut on_event,
                &mut out,
            );
            assert!(matches!(log.records(text, 12), Err(Broken::Reported)));
            log.finish();
            assert_eq!(out.events, 1);
            assert_eq!(out.diagnostics.len(), reported);
        }
    }
}
