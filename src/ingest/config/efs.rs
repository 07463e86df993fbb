//! `AWS::EFS::FileSystem`: the configuration is in CloudFormation's shape (`Arn`,
//! `FileSystemId`, `Encrypted`, `KmsKeyId`, `PerformanceMode`, `FileSystemTags`, ...). The
//! piece keeps the members `describe-file-systems` prints, under its names (`Arn` becomes
//! `FileSystemArn`; the `Name` tag becomes `Name`), so the same rules apply.

use serde_json::{Map, Value, json};

use crate::model::arn::efs_file_system_arn;
use crate::model::{Item, Kind, Loc, Piece};

use super::item::{ConfigItem, set, set_default};
use super::names::{boolean, member};

/// The members of `describe-file-systems` that Config records too.
const FIELDS: [&str; 9] = [
    "FileSystemId",
    "FileSystemArn",
    "Encrypted",
    "KmsKeyId",
    "PerformanceMode",
    "ThroughputMode",
    "ProvisionedThroughputInMibps",
    "AvailabilityZoneName",
    "FileSystemProtection",
];

pub fn file_system(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let str_at =
        |name| member(&config, name).and_then(|(k, v)| Some((v.as_str()?, cfg_at.child(k))));
    let id = str_at("fileSystemId")
        .or_else(|| Some((item.str("resourceId")?, item.loc_of("resourceId"))))
        .filter(|(id, _)| !id.is_empty());
    let arn = str_at("arn")
        .map(|(a, _)| a)
        .or_else(|| item.arn())
        .filter(|a| a.starts_with("arn:"))
        .map(str::to_owned)
        .or_else(|| {
            let (id, _) = id.as_ref()?;
            (!item.account.is_empty() && !item.region.is_empty())
                .then(|| efs_file_system_arn(&item.region, &item.account, id))
        });
    let (Some((id, id_at)), Some(arn)) = (id, arn) else {
        return Err(format!(
            "{}: an AWS::EFS::FileSystem item that names no file system",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::EfsFileSystem, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    rename(&mut piece, "Arn", "FileSystemArn");
    let tags = tags(item, &config, &cfg_at);
    piece.fields.retain(|k, _| FIELDS.contains(&k.as_str()));
    piece.each.retain(|(k, _)| FIELDS.contains(&k.as_str()));
    if let Some(v) = piece.fields.get("Encrypted").and_then(boolean) {
        piece.fields.insert("Encrypted".into(), json!(v));
    }
    set_default(&mut piece, "FileSystemId", json!(id), id_at);
    set_default(&mut piece, "FileSystemArn", json!(arn), item.loc_of("arn"));
    let account = item.account.clone();
    set(&mut piece, "OwnerId", json!(account), item.account_at());
    if let Some((tags, at)) = tags {
        let name = tags.iter().find_map(|t| {
            (t.get("Key").and_then(Value::as_str) == Some("Name"))
                .then(|| t.get("Value").cloned())
                .flatten()
        });
        if let Some(name) = name {
            set(&mut piece, "Name", name, at.clone());
        }
        set(&mut piece, "Tags", Value::Array(tags), at);
    }
    Ok(vec![Item::Piece(piece)])
}

/// The file system's tags as `describe-file-systems` prints them (`[{"Key", "Value"}]`): the
/// configuration's `FileSystemTags`, else the item's `tags` map.
fn tags(item: &ConfigItem, config: &Map<String, Value>, cfg_at: &Loc) -> Option<(Vec<Value>, Loc)> {
    if let Some((k, Value::Array(list))) = member(config, "fileSystemTags") {
        let tags = list
            .iter()
            .filter_map(|t| {
                let key = member(t.as_object()?, "key")?.1.as_str()?;
                let value = member(t.as_object()?, "value").map_or(json!(""), |(_, v)| v.clone());
                Some(json!({"Key": key, "Value": value}))
            })
            .collect();
        return Some((tags, cfg_at.child(k)));
    }
    match member(item.obj, "tags") {
        Some((k, Value::Object(map))) => Some((
            map.iter()
                .map(|(key, value)| json!({"Key": key, "Value": value}))
                .collect(),
            item.at.child(k),
        )),
        _ => None,
    }
}

/// A field moved to the name the AWS CLI gives it, with its location.
pub(super) fn rename(piece: &mut Piece, from: &str, to: &str) {
    if let Some(v) = piece.fields.remove(from) {
        piece.fields.insert(to.to_owned(), v);
    }
    for (name, _) in &mut piece.each {
        if name == from {
            *name = to.to_owned();
        }
    }
}
