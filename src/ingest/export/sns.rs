//! `aws sns` outputs: the region's topics and each topic's attributes.
//!
//! `get-topic-attributes` prints `{"Attributes": {...}}`, a map of strings; each attribute
//! becomes a field of the topic under its own name (`KmsMasterKeyId`, `Policy`, ...), as AWS
//! Config records them. The per-topic file is named by the topic's name (the last part of its
//! ARN).

use serde_json::{Map, Value};

use crate::model::arn::sns_topic_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::sqs::attribute_fields;
use super::{Api, Ctx, ErrorFact, Names, Reader, nothing, str_of, take_list};

pub const APIS: &[Api] = &[
    Api {
        command: "list-topics",
        operation: "ListTopics",
        invocation: "aws sns list-topics",
        signature: &[&["Topics"]],
        shape: &[
            req("Topics", Ty::Arr),
            req("Topics/*", Ty::Obj),
            req("Topics/*/TopicArn", Ty::Str),
        ],
        read: Reader::Export(list_topics),
        ..Api::base("sns", Names::Nothing, Some(Kind::SnsTopic))
    },
    Api {
        command: "get-topic-attributes",
        operation: "GetTopicAttributes",
        invocation: "aws sns get-topic-attributes --topic-arn ARN",
        // `{"Attributes": ...}` is SQS's or SNS's: the file name decides.
        signature: &[&["Attributes"]],
        shape: &[
            req("Attributes", Ty::Obj),
            opt("Attributes/TopicArn", Ty::Str),
            opt("Attributes/KmsMasterKeyId", Ty::Str),
            opt("Attributes/Owner", Ty::Str),
            opt("Attributes/Policy", Ty::Str),
        ],
        // SNS's code for `NotFoundException` (also among the not-found codes of every call).
        errors: &[ErrorFact {
            code: "NotFound",
            means: "the topic was deleted since it was listed: nothing to add",
            read: nothing,
        }],
        read: Reader::Export(get_topic_attributes),
        ..Api::base("sns", Names::TopicName, Some(Kind::SnsTopic))
    },
];

fn topic(arn: &str) -> Piece {
    let (account, region) = Arn::parse(arn)
        .map(|a| (a.account, a.region))
        .unwrap_or(("", ""));
    Piece::new(Kind::SnsTopic, Ident::Arn(arn.to_owned()), account, region)
}

fn list_topics(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, t) in take_list(obj, "Topics").into_iter().enumerate() {
        let Some(arn) = str_of(&t, "TopicArn").filter(|a| a.starts_with("arn:")) else {
            return Err(format!("/Topics/{i}/TopicArn: not an ARN"));
        };
        let at = ctx.at(&format!("/Topics/{i}/TopicArn"));
        let piece = topic(arn).field("TopicArn", Value::from(arn), at);
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

/// `get-topic-attributes`: every attribute a field. The topic is `TopicArn`, else the topic
/// the file names in the directory's account and region.
fn get_topic_attributes(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let Some(Value::Object(attributes)) = obj.remove("Attributes") else {
        return Err("`Attributes` is missing".into());
    };
    let arn = match attributes.get("TopicArn").and_then(Value::as_str) {
        Some(arn) if arn.starts_with("arn:") => arn.to_owned(),
        _ => {
            let name = ctx.resource(Names::TopicName)?;
            let (account, region) = ctx.scope("sns")?;
            sns_topic_arn(region, account, name)
        }
    };
    Ok(vec![Item::Piece(attribute_fields(
        topic(&arn),
        attributes,
        ctx,
    ))])
}
