use super::*;
use serde_json::json;
use std::collections::HashSet;
use std::path::Path;

use crate::model::schema::{self, KINDS};

fn api(value: Value, path: &str) -> Option<&'static str> {
    let hint = PathHint::read(Path::new(path));
    identify(&value, &hint).map(|a| a.command)
}

fn placed_command(path: &str) -> Option<String> {
    match placed(&PathHint::read(Path::new(path)))? {
        Placed::Api(api) => Some(format!("{} {}", api.service, api.command)),
        Placed::Unread => Some("unread".to_owned()),
    }
}

#[test]
fn one_entry_per_call() {
    let mut seen = HashSet::new();
    for a in apis() {
        assert!(
            seen.insert((a.service, a.command)),
            "{} {} is declared twice",
            a.service,
            a.command
        );
        assert!(
            a.invocation.contains(a.command),
            "{}: the invocation names another command",
            a.command
        );
    }
}

/// Each kind a reader produces is documented, and each AWS field of the documentation names
/// a call of the table (its first command), so neither can be declared without the other.
#[test]
fn tables_and_the_field_reference_agree() {
    for a in apis() {
        if let Some(kind) = a.kind {
            assert!(
                KINDS.iter().any(|k| k.kind == kind),
                "{}: {kind} is not in schema.rs",
                a.command
            );
        }
    }
    for k in KINDS {
        for f in k.fields {
            let schema::From::Aws(calls) = f.from else {
                continue;
            };
            for call in calls.split(',').map(str::trim) {
                let command = call.rsplit(' ').next().unwrap_or(call);
                assert!(
                    apis()
                        .any(|a| a.command == command
                            && (a.kind == Some(k.kind) || a.kind.is_none())),
                    "{}.{}: `{call}` is not a call of the tables that describes {}",
                    k.kind,
                    f.name,
                    k.kind
                );
            }
        }
    }
}

#[test]
fn shapes_name_their_parents_first() {
    for a in apis() {
        for (i, m) in a.shape.iter().enumerate() {
            if let Some((parent, _)) = m.path.rsplit_once('/') {
                assert!(
                    a.shape[..i].iter().any(|p| p.path == parent),
                    "{}: `{}` comes before its parent `{parent}`",
                    a.command,
                    m.path
                );
            }
        }
    }
}

#[test]
fn in_the_layout_the_path_decides() {
    assert_eq!(
        placed_command("x/123456789012/us-east-1/kms/list-keys.json").as_deref(),
        Some("kms list-keys")
    );
    assert_eq!(
        placed_command("123456789012/us-east-1/s3api/get-bucket-acl--b.json").as_deref(),
        Some("s3 get-bucket-acl")
    );
    assert_eq!(
        placed_command("123456789012/us-east-1/s3control/get-public-access-block.json").as_deref(),
        Some("s3control get-public-access-block")
    );
    assert_eq!(
        placed_command("123456789012/us-east-1/rds/describe-db-instances.json").as_deref(),
        Some("rds describe-db-instances")
    );
    assert_eq!(
        placed_command("123456789012/us-east-1/rds/describe-db-proxies.json").as_deref(),
        Some("unread")
    );
    assert_eq!(
        placed_command("123456789012/us-east-1/redshift/describe-clusters.json").as_deref(),
        Some("unread")
    );
    assert_eq!(
        placed_command(
            "123456789012/us-east-1/s3/get-bucket-lifecycle-configuration--b.error.json"
        )
        .as_deref(),
        Some("unread")
    );
    assert_eq!(placed_command("/tmp/describe-volumes.json"), None);
    assert_eq!(placed_command("logs/x/us-east-1/kms/list-keys.json"), None);
}

#[test]
fn outside_the_layout_content_first_name_breaks_ties() {
    assert_eq!(
        api(json!({"Policy": "{}"}), "get-key-policy--k.json"),
        Some("get-key-policy")
    );
    assert_eq!(
        api(json!({"Policy": "{}"}), "b/get-bucket-policy--b.json"),
        Some("get-bucket-policy")
    );
    assert_eq!(
        api(json!({"Policy": "{}"}), "kms/policy.json"),
        Some("get-key-policy")
    );
    assert_eq!(
        api(json!({"Policy": "{}", "PolicyName": "default"}), "x.json"),
        Some("get-key-policy")
    );
    assert_eq!(
        api(json!({"Policy": "{}"}), "x.json"),
        Some("get-bucket-policy")
    );
    assert_eq!(
        api(json!({"Grants": [], "Owner": {}}), "x.json"),
        Some("get-bucket-acl")
    );
    assert_eq!(api(json!({"Grants": []}), "x.json"), Some("list-grants"));
    assert_eq!(
        api(json!({"Volumes": []}), "list-keys.json"),
        Some("describe-volumes"),
        "outside the layout, content says what a file is"
    );
    assert_eq!(api(json!({}), "x/other.json"), None);
    assert_eq!(api(json!({"Foo": 1}), "x/other.json"), None);
    let pab = json!({"PublicAccessBlockConfiguration": {}});
    assert_eq!(
        api(pab.clone(), "s3control/get-public-access-block.json"),
        Some("get-public-access-block")
    );
    let hint = PathHint::read(Path::new("get-public-access-block.json"));
    assert_eq!(by_name(&hint).map(|a| a.service), Some("s3control"));
    let hint = PathHint::read(Path::new("get-public-access-block--b.json"));
    assert_eq!(by_name(&hint).map(|a| a.service), Some("s3"));
}

fn error_file(doc: Value, path: &str) -> Result<Vec<Item>, String> {
    let hint = PathHint::read(Path::new(path));
    let Some(Placed::Api(api)) = placed(&hint) else {
        panic!("{path} is not a call of the tables");
    };
    let ctx = Ctx {
        source: SourceId(0),
        hint: &hint,
    };
    read_error(api, &doc, &ctx)
}

#[test]
fn error_files_are_facts_or_failures() {
    let root = "123456789012/us-east-1";
    let facts = error_file(
        json!({"exit_code": 254, "error_code": "NoSuchBucketPolicy", "stderr": ""}),
        &format!("{root}/s3/get-bucket-policy--b.error.json"),
    )
    .expect("a fact");
    assert_eq!(facts.len(), 1);
    // A shadow trail asked by name outside its home region.
    let none = error_file(
        json!({"exit_code": 254, "error_code": "TrailNotFoundException", "stderr": "\nAn error occurred (TrailNotFoundException) when calling the GetTrailStatus operation: Unknown trail"}),
        &format!("{root}/cloudtrail/get-trail-status--org-trail.error.json"),
    )
    .expect("not found is an answer");
    assert!(none.is_empty());
    let denied = error_file(
        json!({"exit_code": 254, "error_code": "AccessDenied", "stderr": "\nAn error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied\n"}),
        &format!("{root}/s3/get-bucket-policy--b.error.json"),
    )
    .expect_err("a failure");
    assert!(denied.contains("AccessDenied"), "{denied}");
    let http = error_file(
        json!({"exit_code": 255, "error_code": null, "stderr": "\n<html><body>500 Internal Server Error</body></html>\nmore"}),
        &format!("{root}/ec2/get-ebs-default-kms-key-id.error.json"),
    )
    .expect_err("a failed call");
    assert_eq!(
        http,
        "the call `ec2 get-ebs-default-kms-key-id` failed: <html><body>500 Internal Server Error</body></html>"
    );
    let shapeless = error_file(
        json!([1]),
        &format!("{root}/ec2/describe-volumes.error.json"),
    )
    .expect_err("not an error file");
    assert!(shapeless.contains("must hold"), "{shapeless}");
}
