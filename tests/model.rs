//! The model built from the lab export: references resolved across files, derived facts,
//! and the field table (docs/resources.md) checked against the code and against AWS's API
//! models.

mod common;

use std::collections::BTreeSet;

use atrest::ingest::export::apis;
use atrest::ingest::export::shape::Ty;
use atrest::model::schema::{self, From, KINDS};
use atrest::model::{Inventory, Kind, Node, Resource};
use atrest::rules::Registry;
use atrest::scan::scan;
use common::{corpus, root};
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

fn linked<'a>(inv: &'a Inventory, r: &Resource, link: &str) -> Option<&'a Resource> {
    r.link(link).map(|i| &inv.resources[i])
}

#[test]
fn references_resolve_across_files() {
    let inv = lab();
    let root_volume = find(&inv, Kind::EbsVolume, "vol-0e91f819ba4d4f253");
    let key = linked(&inv, root_volume, "KmsKey").expect("the volume's key");
    assert_eq!(key.str("KeyState"), Some("Disabled"));
    assert_eq!(key.value("Aliases"), Some(json!(["alias/lab-volume-key"])));
    let instance = linked(&inv, root_volume, "Instance").expect("the instance");
    assert_eq!(instance.str("InstanceId"), Some("i-0af971c3c6aea78d2"));
    // Keys know who depends on them.
    let deps = key
        .get("DependentResources")
        .and_then(Node::as_array)
        .expect("dependents");
    assert!(deps.iter().any(|d| d.as_str() == Some(root_volume.arn)));

    // A bucket under SSE-KMS without a key id uses the AWS managed aws/s3 key.
    let shared = find(&inv, Kind::S3Bucket, "lab-shared-data-2290461");
    let s3_key = linked(&inv, shared, "KmsKey").expect("aws/s3");
    assert_eq!(s3_key.str("KeyManager"), Some("AWS"));
    assert_eq!(s3_key.value("Aliases"), Some(json!(["alias/aws/s3"])));

    let trail = find(&inv, Kind::CloudtrailTrail, "trail/lab-trail");
    let bucket = linked(&inv, trail, "LogBucket").expect("the trail's bucket");
    assert!(bucket.arn.contains("aws-cloudtrail-logs"));
    assert_eq!(
        trail.value("IsLogging"),
        Some(json!(true)),
        "status merged into the trail"
    );
    assert_eq!(trail.value("LogsS3DataEvents"), Some(json!(false)));
}

#[test]
fn derived_facts_of_the_lab() {
    let inv = lab();
    let public_assets = find(&inv, Kind::S3Bucket, "lab-public-assets-5863017");
    assert_eq!(public_assets.value("AclPublic"), Some(json!(true)));
    assert_eq!(
        public_assets.value("AclPublicGrants"),
        Some(json!(["READ to AllUsers"]))
    );
    assert_eq!(public_assets.value("Public"), Some(json!(true)));
    assert_eq!(public_assets.value("SSEAlgorithm"), Some(json!("AES256")));
    assert_eq!(
        public_assets
            .get("EffectivePublicAccessBlock")
            .and_then(|e| e.get("AllEnabled"))
            .map(Node::to_value),
        Some(json!(false))
    );

    let shared = find(&inv, Kind::S3Bucket, "lab-shared-data-2290461");
    assert_eq!(shared.value("PolicyPublic"), Some(json!(true)));

    let logs = find(
        &inv,
        Kind::S3Bucket,
        "aws-cloudtrail-logs-123456789012-5c1e9a2b",
    );
    assert_eq!(
        logs.value("PolicyCrossAccounts"),
        Some(json!(["210987654321"]))
    );
    assert_eq!(logs.value("Public"), Some(json!(false)));

    let image = find(&inv, Kind::S3Bucket, "imagebucket-4172093");
    assert_eq!(
        image.value("PolicyDeniesUnencryptedUploads"),
        Some(json!(false)),
        "no policy at all"
    );
    assert_eq!(image.value("BucketKeyEnabled"), Some(json!(false)));
    assert_eq!(image.value("Region"), Some(json!("us-east-1")));

    let my_key = inv
        .resources
        .iter()
        .find(|r| r.value("Aliases") == Some(json!(["alias/MyKMSKey"])))
        .expect("MyKMSKey");
    assert_eq!(
        my_key.value("AdminsWhoCanUse"),
        Some(json!(["arn:aws:iam::123456789012:role/voclabs"]))
    );

    let public_snapshot = find(&inv, Kind::EbsSnapshot, "snap-0e24b26a267b2f0b1");
    assert_eq!(public_snapshot.value("Public"), Some(json!(true)));
    let pending = find(&inv, Kind::EbsSnapshot, "snap-0e06adb53e1ae844b");
    assert_eq!(
        linked(&inv, pending, "KmsKey").and_then(|k| k.str("KeyState")),
        Some("PendingDeletion")
    );
}

