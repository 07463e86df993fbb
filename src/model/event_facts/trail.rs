//! `atrest.trailWeakened` for `PutEventSelectors` and `UpdateTrail`: what the trail stops
//! recording or protecting after the call, judged from the new configuration in the request
//! alone (a record does not say what the trail had before).

use serde_json::Value;

/// Management events that the selectors leave out, and whether S3 data events are kept.
#[derive(Default)]
struct Coverage {
    management_read: bool,
    management_write: bool,
    /// Management events of KMS are among those recorded.
    kms: bool,
    s3_data: bool,
}

pub fn weakened(name: &str, params: &Value) -> Option<Vec<String>> {
    match name {
        "PutEventSelectors" => selectors(params),
        "UpdateTrail" => update(params),
        _ => None,
    }
}

fn selectors(params: &Value) -> Option<Vec<String>> {
    let mut c = Coverage::default();
    let basic = params.get("eventSelectors").and_then(Value::as_array);
    let advanced = params
        .get("advancedEventSelectors")
        .and_then(Value::as_array);
    if basic.is_none() && advanced.is_none() {
        return None;
    }
    for s in basic.into_iter().flatten() {
        basic_selector(s, &mut c);
    }
    for s in advanced.into_iter().flatten() {
        advanced_selector(s, &mut c);
    }
    let mut dropped = Vec::new();
    match (c.management_read, c.management_write) {
        (false, false) => dropped.push("management events".to_owned()),
        (true, false) => dropped.push("write management events".to_owned()),
        (false, true) => dropped.push("read management events (KMS key use)".to_owned()),
        (true, true) if !c.kms => dropped.push("KMS management events".to_owned()),
        (true, true) => {}
    }
    if !c.s3_data {
        dropped.push("S3 data events".to_owned());
    }
    Some(dropped)
}

/// `{"readWriteType": "All", "includeManagementEvents": true, "dataResources": [...],
/// "excludeManagementEventSources": [...]}`; absent members take CloudTrail's defaults.
fn basic_selector(s: &Value, c: &mut Coverage) {
    let rw = s
        .get("readWriteType")
        .and_then(Value::as_str)
        .unwrap_or("All");
    let (read, write) = match rw {
        "ReadOnly" => (true, false),
        "WriteOnly" => (false, true),
        _ => (true, true),
    };
    let management = s
        .get("includeManagementEvents")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if management {
        c.management_read |= read;
        c.management_write |= write;
        let excluded = strings(s.get("excludeManagementEventSources"));
        c.kms |= !excluded.contains(&"kms.amazonaws.com");
    }
    let s3 = s
        .get("dataResources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|r| {
            r.get("type").and_then(Value::as_str) == Some("AWS::S3::Object")
                && !strings(r.get("values")).is_empty()
        });
    c.s3_data |= s3;
}

/// `{"fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}, ...]}`.
fn advanced_selector(s: &Value, c: &mut Coverage) {
    let fields: Vec<&Value> = s
        .get("fieldSelectors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let field = |name: &str, key: &str| -> Vec<&str> {
        fields
            .iter()
            .filter(|f| f.get("field").and_then(Value::as_str) == Some(name))
            .flat_map(|f| strings(f.get(key)))
            .collect()
    };
    let category = field("eventCategory", "equals");
    let read_only = field("readOnly", "equals");
    let (read, write) = match read_only.first().copied() {
        Some(v) if v.eq_ignore_ascii_case("true") => (true, false),
        Some(v) if v.eq_ignore_ascii_case("false") => (false, true),
        _ => (true, true),
    };
    if category.contains(&"Management") {
        c.management_read |= read;
        c.management_write |= write;
        c.kms |= !field("eventSource", "notEquals").contains(&"kms.amazonaws.com");
    }
    if category.contains(&"Data") && field("resources.type", "equals").contains(&"AWS::S3::Object")
    {
        c.s3_data = true;
    }
}

/// `UpdateTrail` names only what it changes: a member set to its weaker value is a change.
fn update(params: &Value) -> Option<Vec<String>> {
    let off = |key: &str| params.get(key).and_then(Value::as_bool) == Some(false);
    let mut weakened = Vec::new();
    if params.get("kmsKeyId").and_then(Value::as_str) == Some("") {
        weakened.push("SSE-KMS encryption of its log files".to_owned());
    }
    if off("enableLogFileValidation") {
        weakened.push("log file validation".to_owned());
    }
    if off("isMultiRegionTrail") {
        weakened.push("recording in every region".to_owned());
    }
    if off("includeGlobalServiceEvents") {
        weakened.push("global service events".to_owned());
    }
    Some(weakened)
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn put(params: Value) -> Vec<String> {
        weakened("PutEventSelectors", &params).expect("selectors")
    }

    #[test]
    fn basic_selectors() {
        // stratus-red-team's cloudtrail-event-selectors: read-only data events, no management.
        let stratus = put(
            json!({"eventSelectors": [{"dataResources": [{"type": "AWS::S3::Object", "values": []},
            {"type": "AWS::Lambda::Function", "values": []}], "excludeManagementEventSources": [],
            "includeManagementEvents": false, "readWriteType": "ReadOnly"}], "trailName": "t"}),
        );
        assert_eq!(stratus, ["management events", "S3 data events"]);
        let full = put(
            json!({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true,
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]}),
        );
        assert!(full.is_empty(), "{full:?}");
        let write_only = put(json!({"eventSelectors": [{"readWriteType": "WriteOnly",
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/"]}]}]}));
        assert_eq!(write_only, ["read management events (KMS key use)"]);
        let no_kms = put(
            json!({"eventSelectors": [{"excludeManagementEventSources": ["kms.amazonaws.com"],
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]}),
        );
        assert_eq!(no_kms, ["KMS management events"]);
    }

    #[test]
    fn advanced_selectors() {
        let all = put(json!({"advancedEventSelectors": [
            {"name": "m", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
            {"name": "s3", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}));
        assert!(all.is_empty(), "{all:?}");
        let reads_only = put(json!({"advancedEventSelectors": [
            {"fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]},
                {"field": "readOnly", "equals": ["true"]},
                {"field": "eventSource", "notEquals": ["kms.amazonaws.com"]}]}]}));
        assert_eq!(reads_only, ["write management events", "S3 data events"]);
    }

    #[test]
    fn update_trail() {
        let w = weakened(
            "UpdateTrail",
            &json!({"name": "t", "kmsKeyId": "", "enableLogFileValidation": false,
                "isMultiRegionTrail": true}),
        )
        .expect("update");
        assert_eq!(
            w,
            ["SSE-KMS encryption of its log files", "log file validation"]
        );
        let renamed = weakened("UpdateTrail", &json!({"name": "t", "s3BucketName": "b"}));
        assert_eq!(renamed, Some(Vec::new()));
        assert!(weakened("PutEventSelectors", &json!({"trailName": "t"})).is_none());
    }
}
