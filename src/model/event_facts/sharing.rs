//! Facts about who a request gives access to: KMS grants to other accounts, snapshots and
//! images shared publicly or with other accounts, Block Public Access settings turned off.

use serde_json::{Map, Value, json};

use crate::model::policy::account_of;

/// The account that owns the KMS key a request names: the account of its key ARN, else of
/// the record's `AWS::KMS::Key` resource, else the account that received the event.
pub fn key_account(record: &Value, own: &str) -> String {
    let params = record.get("requestParameters");
    if let Some(acct) = params
        .and_then(|p| p.get("keyId"))
        .and_then(Value::as_str)
        .and_then(account_of)
    {
        return acct.to_owned();
    }
    let from_resources = record
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("type").and_then(Value::as_str) == Some("AWS::KMS::Key"))
        .find_map(|r| {
            r.get("accountId")
                .and_then(Value::as_str)
                .or_else(|| r.get("ARN").and_then(Value::as_str).and_then(account_of))
        });
    from_resources.unwrap_or(own).to_owned()
}

/// `CreateGrant`: `atrest.granteeAccount` (the account of `granteePrincipal`, when it names
/// one) and `atrest.granteeExternal` (that account is not the key's).
pub fn grant_facts(record: &Value, own: &str) -> Option<Map<String, Value>> {
    let grantee = record
        .get("requestParameters")?
        .get("granteePrincipal")?
        .as_str()?;
    let grantee_account = account_of(grantee)?;
    let key_account = key_account(record, own);
    let mut m = Map::new();
    m.insert("granteeAccount".into(), json!(grantee_account));
    if !key_account.is_empty() {
        m.insert(
            "granteeExternal".into(),
            json!(grantee_account != key_account),
        );
    }
    Some(m)
}

/// `ModifySnapshotAttribute` / `ModifyImageAttribute`: `atrest.sharedWith` lists `all` (the
/// public) and the accounts other than the owner's that the request adds.
pub fn share_facts(record: &Value, own: &str) -> Option<Map<String, Value>> {
    let params = record.get("requestParameters")?;
    let permission = params
        .get("createVolumePermission")
        .or_else(|| params.get("launchPermission"))?;
    let items: Vec<&Value> = permission
        .get("add")
        .and_then(|a| a.get("items"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let mut shared: Vec<String> = Vec::new();
    for item in items {
        let who = if item.get("group").and_then(Value::as_str) == Some("all") {
            Some("all")
        } else {
            item.get("userId")
                .and_then(Value::as_str)
                .filter(|acct| *acct != own)
        };
        if let Some(who) = who
            && !shared.iter().any(|s| s == who)
        {
            shared.push(who.to_owned());
        }
    }
    let mut m = Map::new();
    m.insert(
        "sharedPublic".into(),
        json!(shared.iter().any(|s| s == "all")),
    );
    m.insert("sharedWith".into(), json!(shared));
    Some(m)
}

const BLOCK_SETTINGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// `PutBucketPublicAccessBlock` / `PutAccountPublicAccessBlock`: `atrest.publicAccessBlockOff`
/// lists the settings the new configuration leaves off (S3 takes an absent one as false).
pub fn public_access_block_facts(record: &Value) -> Option<Map<String, Value>> {
    let config = record
        .get("requestParameters")?
        .get("PublicAccessBlockConfiguration")?
        .as_object()?;
    let off: Vec<&str> = BLOCK_SETTINGS
        .into_iter()
        .filter(|s| !is_true(config.get(*s)))
        .collect();
    let mut m = Map::new();
    m.insert("publicAccessBlockOff".into(), json!(off));
    Some(m)
}

/// `true`, or `"true"` as some records write booleans of XML requests.
fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_inside_and_outside_the_key_account() {
        let outside = json!({"eventName": "CreateGrant", "recipientAccountId": "111122223333",
            "requestParameters": {"keyId": "arn:aws:kms:us-east-1:111122223333:key/k",
                "granteePrincipal": "arn:aws:iam::444455556666:root", "operations": ["Decrypt"]}});
        let f = grant_facts(&outside, "111122223333").expect("facts");
        assert_eq!(f["granteeAccount"], json!("444455556666"));
        assert_eq!(f["granteeExternal"], json!(true));
        // A caller in another account granting on our key: the key's account decides.
        let inside = json!({"recipientAccountId": "444455556666",
            "requestParameters": {"keyId": "k"}, "resources": [{"type": "AWS::KMS::Key",
                "ARN": "arn:aws:kms:us-east-1:444455556666:key/k", "accountId": "444455556666"}]});
        let mut inside = inside;
        inside["requestParameters"]["granteePrincipal"] =
            json!("arn:aws:sts::444455556666:assumed-role/r/s");
        let f = grant_facts(&inside, "111122223333").expect("facts");
        assert_eq!(f["granteeExternal"], json!(false));
        let service =
            json!({"requestParameters": {"keyId": "k", "granteePrincipal": "ec2.amazonaws.com"}});
        assert!(grant_facts(&service, "111122223333").is_none());
    }

    #[test]
    fn snapshots_and_images_shared() {
        let r = json!({"requestParameters": {"snapshotId": "snap-1", "attributeType": "CREATE_VOLUME_PERMISSION",
            "createVolumePermission": {"add": {"items": [{"userId": "098797384747"}, {"userId": "111122223333"}, {"group": "all"}]}}}});
        let f = share_facts(&r, "111122223333").expect("facts");
        assert_eq!(f["sharedWith"], json!(["098797384747", "all"]));
        assert_eq!(f["sharedPublic"], json!(true));
        let removed = json!({"requestParameters": {"imageId": "ami-1",
            "launchPermission": {"remove": {"items": [{"group": "all"}]}}}});
        let f = share_facts(&removed, "111122223333").expect("facts");
        assert_eq!(f["sharedWith"], json!([]));
        assert_eq!(f["sharedPublic"], json!(false));
    }

    #[test]
    fn public_access_block_settings_off() {
        let r = json!({"requestParameters": {"PublicAccessBlockConfiguration": {"xmlns": "x",
            "RestrictPublicBuckets": false, "BlockPublicPolicy": "false", "BlockPublicAcls": true, "IgnorePublicAcls": "true"}}});
        let f = public_access_block_facts(&r).expect("facts");
        assert_eq!(
            f["publicAccessBlockOff"],
            json!(["BlockPublicPolicy", "RestrictPublicBuckets"])
        );
        let missing = json!({"requestParameters": {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true}}});
        assert_eq!(
            public_access_block_facts(&missing).expect("facts")["publicAccessBlockOff"],
            json!([
                "IgnorePublicAcls",
                "BlockPublicPolicy",
                "RestrictPublicBuckets"
            ])
        );
        assert!(public_access_block_facts(&json!({"requestParameters": {}})).is_none());
    }
}
