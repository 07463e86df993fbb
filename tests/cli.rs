//! The command line through the real binary: exit codes, bad input, rule selection, outputs.

mod common;

use common::{atrest, atrest_env, copy_tree, root, rule_ids};

const LAB: &str = "samples/lab";

#[test]
fn lab_scan_fires_every_rule_family_and_exits_1() {
    let run = atrest(&["scan", LAB, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["errors"], 0, "{}", run.stderr);
    let ids = rule_ids(&report);
    for family in ["s3-", "kms-", "ebs-", "cloudtrail-", "event-"] {
        assert!(
            ids.iter().any(|id| id.starts_with(family)),
            "no {family} finding in {ids:?}"
        );
    }
    // The headline case: the root volume on the disabled key, naming key, state and instance.
    let volume = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["rule_id"] == "ebs-volume-key-unusable"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("vol-0e91f819ba4d4f253"))
        })
        .expect("the root volume is reported");
    let message = volume["message"].as_str().expect("message");
    for part in [
        "vol-0e91f819ba4d4f253",
        "b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd",
        "Disabled",
        "i-0af971c3c6aea78d2",
    ] {
        assert!(message.contains(part), "{message}");
    }
    let location = &volume["location"];
    assert_eq!(
        location["path"],
        "samples/lab/123456789012/us-east-1/ec2/describe-volumes.json"
    );
    assert!(location["line"].as_u64().expect("line") > 1);
    let related = volume["related"].as_array().expect("related");
    assert!(
        related.iter().any(|r| r["path"]
            .as_str()
            .is_some_and(|p| p.contains("describe-key--b938eca4"))),
        "the key's describe-key file is a related location: {related:?}"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let report = atrest(&["scan", LAB, "--format", "json", "--fail-on", "never"]);
    assert_eq!(report.code, 0);
    let severities: Vec<String> = report.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["severity"].as_str().expect("severity").to_owned())
        .collect();
    let rank = |s: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
            .expect("known")
    };
    let worst = severities.iter().map(|s| rank(s)).max().expect("findings");
    for (i, threshold) in ["info", "low", "medium", "high", "critical"]
        .iter()
        .enumerate()
    {
        let run = atrest(&["scan", LAB, "--format", "json", "--fail-on", threshold]);
        let expected = if worst >= i { 1 } else { 0 };
        assert_eq!(run.code, expected, "--fail-on {threshold}");
    }
    let bad = atrest(&["scan", LAB, "--fail-on", "sometimes"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("sometimes"), "{}", bad.stderr);
}

