//! The model of the lab's EFS file systems, secrets and parameters: keys linked across files,
//! the AWS managed keys named or implied, and the keys' dependents.

mod common;

use atrest::model::{Inventory, Kind, Node, Resource};
use atrest::rules::Registry;
use atrest::scan::scan;
use common::root;
use serde_json::{Value, json};

fn lab() -> Inventory {
    let outcome = scan(&[root().join("samples/lab")], &Registry::default());
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    outcome.inventory
}

fn find<'a>(inv: &'a Inventory, kind: Kind, suffix: &str) -> &'a Resource {
    inv.resources
        .iter()
        .find(|r| r.kind == kind && r.arn.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {kind} ending in {suffix}"))
}

fn key<'a>(inv: &'a Inventory, r: &Resource) -> Option<&'a Resource> {
    r.link("KmsKey").map(|i| &inv.resources[i])
}

fn aliases(r: Option<&Resource>) -> Option<Value> {
    r.and_then(|k| k.value("Aliases"))
}

#[test]
fn file_systems_link_their_keys() {
    let inv = lab();
    let scratch = find(&inv, Kind::EfsFileSystem, "fs-0b7e2c94d1a35f608");
    assert_eq!(scratch.value("Encrypted"), Some(json!(false)));
    assert_eq!(
        scratch.value("KeyKind"),
        None,
        "not encrypted: no key facts"
    );
    assert!(key(&inv, scratch).is_none());
    let home = find(&inv, Kind::EfsFileSystem, "fs-04d9a1f3e6c82b571");
    assert_eq!(aliases(key(&inv, home)), Some(json!(["alias/MyKMSKey"])));
    assert_eq!(home.value("KeyKind"), Some(json!("customer_managed")));
    let media = find(&inv, Kind::EfsFileSystem, "fs-0e3c58b1a7d9f2046");
    assert_eq!(
        aliases(key(&inv, media)),
        Some(json!(["alias/aws/elasticfilesystem"]))
    );
    assert_eq!(media.value("KeyKind"), Some(json!("aws_managed")));
    let archive = find(&inv, Kind::EfsFileSystem, "fs-09a6f1d4c2e7b8305");
    assert_eq!(
        key(&inv, archive).and_then(|k| k.str("KeyState")),
        Some("PendingDeletion")
    );
    assert_eq!(archive.value("Region"), Some(json!("us-east-1")));
}

#[test]
fn a_secret_without_a_key_is_on_aws_secretsmanager() {
    let inv = lab();
    let db = find(
        &inv,
        Kind::SecretsmanagerSecret,
        "lab/db/credentials-Hq3Zk9",
    );
    assert_eq!(db.value("KmsKeyId"), None);
    assert_eq!(
        db.value("EncryptionKey"),
        Some(json!("alias/aws/secretsmanager"))
    );
    let aws_key = key(&inv, db).expect("the AWS managed key");
    assert_eq!(aws_key.str("KeyManager"), Some("AWS"));
    assert_eq!(db.value("KeyKind"), Some(json!("aws_managed")));
    // The AWS managed key knows the secret depends on it.
    let deps = aws_key
        .get("DependentResources")
        .and_then(Node::as_array)
        .expect("dependents");
    assert!(deps.iter().any(|d| d.as_str() == Some(db.arn)));

    let api = find(
        &inv,
        Kind::SecretsmanagerSecret,
        "lab/app/partner-api-p0Xw2M",
    );
    let disabled = key(&inv, api).expect("lab-volume-key");
    assert_eq!(disabled.str("KeyState"), Some("Disabled"));
    assert_eq!(
        disabled.value("Aliases"),
        Some(json!(["alias/lab-volume-key"]))
    );
}

#[test]
fn parameters_by_type_name_and_policy() {
    let inv = lab();
    let token = find(&inv, Kind::SsmParameter, "parameter/lab/app/api-token");
    assert_eq!(aliases(key(&inv, token)), Some(json!(["alias/aws/ssm"])));
    assert_eq!(token.value("NameLooksSecret"), Some(json!(true)));
    let signing = find(&inv, Kind::SsmParameter, "parameter/lab/app/signing-key");
    assert_eq!(
        aliases(key(&inv, signing)),
        Some(json!(["alias/app-data-key"])),
        "KeyId names the alias"
    );
    assert_eq!(signing.value("NameLooksSecret"), Some(json!(false)));
    let ldap = find(
        &inv,
        Kind::SsmParameter,
        "parameter/lab/app/legacy-ldap-bind",
    );
    assert_eq!(ldap.value("KmsKeyResolution"), Some(json!("missing")));
    assert_eq!(ldap.value("KeyKind"), Some(json!("unknown")));
    let password = find(&inv, Kind::SsmParameter, "parameter/lab/db/password");
    assert_eq!(password.value("NameSecretWord"), Some(json!("password")));
    assert_eq!(
        password.value("KmsKeyResolution"),
        None,
        "a String has no key"
    );
    let cutover = find(
        &inv,
        Kind::SsmParameter,
        "parameter/lab/app/cutover-credentials",
    );
    assert_eq!(
        cutover.value("ExpirationDate"),
        Some(json!("2026-11-15T00:00:00Z"))
    );
    assert_eq!(cutover.value("ExpirationPassed"), Some(json!(true)));
    assert_eq!(
        cutover.value("ExpirationPolicyStatus"),
        Some(json!("Failed"))
    );
    let host = find(&inv, Kind::SsmParameter, "parameter/lab/db/host");
    assert_eq!(
        host.value("ExpirationPassed"),
        None,
        "a NoChangeNotification policy sets no expiration"
    );
}
