//! DynamoDB, SQS and SNS exports through the real binary: wrong shapes name the member, calls
//! that were not exported decide nothing, error files that are answers add nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, atrest, copy_tree, root};
use serde_json::Value;

const REGION: &str = "123456789012/us-east-1";

fn lab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join("samples/lab"), dir.path());
    dir
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

fn scan_json(path: &Path) -> (Run, Value) {
    let run = atrest(&["scan", &path.to_string_lossy(), "--format", "json"]);
    let report = run.json();
    (run, report)
}

fn errors_of<'a>(report: &'a Value, file: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["level"] == "error" && d["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .collect()
}

fn subjects(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["resource"]["arn"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_lab_gives_one_finding_per_planted_problem() {
    let (run, report) = scan_json(&root().join("samples/lab"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let table = |n: &str| format!("arn:aws:dynamodb:us-east-1:123456789012:table/{n}");
    let queue = |n: &str| format!("arn:aws:sqs:us-east-1:123456789012:{n}");
    let topic = |n: &str| format!("arn:aws:sns:us-east-1:123456789012:{n}");
    for (rule, subject) in [
        ("dynamodb-table-aws-owned-key", table("lab-orders")),
        ("dynamodb-table-aws-managed-key", table("lab-carts")),
        ("dynamodb-table-key-unusable", table("lab-audit-log")),
        ("sqs-queue-aws-owned-key", queue("lab-jobs")),
        ("sqs-queue-aws-managed-key", queue("lab-events")),
        ("sqs-queue-unencrypted", queue("lab-scratch")),
        ("sqs-queue-key-unusable", queue("lab-archive-queue")),
        ("sns-topic-not-kms-encrypted", topic("lab-alerts")),
        ("sns-topic-aws-managed-key", topic("lab-deploys")),
        ("sns-topic-key-unusable", topic("lab-backup-notices")),
    ] {
        assert_eq!(subjects(&report, rule), [subject], "{rule}");
    }
    // The messages say which kind of key was found.
    let message = |rule: &str| {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule_id"] == rule)
            .and_then(|f| f["message"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(message("sqs-queue-aws-owned-key").contains("SSE-SQS, the AWS owned key"));
    assert!(message("sqs-queue-aws-managed-key").contains("the AWS managed key alias/aws/sqs"));
    assert!(message("dynamodb-table-aws-owned-key").contains("the AWS owned key"));
    assert!(
        message("dynamodb-table-aws-managed-key")
            .contains("the AWS managed key alias/aws/dynamodb")
    );
    // The table on the disabled key points at its key and at the key's state.
    let unusable = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "dynamodb-table-key-unusable")
        .expect("finding");
    assert!(
        unusable["location"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("dynamodb/describe-table--lab-audit-log.json")),
        "{unusable:#}"
    );
}

#[test]
fn wrong_shapes_are_input_errors_naming_the_member() {
    let cases = [
        (
            "sqs/get-queue-attributes--lab-jobs.json",
            "{\"Attributes\": {\"QueueArn\": \"arn:aws:sqs:us-east-1:123456789012:lab-jobs\", \"SqsManagedSseEnabled\": true}}",
            "`/Attributes/SqsManagedSseEnabled` is a boolean, expected a string",
        ),
        (
            "dynamodb/describe-table--lab-orders.json",
            "{\"Table\": {\"TableName\": \"lab-orders\", \"SSEDescription\": \"KMS\"}}",
            "`/Table/SSEDescription` is a string, expected an object",
        ),
        (
            "sns/list-topics.json",
            "{\"Topics\": [\"arn:aws:sns:us-east-1:123456789012:lab-alerts\"]}",
            "`/Topics/0` is a string, expected an object",
        ),
        (
            "sns/get-topic-attributes--lab-alerts.json",
            "{\"Attributes\": [\"TopicArn\"]}",
            "`/Attributes` is a list, expected an object",
        ),
        (
            "sqs/list-queues.json",
            "{\"QueueUrls\": [\"https://sqs.us-east-1.amazonaws.com/\"]}",
            "is not a queue URL",
        ),
        (
            "dynamodb/describe-table--lab-orders.json",
            "",
            "empty file: `aws dynamodb describe-table` always prints JSON",
        ),
    ];
    for (file, text, expected) in cases {
        let dir = lab_copy();
        write(dir.path(), &format!("{REGION}/{file}"), text);
        let (run, report) = scan_json(dir.path());
        assert_eq!(run.code, 2, "{file} with {text:?}: {}", run.stderr);
        let found = errors_of(&report, file);
        assert!(
            found
                .iter()
                .any(|d| d["message"].as_str().is_some_and(|m| m.contains(expected))),
            "{file} {text:?}: no error `{expected}` in {found:#?}"
        );
    }
}

#[test]
fn what_was_not_exported_decides_nothing() {
    let dir = lab_copy();
    let region = dir.path().join(REGION);
    for file in [
        "dynamodb/describe-table--lab-orders.json",
        "sqs/get-queue-attributes--lab-scratch.json",
        "sqs/get-queue-attributes--lab-jobs.json",
        "sns/get-topic-attributes--lab-alerts.json",
    ] {
        std::fs::remove_file(region.join(file)).expect("remove");
    }
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for rule in [
        "dynamodb-table-aws-owned-key",
        "sqs-queue-unencrypted",
        "sqs-queue-aws-owned-key",
        "sns-topic-not-kms-encrypted",
    ] {
        assert!(
            subjects(&report, rule).is_empty(),
            "{rule} fired on a resource only listed"
        );
    }
    // The listed resources are still in the inventory.
    let run = atrest(&["inventory", &dir.path().to_string_lossy()]);
    for arn in [
        "arn:aws:dynamodb:us-east-1:123456789012:table/lab-orders",
        "arn:aws:sqs:us-east-1:123456789012:lab-scratch",
        "arn:aws:sns:us-east-1:123456789012:lab-alerts",
    ] {
        assert!(run.stdout.contains(arn), "{arn} not in the inventory");
    }
}

#[test]
fn a_region_without_queues_prints_nothing() {
    let dir = lab_copy();
    let region = dir.path().join(REGION);
    write(&region, "sqs/list-queues.json", "");
    let (_, report) = scan_json(dir.path());
    assert!(errors_of(&report, "sqs/list-queues.json").is_empty());
}

#[test]
fn error_files_of_deleted_resources_add_nothing_and_others_fail() {
    let answers = [
        (
            "dynamodb/describe-table--gone",
            "ResourceNotFoundException",
            "DescribeTable",
        ),
        (
            "sqs/get-queue-attributes--gone",
            "AWS.SimpleQueueService.NonExistentQueue",
            "GetQueueAttributes",
        ),
        (
            "sqs/get-queue-attributes--gone2",
            "QueueDoesNotExist",
            "GetQueueAttributes",
        ),
        (
            "sns/get-topic-attributes--gone",
            "NotFound",
            "GetTopicAttributes",
        ),
    ];
    let error = |code: &str, op: &str| {
        format!(
            "{{\"exit_code\": 254, \"error_code\": \"{code}\", \"stderr\": \"\\nAn error occurred ({code}) when calling the {op} operation: gone\\n\"}}"
        )
    };
    let dir = lab_copy();
    for (stem, code, op) in answers {
        write(
            dir.path(),
            &format!("{REGION}/{stem}.error.json"),
            &error(code, op),
        );
    }
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (stem, _, _) in answers {
        assert!(
            errors_of(&report, &format!("{stem}.error.json")).is_empty(),
            "{stem}"
        );
    }
    let dir = lab_copy();
    let file = "sqs/get-queue-attributes--lab-jobs.error.json";
    std::fs::remove_file(
        dir.path()
            .join(REGION)
            .join("sqs/get-queue-attributes--lab-jobs.json"),
    )
    .expect("remove");
    write(
        dir.path(),
        &format!("{REGION}/{file}"),
        &error("AccessDenied", "GetQueueAttributes"),
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        errors_of(&report, file).iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("AccessDenied"))),
        "{report:#}"
    );
}

#[test]
fn attributes_outside_the_layout_must_name_their_queue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "get-queue-attributes.json",
        "{\"Attributes\": {\"SqsManagedSseEnabled\": \"false\"}}",
    );
    let (run, report) = scan_json(&path);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        errors_of(&report, "get-queue-attributes.json")
            .iter()
            .any(|d| d["message"]
                .as_str()
                .is_some_and(|m| m.contains("queue-name"))),
        "{report:#}"
    );
}
