//! The line of a broken input at a diagnostic's position, cut around the column, with a
//! caret under it. The file is streamed up to the end of the window and only the window is
//! kept: the excerpt of a truncated one-line log of a gigabyte costs what it shows.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::escape::escape;
use crate::redact::mask_text;
use crate::source;

/// Characters shown either side of the column.
const SIDE: usize = 60;

pub fn excerpt(path: &Path, line: usize, column: usize) -> Option<String> {
    let reader = BufReader::with_capacity(64 * 1024, source::open(path).ok()?);
    let mut window = Window::read(reader, line, column.saturating_sub(1))?;
    let before = String::from_utf8_lossy(window.before.make_contiguous());
    let split = before.chars().count();
    let whole = format!("{before}{}", String::from_utf8_lossy(&window.after));
    // Masking keeps every character's place, so the caret stays under the column.
    let whole = mask_text(&whole);
    let cut = whole
        .char_indices()
        .nth(split)
        .map_or(whole.len(), |(i, _)| i);
    let (before, after) = whole.split_at(cut);
    let (before, after) = (escape(before), escape(after));
    let lead = if window.cut_before { "…" } else { "" };
    let trail = if window.cut_after { "…" } else { "" };
    let gutter = format!("{line} │ ");
    let caret = " ".repeat(gutter.chars().count() + lead.chars().count() + before.chars().count());
    Some(format!("{gutter}{lead}{before}{after}{trail}\n{caret}^\n"))
}

/// The bytes of up to [`SIDE`] characters before a column and from it, of one line.
#[derive(Debug, Default)]
struct Window {
    before: VecDeque<u8>,
    after: Vec<u8>,
    cut_before: bool,
    cut_after: bool,
}

impl Window {
    /// `line` is 1-based, `at` a 0-based character index in it.
    fn read(mut r: impl BufRead, line: usize, at: usize) -> Option<Window> {
        let mut newlines = line.checked_sub(1)?;
        while newlines > 0 {
            let buf = r.fill_buf().ok()?;
            if buf.is_empty() {
                return None;
            }
            match memchr::memchr(b'\n', buf) {
                Some(p) => {
                    r.consume(p + 1);
                    newlines -= 1;
                }
                None => {
                    let n = buf.len();
                    r.consume(n);
                }
            }
        }
        if line == 1 && r.fill_buf().ok()?.starts_with(b"\xEF\xBB\xBF") {
            // serde_json's columns start after a byte order mark.
            r.consume(3);
        }
        let mut w = Window::default();
        let mut before_chars = 0usize;
        // Characters of the line met so far.
        let mut chars = 0usize;
        'read: while let Ok(buf) = r.fill_buf() {
            if buf.is_empty() {
                break;
            }
            let nl = memchr::memchr(b'\n', buf);
            let chunk = &buf[..nl.unwrap_or(buf.len())];
            let starts = chunk.iter().filter(|b| is_char_start(**b)).count();
            if nl.is_none() && chars + starts + SIDE + 4 < at {
                // Far before the window: nothing of this chunk is shown.
                chars += starts;
                w.cut_before |= starts > 0 || !w.before.is_empty();
                w.before.clear();
                before_chars = 0;
                let n = buf.len();
                r.consume(n);
                continue;
            }
            for &b in chunk {
                if is_char_start(b) {
                    chars += 1;
                }
                // The index of the character this byte belongs to.
                let index = chars.saturating_sub(1);
                if index < at {
                    w.before.push_back(b);
                    if is_char_start(b) {
                        before_chars += 1;
                    }
                    while before_chars > SIDE {
                        w.before.pop_front();
                        while w.before.front().is_some_and(|b| !is_char_start(*b)) {
                            w.before.pop_front();
                        }
                        before_chars -= 1;
                        w.cut_before = true;
                    }
                } else if index < at + SIDE {
                    w.after.push(b);
                } else {
                    w.cut_after = true;
                    break 'read;
                }
            }
            if nl.is_some() {
                break;
            }
            let n = buf.len();
            r.consume(n);
        }
        // The `\r` of a CRLF line end is not part of the line.
        if w.after.last() == Some(&b'\r') && !w.cut_after {
            w.after.pop();
        } else if w.after.is_empty() && w.before.back() == Some(&b'\r') {
            w.before.pop_back();
        }
        Some(w)
    }
}

fn is_char_start(b: u8) -> bool {
    (b & 0xC0) != 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn read(text: &[u8], line: usize, column: usize) -> Option<String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.json");
        std::fs::write(&path, text).expect("write");
        excerpt(&path, line, column)
    }

    #[test]
    fn the_line_around_the_column_with_a_caret() {
        let text = b"{\r\n  \"a\": \x1b[2J,\r\n}\r\n";
        assert_eq!(
            read(text, 2, 8).expect("line 2"),
            "2 │   \"a\": \\e[2J,\n           ^\n"
        );
        assert_eq!(
            read(b"\xEF\xBB\xBF{x", 1, 2).expect("line 1"),
            "1 │ {x\n     ^\n"
        );
        assert_eq!(read(b"{}", 3, 1), None);
        let secret = b"{\"SessionToken\": \"abcdef\", x}";
        let shown = read(secret, 1, 28).expect("line 1");
        assert!(
            shown.starts_with("1 │ {\"SessionToken\": \"******\", x}\n"),
            "{shown}"
        );
        assert_eq!(shown.lines().nth(1).map(|l| l.len()), Some(4 + 27 + 1));
    }

    #[test]
    fn a_huge_line_costs_the_window() {
        // A 64 MB line, read as a stream that is never held whole.
        let big = Cursor::new(vec![b'a'; 64 << 20]).chain(Cursor::new(b"}!".to_vec()));
        let w = Window::read(BufReader::new(big), 1, (64 << 20) + 1).expect("the line");
        assert_eq!(w.before.len(), SIDE);
        assert_eq!(w.after, b"!");
        assert!(w.cut_before && !w.cut_after);
        let long = vec![b'x'; 10_000];
        let shown = read(&long, 1, 5000).expect("line 1");
        assert!(
            shown.chars().count() < 2 * (2 * SIDE + 20),
            "{}",
            shown.len()
        );
    }
}
