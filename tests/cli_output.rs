//! What atrest prints: never a raw control character or a secret, never a value of
//! megabytes, a report file replaced whole or not at all, diagnostics on stderr, right
//! positions. Through the real binary.

mod common;

use std::path::Path;

use common::{atrest, copy_tree, root};
use serde_json::{Value, json};

const LAB: &str = "samples/lab";
const VOLUMES: &str = "123456789012/us-east-1/ec2/describe-volumes.json";

/// A successful `DisableKey` record (the built-in `event-kms-key-disabled` fires on it), with
/// `fields` merged in.
fn disable_key(fields: Value) -> Value {
    let mut record = json!({
        "eventVersion": "1.11",
        "eventSource": "kms.amazonaws.com",
        "eventName": "DisableKey",
        "requestParameters": {"keyId": "arn:aws:kms:us-east-1:123456789012:key/k-1"},
        "eventTime": "2026-11-20T14:12:03Z",
        "eventID": "e-1",
        "awsRegion": "us-east-1",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/r/u"},
        "sourceIPAddress": "198.51.100.23",
    });
    if let (Some(r), Value::Object(extra)) = (record.as_object_mut(), fields) {
        r.extend(extra);
    }
    record
}

fn write_log(path: &Path, records: &[Value]) {
    let text = serde_json::to_string(&json!({ "Records": records })).expect("JSON");
    std::fs::write(path, text).expect("write");
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn assert_clean(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{202e}', '\u{9b}'] {
        assert!(
            !text.contains(bad),
            "{what} holds a raw {bad:?}:\n{}",
            text.escape_debug()
        );
    }
    assert!(
        !text.lines().any(|l| l.starts_with("error: forged")),
        "{what} has a forged line:\n{text}"
    );
}

#[test]
fn control_characters_from_inputs_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forged = dir.path().join("a\nerror: forged.json");
    // serde writes `\u001b`, `\u0007` and `\r` escaped in the file; atrest reads them back
    // as the characters themselves. U+202E (RIGHT-TO-LEFT OVERRIDE) is legal raw JSON.
    write_log(
        &forged,
        &[disable_key(json!({
            "userIdentity": {"type": "AssumedRole", "arn": "\u{1b}[2J\u{7}evil\r\nerror: forged"},
            "sourceIPAddress": "198.51.100.23\u{202e}\u{9b}6n",
            "awsRegion": "us-east-1\u{202e}",
        }))],
    );
    // A broken input whose bad line holds raw control bytes, under the same name.
    let sub = dir.path().join("broken");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(
        sub.join("a\nerror: forged.json"),
        b"{\"Records\": [\n  {\"eventName\": \"\x1b[2J\x07\r\"}\n]}\n",
    )
    .expect("write");
    let path = s(dir.path());
    for format in ["text", "json", "sarif"] {
        let run = atrest(&["scan", &path, "--format", format]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert_clean(&format!("{format} stdout"), &run.stdout);
        assert_clean(&format!("{format} stderr"), &run.stderr);
        assert!(
            run.stderr.contains("a\\nerror: forged.json:2:"),
            "{format}: the broken file is named, escaped:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("\\e[2J"), "{}", run.stderr);
    }
    let text = atrest(&["scan", &path]);
    assert!(
        text.stdout
            .contains("\\e[2J\\u{7}evil\\r\\nerror: forged disabled KMS key"),
        "the message shows the characters visibly:\n{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("a\\nerror: forged.json (cut):1:"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("us-east-1\\u{202e}"),
        "{}",
        text.stdout
    );
    let json = atrest(&["scan", &path, "--format", "json"]).json();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("broken/a\nerror: forged.json")),
        "JSON keeps the real path: {paths:?}"
    );
}

