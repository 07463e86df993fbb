//! Export directories through the real binary: wrong shapes, the path deciding the call,
//! real exports that must read cleanly, and scans of nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, atrest, copy_tree, root};
use serde_json::Value;

const LAB: &str = "samples/lab";
const REGION: &str = "123456789012/us-east-1";

/// A copy of the lab to break.
fn lab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
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

fn diagnostics_of<'a>(report: &'a Value, file: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .collect()
}

fn count_of(report: &Value, rule: &str) -> usize {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .count()
}

#[test]
fn wrong_shapes_are_input_errors_naming_the_member() {
    let cases = [
        (
            "ec2/describe-volumes.json",
            "{\n    \"Volumes\": 5\n}\n",
            "`/Volumes` is a number, expected a list",
            Some((2, 5)),
        ),
        (
            "s3/get-bucket-encryption--imagebucket-4172093.json",
            "{\"ServerSideEncryptionConfiguration\": {\"Rules\": 5}}",
            "`/ServerSideEncryptionConfiguration/Rules` is a number, expected a list",
            Some((1, 40)),
        ),
        (
            "cloudtrail/describe-trails.json",
            "{\"trailList\": {}}",
            "`/trailList` is an object, expected a list",
            Some((1, 2)),
        ),
        (
            "ec2/describe-volumes.json",
            "null",
            "the output is null, not a JSON object",
            Some((1, 1)),
        ),
        (
            "kms/list-keys.json",
            "[{\"KeyId\": \"k\"}]",
            "the output is a list, not a JSON object",
            Some((1, 1)),
        ),
        (
            "ec2/describe-volumes.json",
            "{\"Volumes\": [{\"VolumeId\": \"vol-1\", \"Encrypted\": \"yes\"}, {\"Size\": 8}]}",
            "`/Volumes/0/Encrypted` is a string, expected a boolean",
            Some((1, 36)),
        ),
        (
            "ec2/describe-volumes.json",
            "",
            "empty file: `aws ec2 describe-volumes` always prints JSON",
            None,
        ),
    ];
    for (file, text, expected, position) in cases {
        let dir = lab_copy();
        write(dir.path(), &format!("{REGION}/{file}"), text);
        let (run, report) = scan_json(dir.path());
        assert_eq!(run.code, 2, "{file} with {text:?}: {}", run.stderr);
        let found = diagnostics_of(&report, file);
        let d = found
            .iter()
            .find(|d| d["message"].as_str().is_some_and(|m| m.contains(expected)))
            .unwrap_or_else(|| panic!("{file} {text:?}: no diagnostic `{expected}` in {found:#?}"));
        assert_eq!(d["level"], "error");
        if let Some((line, column)) = position {
            assert_eq!(
                (d["line"].as_u64(), d["column"].as_u64()),
                (Some(line), Some(column)),
                "{file} {text:?}"
            );
        }
        assert!(run.stderr.contains(expected), "{}", run.stderr);
    }
}

#[test]
fn a_missing_member_is_named_too() {
    let dir = lab_copy();
    write(
        dir.path(),
        &format!("{REGION}/ec2/describe-volumes.json"),
        "{\"Volumes\": [{\"VolumeId\": \"vol-1\"}, {\"Size\": 8}]}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2);
    let d = diagnostics_of(&report, "describe-volumes.json");
    assert!(
        d.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("`/Volumes/1/VolumeId` is missing"))),
        "{d:#?}"
    );
    // No volume of the broken file is in the report.
    let volumes = report["summary"]["resources"].as_u64().expect("resources");
    let clean = atrest(&["scan", LAB, "--format", "json"]).json();
    assert!(volumes < clean["summary"]["resources"].as_u64().expect("resources"));
}

