//! Secrets never leave atrest: a CloudTrail record of `AssumeRole` or `GetSessionToken`
//! holds a session's credentials, an AWS CLI error can quote a configuration, and atrest's
//! reports are uploaded to CI systems and code scanning. Values of fields whose name says
//! they are secret are replaced by [`MARKER`] in messages, notes, snippets, diagnostics and
//! the inventory, in every format.
//!
//! A field is secret when its name, compared without case, `_` and `-`, ends with one of
//! [`SECRET_NAMES`]: `secretAccessKey`, `SecretAccessKey`, `aws_secret_access_key`,
//! `sessionToken`, `AWS_SESSION_TOKEN`, `X-Amz-Security-Token`, `password`,
//! `MasterUserPassword`, `SecretString`, `SecretBinary`, `privateKey`, `clientSecret`,
//! `Plaintext` (a KMS data key), ... (names are compared without `_` and `-`; a name must
//! keep one of the words `key`, `token`, `pass`, `string`, `binary`, `secret`, `text` whole
//! to be found in free text). Access key ids (`accessKeyId`, `AKIA…`, `ASIA…`) name
//! a key without granting anything and stay: they are what an investigation follows.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// What a secret value is shown as.
pub const MARKER: &str = "<redacted>";

/// Endings of secret field names, lower case, without `_` and `-` (24 characters at most).
pub const SECRET_NAMES: &[&str] = &[
    "secretaccesskey",
    "secretkey",
    "sessiontoken",
    "securitytoken",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "password",
    "passwd",
    "passphrase",
    "secretstring",
    "secretbinary",
    "privatekey",
    "clientsecret",
    "apikey",
    "plaintext",
];

/// Whether a field (a JSON key, a dotted path's last part, a variable) holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    is_secret_key(name.as_bytes())
}

/// The last four characters of each of [`SECRET_NAMES`], as one number: a name that ends
/// otherwise (almost every name) is told apart by one comparison each.
const SECRET_TAILS: [u32; SECRET_NAMES.len()] = {
    let mut tails = [0; SECRET_NAMES.len()];
    let mut i = 0;
    while i < tails.len() {
        let b = SECRET_NAMES[i].as_bytes();
        let n = b.len();
        tails[i] = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        i += 1;
    }
    tails
};

/// The shortest of [`SECRET_NAMES`].
const SECRET_MIN: usize = 6;

/// [`is_secret_name`] of a key's bytes (a key that is not UTF-8 is judged by its ASCII
/// letters and digits).
fn is_secret_key(name: &[u8]) -> bool {
    let last = match memchr::memrchr(b'.', name) {
        Some(dot) => &name[dot + 1..],
        None => name,
    };
    // Only the end of a name decides: its last normalised characters, without allocating
    // (this runs for every key of a file shown in a report).
    const TAIL: usize = 24;
    let mut tail = [0u8; TAIL];
    let mut n = 0;
    for &b in last
        .iter()
        .rev()
        .filter(|b| b.is_ascii_alphanumeric())
        .take(TAIL)
    {
        n += 1;
        tail[TAIL - n] = b.to_ascii_lowercase();
    }
    if n < SECRET_MIN {
        return false;
    }
    let four = u32::from_le_bytes([tail[20], tail[21], tail[22], tail[23]]);
    if !SECRET_TAILS.contains(&four) {
        return false;
    }
    let tail = &tail[TAIL - n..];
    SECRET_NAMES.iter().any(|s| tail.ends_with(s.as_bytes()))
}

/// `value` with the values of its secret fields (at any depth) replaced by [`MARKER`];
/// borrowed when it holds none.
pub fn redact_json(value: &Value) -> Cow<'_, Value> {
    if !has_secret(value) {
        return Cow::Borrowed(value);
    }
    let mut copy = value.clone();
    redact_in_place(&mut copy);
    Cow::Owned(copy)
}

fn has_secret(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| (is_secret_name(k) && !v.is_null()) || has_secret(v)),
        Value::Array(items) => items.iter().any(has_secret),
        _ => false,
    }
}

/// Replaces the values of secret fields (at any depth) by [`MARKER`].
pub fn redact_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_name(k) && !v.is_null() {
                    *v = Value::String(MARKER.to_owned());
                } else {
                    redact_in_place(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        _ => {}
    }
}

/// A name, what assigns it (`=`, `:`, a JSON key's closing quote) and its value, quoted or
/// not: `aws_secret_access_key = X`, `AWS_SESSION_TOKEN=...`, `"SecretAccessKey": "..."`,
/// `\"password\":\"...\"` (JSON quoted in a string).
static ASSIGNMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)(?P<sep>\\?["']?[ \t]*[:=][ \t]*)(?P<value>\\"[^"\\]*\\"|"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s"',;&}\])]+)"#,
    )
    .ok()
});

