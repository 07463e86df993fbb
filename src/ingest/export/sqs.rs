//! `aws sqs` outputs: the region's queues and each queue's attributes.
//!
//! `get-queue-attributes --attribute-names All` prints `{"Attributes": {...}}`, a map of
//! strings; each attribute becomes a field of the queue under its own name (`KmsMasterKeyId`,
//! `SqsManagedSseEnabled`, ...), as AWS Config records them, located at its member of the map.
//! The per-queue file is named by the queue's name: the last path segment of its URL.

use serde_json::{Map, Value};

use crate::model::arn::{queue_of_url, sqs_queue_arn};
use crate::model::{Arn, Fact, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, nothing, take_list};

const GONE: &str = "the queue was deleted since it was listed: nothing to add";

pub const APIS: &[Api] = &[
    Api {
        command: "list-queues",
        operation: "ListQueues",
        invocation: "aws sqs list-queues",
        signature: &[&["QueueUrls"]],
        shape: &[opt("QueueUrls", Ty::Arr), req("QueueUrls/*", Ty::Str)],
        // A region without queues: SQS answers `{}`, which the CLI does not print.
        may_be_empty: true,
        read: Reader::Export(list_queues),
        ..Api::base("sqs", Names::Nothing, Some(Kind::SqsQueue))
    },
    Api {
        command: "get-queue-attributes",
        operation: "GetQueueAttributes",
        invocation: "aws sqs get-queue-attributes --queue-url URL --attribute-names All",
        // `{"Attributes": ...}` is SQS's or SNS's: the file name decides.
        signature: &[&["Attributes"]],
        shape: &[
            req("Attributes", Ty::Obj),
            opt("Attributes/QueueArn", Ty::Str),
            opt("Attributes/KmsMasterKeyId", Ty::Str),
            opt("Attributes/SqsManagedSseEnabled", Ty::Str),
            opt("Attributes/KmsDataKeyReusePeriodSeconds", Ty::Str),
            opt("Attributes/Policy", Ty::Str),
        ],
        errors: &[
            ErrorFact {
                code: "AWS.SimpleQueueService.NonExistentQueue",
                means: GONE,
                read: nothing,
            },
            ErrorFact {
                code: "QueueDoesNotExist",
                means: GONE,
                read: nothing,
            },
        ],
        read: Reader::Export(get_queue_attributes),
        ..Api::base("sqs", Names::QueueName, Some(Kind::SqsQueue))
    },
];

fn queue(arn: String) -> Piece {
    let (account, region) = Arn::parse(&arn)
        .map(|a| (a.account.to_owned(), a.region.to_owned()))
        .unwrap_or_default();
    Piece::new(Kind::SqsQueue, Ident::Arn(arn), &account, &region)
}

/// The region a queue URL names (`https://sqs.us-east-1.amazonaws.com/...`, or the legacy
/// `https://us-east-1.queue.amazonaws.com/...`).
fn url_region(url: &str) -> Option<&str> {
    let host = url.split("://").nth(1)?.split('/').next()?;
    let mut parts = host.split('.');
    match (parts.next()?, parts.next()?) {
        ("sqs", region) => Some(region),
        (region, "queue") => Some(region),
        _ => None,
    }
    .filter(|r| crate::ingest::layout::is_region(r))
}

/// `list-queues`: one queue per URL, in the directory's region (the call is regional) and
/// the account its URL names.
fn list_queues(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, url) in take_list(obj, "QueueUrls").into_iter().enumerate() {
        let Some(u) = url.as_str() else { continue };
        let at = ctx.at(&format!("/QueueUrls/{i}"));
        let Some((name, account)) = queue_of_url(u) else {
            return Err(format!(
                "/QueueUrls/{i}: `{u}` is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"
            ));
        };
        let region = match ctx.hint.region.as_deref().or_else(|| url_region(u)) {
            Some(r) => r.to_owned(),
            None => ctx.scope("sqs")?.1.to_owned(),
        };
        let account = match account.or(ctx.hint.account.as_deref()) {
            Some(a) => a.to_owned(),
            None => ctx.scope("sqs")?.0.to_owned(),
        };
        let piece = queue(sqs_queue_arn(&region, &account, name)).field("QueueUrl", url, at);
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

/// `get-queue-attributes`: every attribute a field. The queue is `QueueArn`, else the queue
/// the file names in the directory's account and region.
fn get_queue_attributes(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let Some(Value::Object(attributes)) = obj.remove("Attributes") else {
        return Err("`Attributes` is missing".into());
    };
    let arn = match attributes.get("QueueArn").and_then(Value::as_str) {
        Some(arn) if arn.starts_with("arn:") => arn.to_owned(),
        _ => {
            let name = ctx.resource(Names::QueueName)?;
            let (account, region) = ctx.scope("sqs")?;
            sqs_queue_arn(region, account, name)
        }
    };
    let mut piece = queue(arn);
    // `All` includes `Policy` whenever the queue has one.
    if !attributes.contains_key("Policy") {
        piece = piece.fact(Fact::NoQueuePolicy, ctx.at("/Attributes"));
    }
    Ok(vec![Item::Piece(attribute_fields(piece, attributes, ctx))])
}

/// Each attribute of an `Attributes` map (SQS, SNS) a field of `piece`, at its member; the
/// map as a whole is where the resource is described.
pub(super) fn attribute_fields(piece: Piece, attributes: Map<String, Value>, ctx: &Ctx) -> Piece {
    piece.whole(attributes, ctx.at("/Attributes"))
}
