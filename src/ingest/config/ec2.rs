//! `AWS::EC2::Volume`, `AWS::EC2::Instance` and `AWS::EC2::SnapshotBlockPublicAccess`.
//!
//! Volume and instance items hold `describe-volumes`' and `describe-instances`' members in
//! camelCase; a volume's `state` is `{"value": "in-use"}` (the string itself in older items)
//! and tags are `[{"key", "value"}]`.

use serde_json::{Map, Value, json};

use crate::ingest::export::INSTANCE_FIELDS;
use crate::model::arn::{ebs_defaults_arn, instance_arn, volume_arn};
use crate::model::{Item, Kind, Loc, Piece};

use super::item::{ConfigItem, set, set_default};
use super::names::member;

/// The resource id: the configuration's (`volumeId`, `instanceId`), else the item's.
fn id<'a>(
    item: &ConfigItem<'a>,
    config: &'a Map<String, Value>,
    cfg_at: &Loc,
    field: &str,
) -> Option<(&'a str, Loc)> {
    member(config, field)
        .and_then(|(k, v)| Some((v.as_str()?, cfg_at.child(k))))
        .or_else(|| Some((item.str("resourceId")?, item.loc_of("resourceId"))))
        .filter(|(id, _)| !id.is_empty())
}

fn located(item: &ConfigItem, what: &str) -> Result<(), String> {
    if item.account.is_empty() || item.region.is_empty() {
        return Err(format!(
            "{}: an {} item without an account or a region",
            item.at.pointer, what
        ));
    }
    Ok(())
}

/// Tags from the item's `tags` map when the configuration has none: `[{"Key", "Value"}]`.
/// An empty list is left out, as `describe-volumes` and `describe-instances` leave it out.
fn item_tags(item: &ConfigItem, piece: &mut Piece) {
    if piece
        .fields
        .get("Tags")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        piece.fields.remove("Tags");
        piece.each.retain(|(n, _)| n != "Tags");
    }
    if piece.fields.contains_key("Tags") {
        return;
    }
    if let Some((k, Value::Object(tags))) = member(item.obj, "tags")
        && !tags.is_empty()
    {
        let tags: Vec<Value> = tags
            .iter()
            .map(|(key, value)| json!({"Key": key, "Value": value}))
            .collect();
        set(piece, "Tags", Value::Array(tags), item.at.child(k));
    }
}

pub fn volume(item: &ConfigItem) -> Result<Vec<Item>, String> {
    located(item, "AWS::EC2::Volume")?;
    let (config, cfg_at) = item.configuration()?;
    let Some((volume_id, id_at)) = id(item, &config, &cfg_at, "volumeId") else {
        return Err(format!(
            "{}: an AWS::EC2::Volume item that names no volume",
            item.at.pointer
        ));
    };
    let arn = volume_arn(&item.region, &item.account, volume_id);
    let mut piece = item.piece(Kind::EbsVolume, arn);
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    set_default(&mut piece, "VolumeId", json!(volume_id), id_at);
    // `{"value": "in-use"}` → `"in-use"`.
    if let Some(state) = piece
        .fields
        .get("State")
        .and_then(Value::as_object)
        .and_then(|s| s.get("Value"))
        .cloned()
    {
        piece.fields.insert("State".into(), state);
    }
    item_tags(item, &mut piece);
    Ok(vec![Item::Piece(piece)])
}

pub fn instance(item: &ConfigItem) -> Result<Vec<Item>, String> {
    located(item, "AWS::EC2::Instance")?;
    let (config, cfg_at) = item.configuration()?;
    let Some((instance_id, id_at)) = id(item, &config, &cfg_at, "instanceId") else {
        return Err(format!(
            "{}: an AWS::EC2::Instance item that names no instance",
            item.at.pointer
        ));
    };
    let arn = instance_arn(&item.region, &item.account, instance_id);
    let mut piece = item.piece(Kind::Ec2Instance, arn);
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    // The same fields as from `describe-instances`.
    piece
        .fields
        .retain(|k, _| INSTANCE_FIELDS.contains(&k.as_str()));
    piece
        .each
        .retain(|(k, _)| INSTANCE_FIELDS.contains(&k.as_str()));
    set_default(&mut piece, "InstanceId", json!(instance_id), id_at);
    // `describe-instances` gives the reservation's owner; Config, the item's account.
    let account = item.account.clone();
    set(&mut piece, "OwnerId", json!(account), item.account_at());
    item_tags(item, &mut piece);
    Ok(vec![Item::Piece(piece)])
}

/// The region's snapshot block public access state (`State` in CloudFormation's shape).
pub fn snapshot_block(item: &ConfigItem) -> Result<Vec<Item>, String> {
    located(item, "AWS::EC2::SnapshotBlockPublicAccess")?;
    let (config, cfg_at) = item.configuration()?;
    let arn = ebs_defaults_arn(&item.region, &item.account);
    let mut piece = item.piece(Kind::EbsDefaults, arn);
    let (account, region) = (item.account.clone(), item.region.clone());
    set(&mut piece, "AccountId", json!(account), item.account_at());
    set(
        &mut piece,
        "Region",
        json!(region),
        item.loc_of("awsRegion"),
    );
    if let Some((k, Value::String(state))) = member(&config, "state") {
        set(
            &mut piece,
            "SnapshotBlockPublicAccessState",
            json!(state),
            cfg_at.child(k),
        );
    }
    Ok(vec![Item::Piece(piece)])
}
