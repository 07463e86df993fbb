//! Message and remediation templates: text with `{Field.Path}` placeholders, filled from
//! the document a rule fired on. `{Path|fallback}` gives the text used when the field is
//! absent (itself a template: `{KmsKey.Arn|{KmsKeyId}}`). A `{` not followed by a letter,
//! and `{{`/`}}`, are literal braces. A placeholder shows its value as [`show_value`] says.

use std::borrow::Cow;

use serde_json::Value;

use super::doc::Doc;
use crate::output::escape::escape;
use crate::redact;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field {
        path: Vec<String>,
        fallback: Option<Template>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if (c == '{' && next == Some('{')) || (c == '}' && next == Some('}')) {
                buf.push(c);
                i += 2;
                continue;
            }
            // `{` opens a placeholder only before a field path, so JSON or CLI shorthand in a
            // remediation (`'{"Rules":[...]}'`, `Rules=[{ObjectOwnership=...}]`) stays as is.
            if c == '{'
                && next.is_some_and(|n| n.is_ascii_alphabetic())
                && let Some((inner, end)) = placeholder(&chars, i)
            {
                let (path, fallback) = match inner.split_once('|') {
                    Some((p, f)) => (p, Some(Template::parse(f)?)),
                    None => (inner.as_str(), None),
                };
                if is_path(path) {
                    if !buf.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut buf)));
                    }
                    parts.push(Part::Field {
                        path: path.split('.').map(str::to_owned).collect(),
                        fallback,
                    });
                    i = end + 1;
                    continue;
                }
            }
            buf.push(c);
            i += 1;
        }
        if !buf.is_empty() {
            parts.push(Part::Text(buf));
        }
        Ok(Template { parts })
    }

    /// The field paths the template reads.
    pub fn paths(&self) -> Vec<&[String]> {
        let mut out = Vec::new();
        for part in &self.parts {
            if let Part::Field { path, fallback } = part {
                out.push(path.as_slice());
                if let Some(f) = fallback {
                    out.extend(f.paths());
                }
            }
        }
        out
    }

    pub fn render(&self, doc: Doc) -> String {
        self.render_raw(doc).trim().to_owned()
    }

    fn render_raw(&self, doc: Doc) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field { path, fallback } => {
                    let secret = path.iter().any(|seg| redact::is_secret_name(seg));
                    let mut seen: Vec<String> = Vec::new();
                    doc.any(path, &mut |v| {
                        if !v.is_null() {
                            let text = match v.as_str() {
                                Some(s) => show_str(secret, s, MAX_VALUE),
                                None => show_value(secret, &v.to_value(), MAX_VALUE),
                            };
                            if !seen.contains(&text) {
                                seen.push(text);
                            }
                        }
                        false
                    });
                    if seen.is_empty() {
                        match fallback {
                            Some(f) => out.push_str(&f.render_raw(doc)),
                            None => out.push_str("(unknown)"),
                        }
                    } else {
                        out.push_str(&seen.join(", "));
                    }
                }
            }
        }
        out
    }
}

/// The most characters a placeholder shows of one value.
pub const MAX_VALUE: usize = 200;

/// A value of an input as a message or note shows it, in every format: a secret field's
/// value redacted (and secret fields inside an object), control characters escaped (a
/// message is text for people, and code scanning shows it in a browser), and a value
/// longer than `max` characters cut, with its length.
pub fn show_value(secret: bool, value: &Value, max: usize) -> String {
    match value {
        Value::String(s) => show_str(secret, s, max),
        _ if secret => redact::MARKER.to_owned(),
        other => cut(Cow::Owned(redact::redact_json(other).to_string()), max),
    }
}

/// [`show_value`] for a string.
pub fn show_str(secret: bool, s: &str, max: usize) -> String {
    if secret {
        return redact::MARKER.to_owned();
    }
    cut(redact::redact_text(s), max)
}

fn cut(text: Cow<str>, max: usize) -> String {
    let text = match text.char_indices().nth(max) {
        Some(_) => {
            let keep = text
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            Cow::Owned(format!("{}… ({} bytes)", &text[..keep], text.len()))
        }
        None => text,
    };
    escape(&text).into_owned()
}

/// The text between the `{` at `open` and its matching `}` (fallbacks may nest braces),
/// with the index of that `}`.
fn placeholder(chars: &[char], open: usize) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut inner = String::new();
    for (k, &c) in chars.iter().enumerate().skip(open + 1) {
        match c {
            '}' if depth == 0 => return Some((inner, k)),
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        inner.push(c);
    }
    None
}

/// A dotted field path: `KmsKey.KeyState`, `requestParameters.x-amz-acl`,
/// `requestParameters.encryptionContext.aws:ebs:id`.
fn is_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '@'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_fields_lists_and_fallbacks() {
        let t = Template::parse(
            "{VolumeId} on {KmsKey.KeyId} ({Attachments.InstanceId|not attached}) {{x}}",
        )
        .expect("parses");
        let v = json!({"VolumeId": "vol-1", "KmsKey": {"KeyId": "k"}, "Attachments": []});
        assert_eq!(t.render(Doc::Plain(&v)), "vol-1 on k (not attached) {x}");
        let v = json!({"VolumeId": "vol-1", "Attachments": [{"InstanceId": "i-1"}, {"InstanceId": "i-2"}, {"InstanceId": "i-1"}]});
        assert_eq!(
            t.render(Doc::Plain(&v)),
            "vol-1 on (unknown) (i-1, i-2) {x}"
        );
    }

    #[test]
    fn braces_that_are_not_placeholders_stay() {
        let doc = json!({"Name": "b"});
        for text in [
            "{unclosed",
            "{a b}",
            "Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
        ] {
            assert_eq!(
                Template::parse(text)
                    .expect("parses")
                    .render(Doc::Plain(&doc)),
                text
            );
        }
        let json = Template::parse(r#"--config '{"Rules":[{"X":"{Name}"}]}'"#).expect("parses");
        assert_eq!(
            json.render(Doc::Plain(&json!({"Name": "b"}))),
            r#"--config '{"Rules":[{"X":"b"}]}'"#
        );
    }

    #[test]
    fn values_are_redacted_escaped_and_cut() {
        let t = Template::parse(
            "{responseElements.credentials.sessionToken} {responseElements.credentials} {who} {long}",
        )
        .expect("parses");
        let doc = json!({
            "responseElements": {"credentials": {"accessKeyId": "ASIAX", "sessionToken": "tok"}},
            "who": "a\u{1b}[2J\rb\u{7}",
            "long": "x".repeat(10 * 1024 * 1024),
        });
        let out = t.render(Doc::Plain(&doc));
        assert!(out.starts_with(
            r#"<redacted> {"accessKeyId":"ASIAX","sessionToken":"<redacted>"} a\e[2J\rb\u{7} xxx"#
        ));
        assert!(
            out.ends_with("x… (10485760 bytes)"),
            "{}",
            &out[out.len() - 40..]
        );
        assert!(out.chars().count() < 400, "{}", out.len());
        assert!(!out.contains("tok"));
    }
}
