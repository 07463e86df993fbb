//! Reading a JSON document one part at a time. The members of a top-level object and the
//! elements of an array are each parsed on their own by serde_json, which says where each
//! ends; only the punctuation between them is walked by hand. So a CloudTrail log's records
//! are parsed one at a time, never as one tree, and a record serde_json refuses (nested past
//! its depth limit, not UTF-8, broken syntax) is skipped to its end by a raw scan while the
//! records after it are still read. Every other JSON object (AWS CLI outputs, AWS Config
//! files) is read by the same walk, so its errors are placed where serde_json places them.

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::source::locate::{line_col, skip_value, skip_ws, string_end};

/// A JSON syntax error at a byte of the text.
#[derive(Debug)]
pub struct Syntax {
    /// Offset of the offending byte, or the text's length when the text ends early.
    pub at: usize,
    pub message: String,
    /// The text ends before the value does (a truncated file).
    pub eof: bool,
}

impl Syntax {
    fn at(at: usize, message: &str) -> Self {
        Syntax {
            at,
            message: message.to_owned(),
            eof: false,
        }
    }

    fn eof(text: &[u8], message: &str) -> Self {
        Syntax {
            at: text.len(),
            message: message.to_owned(),
            eof: true,
        }
    }

    /// A serde_json error met parsing `text[base..]`, placed in the whole text.
    pub fn from_serde(text: &[u8], base: usize, e: &serde_json::Error) -> Self {
        let eof = e.classify() == serde_json::error::Category::Eof;
        let slice = &text[base.min(text.len())..];
        // serde_json counts lines from the slice it was given, and its column is the number
        // of bytes read on that line: the byte after the offending one, except at the end.
        let line_start = match e.line() {
            0 | 1 => 0,
            l => memchr::memchr_iter(b'\n', slice)
                .nth(l - 2)
                .map_or(slice.len(), |p| p + 1),
        };
        let index = base + line_start + e.column();
        let at = if eof { index } else { index.saturating_sub(1) };
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        Syntax {
            at: at.min(text.len()),
            message,
            eof,
        }
    }

    /// An error diagnostic for `path`, whose text this is: `{what}: ...`, at the line and
    /// column of the offending byte.
    pub fn diagnostic(&self, path: &std::path::Path, text: &[u8], what: &str) -> Diagnostic {
        let message = if self.eof {
            format!("{what}: the JSON ends early (truncated file?)")
        } else {
            format!("{what}: invalid JSON: {}", self.message)
        };
        let (line, column) = line_col(text, self.at);
        Diagnostic::error(path, message).at(line, column)
    }
}

/// Parses the value at `start` (after optional whitespace); returns it with the offset just
/// past it.
pub fn value_at(text: &[u8], start: usize) -> Result<(Value, usize), Syntax> {
    let mut values =
        serde_json::Deserializer::from_slice(&text[start.min(text.len())..]).into_iter::<Value>();
    match values.next() {
        Some(Ok(value)) => Ok((value, start + values.byte_offset())),
        Some(Err(e)) => Err(Syntax::from_serde(text, start, &e)),
        None => Err(Syntax::eof(text, "EOF while parsing a value")),
    }
}

/// Whether only whitespace follows `end`.
pub fn end(text: &[u8], end: usize) -> Result<(), Syntax> {
    let i = skip_ws(text, end);
    if i < text.len() {
        return Err(Syntax::at(i, "trailing characters"));
    }
    Ok(())
}

/// The offsets of the values that follow each other from `start` (documents concatenated,
/// as gzip members of several logs are), found by a raw scan; stops at the first that does
/// not end.
pub fn documents(text: &[u8], start: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut i = skip_ws(text, start);
    while i < text.len() {
        starts.push(i);
        match skip_value(text, i) {
            Some(end) if end > i => i = skip_ws(text, end),
            _ => break,
        }
    }
    starts
}

/// Why a document could not be read to its end.
#[derive(Debug)]
pub enum Broken {
    Syntax(Syntax),
    /// The reader of the streamed member has reported the problem itself.
    Reported,
}

/// One element of an array, as [`array`] hands it over.
pub struct Element<T = Value> {
    pub index: usize,
    /// Offsets of its first byte and just past its last.
    pub start: usize,
    pub end: usize,
    /// The value, or why serde_json refused it; the walk goes on after it either way.
    pub value: Result<T, Syntax>,
}

/// Walks the array whose `[` is at `open`: each element goes to `on_element` as it is parsed.
/// An element serde_json refuses for a reason of its own (nested too deep, not UTF-8) is
/// handed over as an error and skipped to its end by a raw scan. Returns the offset just
/// past `]`, or, when the rest of the array cannot be read, the index of the element being
/// read and the error.
pub fn array(
    text: &[u8],
    open: usize,
    on_element: &mut dyn FnMut(Element),
) -> Result<usize, (usize, Syntax)> {
    array_with(text, open, &mut value_at, on_element)
}

