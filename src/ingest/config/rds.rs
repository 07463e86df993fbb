//! `AWS::RDS::DBInstance`, `AWS::RDS::DBCluster`, `AWS::RDS::DBSnapshot` and
//! `AWS::RDS::DBClusterSnapshot`.
//!
//! The configurations hold `describe-db-*`' members in camelCase (`storageEncrypted`,
//! `kmsKeyId`, `dBInstanceIdentifier`; the Java SDK's lower-casing of a leading acronym varies,
//! `dbinstanceIdentifier` is read the same way). Each member becomes the field the AWS CLI
//! export gives, matched by name without regard to case, so the same rules apply. Snapshot
//! items carry their `restore` attribute as the supplementary configuration
//! `DBSnapshotAttributes` (`DBClusterSnapshotAttributes`), a list of `{attributeName,
//! attributeValues}`. Instances and clusters keep the fields `describe-db-instances` and
//! `describe-db-clusters` keep; snapshots keep every member.

use serde_json::{Map, Value, json};

use crate::ingest::export::{RDS_CLUSTER_FIELDS, RDS_INSTANCE_FIELDS};
use crate::model::arn::rds_arn;
use crate::model::schema::{self, From};
use crate::model::{Item, Kind, Loc, Piece};

use super::item::{ConfigItem, set, set_default};
use super::names::{self, member};

/// Member names inside the kept fields whose CLI spelling `cli_name` may not give
/// (`dbinstanceIdentifier` in `DBClusterMembers`).
const NESTED: [&str; 4] = [
    "DBInstanceIdentifier",
    "IsClusterWriter",
    "DBClusterParameterGroupStatus",
    "PromotionTier",
];

struct Shape {
    kind: Kind,
    what: &'static str,
    arn_type: &'static str,
    /// The configuration member that names the resource.
    id: &'static str,
    /// The fields kept; `None`: every member.
    keep: Option<&'static [&'static str]>,
    /// The supplementary configuration with the snapshot's attributes.
    attributes: Option<&'static str>,
}

const INSTANCE: Shape = Shape {
    kind: Kind::RdsInstance,
    what: "AWS::RDS::DBInstance",
    arn_type: "db",
    id: "DBInstanceIdentifier",
    keep: Some(&RDS_INSTANCE_FIELDS),
    attributes: None,
};

const CLUSTER: Shape = Shape {
    kind: Kind::RdsCluster,
    what: "AWS::RDS::DBCluster",
    arn_type: "cluster",
    id: "DBClusterIdentifier",
    keep: Some(&RDS_CLUSTER_FIELDS),
    attributes: None,
};

const SNAPSHOT: Shape = Shape {
    kind: Kind::RdsSnapshot,
    what: "AWS::RDS::DBSnapshot",
    arn_type: "snapshot",
    id: "DBSnapshotIdentifier",
    keep: None,
    attributes: Some("DBSnapshotAttributes"),
};

const CLUSTER_SNAPSHOT: Shape = Shape {
    kind: Kind::RdsClusterSnapshot,
    what: "AWS::RDS::DBClusterSnapshot",
    arn_type: "cluster-snapshot",
    id: "DBClusterSnapshotIdentifier",
    keep: None,
    attributes: Some("DBClusterSnapshotAttributes"),
};

pub fn instance(item: &ConfigItem) -> Result<Vec<Item>, String> {
    read(item, &INSTANCE)
}

pub fn cluster(item: &ConfigItem) -> Result<Vec<Item>, String> {
    read(item, &CLUSTER)
}

pub fn snapshot(item: &ConfigItem) -> Result<Vec<Item>, String> {
    read(item, &SNAPSHOT)
}

pub fn cluster_snapshot(item: &ConfigItem) -> Result<Vec<Item>, String> {
    read(item, &CLUSTER_SNAPSHOT)
}

/// The AWS CLI's spelling of a member name: one of `names` that matches it without regard to
/// case, else the camelCase name with a capital first letter.
fn spelled(name: &str, names: &[&str]) -> String {
    let cli = names::cli_name(name);
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&cli))
        .map_or(cli, |n| (*n).to_owned())
}

/// A converted value with the nested names of [`NESTED`] spelled as the CLI spells them.
fn respell(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (spelled(&k, &NESTED), respell(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(respell).collect()),
        other => other,
    }
}

fn read(item: &ConfigItem, shape: &Shape) -> Result<Vec<Item>, String> {
    if item.account.is_empty() || item.region.is_empty() {
        return Err(format!(
            "{}: an {} item without an account or a region",
            item.at.pointer, shape.what
        ));
    }
    let (config, cfg_at) = item.configuration()?;
    let named = member(&config, shape.id)
        .and_then(|(k, v)| Some((v.as_str()?, cfg_at.child(k))))
        .or_else(|| Some((item.str("resourceName")?, item.loc_of("resourceName"))))
        .filter(|(id, _)| !id.is_empty());
    let Some((id, id_at)) = named else {
        return Err(format!(
            "{}: an {} item that names no {}",
            item.at.pointer, shape.what, shape.id
        ));
    };
    let arn = rds_arn(&item.region, &item.account, shape.arn_type, id);
    let mut piece = item.piece(shape.kind, arn);
    let known: Vec<&str> = schema::kind_doc(shape.kind)
        .fields
        .iter()
        .filter(|f| matches!(f.from, From::Aws(_)))
        .map(|f| f.name)
        .collect();
    add_members(&mut piece, &config, &cfg_at, &known, shape.keep);
    set_default(&mut piece, shape.id, json!(id), id_at);
    if let Some(name) = shape.attributes
        && let Some((v, at)) = item.supplement(name).filter(|(v, _)| v.is_array())
    {
        set(&mut piece, name, respell(names::convert(&v)), at);
    }
    tags(item, &mut piece);
    Ok(vec![Item::Piece(piece)])
}

/// Every member of the configuration under the CLI's name (only those of `keep`, if given),
/// each pointing at its own member in the file.
fn add_members(
    piece: &mut Piece,
    config: &Map<String, Value>,
    at: &Loc,
    known: &[&str],
    keep: Option<&[&str]>,
) {
    for (k, v) in config {
        if v.is_null() {
            continue;
        }
        let name = spelled(k, known);
        if keep.is_some_and(|keep| !keep.contains(&name.as_str())) {
            continue;
        }
        let value = respell(names::convert_named(&name, v));
        set(piece, &name, value, at.child(k));
    }
}

/// `TagList` from the item's `tags` map when the configuration has none (and the map has
/// tags: the CLI prints an empty `TagList`, but an absent one says no less).
fn tags(item: &ConfigItem, piece: &mut Piece) {
    if piece.fields.contains_key("TagList") {
        return;
    }
    if let Some((k, Value::Object(tags))) = member(item.obj, "tags")
        && !tags.is_empty()
    {
        let list: Vec<Value> = tags
            .iter()
            .map(|(key, value)| json!({"Key": key, "Value": value}))
            .collect();
        set(piece, "TagList", Value::Array(list), item.at.child(k));
    }
}
