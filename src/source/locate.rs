//! Positions in a source's JSON text, without building a tree: a JSON pointer to a byte span,
//! a byte offset to a 1-based line and column, and the raw scanning (`skip_value`) readers use
//! to find where a value ends. Findings are located this way only when they are reported, so
//! the hot path never tracks spans; readers use it to point a diagnostic at its member.
//!
//! Two tolerances make pointers written against the model land in the file:
//! - keys match exactly, else case-insensitively (AWS Config writes `keyState` for the
//!   `KeyState` of the KMS API);
//! - a pointer that continues into a JSON *string* holding JSON (a bucket or key policy as the
//!   AWS CLI prints it) descends into the embedded document, mapping positions back to the
//!   escaped text of the file.

/// A resolved region of a source: bytes `start..end`, and how many pointer tokens were
/// followed (fewer than asked when the pointer goes past what the file holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub depth: usize,
}

/// Finds the node at `pointer` (already split into unescaped tokens) in JSON `text`.
/// The span covers `"key": value` for an object member, the value for an array element or
/// the root. Returns the deepest node reached; `None` only if the text is not JSON at all.
pub fn locate(text: &[u8], pointer: &[&str]) -> Option<Span> {
    locate_with(text, pointer, &mut ArrayIndex::default())
}

/// Start offsets of the elements of the arrays met so far, by the array's offset: many
/// findings in one big file (`describe-volumes`, a CloudTrail log) then cost one pass.
#[derive(Debug, Default)]
pub struct ArrayIndex {
    arrays: std::collections::HashMap<usize, Vec<usize>>,
    /// Whether the text is a stream of values (JSON lines), found out once.
    stream: Option<bool>,
}

impl ArrayIndex {
    fn element(&mut self, text: &[u8], array: usize, n: usize) -> Option<usize> {
        if n < 8 && !self.arrays.contains_key(&array) {
            return find_element(text, array, n);
        }
        let starts = self
            .arrays
            .entry(array)
            .or_insert_with(|| element_starts(text, array));
        starts.get(n).copied()
    }
}

fn element_starts(text: &[u8], array: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut j = skip_ws(text, array + 1);
    if text.get(j) == Some(&b']') {
        return starts;
    }
    loop {
        starts.push(j);
        let Some(end) = skip_value(text, j) else {
            break;
        };
        j = skip_ws(text, end);
        if text.get(j) != Some(&b',') {
            break;
        }
        j = skip_ws(text, j + 1);
    }
    starts
}

/// [`locate`], reusing the element offsets of arrays already walked.
pub fn locate_with(text: &[u8], pointer: &[&str], index: &mut ArrayIndex) -> Option<Span> {
    let mut i = skip_ws(text, 0);
    if i >= text.len() {
        return None;
    }
    let mut span_start = i;
    let mut depth = 0;
    // A stream of values (JSON lines): the first token picks the value.
    let stream = *index.stream.get_or_insert_with(|| {
        skip_value(text, i).is_some_and(|end| skip_ws(text, end) < text.len())
    });
    if let (true, Some(first)) = (stream, pointer.first()) {
        let n: usize = first.parse().ok()?;
        let starts = index
            .arrays
            .entry(usize::MAX)
            .or_insert_with(|| stream_starts(text, i));
        i = *starts.get(n)?;
        span_start = i;
        depth = 1;
    }
    for token in &pointer[depth..] {
        match text.get(i) {
            Some(b'{') => match find_member(text, i, token) {
                Some((key_start, value_start)) => {
                    span_start = key_start;
                    i = value_start;
                }
                None => break,
            },
            Some(b'[') => {
                let Some(value_start) = token.parse().ok().and_then(|n| index.element(text, i, n))
                else {
                    break;
                };
                span_start = value_start;
                i = value_start;
            }
            Some(b'"') => {
                // The rest of the pointer walks the JSON held in this string, if it is JSON.
                let rest = &pointer[depth..];
                if let Some(inner) = locate_embedded(text, i, rest) {
                    return Some(Span {
                        start: inner.start,
                        end: inner.end,
                        depth: depth + inner.depth,
                    });
                }
                break;
            }
            _ => break,
        }
        depth += 1;
    }
    let end = skip_value(text, i).unwrap_or(text.len());
    Some(Span {
        start: span_start,
        end,
        depth,
    })
}

/// Start offsets of the values of a stream (JSON lines).
fn stream_starts(text: &[u8], first: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut j = first;
    while j < text.len() {
        starts.push(j);
        let Some(end) = skip_value(text, j) else {
            break;
        };
        j = skip_ws(text, end);
    }
    starts
}

/// 1-based line and column (in Unicode scalar values) of byte `offset`.
pub fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&text[line_start..offset])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Splits an RFC 6901 JSON pointer into unescaped tokens.
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

