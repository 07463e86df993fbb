//! Value patterns: what one field of a Sigma selection must hold, compiled from the YAML
//! value and the field's modifiers (`field|contains|all: [...]`).
//!
//! String matching follows Sigma: case-insensitive, `*` and `?` are wildcards in plain values
//! (`\*` a literal star), `re` is a regular expression (case-sensitive unless `|i`).
//! Values of another JSON type are compared by their text, so `Encrypted: 'true'` matches a
//! boolean and `eventVersion: 1.08` a string.

use std::net::IpAddr;

use regex::Regex;
use serde_json::Value;

use super::json::Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone)]
pub enum Pattern {
    /// The field is absent or null.
    Null,
    /// `|exists: true/false`.
    Exists(bool),
    Bool(bool),
    Number(f64),
    /// Case-insensitive equality, stored lower-cased.
    Exact(String),
    /// Case-sensitive equality (`|cased`).
    ExactCased(String),
    Regex(Regex),
    Cmp(Cmp, f64),
    Cidr(IpAddr, u8),
    /// `|fieldref`: equal to the value of another field of the same document.
    FieldRef(Vec<String>),
}

/// The modifiers atrest understands. Others are refused at load time, by name.
#[derive(Debug, Default, Clone)]
pub struct Modifiers {
    pub contains: bool,
    pub startswith: bool,
    pub endswith: bool,
    pub all: bool,
    pub re: bool,
    pub re_i: bool,
    pub re_m: bool,
    pub re_s: bool,
    pub cased: bool,
    pub exists: bool,
    pub cidr: bool,
    pub fieldref: bool,
    pub cmp: Option<Cmp>,
}

impl Modifiers {
    pub fn parse(names: &[&str]) -> Result<Modifiers, String> {
        let mut m = Modifiers::default();
        for name in names {
            match *name {
                "contains" => m.contains = true,
                "startswith" => m.startswith = true,
                "endswith" => m.endswith = true,
                "all" => m.all = true,
                "re" => m.re = true,
                "i" => m.re_i = true,
                "m" => m.re_m = true,
                "s" => m.re_s = true,
                "cased" => m.cased = true,
                "exists" => m.exists = true,
                "cidr" => m.cidr = true,
                "fieldref" => m.fieldref = true,
                "gt" => m.cmp = Some(Cmp::Gt),
                "gte" => m.cmp = Some(Cmp::Gte),
                "lt" => m.cmp = Some(Cmp::Lt),
                "lte" => m.cmp = Some(Cmp::Lte),
                other => {
                    return Err(format!(
                        "unsupported modifier `{other}` (atrest supports contains, startswith, \
                         endswith, all, re (with i, m, s), cased, exists, cidr, fieldref, gt, \
                         gte, lt, lte)"
                    ));
                }
            }
        }
        if [m.contains, m.startswith, m.endswith]
            .iter()
            .filter(|b| **b)
            .count()
            > 1
        {
            return Err("at most one of contains, startswith, endswith".into());
        }
        Ok(m)
    }
}

