//! Resolving the symbolic locations of reported findings to lines and columns: each source
//! with findings is read once, in parallel, and every pointer into it located in one pass.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use crate::model::{Loc, RecordAt, RecordText};
use crate::source::{self, SourceId, Sources};

use crate::source::locate::{ArrayIndex, LineCursor, locate_with, pointer_tokens};

/// The bytes of a source around one located span, kept for outputs that show the offending
/// lines: the span's line and the lines either side, each cut to a few hundred bytes around
/// the span, so that memory holds windows, not the files (a CloudTrail file is one line of
/// tens of megabytes). The values of secret fields are masked with `*`s (same length, so
/// spans hold).
#[derive(Debug)]
pub struct Window {
    /// The offset of `bytes[0]` in the source.
    pub base: usize,
    pub bytes: Vec<u8>,
}

/// How far a window reaches either side of its span on a long line.
const REACH: usize = 512;

pub use crate::model::Span;

#[derive(Debug, Default)]
pub struct Resolved {
    pub windows: HashMap<Loc, Window>,
    pub spans: HashMap<Loc, Span>,
}

impl Resolved {
    pub fn span(&self, loc: &Loc) -> Option<&Span> {
        self.spans.get(loc)
    }

    pub fn window(&self, loc: &Loc) -> Option<&Window> {
        self.windows.get(loc)
    }
}

/// The pointers into each source, sources in order: each is read once.
fn by_source<'a>(locs: impl IntoIterator<Item = &'a Loc>) -> Vec<(SourceId, BTreeSet<&'a str>)> {
    let mut by_source: HashMap<SourceId, BTreeSet<&str>> = HashMap::new();
    for loc in locs {
        by_source
            .entry(loc.source)
            .or_default()
            .insert(loc.pointer.as_str());
    }
    let mut work: Vec<(SourceId, BTreeSet<&str>)> = by_source.into_iter().collect();
    work.sort_by_key(|(id, _)| *id);
    work
}

/// One source read again: its text with secrets masked, and for each pointer its span and
/// the range of the text it may be shown with.
struct Located {
    text: Vec<u8>,
    places: Vec<Option<(Span, Range<usize>)>>,
}

/// Reads a source again and locates `pointers` in it. Masking keeps every offset, so the
/// spans hold. In a CloudTrail log only the records with findings are masked, and what is
/// shown stays inside its record: a log of tens of megabytes with one finding costs one
/// record's work.
fn read_located(path: &std::path::Path, pointers: &BTreeSet<&str>) -> Option<Located> {
    let mut text = source::read_all(path).ok()?;
    let spans = locate_all(&text, pointers);
    let bounds = record_bounds(&text, pointers);
    match &bounds {
        Some(records) => {
            for r in records.iter().flatten() {
                crate::redact::mask_json(&mut text[r.clone()]);
            }
        }
        None => crate::redact::mask_json(&mut text),
    }
    let places = spans
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let within = match &bounds {
                Some(records) => records[i].clone()?,
                None => 0..text.len(),
            };
            Some((s?, within))
        })
        .collect();
    Some(Located { text, places })
}

/// Where `pointer` is in the file of a record: the span in the file, and the same span with
/// offsets in the record's text. `None` when the pointer is not below the record's.
pub fn span_in(record: RecordAt, pointer: &str) -> Option<(Span, Span)> {
    let rest = pointer.strip_prefix(record.root)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let tokens = pointer_tokens(rest);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let text = record.bytes;
    let found = locate_with(text, &tokens, &mut ArrayIndex::default())?;
    let lines = LineIndex::new(text, 0);
    // Lines and columns in the record, then in the file: the record's first line starts at
    // its column, the others at the start of a line of the file.
    let in_file = |offset: usize| {
        let (line, column) = lines.line_col(text, offset);
        if line == 1 {
            (record.line, record.column + column - 1)
        } else {
            (record.line + line - 1, column)
        }
    };
    let (line, column) = in_file(found.start);
    let (end_line, end_column) = in_file(found.end);
    let local = Span {
        start: found.start,
        end: found.end,
        line,
        column,
        end_line,
        end_column,
    };
    let file = Span {
        start: record.offset + found.start,
        end: record.offset + found.end,
        ..local
    };
    Some((file, local))
}

