//! `aws dynamodb` outputs: the region's tables and each table's description.

use serde_json::{Map, Value};

use crate::model::arn::dynamodb_table_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, ErrorFact, Names, Reader, members, nothing, str_of, take_list};

pub const APIS: &[Api] = &[
    Api {
        command: "list-tables",
        operation: "ListTables",
        invocation: "aws dynamodb list-tables",
        signature: &[&["TableNames"]],
        shape: &[req("TableNames", Ty::Arr), req("TableNames/*", Ty::Str)],
        read: Reader::Export(list_tables),
        ..Api::base("dynamodb", Names::Nothing, Some(Kind::DynamodbTable))
    },
    Api {
        command: "describe-table",
        operation: "DescribeTable",
        invocation: "aws dynamodb describe-table --table-name D",
        signature: &[&["Table"]],
        shape: &[
            req("Table", Ty::Obj),
            opt("Table/TableName", Ty::Str),
            opt("Table/TableArn", Ty::Str),
            opt("Table/TableStatus", Ty::Str),
            opt("Table/SSEDescription", Ty::Obj),
            opt("Table/SSEDescription/Status", Ty::Str),
            opt("Table/SSEDescription/SSEType", Ty::Str),
            opt("Table/SSEDescription/KMSMasterKeyArn", Ty::Str),
            opt(
                "Table/SSEDescription/InaccessibleEncryptionDateTime",
                Ty::Time,
            ),
            opt("Table/Replicas", Ty::Arr),
            opt("Table/Replicas/*", Ty::Obj),
            opt("Table/Replicas/*/KMSMasterKeyId", Ty::Str),
        ],
        errors: &[ErrorFact {
            code: "ResourceNotFoundException",
            means: "the table was deleted since it was listed: nothing to add",
            read: nothing,
        }],
        read: Reader::Export(describe_table),
        ..Api::base("dynamodb", Names::TableName, Some(Kind::DynamodbTable))
    },
];

fn table(arn: String, ctx: &Ctx) -> Piece {
    let (account, region) = match Arn::parse(&arn) {
        Some(a) => (a.account.to_owned(), a.region.to_owned()),
        None => (ctx.account().to_owned(), ctx.region().to_owned()),
    };
    Piece::new(Kind::DynamodbTable, Ident::Arn(arn), &account, &region)
}

/// `list-tables` names the tables of the directory's account and region.
fn list_tables(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let (account, region) = ctx.scope("dynamodb")?;
    let (account, region) = (account.to_owned(), region.to_owned());
    let mut items = Vec::new();
    for (i, name) in take_list(obj, "TableNames").into_iter().enumerate() {
        let Some(n) = name.as_str() else { continue };
        let arn = dynamodb_table_arn(&region, &account, n);
        let piece = table(arn, ctx).field("TableName", name, ctx.at(&format!("/TableNames/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

/// `describe-table`: the table's description (`Table`), every member a field. The ARN is the
/// description's `TableArn`, else built from the name in the file and the directory.
fn describe_table(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let described = obj.remove("Table").unwrap_or(Value::Null);
    let arn = match str_of(&described, "TableArn").filter(|a| a.starts_with("arn:")) {
        Some(arn) => arn.to_owned(),
        None => {
            let name = match str_of(&described, "TableName") {
                Some(name) => name.to_owned(),
                None => ctx.resource(Names::TableName)?.to_owned(),
            };
            let (account, region) = ctx.scope("dynamodb")?;
            dynamodb_table_arn(region, account, &name)
        }
    };
    let piece = table(arn, ctx).whole(members(described), ctx.at("/Table"));
    Ok(vec![Item::Piece(piece)])
}
