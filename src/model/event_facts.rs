//! Derived facts on CloudTrail events, computed once when a record is read, under the
//! record's `atrest` key, so that event rules need not re-implement IAM or ACL semantics.
//! Each is computed from the request of the one record (a record does not say what the
//! resource looked like before the call); docs/rules.md lists them for rule authors.
//!
//! - `atrest.policyPublic`, `atrest.policyCrossAccounts`: for `PutBucketPolicy`,
//!   `PutKeyPolicy` and `CreateKey` with a policy, what the new policy grants (accounts other
//!   than the bucket's or key's own).
//! - `atrest.aclPublic`, `atrest.aclPublicGrants`: for `PutBucketAcl` and `PutObjectAcl`,
//!   whether the new ACL (canned, header grants or `AccessControlPolicy`) grants anything to
//!   AllUsers or AuthenticatedUsers.
//! - `atrest.granteeAccount`, `atrest.granteeExternal`: for `CreateGrant`, the grantee's
//!   account and whether it is not the key's ([`sharing`]).
//! - `atrest.sharedWith`, `atrest.sharedPublic`: for `ModifySnapshotAttribute` and
//!   `ModifyImageAttribute`, `all` and the other accounts the request adds.
//! - `atrest.publicAccessBlockOff`: for `PutBucketPublicAccessBlock` and
//!   `PutAccountPublicAccessBlock`, the settings the new configuration leaves off.
//! - `atrest.trailWeakened`: for `PutEventSelectors` and `UpdateTrail`, what the trail no
//!   longer records or protects ([`trail`]).

mod sharing;
mod trail;

use serde_json::{Map, Value, json};

use super::policy::{analyze, parse_document};

const ALL_USERS: &str = "acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The fields of a record the derived facts are computed from.
pub const INPUTS: &[&str] = &[
    "eventName",
    "recipientAccountId",
    "userIdentity/accountId",
    "requestParameters",
    "resources",
];

/// The event names whose records get derived facts.
pub const NAMES: &[&str] = &[
    "PutBucketPolicy",
    "PutKeyPolicy",
    "CreateKey",
    "PutBucketAcl",
    "PutObjectAcl",
    "CreateGrant",
    "ModifySnapshotAttribute",
    "ModifyImageAttribute",
    "PutBucketPublicAccessBlock",
    "PutAccountPublicAccessBlock",
    "PutEventSelectors",
    "UpdateTrail",
];

/// Whether records of this event name get derived facts.
pub fn applies(name: &str) -> bool {
    NAMES.contains(&name)
}

pub fn enrich(record: &mut Value) {
    let Some(name) = record.get("eventName").and_then(Value::as_str) else {
        return;
    };
    if !applies(name) {
        return;
    }
    let own = own_account(record);
    let facts = match name {
        "PutBucketPolicy" => policy_facts(record, "bucketPolicy", &own),
        "PutKeyPolicy" | "CreateKey" => {
            policy_facts(record, "policy", &sharing::key_account(record, &own))
        }
        "PutBucketAcl" | "PutObjectAcl" => acl_facts(record),
        "CreateGrant" => sharing::grant_facts(record, &own),
        "ModifySnapshotAttribute" | "ModifyImageAttribute" => sharing::share_facts(record, &own),
        "PutBucketPublicAccessBlock" | "PutAccountPublicAccessBlock" => {
            sharing::public_access_block_facts(record)
        }
        "PutEventSelectors" | "UpdateTrail" => record
            .get("requestParameters")
            .and_then(|p| trail::weakened(name, p))
            .map(|w| {
                let mut m = Map::new();
                m.insert("trailWeakened".into(), json!(w));
                m
            }),
        _ => None,
    };
    if let (Some(facts), Some(obj)) = (facts, record.as_object_mut()) {
        obj.insert("atrest".to_owned(), Value::Object(facts));
    }
}

