//! `AWS::DynamoDB::Table`: `describe-table`'s `Table` in camelCase, with Config's own
//! spellings of the encryption members (`ssedescription`, `ssetype`, `kmsmasterKeyArn`, and
//! `kmsmasterKeyId` in `replicas`), which become the AWS CLI's (`SSEDescription`, `SSEType`,
//! `KMSMasterKeyArn`, `KMSMasterKeyId`). A table on DynamoDB's AWS owned key has no (or a
//! `null`) `ssedescription`, as `describe-table` prints none.

use serde_json::{Map, Value, json};

use crate::model::arn::dynamodb_table_arn;
use crate::model::{Item, Kind};

use super::item::{ConfigItem, set_default};
use super::names::member;

/// Config's spellings (compared without case) and the AWS CLI's.
const NAMES: [(&str, &str); 4] = [
    ("ssedescription", "SSEDescription"),
    ("ssetype", "SSEType"),
    ("kmsmasterkeyarn", "KMSMasterKeyArn"),
    ("kmsmasterkeyid", "KMSMasterKeyId"),
];

fn cli_spelling(name: &str) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(name))
        .map(|(_, to)| *to)
}

/// Renames the encryption members at every level of a converted value.
fn respell(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let old = std::mem::take(map);
            *map = old
                .into_iter()
                .map(|(k, mut v)| {
                    respell(&mut v);
                    (cli_spelling(&k).map_or(k, str::to_owned), v)
                })
                .collect::<Map<String, Value>>();
        }
        Value::Array(items) => items.iter_mut().for_each(respell),
        _ => {}
    }
}

pub fn table(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let from_config = |name| member(&config, name).and_then(|(_, v)| v.as_str());
    let name = from_config("tableName").or_else(|| item.str("resourceName"));
    let arn = from_config("tableArn")
        .or_else(|| item.arn())
        .filter(|a| a.starts_with("arn:"))
        .map(str::to_owned)
        .or_else(|| {
            let name = name.or_else(|| item.str("resourceId"))?;
            (!item.account.is_empty() && !item.region.is_empty())
                .then(|| dynamodb_table_arn(&item.region, &item.account, name))
        });
    let Some(arn) = arn else {
        return Err(format!(
            "{}: an AWS::DynamoDB::Table item that names no table",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::DynamodbTable, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    let fields = std::mem::take(&mut piece.fields);
    for (k, mut v) in fields {
        respell(&mut v);
        let name = cli_spelling(&k).map_or(k.clone(), str::to_owned);
        piece.fields.insert(name.clone(), v);
        for (n, _) in piece.each.iter_mut().filter(|(n, _)| *n == k) {
            n.clone_from(&name);
        }
    }
    // What `describe-table` always prints, from the item where the configuration lacks it.
    set_default(&mut piece, "TableArn", json!(arn), item.loc_of("arn"));
    if let Some(name) = name {
        set_default(
            &mut piece,
            "TableName",
            json!(name),
            item.loc_of("resourceName"),
        );
    }
    Ok(vec![Item::Piece(piece)])
}
