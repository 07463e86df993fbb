//! The AWS Config reader on DynamoDB tables, SQS queues and SNS topics: items in the shapes
//! Config delivers them, read into the fields the export gives the same resources.

use serde_json::{Value, json};

use super::read;
use crate::ingest::layout::PathHint;
use crate::model::{Ident, Item, Kind, Piece};
use crate::source::SourceId;

fn pieces(items: Value) -> Result<Vec<Piece>, String> {
    let doc = json!({"fileVersion": "1.0", "configurationItems": items});
    read(&doc, SourceId(0), &PathHint::default()).map(|items| {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Piece(p) => Some(p),
                Item::Part(_) | Item::Listed { .. } => None,
            })
            .collect()
    })
}

fn one(item: Value) -> Piece {
    let mut ps = pieces(json!([item])).expect("readable");
    assert_eq!(ps.len(), 1);
    ps.remove(0)
}

fn pointer_of<'a>(p: &'a Piece, name: &str) -> &'a str {
    p.each
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, l)| l.pointer.as_str())
        .unwrap_or_else(|| panic!("{name} has no location"))
}

fn item(resource_type: &str, name: &str, arn: &str, configuration: Value) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-11-20T14:30:00.000Z",
        "configurationItemStatus": "OK",
        "configurationStateId": "1763649000000",
        "awsAccountId": "111122223333",
        "resourceType": resource_type,
        "resourceId": name,
        "resourceName": name,
        "ARN": arn,
        "awsRegion": "eu-west-1",
        "configuration": configuration,
        "supplementaryConfiguration": {},
        "tags": {}
    })
}

const TABLE_ARN: &str = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders";
const KEY_ARN: &str = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

#[test]
fn dynamodb_table_on_a_kms_key() {
    let p = one(item(
        "AWS::DynamoDB::Table",
        "orders",
        TABLE_ARN,
        json!({
            "tableName": "orders",
            "tableArn": TABLE_ARN,
            "tableStatus": "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
            "creationDateTime": 1_760_000_000_000_i64,
            "ssedescription": {
                "status": "ENABLED",
                "ssetype": "KMS",
                "kmsmasterKeyArn": KEY_ARN,
                "inaccessibleEncryptionDateTime": 1_763_640_000_000_i64
            },
            "replicas": [{"regionName": "eu-west-1", "kmsmasterKeyId": KEY_ARN}],
            "latestStreamArn": null
        }),
    ));
    assert_eq!(p.kind, Kind::DynamodbTable);
    assert_eq!(p.ident, Ident::Arn(TABLE_ARN.into()));
    assert_eq!(
        (p.account.as_str(), p.region.as_str()),
        ("111122223333", "eu-west-1")
    );
    assert_eq!(
        p.fields.get("SSEDescription"),
        Some(&json!({
            "Status": "ENABLED",
            "SSEType": "KMS",
            "KMSMasterKeyArn": KEY_ARN,
            "InaccessibleEncryptionDateTime": "2025-11-20T12:00:00.000Z"
        }))
    );
    assert_eq!(
        p.fields.get("Replicas"),
        Some(&json!([{"RegionName": "eu-west-1", "KMSMasterKeyId": KEY_ARN}]))
    );
    assert_eq!(
        p.fields.get("TableStatus"),
        Some(&json!("INACCESSIBLE_ENCRYPTION_CREDENTIALS"))
    );
    assert!(!p.fields.contains_key("LatestStreamArn"), "null is absent");
    assert_eq!(
        pointer_of(&p, "SSEDescription"),
        "/configurationItems/0/configuration/ssedescription"
    );
    assert_eq!(
        pointer_of(&p, "TableArn"),
        "/configurationItems/0/configuration/tableArn"
    );
}

#[test]
fn dynamodb_table_on_the_aws_owned_key_has_no_sse_description() {
    let mut config = json!({"tableName": "events", "ssedescription": null});
    let p = one(item(
        "AWS::DynamoDB::Table",
        "events",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/events",
        config.take(),
    ));
    assert!(!p.fields.contains_key("SSEDescription"));
    // The ARN comes from the item when the configuration does not give it.
    assert_eq!(
        p.fields.get("TableArn"),
        Some(&json!(
            "arn:aws:dynamodb:eu-west-1:111122223333:table/events"
        ))
    );
    assert_eq!(pointer_of(&p, "TableArn"), "/configurationItems/0/ARN");
    assert_eq!(p.fields.get("TableName"), Some(&json!("events")));
}

#[test]
fn sqs_queue_attributes_are_strings() {
    let arn = "arn:aws:sqs:eu-west-1:111122223333:jobs";
    let p = one(item(
        "AWS::SQS::Queue",
        "jobs",
        arn,
        json!({
            "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
            "QueueArn": arn,
            "QueueName": "jobs",
            "KmsMasterKeyId": "alias/aws/sqs",
            "KmsDataKeyReusePeriodSeconds": 300,
            "SqsManagedSseEnabled": "false",
            "VisibilityTimeout": 30
        }),
    ));
    assert_eq!(p.kind, Kind::SqsQueue);
    assert_eq!(p.ident, Ident::Arn(arn.into()));
    assert_eq!(
        p.fields.get("KmsMasterKeyId"),
        Some(&json!("alias/aws/sqs"))
    );
    assert_eq!(
        p.fields.get("KmsDataKeyReusePeriodSeconds"),
        Some(&json!("300"))
    );
    assert_eq!(p.fields.get("SqsManagedSseEnabled"), Some(&json!("false")));
    assert_eq!(
        pointer_of(&p, "KmsMasterKeyId"),
        "/configurationItems/0/configuration/KmsMasterKeyId"
    );
}

#[test]
fn sns_topic_without_arn_in_its_configuration() {
    let arn = "arn:aws:sns:eu-west-1:111122223333:alerts";
    let p = one(item(
        "AWS::SNS::Topic",
        "alerts",
        arn,
        json!({"DisplayName": "", "Owner": "111122223333", "KmsMasterKeyId": null}),
    ));
    assert_eq!(p.kind, Kind::SnsTopic);
    assert_eq!(p.fields.get("TopicArn"), Some(&json!(arn)));
    assert_eq!(pointer_of(&p, "TopicArn"), "/configurationItems/0/ARN");
    assert!(!p.fields.contains_key("KmsMasterKeyId"));
    assert_eq!(p.fields.get("Owner"), Some(&json!("111122223333")));
}

#[test]
fn items_that_name_no_resource_are_errors() {
    for kind in ["AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SNS::Topic"] {
        let bad = json!([{
            "resourceType": kind,
            "configurationItemStatus": "OK",
            "configuration": {}
        }]);
        let err = pieces(bad).expect_err("no resource named");
        assert!(
            err.contains("/configurationItems/0") && err.contains(kind),
            "{err}"
        );
    }
    let wrong = json!([{
        "resourceType": "AWS::SQS::Queue",
        "ARN": "arn:aws:sqs:eu-west-1:111122223333:q",
        "configuration": "not json"
    }]);
    let err = pieces(wrong).expect_err("a configuration that is not an object");
    assert!(err.contains("configuration"), "{err}");
}
