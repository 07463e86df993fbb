//! `aws s3api` and `aws s3control` outputs.

use serde_json::{Map, Value, json};

use crate::model::arn::{self, partition};
use crate::model::{Fact, Ident, Item, Kind, Loc, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, members, nothing, str_of, take_list};

const fn bucket_api(
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
        ..Api::base("s3", Names::Bucket, Some(Kind::S3Bucket))
    }
}

const PAB: [super::Member; 5] = [
    req("PublicAccessBlockConfiguration", Ty::Obj),
    opt("PublicAccessBlockConfiguration/BlockPublicAcls", Ty::Bool),
    opt("PublicAccessBlockConfiguration/IgnorePublicAcls", Ty::Bool),
    opt("PublicAccessBlockConfiguration/BlockPublicPolicy", Ty::Bool),
    opt(
        "PublicAccessBlockConfiguration/RestrictPublicBuckets",
        Ty::Bool,
    ),
];

pub const APIS: &[Api] = &[
    Api {
        command: "list-buckets",
        operation: "ListBuckets",
        invocation: "aws s3api list-buckets",
        signature: &[&["Buckets"]],
        shape: &[
            req("Buckets", Ty::Arr),
            req("Buckets/*", Ty::Obj),
            req("Buckets/*/Name", Ty::Str),
            opt("Buckets/*/CreationDate", Ty::Time),
            opt("Buckets/*/BucketRegion", Ty::Str),
            opt("Owner", Ty::Obj),
        ],
        read: Reader::Export(list_buckets),
        ..Api::base("s3", Names::Nothing, Some(Kind::S3Bucket))
    },
    bucket_api(
        "get-bucket-location",
        "GetBucketLocation",
        "aws s3api get-bucket-location --bucket B",
        &[&["LocationConstraint"]],
        &[req("LocationConstraint", Ty::StrOrNull)],
        |obj, ctx| one(obj, ctx, "LocationConstraint"),
    ),
    Api {
        errors: &[ErrorFact {
            code: "ServerSideEncryptionConfigurationNotFoundError",
            means: "no default encryption (AWS applies SSE-S3 to every bucket since January 2023; S3-compatible stores and older exports still answer this)",
            read: |ctx, at| fact(ctx, Fact::NoDefaultEncryption, at),
        }],
        ..bucket_api(
            "get-bucket-encryption",
            "GetBucketEncryption",
            "aws s3api get-bucket-encryption --bucket B",
            &[&["ServerSideEncryptionConfiguration"]],
            &[
                req("ServerSideEncryptionConfiguration", Ty::Obj),
                req("ServerSideEncryptionConfiguration/Rules", Ty::Arr),
                req("ServerSideEncryptionConfiguration/Rules/*", Ty::Obj),
                opt(
                    "ServerSideEncryptionConfiguration/Rules/*/ApplyServerSideEncryptionByDefault",
                    Ty::Obj,
                ),
                opt(
                    "ServerSideEncryptionConfiguration/Rules/*/ApplyServerSideEncryptionByDefault/SSEAlgorithm",
                    Ty::Str,
                ),
                opt(
                    "ServerSideEncryptionConfiguration/Rules/*/ApplyServerSideEncryptionByDefault/KMSMasterKeyID",
                    Ty::Str,
                ),
                opt(
                    "ServerSideEncryptionConfiguration/Rules/*/BucketKeyEnabled",
                    Ty::Bool,
                ),
            ],
            |obj, ctx| one(obj, ctx, "ServerSideEncryptionConfiguration"),
        )
    },
    Api {
        errors: &[ErrorFact {
            code: "NoSuchPublicAccessBlockConfiguration",
            means: "every setting off",
            read: |ctx, at| {
                let piece = bucket(ctx, ctx.resource(Names::Bucket)?).field(
                    "PublicAccessBlockConfiguration",
                    all_off(),
                    at,
                );
                Ok(vec![Item::Piece(piece)])
            },
        }],
        ..bucket_api(
            "get-public-access-block",
            "GetPublicAccessBlock",
            "aws s3api get-public-access-block --bucket B",
            &[&["PublicAccessBlockConfiguration"]],
            &PAB,
            |obj, ctx| one(obj, ctx, "PublicAccessBlockConfiguration"),
        )
    },
    Api {
        errors: &[ErrorFact {
            code: "NoSuchBucketPolicy",
            means: "no bucket policy",
            read: |ctx, at| fact(ctx, Fact::NoBucketPolicy, at),
        }],
        ..bucket_api(
            "get-bucket-policy",
            "GetBucketPolicy",
            "aws s3api get-bucket-policy --bucket B",
            &[&["Policy"]],
            &[req("Policy", Ty::Str)],
            |obj, ctx| one(obj, ctx, "Policy"),
        )
    },
    Api {
        // The policy file says the same; nothing to add.
        errors: &[ErrorFact {
            code: "NoSuchBucketPolicy",
            means: "no bucket policy",
            read: nothing,
        }],
        ..bucket_api(
            "get-bucket-policy-status",
            "GetBucketPolicyStatus",
            "aws s3api get-bucket-policy-status --bucket B",
            &[&["PolicyStatus"]],
            &[
                req("PolicyStatus", Ty::Obj),
                opt("PolicyStatus/IsPublic", Ty::Bool),
            ],
            |obj, ctx| one(obj, ctx, "PolicyStatus"),
        )
    },
    bucket_api(
        "get-bucket-acl",
        "GetBucketAcl",
        "aws s3api get-bucket-acl --bucket B",
        &[&["Grants", "Owner"]],
        &[
            opt("Owner", Ty::Obj),
            req("Grants", Ty::Arr),
            req("Grants/*", Ty::Obj),
            opt("Grants/*/Grantee", Ty::Obj),
            opt("Grants/*/Grantee/Type", Ty::Str),
            opt("Grants/*/Grantee/URI", Ty::Str),
            opt("Grants/*/Permission", Ty::Str),
        ],
        bucket_acl,
    ),
    Api {
        errors: &[ErrorFact {
            code: "OwnershipControlsNotFoundError",
            means: "no ownership controls (ACLs enabled)",
            read: |ctx, at| fact(ctx, Fact::NoOwnershipControls, at),
        }],
        ..bucket_api(
            "get-bucket-ownership-controls",
            "GetBucketOwnershipControls",
            "aws s3api get-bucket-ownership-controls --bucket B",
            &[&["OwnershipControls"]],
            &[
                req("OwnershipControls", Ty::Obj),
                req("OwnershipControls/Rules", Ty::Arr),
                req("OwnershipControls/Rules/*", Ty::Obj),
                opt("OwnershipControls/Rules/*/ObjectOwnership", Ty::Str),
            ],
            |obj, ctx| one(obj, ctx, "OwnershipControls"),
        )
    },
    Api {
        may_be_empty: true,
        ..bucket_api(
            "get-bucket-versioning",
            "GetBucketVersioning",
            "aws s3api get-bucket-versioning --bucket B",
            &[],
            &[opt("Status", Ty::Str), opt("MFADelete", Ty::Str)],
            bucket_versioning,
        )
    },
    Api {
        errors: &[ErrorFact {
            code: "ReplicationConfigurationNotFoundError",
            means: "no replication configured",
            read: |ctx, at| fact(ctx, Fact::NoReplication, at),
        }],
        ..bucket_api(
            "get-bucket-replication",
            "GetBucketReplication",
            "aws s3api get-bucket-replication --bucket B",
            &[&["ReplicationConfiguration"]],
            &[
                req("ReplicationConfiguration", Ty::Obj),
                req("ReplicationConfiguration/Role", Ty::Str),
                req("ReplicationConfiguration/Rules", Ty::Arr),
                req("ReplicationConfiguration/Rules/*", Ty::Obj),
                opt("ReplicationConfiguration/Rules/*/ID", Ty::Str),
                opt("ReplicationConfiguration/Rules/*/Priority", Ty::Int),
                req("ReplicationConfiguration/Rules/*/Status", Ty::Str),
                opt(
                    "ReplicationConfiguration/Rules/*/SourceSelectionCriteria",
                    Ty::Obj,
                ),
                opt(
                    "ReplicationConfiguration/Rules/*/SourceSelectionCriteria/SseKmsEncryptedObjects",
                    Ty::Obj,
                ),
                opt(
                    "ReplicationConfiguration/Rules/*/SourceSelectionCriteria/SseKmsEncryptedObjects/Status",
                    Ty::Str,
                ),
                req("ReplicationConfiguration/Rules/*/Destination", Ty::Obj),
                req(
                    "ReplicationConfiguration/Rules/*/Destination/Bucket",
                    Ty::Str,
                ),
                opt(
                    "ReplicationConfiguration/Rules/*/Destination/Account",
                    Ty::Str,
                ),
                opt(
                    "ReplicationConfiguration/Rules/*/Destination/EncryptionConfiguration",
                    Ty::Obj,
                ),
                opt(
                    "ReplicationConfiguration/Rules/*/Destination/EncryptionConfiguration/ReplicaKmsKeyID",
                    Ty::Str,
                ),
            ],
            |obj, ctx| one(obj, ctx, "ReplicationConfiguration"),
        )
    },
    Api {
        command: "get-public-access-block",
        operation: "GetPublicAccessBlock",
        invocation: "aws s3control get-public-access-block --account-id A",
        signature: &[&["PublicAccessBlockConfiguration"]],
        shape: &PAB,
        errors: &[ErrorFact {
            code: "NoSuchPublicAccessBlockConfiguration",
            means: "every setting off",
            read: |ctx, at| Ok(vec![Item::Piece(account_pab(ctx, all_off(), at)?)]),
        }],
        read: Reader::Export(|obj, ctx| {
            let value = obj
                .remove("PublicAccessBlockConfiguration")
                .unwrap_or(Value::Null);
            let at = ctx.at("/PublicAccessBlockConfiguration");
            Ok(vec![Item::Piece(account_pab(ctx, value, at)?)])
        }),
        ..Api::base("s3control", Names::Nothing, Some(Kind::S3Account))
    },
];

