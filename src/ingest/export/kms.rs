//! `aws kms` outputs.

use serde_json::{Map, Value};

use crate::model::arn::partition;
use crate::model::{Arn, Ident, Item, Kind, Piece, kms_key_arn};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, members, nothing, str_of, take_list};

const fn key_api(
    command: &'static str,
    operation: &'static str,
    invocation: &'static str,
    signature: &'static [&'static [&'static str]],
    shape: &'static [super::Member],
    read: super::ReadFn,
) -> Api {
    Api {
        command,
        operation,
        invocation,
        signature,
        shape,
        read: Reader::Export(read),
        ..Api::base("kms", Names::KeyId, Some(Kind::KmsKey))
    }
}

pub const APIS: &[Api] = &[
    Api {
        names: Names::Nothing,
        ..key_api(
            "list-keys",
            "ListKeys",
            "aws kms list-keys",
            &[&["Keys"]],
            &[
                req("Keys", Ty::Arr),
                req("Keys/*", Ty::Obj),
                req("Keys/*/KeyId", Ty::Str),
                req("Keys/*/KeyArn", Ty::Str),
            ],
            list_keys,
        )
    },
    Api {
        names: Names::Nothing,
        kind: Some(Kind::KmsAlias),
        ..key_api(
            "list-aliases",
            "ListAliases",
            "aws kms list-aliases",
            &[&["Aliases"]],
            &[
                req("Aliases", Ty::Arr),
                req("Aliases/*", Ty::Obj),
                req("Aliases/*/AliasName", Ty::Str),
                req("Aliases/*/AliasArn", Ty::Str),
                opt("Aliases/*/TargetKeyId", Ty::Str),
            ],
            list_aliases,
        )
    },
    key_api(
        "describe-key",
        "DescribeKey",
        "aws kms describe-key --key-id K",
        &[&["KeyMetadata"]],
        &[
            req("KeyMetadata", Ty::Obj),
            req("KeyMetadata/KeyId", Ty::Str),
            req("KeyMetadata/Arn", Ty::Str),
            opt("KeyMetadata/KeyState", Ty::Str),
            opt("KeyMetadata/KeyManager", Ty::Str),
            opt("KeyMetadata/Enabled", Ty::Bool),
            opt("KeyMetadata/DeletionDate", Ty::Time),
            opt("KeyMetadata/KeySpec", Ty::Str),
            opt("KeyMetadata/Origin", Ty::Str),
            opt("KeyMetadata/MultiRegion", Ty::Bool),
            opt("KeyMetadata/MultiRegionConfiguration", Ty::Obj),
            opt(
                "KeyMetadata/MultiRegionConfiguration/MultiRegionKeyType",
                Ty::Str,
            ),
            opt("KeyMetadata/MultiRegionConfiguration/PrimaryKey", Ty::Obj),
            opt(
                "KeyMetadata/MultiRegionConfiguration/PrimaryKey/Arn",
                Ty::Str,
            ),
            opt("KeyMetadata/MultiRegionConfiguration/ReplicaKeys", Ty::Arr),
            opt("KeyMetadata/ValidTo", Ty::Time),
            opt("KeyMetadata/ExpirationModel", Ty::Str),
        ],
        describe_key,
    ),
    key_api(
        "get-key-policy",
        "GetKeyPolicy",
        "aws kms get-key-policy --key-id K --policy-name default",
        &[&["Policy", "PolicyName"], &["Policy"]],
        &[req("Policy", Ty::Str), opt("PolicyName", Ty::Str)],
        get_key_policy,
    ),
    Api {
        // Rotation does not apply to keys pending deletion or without rotatable material
        // (asymmetric, HMAC, imported, custom key stores): an expected answer.
        errors: &[
            ErrorFact {
                code: "KMSInvalidStateException",
                means: "rotation does not apply (a key pending deletion)",
                read: nothing,
            },
            ErrorFact {
                code: "UnsupportedOperationException",
                means: "automatic rotation is not supported (asymmetric, HMAC, imported or custom key store keys): `RotationSupported` false",
                read: rotation_unsupported,
            },
        ],
        ..key_api(
            "get-key-rotation-status",
            "GetKeyRotationStatus",
            "aws kms get-key-rotation-status --key-id K",
            &[&["KeyRotationEnabled"]],
            &[
                req("KeyRotationEnabled", Ty::Bool),
                opt("KeyId", Ty::Str),
                opt("RotationPeriodInDays", Ty::Int),
                opt("NextRotationDate", Ty::Time),
                opt("OnDemandRotationStartDate", Ty::Time),
            ],
            rotation_status,
        )
    },
    Api {
        // The history of rotations; keys that cannot rotate answer as for the status.
        errors: &[
            ErrorFact {
                code: "KMSInvalidStateException",
                means: "no rotation history (a key pending deletion)",
                read: nothing,
            },
            ErrorFact {
                code: "UnsupportedOperationException",
                means: "automatic rotation is not supported: `RotationSupported` false",
                read: rotation_unsupported,
            },
        ],
        ..key_api(
            "list-key-rotations",
            "ListKeyRotations",
            "aws kms list-key-rotations --key-id K",
            &[&["Rotations"]],
            &[
                req("Rotations", Ty::Arr),
                req("Rotations/*", Ty::Obj),
                opt("Rotations/*/KeyId", Ty::Str),
                opt("Rotations/*/RotationDate", Ty::Time),
                opt("Rotations/*/RotationType", Ty::Str),
            ],
            |obj, ctx| list_member(obj, ctx, "Rotations"),
        )
    },
    key_api(
        "list-grants",
        "ListGrants",
        "aws kms list-grants --key-id K",
        &[&["Grants"]],
        &[
            req("Grants", Ty::Arr),
            req("Grants/*", Ty::Obj),
            opt("Grants/*/KeyId", Ty::Str),
        ],
        |obj, ctx| list_member(obj, ctx, "Grants"),
    ),
    key_api(
        "list-resource-tags",
        "ListResourceTags",
        "aws kms list-resource-tags --key-id K",
        &[&["Tags", "Truncated"]],
        &[
            req("Tags", Ty::Arr),
            req("Tags/*", Ty::Obj),
            opt("Tags/*/TagKey", Ty::Str),
            opt("Tags/*/TagValue", Ty::Str),
        ],
        |obj, ctx| list_member(obj, ctx, "Tags"),
    ),
];

/// The alias prefix AWS reserves for the keys it manages.
pub const AWS_MANAGED: &str = "alias/aws/";

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
        (Some(id), _) | (None, Some(id)) => Ok(key_piece(ctx, id)),
        (None, None) => ctx.resource(Names::KeyId).map(|id| key_piece(ctx, id)),
    }
}