/// Who manages the key of each resource: told apart by the key's `KeyManager`, an
/// `alias/aws/*` name, SSE-S3 (a key AWS owns), or another account.
#[test]
fn key_kinds_of_the_lab() {
    let inv = lab();
    let kind = |kind, suffix| find(&inv, kind, suffix).str("KeyKind").map(str::to_owned);
    let managed = || Some("aws_managed".to_owned());
    let customer = || Some("customer_managed".to_owned());
    assert_eq!(kind(Kind::EbsVolume, "vol-093fd8e56804a34b7"), managed());
    assert_eq!(kind(Kind::EbsVolume, "vol-0e91f819ba4d4f253"), customer());
    // An unencrypted volume names no key.
    assert_eq!(kind(Kind::EbsVolume, "vol-07ac84538bda72190"), None);
    // A volume of the replica Region, on the multi-Region replica key.
    assert_eq!(kind(Kind::EbsVolume, "vol-0c4b7e21d9a35f608"), customer());
    assert_eq!(kind(Kind::S3Bucket, "lab-shared-data-2290461"), managed());
    assert_eq!(kind(Kind::S3Bucket, "imagebucket-4172093"), customer());
    let trail_bucket = "aws-cloudtrail-logs-123456789012-5c1e9a2b";
    assert_eq!(
        kind(Kind::S3Bucket, trail_bucket),
        Some("aws_owned".to_owned())
    );
}

/// Keys named by resources but absent from the export: another account's key is customer
/// managed; an AWS managed alias that the export does not list is unknown, never missing
/// (AWS creates those keys on first use and never deletes them).
#[test]
fn key_kinds_of_keys_outside_the_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("123456789012/us-east-1");
    std::fs::create_dir_all(base.join("ec2")).expect("dirs");
    std::fs::create_dir_all(base.join("kms")).expect("dirs");
    std::fs::write(base.join("kms/list-keys.json"), r#"{"Keys": []}"#).expect("write");
    let volume = |id: &str, key: &str| {
        json!({"VolumeId": id, "Size": 8, "AvailabilityZone": "us-east-1a", "State": "available",
               "CreateTime": "2026-11-01T00:00:00+00:00", "Encrypted": true, "KmsKeyId": key})
    };
    let volumes = json!({"Volumes": [
        volume("vol-1", "arn:aws:kms:us-east-1:444455556666:key/1b2c3d4e-0000-4000-8000-000000000001"),
        volume("vol-2", "alias/aws/ebs"),
        volume("vol-3", "1b2c3d4e-0000-4000-8000-000000000003"),
    ]});
    std::fs::write(base.join("ec2/describe-volumes.json"), volumes.to_string()).expect("write");
    let outcome = scan(&[dir.path().to_path_buf()], &Registry::default());
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let inv = outcome.inventory;
    let facts = |suffix| {
        let r = find(&inv, Kind::EbsVolume, suffix);
        (
            r.str("KmsKeyResolution").map(str::to_owned),
            r.str("KeyKind").map(str::to_owned),
        )
    };
    let pair = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
    assert_eq!(facts("vol-1"), pair("external", "customer_managed"));
    assert_eq!(facts("vol-2"), pair("unknown", "aws_managed"));
    assert_eq!(facts("vol-3"), pair("missing", "unknown"));
}

