//! `aws ssm describe-parameters`: the metadata of every Parameter Store parameter of the
//! region (its type, key, tier and policies). Never a value: atrest reads no `get-parameter`
//! or `get-parameters` output, with or without `--with-decryption`.

use serde_json::{Map, Value};

use crate::model::arn::ssm_parameter_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, Names, Reader, members, str_of, take_list};

pub const APIS: &[Api] = &[Api {
    command: "describe-parameters",
    operation: "DescribeParameters",
    invocation: "aws ssm describe-parameters",
    signature: &[&["Parameters"]],
    shape: &[
        req("Parameters", Ty::Arr),
        req("Parameters/*", Ty::Obj),
        req("Parameters/*/Name", Ty::Str),
        opt("Parameters/*/ARN", Ty::Str),
        opt("Parameters/*/Type", Ty::Str),
        opt("Parameters/*/KeyId", Ty::Str),
        opt("Parameters/*/LastModifiedDate", Ty::Time),
        opt("Parameters/*/Tier", Ty::Str),
        opt("Parameters/*/Policies", Ty::Arr),
        opt("Parameters/*/Policies/*", Ty::Obj),
        opt("Parameters/*/Policies/*/PolicyText", Ty::Str),
        opt("Parameters/*/Policies/*/PolicyType", Ty::Str),
        opt("Parameters/*/Policies/*/PolicyStatus", Ty::Str),
    ],
    read: Reader::Export(describe_parameters),
    ..Api::base("ssm", Names::Nothing, Some(Kind::SsmParameter))
}];

fn describe_parameters(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, p) in take_list(obj, "Parameters").into_iter().enumerate() {
        let Some(name) = str_of(&p, "Name") else {
            continue;
        };
        // CLI versions before the ARN member print only the name, in the directory's region.
        let arn = str_of(&p, "ARN")
            .filter(|a| Arn::parse(a).is_some())
            .map_or_else(
                || ssm_parameter_arn(ctx.region(), ctx.account(), name),
                str::to_owned,
            );
        let (account, region) = Arn::parse(&arn)
            .map(|a| (a.account.to_owned(), a.region.to_owned()))
            .unwrap_or_default();
        let piece = Piece::new(Kind::SsmParameter, Ident::Arn(arn), &account, &region)
            .whole(members(p), ctx.at(&format!("/Parameters/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}
