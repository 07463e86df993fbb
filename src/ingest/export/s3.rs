//! `aws s3api` and `aws s3control` outputs.

use serde_json::{Map, Value, json};

use crate::model::arn::{self, partition};
use crate::model::{Fact, Ident, Item, Kind, Piece};

use super::{Api, Ctx, members, str_of, take_list};

fn bucket_arn(region: &str, name: &str) -> String {
    arn::bucket_arn(partition(region), name)
}

fn account_arn(region: &str, account: &str) -> String {
    arn::s3_account_arn(partition(region), account)
}

fn bucket(ctx: &Ctx, name: &str) -> Piece {
    Piece::new(
        Kind::S3Bucket,
        Ident::Arn(bucket_arn(ctx.region(), name)),
        ctx.account(),
        "",
    )
}

pub fn read(api: Api, obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut one = |field: &str| -> Result<Vec<Item>, String> {
        let name = ctx.resource("bucket")?;
        let value = obj.remove(field).unwrap_or(Value::Null);
        let piece = bucket(ctx, name).field(field, value, ctx.at(&format!("/{field}")));
        Ok(vec![Item::Piece(piece)])
    };
    match api {
        Api::ListBuckets => {
            let mut items = Vec::new();
            let owner = obj.get("Owner").cloned();
            for (i, b) in take_list(obj, "Buckets").into_iter().enumerate() {
                let Some(name) = str_of(&b, "Name").map(str::to_owned) else {
                    continue;
                };
                let region = str_of(&b, "BucketRegion").unwrap_or("").to_owned();
                let mut piece =
                    bucket(ctx, &name).whole(members(b), ctx.at(&format!("/Buckets/{i}")));
                piece.region = region;
                if let Some(owner) = &owner {
                    piece = piece.field("Owner", owner.clone(), ctx.at("/Owner"));
                }
                items.push(Item::Piece(piece));
            }
            Ok(items)
        }
        Api::GetBucketLocation => one("LocationConstraint"),
        Api::GetBucketEncryption => one("ServerSideEncryptionConfiguration"),
        Api::GetBucketPublicAccessBlock => one("PublicAccessBlockConfiguration"),
        Api::GetBucketPolicy => one("Policy"),
        Api::GetBucketPolicyStatus => one("PolicyStatus"),
        Api::GetBucketOwnershipControls => one("OwnershipControls"),
        Api::GetBucketAcl => {
            let name = ctx.resource("bucket")?;
            let mut piece = bucket(ctx, name);
            for field in ["Owner", "Grants"] {
                if let Some(v) = obj.remove(field) {
                    piece = piece.field(field, v, ctx.at(&format!("/{field}")));
                }
            }
            Ok(vec![Item::Piece(piece)])
        }
        Api::GetBucketVersioning => {
            let name = ctx.resource("bucket")?;
            let piece = bucket(ctx, name).field(
                "Versioning",
                Value::Object(std::mem::take(obj)),
                ctx.root(),
            );
            Ok(vec![Item::Piece(piece)])
        }
        Api::GetAccountPublicAccessBlock => {
            let account = ctx.hint.account.as_deref().ok_or(
                "an account's public access block must sit under <account>/<region>/s3control/",
            )?;
            let value = obj
                .remove("PublicAccessBlockConfiguration")
                .unwrap_or(Value::Null);
            let piece = Piece::new(
                Kind::S3Account,
                Ident::Arn(account_arn(ctx.region(), account)),
                account,
                "",
            )
            .field("AccountId", json!(account), ctx.root())
            .field(
                "PublicAccessBlockConfiguration",
                value,
                ctx.at("/PublicAccessBlockConfiguration"),
            );
            Ok(vec![Item::Piece(piece)])
        }
        _ => Ok(Vec::new()),
    }
}

/// The error codes that are facts about a bucket or account rather than failures.
pub fn read_error(api: Api, code: &str, ctx: &Ctx) -> Result<Option<Vec<Item>>, String> {
    let at = ctx.at("/error_code");
    let piece = match (api, code) {
        (Api::GetBucketEncryption, "ServerSideEncryptionConfigurationNotFoundError") => {
            bucket(ctx, ctx.resource("bucket")?).fact(Fact::NoDefaultEncryption, at)
        }
        (Api::GetBucketPolicy, "NoSuchBucketPolicy") => {
            bucket(ctx, ctx.resource("bucket")?).fact(Fact::NoBucketPolicy, at)
        }
        // The policy file says the same; nothing to add.
        (Api::GetBucketPolicyStatus, "NoSuchBucketPolicy") => return Ok(Some(Vec::new())),
        (Api::GetBucketOwnershipControls, "OwnershipControlsNotFoundError") => {
            bucket(ctx, ctx.resource("bucket")?).fact(Fact::NoOwnershipControls, at)
        }
        (Api::GetBucketPublicAccessBlock, "NoSuchPublicAccessBlockConfiguration") => bucket(
            ctx,
            ctx.resource("bucket")?,
        )
        .field("PublicAccessBlockConfiguration", all_off(), at),
        (Api::GetAccountPublicAccessBlock, "NoSuchPublicAccessBlockConfiguration") => {
            let account = ctx.hint.account.as_deref().ok_or(
                "an account's public access block must sit under <account>/<region>/s3control/",
            )?;
            Piece::new(
                Kind::S3Account,
                Ident::Arn(account_arn(ctx.region(), account)),
                account,
                "",
            )
            .field("AccountId", json!(account), ctx.root())
            .field("PublicAccessBlockConfiguration", all_off(), at)
        }
        _ => return Ok(None),
    };
    Ok(Some(vec![Item::Piece(piece)]))
}

/// No public access block configuration means every setting is off.
fn all_off() -> Value {
    json!({
        "BlockPublicAcls": false,
        "IgnorePublicAcls": false,
        "BlockPublicPolicy": false,
        "RestrictPublicBuckets": false
    })
}