/// A place in a CloudTrail record whose text it carries: located in that text, without
/// reading the file again.
fn from_record(loc: &Loc, record: &RecordText, windows: bool) -> Option<(Span, Option<Window>)> {
    let (span, local) = span_in(RecordAt::of(record), &loc.pointer)?;
    let shown = windows.then(|| {
        let shown = window(&record.bytes, &local, 0..record.bytes.len());
        Window {
            base: record.offset + shown.base,
            bytes: shown.bytes,
        }
    });
    Some((span, shown))
}

/// The places that carry their record's text, located in it (in parallel: a log scan may
/// report hundreds of thousands), and the others.
fn split_kept<'a>(
    locs: impl IntoIterator<Item = &'a Loc>,
    windows: bool,
) -> (Places, Vec<&'a Loc>) {
    use rayon::iter::Either;
    let locs: Vec<&Loc> = locs.into_iter().collect();
    locs.into_par_iter().with_min_len(64).partition_map(|loc| {
        match (loc.span.as_deref(), loc.record.as_deref()) {
            (Some(span), _) if !windows => Either::Left((loc.clone(), *span, None)),
            (_, Some(r)) => match from_record(loc, r, windows) {
                Some((span, window)) => Either::Left((loc.clone(), span, window)),
                None => Either::Right(loc),
            },
            _ => Either::Right(loc),
        }
    })
}

/// Places located, with their spans and (when asked for) windows.
type Places = Vec<(Loc, Span, Option<Window>)>;

/// Places whose record's start in the file is known (`Loc::start`): each file is read
/// again, and each place located in its record alone. Returns those located and the others.
fn from_starts<'a>(sources: &Sources, locs: Vec<&'a Loc>, windows: bool) -> (Places, Vec<&'a Loc>) {
    let (started, mut rest): (Vec<&Loc>, Vec<&Loc>) =
        locs.into_iter().partition(|l| l.start.is_some());
    let mut by_source: HashMap<SourceId, Vec<&Loc>> = HashMap::new();
    for loc in started {
        by_source.entry(loc.source).or_default().push(loc);
    }
    let mut work: Vec<(SourceId, Vec<&Loc>)> = by_source.into_iter().collect();
    work.sort_by_key(|(id, _)| *id);
    let results: Vec<(Places, Vec<&Loc>)> = work
        .into_par_iter()
        .map(|(id, mut locs)| {
            let Ok(text) = source::read_all(sources.path(id)) else {
                return (Vec::new(), locs);
            };
            locs.sort_by_key(|l| l.start);
            let mut lines = LineCursor::default();
            let mut found = Vec::new();
            let mut missed = Vec::new();
            for loc in locs {
                match record_at(&text, loc, &mut lines).and_then(|r| from_record(loc, &r, windows))
                {
                    Some((span, window)) => found.push((loc.clone(), span, window)),
                    None => missed.push(loc),
                }
            }
            (found, missed)
        })
        .collect();
    let mut found = Vec::new();
    for (f, missed) in results {
        found.extend(f);
        rest.extend(missed);
    }
    (found, rest)
}

/// The record a place with a known start is in, read from the file's text (secrets masked),
/// when the text there is a JSON object. (A start is known only for records of a log that
/// was UTF-8 throughout, which is what the line cursor counts in.)
fn record_at(text: &[u8], loc: &Loc, lines: &mut LineCursor) -> Option<RecordText> {
    let start = loc.start?;
    if text.get(start) != Some(&b'{') {
        return None;
    }
    let end = crate::source::locate::skip_value(text, start)?;
    let root = record_root(&loc.pointer)?;
    let (line, column) = lines.at(text, start);
    let at = RecordAt {
        root: &root,
        offset: start,
        line,
        column,
        bytes: &text[start..end],
    };
    Some(at.masked())
}

