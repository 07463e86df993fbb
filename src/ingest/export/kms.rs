//! `aws kms` outputs.

use serde_json::{Map, Value};

use crate::model::arn::partition;
use crate::model::{Arn, Ident, Item, Kind, Piece, kms_key_arn};

use super::{Api, Ctx, members, str_of, take_list};

/// How a per-key file names its key: by ARN when the layout gives account and region.
fn key_piece(ctx: &Ctx, reference: &str) -> Piece {
    if let Some(arn) = Arn::parse(reference) {
        return Piece::new(
            Kind::KmsKey,
            Ident::Arn(reference.to_owned()),
            arn.account,
            arn.region,
        );
    }
    let ident = match (&ctx.hint.account, &ctx.hint.region) {
        (Some(account), Some(region)) => {
            Ident::Arn(kms_key_arn(partition(region), region, account, reference))
        }
        _ => Ident::KeyId(reference.to_owned()),
    };
    Piece::new(Kind::KmsKey, ident, ctx.account(), ctx.region())
}

/// The key a per-key output is about: the file name's, else one the content names.
fn key_of(ctx: &Ctx, from_content: Option<&str>) -> Result<Piece, String> {
    match (ctx.hint.resource.as_deref(), from_content) {
        (Some(id), _) => Ok(key_piece(ctx, id)),
        (None, Some(id)) => Ok(key_piece(ctx, id)),
        (None, None) => ctx.resource("key-id").map(|id| key_piece(ctx, id)),
    }
}

pub fn read(api: Api, obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    match api {
        Api::ListKeys => {
            let keys = obj.get("Keys").and_then(Value::as_array);
            for (i, k) in keys.into_iter().flatten().enumerate() {
                let (Some(id), Some(arn)) = (str_of(k, "KeyId"), str_of(k, "KeyArn")) else {
                    continue;
                };
                let at = ctx.at(&format!("/Keys/{i}"));
                let piece = key_piece(ctx, arn)
                    .field("KeyId", Value::from(id), at.child("KeyId"))
                    .field("Arn", Value::from(arn), at.child("KeyArn"));
                items.push(Item::Piece(piece));
            }
            if let (Some(account), Some(region)) = (&ctx.hint.account, &ctx.hint.region) {
                items.push(Item::KeysListed {
                    account: account.clone(),
                    region: region.clone(),
                });
            }
        }
        Api::ListAliases => {
            for (i, a) in take_list(obj, "Aliases").into_iter().enumerate() {
                let Some(arn) = str_of(&a, "AliasArn").map(str::to_owned) else {
                    continue;
                };
                let (account, region) = Arn::parse(&arn)
                    .map(|p| (p.account, p.region))
                    .unwrap_or((ctx.account(), ctx.region()));
                let (account, region) = (account.to_owned(), region.to_owned());
                let piece = Piece::new(Kind::KmsAlias, Ident::Arn(arn), &account, &region)
                    .whole(members(a), ctx.at(&format!("/Aliases/{i}")));
                items.push(Item::Piece(piece));
            }
        }
        Api::DescribeKey => {
            let meta = obj
                .remove("KeyMetadata")
                .ok_or("describe-key output without KeyMetadata")?;
            let arn = str_of(&meta, "Arn")
                .ok_or("KeyMetadata without Arn")?
                .to_owned();
            let arn = arn.as_str();
            let piece = key_piece(ctx, arn).whole(members(meta), ctx.at("/KeyMetadata"));
            items.push(Item::Piece(piece));
        }
        Api::GetKeyPolicy => {
            let mut piece = key_of(ctx, None)?;
            for field in ["Policy", "PolicyName"] {
                if let Some(v) = obj.remove(field) {
                    piece = piece.field(field, v, ctx.at(&format!("/{field}")));
                }
            }
            items.push(Item::Piece(piece));
        }
        Api::GetKeyRotationStatus => {
            let mut piece = key_of(ctx, obj.get("KeyId").and_then(Value::as_str))?;
            for (field, value) in std::mem::take(obj) {
                if field != "KeyId" {
                    let at = ctx.at(&format!("/{field}"));
                    piece = piece.field(&field, value, at);
                }
            }
            items.push(Item::Piece(piece));
        }
        Api::ListGrants | Api::ListResourceTags => {
            let field = if api == Api::ListGrants {
                "Grants"
            } else {
                "Tags"
            };
            let named = obj
                .get("Grants")
                .and_then(|g| g.get(0))
                .and_then(|g| str_of(g, "KeyId"));
            let piece = key_of(ctx, named)?;
            let value = obj.remove(field).unwrap_or(Value::Array(Vec::new()));
            let piece = piece.field(field, value, ctx.at(&format!("/{field}")));
            items.push(Item::Piece(piece));
        }
        _ => {}
    }
    Ok(items)
}
