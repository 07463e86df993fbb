//! Rules as a newcomer meets them, through the real binary: load errors that point at the
//! line and column of what is wrong, test inputs checked against the resource kind, a
//! selection that leaves no rule, and a closed pipe.

mod common;

use std::path::Path;

use common::atrest;

const LAB: &str = "samples/lab";

/// Line numbers matter: the tests below expect errors at exact positions in this text.
const RULE: &str = r#"id: team-gp2
title: Volume still on gp2
severity: low
applies_to: ebs_volume
description: Our platform standard is gp3.
detection:
  gp2:
    VolumeType: gp2
    KmsKey.KeyState: Enabled
  condition: gp2
location: VolumeType
message: "{VolumeId} on {KmsKey.KeyId}"
remediation: aws ec2 modify-volume --volume-id {VolumeId} --volume-type gp3
tests:
  - name: gp2 volume
    input: {VolumeId: vol-1, VolumeType: gp2, KmsKey: {KeyState: Enabled}}
    expect: finding
  - name: gp3 volume
    input: {VolumeId: vol-2, VolumeType: gp3, Instance: [{InstanceType: t3.micro}]}
    expect: none
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// `RULE` with `from` replaced by `to` (which must occur), loaded by `rules test` and by
/// `scan --rules`: both exit 2 and print the same single error line, which is returned.
fn load_error(from: &str, to: &str) -> (String, String) {
    assert!(RULE.contains(from), "{from}");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "rule.yml", &RULE.replacen(from, to, 1));
    let rules = dir.path().to_string_lossy().into_owned();
    let tested = atrest(&["rules", "test", &rules]);
    assert_eq!(tested.code, 2, "{}{}", tested.stdout, tested.stderr);
    let lines: Vec<&str> = tested.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error, one line: {}", tested.stderr);
    let scanned = atrest(&["scan", LAB, "--rules", &rules]);
    assert_eq!(scanned.code, 2, "{}", scanned.stderr);
    assert_eq!(scanned.stderr, tested.stderr);
    (file, lines[0].to_owned())
}

#[test]
fn the_rule_used_below_loads_and_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "rule.yml", RULE);
    let rules = dir.path().to_string_lossy().into_owned();
    let tested = atrest(&["rules", "test", &rules]);
    assert_eq!(tested.code, 0, "{}{}", tested.stdout, tested.stderr);
    assert!(tested.stdout.contains("1 rules, 2 cases, 0 failed"));
    assert!(tested.stderr.is_empty(), "{}", tested.stderr);
}

#[test]
fn errors_in_values_point_at_the_value() {
    let (file, line) = load_error("severity: low", "severity: hgh");
    assert_eq!(
        line,
        format!("error: {file}:3:11: `hgh` is not a severity (info, low, medium, high, critical)")
    );
    let (file, line) = load_error("severity: low", "level: hgh");
    assert!(
        line.starts_with(&format!("error: {file}:3:8: `hgh`")),
        "{line}"
    );
    let (file, line) = load_error("applies_to: ebs_volume", "applies_to: ebs_volum");
    assert!(
        line.starts_with(&format!(
            "error: {file}:4:13: `applies_to: ebs_volum` is not one of cloudtrail, s3_bucket"
        )),
        "{line}"
    );
    let (file, line) = load_error("{KmsKey.KeyId}", "{KmsKey.KeyI}");
    assert_eq!(
        line,
        format!(
            "error: {file}:12:10: message: `KmsKey.KeyI`: KmsKey → `KeyI` is not a field of \
             kms_key; see docs/resources.md"
        )
    );
    let (file, line) = load_error("--volume-id {VolumeId}", "--volume-id {VolumeI}");
    assert!(
        line.starts_with(&format!("error: {file}:13:14: remediation: `VolumeI`:")),
        "{line}"
    );
    let (file, line) = load_error("location: VolumeType", "location: VolumeTyp");
    assert!(
        line.starts_with(&format!("error: {file}:11:11: location: `VolumeTyp`:")),
        "{line}"
    );
}