/// A rule that prints a session's credentials, and a record that carries them.
fn credentials_case(dir: &Path) -> (String, String) {
    let rules = dir.join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::fs::write(
        rules.join("assume.yml"),
        r#"
id: team-assume-role
title: A role was assumed
severity: low
applies_to: cloudtrail
description: Shows the credentials a role gave.
detection:
  assume:
    eventName: AssumeRole
  condition: assume
location: responseElements.credentials.sessionToken
message: "token {responseElements.credentials.sessionToken}, all {responseElements.credentials}, said {errorMessage}"
remediation: "revoke {responseElements.credentials.accessKeyId}"
tests:
  - {name: assumed, input: {eventName: AssumeRole}, expect: finding}
"#,
    )
    .expect("write");
    let log = dir.join("log.json");
    write_log(
        &log,
        &[json!({
            "eventVersion": "1.11",
            "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRole",
            "eventTime": "2026-11-20T14:12:03Z",
            "eventID": "e-2",
            "errorMessage": "retried with aws_secret_access_key = SECRETFROMTEXT1",
            "responseElements": {"credentials": {
                "accessKeyId": "ASIAEXAMPLEKEYID0001",
                "sessionToken": "IQoJSESSIONTOKENSECRET0001",
                "secretAccessKey": "wJalrSECRETACCESSKEY0001",
                "expiration": "Nov 20, 2026, 3:12:03 PM"
            }},
        })],
    );
    // A failed AWS CLI call whose stderr quotes a credential.
    let error = dir.join("123456789012/us-east-1/kms/get-key-policy--k-1.error.json");
    std::fs::create_dir_all(error.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &error,
        json!({"exit_code": 254, "error_code": "AccessDeniedException",
            "stderr": "\nAn error occurred: AWS_SESSION_TOKEN=IQoJSTDERRSECRET0001 is expired\n"})
        .to_string(),
    )
    .expect("write");
    (s(&rules), s(dir))
}

#[test]
fn secrets_are_redacted_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (rules, input) = credentials_case(dir.path());
    for format in ["text", "json", "sarif"] {
        let run = atrest(&[
            "scan", &input, "--rules", &rules, "--only", "team-*", "--format", format,
        ]);
        assert_eq!(run.code, 2, "{format}: {}{}", run.stdout, run.stderr);
        for out in [&run.stdout, &run.stderr] {
            for secret in [
                "SESSIONTOKENSECRET",
                "SECRETACCESSKEY0001",
                "SECRETFROMTEXT1",
                "STDERRSECRET",
            ] {
                assert!(!out.contains(secret), "{format} shows {secret}:\n{out}");
            }
        }
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("<redacted>"), "{format}:\n{all}");
        assert!(
            all.contains("ASIAEXAMPLEKEYID0001"),
            "{format}: access key ids stay:\n{all}"
        );
        assert!(
            run.stderr
                .contains("AWS_SESSION_TOKEN=<redacted> is expired"),
            "{format}: {}",
            run.stderr
        );
    }
    let json = atrest(&[
        "scan", &input, "--rules", &rules, "--only", "team-*", "--format", "json",
    ])
    .json();
    let f = &json["findings"][0];
    assert_eq!(
        f["message"],
        "token <redacted>, all {\"accessKeyId\":\"ASIAEXAMPLEKEYID0001\",\"expiration\":\"Nov 20, 2026, 3:12:03 PM\",\"secretAccessKey\":\"<redacted>\",\"sessionToken\":\"<redacted>\"}, said retried with aws_secret_access_key = <redacted>"
    );
    assert_eq!(
        f["location"]["note"],
        "responseElements.credentials.sessionToken is <redacted>"
    );
    let text = atrest(&["scan", &input, "--rules", &rules, "--only", "team-*"]);
    assert!(
        text.stdout
            .contains("\"sessionToken\":\"**************************\""),
        "the snippet masks the value in place:\n{}",
        text.stdout
    );
}

