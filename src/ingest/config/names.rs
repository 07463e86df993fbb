//! From AWS Config's field names to the AWS CLI's. Config serialises most resources with the
//! Java SDK v1 models: the API's members in camelCase (`keyState`, `kmsKeyId`, `trailARN`),
//! `null` for absent members, and sometimes timestamps as epoch milliseconds. The AWS CLI
//! prints the same members in PascalCase (`KeyState`, `KmsKeyId`, `TrailARN`), leaves absent
//! members out, and prints times as ISO 8601 strings or epoch seconds.

use serde_json::{Map, Value};

use super::time;

/// Names whose AWS CLI spelling is not the camelCase name with a capital first letter.
const SPECIAL: [(&str, &str); 5] = [
    // KMS `KeyMetadata.AWSAccountId`, which Config writes `awsaccountId`.
    ("awsaccountId", "AWSAccountId"),
    ("awsAccountId", "AWSAccountId"),
    // S3 default encryption.
    ("sseAlgorithm", "SSEAlgorithm"),
    ("kmsMasterKeyID", "KMSMasterKeyID"),
    ("kmsMasterKeyId", "KMSMasterKeyID"),
];

/// The AWS CLI name of a Config member name.
pub fn cli_name(name: &str) -> String {
    if let Some((_, to)) = SPECIAL.iter().find(|(from, _)| *from == name) {
        return (*to).to_owned();
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A Config value in the AWS CLI's shape: member names converted at every level, `null`
/// members left out, epoch-millisecond timestamps written as ISO 8601.
pub fn convert(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(convert_members(map)),
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}

pub fn convert_members(map: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in map {
        if v.is_null() {
            continue;
        }
        let name = cli_name(k);
        let value = convert_named(&name, v);
        out.insert(name, value);
    }
    out
}

/// The value of a member whose AWS CLI name is `name`.
pub fn convert_named(name: &str, v: &Value) -> Value {
    if is_time_name(name) {
        time_value(v)
    } else {
        convert(v)
    }
}

/// `CreationDate`, `DeletionDate`, `CreateTime`, `AttachTime`, `LaunchTime`, ...
fn is_time_name(name: &str) -> bool {
    name.ends_with("Date") || name.ends_with("Time")
}

/// Epoch milliseconds (a number no CLI prints) become ISO 8601; anything else is kept.
fn time_value(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.as_f64().is_some_and(|f| f.abs() >= 1e11) => {
            time::millis(v).map_or_else(|| v.clone(), |ms| Value::String(time::iso(ms)))
        }
        other => convert(other),
    }
}

/// `true`/`false` from a boolean or from the strings Config writes for some flags.
pub fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A member of an object by any of its spellings (`keyState`, `KeyState`).
pub fn member<'a>(map: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    map.get_key_value(name)
        .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
        .map(|(k, v)| (k.as_str(), v))
        .filter(|(_, v)| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_to_cli_names() {
        assert_eq!(cli_name("keyState"), "KeyState");
        assert_eq!(cli_name("trailARN"), "TrailARN");
        assert_eq!(cli_name("awsaccountId"), "AWSAccountId");
        assert_eq!(cli_name("sseAlgorithm"), "SSEAlgorithm");
        assert_eq!(cli_name("KeyState"), "KeyState");
        assert_eq!(cli_name(""), "");
    }

    #[test]
    fn converts_nested_values() {
        let v = json!({
            "volumeId": "vol-1",
            "kmsKeyId": null,
            "createTime": 1_600_000_000_123_i64,
            "attachments": [{"instanceId": "i-1", "attachTime": "2026-01-01T00:00:00.000Z"}],
            "tags": [{"key": "Name", "value": "x"}]
        });
        assert_eq!(
            convert(&v),
            json!({
                "VolumeId": "vol-1",
                "CreateTime": "2020-09-13T12:26:40.123Z",
                "Attachments": [{"InstanceId": "i-1", "AttachTime": "2026-01-01T00:00:00.000Z"}],
                "Tags": [{"Key": "Name", "Value": "x"}]
            })
        );
    }

    #[test]
    fn members_by_any_spelling() {
        let m = json!({"KeyState": "Enabled", "origin": null});
        let m = m.as_object().expect("object");
        assert_eq!(member(m, "keyState").map(|(k, _)| k), Some("KeyState"));
        assert_eq!(member(m, "origin"), None, "null is absent");
        assert_eq!(boolean(&json!("TRUE")), Some(true));
        assert_eq!(boolean(&json!("no")), None);
    }
}
