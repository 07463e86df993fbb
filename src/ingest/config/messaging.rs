//! `AWS::SQS::Queue` and `AWS::SNS::Topic`: their configurations hold the queue's or topic's
//! attributes under the API's own names (`QueueArn`, `KmsMasterKeyId`,
//! `SqsManagedSseEnabled`, `TopicArn`, ...), with numbers where the API returns strings; the
//! values become strings, as `get-queue-attributes` and `get-topic-attributes` print them.

use serde_json::{Value, json};

use crate::model::arn::{sns_topic_arn, sqs_queue_arn};
use crate::model::{Item, Kind};

use super::item::{ConfigItem, set_default};
use super::names::member;

/// A Config value as an attribute value: text.
fn as_attribute(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Bool(b) => *v = Value::String(b.to_string()),
        _ => {}
    }
}

/// The piece of a queue or topic item: the ARN from the configuration (`arn_member`), the item,
/// or the name with the item's account and region.
fn attributes(item: &ConfigItem, kind: Kind, arn_member: &str) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let name = item.str("resourceName");
    let arn = member(&config, arn_member)
        .and_then(|(_, v)| v.as_str())
        .or_else(|| item.arn())
        .filter(|a| a.starts_with("arn:"))
        .map(str::to_owned)
        .or_else(|| {
            let name = name?;
            let build = match kind {
                Kind::SqsQueue => sqs_queue_arn,
                _ => sns_topic_arn,
            };
            (!item.account.is_empty() && !item.region.is_empty())
                .then(|| build(&item.region, &item.account, name))
        });
    let Some(arn) = arn else {
        return Err(format!(
            "{}: an {} item that names no {}",
            item.at.pointer,
            item.resource_type,
            if kind == Kind::SqsQueue {
                "queue"
            } else {
                "topic"
            }
        ));
    };
    let mut piece = item.piece(kind, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    for v in piece.fields.values_mut() {
        as_attribute(v);
    }
    set_default(&mut piece, arn_member, json!(arn), item.loc_of("arn"));
    Ok(vec![Item::Piece(piece)])
}

pub fn queue(item: &ConfigItem) -> Result<Vec<Item>, String> {
    attributes(item, Kind::SqsQueue, "QueueArn")
}

pub fn topic(item: &ConfigItem) -> Result<Vec<Item>, String> {
    attributes(item, Kind::SnsTopic, "TopicArn")
}
