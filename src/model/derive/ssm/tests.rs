use serde_json::{Value, json};

use super::secret_word;
use crate::model::{Ident, Item, Kind, Loc, Piece, build_at};
use crate::source::SourceId;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn now() -> jiff::Timestamp {
    "2026-11-20T14:27:00Z".parse().expect("time")
}

/// The derived document of one parameter described as `describe-parameters` prints it, in
/// a region whose keys were listed (alias/app-key → key k-app, Enabled).
fn derived(param: Value, at: jiff::Timestamp) -> Value {
    let name = param["Name"].as_str().unwrap_or("p").to_owned();
    let fields = match param {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let arn = crate::model::arn::ssm_parameter_arn(REGION, ACCOUNT, &name);
    let key_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k-app");
    let items = vec![
        Item::Listed {
            kind: Kind::KmsKey,
            account: ACCOUNT.into(),
            region: REGION.into(),
        },
        Item::Piece(
            Piece::new(Kind::KmsKey, Ident::Arn(key_arn.clone()), ACCOUNT, REGION).whole(
                json!({"KeyId": "k-app", "Arn": key_arn, "KeyState": "Enabled", "KeyManager": "CUSTOMER"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                Loc::new(SourceId(1), "/KeyMetadata"),
            ),
        ),
        Item::Piece(
            Piece::new(
                Kind::KmsAlias,
                Ident::Arn(format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/app-key")),
                ACCOUNT,
                REGION,
            )
            .whole(
                json!({"AliasName": "alias/app-key", "TargetKeyId": "k-app"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                Loc::new(SourceId(2), "/Aliases/0"),
            ),
        ),
        Item::Piece(
            Piece::new(Kind::SsmParameter, Ident::Arn(arn.clone()), ACCOUNT, REGION)
                .whole(fields, Loc::new(SourceId(0), "/Parameters/0")),
        ),
    ];
    let (inv, unplaced) = build_at(items, at);
    assert!(unplaced.is_empty());
    let i = inv.find(Kind::SsmParameter, &arn).expect("parameter");
    inv.resources[i].data.to_value()
}

fn expiring(stamp: &str) -> Value {
    let text = format!(
        r#"{{"Type":"Expiration","Version":"1.0","Attributes":{{"Timestamp":"{stamp}"}}}}"#
    );
    json!({"Name": "/lab/tmp", "Type": "String", "Tier": "Advanced",
           "Policies": [{"PolicyText": text, "PolicyType": "Expiration", "PolicyStatus": "Pending"}]})
}

#[test]
fn names_that_look_like_secrets() {
    for (name, word) in [
        ("/lab/db/password", "password"),
        ("DB_PASSWORD", "password"),
        ("/app/dbpassword", "password"),
        ("/app/mysql-passwd", "passwd"),
        ("/app/GitHubToken", "token"),
        ("/ci/tokens", "token"),
        ("/app/client_secret", "secret"),
        ("/app/x-api-key", "apikey"),
        ("/app/apiKey", "apikey"),
        ("/app/API_KEY", "apikey"),
        ("/app/APIKEY", "apikey"),
        ("/deploy/private_key", "privatekey"),
        ("/deploy/privateKeyPem", "privatekey"),
    ] {
        assert_eq!(secret_word(name), Some(word), "{name}");
    }
    for name in [
        // Only the last segment names the value: earlier ones are namespaces.
        "/lab/secrets/db_host",
        "/password/policy-docs/readme",
        // About a secret, not the secret.
        "/app/db-password-arn",
        "/app/secret_name",
        "/app/token-url",
        "/app/PasswordLength",
        // Words that merely start like one.
        "/ml/tokenizer",
        "/hr/secretary",
        "/app/log-level",
        "",
        "/",
    ] {
        assert_eq!(secret_word(name), None, "{name}");
    }
}

#[test]
fn secure_strings_link_their_key() {
    let on_alias = derived(
        json!({"Name": "/lab/app/key", "Type": "SecureString", "KeyId": "alias/app-key"}),
        now(),
    );
    assert_eq!(on_alias["KmsKeyResolution"], json!("resolved"));
    assert_eq!(on_alias["KeyKind"], json!("customer_managed"));
    assert_eq!(on_alias["NameLooksSecret"], json!(false));
    let default = derived(
        json!({"Name": "/lab/app/token", "Type": "SecureString", "KeyId": "alias/aws/ssm"}),
        now(),
    );
    assert_eq!(default["KeyKind"], json!("aws_managed"));
    assert_eq!(default["NameSecretWord"], json!("token"));
    let gone = derived(
        json!({"Name": "/lab/old", "Type": "SecureString",
               "KeyId": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/deleted")}),
        now(),
    );
    assert_eq!(gone["KmsKeyResolution"], json!("missing"));
    // A plain String is not encrypted: no key facts at all.
    let plain = derived(json!({"Name": "/lab/db/password", "Type": "String"}), now());
    assert_eq!(plain.get("KeyKind"), None);
    assert_eq!(plain.get("KmsKeyResolution"), None);
    assert_eq!(plain["NameLooksSecret"], json!(true));
}

#[test]
fn expiration_is_judged_at_the_given_time() {
    let p = expiring("2026-11-01T00:00:00.000Z");
    let after = derived(p.clone(), now());
    assert_eq!(after["ExpirationPassed"], json!(true));
    assert_eq!(after["ExpirationDate"], json!("2026-11-01T00:00:00Z"));
    assert_eq!(after["ExpirationPolicyStatus"], json!("Pending"));
    let before = derived(p, "2026-10-31T23:59:59Z".parse().expect("time"));
    assert_eq!(before["ExpirationPassed"], json!(false));
    // Without an offset the time is UTC; a date alone is its midnight.
    let civil = derived(expiring("2026-11-20T14:26:59"), now());
    assert_eq!(civil["ExpirationPassed"], json!(true));
    let date = derived(expiring("2026-11-21"), now());
    assert_eq!(date["ExpirationPassed"], json!(false));
    assert_eq!(date["ExpirationDate"], json!("2026-11-21T00:00:00Z"));
}

#[test]
fn other_policies_and_bad_policy_text_say_nothing() {
    let mut p = expiring("2026-11-01T00:00:00.000Z");
    p["Policies"] = json!([
        {"PolicyText": "{\"Type\":\"ExpirationNotification\",\"Version\":\"1.0\",\"Attributes\":{\"Before\":\"15\",\"Unit\":\"Days\"}}",
         "PolicyType": "ExpirationNotification", "PolicyStatus": "Pending"},
        {"PolicyText": "{\"Type\":\"NoChangeNotification\",\"Version\":\"1.0\",\"Attributes\":{\"After\":\"20\",\"Unit\":\"Days\"}}",
         "PolicyType": "NoChangeNotification", "PolicyStatus": "Pending"}
    ]);
    assert_eq!(derived(p.clone(), now()).get("ExpirationPassed"), None);
    for odd in [
        json!({"PolicyText": "{not json", "PolicyType": "Expiration"}),
        json!({"PolicyText": "[1, 2]", "PolicyType": "Expiration"}),
        json!({"PolicyText": "{\"Attributes\": {\"Timestamp\": 5}}", "PolicyType": "Expiration"}),
        json!({"PolicyText": "{\"Attributes\": {\"Timestamp\": \"next tuesday\"}}", "PolicyType": "Expiration"}),
        json!({"PolicyText": "{\"Attributes\": \"x\"}", "PolicyType": "Expiration"}),
        json!({"PolicyText": 7, "PolicyType": "Expiration"}),
        json!({"PolicyType": "Expiration"}),
        json!("Expiration"),
        json!(null),
    ] {
        p["Policies"] = json!([odd]);
        assert_eq!(
            derived(p.clone(), now()).get("ExpirationPassed"),
            None,
            "{odd}"
        );
    }
    p["Policies"] = json!("not a list");
    assert_eq!(derived(p.clone(), now()).get("ExpirationPassed"), None);
    // The type may be read from the text when PolicyType is absent; the earliest wins.
    p["Policies"] = json!([
        {"PolicyText": "{\"Type\":\"Expiration\",\"Attributes\":{\"Timestamp\":\"2027-01-01T00:00:00Z\"}}"},
        {"PolicyText": "{\"Type\":\"Expiration\",\"Attributes\":{\"Timestamp\":\"2026-01-01T00:00:00Z\"}}"}
    ]);
    let d = derived(p, now());
    assert_eq!(d["ExpirationDate"], json!("2026-01-01T00:00:00Z"));
    assert_eq!(d["ExpirationPassed"], json!(true));
}