impl Pattern {
    pub fn compile(value: &Value, m: &Modifiers) -> Result<Pattern, String> {
        if m.exists {
            return match value {
                Value::Bool(b) => Ok(Pattern::Exists(*b)),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Pattern::Exists(true)),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Pattern::Exists(false)),
                _ => Err("`exists` takes true or false".into()),
            };
        }
        if let Some(cmp) = m.cmp {
            return number(Json::Tree(value))
                .map(|n| Pattern::Cmp(cmp, n))
                .ok_or_else(|| "gt/gte/lt/lte take a number".into());
        }
        if m.fieldref {
            let path = text(value).ok_or("`fieldref` takes a field name")?;
            return Ok(Pattern::FieldRef(
                path.split('.').map(str::to_owned).collect(),
            ));
        }
        if m.cidr {
            let text = text(value).ok_or("`cidr` takes a CIDR block")?;
            return parse_cidr(&text).ok_or_else(|| format!("`{text}` is not a CIDR block"));
        }
        if m.re {
            let text = text(value).ok_or("`re` takes a regular expression")?;
            let mut flags = String::new();
            for (on, f) in [(m.re_i, 'i'), (m.re_m, 'm'), (m.re_s, 's')] {
                if on {
                    flags.push(f);
                }
            }
            let source = if flags.is_empty() {
                text.clone()
            } else {
                format!("(?{flags}){text}")
            };
            return Regex::new(&source).map(Pattern::Regex).map_err(|e| {
                // The regex crate's message spans lines (the pattern, a caret, the
                // error); a load error is one line.
                let full = e.to_string();
                let last = full.lines().last().unwrap_or_default();
                let why = last.strip_prefix("error: ").unwrap_or(last).trim();
                format!("invalid regular expression `{text}`: {why}")
            });
        }
        let text = match value {
            Value::Null => return Ok(Pattern::Null),
            Value::Bool(b) if !(m.contains || m.startswith || m.endswith) => {
                return Ok(Pattern::Bool(*b));
            }
            Value::Number(n) if !(m.contains || m.startswith || m.endswith) => {
                return Ok(Pattern::Number(n.as_f64().unwrap_or(f64::NAN)));
            }
            Value::Array(_) | Value::Object(_) => {
                return Err("a value must be a string, number, boolean or null".into());
            }
            other => text(other).unwrap_or_default(),
        };
        let (body, literal) = sigma_wildcards(&text);
        let lead = m.contains || m.endswith;
        let trail = m.contains || m.startswith;
        if let (Some(literal), false, false) = (literal, lead, trail) {
            return Ok(if m.cased {
                Pattern::ExactCased(literal)
            } else {
                Pattern::Exact(literal.to_lowercase())
            });
        }
        // `^.*body.*$` would say the same; without the free ends the regex engine can
        // search for the literal instead of running its automaton over the whole value.
        let source = format!(
            "{}{}{}{}{}",
            if m.cased { "" } else { "(?i)" },
            "(?s)",
            if lead { "" } else { "^" },
            body,
            if trail { "" } else { "$" },
        );
        Regex::new(&source)
            .map(Pattern::Regex)
            .map_err(|e| format!("cannot compile `{text}`: {e}"))
    }

    /// Whether one value found at the field's path matches. `resolve` reads another field
    /// of the same document (for `fieldref`).
    pub fn matches(&self, v: Json, resolve: &dyn Fn(&[String]) -> Vec<Value>) -> bool {
        let as_text = |v: Json| match v.as_bool() {
            Some(b) => Some(if b { "true" } else { "false" }.to_owned()),
            None => v.number_text(),
        };
        match self {
            Pattern::Null => v.is_null(),
            Pattern::Exists(want) => v.is_null() != *want,
            Pattern::Bool(b) => match (v.as_bool(), v.as_str()) {
                (Some(x), _) => x == *b,
                (_, Some(s)) => s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
                _ => false,
            },
            Pattern::Number(n) => number(v).is_some_and(|x| x == *n),
            Pattern::Exact(want) => match v.as_str() {
                Some(s) => eq_fold(s, want),
                None => as_text(v).is_some_and(|t| t == *want),
            },
            Pattern::ExactCased(want) => match v.as_str() {
                Some(s) => s == want,
                None => as_text(v).is_some_and(|t| t == *want),
            },
            Pattern::Regex(re) => match v.as_str() {
                Some(s) => re.is_match(s),
                None if v.is_null() => false,
                // Objects are matched by their JSON text, as Sigma backends search a whole
                // `requestParameters`.
                None => re.is_match(&v.to_text()),
            },
            Pattern::Cmp(op, n) => number(v).is_some_and(|x| match op {
                Cmp::Gt => x > *n,
                Cmp::Gte => x >= *n,
                Cmp::Lt => x < *n,
                Cmp::Lte => x <= *n,
            }),
            Pattern::Cidr(net, bits) => v
                .as_str()
                .and_then(|s| s.parse::<IpAddr>().ok())
                .is_some_and(|ip| in_cidr(ip, *net, *bits)),
            Pattern::FieldRef(path) => {
                let other = resolve(path);
                let mine = v.to_value();
                other.contains(&mine)
            }
        }
    }
}

/// A lower-cased text that every value this pattern matches contains, and that can only
/// occur inside a string (a key or a value) of a document, never across JSON's punctuation
/// or in a number, boolean or null: a search for it in the document's strings is a
/// necessary condition for the pattern (the scan's prefilter for rules that pin no event
/// name or source). The longest literal run between wildcards; none for patterns that
/// are not about text (regular expressions, CIDR blocks, comparisons, field references).
pub fn prefilter_literal(value: &Value, m: &Modifiers) -> Option<String> {
    if m.exists || m.cmp.is_some() || m.fieldref || m.cidr || m.re {
        return None;
    }
    let Value::String(text) = value else {
        return None;
    };
    let mut best = String::new();
    let mut run = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\')) => {
                run.push(chars.next().unwrap_or('\\'));
            }
            '*' | '?' => {
                if run.len() > best.len() {
                    best = std::mem::take(&mut run);
                }
                run.clear();
            }
            other => run.push(other),
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    let best = best.to_ascii_lowercase();
    let inside_a_string = best.len() >= 3
        && best.is_ascii()
        && !best
            .chars()
            .any(|c| matches!(c, '"' | '\\' | '{' | '}' | '[' | ']' | ',' | ':') || c.is_control())
        && best
            .chars()
            .any(|c| !matches!(c, '0'..='9' | '.' | '+' | '-' | 'e'))
        && !["true", "false", "null"].iter().any(|w| w.contains(&best));
    inside_a_string.then_some(best)
}

