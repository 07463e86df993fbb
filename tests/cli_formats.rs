//! `--format concise`, `github` and `ocsf` through the real binary: exact lines, and text
//! from inputs (a file name and a principal with `%`, `::`, `,`, CR LF and an ANSI escape)
//! that can neither forge a line nor end a workflow command.

mod common;

use std::path::Path;

use common::atrest;
use serde_json::{Value, json};

const LAB: &str = "samples/lab";

fn lab(format: &str) -> String {
    let run = atrest(&["scan", LAB, "--format", format]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stdout
}

#[test]
fn concise_is_one_line_per_finding() {
    let out = lab("concise");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 106, "{out}");
    assert!(
        lines.contains(
            &"samples/lab/123456789012/us-east-1/ec2/describe-volumes.json:51:13: medium \
              ebs-volume-unencrypted EBS volume vol-07ac84538bda72190 (10 GiB, available, \
              attached to no instance) is not encrypted: its data and every snapshot taken \
              from it are stored in clear, readable by anyone who can attach it or restore \
              one of its snapshots, with no KMS key policy to refuse it and no Decrypt call \
              in CloudTrail."
        ),
        "{out}"
    );
    assert_eq!(lines.last(), Some(&"105 findings (0 suppressed)"));
}

#[test]
fn github_annotates_each_finding_at_its_level() {
    let out = lab("github");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 105);
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(
        (count("::error "), count("::warning "), count("::notice ")),
        (38, 48, 19),
        "critical and high, medium, low and info"
    );
    assert!(
        lines.contains(
            &"::warning file=samples/lab/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/\
              123456789012_CloudTrail_us-east-1_20261120T1405Z_GefHkzgehUzvpVvh.json.gz,\
              line=1,col=26485,endLine=1,endColumn=26517,\
              title=event-kms-key-rotation-disabled (medium)::\
              arn:aws:sts::123456789012:assumed-role/voclabs/user3890125=student disabled \
              automatic rotation of KMS key \
              arn:aws:kms:us-east-1:123456789012:key/e7755221-61d3-4995-bdc2-aec4872733df at \
              2026-11-20T14:03:31Z from 198.51.100.23: the key keeps its current key material \
              for every new data key from now on.%0ARemediation: aws kms enable-key-rotation \
              --key-id arn:aws:kms:us-east-1:123456789012:key/e7755221-61d3-4995-bdc2-aec4872733df \
              --region us-east-1"
        ),
        "{out}"
    );
    // A multi-line remediation stays one command.
    assert!(
        out.contains(
            "%0ARemediation: aws kms enable-key-rotation --key-id \
             arn:aws:kms:us-east-1:123456789012:key/e7755221-61d3-4995-bdc2-aec4872733df%0A\
             # optional: another period"
        ),
        "{out}"
    );
}

/// A `DisableKey` record by a principal whose ARN is hostile, in a file whose name is.
fn hostile(dir: &Path) -> String {
    let record = json!({
        "eventVersion": "1.11",
        "eventSource": "kms.amazonaws.com",
        "eventName": "DisableKey",
        "requestParameters": {"keyId": "arn:aws:kms:us-east-1:123456789012:key/k-1"},
        "eventTime": "2026-11-20T14:12:03Z",
        "eventID": "e-1",
        "awsRegion": "us-east-1",
        "recipientAccountId": "123456789012",
        "userIdentity": {"type": "AssumedRole", "arn": "100%\r\n::error::forged\u{1b}[2J, a:b"},
        "sourceIPAddress": "198.51.100.23",
    });
    let log = dir.join("a%,b::c\u{1b}[31m.json");
    std::fs::write(&log, json!({"Records": [record]}).to_string()).expect("write");
    dir.to_string_lossy().into_owned()
}

fn scan_hostile(format: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = hostile(dir.path());
    let run = atrest(&[
        "scan",
        &path,
        "--only",
        "event-kms-key-disabled",
        "--format",
        format,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for bad in ['\u{1b}', '\r'] {
        assert!(!run.stdout.contains(bad), "{format}: {:?}", run.stdout);
    }
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("::error::forged")),
        "{format}: a forged line:\n{}",
        run.stdout
    );
    (path, run.stdout)
}

#[test]
fn concise_escapes_text_from_inputs() {
    let (dir, out) = scan_hostile("concise");
    assert_eq!(
        out,
        format!(
            "{dir}/a%,b::c\\e[31m.json:1:54: high event-kms-key-disabled \
             100%\\r\\n::error::forged\\e[2J, a:b disabled KMS key \
             arn:aws:kms:us-east-1:123456789012:key/k-1 at 2026-11-20T14:12:03Z from \
             198.51.100.23.\n1 finding (0 suppressed)\n"
        )
    );
}

#[test]
fn github_commands_cannot_be_ended_by_text_from_inputs() {
    let (dir, out) = scan_hostile("github");
    let dir = dir.replace(':', "%3A").replace(',', "%2C");
    assert_eq!(
        out,
        format!(
            "::error file={dir}/a%25%2Cb%3A%3Ac\\e[31m.json,line=1,col=54,endLine=1,\
             endColumn=78,title=event-kms-key-disabled (high)::\
             100%25\\r\\n::error::forged\\e[2J, a:b disabled KMS key \
             arn:aws:kms:us-east-1:123456789012:key/k-1 at 2026-11-20T14:12:03Z from \
             198.51.100.23.%0ARemediation: If the change was not intended: aws kms enable-key \
             --key-id arn:aws:kms:us-east-1:123456789012:key/k-1\n"
        )
    );
}

#[test]
fn ocsf_is_json_lines_dated_at_the_scan() {
    let run = atrest(&[
        "scan",
        LAB,
        "--format",
        "ocsf",
        "--as-of",
        "2026-11-21T00:00:00Z",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect();
    assert_eq!(events.len(), 105);
    for e in &events {
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["type_uid"], 200401);
        assert_eq!(e["time"], 1_795_219_200_000_i64);
        assert_eq!(e["metadata"]["version"], "1.9.0-dev");
    }
    // Text from inputs stays as the JSON report has it.
    let (_, out) = scan_hostile("ocsf");
    let event: Value = serde_json::from_str(out.trim()).expect("one event");
    assert_eq!(
        event["message"],
        "100%\\r\\n::error::forged\\e[2J, a:b disabled KMS key \
         arn:aws:kms:us-east-1:123456789012:key/k-1 at 2026-11-20T14:12:03Z from 198.51.100.23."
    );
}