/// Free text (a line an AWS CLI call printed on stderr, a diagnostic) with the values
/// assigned to secret names replaced by [`MARKER`], quotes kept.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    replace_secrets(text, |_| Cow::Borrowed(MARKER))
}

/// Whether `text` holds a word that every secret name ends in (`key`, `token`, `pass`,
/// `string`, `binary`, `secret`, `text`, in any case) in a name that something is assigned
/// to: a cheap test before the search for assignments. A name that splits even these words (`pass_word` does not) is not found.
fn may_name_a_secret(text: &str) -> bool {
    const PARTS: [&[u8]; 7] = [
        b"key", b"token", b"pass", b"string", b"binary", b"secret", b"text",
    ];
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        matches!(bytes[i] | 0x20, b'k' | b't' | b'p' | b's' | b'b')
            && PARTS.iter().any(|p| {
                bytes
                    .get(i..i + p.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(p))
                    && assigned(bytes, i + p.len())
            })
    })
}

/// Whether the name that goes on at `at` is followed by an assignment (`=`, `:`), as
/// [`ASSIGNMENT`] reads one: `password=`, `"SecretAccessKey": `, `token : `; not the `key/`
/// of a key's ARN.
fn assigned(bytes: &[u8], mut at: usize) -> bool {
    while bytes
        .get(at)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        at += 1;
    }
    while bytes
        .get(at)
        .is_some_and(|b| matches!(b, b'"' | b'\'' | b' ' | b'\t' | b'\\'))
    {
        at += 1;
    }
    matches!(bytes.get(at), Some(b'=' | b':'))
}

/// Like [`redact_text`], but each character of a secret is replaced by `*`: for a window
/// of a file shown with a caret, whose columns must stay where they are.
pub fn mask_text(text: &str) -> Cow<'_, str> {
    replace_secrets(text, |secret| {
        Cow::Owned("*".repeat(secret.chars().count()))
    })
}