#[test]
fn detection_errors_point_at_the_key_or_value() {
    let (file, line) = load_error("KmsKey.KeyState: Enabled", "KmsKey.KeySate: Enabled");
    assert_eq!(
        line,
        format!(
            "error: {file}:9:5: detection: `KmsKey.KeySate`: KmsKey → `KeySate` is not a field \
             of kms_key; see docs/resources.md"
        )
    );
    // A name Sigma does not know is an error (a Sigma modifier atrest lacks is a warning:
    // tests/cli_sigma.rs).
    let (file, line) = load_error("VolumeType: gp2\n", "VolumeType|bas64: gp2\n");
    assert!(
        line.starts_with(&format!(
            "error: {file}:8:5: detection: selection `gp2`: `VolumeType|bas64`: unsupported \
             modifier `bas64`"
        )),
        "{line}"
    );
    // A bad value is pointed at, not its key; the regex crate's multi-line message is one line.
    let (file, line) = load_error("VolumeType: gp2\n", "VolumeType|re: \"((\"\n");
    assert_eq!(
        line,
        format!(
            "error: {file}:8:20: detection: selection `gp2`: `VolumeType|re`: invalid regular \
             expression `((`: unclosed group"
        )
    );
    let (file, line) = load_error("condition: gp2", "condition: gp2 and nope");
    assert!(
        line.starts_with(&format!("error: {file}:10:14: detection: ")) && line.contains("nope"),
        "{line}"
    );
}

#[test]
fn yaml_errors_carry_their_position_once() {
    let (file, line) = load_error("title: Volume still on gp2", "title: [unclosed");
    assert!(line.starts_with(&format!("error: {file}:2:")), "{line}");
    let (file, line) = load_error("severity: low", "severty: low");
    assert!(
        line.starts_with(&format!("error: {file}:3:1: unknown field `severty`")),
        "{line}"
    );
    let (file, line) = load_error("expect: none", "expect: maybe");
    assert!(
        line.starts_with(&format!("error: {file}:20:13: unknown variant `maybe`")),
        "{line}"
    );
    let (file, line) = load_error("title: Volume", "title: A\ntitle: Volume");
    assert_eq!(
        line,
        format!("error: {file}:3:1: duplicate mapping key: title")
    );
    for (_, line) in [
        load_error("title: Volume still on gp2", "title: [unclosed"),
        load_error("expect: none", "expect: maybe"),
    ] {
        let message = line.splitn(3, ": ").nth(2).unwrap_or_default();
        assert!(!message.contains("line"), "no second position: {line}");
    }
    // A key that is missing has no node: the error points at the top of the rule.
    let (file, line) = load_error("description: Our platform standard is gp3.\n", "");
    assert_eq!(
        line,
        format!("error: {file}:1:1: a rule needs a `description`")
    );
}

#[test]
fn a_duplicate_id_points_at_the_second_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = write(dir.path(), "a.yml", RULE);
    let second = write(dir.path(), "b.yml", RULE);
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["rules", "test", &rules]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        format!("error: {second}:1:5: rule id `team-gp2` is already used by {first}")
    );
}

#[test]
fn test_inputs_are_checked_against_the_kind() {
    // Through a link.
    let (file, line) = load_error("KmsKey: {KeyState: Enabled}", "KmsKey: {KeyStat: Enabled}");
    assert_eq!(
        line,
        format!(
            "error: {file}:15:5: test `gp2 volume`: input `KmsKey.KeyStat`: KmsKey → `KeyStat` \
             is not a field of kms_key; see docs/resources.md"
        )
    );
    // Into the elements of an array, then through a link.
    let (file, line) = load_error("InstanceType: t3.micro", "InstanceTyp: t3.micro");
    assert_eq!(
        line,
        format!(
            "error: {file}:18:5: test `gp3 volume`: input `Instance.InstanceTyp`: Instance → \
             `InstanceTyp` is not a field of ec2_instance; see docs/resources.md"
        )
    );
    // A field of the kind itself, in a case written on one line.
    let (file, line) = load_error(
        "  - name: gp3 volume\n    input: {VolumeId: vol-2, VolumeType: gp3,",
        "  - {name: gp3 volume, expect: none, input: {VolumeId: vol-2, VolumeTyp: gp3}}\n  - name: x\n    input: {VolumeId: vol-2, VolumeType: gp3,",
    );
    assert!(
        line.starts_with(&format!(
            "error: {file}:18:5: test `gp3 volume`: input `VolumeTyp`: `VolumeTyp` is not a \
             field of ebs_volume; see docs/resources.md"
        )),
        "{line}"
    );
}

#[test]
fn event_inputs_are_not_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = r#"id: team-any-event
title: Any DisableKey
severity: low
applies_to: cloudtrail
description: Every DisableKey call, for a test of the rules command.
detection:
  sel:
    eventName: DisableKey
  condition: sel