pub(crate) fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = text.get(i) {
        i += 1;
    }
    i
}

/// Index just past the closing quote of the string starting at `i`.
pub(crate) fn string_end(text: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', text.get(j..)?)?;
        if text[k] == b'\\' {
            j = k + 2;
        } else {
            return Some(k + 1);
        }
    }
}

/// Index just past the value starting at `i` (iterative: nesting depth is unbounded here).
pub(crate) fn skip_value(text: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut depth = 0usize;
    loop {
        match *text.get(j)? {
            b'"' => j = string_end(text, j)?,
            b'{' | b'[' => {
                depth += 1;
                j += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                j += 1;
            }
            _ if depth == 0 => {
                // A scalar: runs to the next delimiter.
                while let Some(&c) = text.get(j) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    j += 1;
                }
                return Some(j);
            }
            _ => j += 1,
        }
        if depth == 0 {
            return Some(j);
        }
    }
}

/// In the object at `i`, the (key start, value start) of member `name`: an exact match, else
/// the first case-insensitive one.
fn find_member(text: &[u8], i: usize, name: &str) -> Option<(usize, usize)> {
    let mut j = skip_ws(text, i + 1);
    let mut folded = None;
    while text.get(j) == Some(&b'"') {
        let key_end = string_end(text, j)?;
        let key = decode_key(&text[j..key_end]);
        let colon = skip_ws(text, key_end);
        if text.get(colon) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(text, colon + 1);
        if key.as_deref() == Some(name) {
            return Some((j, value_start));
        }
        if folded.is_none() && key.is_some_and(|k| k.eq_ignore_ascii_case(name)) {
            folded = Some((j, value_start));
        }
        j = skip_ws(text, skip_value(text, value_start)?);
        if text.get(j) == Some(&b',') {
            j = skip_ws(text, j + 1);
        }
    }
    folded
}

fn decode_key(quoted: &[u8]) -> Option<String> {
    let inner = &quoted[1..quoted.len().saturating_sub(1).max(1)];
    if !inner.contains(&b'\\') {
        return std::str::from_utf8(inner).ok().map(str::to_owned);
    }
    serde_json::from_slice(quoted).ok()
}

/// In the array at `i`, the start of element `n`.
fn find_element(text: &[u8], i: usize, n: usize) -> Option<usize> {
    let mut j = skip_ws(text, i + 1);
    if text.get(j) == Some(&b']') {
        return None;
    }
    for _ in 0..n {
        j = skip_ws(text, skip_value(text, j)?);
        if text.get(j) != Some(&b',') {
            return None;
        }
        j = skip_ws(text, j + 1);
    }
    Some(j)
}

/// Walks `pointer` inside the JSON document held in the string literal at `i`, returning a
/// span in the coordinates of the outer (escaped) text.
fn locate_embedded(text: &[u8], i: usize, pointer: &[&str]) -> Option<Span> {
    let end = string_end(text, i)?;
    let raw = &text[i + 1..end - 1];
    let (decoded, map) = unescape_with_map(raw)?;
    let inner = locate(&decoded, pointer)?;
    let start = i + 1 + map.get(inner.start).copied()?;
    let stop = i + 1 + map.get(inner.end).copied().unwrap_or(raw.len());
    Some(Span {
        start,
        end: stop,
        depth: inner.depth,
    })
}

