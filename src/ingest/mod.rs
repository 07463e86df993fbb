//! Ingest: one input file in, model items and CloudTrail events out. The kind of a file is
//! recognised by its content, with its path as the tie-breaker.

mod cloudtrail;
pub mod config;
pub mod export;
pub mod filter;
mod head;
pub mod layout;
mod placed;
pub mod project;
mod stream;

use std::path::Path;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::model::{Event, Item, looks_like_record};
use crate::source::locate::line_col;
use crate::source::{self, SourceId};

use cloudtrail::Log;
use export::Reader;
pub use head::{FieldsFor, Head, READ_ALL, Select, Take};

use layout::PathHint;

/// What one file gave.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub items: Vec<Item>,
    pub events: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// What the file was taken for, for `--verbose` listings and tests.
    pub kind: Option<&'static str>,
}

/// Reads one file, refusing one over `max_bytes` (read or decompressed). CloudTrail
/// records go to `on_event` as they are parsed, those that `select` reads ([`Take::Read`]);
/// whatever was read before an error is kept.
pub fn read_file(
    id: SourceId,
    path: &Path,
    max_bytes: u64,
    select: Select,
    on_event: &mut dyn FnMut(&Event),
) -> FileOutcome {
    read_decoded(
        id,
        path,
        source::read_limited(path, max_bytes),
        select,
        on_event,
    )
}

/// [`read_file`] for a file whose bytes were fetched (an object in S3): `name` is its
/// address, for the place it names and the diagnostics.
pub fn read_bytes(
    id: SourceId,
    name: &Path,
    bytes: Vec<u8>,
    max_bytes: u64,
    select: Select,
    on_event: &mut dyn FnMut(&Event),
) -> FileOutcome {
    let empty_gzip = bytes.is_empty() && name.to_string_lossy().ends_with(".gz");
    let decoded = if empty_gzip {
        Err(source::ReadError::EmptyGzip)
    } else {
        source::decode(bytes, max_bytes)
    };
    read_decoded(id, name, decoded, select, on_event)
}

fn read_decoded(
    id: SourceId,
    path: &Path,
    decoded: Result<source::Text, source::ReadError>,
    select: Select,
    on_event: &mut dyn FnMut(&Event),
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let source::Text {
        text,
        broken,
        gzip_members,
    } = match decoded {
        Ok(read) => read,
        Err(source::ReadError::Io(e)) => {
            out.diagnostics
                .push(Diagnostic::error(path, read_error_message(path, &e)));
            return out;
        }
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(path, e.to_string()));
            return out;
        }
    };
    let origin = Origin {
        truncated: broken.is_some(),
        gzip_members,
    };
    let mut sink = Sink { select, on_event };
    read_text(id, path, &text, origin, &mut sink, &mut out);
    if let Some(e) = &broken {
        // Only a log says how many of its records came before the damage.
        let records = if out.events > 0 || out.kind == Some("cloudtrail") {
            format!(
                "; the {} CloudTrail records before it were read",
                out.events
            )
        } else {
            String::new()
        };
        out.diagnostics.push(Diagnostic::error(
            path,
            format!(
                "{} (after {} decompressed bytes){records}",
                read_error_message(path, e),
                text.len(),
            ),
        ));
    }
    source::recycle(text);
    compact(path, &mut out);
    out
}

/// Makes the file's pieces compact now, while its trees are the only ones held: the model
/// keeps documents, never `serde_json::Value`s (src/model/document).
fn compact(path: &Path, out: &mut FileOutcome) {
    let items = std::mem::take(&mut out.items);
    out.items.reserve_exact(items.len());
    for item in items {
        match item.compact() {
            Ok(item) => out.items.push(item),
            Err(_) => out.diagnostics.push(Diagnostic::error(
                path,
                "a resource in this file is described by more than the 4 GiB of text atrest \
                 models for one resource; it was left out of the scan",
            )),
        }
    }
}

/// Where a file's records go: `select` decides from a record's head whether it is read,
/// `on_event` gets those that are.
pub struct Sink<'a> {
    pub select: Select<'a>,
    pub on_event: &'a mut dyn FnMut(&Event),
}

/// What decompressing a file said about its text.
#[derive(Clone, Copy, Debug, Default)]
struct Origin {
    /// The text stops early because decompression failed (reported by the caller).
    truncated: bool,
    gzip_members: usize,
}

fn read_text(
    id: SourceId,
    path: &Path,
    text: &[u8],
    origin: Origin,
    sink: &mut Sink,
    out: &mut FileOutcome,
) {
    let hint = PathHint::read(path);
    let body = strip_bom(text);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        placed::read_empty(id, path, &hint, out);
        return;
    };
    if export::placed(&hint).is_some() {
        // The path decides: never a CloudTrail log or a Config file read into an API's place.
        placed::read_placed(id, path, body, &hint, sink, out);
        return;
    }
    match body[start] {
        b'{' | b'[' if !is_json_lines(body, start) => {
            read_document(id, path, body, &hint, origin, sink, out)
        }
        b'{' | b'[' => {
            let mut log = Log::new(
                id,
                path,
                origin.truncated,
                sink.select,
                &mut *sink.on_event,
                out,
            );
            log.json_lines(body);
            log.finish();
        }
        _ => {
            let (line, column) = line_col(body, start);
            out.diagnostics.push(
                Diagnostic::error(
                    path,
                    "not JSON: expected `{` or `[` (is this a CloudTrail, AWS CLI or AWS Config file?)",
                )
                .at(line, column),
            );
        }
    }
}

