//! The lines of a source around a finding's span, as the text output shows them: a bounded
//! window (a CloudTrail file is one line), CRLF shown as a line break, control characters
//! escaped, secrets already masked when the text was read again (`finding::resolve`).

use std::ops::Range;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::model::Loc;

use super::Report;
use super::escape::{escape, is_unsafe, push_escaped};

/// Widest source line shown; longer lines are cut around the span, longer context lines
/// after this many bytes.
pub const MAX_LINE: usize = 160;

/// How much of a long line is shown before the span.
const LEAD: usize = 40;

/// The lines around a span, cut to a window, with their real line numbers: miette shows it
/// as if it were the file.
pub struct Snippet {
    name: String,
    data: String,
    /// 0-based line number of the window's first line in the file.
    first_line: usize,
    /// 0-based column of the window's first character (a window of a long line).
    first_column: usize,
    /// 0-based line and column of the span's start in the file.
    at: (usize, usize),
    span: SourceSpan,
    note: String,
}

impl Snippet {
    pub fn new(report: &Report, loc: &Loc, note: &str) -> Option<Snippet> {
        let place = report.place(loc);
        let mut span = place.span?;
        // The window around the span, not the file: offsets count from its first byte.
        let window = report.resolved.window(loc)?;
        let text = window.bytes.as_slice();
        span.start -= window.base.min(span.start);
        span.end -= window.base.min(span.end);
        // A byte order mark is not shown, and is not a column.
        let body = if window.base == 0 && text.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let start = span.start.clamp(body, text.len());
        let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(body, |p| p + 1);
        let line_end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |p| start + p);
        let end = span.end.min(line_end).max(start);
        let name = escape(&place.path).into_owned();
        let at = (span.line.saturating_sub(1), span.column.saturating_sub(1));
        let note = escape(note).into_owned();
        if line_end - line_start > MAX_LINE {
            // A long line: show only a window of it around the span.
            let from = floor_char(text, start.saturating_sub(LEAD).max(line_start));
            let to = floor_char(
                text,
                (end.max(start + 1) + LEAD)
                    .min(line_end)
                    .min(from + MAX_LINE),
            );
            let to = to.max(start);
            let (data, span) = show(text, from, start..end.min(to), to);
            // The window's first column, counted back from the span's: the line before the
            // window is never copied.
            let lead_chars = String::from_utf8_lossy(&text[from..start]).chars().count();
            return Some(Snippet {
                name: format!("{name} (cut)"),
                data,
                first_line: at.0,
                first_column: at.1.saturating_sub(lead_chars),
                at,
                span,
                note,
            });
        }
        // One line of context either side, cut when long.
        let mut data = String::new();
        let before = line_start > body;
        if before {
            let nl = line_start - 1;
            let prev = memchr::memrchr(b'\n', &text[..nl]).map_or(body, |p| p + 1);
            push_context(&mut data, text, prev..nl);
            data.push('\n');
        }
        push_shown(&mut data, text, line_start..start);
        let offset = data.len();
        push_shown(&mut data, text, start..end);
        let len = data.len() - offset;
        push_shown(&mut data, text, end..line_end);
        if line_end < text.len() {
            let next = memchr::memchr(b'\n', &text[line_end + 1..])
                .map_or(text.len(), |p| line_end + 1 + p);
            data.push('\n');
            push_context(&mut data, text, line_end + 1..next);
        }
        Some(Snippet {
            name,
            data,
            first_line: at.0 - usize::from(before),
            first_column: 0,
            at,
            span: SourceSpan::new(offset.into(), len.max(1)),
            note,
        })
    }

    pub fn label(&self) -> LabeledSpan {
        LabeledSpan::new_with_span(Some(self.note.clone()), self.span)
    }
}

/// The text `from..to` as shown, and where the span `span` is in it.
fn show(text: &[u8], from: usize, span: Range<usize>, to: usize) -> (String, SourceSpan) {
    let mut data = String::with_capacity(to - from + 16);
    push_shown(&mut data, text, from..span.start);
    let offset = data.len();
    push_shown(&mut data, text, span.clone());
    let len = data.len() - offset;
    push_shown(&mut data, text, span.end..to);
    (data, SourceSpan::new(offset.into(), len.max(1)))
}

/// Appends a context line (without its line break), cut to [`MAX_LINE`] bytes.
fn push_context(out: &mut String, text: &[u8], line: Range<usize>) {
    let end = if line.end > line.start && text[line.end - 1] == b'\r' {
        line.end - 1
    } else {
        line.end
    };
    let cut = floor_char(text, (line.start + MAX_LINE).min(end));
    push_shown(out, text, line.start..cut);
    if cut < end {
        out.push('…');
    }
}

/// Appends `text[range]`: `\r\n` as `\n`, other control characters escaped, invalid UTF-8
/// as U+FFFD.
fn push_shown(out: &mut String, text: &[u8], range: Range<usize>) {
    let mut i = range.start;
    for chunk in text[range].utf8_chunks() {
        for c in chunk.valid().chars() {
            let at = i;
            i += c.len_utf8();
            match c {
                '\n' => out.push('\n'),
                '\r' if text.get(at + 1) == Some(&b'\n') => {}
                c if is_unsafe(c) => push_escaped(out, c),
                c => out.push(c),
            }
        }
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
            i += chunk.invalid().len();
        }
    }
}

fn floor_char(text: &[u8], mut i: usize) -> usize {
    while i > 0 && i < text.len() && (text[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        _span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let lines = self.data.lines().count().max(1);
        // Without context, miette asks where a span starts (the `[file:line:col]` header):
        // answer with the span's own line and column in the file.
        let (line, column) = if before == 0 && after == 0 {
            self.at
        } else {
            (self.first_line, self.first_column)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.data.as_bytes(),
            SourceSpan::new(0.into(), self.data.len()),
            line,
            column,
            lines,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_keeps_the_span_on_its_bytes() {
        let text = b"{\r\n  \"a\": \"\x1b[2J\xe2\x80\xae\",\r\n  \"b\": 1\r\n}";
        let start = text.windows(3).position(|w| w == b"\"b\"").expect("b");
        let (data, span) = show(text, 0, start..start + 6, text.len());
        assert_eq!(data, "{\n  \"a\": \"\\e[2J\\u{202e}\",\n  \"b\": 1\n}");
        assert_eq!(&data[span.offset()..span.offset() + span.len()], "\"b\": 1");
    }
}