#[test]
fn very_long_values_are_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = "k".repeat(10 * 1024 * 1024);
    write_log(
        &dir.path().join("log.json"),
        &[disable_key(json!({"requestParameters": {"keyId": key}}))],
    );
    let short = tempfile::tempdir().expect("tempdir");
    write_log(&short.path().join("log.json"), &[disable_key(json!({}))]);
    let path = s(dir.path());
    for format in ["text", "json", "sarif"] {
        let run = atrest(&["scan", &path, "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        let usual = atrest(&["scan", &s(short.path()), "--format", format]);
        assert!(
            run.stdout.len() < usual.stdout.len() + 4 * 1024,
            "{format}: {} bytes of report, {} for a short key",
            run.stdout.len(),
            usual.stdout.len()
        );
        assert!(
            run.stdout.contains("kkk… (10485760 bytes)"),
            "{format}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_report_file_is_replaced_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("report.json");
    std::fs::write(&target, "the previous report").expect("write");
    let run = atrest(&["scan", LAB, "--format", "json", "--output", &s(&target)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value =
        serde_json::from_slice(&std::fs::read(&target).expect("written")).expect("JSON");
    assert_eq!(report["version"], 1);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.json"], "no temporary file is left behind");

    let nowhere = dir.path().join("no/such/dir/report.json");
    let run = atrest(&["scan", LAB, "--output", &s(&nowhere)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot write the report to"),
        "{}",
        run.stderr
    );
}

#[test]
fn diagnostics_go_to_stderr_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"Images\": [\n    {\"ImageId\": \"ami-1\",,}\n  ]\n}\n",
    )
    .expect("write");
    for format in ["text", "json", "sarif"] {
        let out = dir.path().join(format!("out.{format}"));
        let run = atrest(&[
            "scan",
            &s(&broken),
            "--format",
            format,
            "--output",
            &s(&out),
        ]);
        assert_eq!(run.code, 2, "{format}");
        assert!(run.stdout.is_empty(), "{format}: {}", run.stdout);
        assert!(
            run.stderr.contains("error: ")
                && run
                    .stderr
                    .contains("broken.json:3:25: JSON document: invalid JSON"),
            "{format}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("3 │     {\"ImageId\": \"ami-1\",,}\n                            ^\n"),
            "{format}: the line is shown with a caret under column 25:\n{}",
            run.stderr
        );
        assert_eq!(
            run.stderr.matches("broken.json:3:25").count(),
            1,
            "once: {}",
            run.stderr
        );
    }
    let text = std::fs::read_to_string(dir.path().join("out.text")).expect("written");
    assert!(
        text.trim_end()
            .ends_with("; 1 input could not be read (listed on stderr)"),
        "the text report counts it: {text}"
    );
    assert!(!text.contains("ImageId"), "{text}");
}

/// The `ebs-volume-key-unusable` finding's location in a copy of the lab whose
/// `describe-volumes.json` is rewritten by `edit`, and the text report.
fn volume_location(edit: impl Fn(&[u8]) -> Vec<u8>) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    let file = dir.path().join(VOLUMES);
    let text = std::fs::read(&file).expect("read");
    std::fs::write(&file, edit(&text)).expect("write");
    let path = s(dir.path());
    let args = ["scan", &path, "--only", "ebs-volume-key-unusable"];
    let json = atrest(&[&args[..], &["--format", "json"]].concat()).json();
    let finding = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(VOLUMES))
        })
        .cloned()
        .expect("a finding in describe-volumes.json");
    let mut location = finding["location"].clone();
    location["path"] = Value::Null;
    (location, atrest(&args).stdout)
}