fn read_error_message(path: &Path, e: &std::io::Error) -> String {
    let gz = path.to_string_lossy().ends_with(".gz");
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof if gz => {
            "truncated gzip file: the compressed stream ends early".into()
        }
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData if gz => {
            format!("corrupt gzip file: {e}")
        }
        _ => format!("cannot read: {e}"),
    }
}

fn strip_bom(text: &[u8]) -> &[u8] {
    text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text)
}

/// JSON lines: the first line holds a complete value and more values follow.
fn is_json_lines(body: &[u8], start: usize) -> bool {
    let Some(nl) = memchr::memchr(b'\n', &body[start..]) else {
        return false;
    };
    let first = &body[start..start + nl];
    let rest = &body[start + nl..];
    rest.iter().any(|b| !b.is_ascii_whitespace())
        && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

/// A JSON document: an object or an array.
fn read_document(
    id: SourceId,
    path: &Path,
    body: &[u8],
    hint: &PathHint,
    origin: Origin,
    sink: &mut Sink,
    out: &mut FileOutcome,
) {
    let truncated = origin.truncated;
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if body.get(start) == Some(&b'[') {
        let mut log = Log::new(id, path, truncated, sink.select, &mut *sink.on_event, out);
        log.array(body, start);
        log.finish();
        return;
    }
    if origin.gzip_members > 1 {
        // Several gzip members may be several logs (`cat a.json.gz b.json.gz`). Only then is
        // the text scanned for where its documents start: a record's pointer names its
        // document, so this is known before the first record is read.
        let starts = stream::documents(body, start);
        if starts.len() > 1 {
            let mut log = Log::new(id, path, truncated, sink.select, &mut *sink.on_event, out);
            log.documents(body, &starts);
            log.finish();
            return;
        }
    }
    let mut log = Log::new(
        id,
        path,
        truncated,
        sink.select,
        &mut *sink.on_event,
        &mut *out,
    );
    let doc = stream::object(body, start, "Records", &mut |at| log.records(body, at)).and_then(
        |(doc, end)| {
            stream::end(body, end)
                .map(|()| doc)
                .map_err(stream::Broken::Syntax)
        },
    );
    log.finish();
    match doc {
        Ok(doc) => classify_object(id, path, body, Value::Object(doc), hint, sink, out),
        Err(stream::Broken::Reported) => {}
        Err(stream::Broken::Syntax(e)) if truncated && e.eof => {}
        Err(stream::Broken::Syntax(e)) => {
            let what = if out.kind == Some("cloudtrail") {
                "CloudTrail log"
            } else {
                "JSON document"
            };
            out.diagnostics.push(e.diagnostic(path, body, what));
        }
    }
}

fn classify_object(
    id: SourceId,
    path: &Path,
    body: &[u8],
    doc: Value,
    hint: &PathHint,
    sink: &mut Sink,
    out: &mut FileOutcome,
) {
    if doc.get("Records").is_some() {
        out.kind = Some("cloudtrail");
        return;
    }
    if let Some(events) = doc.get("Events").and_then(Value::as_array) {
        let mut log = Log::new(id, path, false, sink.select, &mut *sink.on_event, out);
        log.lookup_events(events);
        log.finish();
        return;
    }
    let ctx = export::Ctx { source: id, hint };
    if config::recognises(&doc) {
        placed::read_config(&doc, &ctx, path, out);
        return;
    }
    if hint.error_file && doc.get("error_code").is_some() {
        match export::by_name(hint) {
            Some(api) => placed::read_error_file(api, &doc, &ctx, path, out),
            None => out.diagnostics.push(Diagnostic::warning(
                path,
                "skipped: the file name does not name an AWS CLI call atrest reads",
            )),
        }
        return;
    }
    if let Some(api) = export::identify(&doc, hint)
        && let Reader::Export(_) = api.read
    {
        placed::read_call(api, doc, body, &ctx, path, out);
        return;
    }
    if looks_like_record(&doc) {
        let mut log = Log::new(id, path, false, sink.select, &mut *sink.on_event, out);
        log.single(doc);
        log.finish();
        return;
    }
    // Names only, each cut short: the content of an unknown file is not echoed.
    let keys: Vec<String> = doc
        .as_object()
        .map(|o| o.keys().take(6).map(|k| short(k, 40)).collect())
        .unwrap_or_default();
    out.diagnostics.push(Diagnostic::error(
        path,
        format!(
            "unrecognised JSON (top-level keys: {}): not an AWS CLI output atrest reads, a \
             CloudTrail log or an AWS Config file",
            if keys.is_empty() {
                "none".to_owned()
            } else {
                keys.join(", ")
            }
        ),
    ));
}

/// At most `max` characters of `s`, with `…` when cut.
fn short(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