/// Unescapes a JSON string body, recording for each decoded byte the offset of the escaped
/// byte it came from (plus one final entry for the end).
fn unescape_with_map(raw: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut j = 0;
    while j < raw.len() {
        if raw[j] != b'\\' {
            out.push(raw[j]);
            map.push(j);
            j += 1;
            continue;
        }
        let c = *raw.get(j + 1)?;
        let simple = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            map.push(j);
            j += 2;
        } else if c == b'u' {
            // Non-ASCII escapes only matter for positions: decode the whole escaped char.
            let hex = std::str::from_utf8(raw.get(j + 2..j + 6)?).ok()?;
            let code = u32::from_str_radix(hex, 16).ok()?;
            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push(b);
                map.push(j);
            }
            j += 6;
        } else {
            return None;
        }
    }
    map.push(raw.len());
    Some((out, map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, pointer: &str) -> (&'a str, usize) {
        let tokens = pointer_tokens(pointer);
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let span = locate(text.as_bytes(), &tokens).expect("json");
        (&text[span.start..span.end], span.depth)
    }

    #[test]
    fn members_and_elements() {
        let text =
            r#"{"Volumes": [ {"VolumeId": "vol-1"}, {"VolumeId": "vol-2", "Encrypted": false} ]}"#;
        assert_eq!(
            at(text, "/Volumes/1/Encrypted"),
            (r#""Encrypted": false"#, 3)
        );
        assert_eq!(at(text, "/Volumes/0"), (r#"{"VolumeId": "vol-1"}"#, 2));
        assert_eq!(at(text, ""), (text, 0));
    }

    #[test]
    fn deepest_reached_when_pointer_goes_past() {
        let text = r#"{"a": {"b": 1}}"#;
        assert_eq!(at(text, "/a/missing/x"), (r#""a": {"b": 1}"#, 1));
        assert_eq!(at(text, "/a/b/c"), (r#""b": 1"#, 2));
    }

    #[test]
    fn case_insensitive_fallback_prefers_exact() {
        let text = r#"{"keyState": "x", "KeyState": "y"}"#;
        assert_eq!(at(text, "/KeyState").0, r#""KeyState": "y""#);
        assert_eq!(
            at(r#"{"keyState": "x"}"#, "/KeyState").0,
            r#""keyState": "x""#
        );
    }

    #[test]
    fn escaped_keys_and_strings() {
        let text = r#"{"a\"b": "x\\\"]}", "c": [1, "]", {"d": null}]}"#;
        assert_eq!(at(text, "/c/2/d").0, r#""d": null"#);
        assert_eq!(at(text, "/a\"b").0, r#""a\"b": "x\\\"]}""#);
    }

    #[test]
    fn descends_into_embedded_json() {
        let text = "{\n    \"Policy\": \"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\"}]}\"\n}";
        let (got, depth) = at(text, "/Policy/Statement/0/Principal");
        assert_eq!(got, "\\\"Principal\\\":\\\"*\\\"");
        assert_eq!(depth, 4);
        let span = locate(text.as_bytes(), &["Policy", "Statement", "0"]).expect("json");
        assert_eq!(line_col(text.as_bytes(), span.start), (2, 32));
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "{\n  \"é\": 1,\n  \"k\": 2\n}";
        let span = locate(text.as_bytes(), &["k"]).expect("json");
        assert_eq!(line_col(text.as_bytes(), span.start), (3, 3));
        let span = locate(text.as_bytes(), &["é"]).expect("json");
        assert_eq!(line_col(text.as_bytes(), span.end), (2, 9));
    }

    #[test]
    fn json_lines_streams() {
        let text = "{\"eventName\": \"A\"}\n\n{\"eventName\": \"B\", \"x\": 1}\n";
        assert_eq!(at(text, "/1/x").0, "\"x\": 1");
        assert_eq!(at(text, "/0").0, "{\"eventName\": \"A\"}");
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in [
            "",
            "{",
            "[",
            "{\"a\"",
            "{\"a\":",
            "[1,",
            "\"abc",
            "{\"a\":[{]}",
        ] {
            let _ = locate(text.as_bytes(), &["a", "0", "b"]);
        }
        assert_eq!(pointer_tokens("/a~1b/c~0d"), vec!["a/b", "c~d"]);
    }
}

/// Lines and columns of offsets met in increasing order (the records of a log, as they are
/// read): each call counts only the bytes since the last, so locating every record of a
/// file costs one pass over it. Columns count characters, as [`line_col`] does; the text
/// must be UTF-8. A UTF-8 byte order mark is not a column of the first line.
#[derive(Debug)]
pub struct LineCursor {
    offset: usize,
    line: usize,
    column: usize,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

impl LineCursor {
    /// The line and column of `offset`; an offset before the last one starts over.
    pub fn at(&mut self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        if offset < self.offset {
            *self = LineCursor::default();
        }
        if self.offset == 0 && text.starts_with(b"\xEF\xBB\xBF") {
            self.offset = 3.min(offset);
        }
        let from = self.offset.min(offset);
        let chars = |s: &[u8]| {
            if s.is_ascii() {
                s.len()
            } else {
                s.iter().filter(|b| (**b & 0xC0) != 0x80).count()
            }
        };
        let gap = &text[from..offset];
        match memchr::memrchr(b'\n', gap) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', gap).count();
                self.column = chars(&gap[last + 1..]) + 1;
            }
            None => self.column += chars(gap),
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

#[cfg(test)]
mod cursor_tests {
    use super::*;

    #[test]
    fn agrees_with_line_col_in_any_order() {
        let text = "{\"a\": [1,\n  \"é\u{1F600}x\", 2],\n\"b\":\n\n 3}".as_bytes();
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| i == text.len() || (text[i] & 0xC0) != 0x80)
            .collect();
        let mut cursor = LineCursor::default();
        for &i in &offsets {
            assert_eq!(cursor.at(text, i), line_col(text, i), "offset {i}");
        }
        for &i in offsets.iter().rev().step_by(3) {
            assert_eq!(
                cursor.at(text, i),
                line_col(text, i),
                "offset {i} going back"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = b"\xEF\xBB\xBF{\"a\": 1}";
        assert_eq!(LineCursor::default().at(text, 4), (1, 2));
    }
}