/// Case-insensitive equality with `want` already lower-cased.
fn eq_fold(s: &str, want: &str) -> bool {
    if s.is_ascii() {
        s.len() == want.len()
            && s.bytes()
                .zip(want.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        s.to_lowercase() == want
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: Json) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Sigma's wildcards: `*` any run, `?` one character, `\*` `\?` `\\` literals. Returns the
/// regex body, and the plain text when no wildcard was used.
fn sigma_wildcards(s: &str) -> (String, Option<String>) {
    let mut out = String::new();
    let mut literal = String::new();
    let mut wild = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\')) => {
                let next = chars.next().unwrap_or('\\');
                out.push_str(&regex::escape(&next.to_string()));
                literal.push(next);
            }
            '*' => {
                wild = true;
                out.push_str(".*");
            }
            '?' => {
                wild = true;
                out.push('.');
            }
            other => {
                out.push_str(&regex::escape(&other.to_string()));
                literal.push(other);
            }
        }
    }
    (out, (!wild).then_some(literal))
}

fn parse_cidr(s: &str) -> Option<Pattern> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a.parse::<IpAddr>().ok()?, b.parse::<u8>().ok()?),
        None => {
            let a = s.parse::<IpAddr>().ok()?;
            (a, if a.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some(Pattern::Cidr(addr, bits))
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pat(value: Value, mods: &[&str]) -> Pattern {
        Pattern::compile(&value, &Modifiers::parse(mods).expect("modifiers")).expect("pattern")
    }

    fn hit(p: &Pattern, v: Value) -> bool {
        p.matches(Json::Tree(&v), &|_| Vec::new())
    }

    #[test]
    fn plain_values_are_case_insensitive_with_wildcards() {
        let p = pat(json!("DisableKey"), &[]);
        assert!(hit(&p, json!("disablekey")));
        assert!(!hit(&p, json!("DisableKeyRotation")));
        let p = pat(json!("Disable*"), &[]);
        assert!(hit(&p, json!("DisableKeyRotation")));
        let p = pat(json!("a\\*b"), &[]);
        assert!(hit(&p, json!("a*b")));
        assert!(!hit(&p, json!("axxb")));
        let p = pat(json!("s3.amazonaws.com"), &[]);
        assert!(!hit(&p, json!("s3xamazonaws.com")));
    }

    #[test]
    fn modifiers() {
        assert!(hit(
            &pat(json!("AllUsers"), &["contains"]),
            json!("http://acs/AllUsers/x")
        ));
        assert!(hit(
            &pat(json!("arn:aws:iam::"), &["startswith"]),
            json!("ARN:AWS:IAM::1:root")
        ));
        assert!(!hit(&pat(json!("X"), &["endswith", "cased"]), json!("ax")));
        assert!(hit(
            &pat(json!("^vol-[0-9a-f]+$"), &["re"]),
            json!("vol-0abc")
        ));
        assert!(!hit(&pat(json!("^VOL"), &["re"]), json!("vol-1")));
        assert!(hit(&pat(json!("^VOL"), &["re", "i"]), json!("vol-1")));
        assert!(hit(&pat(json!(365), &["lt"]), json!(90)));
        assert!(hit(&pat(json!("10.0.0.0/8"), &["cidr"]), json!("10.1.2.3")));
        assert!(!hit(
            &pat(json!("10.0.0.0/8"), &["cidr"]),
            json!("11.1.2.3")
        ));
        assert!(hit(
            &pat(json!("Suspended"), &["contains"]),
            json!({"VersioningConfiguration": {"Status": "Suspended"}})
        ));
        assert!(Modifiers::parse(&["base64offset"]).is_err());
        assert!(Modifiers::parse(&["contains", "endswith"]).is_err());
    }

    #[test]
    fn typed_values_compare_across_types() {
        assert!(hit(&pat(json!(true), &[]), json!(true)));
        assert!(hit(&pat(json!(true), &[]), json!("True")));
        assert!(!hit(&pat(json!(false), &[]), json!(null)));
        assert!(hit(&pat(json!("true"), &[]), json!(true)));
        assert!(hit(&pat(json!(1.08), &[]), json!("1.08")));
        assert!(hit(&pat(json!("365"), &[]), json!(365)));
        assert!(hit(&pat(json!(null), &[]), json!(null)));
    }
}
