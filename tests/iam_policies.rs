//! The IAM policies shipped in docs/iam/ grant reads only: atrest never writes to an account.

use serde_json::Value;

/// Verbs of read-only AWS actions; `kms:Decrypt` reads SSE-KMS log files, `sts:AssumeRole`
/// reaches an organization's member accounts.
fn reads_only(action: &str) -> bool {
    let Some((_, verb)) = action.split_once(':') else {
        return false;
    };
    ["List", "Get", "Describe", "Lookup", "Head"]
        .iter()
        .any(|read| verb.starts_with(read))
        || matches!(action, "kms:Decrypt" | "sts:AssumeRole")
}

#[test]
fn shipped_policies_allow_only_reads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam");
    let mut policies = 0;
    for entry in std::fs::read_dir(&dir).expect("docs/iam") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let policy: Value = serde_json::from_str(&text).expect("a JSON policy");
        assert_eq!(policy["Version"], "2012-10-17", "{}", path.display());
        let statements = policy["Statement"].as_array().expect("Statement list");
        assert!(!statements.is_empty());
        for statement in statements {
            assert_eq!(statement["Effect"], "Allow", "{}", path.display());
            assert!(statement.get("NotAction").is_none(), "{}", path.display());
            let actions: Vec<&str> = match &statement["Action"] {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                other => panic!("{}: Action is {other}", path.display()),
            };
            assert!(!actions.is_empty());
            for action in actions {
                assert!(
                    !action.contains('*')
                        || action.ends_with("List*")
                        || action.ends_with("Get*")
                        || action.ends_with("Describe*"),
                    "{}: wildcard {action}",
                    path.display()
                );
                assert!(
                    reads_only(action),
                    "{}: {action} is not a read",
                    path.display()
                );
            }
        }
        policies += 1;
    }
    assert!(policies >= 1, "no policy in docs/iam");
}

#[test]
fn the_check_refuses_writes() {
    for write in [
        "s3:PutObject",
        "kms:DisableKey",
        "s3:*",
        "iam:PassRole",
        "ec2:CreateSnapshot",
    ] {
        assert!(!reads_only(write), "{write}");
    }
    assert!(reads_only("s3:GetObject") && reads_only("kms:Decrypt"));
}
