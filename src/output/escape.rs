//! Text from inputs never reaches a terminal raw: a file name, a CloudTrail field or a line
//! of a broken file may hold escape sequences (clear the screen, rewrite the title, move the
//! cursor), a carriage return that overwrites what was printed, a newline that forges a
//! report line, or a bidi override that makes text read differently from what it is. They
//! are shown as visible escapes instead (`\e`, `\r`, `\n`, `\u{7}`, `\u{202e}`).
//!
//! A tab stays: it only moves the cursor forward and JSON files are indented with it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not be printed raw.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\t' => false,
        // C0 controls, DEL and C1 controls (0x9b is a one-byte CSI on some terminals).
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidi embeddings, overrides and isolates ("Trojan Source"); line and paragraph
        // separators, which some viewers break lines at.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// The visible form of an unsafe character.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\u{1b}' => out.push_str("\\e"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `text` with every unsafe character escaped, newlines included: for one-line text (paths,
/// notes, values, diagnostics).
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_if(text, is_unsafe)
}

/// `text` with every unsafe character escaped but its newlines: for text whose layout is a
/// rule author's (a multi-line remediation), whose values were escaped when it was rendered.
pub fn escape_keep_lines(text: &str) -> Cow<'_, str> {
    escape_if(text, |c| c != '\n' && is_unsafe(c))
}

fn escape_if(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(first) = text.find(&unsafe_char) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(
            escape("a\u{1b}[2Jb\u{7}c\rd\ne\u{7f}\u{9b}\u{202e}f\u{2066}\tg"),
            "a\\e[2Jb\\u{7}c\\rd\\ne\\u{7f}\\u{9b}\\u{202e}f\\u{2066}\tg"
        );
        assert!(matches!(escape("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(escape_keep_lines("a\nb\u{1b}\r"), "a\nb\\e\\r");
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let shown = escape(&c.to_string()).into_owned();
            assert!(!shown.chars().any(is_unsafe), "{c:?} shows as {shown:?}");
        }
    }
}
