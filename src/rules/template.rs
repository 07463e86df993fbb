//! Message and remediation templates: text with `{Field.Path}` placeholders, filled from
//! the document a rule fired on. `{Path|fallback}` gives the text used when the field is
//! absent (itself a template: `{KmsKey.Arn|{KmsKeyId}}`). A `{` not followed by a letter,
//! and `{{`/`}}`, are literal braces.

use serde_json::Value;

use super::doc::Doc;

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
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    buf.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    buf.push('}');
                }
                // `{` opens a placeholder only before a field name, so JSON in a remediation
                // command (`'{"Rules":[...]}'`) stays as written.
                '{' if chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) => {
                    // Up to the matching `}`: a fallback may hold placeholders of its own.
                    let mut inner = String::new();
                    let mut depth = 0usize;
                    loop {
                        match chars.next() {
                            Some('}') if depth == 0 => break,
                            Some(c) => {
                                match c {
                                    '{' => depth += 1,
                                    '}' => depth -= 1,
                                    _ => {}
                                }
                                inner.push(c);
                            }
                            None => return Err(format!("unclosed `{{` in `{text}`")),
                        }
                    }
                    if !buf.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut buf)));
                    }
                    let (path, fallback) = match inner.split_once('|') {
                        Some((p, f)) => (p.trim(), Some(Template::parse(f)?)),
                        None => (inner.trim(), None),
                    };
                    if path.is_empty() || path.contains(|c: char| c.is_whitespace() || c == '{') {
                        return Err(format!("`{{{inner}}}` is not a field path"));
                    }
                    parts.push(Part::Field {
                        path: path.split('.').map(str::to_owned).collect(),
                        fallback,
                    });
                }
                c => buf.push(c),
            }
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
                    let mut seen: Vec<String> = Vec::new();
                    for v in doc.values(path) {
                        let text = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        if !seen.contains(&text) {
                            seen.push(text);
                        }
                    }
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
    fn rejects_broken_templates() {
        assert!(Template::parse("{unclosed").is_err());
        assert!(Template::parse("{a b}").is_err());
        let json = Template::parse(r#"--config '{"Rules":[{"X":"{Name}"}]}'"#).expect("parses");
        assert_eq!(
            json.render(Doc::Plain(&json!({"Name": "b"}))),
            r#"--config '{"Rules":[{"X":"b"}]}'"#
        );
    }
}