#[test]
fn in_the_layout_the_path_decides_the_call() {
    // A CloudTrail log where describe-volumes belongs: not a log, and no volume.
    let dir = lab_copy();
    write(
        dir.path(),
        &format!("{REGION}/ec2/describe-volumes.json"),
        "{\"Records\": [{\"eventVersion\": \"1.08\", \"eventName\": \"DisableKey\", \"eventSource\": \"kms.amazonaws.com\", \"eventTime\": \"2026-11-20T14:00:00Z\", \"eventID\": \"e1\", \"awsRegion\": \"us-east-1\", \"userIdentity\": {\"type\": \"Root\"}, \"requestParameters\": {\"keyId\": \"k\"}}]}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2);
    let clean = atrest(&["scan", LAB, "--format", "json"]).json();
    assert_eq!(report["summary"]["events"], clean["summary"]["events"]);
    assert!(
        diagnostics_of(&report, "describe-volumes.json")
            .iter()
            .any(|d| d["message"]
                .as_str()
                .is_some_and(|m| m.contains("`/Volumes` is missing")))
    );

    // Volumes where list-keys belongs: an error, not a volume that does not exist.
    let dir = lab_copy();
    write(
        dir.path(),
        &format!("{REGION}/kms/list-keys.json"),
        "{\"Volumes\": [{\"VolumeId\": \"vol-0ghost\", \"Encrypted\": false}]}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2);
    let text = report.to_string();
    assert!(!text.contains("vol-0ghost"), "a volume was invented");
    assert!(diagnostics_of(&report, "list-keys.json").iter().any(|d| {
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("`/Keys` is missing"))
    }));
}

#[test]
fn shadow_trails_read_from_their_home_region() {
    let dir = lab_copy();
    let home = std::fs::read_to_string(
        dir.path()
            .join(REGION)
            .join("cloudtrail/describe-trails.json"),
    )
    .expect("describe-trails");
    let trails: Value = serde_json::from_str(&home).expect("json");
    let name = trails["trailList"][0]["Name"]
        .as_str()
        .expect("name")
        .to_owned();
    assert_eq!(trails["trailList"][0]["HomeRegion"], "us-east-1");
    // The same trail listed in another region, and the calls by name that fail there.
    let other = "123456789012/eu-west-1/cloudtrail";
    write(dir.path(), &format!("{other}/describe-trails.json"), &home);
    for (api, operation) in [
        ("get-trail-status", "GetTrailStatus"),
        ("get-event-selectors", "GetEventSelectors"),
    ] {
        write(
            dir.path(),
            &format!("{other}/{api}--{name}.error.json"),
            &format!(
                "{{\"exit_code\": 254, \"error_code\": \"TrailNotFoundException\", \"stderr\": \"\\nAn error occurred (TrailNotFoundException) when calling the {operation} operation: Unknown trail: {name} for the user: 123456789012\\n\"}}"
            ),
        );
    }
    let (run, report) = scan_json(dir.path());
    let clean = atrest(&["scan", LAB, "--format", "json"]).json();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(report["summary"]["errors"], 0, "{}", run.stderr);
    assert_eq!(
        report["summary"]["resources"],
        clean["summary"]["resources"]
    );
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        clean["findings"].as_array().map(Vec::len)
    );
}

