//! `AWS::S3::Bucket` and `AWS::S3::AccountPublicAccessBlock`.
//!
//! A bucket item's `configuration` holds what `list-buckets` says (`name`, `owner`,
//! `creationDate`); the rest is in `supplementaryConfiguration`, in the Java SDK's shapes:
//! `ServerSideEncryptionConfiguration` (`rules[].applyServerSideEncryptionByDefault
//! .sseAlgorithm`), `PublicAccessBlockConfiguration`, `BucketPolicy` (`{"policyText": ...}`),
//! `AccessControlList` (`grantList` of `{grantee, permission}` with `FullControl`-style
//! permissions and groups named `AllUsers`), `BucketVersioningConfiguration` and, when
//! present, `BucketOwnershipControls` and `BucketReplicationConfiguration` (the Java SDK v1's
//! shape: `roleARN`, `rules` as a map from rule id to `{status, priority,
//! sourceSelectionCriteria.sseKmsEncryptedObjects.status, destinationConfig: {bucketARN,
//! account, encryptionConfiguration.replicaKmsKeyID}}`; a list of rules with `id` is read too).

use serde_json::{Map, Value, json};

use crate::model::arn::{bucket_arn, partition, s3_account_arn};
use crate::model::{Arn, Fact, Item, Kind, Loc};

use super::item::{ConfigItem, set};
use super::names::{self, boolean, member};

const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// Config's names for the ACL groups, and their URIs in the S3 API.
const GROUPS: [(&str, &str); 3] = [
    (
        "AllUsers",
        "http://acs.amazonaws.com/groups/global/AllUsers",
    ),
    (
        "AuthenticatedUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    ),
    (
        "LogDelivery",
        "http://acs.amazonaws.com/groups/s3/LogDelivery",
    ),
];

/// Config's permission names (the Java SDK's `Permission` enum) and the S3 API's.
const PERMISSIONS: [(&str, &str); 5] = [
    ("FullControl", "FULL_CONTROL"),
    ("Read", "READ"),
    ("Write", "WRITE"),
    ("ReadAcp", "READ_ACP"),
    ("WriteAcp", "WRITE_ACP"),
];

fn partition_of<'a>(item: &ConfigItem<'a>) -> &'a str {
    item.arn()
        .and_then(Arn::parse)
        .map(|a| a.partition)
        .unwrap_or_else(|| partition(&item.region))
}

