//! Message and remediation templates: text with `{Field.Path}` placeholders, filled from
//! the document a rule fired on. `{Path|fallback}` gives the text used when the field is
//! absent; `{{` and `}}` are literal braces.

use serde_json::Value;

use super::doc::Doc;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field {
        path: Vec<String>,
        fallback: Option<String>,
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
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => inner.push(c),
                            None => return Err(format!("unclosed `{{` in `{text}`")),
                        }
                    }
                    if !buf.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut buf)));
                    }
                    let (path, fallback) = match inner.split_once('|') {
                        Some((p, f)) => (p.trim(), Some(f.to_owned())),
                        None => (inner.trim(), None),
                    };
                    if path.is_empty() || path.contains(char::is_whitespace) {
                        return Err(format!("`{{{inner}}}` is not a field path"));
                    }
                    parts.push(Part::Field {
                        path: path.split('.').map(str::to_owned).collect(),
                        fallback,
                    });
                }
                '}' => return Err(format!("unmatched `}}` in `{text}` (write `}}}}`)")),
                c => buf.push(c),
            }
        }
        if !buf.is_empty() {
            parts.push(Part::Text(buf));
        }
        Ok(Template { parts })
    }

    /// The field paths the template reads.
    pub fn paths(&self) -> impl Iterator<Item = &[String]> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field { path, .. } => Some(path.as_slice()),
            Part::Text(_) => None,
        })
    }

    pub fn render(&self, doc: Doc) -> String {
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
                        out.push_str(fallback.as_deref().unwrap_or("(unknown)"));
                    } else {
                        out.push_str(&seen.join(", "));
                    }
                }
            }
        }
        out.trim().to_owned()
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
        assert!(Template::parse("a } b").is_err());
        assert!(Template::parse("{ }").is_err());
    }
}
