//! `AWS::KMS::Key` and `AWS::KMS::Alias`.
//!
//! A key item's `configuration` is `describe-key`'s `KeyMetadata` in camelCase (`keyState`,
//! `keyManager`, `awsaccountId`, ...); its rotation status is the supplementary configuration
//! `KeyRotationStatus` (a boolean, or a string in the API's output). Config does not record
//! the key policy or the grants. An alias item's `configuration` is in CloudFormation's
//! shape: `AliasName` and `TargetKeyId`.

use serde_json::{Value, json};

use crate::model::arn::{kms_key_arn, partition};
use crate::model::{Item, Kind};

use super::item::{ConfigItem, set, set_default};
use super::names::{boolean, member};

pub fn key(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let from_config = |name| member(&config, name).and_then(|(_, v)| v.as_str());
    let key_id = from_config("keyId").or_else(|| item.str("resourceId"));
    let arn = from_config("arn")
        .filter(|a| a.starts_with("arn:"))
        .or_else(|| item.arn())
        .map(str::to_owned)
        .or_else(|| {
            let id = key_id?;
            (!item.account.is_empty() && !item.region.is_empty())
                .then(|| kms_key_arn(partition(&item.region), &item.region, &item.account, id))
        });
    let Some(arn) = arn else {
        return Err(format!(
            "{}: an AWS::KMS::Key item that names no key (no arn, no keyId with account and region)",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::KmsKey, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    // describe-key always names the key and its account; so does the item.
    set_default(&mut piece, "Arn", json!(arn), item.loc_of("arn"));
    if let Some(id) = key_id {
        set_default(&mut piece, "KeyId", json!(id), item.loc_of("resourceId"));
    }
    if !piece.fields.contains_key("AWSAccountId") && !piece.account.is_empty() {
        let account = piece.account.clone();
        set(
            &mut piece,
            "AWSAccountId",
            json!(account),
            item.account_at(),
        );
    }
    if let Some((v, at)) = item.supplement("KeyRotationStatus")
        && let Some(on) = boolean(&v)
    {
        set(&mut piece, "KeyRotationEnabled", json!(on), at);
    }
    // The resource tags, in the shape of `list-resource-tags`.
    if let Some((k, Value::Object(tags))) = member(item.obj, "tags") {
        let tags: Vec<Value> = tags
            .iter()
            .map(|(key, value)| json!({"TagKey": key, "TagValue": value}))
            .collect();
        set(&mut piece, "Tags", Value::Array(tags), item.at.child(k));
    }
    Ok(vec![Item::Piece(piece)])
}

pub fn alias(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let from_config =
        member(&config, "aliasName").and_then(|(k, v)| Some((v.as_str()?, cfg_at.child(k))));
    let name = from_config
        .or_else(|| Some((item.str("resourceName")?, item.loc_of("resourceName"))))
        .or_else(|| Some((item.str("resourceId")?, item.loc_of("resourceId"))))
        .filter(|(n, _)| n.starts_with("alias/"));
    let arn = item.arn().map(str::to_owned).or_else(|| {
        let (n, _) = name.as_ref()?;
        (!item.account.is_empty() && !item.region.is_empty()).then(|| {
            format!(
                "arn:{}:kms:{}:{}:{n}",
                partition(&item.region),
                item.region,
                item.account
            )
        })
    });
    let (Some((name, name_at)), Some(arn)) = (name, arn) else {
        return Err(format!(
            "{}: an AWS::KMS::Alias item that names no alias (`alias/...`)",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::KmsAlias, arn.clone());
    set(&mut piece, "AliasName", json!(name), name_at);
    set(&mut piece, "AliasArn", json!(arn), item.loc_of("arn"));
    // `list-aliases` names the target by key id; CloudFormation accepts a key ARN too.
    if let Some((k, Value::String(target))) = member(&config, "targetKeyId") {
        let id = target
            .rsplit_once(":key/")
            .map_or(target.as_str(), |(_, id)| id);
        set(&mut piece, "TargetKeyId", json!(id), cfg_at.child(k));
    }
    Ok(vec![Item::Piece(piece)])
}