pub fn bucket(item: &ConfigItem) -> Result<Vec<Item>, String> {
    let (config, cfg_at) = item.configuration()?;
    let from_config =
        member(&config, "name").and_then(|(k, v)| Some((v.as_str()?, cfg_at.child(k))));
    fn nonempty(named: Option<(&str, Loc)>) -> Option<(&str, Loc)> {
        named.filter(|(name, _)| !name.is_empty())
    }
    let named = nonempty(from_config)
        .or_else(|| {
            nonempty(Some((
                item.str("resourceName")?,
                item.loc_of("resourceName"),
            )))
        })
        .or_else(|| nonempty(Some((item.str("resourceId")?, item.loc_of("resourceId")))))
        .or_else(|| {
            let arn = item.arn()?;
            nonempty(Some((Arn::parse(arn)?.resource, item.loc_of("arn"))))
        });
    let Some((name, name_at)) = named else {
        return Err(format!(
            "{}: an AWS::S3::Bucket item that names no bucket",
            item.at.pointer
        ));
    };
    let mut piece = item.piece(Kind::S3Bucket, bucket_arn(partition_of(item), name));
    set(&mut piece, "Name", json!(name), name_at);
    if let Some((k, v)) = member(&config, "creationDate") {
        set(
            &mut piece,
            "CreationDate",
            names::convert_named("CreationDate", v),
            cfg_at.child(k),
        );
    }
    if let Some((k, v)) = member(&config, "owner") {
        set(&mut piece, "Owner", owner(v), cfg_at.child(k));
    }
    if !item.region.is_empty() {
        set(
            &mut piece,
            "BucketRegion",
            json!(item.region),
            item.loc_of("awsRegion"),
        );
    }

    let Some(sup_at) = item.supplementary_at() else {
        return Ok(vec![Item::Piece(piece)]);
    };
    // Config records the ACL and the policy of every bucket (`{"policyText": null}` when it
    // has none): an item with either is complete, so a configuration it lacks is not set.
    let complete = ["AccessControlList", "BucketPolicy"]
        .iter()
        .any(|k| item.supplement(k).is_some_and(|(v, _)| !v.is_null()));

    if let Some((acl, at)) = item.supplement("AccessControlList")
        && let Some(o) = acl.as_object()
    {
        if let Some((k, v)) = member(o, "owner") {
            set(&mut piece, "Owner", owner(v), at.child(k));
        }
        let list = member(o, "grantList").or_else(|| member(o, "grantSet"));
        if let Some((k, Value::Array(list))) = list {
            let grants: Vec<Value> = list.iter().map(grant).collect();
            set(&mut piece, "Grants", Value::Array(grants), at.child(k));
        }
    }

    if let Some((policy, at)) = item.supplement("BucketPolicy") {
        match policy.as_object().and_then(|o| member(o, "policyText")) {
            Some((k, Value::String(text))) if !text.trim().is_empty() => {
                set(&mut piece, "Policy", json!(text), at.child(k));
            }
            // `{"policyText": null}`: the bucket has no policy.
            None | Some((_, Value::String(_))) => piece = piece.fact(Fact::NoBucketPolicy, at),
            Some(_) => {}
        }
    }

    match item.supplement("ServerSideEncryptionConfiguration") {
        Some((sse, at)) if !sse.is_null() => {
            set(
                &mut piece,
                "ServerSideEncryptionConfiguration",
                encryption(&sse),
                at,
            );
        }
        _ if complete => piece = piece.fact(Fact::NoDefaultEncryption, sup_at.clone()),
        _ => {}
    }

    match item.supplement("PublicAccessBlockConfiguration") {
        Some((pab, at)) if pab.is_object() => {
            set(
                &mut piece,
                "PublicAccessBlockConfiguration",
                block(&pab),
                at,
            );
        }
        _ if complete => {
            set(
                &mut piece,
                "PublicAccessBlockConfiguration",
                all_off(),
                sup_at.clone(),
            );
        }
        _ => {}
    }

    if let Some((v, at)) = item.supplement("BucketVersioningConfiguration")
        && let Some(versioning) = versioning(&v)
    {
        set(&mut piece, "Versioning", versioning, at);
    }

    // Not every recorder writes ownership controls, so their absence says nothing.
    if let Some((v, at)) = item.supplement("BucketOwnershipControls")
        && let Some(controls) = ownership(&v)
    {
        set(&mut piece, "OwnershipControls", controls, at);
    }

    // Left out for a bucket that replicates nothing, so its absence says nothing either.
    if let Some((v, at)) = item.supplement("BucketReplicationConfiguration")
        && let Some(config) = replication(&v)
    {
        set(&mut piece, "ReplicationConfiguration", config, at);
    }
    Ok(vec![Item::Piece(piece)])
}

pub fn account_block(item: &ConfigItem) -> Result<Vec<Item>, String> {
    if item.account.is_empty() {
        return Err(format!(
            "{}: an AWS::S3::AccountPublicAccessBlock item without an account id",
            item.at.pointer
        ));
    }
    let (config, cfg_at) = item.configuration()?;
    let arn = s3_account_arn(partition_of(item), &item.account);
    let mut piece = item.piece(Kind::S3Account, arn);
    set(
        &mut piece,
        "AccountId",
        json!(item.account),
        item.account_at(),
    );
    set(
        &mut piece,
        "PublicAccessBlockConfiguration",
        block_of(&config),
        cfg_at,
    );
    Ok(vec![Item::Piece(piece)])
}