/// Reads the value at an offset of a text: what it read, and the offset just past it.
pub type Parse<'a, T> = dyn FnMut(&[u8], usize) -> Result<(T, usize), Syntax> + 'a;

/// [`array`], each element read by `parse` (which returns what it read and the offset just
/// past the element): a reader may look at part of an element and skip the rest.
pub fn array_with<T>(
    text: &[u8],
    open: usize,
    parse: &mut Parse<T>,
    on_element: &mut dyn FnMut(Element<T>),
) -> Result<usize, (usize, Syntax)> {
    let mut i = skip_ws(text, open + 1);
    if text.get(i) == Some(&b']') {
        return Ok(i + 1);
    }
    let mut index = 0;
    loop {
        if i >= text.len() {
            return Err((index, Syntax::eof(text, "EOF while parsing a list")));
        }
        let start = i;
        match parse(text, start) {
            Ok((value, end)) => {
                on_element(Element {
                    index,
                    start,
                    end,
                    value: Ok(value),
                });
                i = end;
            }
            Err(e) => match skip_value(text, start) {
                Some(end) if is_local(text, start, end, &e) => {
                    on_element(Element {
                        index,
                        start,
                        end,
                        value: Err(e),
                    });
                    i = end;
                }
                _ => return Err((index, e)),
            },
        }
        index += 1;
        i = skip_ws(text, i);
        match text.get(i) {
            Some(b',') => {
                i = skip_ws(text, i + 1);
                if text.get(i) == Some(&b']') {
                    return Err((index, Syntax::at(i, "trailing comma")));
                }
            }
            Some(b']') => return Ok(i + 1),
            Some(_) => return Err((index, Syntax::at(i, "expected `,` or `]`"))),
            None => return Err((index, Syntax::eof(text, "EOF while parsing a list"))),
        }
    }
}

/// Whether the error in the element `text[start..end]` leaves its bounds certain: serde_json
/// stops at its depth limit and at bytes that are not UTF-8, while the raw scan that found
/// `end` minds neither. After any other error (a missing brace, say) the scan's idea of
/// where the element ends is a guess, and reading on would report damage that is not there.
fn is_local(text: &[u8], start: usize, end: usize, e: &Syntax) -> bool {
    !e.eof
        && (e.message.starts_with("recursion limit exceeded")
            || std::str::from_utf8(&text[start..end]).is_err())
}

/// Reads the object whose `{` is at `open`; returns its members and the offset just past
/// it. The value of each member named `stream_key` goes to `on_stream` with its offset; it
/// reads the value and returns what the document keeps in its place and the offset just
/// past the value. The other members are parsed and kept.
pub fn object(
    text: &[u8],
    open: usize,
    stream_key: &str,
    on_stream: &mut dyn FnMut(usize) -> Result<(Value, usize), Broken>,
) -> Result<(Map<String, Value>, usize), Broken> {
    let syntax = |e| Broken::Syntax(e);
    let eof = || Broken::Syntax(Syntax::eof(text, "EOF while parsing an object"));
    let mut out = Map::new();
    let mut i = skip_ws(text, open + 1);
    if text.get(i) == Some(&b'}') {
        return Ok((out, i + 1));
    }
    loop {
        match text.get(i) {
            Some(b'"') => {}
            Some(_) => return Err(syntax(Syntax::at(i, "key must be a string"))),
            None => return Err(eof()),
        }
        let key_end = string_end(text, i).ok_or_else(eof)?;
        let key = key_text(text, i, key_end).map_err(syntax)?;
        i = skip_ws(text, key_end);
        match text.get(i) {
            Some(b':') => {}
            Some(_) => return Err(syntax(Syntax::at(i, "expected `:`"))),
            None => return Err(eof()),
        }
        i = skip_ws(text, i + 1);
        if i >= text.len() {
            return Err(eof());
        }
        let (value, end) = if key == stream_key {
            on_stream(i)?
        } else {
            value_at(text, i).map_err(syntax)?
        };
        out.insert(key, value);
        i = skip_ws(text, end);
        match text.get(i) {
            Some(b',') => {
                i = skip_ws(text, i + 1);
                if text.get(i) == Some(&b'}') {
                    return Err(syntax(Syntax::at(i, "trailing comma")));
                }
            }
            Some(b'}') => return Ok((out, i + 1)),
            Some(_) => return Err(syntax(Syntax::at(i, "expected `,` or `}`"))),
            None => return Err(eof()),
        }
    }
}