fn bucket_arn(region: &str, name: &str) -> String {
    arn::bucket_arn(partition(region), name)
}

fn bucket(ctx: &Ctx, name: &str) -> Piece {
    Piece::new(
        Kind::S3Bucket,
        Ident::Arn(bucket_arn(ctx.region(), name)),
        ctx.account(),
        "",
    )
}

/// A per-bucket output that is one member, kept under its own name.
fn one(obj: &mut Map<String, Value>, ctx: &Ctx, field: &str) -> Result<Vec<Item>, String> {
    let name = ctx.resource(Names::Bucket)?;
    let value = obj.remove(field).unwrap_or(Value::Null);
    let piece = bucket(ctx, name).field(field, value, ctx.at(&format!("/{field}")));
    Ok(vec![Item::Piece(piece)])
}

fn fact(ctx: &Ctx, fact: Fact, at: Loc) -> Result<Vec<Item>, String> {
    let piece = bucket(ctx, ctx.resource(Names::Bucket)?).fact(fact, at);
    Ok(vec![Item::Piece(piece)])
}

fn list_buckets(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let owner = obj.get("Owner").cloned();
    for (i, b) in take_list(obj, "Buckets").into_iter().enumerate() {
        let Some(name) = str_of(&b, "Name").map(str::to_owned) else {
            continue;
        };
        let region = str_of(&b, "BucketRegion").unwrap_or("").to_owned();
        let mut piece = bucket(ctx, &name).whole(members(b), ctx.at(&format!("/Buckets/{i}")));
        piece.region = region;
        if let Some(owner) = &owner {
            piece = piece.field("Owner", owner.clone(), ctx.at("/Owner"));
        }
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

fn bucket_acl(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut piece = bucket(ctx, ctx.resource(Names::Bucket)?);
    for field in ["Owner", "Grants"] {
        if let Some(v) = obj.remove(field) {
            piece = piece.field(field, v, ctx.at(&format!("/{field}")));
        }
    }
    Ok(vec![Item::Piece(piece)])
}

fn bucket_versioning(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let piece = bucket(ctx, ctx.resource(Names::Bucket)?).field(
        "Versioning",
        Value::Object(std::mem::take(obj)),
        ctx.root(),
    );
    Ok(vec![Item::Piece(piece)])
}

fn account_pab(ctx: &Ctx, value: Value, at: Loc) -> Result<Piece, String> {
    let (account, _) = ctx.scope("s3control")?;
    Ok(Piece::new(
        Kind::S3Account,
        Ident::Arn(arn::s3_account_arn(partition(ctx.region()), account)),
        account,
        "",
    )
    .field("AccountId", json!(account), ctx.root())
    .field("PublicAccessBlockConfiguration", value, at))
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