/// `{"id", "displayName"}` → `{"ID", "DisplayName"}`.
fn owner(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return names::convert(v);
    };
    let mut out = Map::new();
    if let Some((_, name)) = member(o, "displayName") {
        out.insert("DisplayName".into(), name.clone());
    }
    if let Some((_, id)) = member(o, "id") {
        out.insert("ID".into(), id.clone());
    }
    Value::Object(out)
}

/// One ACL grant in the S3 API's shape: `{"Grantee": {"Type", ...}, "Permission"}`.
fn grant(g: &Value) -> Value {
    let Some(o) = g.as_object() else {
        return names::convert(g);
    };
    let mut out = Map::new();
    if let Some((_, grantee)) = member(o, "grantee") {
        out.insert("Grantee".into(), grantee_of(grantee));
    }
    if let Some((_, Value::String(p))) = member(o, "permission") {
        let api = PERMISSIONS
            .iter()
            .find(|(config, api)| p.eq_ignore_ascii_case(config) || p == api)
            .map_or(p.as_str(), |(_, api)| api);
        out.insert("Permission".into(), json!(api));
    }
    Value::Object(out)
}

/// A grantee: a group named as a string (`"AllUsers"`) or as an object holding its URI, a
/// canonical user (`{"id", "displayName"}`), or an e-mail address.
fn grantee_of(g: &Value) -> Value {
    let group = |s: &str| {
        GROUPS
            .iter()
            .find(|(name, uri)| s.eq_ignore_ascii_case(name) || s == *uri)
            .map(|(_, uri)| (*uri).to_owned())
            .or_else(|| s.starts_with("http").then(|| s.to_owned()))
    };
    match g {
        Value::String(s) => match group(s) {
            Some(uri) => json!({"Type": "Group", "URI": uri}),
            None if s.contains('@') => json!({"Type": "AmazonCustomerByEmail", "EmailAddress": s}),
            None => json!({"Type": "CanonicalUser", "ID": s}),
        },
        Value::Object(o) => {
            let strings = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| member(o, k).and_then(|(_, v)| v.as_str()))
            };
            let uri = strings(&["uri", "identifier", "groupUri", "name"]).and_then(group);
            if let Some(uri) = uri {
                return json!({"Type": "Group", "URI": uri});
            }
            if let Some(email) =
                strings(&["emailAddress", "identifier"]).filter(|s| s.contains('@'))
            {
                return json!({"Type": "AmazonCustomerByEmail", "EmailAddress": email});
            }
            let mut out = Map::new();
            if let Some(name) = strings(&["displayName"]) {
                out.insert("DisplayName".into(), json!(name));
            }
            if let Some(id) = strings(&["id", "identifier"]) {
                out.insert("ID".into(), json!(id));
            }
            out.insert("Type".into(), json!("CanonicalUser"));
            Value::Object(out)
        }
        other => names::convert(other),
    }
}

/// `{"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm", "kmsMasterKeyID"},
/// "bucketKeyEnabled"}]}` in the shape of `get-bucket-encryption`.
fn encryption(v: &Value) -> Value {
    let rules = v
        .as_object()
        .and_then(|o| member(o, "rules"))
        .and_then(|(_, r)| r.as_array());
    let rules: Vec<Value> = rules
        .into_iter()
        .flatten()
        .map(|rule| {
            let mut rule = names::convert(rule);
            if let Some(obj) = rule.as_object_mut()
                && let Some(b) = obj.get("BucketKeyEnabled").and_then(boolean)
            {
                obj.insert("BucketKeyEnabled".into(), json!(b));
            }
            rule
        })
        .collect();
    json!({ "Rules": rules })
}

/// The four public access block settings, as booleans.
fn block(v: &Value) -> Value {
    v.as_object()
        .map_or_else(|| Value::Object(Map::new()), block_of)
}

fn block_of(o: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for flag in FLAGS {
        if let Some(b) = member(o, flag).and_then(|(_, v)| boolean(v)) {
            out.insert(flag.to_owned(), json!(b));
        }
    }
    Value::Object(out)
}

/// No public access block configuration means every setting is off.
fn all_off() -> Value {
    Value::Object(
        FLAGS
            .iter()
            .map(|f| ((*f).to_owned(), json!(false)))
            .collect(),
    )
}