/// Imported key material, multi-Region keys and rotation facts of the lab's keys.
#[test]
fn imported_and_multi_region_keys_of_the_lab() {
    let inv = lab();
    let imported = find(
        &inv,
        Kind::KmsKey,
        "key/3f1c9e52-7d4a-4b8e-9a61-2c5d8e0f7b34",
    );
    assert_eq!(imported.str("Origin"), Some("EXTERNAL"));
    assert_eq!(imported.value("RotationSupported"), Some(json!(false)));
    assert!(imported.value("KeyRotationEnabled").is_none());
    assert!(imported.value("MaterialExpiresInDays").is_some());

    let replica = find(
        &inv,
        Kind::KmsKey,
        "eu-west-1:123456789012:key/mrk-8d2f41c07b5e4a9c93e6f1a2b4c7d905",
    );
    let primary = linked(&inv, replica, "PrimaryKey").expect("the replica's primary");
    assert_eq!(primary.region, "us-east-1");
    assert_eq!(primary.str("KeyState"), Some("Enabled"));
    assert!(linked(&inv, primary, "PrimaryKey").is_none());
    assert_eq!(
        replica.value("PolicyWiderThanPrimary"),
        Some(json!(["210987654321"]))
    );
    assert!(primary.value("PolicyWiderThanPrimary").is_none());
    let deps = replica.value("DependentResources").expect("dependents");
    assert_eq!(
        deps,
        json!(["arn:aws:ec2:eu-west-1:123456789012:volume/vol-0c4b7e21d9a35f608"])
    );
    assert_eq!(primary.value("Rotations"), Some(json!([])));
}

