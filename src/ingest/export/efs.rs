//! `aws efs describe-file-systems`: every file system of the region, with its encryption.

use serde_json::{Map, Value};

use crate::model::arn::efs_file_system_arn;
use crate::model::{Arn, Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, Names, Reader, members, str_of, take_list};

pub const APIS: &[Api] = &[Api {
    command: "describe-file-systems",
    operation: "DescribeFileSystems",
    invocation: "aws efs describe-file-systems",
    signature: &[&["FileSystems"]],
    shape: &[
        req("FileSystems", Ty::Arr),
        req("FileSystems/*", Ty::Obj),
        req("FileSystems/*/FileSystemId", Ty::Str),
        opt("FileSystems/*/FileSystemArn", Ty::Str),
        opt("FileSystems/*/OwnerId", Ty::Str),
        opt("FileSystems/*/Name", Ty::Str),
        opt("FileSystems/*/LifeCycleState", Ty::Str),
        opt("FileSystems/*/CreationTime", Ty::Time),
        opt("FileSystems/*/Encrypted", Ty::Bool),
        opt("FileSystems/*/KmsKeyId", Ty::Str),
        opt("FileSystems/*/Tags", Ty::Arr),
    ],
    read: Reader::Export(describe_file_systems),
    ..Api::base("efs", Names::Nothing, Some(Kind::EfsFileSystem))
}];

fn describe_file_systems(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, fs) in take_list(obj, "FileSystems").into_iter().enumerate() {
        let Some(id) = str_of(&fs, "FileSystemId") else {
            continue;
        };
        let owner = str_of(&fs, "OwnerId").unwrap_or(ctx.account());
        // The ARN says where the file system is; CLI versions before FileSystemArn existed
        // print only the id, in the directory's region.
        let arn = str_of(&fs, "FileSystemArn")
            .filter(|a| Arn::parse(a).is_some())
            .map_or_else(
                || efs_file_system_arn(ctx.region(), owner, id),
                str::to_owned,
            );
        let (account, region) = Arn::parse(&arn)
            .map(|a| (a.account.to_owned(), a.region.to_owned()))
            .unwrap_or_default();
        let piece = Piece::new(Kind::EfsFileSystem, Ident::Arn(arn), &account, &region)
            .whole(members(fs), ctx.at(&format!("/FileSystems/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}
