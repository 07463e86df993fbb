//! `AWS::CloudTrail::Trail`: `describe-trails`' members in camelCase (`trailARN`,
//! `kmsKeyId`, `logFileValidationEnabled`, ...). Config's resource schema records no trail
//! status or event selectors; when an item carries them anyway (`isLogging`,
//! `eventSelectors`, `advancedEventSelectors`, in `configuration` or as supplementary
//! configurations), they are read like `get-trail-status` and `get-event-selectors`.

use serde_json::json;

use crate::model::arn::trail_arn;
use crate::model::{Item, Kind};

use super::item::{ConfigItem, set, set_default};
use super::names::{self, member};

const EXTRA: [&str; 3] = ["IsLogging", "EventSelectors", "AdvancedEventSelectors"];

pub fn trail(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let from_config = |name| member(&config, name).and_then(|(_, v)| v.as_str());
    let name = from_config("name").or_else(|| item.str("resourceName"));
    let arn = from_config("trailARN")
        .or_else(|| item.arn())
        .filter(|a| a.starts_with("arn:"))
        .map(str::to_owned)
        .or_else(|| {
            let name = name?;
            (!item.account.is_empty() && !item.region.is_empty())
                .then(|| trail_arn(&item.region, &item.account, name))
        });
    let Some(arn) = arn else {
        return Err(format!(
            "{}: an AWS::CloudTrail::Trail item that names no trail",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::CloudtrailTrail, arn.clone());
    ConfigItem::add_members(&mut piece, &config, &cfg_at);
    set_default(&mut piece, "TrailARN", json!(arn), item.loc_of("arn"));
    if let Some(name) = name {
        set_default(&mut piece, "Name", json!(name), item.loc_of("resourceName"));
    }
    for field in EXTRA {
        if piece.fields.contains_key(field) {
            continue;
        }
        if let Some((v, at)) = item.supplement(field).filter(|(v, _)| !v.is_null()) {
            let value = match (field, names::boolean(&v)) {
                ("IsLogging", Some(b)) => json!(b),
                _ => names::convert(&v),
            };
            set(&mut piece, field, value, at);
        }
    }
    Ok(vec![Item::Piece(piece)])
}
