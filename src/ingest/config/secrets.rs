//! `AWS::SecretsManager::Secret`: the configuration holds the secret's metadata (`ARN`,
//! `Name`, `KMSKeyId`, `RotationEnabled`, `RotationRules`, `Deleted`, ...), never its value.
//! The piece keeps what `list-secrets` prints, under its names (`KMSKeyId` becomes
//! `KmsKeyId`). A secret Config marks `Deleted` is scheduled for deletion; `list-secrets`
//! leaves those out, and so does this reader.

use serde_json::{Value, json};

use crate::model::{Item, Kind};

use super::efs::rename;
use super::item::{ConfigItem, set, set_default};
use super::names::{boolean, member};

/// The members of `list-secrets` that Config records too.
const FIELDS: [&str; 7] = [
    "ARN",
    "Name",
    "Description",
    "KmsKeyId",
    "RotationEnabled",
    "RotationLambdaARN",
    "RotationRules",
];

pub fn secret(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    if member(&config, "deleted").and_then(|(_, v)| boolean(v)) == Some(true) {
        return Ok(Vec::new());
    }
    let arn = member(&config, "arn")
        .and_then(|(_, v)| v.as_str())
        .or_else(|| item.arn())
        .filter(|a| a.starts_with("arn:"));
    let Some(arn) = arn.map(str::to_owned) else {
        // The ARN ends in random characters: it cannot be built from the name.
        return Err(format!(
            "{}: an AWS::SecretsManager::Secret item without the secret's ARN",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::SecretsmanagerSecret, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    for spelling in ["KMSKeyId", "KmsKeyID", "KMSKeyID"] {
        rename(&mut piece, spelling, "KmsKeyId");
    }
    rename(&mut piece, "Arn", "ARN");
    rename(&mut piece, "RotationLambdaArn", "RotationLambdaARN");
    piece.fields.retain(|k, _| FIELDS.contains(&k.as_str()));
    piece.each.retain(|(k, _)| FIELDS.contains(&k.as_str()));
    // An empty key id is no key: the secret is on aws/secretsmanager.
    if piece.fields.get("KmsKeyId").and_then(Value::as_str) == Some("") {
        piece.fields.remove("KmsKeyId");
        piece.each.retain(|(k, _)| k != "KmsKeyId");
    }
    if let Some(on) = piece.fields.get("RotationEnabled").and_then(boolean) {
        piece.fields.insert("RotationEnabled".into(), json!(on));
    }
    // `list-secrets`' names for the schedule; Config's hours-based rule has no CLI member.
    if let Some(Value::Object(rules)) = piece.fields.get_mut("RotationRules") {
        for (from, to) in [
            ("RotationDuration", "Duration"),
            ("RotationScheduleExpression", "ScheduleExpression"),
        ] {
            if let Some(v) = rules.remove(from) {
                rules.insert(to.to_owned(), v);
            }
        }
        rules.remove("AutomaticallyAfterHours");
    }
    set_default(&mut piece, "ARN", json!(arn), item.loc_of("arn"));
    if let Some(name) = item.str("resourceName") {
        set_default(&mut piece, "Name", json!(name), item.loc_of("resourceName"));
    }
    if let Some((k, Value::Object(tags))) = member(item.obj, "tags")
        && !tags.is_empty()
    {
        let tags: Vec<Value> = tags
            .iter()
            .map(|(key, value)| json!({"Key": key, "Value": value}))
            .collect();
        set(&mut piece, "Tags", Value::Array(tags), item.at.child(k));
    }
    Ok(vec![Item::Piece(piece)])
}