#[test]
fn unreadable_inputs_are_reported_and_the_rest_is_scanned() {
    let clean = atrest(&["scan", LAB, "--format", "json"]).json();
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join(LAB), dir.path());
    // Outside the layout: a file the layout names but atrest does not read is skipped unread.
    let broken_json = dir.path().join("extra/describe-images.json");
    std::fs::create_dir_all(dir.path().join("extra")).expect("mkdir");
    std::fs::write(
        &broken_json,
        "{\n  \"Images\": [\n    {\"ImageId\": \"ami-1\",,}\n  ]\n}\n",
    )
    .expect("write");
    let missing = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &missing).expect("symlink");
    let path = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["scan", &path, "--format", "json"]);
    assert_eq!(run.code, 2, "an unreadable input means exit 2");
    let report = run.json();
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        clean["findings"].as_array().map(Vec::len),
        "every finding of the readable files is still reported"
    );
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let broken = diagnostics
        .iter()
        .find(|d| {
            d["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("describe-images.json"))
        })
        .expect("the broken file is named");
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(3), Some(25))
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d["path"].as_str().is_some_and(|p| p.contains("dangling")))
    );
    assert!(
        run.stderr.contains("describe-images.json:3:25"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_inputs_get_clear_diagnostics_never_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p.to_string_lossy().into_owned()
    };
    let log = std::fs::read(
        root().join("samples/lab/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1405Z_GefHkzgehUzvpVvh.json.gz"),
    )
    .expect("lab log");
    let cases: Vec<(String, &str)> = vec![
        (
            write("truncated.json.gz", &log[..log.len() / 2]),
            "truncated gzip",
        ),
        (write("not-json.json", b"Records: none"), "not JSON"),
        (
            write("unknown.json", b"{\"Foo\": {\"Bar\": 1}}"),
            "unrecognised JSON",
        ),
        (
            write(
                "deep.json",
                format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)).as_bytes(),
            ),
            "recursion limit",
        ),
        (
            write(
                "cut.json",
                b"{\"Records\": [{\"eventName\": \"DisableKey\"}, {\"eventN",
            ),
            "ends early",
        ),
        (write("array.json", b"[1, 2, 3]"), "not CloudTrail records"),
        (
            write(
                "lines.jsonl",
                b"{\"eventVersion\":\"1.08\",\"eventName\":\"A\"}\nnot json\n",
            ),
            "JSON line 2",
        ),
    ];
    for (path, expected) in &cases {
        let run = atrest(&["scan", path]);
        assert_eq!(run.code, 2, "{path}: {}", run.stdout);
        assert!(
            run.stderr.contains(expected),
            "{path}: expected `{expected}` in:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // The records before the damage are still checked.
    let truncated = atrest(&["scan", &cases[0].0, "--format", "json"]);
    let events = truncated.json()["summary"]["events"]
        .as_u64()
        .expect("events");
    assert!(events > 0, "records before the truncation are read");
}

#[test]
fn custom_rules_from_a_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = r#"
id: team-gp2-volumes
title: Volume still on gp2
severity: low
applies_to: ebs_volume
description: Our platform standard is gp3.
remediation: aws ec2 modify-volume --volume-id {VolumeId} --volume-type gp3
message: "{VolumeId} is {VolumeType}"
detection:
  gp3:
    VolumeType: gp3
  condition: gp3
tests:
  - {name: gp3, input: {VolumeId: v, VolumeType: gp3}, expect: finding}
  - {name: io2, input: {VolumeId: v, VolumeType: io2}, expect: none}
"#;
    std::fs::write(dir.path().join("team.yml"), rule).expect("write");
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&[
        "scan", LAB, "--rules", &rules, "--only", "team-*", "--format", "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let ids = rule_ids(&run.json());
    assert!(
        !ids.is_empty() && ids.iter().all(|id| id == "team-gp2-volumes"),
        "{ids:?}"
    );

    let tested = atrest(&["rules", "test", &rules]);
    assert_eq!(tested.code, 0, "{}", tested.stdout);
    assert!(
        tested.stdout.contains("1 rules, 2 cases, 0 failed"),
        "{}",
        tested.stdout
    );

    // A rule with a typo in a field path fails to load, naming the file.
    std::fs::write(
        dir.path().join("typo.yml"),
        rule.replace("team-gp2", "team-typo").replace(
            "VolumeType: gp3\n  condition",
            "VolumeTyp: gp3\n  condition",
        ),
    )
    .expect("write");
    let run = atrest(&["scan", LAB, "--rules", &rules]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("typo.yml") && run.stderr.contains("VolumeTyp"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(dir.path().join("typo.yml")).expect("rm");

    // A YAML syntax error is reported with its position.
    std::fs::write(dir.path().join("broken.yml"), "id: x\ntitle: [unclosed\n").expect("write");
    let run = atrest(&["rules", "list", "--rules", &rules]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.yml:"), "{}", run.stderr);
    std::fs::remove_file(dir.path().join("broken.yml")).expect("rm");

    // A failing test case makes `rules test` exit 1.
    std::fs::write(
        dir.path().join("team.yml"),
        rule.replace("expect: none", "expect: finding"),
    )
    .expect("write");
    let tested = atrest(&["rules", "test", &rules]);
    assert_eq!(tested.code, 1, "{}", tested.stdout);
    assert!(
        tested.stdout.contains("FAIL  team-gp2-volumes :: io2"),
        "{}",
        tested.stdout
    );
}

#[test]
fn only_and_skip_select_rules() {
    let only = atrest(&[
        "scan",
        LAB,
        "--only",
        "ebs-volume-key-unusable",
        "--format",
        "json",
    ]);
    let ids = rule_ids(&only.json());
    assert!(!ids.is_empty() && ids.iter().all(|id| id == "ebs-volume-key-unusable"));
    let skip = atrest(&["scan", LAB, "--skip", "event-*", "--format", "json"]);
    let ids = rule_ids(&skip.json());
    assert!(!ids.is_empty() && ids.iter().all(|id| !id.starts_with("event-")));
    let unknown = atrest(&["scan", LAB, "--only", "no-such-rule"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no-such-rule"));
}

#[test]
fn output_file_and_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("report.sarif");
    let target_s = target.to_string_lossy().into_owned();
    let run = atrest(&["scan", LAB, "--format", "sarif", "--output", &target_s]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "the report goes to the file");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).expect("written")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");

    let text = atrest(&["scan", LAB]);
    assert!(
        !text.stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
    assert!(
        text.stdout
            .contains("samples/lab/123456789012/us-east-1/ec2/describe-volumes.json:")
    );
    let colored = atrest(&["scan", LAB, "--color", "always"]);
    assert!(colored.stdout.contains('\u{1b}'));
    let bad = atrest(&["scan", LAB, "--format", "xml"]);
    assert_eq!(bad.code, 2);
    let none = atrest(&["scan"]);
    assert_eq!(none.code, 2);
    let missing = atrest(&["scan", "no/such/dir"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no/such/dir"), "{}", missing.stderr);
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let one = atrest_env(
        &["scan", LAB, "--format", "json"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    let many = atrest_env(
        &["scan", LAB, "--format", "json"],
        &[("RAYON_NUM_THREADS", "8")],
    );
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn rules_list_explain_and_test() {
    let list = atrest(&["rules", "list"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.contains("ebs-volume-key-unusable"));
    let explain = atrest(&["rules", "explain", "ebs-volume-key-unusable"]);
    assert_eq!(explain.code, 0);
    assert!(
        explain.stdout.contains("aws kms enable-key"),
        "{}",
        explain.stdout
    );
    assert_eq!(atrest(&["rules", "explain", "nope"]).code, 2);
    let test = atrest(&["rules", "test"]);
    assert_eq!(test.code, 0, "{}", test.stdout);
    assert!(test.stdout.contains(" 0 failed"));
}

#[test]
fn inventory_prints_what_rules_see() {
    let run = atrest(&["inventory", LAB, "--kind", "ebs_volume"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // Three in us-east-1, one in the multi-Region key's replica Region.
    assert_eq!(docs.len(), 4);
    let root_volume = docs
        .iter()
        .find(|d| d["data"]["VolumeId"] == "vol-0e91f819ba4d4f253")
        .expect("root volume");
    assert_eq!(
        root_volume["links"]["KmsKey"],
        "arn:aws:kms:us-east-1:123456789012:key/b938eca4-2ccd-4f71-92fc-ce59b1e9f4fd"
    );
    assert_eq!(
        root_volume["links"]["Instance"],
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0af971c3c6aea78d2"
    );
}

/// Without the `aws` feature, what needs AWS says how to get it, and fails.
#[cfg(not(feature = "aws"))]
#[test]
fn live_access_needs_the_aws_feature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("export");
    let run = atrest(&["collect", "--out", &out.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--features aws"), "{}", run.stderr);
    assert!(!out.exists(), "nothing is written");
    for args in [
        &["scan", "s3://trail-logs/AWSLogs/"][..],
        &["scan", "--lookup", "--since", "2026-11-25"][..],
        &["activity", "s3://trail-logs"][..],
    ] {
        let run = atrest(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("--features aws"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: no report: {}", run.stdout);
    }
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = atrest(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in [
            "scan",
            "report",
            "activity",
            "collect",
            "framework",
            "baseline",
            "output-format",
        ] {
            assert!(run.stdout.contains(word), "{shell} completes {word}");
        }
    }
    let bash = atrest(&["completions", "bash"]).stdout;
    // The script is valid bash.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("atrest.bash");
    std::fs::write(&path, &bash).expect("write");
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(checked.success());
    assert_eq!(atrest(&["completions", "tcsh"]).code, 2);
}