fn replace_secrets<'t>(text: &'t str, with: impl Fn(&str) -> Cow<'static, str>) -> Cow<'t, str> {
    let Some(re) = ASSIGNMENT.as_ref() else {
        return Cow::Borrowed(text);
    };
    if !may_name_a_secret(text) {
        // Most values (ARNs, ids, states) name no secret: no regex search for them.
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(caps) = re.captures_at(text, at) {
        let (Some(name), Some(sep), Some(value)) =
            (caps.name("name"), caps.name("sep"), caps.name("value"))
        else {
            break;
        };
        if !is_secret_name(name.as_str()) {
            // The value may itself start an assignment (`x: password=...`).
            at = sep.end();
            continue;
        }
        let raw = value.as_str();
        let (open, inner, close) = split_quotes(raw);
        out.push_str(&text[copied..value.start()]);
        out.push_str(open);
        out.push_str(&with(inner));
        out.push_str(close);
        copied = value.end();
        at = value.end();
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A value's opening quote, content and closing quote (either may be missing).
fn split_quotes(raw: &str) -> (&str, &str, &str) {
    for q in ["\\\"", "\"", "'"] {
        if let Some(rest) = raw.strip_prefix(q) {
            return match rest.strip_suffix(q) {
                Some(inner) if !rest.is_empty() => (q, inner, q),
                _ => (q, rest, ""),
            };
        }
    }
    ("", raw, "")
}

/// Replaces, in JSON text, the content of every string that is the value of a secret field
/// (or inside one) by `*`s, in place: offsets, lines and the quotes stay where they were, so
/// located spans still point at the same bytes. Text that is not JSON is left as it lexes.
pub fn mask_json(text: &mut [u8]) {
    let mut i = 0;
    // The content range of the last string, while it may still turn out to be a key.
    let mut key: Option<(usize, usize)> = None;
    let mut secret_next = false;
    let mut depth = 0usize;
    // Strings are masked while `depth` is above this (inside a secret object or array).
    let mut masked_above: Option<usize> = None;
    while i < text.len() {
        match text[i] {
            b'"' => {
                let start = i + 1;
                let end = string_end(text, start);
                let inside = masked_above.is_some_and(|d| depth > d);
                if secret_next || inside {
                    text[start..end].fill(b'*');
                    key = None;
                } else {
                    key = Some((start, end));
                }
                secret_next = false;
                i = end + 1;
            }
            b':' => {
                secret_next = key.is_some_and(|(s, e)| is_secret_key(&text[s..e]));
                key = None;
                i += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b => {
                if b == b'{' || b == b'[' {
                    if secret_next && masked_above.is_none() {
                        masked_above = Some(depth);
                    }
                    depth += 1;
                } else if b == b'}' || b == b']' {
                    depth = depth.saturating_sub(1);
                    if masked_above.is_some_and(|d| depth <= d) {
                        masked_above = None;
                    }
                }
                key = None;
                secret_next = false;
                i += 1;
            }
        }
    }
}

/// The index of the quote that closes the string whose content starts at `start` (or the
/// end of the text).
fn string_end(text: &[u8], start: usize) -> usize {
    let mut j = start;
    while let Some(p) = memchr::memchr2(b'"', b'\\', &text[j..]) {
        let at = j + p;
        if text[at] == b'"' {
            return at;
        }
        j = at + 2;
        if j >= text.len() {
            break;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_quick_test_passes_every_assignment_and_no_arn() {
        for text in [
            "password=hunter2",
            "\"SecretAccessKey\": \"x\"",
            "AWS_SESSION_TOKEN=FwoG",
            "x-amz-security-token : abc",
            "{\\\"clientSecret\\\":\\\"s\\\"}",
        ] {
            assert!(may_name_a_secret(text), "{text}");
            assert_ne!(redact_text(text), text, "{text}");
        }
        for text in [
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "alias/aws/ebs",
            "KeyState is Disabled",
        ] {
            assert!(!may_name_a_secret(text), "{text}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn secret_names() {
        assert!(SECRET_NAMES.iter().all(|s| s.len() <= 24));
        // The quick tests' bounds: the shortest ending, lower-case letters only.
        assert_eq!(SECRET_NAMES.iter().map(|s| s.len()).min(), Some(SECRET_MIN));
        assert!(
            SECRET_NAMES
                .iter()
                .all(|s| s.bytes().all(|b| b.is_ascii_lowercase()))
        );
        // Every ending is found on its own, in any case, with `_` and `-` anywhere.
        for s in SECRET_NAMES {
            assert!(
                is_secret_name(s) && is_secret_name(&s.to_uppercase()),
                "{s}"
            );
            assert!(
                is_secret_name(&format!("my_{}-{}", &s[..2], &s[2..])),
                "{s}"
            );
        }
        for name in [
            "secretAccessKey",
            "SecretAccessKey",
            "aws_secret_access_key",
            "sessionToken",
            "AWS_SESSION_TOKEN",
            "X-Amz-Security-Token",
            "Password",
            "MasterUserPassword",
            "SecretString",
            "SecretBinary",
            "privateKey",
            "clientSecret",
            "responseElements.credentials.sessionToken",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "accessKeyId",
            "AccessKeyId",
            "keyId",
            "PasswordLastUsed",
            "sessionContext",
            "nextToken",
            "",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn json_values() {
        let v = json!({"credentials": {"accessKeyId": "ASIAX", "sessionToken": "tok",
            "secretAccessKey": {"nested": "s"}, "password": null}, "list": [{"Password": 1}]});
        let r = redact_json(&v);
        assert_eq!(r["credentials"]["accessKeyId"], "ASIAX");
        assert_eq!(r["credentials"]["sessionToken"], MARKER);
        assert_eq!(r["credentials"]["secretAccessKey"], MARKER);
        assert_eq!(r["credentials"]["password"], Value::Null);
        assert_eq!(r["list"][0]["Password"], MARKER);
        let clean = json!({"a": {"b": [1, "x"]}});
        assert!(matches!(redact_json(&clean), Cow::Borrowed(_)));
    }

    #[test]
    fn free_text() {
        let cases = [
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG",
                "aws_secret_access_key = <redacted>",
            ),
            (
                "export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj; next",
                "export AWS_SESSION_TOKEN=<redacted>; next",
            ),
            (
                r#"{"AccessKeyId": "ASIAX", "SecretAccessKey": "abc\"d"}"#,
                r#"{"AccessKeyId": "ASIAX", "SecretAccessKey": "<redacted>"}"#,
            ),
            (
                r#"said {\"password\":\"hunter2\"}"#,
                r#"said {\"password\":\"<redacted>\"}"#,
            ),
            ("x: password=hunter2", "x: password=<redacted>"),
            ("aws_access_key_id = AKIAX", "aws_access_key_id = AKIAX"),
            ("no secrets: here", "no secrets: here"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_text(text), want, "{text}");
            assert_eq!(redact_text(want), want, "idempotent: {want}");
        }
        assert_eq!(
            mask_text("token: a, sessionToken=\"héllo\""),
            "token: a, sessionToken=\"*****\""
        );
    }

    #[test]
    fn json_text_is_masked_in_place() {
        let text = r#"{"credentials": {"accessKeyId": "ASIAX", "sessionToken": "t\"ok", "keep": "k"},
 "secretString": {"a": ["x", {"b": "y"}], "c": 1}, "after": "z", "password": 5}"#;
        let mut bytes = text.as_bytes().to_vec();
        mask_json(&mut bytes);
        let masked = String::from_utf8(bytes).expect("ASCII");
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked,
            r#"{"credentials": {"accessKeyId": "ASIAX", "sessionToken": "*****", "keep": "k"},
 "secretString": {"*": ["*", {"*": "*"}], "*": 1}, "after": "z", "password": 5}"#
        );
    }
}
