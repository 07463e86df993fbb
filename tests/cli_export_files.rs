//! EFS file systems, Secrets Manager secrets and SSM parameters through the real binary: the
//! lab's planted problems, wrong shapes named by file and position, time judged at `--as-of`,
//! and exports that hold metadata only.

mod common;

use std::path::Path;

use common::{Run, atrest, copy_tree, root};
use serde_json::Value;

const LAB: &str = "samples/lab";
const REGION: &str = "123456789012/us-east-1";

fn lab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    dir
}

fn scan_json(path: &Path, extra: &[&str]) -> (Run, Value) {
    let path = path.to_string_lossy();
    let mut args = vec!["scan", path.as_ref(), "--format", "json"];
    args.extend_from_slice(extra);
    let run = atrest(&args);
    let report = run.json();
    (run, report)
}

/// The subjects of a rule's findings.
fn subjects(report: &Value, rule: &str) -> Vec<String> {
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["resource"]["arn"].as_str().unwrap_or_default().to_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn the_lab_plants_one_problem_per_rule() {
    let (_, report) = scan_json(&root().join(LAB), &[]);
    let arn = |tail: &str| format!("arn:aws:{tail}");
    let cases = [
        (
            "efs-file-system-unencrypted",
            arn("elasticfilesystem:us-east-1:123456789012:file-system/fs-0b7e2c94d1a35f608"),
        ),
        (
            "efs-file-system-aws-managed-key",
            arn("elasticfilesystem:us-east-1:123456789012:file-system/fs-0e3c58b1a7d9f2046"),
        ),
        (
            "efs-file-system-key-unusable",
            arn("elasticfilesystem:us-east-1:123456789012:file-system/fs-09a6f1d4c2e7b8305"),
        ),
        (
            "secretsmanager-secret-aws-managed-key",
            arn("secretsmanager:us-east-1:123456789012:secret:lab/db/credentials-Hq3Zk9"),
        ),
        (
            "secretsmanager-secret-key-unusable",
            arn("secretsmanager:us-east-1:123456789012:secret:lab/app/partner-api-p0Xw2M"),
        ),
        (
            "ssm-parameter-aws-managed-key",
            arn("ssm:us-east-1:123456789012:parameter/lab/app/api-token"),
        ),
        (
            "ssm-parameter-key-unusable",
            arn("ssm:us-east-1:123456789012:parameter/lab/app/legacy-ldap-bind"),
        ),
        (
            "ssm-parameter-secret-name-unencrypted",
            arn("ssm:us-east-1:123456789012:parameter/lab/db/password"),
        ),
        (
            "ssm-parameter-expired",
            arn("ssm:us-east-1:123456789012:parameter/lab/app/cutover-credentials"),
        ),
    ];
    for (rule, subject) in cases {
        assert_eq!(subjects(&report, rule), [subject], "{rule}");
    }
}

/// The expired parameter's verdict is the same at any time after the lab's export, and
/// `--as-of` before its expiration clears it.
#[test]
fn expiration_is_judged_at_as_of() {
    let lab = root().join(LAB);
    let rule = "ssm-parameter-expired";
    for (as_of, fires) in [
        ("2026-11-14T23:59:59Z", false),
        ("2026-11-15T00:00:00Z", true),
        ("2026-11-20T14:27:00Z", true),
        ("2099-01-01T00:00:00Z", true),
    ] {
        let (run, report) = scan_json(&lab, &["--as-of", as_of]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(subjects(&report, rule).len(), usize::from(fires), "{as_of}");
    }
}

#[test]
fn wrong_shapes_are_input_errors_naming_the_member() {
    let cases = [
        (
            "efs/describe-file-systems.json",
            "{\n    \"FileSystems\": [{\"FileSystemId\": \"fs-1\", \"Encrypted\": \"no\"}]\n}\n",
            "`/FileSystems/0/Encrypted` is a string, expected a boolean",
            (2, 46),
        ),
        (
            "secretsmanager/list-secrets.json",
            "{\"SecretList\": [{\"Name\": \"x\"}]}",
            "`/SecretList/0/ARN` is missing",
            (1, 17),
        ),
        (
            "ssm/describe-parameters.json",
            "{\"Parameters\": [{\"Name\": \"/p\", \"Policies\": [{\"PolicyText\": {}}]}]}",
            "`/Parameters/0/Policies/0/PolicyText` is an object, expected a string",
            (1, 46),
        ),
        (
            "ssm/describe-parameters.json",
            "{\"Parameters\": {}}",
            "`/Parameters` is an object, expected a list",
            (1, 2),
        ),
    ];
    for (file, text, expected, (line, column)) in cases {
        let dir = lab_copy();
        let path = dir.path().join(REGION).join(file);
        std::fs::write(&path, text).expect("write");
        let (run, report) = scan_json(dir.path(), &[]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        let d = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| {
                d["path"].as_str().is_some_and(|p| p.ends_with(file))
                    && d["message"].as_str().is_some_and(|m| m.contains(expected))
            })
            .unwrap_or_else(|| panic!("{file}: no `{expected}` in {}", run.stderr));
        assert_eq!(d["level"], "error");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(line), Some(column)),
            "{file}"
        );
    }
}

/// A policy text that is not JSON is not an input error: the parameter is read, its
/// expiration is not judged.
#[test]
fn a_bad_policy_text_is_not_judged() {
    let dir = lab_copy();
    let path = dir.path().join(REGION).join("ssm/describe-parameters.json");
    let text = std::fs::read_to_string(&path).expect("read");
    let broken = text.replacen("{\\\"Type\\\":\\\"Expiration\\\"", "{\\\"Type\\\":", 1);
    assert_ne!(broken, text);
    std::fs::write(&path, broken).expect("write");
    let (run, report) = scan_json(dir.path(), &[]);
    assert_eq!(report["summary"]["errors"], 0, "{}", run.stderr);
    assert!(subjects(&report, "ssm-parameter-expired").is_empty());
    assert_eq!(subjects(&report, "ssm-parameter-aws-managed-key").len(), 1);
}

/// The export holds metadata only: no member that carries a secret's or a parameter's value.
#[test]
fn the_lab_export_holds_no_values() {
    let members: [(&str, &[&str]); 2] = [
        (
            "secretsmanager/list-secrets.json",
            &["\"SecretString\"", "\"SecretBinary\""],
        ),
        (
            "ssm/describe-parameters.json",
            &["\"Value\"", "\"Selector\""],
        ),
    ];
    for (file, members) in members {
        let text = std::fs::read_to_string(root().join(LAB).join(REGION).join(file)).expect("read");
        for member in members {
            assert!(!text.contains(member), "{file} holds {member}");
        }
    }
    // The export script makes no call that reads a value (its comments may name them).
    let script = std::fs::read_to_string(root().join("samples/export-account.sh")).expect("script");
    let code: Vec<&str> = script
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    assert!(code.iter().any(|l| l.contains("describe-parameters")));
    for call in [
        "get-secret-value",
        "batch-get-secret-value",
        "with-decryption",
        "get-parameter",
    ] {
        assert!(
            !code.iter().any(|l| l.contains(call)),
            "export-account.sh calls {call}"
        );
    }
}