fn list_keys(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, k) in take_list(obj, "Keys").into_iter().enumerate() {
        let (Some(id), Some(arn)) = (str_of(&k, "KeyId"), str_of(&k, "KeyArn")) else {
            continue;
        };
        let at = ctx.at(&format!("/Keys/{i}"));
        let piece = key_piece(ctx, arn)
            .field("KeyId", Value::from(id), at.child("KeyId"))
            .field("Arn", Value::from(arn), at.child("KeyArn"));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

fn list_aliases(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, a) in take_list(obj, "Aliases").into_iter().enumerate() {
        let Some(arn) = str_of(&a, "AliasArn").map(str::to_owned) else {
            continue;
        };
        let (account, region) = Arn::parse(&arn)
            .map(|p| (p.account, p.region))
            .unwrap_or((ctx.account(), ctx.region()));
        let (account, region) = (account.to_owned(), region.to_owned());
        let at = ctx.at(&format!("/Aliases/{i}"));
        // An AWS managed key (`alias/aws/ebs`, ...) exists wherever its alias does, even when
        // the export could not describe it (no `kms:DescribeKey` on AWS keys).
        if str_of(&a, "AliasName").is_some_and(|n| n.starts_with(AWS_MANAGED))
            && let Some(target) = str_of(&a, "TargetKeyId")
        {
            let key = kms_key_arn(partition(&region), &region, &account, target);
            let piece = Piece::new(Kind::KmsKey, Ident::Arn(key), &account, &region).field(
                "KeyId",
                Value::from(target),
                at.child("TargetKeyId"),
            );
            items.push(Item::Piece(piece));
        }
        let piece =
            Piece::new(Kind::KmsAlias, Ident::Arn(arn), &account, &region).whole(members(a), at);
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

fn describe_key(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let meta = obj
        .remove("KeyMetadata")
        .ok_or("describe-key output without KeyMetadata")?;
    let arn = str_of(&meta, "Arn")
        .ok_or("KeyMetadata without Arn")?
        .to_owned();
    let piece = key_piece(ctx, &arn).whole(members(meta), ctx.at("/KeyMetadata"));
    Ok(vec![Item::Piece(piece)])
}

fn get_key_policy(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut piece = key_of(ctx, None)?;
    for field in ["Policy", "PolicyName"] {
        if let Some(v) = obj.remove(field) {
            piece = piece.field(field, v, ctx.at(&format!("/{field}")));
        }
    }
    Ok(vec![Item::Piece(piece)])
}

fn rotation_status(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut piece = key_of(ctx, obj.get("KeyId").and_then(Value::as_str))?;
    for (field, value) in std::mem::take(obj) {
        if field != "KeyId" {
            let at = ctx.at(&format!("/{field}"));
            piece = piece.field(&field, value, at);
        }
    }
    Ok(vec![Item::Piece(piece)])
}

/// `get-key-rotation-status` or `list-key-rotations` answered that the key cannot rotate
/// automatically.
fn rotation_unsupported(ctx: &Ctx, at: crate::model::Loc) -> Result<Vec<Item>, String> {
    let piece = key_of(ctx, None)?.field("RotationSupported", Value::Bool(false), at);
    Ok(vec![Item::Piece(piece)])
}

/// `list-grants`, `list-key-rotations` and `list-resource-tags`: one list member of the key.
fn list_member(obj: &mut Map<String, Value>, ctx: &Ctx, field: &str) -> Result<Vec<Item>, String> {
    let named = ["Grants", "Rotations"]
        .iter()
        .find_map(|list| obj.get(*list))
        .and_then(|g| g.get(0))
        .and_then(|g| str_of(g, "KeyId"));
    let piece = key_of(ctx, named)?;
    let value = obj.remove(field).unwrap_or(Value::Array(Vec::new()));
    let piece = piece.field(field, value, ctx.at(&format!("/{field}")));
    Ok(vec![Item::Piece(piece)])
}