/// The text of the key whose quotes are at `open` and `close - 1`.
fn key_text(text: &[u8], open: usize, close: usize) -> Result<String, Syntax> {
    let quoted = &text[open..close];
    let inner = &quoted[1..quoted.len() - 1];
    if !inner.contains(&b'\\') {
        // The common case: no escapes, so the key is its bytes.
        if let Ok(key) = std::str::from_utf8(inner) {
            return Ok(key.to_owned());
        }
    }
    serde_json::from_slice::<String>(quoted).map_err(|e| Syntax::from_serde(text, open, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Seen = Vec<Result<String, String>>;

    fn records(text: &[u8]) -> (Seen, Result<Map<String, Value>, String>) {
        let mut seen = Vec::new();
        let mut on_stream = |at: usize| {
            let end = array(text, at, &mut |e: Element| {
                seen.push(match e.value {
                    Ok(v) => Ok(format!("{}:{v}", e.index)),
                    Err(s) => Err(format!("{}:{}", e.index, s.message)),
                })
            })
            .map_err(|(_, e)| Broken::Syntax(e))?;
            Ok((Value::from("streamed"), end))
        };
        let start = skip_ws(text, 0);
        let doc = object(text, start, "Records", &mut on_stream)
            .and_then(|(doc, end)| self::end(text, end).map(|_| doc).map_err(Broken::Syntax))
            .map_err(|b| match b {
                Broken::Syntax(s) => format!("{} at {}", s.message, s.at),
                Broken::Reported => "reported".to_owned(),
            });
        (seen, doc)
    }

    #[test]
    fn streams_records_and_keeps_the_rest() {
        let (seen, doc) =
            records(br#"{"a": 1, "Records": [{"eventName": "X"}, 7], "b": [2], "c\u0021": 3}"#);
        assert_eq!(
            seen,
            vec![Ok(r#"0:{"eventName":"X"}"#.into()), Ok("1:7".into())]
        );
        let doc = doc.expect("parses");
        assert_eq!(doc.get("a"), Some(&Value::from(1)));
        assert_eq!(doc.get("b"), Some(&serde_json::json!([2])));
        assert_eq!(doc.get("c!"), Some(&Value::from(3)));
        assert_eq!(doc.get("Records"), Some(&Value::from("streamed")));
    }

    #[test]
    fn an_element_too_deep_or_not_utf8_is_skipped_and_the_next_one_read() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let mut text = format!(r#"{{"Records": [{{"a": {deep}}}, {{"d": 2}}]}}"#).into_bytes();
        text.splice(text.len() - 2..text.len() - 2, *b", {\"e\": \"\xff\"}, 3");
        let (seen, doc) = records(&text);
        assert!(doc.is_ok(), "{doc:?}");
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(matches!(&seen[0], Err(m) if m.starts_with("0:recursion limit")));
        assert_eq!(seen[1], Ok(r#"1:{"d":2}"#.into()));
        assert!(matches!(&seen[2], Err(m) if m.starts_with("2:")));
        assert_eq!(seen[3], Ok("3:3".into()));
    }

    #[test]
    fn other_damage_in_an_element_ends_the_walk() {
        // The missing `}` makes the raw scan swallow the next record: reading on would
        // misname everything after it.
        let (seen, doc) = records(br#"{"Records": [{"a": {"b": 1}, {"c": 2}, {"d": 3}]}"#);
        assert!(seen.is_empty(), "{seen:?}");
        assert!(doc.is_err());
    }

    #[test]
    fn records_before_a_truncation_are_kept() {
        let (seen, doc) =
            records(br#"{"Records": [{"eventName": "X"}, {"eventName": "Y"}, {"eventN"#);
        assert_eq!(seen.len(), 2);
        let doc = doc.expect_err("truncated");
        assert!(doc.starts_with("EOF while parsing a string"), "{doc}");
    }

    #[test]
    fn errors_are_placed_where_serde_json_places_them() {
        let text = b"{\n  \"Images\": [\n    {\"ImageId\": \"ami-1\",,}\n  ]\n}\n";
        let mut never = |_: usize| -> Result<(Value, usize), Broken> { Err(Broken::Reported) };
        let Err(Broken::Syntax(e)) = object(text, 0, "Records", &mut never) else {
            panic!("a syntax error");
        };
        assert_eq!(line_col(text, e.at), (3, 25));
        let whole = serde_json::from_slice::<Value>(text).expect_err("invalid");
        assert_eq!((whole.line(), whole.column()), (3, 25));
        let (_, end) = object(b"{\"a\": 1} x", 0, "Records", &mut never).expect("an object");
        assert_eq!(
            self::end(b"{\"a\": 1} x", end).map_err(|e| e.message),
            Err("trailing characters".to_owned())
        );
        assert_eq!(documents(b" {\"a\": [1]}\n[2] 3 {", 0), [1, 12, 16, 18]);
        for (text, message) in [
            (&b"{\"a\": 1,}"[..], "trailing comma"),
            (b"{\"a\" 1}", "expected `:`"),
            (b"{1: 2}", "key must be a string"),
            (b"{\"a\": 1 \"b\": 2}", "expected `,` or `}`"),
        ] {
            let Err(Broken::Syntax(e)) = object(text, 0, "Records", &mut never) else {
                panic!("{message}: a syntax error");
            };
            assert_eq!(e.message, message);
        }
    }
}