/// `{"status": "Off" | "Enabled" | "Suspended", "isMfaDeleteEnabled"}` in the shape of
/// `get-bucket-versioning` (which prints nothing for a bucket never versioned).
fn versioning(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let status = member(o, "status").and_then(|(_, s)| s.as_str());
    let mut out = Map::new();
    if let Some(status @ ("Enabled" | "Suspended")) = status {
        out.insert("Status".into(), json!(status));
        if let Some(mfa) = member(o, "isMfaDeleteEnabled").and_then(|(_, v)| boolean(v)) {
            out.insert(
                "MFADelete".into(),
                json!(if mfa { "Enabled" } else { "Disabled" }),
            );
        }
    }
    Some(Value::Object(out))
}

/// `{"ownershipControls": {"rules": [{"objectOwnership"}]}}` (or the rules alone) in the
/// shape of `get-bucket-ownership-controls`' `OwnershipControls`.
fn ownership(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let inner = member(o, "ownershipControls")
        .and_then(|(_, v)| v.as_object())
        .unwrap_or(o);
    let rules = member(inner, "rules")?.1.as_array()?;
    Some(json!({ "Rules": names::convert(&Value::Array(rules.clone())) }))
}

/// `BucketReplicationConfiguration` in the shape of `get-bucket-replication`'s
/// `ReplicationConfiguration`: `Role` and `Rules` with the members the facts read.
fn replication(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let mut out = Map::new();
    if let Some((_, role)) = member(o, "roleARN").or_else(|| member(o, "role")) {
        out.insert("Role".into(), role.clone());
    }
    let rules: Vec<(Option<&str>, &Value)> = match member(o, "rules")?.1 {
        Value::Object(map) => map.iter().map(|(id, r)| (Some(id.as_str()), r)).collect(),
        Value::Array(list) => list.iter().map(|r| (None, r)).collect(),
        _ => return None,
    };
    let rules: Vec<Value> = rules
        .into_iter()
        .filter_map(|(id, r)| replication_rule(id, r.as_object()?))
        .collect();
    out.insert("Rules".into(), Value::Array(rules));
    Some(Value::Object(out))
}

fn replication_rule(id: Option<&str>, r: &Map<String, Value>) -> Option<Value> {
    let mut out = Map::new();
    let id = member(r, "id").and_then(|(_, v)| v.as_str()).or(id);
    if let Some(id) = id {
        out.insert("ID".into(), json!(id));
    }
    if let Some((_, p)) = member(r, "priority") {
        out.insert("Priority".into(), p.clone());
    }
    if let Some((_, status)) = member(r, "status") {
        out.insert("Status".into(), status.clone());
    }
    let kms = member(r, "sourceSelectionCriteria")
        .and_then(|(_, c)| member(c.as_object()?, "sseKmsEncryptedObjects"))
        .and_then(|(_, k)| member(k.as_object()?, "status"));
    if let Some((_, status)) = kms {
        out.insert(
            "SourceSelectionCriteria".into(),
            json!({"SseKmsEncryptedObjects": {"Status": status}}),
        );
    }
    let dest = member(r, "destinationConfig")
        .or_else(|| member(r, "destination"))
        .and_then(|(_, d)| d.as_object())?;
    let mut d = Map::new();
    if let Some((_, bucket)) = member(dest, "bucketARN").or_else(|| member(dest, "bucket")) {
        d.insert("Bucket".into(), bucket.clone());
    }
    if let Some((_, account)) = member(dest, "account") {
        d.insert("Account".into(), account.clone());
    }
    let key = member(dest, "encryptionConfiguration")
        .and_then(|(_, e)| member(e.as_object()?, "replicaKmsKeyID"));
    if let Some((_, key)) = key {
        d.insert(
            "EncryptionConfiguration".into(),
            json!({"ReplicaKmsKeyID": key}),
        );
    }
    out.insert("Destination".into(), Value::Object(d));
    Some(Value::Object(out))
}
