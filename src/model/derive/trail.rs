//! CloudTrail trails.

use crate::model::document::Node;
use serde_json::json;

use crate::model::arn::{bucket_arn, partition};
use crate::model::{Kind, Resource};

use super::{Ctx, Derived, loc};

pub fn trail(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(reference) = r.str("KmsKeyId") {
        d.key_link(ctx, r, reference, loc(r, "/KmsKeyId"));
    }
    if let Some(bucket) = r.str("S3BucketName")
        && let Some(i) = ctx
            .inv
            .find(Kind::S3Bucket, &bucket_arn(partition(r.region), bucket))
    {
        d.link("LogBucket", i);
    }
    if let Some(logs) = s3_data_events(r) {
        let evidence = if r.get("AdvancedEventSelectors").is_some() {
            "/AdvancedEventSelectors"
        } else {
            "/EventSelectors"
        };
        d.set("LogsS3DataEvents", json!(logs), loc(r, evidence));
    }
}

/// Whether the trail's selectors record S3 object-level (data) events; `None` when the
/// selectors were not exported.
fn s3_data_events(r: &Resource) -> Option<bool> {
    let classic = r.get("EventSelectors").and_then(Node::as_array);
    let advanced = r.get("AdvancedEventSelectors").and_then(Node::as_array);
    if classic.is_none() && advanced.is_none() {
        return None;
    }
    let by_classic = classic.into_iter().flatten().any(|s| {
        s.get("DataResources")
            .and_then(Node::as_array)
            .into_iter()
            .flatten()
            .any(|res| res.get("Type").and_then(Node::as_str) == Some("AWS::S3::Object"))
    });
    let by_advanced = advanced.into_iter().flatten().any(|s| {
        let fields = s.get("FieldSelectors").and_then(Node::as_array);
        let equals = |field: &str, value: &str| {
            fields.into_iter().flatten().any(|f| {
                f.get("Field").and_then(Node::as_str) == Some(field)
                    && f.get("Equals")
                        .and_then(Node::as_array)
                        .is_some_and(|e| e.iter().any(|v| v.as_str() == Some(value)))
            })
        };
        equals("eventCategory", "Data") && equals("resources.type", "AWS::S3::Object")
    });
    Some(by_classic || by_advanced)
}
