//! `aws secretsmanager list-secrets`: the metadata of every secret of the region (its key,
//! its rotation). Never a secret's value: atrest reads no `get-secret-value` output.

use serde_json::{Map, Value};

use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, Names, Reader, members, str_of, take_list};

pub const APIS: &[Api] = &[Api {
    command: "list-secrets",
    operation: "ListSecrets",
    invocation: "aws secretsmanager list-secrets",
    signature: &[&["SecretList"]],
    shape: &[
        req("SecretList", Ty::Arr),
        req("SecretList/*", Ty::Obj),
        req("SecretList/*/ARN", Ty::Str),
        opt("SecretList/*/Name", Ty::Str),
        opt("SecretList/*/KmsKeyId", Ty::Str),
        opt("SecretList/*/RotationEnabled", Ty::Bool),
        opt("SecretList/*/RotationRules", Ty::Obj),
        opt("SecretList/*/LastRotatedDate", Ty::Time),
        opt("SecretList/*/LastChangedDate", Ty::Time),
        opt("SecretList/*/LastAccessedDate", Ty::Time),
        opt("SecretList/*/DeletedDate", Ty::Time),
        opt("SecretList/*/NextRotationDate", Ty::Time),
        opt("SecretList/*/CreatedDate", Ty::Time),
        opt("SecretList/*/Tags", Ty::Arr),
        opt("SecretList/*/SecretVersionsToStages", Ty::Obj),
    ],
    read: Reader::Export(list_secrets),
    ..Api::base(
        "secretsmanager",
        Names::Nothing,
        Some(Kind::SecretsmanagerSecret),
    )
}];

fn list_secrets(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, secret) in take_list(obj, "SecretList").into_iter().enumerate() {
        // A secret's ARN ends in six random characters: it cannot be built from its name.
        let Some(arn) = str_of(&secret, "ARN").map(str::to_owned) else {
            continue;
        };
        let (account, region) = match Arn::parse(&arn) {
            Some(a) => (a.account.to_owned(), a.region.to_owned()),
            None => (ctx.account().to_owned(), ctx.region().to_owned()),
        };
        let piece = Piece::new(
            Kind::SecretsmanagerSecret,
            Ident::Arn(arn),
            &account,
            &region,
        )
        .whole(members(secret), ctx.at(&format!("/SecretList/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}