/// Locates `locs`, with the windows of text around them when `windows` (the outputs that
/// show lines ask for them; the others need only the spans).
pub fn resolve<'a>(
    sources: &Sources,
    locs: impl IntoIterator<Item = &'a Loc>,
    windows: bool,
) -> Resolved {
    let (mut kept, rest) = split_kept(locs, windows);
    let (started, rest) = from_starts(sources, rest, windows);
    kept.extend(started);
    let mut results: Vec<Places> = by_source(rest)
        .into_par_iter()
        .map(|(id, pointers)| {
            let Some(l) = read_located(sources.path(id), &pointers) else {
                return Vec::new();
            };
            pointers
                .iter()
                .zip(&l.places)
                .filter_map(|(p, place)| {
                    let (span, within) = place.clone()?;
                    let shown = windows.then(|| window(&l.text, &span, within));
                    Some((Loc::new(id, *p), span, shown))
                })
                .collect()
        })
        .collect();
    results.push(kept);
    let mut resolved = Resolved::default();
    for (loc, span, window) in results.into_iter().flatten() {
        if let Some(window) = window {
            resolved.windows.insert(loc.clone(), window);
        }
        resolved.spans.insert(loc, span);
    }
    resolved
}

/// The bytes of each located value (secrets masked), for outputs that read a little more of
/// a reported record than its window (who made the call): each source is read once more, and
/// only the located values are kept.
pub fn located_bytes<'a>(
    sources: &Sources,
    locs: impl IntoIterator<Item = &'a Loc>,
) -> HashMap<Loc, Vec<u8>> {
    let (kept, rest) = split_kept(locs, false);
    let mut found: HashMap<Loc, Vec<u8>> = HashMap::new();
    for (loc, span, _) in kept {
        let Some(record) = loc.record.as_deref() else {
            continue;
        };
        let local = span.start - record.offset..span.end - record.offset;
        if let Some(bytes) = record.bytes.get(local) {
            let bytes = bytes.to_vec();
            found.insert(loc, bytes);
        }
    }
    let read: HashMap<Loc, Vec<u8>> = by_source(rest)
        .into_par_iter()
        .flat_map_iter(|(id, pointers)| {
            let located = read_located(sources.path(id), &pointers);
            pointers
                .into_iter()
                .zip(located.iter().flat_map(|l| &l.places))
                .filter_map(|(p, place)| {
                    let (span, within) = place.clone()?;
                    let text = &located.as_ref()?.text;
                    let bytes = text.get(span.start.max(within.start)..span.end.min(within.end))?;
                    Some((Loc::new(id, p), bytes.to_vec()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.extend(read);
    found
}

/// The record each pointer of a CloudTrail log lies in (`/Records/3/eventName` in
/// `/Records/3`, `/1/Records/0/...`, `/Events/2/CloudTrailEvent/...`), located; `None` when
/// the pointers are not all into records (an export file: masked whole).
fn record_bounds(text: &[u8], pointers: &BTreeSet<&str>) -> Option<Vec<Option<Range<usize>>>> {
    let roots: Vec<String> = pointers
        .iter()
        .map(|p| record_root(p))
        .collect::<Option<_>>()?;
    let set: BTreeSet<&str> = roots.iter().map(String::as_str).collect();
    let located: HashMap<&str, Span> = set
        .iter()
        .zip(locate_all(text, &set))
        .filter_map(|(p, s)| Some((*p, s?)))
        .collect();
    Some(
        roots
            .iter()
            .map(|r| {
                located
                    .get(r.as_str())
                    .map(|s| s.start..s.end.min(text.len()))
            })
            .collect(),
    )
}

fn record_root(pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let index = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
    };
    let depth = match (tokens.first().copied(), tokens.get(1).copied()) {
        (Some("Records" | "Events"), _) if index(1) => 2,
        (Some(_), Some("Records")) if index(0) && index(2) => 3,
        _ => return None,
    };
    Some(tokens[..depth].iter().map(|t| format!("/{t}")).collect())
}

/// The window of `text` around `span`, inside `within`: from the start of the line before
/// to the end of the line after, at most [`REACH`] bytes either side of the span's first
/// line, on character boundaries. Every search is bounded by the reach too: a finding in a
/// one-line file of tens of megabytes costs a few hundred bytes of work, not a scan of the
/// line.
fn window(text: &[u8], span: &Span, within: Range<usize>) -> Window {
    let text = &text[..within.end.min(text.len())];
    let start = span.start.clamp(within.start, text.len());
    let low = start.saturating_sub(REACH).max(within.start);
    let high = |from: usize| text.len().min(from.saturating_add(REACH));
    // Newlines within reach: the start of the span's line and of the line before it, the end
    // of its line and of the line after (or the edge of the reach).
    let back = |at: usize| memchr::memrchr(b'\n', &text[low..at]).map(|p| low + p);
    let line_start = back(start).map_or(low, |p| p + 1);
    let from = if line_start > low {
        back(line_start - 1).map_or(low, |p| p + 1)
    } else {
        low
    };
    let line_end =
        memchr::memchr(b'\n', &text[start..high(start)]).map_or(high(start), |p| start + p);
    let end = span.end.clamp(start, line_end);
    let limit = high(end);
    let to = if line_end < limit {
        memchr::memchr(b'\n', &text[line_end + 1..limit]).map_or(limit, |p| line_end + 1 + p)
    } else {
        line_end.min(limit)
    };
    let mut from = from;
    while from < start && (text[from] & 0xC0) == 0x80 {
        from += 1;
    }
    let mut to = to.max(end);
    while to > end && to < text.len() && (text[to] & 0xC0) == 0x80 {
        to -= 1;
    }
    Window {
        base: from,
        bytes: text[from..to].to_vec(),
    }
}

fn locate_all(text: &[u8], pointers: &BTreeSet<&str>) -> Vec<Option<Span>> {
    // A UTF-8 byte order mark is neither JSON nor a column of the first line.
    let bom = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let json = &text[bom..];
    let mut index = ArrayIndex::default();
    let offsets: Vec<Option<(usize, usize)>> = pointers
        .iter()
        .map(|p| {
            let tokens = pointer_tokens(p);
            let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
            locate_with(json, &tokens, &mut index).map(|s| (s.start + bom, s.end + bom))
        })
        .collect();
    let lines = LineIndex::new(text, bom);
    offsets
        .into_iter()
        .map(|o| {
            o.map(|(start, end)| {
                // Point at the end of the value's first line at most: a whole object is shown
                // by its opening line.
                let (line, column) = lines.line_col(text, start);
                let (end_line, end_column) = lines.line_col(text, end);
                Span {
                    start,
                    end,
                    line,
                    column,
                    end_line,
                    end_column,
                }
            })
        })
        .collect()
}

/// Line starts of a text, for line/column lookups by binary search.
struct LineIndex {
    starts: Vec<usize>,
    ascii: bool,
}

impl LineIndex {
    /// `first`: where the first line starts (after a byte order mark).
    fn new(text: &[u8], first: usize) -> Self {
        let mut starts = vec![first];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex {
            starts,
            ascii: text[first.min(text.len())..].is_ascii(),
        }
    }

    fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len()).max(self.starts[0]);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = if self.ascii {
            offset - start + 1
        } else {
            String::from_utf8_lossy(&text[start..offset])
                .chars()
                .count()
                + 1
        };
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_at(text: &[u8], start: usize, end: usize) -> Span {
        let lines = LineIndex::new(text, 0);
        let (line, column) = lines.line_col(text, start);
        let (end_line, end_column) = lines.line_col(text, end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }

    #[test]
    fn in_a_log_only_the_records_with_findings_are_masked_and_shown() {
        let text = br#"{"Records": [{"eventName": "DisableKey", "sessionToken": "AAAA"}, {"eventName": "X", "sessionToken": "BBBB"}]}"#.to_vec();
        let pointers: BTreeSet<&str> = ["/Records/0/eventName"].into_iter().collect();
        let bounds = record_bounds(&text, &pointers).expect("a log");
        let record = bounds[0].clone().expect("located");
        assert_eq!(&text[record.clone()][..14], br#"{"eventName": "#);
        let mut masked = text.clone();
        crate::redact::mask_json(&mut masked[record.clone()]);
        let span = locate_all(&masked, &pointers)[0].expect("span");
        let w = window(&masked, &span, record);
        let shown = std::str::from_utf8(&w.bytes).expect("utf8");
        assert!(
            shown.contains("DisableKey") && shown.contains("\"****\""),
            "{shown}"
        );
        assert!(
            !shown.contains("BBBB") && !shown.contains("\"X\""),
            "{shown}"
        );
        assert_eq!(record_root("/Volumes/3/KmsKeyId"), None);
        assert_eq!(
            record_root("/1/Records/0/x").as_deref(),
            Some("/1/Records/0")
        );
        assert_eq!(
            record_root("/Events/2/CloudTrailEvent/eventName").as_deref(),
            Some("/Events/2")
        );
    }

    #[test]
    fn windows_hold_the_lines_around_a_span_and_no_more() {
        let text = b"first\nbefore\n  \"KmsKeyId\": \"k\"\nafter\nlast\n";
        let start = 16;
        let w = window(text, &span_at(text, start, start + 15), 0..text.len());
        assert_eq!(
            std::str::from_utf8(&w.bytes).expect("utf8"),
            "before\n  \"KmsKeyId\": \"k\"\nafter"
        );
        assert_eq!(w.base, 6);
        // One line of 10 MB: a few hundred bytes either side, found without scanning it.
        let long = vec![b'x'; 10 << 20];
        let w = window(
            &long,
            &span_at(&long, 5 << 20, (5 << 20) + 10),
            0..long.len(),
        );
        assert!(w.bytes.len() <= 2 * REACH + 10, "{}", w.bytes.len());
        assert_eq!(w.base, (5 << 20) - REACH);
    }

    #[test]
    fn lines_and_columns() {
        let text = b"{\n  \"a\": [1,\n    2]\n}";
        let pointers: BTreeSet<&str> = ["/a/1", "/a", ""].into_iter().collect();
        let spans = locate_all(text, &pointers);
        // BTreeSet order: "", "/a", "/a/1".
        let s = spans[2].expect("found");
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (3, 5, 3, 6));
        let s = spans[1].expect("found");
        assert_eq!((s.line, s.column), (2, 3));
        let s = spans[0].expect("found");
        assert_eq!((s.line, s.column, s.end_line), (1, 1, 4));
    }

    #[test]
    fn a_byte_order_mark_and_crlf_keep_lines_and_columns() {
        let plain = b"{\"a\": {\"b\": 1}}".to_vec();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&plain);
        let pointers: BTreeSet<&str> = ["/a/b"].into_iter().collect();
        let at = |t: &[u8]| locate_all(t, &pointers)[0].map(|s| (s.line, s.column, s.end_column));
        assert_eq!(at(&plain), Some((1, 8, 14)));
        assert_eq!(at(&bom), at(&plain));
        let crlf = b"{\r\n  \"a\": {\r\n    \"b\": 1}}";
        assert_eq!(at(crlf), Some((3, 5, 11)));
    }
}