message: "{eventName}"
remediation: aws kms enable-key --key-id {requestParameters.keyId}
tests:
  - {name: disable, input: {eventName: DisableKey, anyField: {nested: 1}}, expect: finding}
  - {name: enable, input: {eventName: EnableKey, whatever: [1]}, expect: none}
"#;
    write(dir.path(), "event.yml", rule);
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["rules", "test", &rules]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_selection_that_leaves_no_rule_is_an_error() {
    let run = atrest(&["scan", LAB, "--skip", "*"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let loaded = atrest(&["rules", "list", "--json"]).json();
    let loaded = loaded.as_array().expect("a list").len();
    assert_eq!(
        run.stderr.trim_end(),
        format!("error: --skip `*` leaves no rule to run (of {loaded} loaded)")
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = atrest(&["scan", LAB, "--only", "s3-*", "--skip", "s3-*"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--only `s3-*` --skip `s3-*` leaves no rule to run"),
        "{}",
        run.stderr
    );
    let run = atrest(&["scan", LAB, "--only", "nosuchrule"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`nosuchrule`"), "{}", run.stderr);
}

#[test]
fn a_rules_dir_without_rules_is_an_error_without_builtin_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "README.md", "not a rule");
    let rules = dir.path().to_string_lossy().into_owned();
    let run = atrest(&["scan", LAB, "--no-builtin-rules", "--rules", &rules]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr.trim_end(),
        format!("error: no rules loaded: {rules} holds no .yml/.yaml rule")
    );
    let run = atrest(&["scan", LAB, "--no-builtin-rules"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no rules loaded"), "{}", run.stderr);
    let run = atrest(&["rules", "test", &rules]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("holds no .yml/.yaml rule"),
        "{}",
        run.stderr
    );
    // With the built-in rules, the same directory adds nothing and is no error.
    let run = atrest(&["rules", "list", "--rules", &rules]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_closed_pipe_ends_rules_list_explain_and_test_quietly() {
    // More output than a pipe holds (64 KiB), so that a write fails however late the
    // reader goes: long titles and case names for `list` and `test`, one long description
    // for `explain`.
    let dir = tempfile::tempdir().expect("tempdir");
    let long_title = format!("Volume still on gp2, {}", "a long title ".repeat(20));
    let long_case = format!("gp2 volume, {}", "a long case name ".repeat(20));
    for i in 0..400 {
        let rule = RULE
            .replace("team-gp2", &format!("team-gp2-{i}"))
            .replace("Volume still on gp2", &long_title)
            .replace("name: gp2 volume", &format!("name: {long_case}"));
        write(dir.path(), &format!("rule-{i}.yml"), &rule);
    }
    let long_description = "A description long enough to fill the pipe. ".repeat(4000);
    write(
        dir.path(),
        "long.yml",
        &RULE
            .replace("team-gp2", "team-long")
            .replace("Our platform standard is gp3.", &long_description),
    );
    let rules = dir.path().to_string_lossy().into_owned();
    for args in [
        &["rules", "list"][..],
        &["rules", "list", "--rules", &rules],
        &["rules", "list", "--json", "--rules", &rules],
        &["rules", "explain", "ebs-volume-key-unusable"],
        &["rules", "explain", "team-long", "--rules", &rules],
        &["rules", "test", &rules],
    ] {
        let (code, stderr) = common::with_closed_stdout(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
    // `rules test` keeps its own exit code: a failing case still fails.
    write(
        dir.path(),
        "failing.yml",
        &RULE
            .replace("team-gp2", "team-failing")
            .replace("expect: none", "expect: finding"),
    );
    let (code, stderr) = common::with_closed_stdout(&["rules", "test", &rules]);
    assert_eq!((code, stderr.as_str()), (1, ""));
}

/// A rule nested past the loader's depth is refused with its position, on any thread's
/// stack (the loader used to need megabytes of stack for such a file).
#[test]
fn a_deeply_nested_rule_is_refused_with_its_position() {
    let deep = format!("{}1{}", "[".repeat(30), "]".repeat(30));
    let text = RULE.replace(
        "    VolumeType: gp2\n",
        &format!("    VolumeType: {deep}\n"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "deep.yml", &text);
    let run = atrest(&["rules", "test", &path]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{path}:8:")), "{}", run.stderr);
    assert!(
        run.stderr.contains("nests deeper than 24 levels"),
        "{}",
        run.stderr
    );
}
