//! One configuration item, whatever its source: metadata under either of Config's spellings
//! (`accountId`/`awsAccountId` and `arn` in the API's output, `awsAccountId` and `ARN` in
//! delivered files and notifications), and
//! `configuration` and `supplementaryConfiguration` values that may be objects (delivered
//! files, change notifications) or JSON strings (`configservice` API output, where the S3
//! `AccessControlList` is even encoded twice).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::ingest::layout::region_of_zone;
use crate::model::{Arn, Loc, Piece};

use super::names::{self, member};
use super::time;

/// The statuses of items that describe a resource as it is.
const LIVE: [&str; 2] = ["OK", "ResourceDiscovered"];

pub struct ConfigItem<'a> {
    pub obj: &'a Map<String, Value>,
    /// Where the item is in its file.
    pub at: Loc,
    pub resource_type: &'a str,
    pub account: String,
    pub region: String,
}

impl<'a> ConfigItem<'a> {
    pub fn new(obj: &'a Map<String, Value>, at: Loc, fallback_account: &str) -> Option<Self> {
        let resource_type = str_member(obj, "resourceType")?;
        let mut item = ConfigItem {
            obj,
            at,
            resource_type,
            account: String::new(),
            region: String::new(),
        };
        let arn = item.arn().and_then(Arn::parse);
        item.account = str_member(obj, "accountId")
            .or_else(|| str_member(obj, "awsAccountId"))
            .or(arn.map(|a| a.account))
            .filter(|a| !a.is_empty())
            .unwrap_or(fallback_account)
            .to_owned();
        item.region = str_member(obj, "awsRegion")
            .map(str::to_owned)
            .or_else(|| str_member(obj, "availabilityZone").and_then(region_of_zone))
            .or_else(|| arn.map(|a| a.region.to_owned()))
            .unwrap_or_default();
        Some(item)
    }