#[test]
fn positions_survive_a_byte_order_mark_and_crlf() {
    let (plain, plain_text) = volume_location(<[u8]>::to_vec);
    assert_eq!(
        (plain["line"].as_u64(), plain["column"].as_u64()),
        (Some(28), Some(13))
    );
    let (bom, bom_text) = volume_location(|t| [b"\xEF\xBB\xBF".as_slice(), t].concat());
    assert_eq!(bom, plain, "a BOM moves nothing");
    let crlf = |t: &[u8]| {
        String::from_utf8_lossy(t)
            .replace('\n', "\r\n")
            .into_bytes()
    };
    let (crlf_loc, crlf_text) = volume_location(crlf);
    for key in ["line", "column", "end_line"] {
        assert_eq!(crlf_loc[key], plain[key], "{key}");
    }
    for text in [&plain_text, &bom_text, &crlf_text] {
        assert!(text.contains("describe-volumes.json:28:13]"), "{text}");
        assert!(
            text.contains("\n 28 │             \"KmsKeyId\": "),
            "{text}"
        );
        assert!(!text.contains('\r') && !text.contains("\\r"), "{text}");
        assert!(!text.contains('\u{feff}'), "{text}");
    }

    // A parse error at the start of a line is at column 1, BOM or not.
    let dir = tempfile::tempdir().expect("tempdir");
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, "{\n  \"Images\": []\n").expect("write");
    let bom_cut = dir.path().join("bom-cut.json");
    std::fs::write(&bom_cut, "\u{feff}{\"Images\": [],,}").expect("write");
    let run = atrest(&["scan", &s(dir.path()), "--format", "json"]);
    let diagnostics = run.json()["diagnostics"].clone();
    let at = |name: &str| {
        diagnostics
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|d| (d["line"].as_u64(), d["column"].as_u64()))
    };
    assert_eq!(at("/cut.json"), Some((Some(3), Some(1))), "{diagnostics}");
    assert_eq!(
        at("/bom-cut.json"),
        Some((Some(1), Some(15))),
        "{diagnostics}"
    );
    assert!(run.stderr.contains("cut.json:3:1: "), "{}", run.stderr);
    let sarif = atrest(&["scan", &s(&cut), "--format", "sarif"]);
    assert!(
        !sarif.stdout.contains("\"startColumn\": 0"),
        "{}",
        sarif.stdout
    );
}

#[test]
fn inventory_redacts_secrets_and_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    let file = dir.path().join(VOLUMES);
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("volumes")).expect("json");
    doc["Volumes"][0]["SessionToken"] = json!("FwoGZXIvYXdzEXAMPLEtoken");
    std::fs::write(&file, doc.to_string()).expect("write");
    let run = atrest(&["inventory", &s(dir.path()), "--kind", "ebs_volume"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"SessionToken\""), "{}", run.stdout);
    assert!(
        !run.stdout.contains("FwoGZXIvYXdzEXAMPLEtoken"),
        "{}",
        run.stdout
    );
    // `atrest inventory ... | head`: the listing ends, without an error.
    let (code, stderr) = common::with_closed_stdout(&["inventory", LAB]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // It reads inputs as `scan` does.
    let run = atrest(&["inventory", LAB, "--max-file-size", "1K"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--max-file-size"), "{}", run.stderr);
}

#[test]
fn rule_files_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = "id: team-bell\ntitle: \"Bell \\u0007 and \\e[2J clear\"\nseverity: low\napplies_to: ebs_volume\ndescription: A rule whose title holds control characters.\ndetection:\n  sel:\n    VolumeType: gp2\n  condition: sel\nmessage: x\nremediation: aws ec2 x\n";
    std::fs::write(dir.path().join("bell.yml"), rule).expect("write");
    for args in [
        vec!["rules", "list", "--rules", &s(dir.path())],
        vec!["rules", "explain", "team-bell", "--rules", &s(dir.path())],
        vec!["rules", "explain", "no\u{1b}[2Jsuch"],
    ] {
        let run = atrest(&args);
        assert_clean(&format!("{args:?}"), &run.stdout);
        assert_clean(&format!("{args:?}"), &run.stderr);
    }
    let run = atrest(&["rules", "list", "--rules", &s(dir.path())]);
    assert!(
        run.stdout.contains("Bell \\u{7} and \\e[2J clear"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_progress_bar_unless_stderr_is_a_terminal() {
    // stderr is a pipe here: with or without --quiet, it holds the diagnostics only.
    let plain = atrest(&["scan", LAB, "--format", "json"]);
    let quiet = atrest(&["scan", LAB, "--format", "json", "--quiet"]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert_eq!(quiet.code, 1, "{}", quiet.stderr);
    assert_eq!(plain.stderr, quiet.stderr);
    assert_eq!(plain.stdout, quiet.stdout);
    for bar in ["files", "ETA", "finding inputs", "\u{1b}["] {
        assert!(!plain.stderr.contains(bar), "{}", plain.stderr);
    }
    let activity = atrest(&["activity", LAB, "-q"]);
    assert_eq!(activity.code, 0, "{}", activity.stderr);
}