/// AMIs: their snapshots' keys, who may launch them, and whether those accounts can use the
/// keys; a key policy that admits the account clears the share.
#[test]
fn images_and_shares_of_the_lab() {
    let inv = lab();
    let golden = find(&inv, Kind::Ec2Image, "image/ami-0d5e8f1a2b3c4d5e6");
    let key = linked(&inv, golden, "KmsKey").expect("the snapshot's key");
    assert_eq!(key.value("Aliases"), Some(json!(["alias/lab-volume-key"])));
    assert!(
        key.get("DependentResources")
            .and_then(Node::as_array)
            .is_some_and(|d| d.iter().any(|a| a.as_str() == Some(golden.arn)))
    );
    assert_eq!(
        golden.value("UnusableKeySnapshots"),
        Some(json!(["snap-0e839d96c9181bce1"]))
    );
    assert_eq!(
        golden.value("AccountsWithoutKeyAccess"),
        Some(json!(["210987654321"]))
    );
    let scratch = find(&inv, Kind::Ec2Image, "image/ami-09a8b7c6d5e4f3a21");
    assert_eq!(
        scratch.value("AwsManagedKeySnapshots"),
        Some(json!(["snap-0a7d3c91e5b2f4068"]))
    );
    assert_eq!(scratch.str("KeyKind"), Some("aws_managed"));
    // Shared with no one: no account lacks the key.
    assert_eq!(scratch.value("AccountsWithoutKeyAccess"), Some(json!([])));
    let data = find(&inv, Kind::Ec2Image, "image/ami-0f1e2d3c4b5a69788");
    assert_eq!(data.value("LaunchPublic"), Some(json!(true)));
    assert!(data.link("KmsKey").is_none());

    // The same lab, with the partner account let into the key's policy.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &root().join("samples/lab/123456789012"),
        &dir.path().join("123456789012"),
    );
    let policy_file = dir.path().join(
        "123456789012/us-east-1/kms/get-key-policy--b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd.json",
    );
    let mut out: Value =
        serde_json::from_str(&std::fs::read_to_string(&policy_file).expect("read")).expect("json");
    let mut policy: Value =
        serde_json::from_str(out["Policy"].as_str().expect("text")).expect("doc");
    policy["Statement"]
        .as_array_mut()
        .expect("list")
        .push(json!({
            "Sid": "Partner", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": ["kms:DescribeKey", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant"],
            "Resource": "*"
        }));
    out["Policy"] = Value::from(policy.to_string());
    std::fs::write(&policy_file, out.to_string()).expect("write");
    let outcome = scan(&[dir.path().to_path_buf()], &Registry::default());
    let golden = find(
        &outcome.inventory,
        Kind::Ec2Image,
        "image/ami-0d5e8f1a2b3c4d5e6",
    );
    assert_eq!(golden.value("AccountsWithoutKeyAccess"), Some(json!([])));
    let root_snapshot = find(
        &outcome.inventory,
        Kind::EbsSnapshot,
        "snap-0e839d96c9181bce1",
    );
    assert_eq!(
        root_snapshot.value("AccountsWithoutKeyAccess"),
        Some(json!([]))
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// `MaterialExpiresInDays` is judged at `--as-of`: whole days to `ValidTo`, negative after.
#[test]
fn material_expiry_is_judged_at_the_given_time() {
    let at = |time: &str| {
        let options = atrest::scan::ScanOptions {
            as_of: Some(time.parse().expect("a time")),
            ..Default::default()
        };
        let outcome = atrest::scan::scan_with(
            &[root().join("samples/lab")],
            &Registry::default(),
            &options,
        );
        find(
            &outcome.inventory,
            Kind::KmsKey,
            "key/3f1c9e52-7d4a-4b8e-9a61-2c5d8e0f7b34",
        )
        .value("MaterialExpiresInDays")
    };
    // ValidTo is 2026-12-05T00:00:00Z.
    assert_eq!(at("2026-11-20T14:27:00Z"), Some(json!(14)));
    assert_eq!(at("2026-12-04T23:59:59Z"), Some(json!(0)));
    assert_eq!(at("2026-12-05T00:00:00Z"), Some(json!(0)));
    assert_eq!(at("2026-12-06T12:00:00Z"), Some(json!(-2)));
}

#[test]
fn every_field_the_model_produces_is_documented() {
    let config = scan(&[root().join("samples/config")], &Registry::default());
    assert!(config.diagnostics.is_empty(), "{:?}", config.diagnostics);
    let mut missing = BTreeSet::new();
    for r in lab().resources.iter().chain(&config.inventory.resources) {
        let doc = schema::kind_doc(r.kind);
        for key in r.data.root().members().keys() {
            if !doc.fields.iter().any(|f| f.name == key) {
                missing.insert(format!("{}.{key}", r.kind));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields missing from src/model/schema.rs: {missing:?}"
    );
}

#[test]
fn docs_resources_md_is_generated_from_the_code() {
    let run = common::atrest(&["docs", "resources", "--check", "docs/resources.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_calls_in_docs_export_format_md_are_generated_from_the_tables() {
    let run = common::atrest(&["docs", "exports", "--check", "docs/export-format.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The AWS API model of a table's service in the corpus, when there is one.
fn model_of(corpus: &std::path::Path, service: &str) -> Option<Value> {
    let dir = match service {
        "configservice" => "config",
        other => other,
    };
    ["service-2.json", "service-2.pruned.json"]
        .iter()
        .map(|f| corpus.join("botocore").join(dir).join(f))
        .find(|p| p.is_file())
        .map(|p| serde_json::from_slice(&std::fs::read(p).expect("model")).expect("json"))
}

/// Every call of the reader tables is an operation of its service's API model, and every
/// member its shape checks is a member of that operation's output, with a matching type.
#[test]
fn reader_tables_match_the_api_models() {
    let Some(corpus) = corpus() else { return };
    let mut wrong = Vec::new();
    let mut checked = 0;
    for api in apis() {
        let Some(model) = model_of(&corpus, api.service) else {
            continue;
        };
        let Some(op) = model["operations"].get(api.operation) else {
            wrong.push(format!(
                "{} {}: no operation {}",
                api.service, api.command, api.operation
            ));
            continue;
        };
        checked += 1;
        let output = op["output"]["shape"].as_str().expect("output");
        for member in api.shape {
            match shape_at(&model, output, member.path) {
                None => wrong.push(format!(
                    "{}: `{}` is not in the output of {}",
                    api.command, member.path, api.operation
                )),
                Some(t) if !type_fits(member.ty, &t) => wrong.push(format!(
                    "{}: `{}` is {t} in the model, the table says {}",
                    api.command,
                    member.path,
                    member.ty.name()
                )),
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked >= 25, "only {checked} calls checked");
}

/// The botocore type at a table path (`Volumes/*/KmsKeyId`) under an output shape.
fn shape_at(model: &Value, shape: &str, path: &str) -> Option<String> {
    let mut shape = shape.to_owned();
    for token in path.split('/') {
        let s = &model["shapes"][&shape];
        shape = match (s["type"].as_str()?, token) {
            ("list", "*") => s["member"]["shape"].as_str()?.to_owned(),
            ("structure", name) => s["members"][name]["shape"].as_str()?.to_owned(),
            // A map of attributes (`Attributes/QueueArn`): any key, the map's value shape.
            ("map", _) => s["value"]["shape"].as_str()?.to_owned(),
            _ => return None,
        };
    }
    model["shapes"][&shape]["type"].as_str().map(str::to_owned)
}

fn type_fits(ty: Ty, model: &str) -> bool {
    match ty {
        Ty::Str | Ty::StrOrNull => model == "string",
        Ty::Bool => model == "boolean",
        Ty::Int => matches!(model, "integer" | "long"),
        Ty::Obj => matches!(model, "structure" | "map"),
        Ty::Arr => model == "list",
        Ty::Time => model == "timestamp",
    }
}

/// AWS's fields carry AWS's names: each is a member of the output shape of the call the
/// field table names (or of the item structure of its list), per the botocore API models.
#[test]
fn aws_field_names_match_the_api_models() {
    let Some(corpus) = corpus() else { return };
    // Fields atrest places differently from the output, with the member they hold.
    let renamed = [
        ("Versioning", "Status"),
        ("SnapshotBlockPublicAccessState", "State"),
        // One queue of `list-queues`' `QueueUrls`.
        ("QueueUrl", "QueueUrls"),
    ];
    let mut wrong = Vec::new();
    for kind in KINDS {
        for field in kind.fields {
            let From::Aws(calls) = field.from else {
                continue;
            };
            // `list-buckets, get-bucket-acl`; `s3control get-public-access-block`.
            let call = calls.split(',').next().unwrap_or_default().trim();
            let (service, command) = call.split_once(' ').unwrap_or(("", call));
            let Some(api) = apis().find(|a| {
                a.command == command
                    && a.kind == Some(kind.kind)
                    && (service.is_empty() || a.service == service)
            }) else {
                wrong.push(format!("{}.{}: no call {command}", kind.kind, field.name));
                continue;
            };
            let Some(model) = model_of(&corpus, api.service) else {
                continue;
            };
            let name = renamed
                .iter()
                .find(|(f, _)| *f == field.name)
                .map_or(field.name, |(_, m)| m);
            let output = model["operations"][api.operation]["output"]["shape"]
                .as_str()
                .expect("output");
            if !members_near(&model, output, 2).contains(name) {
                wrong.push(format!(
                    "{}.{} is not in the output of {}",
                    kind.kind, field.name, api.operation
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
/// The keys of a map of attributes that a structure member holds (SQS's and SNS's
/// `Attributes`), which atrest keeps as fields: the key shape's enum (SQS), else the names the
/// member's documentation lists in `<code>` (SNS).
fn attribute_names(model: &Value, member: &Value) -> BTreeSet<String> {
    let shape = &model["shapes"][member["shape"].as_str().unwrap_or_default()];
    if shape["type"] != "map" {
        return BTreeSet::new();
    }
    let key = &model["shapes"][shape["key"]["shape"].as_str().unwrap_or_default()];
    if let Some(values) = key["enum"].as_array() {
        return values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    let doc = member["documentation"].as_str().unwrap_or_default();
    doc.split("<code>")
        .skip(1)
        .filter_map(|part| part.split_once("</code>").map(|(name, _)| name))
        .filter(|name| name.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_owned)
        .collect()
}

/// Member names of a shape and of the structures within `depth` levels of it.
fn members_near(model: &Value, shape: &str, depth: usize) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let s = &model["shapes"][shape];
    match s["type"].as_str() {
        Some("structure") => {
            for (name, member) in s["members"].as_object().into_iter().flatten() {
                names.insert(name.clone());
                names.extend(attribute_names(model, member));
                if depth > 0 {
                    names.extend(members_near(
                        model,
                        member["shape"].as_str().unwrap_or_default(),
                        depth - 1,
                    ));
                }
            }
        }
        // A list is not a level of its own: its items are.
        Some("list") => {
            names.extend(members_near(
                model,
                s["member"]["shape"].as_str().unwrap_or_default(),
                depth,
            ));
        }
        _ => {}
    }
    names
}

/// The key-dependency view: what disabling the lab's disabled key breaks, by kind, with the
/// accounts those resources are shared with.
#[test]
fn a_key_names_what_depends_on_it_by_kind() {
    let inv = lab();
    let key = find(
        &inv,
        Kind::KmsKey,
        "key/b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd",
    );
    assert_eq!(
        key.str("DependentResourceSummary"),
        Some(
            "1 ebs_volume, 1 ebs_snapshot (shared with 210987654321), 1 ec2_image (shared with \
             210987654321), 1 secretsmanager_secret, 1 dynamodb_table, 1 sqs_queue, 1 sns_topic, \
             1 rds_snapshot"
        )
    );
    assert_eq!(key.value("DependentResourceCount"), Some(json!(8)));
    // A key nothing uses says so.
    let unused = find(
        &inv,
        Kind::KmsKey,
        "key/3f1c9e52-7d4a-4b8e-9a61-2c5d8e0f7b34",
    );
    assert_eq!(unused.str("DependentResourceSummary"), Some("none"));
}
