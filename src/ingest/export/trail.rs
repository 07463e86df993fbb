//! `aws cloudtrail` outputs describing trails.

use serde_json::{Map, Value};

use crate::model::arn::trail_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::{Api, Ctx, members, str_of, take_list};

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
/// name in the directory's account and region.
fn named(ctx: &Ctx, from_content: Option<&str>) -> Result<Piece, String> {
    if let Some(arn) = from_content.filter(|a| a.starts_with("arn:")) {
        return Ok(trail(arn));
    }
    let name = ctx.resource("trail-name")?;
    if name.starts_with("arn:") {
        return Ok(trail(name));
    }
    match (&ctx.hint.account, &ctx.hint.region) {
        (Some(account), Some(region)) => Ok(trail(&trail_arn(region, account, name))),
        _ => Err("a trail's status must sit under <account>/<region>/cloudtrail/".into()),
    }
}

pub fn read(api: Api, obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    match api {
        Api::DescribeTrails => {
            for (i, t) in take_list(obj, "trailList").into_iter().enumerate() {
                let Some(arn) = str_of(&t, "TrailARN").map(str::to_owned) else {
                    continue;
                };
                let piece = trail(&arn).whole(members(t), ctx.at(&format!("/trailList/{i}")));
                items.push(Item::Piece(piece));
            }
        }
        Api::GetTrailStatus | Api::GetEventSelectors => {
            let mut piece = named(ctx, obj.get("TrailARN").and_then(Value::as_str))?;
            for (field, value) in std::mem::take(obj) {
                if field != "TrailARN" {
                    let at = ctx.at(&format!("/{field}"));
                    piece = piece.field(&field, value, at);
                }
            }
            items.push(Item::Piece(piece));
        }
        _ => {}
    }
    Ok(items)
}