fn own_account(record: &Value) -> String {
    record
        .get("recipientAccountId")
        .or_else(|| record.get("userIdentity").and_then(|u| u.get("accountId")))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

fn policy_facts(record: &Value, key: &str, own: &str) -> Option<Map<String, Value>> {
    let policy = record.get("requestParameters")?.get(key)?;
    let doc = parse_document(policy)?;
    let facts = analyze(&doc, own);
    let mut m = Map::new();
    m.insert(
        "policyPublic".into(),
        json!(!facts.public_statements.is_empty()),
    );
    let accounts: Vec<&String> = facts.cross_accounts.keys().collect();
    m.insert("policyCrossAccounts".into(), json!(accounts));
    Some(m)
}

fn acl_facts(record: &Value) -> Option<Map<String, Value>> {
    let params = record.get("requestParameters")?;
    let mut grants: Vec<String> = Vec::new();
    let mut add = |permission: &str, grantee: &str| {
        let group = if grantee.contains(ALL_USERS) {
            "AllUsers"
        } else if grantee.contains(AUTHENTICATED_USERS) {
            "AuthenticatedUsers"
        } else {
            return;
        };
        let grant = format!("{permission} to {group}");
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    };
    // Canned ACLs.
    for canned in strings(params.get("x-amz-acl")) {
        match canned {
            "public-read" => add("READ", ALL_USERS),
            "public-read-write" => {
                add("READ", ALL_USERS);
                add("WRITE", ALL_USERS);
            }
            "authenticated-read" => add("READ", AUTHENTICATED_USERS),
            _ => {}
        }
    }
    // Grant headers: `x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers"`.
    if let Some(obj) = params.as_object() {
        for (header, value) in obj {
            if let Some(permission) = header.strip_prefix("x-amz-grant-") {
                let permission = permission.to_ascii_uppercase().replace('-', "_");
                for grantee in strings(Some(value)) {
                    add(&permission, grantee);
                }
            }
        }
    }
    // An explicit AccessControlPolicy (a single Grant is an object, several a list).
    let list = params
        .get("AccessControlPolicy")
        .and_then(|p| p.get("AccessControlList"))
        .and_then(|l| l.get("Grant"));
    let items: Vec<&Value> = match list {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    for g in items {
        let uri = g
            .get("Grantee")
            .and_then(|e| e.get("URI"))
            .and_then(Value::as_str);
        let permission = g.get("Permission").and_then(Value::as_str).unwrap_or("?");
        if let Some(uri) = uri {
            add(permission, uri);
        }
    }
    let mut m = Map::new();
    m.insert("aclPublic".into(), json!(!grants.is_empty()));
    m.insert("aclPublicGrants".into(), json!(grants));
    Some(m)
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_policy_made_public() {
        let mut r = json!({"eventName": "PutBucketPolicy", "recipientAccountId": "111122223333",
            "requestParameters": {"bucketName": "b", "bucketPolicy": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}});
        enrich(&mut r);
        assert_eq!(r["atrest"]["policyPublic"], json!(true));
    }

    #[test]
    fn key_policy_string_with_other_account() {
        let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let mut r = json!({"eventName": "PutKeyPolicy", "recipientAccountId": "111122223333",
            "requestParameters": {"keyId": "k", "policyName": "default", "policy": policy}});
        enrich(&mut r);
        assert_eq!(r["atrest"]["policyPublic"], json!(false));
        assert_eq!(r["atrest"]["policyCrossAccounts"], json!(["444455556666"]));
    }

    #[test]
    fn acls_canned_headers_and_grants() {
        let mut canned = json!({"eventName": "PutBucketAcl", "requestParameters": {"x-amz-acl": ["public-read"]}});
        enrich(&mut canned);
        assert_eq!(
            canned["atrest"]["aclPublicGrants"],
            json!(["READ to AllUsers"])
        );
        let mut grant = json!({"eventName": "PutBucketAcl", "requestParameters": {"AccessControlPolicy": {
            "AccessControlList": {"Grant": {"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "WRITE"}}}}});
        enrich(&mut grant);
        assert_eq!(
            grant["atrest"]["aclPublicGrants"],
            json!(["WRITE to AuthenticatedUsers"])
        );
        let mut header = json!({"eventName": "PutObjectAcl", "requestParameters": {"x-amz-grant-read": "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""}});
        enrich(&mut header);
        assert_eq!(header["atrest"]["aclPublic"], json!(true));
        let mut private =
            json!({"eventName": "PutBucketAcl", "requestParameters": {"x-amz-acl": ["private"]}});
        enrich(&mut private);
        assert_eq!(private["atrest"]["aclPublic"], json!(false));
        let mut other = json!({"eventName": "GetObject"});
        enrich(&mut other);
        assert!(other.get("atrest").is_none());
    }
}