#[test]
fn a_failed_call_without_an_error_code_is_a_failed_call() {
    let dir = lab_copy();
    let file = format!("{REGION}/ec2/get-ebs-default-kms-key-id");
    std::fs::remove_file(dir.path().join(format!("{file}.json"))).expect("rm");
    write(
        dir.path(),
        &format!("{file}.error.json"),
        "{\"exit_code\": 255, \"error_code\": null, \"stderr\": \"\\n<html><head><title>500 Internal Server Error</title></head></html>\\n\"}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2);
    let d = diagnostics_of(&report, "get-ebs-default-kms-key-id.error.json");
    assert_eq!(
        d.first().and_then(|d| d["message"].as_str()),
        Some(
            "the call `ec2 get-ebs-default-kms-key-id` failed: <html><head><title>500 Internal Server Error</title></head></html>"
        )
    );
    assert!(!run.stderr.contains("must hold"), "{}", run.stderr);
}

#[test]
fn calls_and_services_atrest_does_not_read_are_skipped_with_a_warning() {
    let dir = lab_copy();
    write(
        dir.path(),
        &format!("{REGION}/route53/list-hosted-zones.json"),
        "{\"HostedZones\": []}",
    );
    write(
        dir.path(),
        &format!("{REGION}/s3/get-bucket-lifecycle-configuration--b.json"),
        "{\"Rules\": []}",
    );
    write(
        dir.path(),
        &format!("{REGION}/s3/get-bucket-logging--b.error.json"),
        "{\"exit_code\": 254, \"error_code\": \"AccessDenied\", \"stderr\": \"denied\"}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(report["summary"]["errors"], 0);
    for file in [
        "list-hosted-zones.json",
        "get-bucket-lifecycle-configuration--b.json",
        "get-bucket-logging--b.error.json",
    ] {
        let d = diagnostics_of(&report, file);
        assert_eq!(d.len(), 1, "{file}: {d:#?}");
        assert_eq!(d[0]["level"], "warning");
        assert!(
            d[0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("skipped: atrest does not read"))
        );
    }
    assert!(
        run.stderr.contains("aws route53 list-hosted-zones"),
        "{}",
        run.stderr
    );
}

#[test]
fn aws_managed_keys_need_no_describe_key() {
    let dir = lab_copy();
    let kms = dir.path().join(REGION).join("kms");
    let aliases: Value = serde_json::from_str(
        &std::fs::read_to_string(kms.join("list-aliases.json")).expect("aliases"),
    )
    .expect("json");
    let ebs_key = aliases["Aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .find(|a| a["AliasName"] == "alias/aws/ebs")
        .and_then(|a| a["TargetKeyId"].as_str())
        .expect("aws/ebs")
        .to_owned();
    let mut removed = 0;
    for entry in std::fs::read_dir(&kms).expect("kms") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().contains(&ebs_key) {
            std::fs::remove_file(path).expect("rm");
            removed += 1;
        }
    }
    assert!(removed >= 1);
    let (run, report) = scan_json(dir.path());
    assert_eq!(report["summary"]["errors"], 0, "{}", run.stderr);
    assert_eq!(count_of(&report, "ebs-volume-aws-managed-key"), 1);
    // Nothing claims the key is missing or unusable.
    let clean = atrest(&["scan", LAB, "--format", "json"]).json();
    for rule in ["ebs-volume-key-unusable", "ebs-snapshot-key-unusable"] {
        assert_eq!(count_of(&report, rule), count_of(&clean, rule), "{rule}");
    }
}

#[test]
fn a_scan_of_nothing_is_not_a_pass() {
    let empty = tempfile::tempdir().expect("tempdir");
    let run = atrest(&["scan", &empty.path().to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("no input files"), "{}", run.stderr);

    // Files, but none atrest recognises: an empty file and a call it does not read.
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "notes.json", "");
    write(
        dir.path(),
        "123456789012/us-east-1/route53/list-hosted-zones.json",
        "{}",
    );
    let run = atrest(&["scan", &dir.path().to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing to check: none of the 2 files"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_a_scan_quietly_with_its_exit_code() {
    // The SARIF report of the lab is larger than a pipe holds.
    let (code, stderr) = common::with_closed_stdout(&["scan", LAB, "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn parse_errors_count_columns_in_characters() {
    let dir = lab_copy();
    let file = "ec2/describe-volumes.json";
    write(
        dir.path(),
        &format!("{REGION}/{file}"),
        "{\"Volumes\": [{\"VolumeId\": \"vol-éé\", x}]}",
    );
    let (run, report) = scan_json(dir.path());
    assert_eq!(run.code, 2);
    let d = diagnostics_of(&report, file);
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(1), Some(37)),
        "{d:#?}"
    );
}

#[test]
fn an_unrecognised_file_is_never_echoed_beyond_a_short_escaped_prefix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = format!("\u{1b}[31m{}", "A".repeat(5000));
    let doc = serde_json::json!({ key: "x", "Other": "y".repeat(5000) });
    write(dir.path(), "notes/unknown.json", &doc.to_string());
    let run = atrest(&["scan", &dir.path().to_string_lossy()]);
    assert_eq!(run.code, 2);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("unrecognised JSON"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(!line.contains('\u{1b}'), "{line}");
    assert!(line.contains("\\e[31m"), "{line}");
    assert!(line.len() < 400, "{} bytes: {line}", line.len());
    assert!(!run.stderr.contains("yyyy"), "a value was echoed");
}

#[test]
fn insight_selectors_are_read_and_insights_off_is_an_answer() {
    let dir = lab_copy();
    let trails = format!("{REGION}/cloudtrail");
    let trail = |run: &Run| -> Value {
        run.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|r| r["kind"] == "cloudtrail_trail")
            .expect("the trail")
    };
    write(
        dir.path(),
        &format!("{trails}/get-insight-selectors--lab-trail.json"),
        "{\"TrailARN\": \"arn:aws:cloudtrail:us-east-1:123456789012:trail/lab-trail\", \"InsightSelectors\": [{\"InsightType\": \"ApiCallRateInsight\"}]}",
    );
    let path = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["inventory", &path, "--kind", "cloudtrail_trail"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = trail(&run);
    assert_eq!(
        doc["data"]["InsightSelectors"][0]["InsightType"], "ApiCallRateInsight",
        "{doc}"
    );

    // Insights off: CloudTrail answers with an error that is the answer.
    std::fs::remove_file(
        dir.path()
            .join(format!("{trails}/get-insight-selectors--lab-trail.json")),
    )
    .expect("rm");
    write(
        dir.path(),
        &format!("{trails}/get-insight-selectors--lab-trail.error.json"),
        "{\"exit_code\": 254, \"error_code\": \"InsightNotEnabledException\", \"stderr\": \"\\nAn error occurred (InsightNotEnabledException) when calling the GetInsightSelectors operation: Trail lab-trail does not have Insights enabled\\n\"}",
    );
    let run = atrest(&["inventory", &path, "--kind", "cloudtrail_trail"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        trail(&run)["data"]["InsightSelectors"],
        serde_json::json!([])
    );
    let (scan, report) = scan_json(dir.path());
    assert_eq!(report["summary"]["errors"], 0, "{}", scan.stderr);
}