    pub fn str(&self, name: &str) -> Option<&'a str> {
        str_member(self.obj, name)
    }

    pub fn arn(&self) -> Option<&'a str> {
        self.str("arn").filter(|a| a.starts_with("arn:"))
    }

    pub fn status(&self) -> Option<&'a str> {
        self.str("configurationItemStatus")
    }

    /// Whether the item describes a resource that exists and was recorded.
    pub fn is_live(&self) -> bool {
        self.status().is_none_or(|s| LIVE.contains(&s))
    }

    pub fn capture_time(&self) -> Option<i128> {
        member(self.obj, "configurationItemCaptureTime").and_then(|(_, v)| time::millis(v))
    }

    /// `configurationStateId`: a number (epoch milliseconds) or a string of digits.
    pub fn state_id(&self) -> Option<i128> {
        match member(self.obj, "configurationStateId")?.1 {
            Value::Number(n) => n.as_i64().map(i128::from),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// What names the resource, for telling the captures of one resource from another's.
    pub fn identity(&self) -> String {
        let id = self
            .arn()
            .or_else(|| self.str("resourceId"))
            .or_else(|| self.str("resourceName"))
            .unwrap_or("");
        format!(
            "{}|{}|{}|{id}",
            self.resource_type.to_ascii_lowercase(),
            self.account,
            self.region
        )
    }

    /// Where a top-level member of the item is, by its spelling in the file.
    pub fn loc_of(&self, name: &str) -> Loc {
        match member(self.obj, name) {
            Some((key, _)) => self.at.child(key),
            None => self.at.clone(),
        }
    }

    /// Where the item names its account.
    pub fn account_at(&self) -> Loc {
        if member(self.obj, "accountId").is_some() {
            self.loc_of("accountId")
        } else {
            self.loc_of("awsAccountId")
        }
    }

    /// The `configuration` document, decoded when it is a JSON string, with its location.
    /// An item without one (or with `null`) has an empty configuration.
    pub fn configuration(&self) -> Result<(Cow<'a, Map<String, Value>>, Loc), String> {
        let Some((key, value)) = member(self.obj, "configuration") else {
            return Ok((Cow::Owned(Map::new()), self.at.clone()));
        };
        let at = self.at.child(key);
        let decoded = match decode(value) {
            Cow::Borrowed(Value::Object(map)) => return Ok((Cow::Borrowed(map), at)),
            Cow::Borrowed(other) => other.clone(),
            Cow::Owned(v) => v,
        };
        match decoded {
            Value::Object(map) => Ok((Cow::Owned(map), at)),
            Value::Null => Ok((Cow::Owned(Map::new()), at)),
            Value::String(s) => Err(format!(
                "{} ({}): `configuration` is a string that is not a JSON object: {}",
                self.at.pointer,
                self.resource_type,
                excerpt(&s)
            )),
            other => Err(format!(
                "{} ({}): `configuration` is {}, not an object",
                self.at.pointer,
                self.resource_type,
                kind_of(&other)
            )),
        }
    }

    /// Whether the item has a `supplementaryConfiguration`, and where.
    pub fn supplementary_at(&self) -> Option<Loc> {
        member(self.obj, "supplementaryConfiguration").map(|(key, _)| self.at.child(key))
    }

    /// One supplementary configuration, decoded, with its location. A `null` value is
    /// returned as such: for some entries it says "not configured".
    pub fn supplement(&self, name: &str) -> Option<(Cow<'a, Value>, Loc)> {
        let (key, value) = member(self.obj, "supplementaryConfiguration")?;
        let at = self.at.child(key);
        let find = |map: &'a Map<String, Value>| {
            map.get_key_value(name)
                .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
        };
        match decode(value) {
            Cow::Borrowed(Value::Object(map)) => {
                let (k, v) = find(map)?;
                Some((decode(v), at.child(k)))
            }
            // A whole supplementary configuration encoded as one string (rare).
            Cow::Owned(Value::Object(map)) => {
                let (k, v) = map
                    .get_key_value(name)
                    .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))?;
                Some((Cow::Owned(decode(v).into_owned()), at.child(k)))
            }
            _ => None,
        }
    }

    /// A new piece for this item's resource.
    /// A piece for the resource `arn`, in the account and region the ARN names (the item's
    /// own where the ARN names none, as for buckets).
    pub fn piece(&self, kind: crate::model::Kind, arn: String) -> Piece {
        let parsed = crate::model::Arn::parse(&arn);
        let pick = |from_arn: Option<&str>, own: &str| {
            from_arn.filter(|s| !s.is_empty()).unwrap_or(own).to_owned()
        };
        let account = pick(parsed.map(|a| a.account), &self.account);
        let region = pick(parsed.map(|a| a.region), &self.region);
        Piece::new(kind, crate::model::Ident::Arn(arn), &account, &region)
    }

    /// Adds every member of a `configuration` object to `piece` under its AWS CLI name,
    /// each pointing at its own member in the file.
    pub fn add_members(piece: &mut Piece, map: &Map<String, Value>, at: &Loc) {
        for (k, v) in map {
            if v.is_null() {
                continue;
            }
            let name = names::cli_name(k);
            let value = names::convert_named(&name, v);
            piece.fields.insert(name.clone(), value);
            piece.each.push((name, at.child(k)));
        }
    }
}

pub fn str_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    member(obj, name).and_then(|(_, v)| v.as_str())
}

/// A value, with JSON held in strings decoded (Config's API encodes supplementary
/// configurations as strings, the S3 ACL twice). A string that is not JSON is kept.
pub fn decode(v: &Value) -> Cow<'_, Value> {
    if !is_json_text(v) {
        return Cow::Borrowed(v);
    }
    let mut current = v.clone();
    for _ in 0..3 {
        if !is_json_text(&current) {
            break;
        }
        let Value::String(s) = &current else { break };
        match serde_json::from_str::<Value>(s) {
            Ok(inner) => current = inner,
            Err(_) => break,
        }
    }
    Cow::Owned(current)
}

/// A string that may hold JSON: an object, a list, a string or `null`.
fn is_json_text(v: &Value) -> bool {
    let Value::String(s) = v else { return false };
    let t = s.trim_start();
    t.starts_with('{') || t.starts_with('[') || t.starts_with('"') || t.trim_end() == "null"
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn excerpt(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("{cut:?}...")
    } else {
        format!("{cut:?}")
    }
}

/// Sets one field of a piece, replacing what an earlier step put there.
/// Sets `name` unless the configuration already gave it.
pub fn set_default(piece: &mut Piece, name: &str, value: Value, loc: Loc) {
    if !piece.fields.contains_key(name) {
        set(piece, name, value, loc);
    }
}

pub fn set(piece: &mut Piece, name: &str, value: Value, loc: Loc) {
    piece.fields.insert(name.to_owned(), value);
    piece.each.retain(|(n, _)| n != name);
    piece.each.push((name.to_owned(), loc));
}
