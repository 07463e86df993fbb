//! `aws cloudtrail` outputs describing trails.

use serde_json::{Map, Value};

use crate::model::arn::trail_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, members, str_of, take_list};

pub const APIS: &[Api] = &[
    Api {
        command: "describe-trails",
        operation: "DescribeTrails",
        invocation: "aws cloudtrail describe-trails",
        signature: &[&["trailList"]],
        shape: &[
            req("trailList", Ty::Arr),
            req("trailList/*", Ty::Obj),
            req("trailList/*/TrailARN", Ty::Str),
            opt("trailList/*/Name", Ty::Str),
            opt("trailList/*/HomeRegion", Ty::Str),
            opt("trailList/*/IsMultiRegionTrail", Ty::Bool),
            opt("trailList/*/IsOrganizationTrail", Ty::Bool),
            opt("trailList/*/LogFileValidationEnabled", Ty::Bool),
            opt("trailList/*/KmsKeyId", Ty::Str),
            opt("trailList/*/S3BucketName", Ty::Str),
        ],
        read: Reader::Export(describe_trails),
        ..Api::base("cloudtrail", Names::Nothing, Some(Kind::CloudtrailTrail))
    },
    Api {
        command: "get-trail-status",
        operation: "GetTrailStatus",
        invocation: "aws cloudtrail get-trail-status --name T",
        signature: &[&["IsLogging"]],
        shape: &[req("IsLogging", Ty::Bool)],
        read: Reader::Export(per_trail),
        ..Api::base("cloudtrail", Names::TrailName, Some(Kind::CloudtrailTrail))
    },
    Api {
        command: "get-event-selectors",
        operation: "GetEventSelectors",
        invocation: "aws cloudtrail get-event-selectors --trail-name T",
        signature: &[&["EventSelectors"], &["AdvancedEventSelectors"]],
        shape: &[
            opt("TrailARN", Ty::Str),
            opt("EventSelectors", Ty::Arr),
            opt("EventSelectors/*", Ty::Obj),
            opt("EventSelectors/*/DataResources", Ty::Arr),
            opt("AdvancedEventSelectors", Ty::Arr),
            opt("AdvancedEventSelectors/*", Ty::Obj),
            opt("AdvancedEventSelectors/*/FieldSelectors", Ty::Arr),
        ],
        read: Reader::Export(per_trail),
        ..Api::base("cloudtrail", Names::TrailName, Some(Kind::CloudtrailTrail))
    },
    Api {
        command: "get-insight-selectors",
        operation: "GetInsightSelectors",
        invocation: "aws cloudtrail get-insight-selectors --trail-name T",
        signature: &[&["InsightSelectors"]],
        shape: &[
            opt("TrailARN", Ty::Str),
            opt("InsightSelectors", Ty::Arr),
            opt("InsightSelectors/*", Ty::Obj),
            opt("InsightSelectors/*/InsightType", Ty::Str),
        ],
        read: Reader::Export(per_trail),
        errors: &[ErrorFact {
            code: "InsightNotEnabledException",
            means: "CloudTrail Insights is not enabled on the trail: no insight selectors",
            read: |ctx, at| {
                let piece =
                    named(ctx, None)?.field("InsightSelectors", Value::Array(Vec::new()), at);
                Ok(vec![Item::Piece(piece)])
            },
        }],
        ..Api::base("cloudtrail", Names::TrailName, Some(Kind::CloudtrailTrail))
    },
];

fn trail(arn: &str) -> Piece {
    let (account, region) = Arn::parse(arn)
        .map(|a| (a.account, a.region))
        .unwrap_or(("", ""));
    Piece::new(
        Kind::CloudtrailTrail,
        Ident::Arn(arn.to_owned()),
        account,
        region,
    )
}

/// The trail a per-trail output is about: the ARN the content names, else the file's trail
/// name in the directory's account and region. By name, CloudTrail answers only in the
/// trail's home region (elsewhere: `TrailNotFoundException`), so that is the trail's ARN.
fn named(ctx: &Ctx, from_content: Option<&str>) -> Result<Piece, String> {
    if let Some(arn) = from_content.filter(|a| a.starts_with("arn:")) {
        return Ok(trail(arn));
    }
    let name = ctx.resource(Names::TrailName)?;
    if name.starts_with("arn:") {
        return Ok(trail(name));
    }
    let (account, region) = ctx.scope("cloudtrail")?;
    Ok(trail(&trail_arn(region, account, name)))
}

fn describe_trails(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, t) in take_list(obj, "trailList").into_iter().enumerate() {
        let Some(arn) = str_of(&t, "TrailARN").map(str::to_owned) else {
            continue;
        };
        let piece = trail(&arn).whole(members(t), ctx.at(&format!("/trailList/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

/// `get-trail-status` and `get-event-selectors`: every member a field of the trail.
fn per_trail(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut piece = named(ctx, obj.get("TrailARN").and_then(Value::as_str))?;
    for (field, value) in std::mem::take(obj) {
        if field != "TrailARN" {
            let at = ctx.at(&format!("/{field}"));
            piece = piece.field(&field, value, at);
        }
    }
    Ok(vec![Item::Piece(piece)])
}
