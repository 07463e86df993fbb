//! The gate teams live with: governed exceptions (`atrest.yml`'s `ignore:` and
//! `atrest:ignore` tags) and baselines, through the real binary.

mod common;

use std::path::Path;

use common::atrest;
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

/// An export of three unencrypted volumes; `vol-3` carries an inline exception.
fn export(dir: &Path) -> String {
    let ec2 = dir.join(format!("{ACCOUNT}/us-east-1/ec2"));
    std::fs::create_dir_all(&ec2).expect("dirs");
    let volume = |id: &str, tags: Value| {
        json!({"VolumeId": id, "Size": 8, "State": "in-use", "AvailabilityZone": "us-east-1a",
               "CreateTime": "2026-10-01T00:00:00+00:00", "Encrypted": false, "Tags": tags})
    };
    let volumes = json!({"Volumes": [
        volume("vol-1", json!([])),
        volume("vol-2", json!([{"Key": "Name", "Value": "scratch"}])),
        volume("vol-3", json!([{"Key": "atrest:ignore", "Value": "ebs-volume-unencrypted:holds public data only"}])),
    ]});
    std::fs::write(
        ec2.join("describe-volumes.json"),
        serde_json::to_string_pretty(&volumes).expect("JSON"),
    )
    .expect("write");
    dir.to_string_lossy().into_owned()
}

fn arn(id: &str) -> String {
    format!("arn:aws:ec2:us-east-1:{ACCOUNT}:volume/{id}")
}

fn config(dir: &Path, text: &str) -> String {
    let path = dir.join("atrest.yml");
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

fn by_resource<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "ebs-volume-unencrypted" && f["resource"]["arn"] == arn(id))
        .unwrap_or_else(|| panic!("a finding on {id}: {report}"))
}

const ENTRY: &str = "ignore:\n  - rule: ebs-volume-unencrypted\n    resource: \"arn:aws:ec2:*:volume/vol-1\"\n    reason: scratch disk, wiped nightly\n    owner: ops@example.com\n    expires: 2027-03-31\n";

#[test]
fn an_entry_suppresses_without_hiding_and_the_gate_ignores_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let conf = config(dir.path(), ENTRY);
    let only = ["--only", "ebs-volume-unencrypted", "--as-of", "2026-12-01"];
    let run = atrest(
        &[
            &["scan", &data, "--config", &conf, "--format", "json"][..],
            &only,
        ]
        .concat(),
    );
    assert_eq!(run.code, 1, "vol-2 still fails: {}", run.stderr);
    let report = run.json();
    let one = by_resource(&report, "vol-1");
    assert_eq!(
        one["suppression"],
        json!({"kind": "config", "reason": "scratch disk, wiped nightly", "owner": "ops@example.com",
               "expires": "2027-03-31", "origin": format!("{}:2", common::display(&conf))})
    );
    let three = by_resource(&report, "vol-3");
    assert_eq!(three["suppression"]["kind"], "inline");
    assert_eq!(three["suppression"]["reason"], "holds public data only");
    assert!(by_resource(&report, "vol-2").get("suppression").is_none());
    assert_eq!(
        report["summary"]["findings"], 3,
        "suppressed findings stay in the report"
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["counted"], 1);

    // Once vol-2 is excepted too, nothing counts: exit 0, and text says how many it hides.
    let both = ENTRY
        .replace("vol-1\"", "vol-[12]\"")
        .replace("vol-[12]", "vol-?");
    let conf = config(dir.path(), &both);
    let run = atrest(&[&["scan", &data, "--config", &conf][..], &only].concat());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no findings, 3 suppressed"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("vol-1"),
        "a suppressed finding is not shown in text"
    );

    // SARIF: a `suppressions` entry with the justification.
    let run = atrest(
        &[
            &["scan", &data, "--config", &conf, "--format", "sarif"][..],
            &only,
        ]
        .concat(),
    );
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let s = &results
        .iter()
        .find(|r| r["properties"]["resource"] == arn("vol-1"))
        .expect("vol-1")["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert_eq!(s["justification"], "scratch disk, wiped nightly");
    let inline = &results
        .iter()
        .find(|r| r["properties"]["resource"] == arn("vol-3"))
        .expect("vol-3")["suppressions"][0];
    assert_eq!(inline["kind"], "inSource");
}

#[test]
fn expired_expiring_and_unused_entries_are_warned_about_at_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let text = format!(
        "{ENTRY}  - rule: ebs-volume-unencrypted\n    resource: \"{}\"\n    reason: r\n    owner: o\n    expires: 2026-11-30\n  - rule: kms-*\n    reason: r\n    owner: o\n    expires: 2026-12-10\n",
        arn("vol-2")
    );
    let conf = config(dir.path(), &text);
    let run = atrest(&[
        "scan",
        &data,
        "--config",
        &conf,
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "the expired entry no longer suppresses vol-2");
    let report = run.json();
    assert!(by_resource(&report, "vol-2").get("suppression").is_none());
    let shown = common::display(&conf);
    for (line, text) in [
        (
            7,
            format!(
                "the ignore entry `ebs-volume-unencrypted` on `{}` expired on 2026-11-30",
                arn("vol-2")
            ),
        ),
        (
            12,
            "the ignore entry `kms-*` expires on 2026-12-10 (in 9 days)".to_owned(),
        ),
        (12, "the ignore entry `kms-*` matched no finding".to_owned()),
    ] {
        let expected = format!("warning: {shown}:{line}:5: {text}");
        assert!(
            run.stderr.contains(&expected),
            "{expected}\nin:\n{}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains(":2:5: the ignore entry"),
        "the entry that matched and does not expire soon is not warned about:\n{}",
        run.stderr
    );
}

#[test]
fn a_config_error_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let conf = config(
        dir.path(),
        &ENTRY.replace("    owner: ops@example.com\n", ""),
    );
    let run = atrest(&["scan", &data, "--config", &conf]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "no report: {}", run.stdout);
    assert!(
        run.stderr.contains(&format!("error: {}:2:5: the ignore entry for ebs-volume-unencrypted on arn:aws:ec2:*:volume/vol-1 has no `owner`", common::display(&conf))),
        "{}",
        run.stderr
    );
    let run = atrest(&["scan", &data, "--config", "/nonexistent/atrest.yml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the configuration file"),
        "{}",
        run.stderr
    );
    let conf = config(dir.path(), "fail-on: severe\n");
    let run = atrest(&["scan", &data, "--config", &conf]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fail-on: `severe` is not one of"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_config_sets_defaults_that_flags_override() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let conf = config(
        dir.path(),
        "format: json\nfail-on: critical\nonly: [ebs-volume-unencrypted]\n",
    );
    let run = atrest(&["scan", &data, "--config", &conf]);
    assert_eq!(run.code, 0, "medium findings under fail-on critical");
    assert_eq!(
        run.json()["summary"]["findings"],
        3,
        "only the one rule ran"
    );
    let run = atrest(&[
        "scan",
        &data,
        "--config",
        &conf,
        "--fail-on",
        "low",
        "--format",
        "text",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("2 findings (2 medium), 1 suppressed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_baseline_counts_only_new_findings_and_lists_fixed_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let out = tempfile::tempdir().expect("tempdir");
    let baseline = out.path().join("baseline.json");
    let b = baseline.to_string_lossy().into_owned();
    let only = ["--only", "ebs-volume-unencrypted"];
    let run = atrest(
        &[
            &["scan", &data, "--write-baseline", &b, "--format", "json"][..],
            &only,
        ]
        .concat(),
    );
    assert_eq!(run.code, 1);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).expect("written")).expect("JSON");
    assert_eq!(written["atrest_baseline"], 1);
    assert_eq!(
        written["findings"].as_array().map(Vec::len),
        Some(2),
        "vol-3's suppressed finding is not in it"
    );

    // The same data: nothing new, exit 0.
    let run = atrest(
        &[
            &["scan", &data, "--baseline", &b, "--format", "json"][..],
            &only,
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(by_resource(&report, "vol-1")["baseline"], "unchanged");
    assert_eq!(report["summary"]["baseline"]["new"], 0);

    // vol-1 fixed, vol-4 new.
    let file = dir
        .path()
        .join(format!("{ACCOUNT}/us-east-1/ec2/describe-volumes.json"));
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("\"vol-1\"", "\"vol-4\"")).expect("write");
    let run = atrest(
        &[
            &["scan", &data, "--baseline", &b, "--format", "json"][..],
            &only,
        ]
        .concat(),
    );
    assert_eq!(run.code, 1, "a new finding fails the gate");
    let report = run.json();
    assert_eq!(by_resource(&report, "vol-4")["baseline"], "new");
    assert_eq!(by_resource(&report, "vol-2")["baseline"], "unchanged");
    let summary = &report["summary"]["baseline"];
    assert_eq!(
        (summary["new"].clone(), summary["unchanged"].clone()),
        (json!(1), json!(1))
    );
    assert!(
        by_resource(&report, "vol-3").get("baseline").is_none(),
        "a suppressed finding is governed by its exception"
    );
    assert_eq!(summary["absent"][0]["subject"], arn("vol-1"));
    assert_eq!(summary["absent"][0]["rule_id"], "ebs-volume-unencrypted");

    let run = atrest(
        &[
            &["scan", &data, "--baseline", &b, "--format", "sarif"][..],
            &only,
        ]
        .concat(),
    );
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap_or("-"))
        .collect();
    let mut sorted = states.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["-", "absent", "new", "unchanged"]);

    let run = atrest(&[&["scan", &data, "--baseline", &b][..], &only].concat());
    assert!(
        run.stdout.contains("1 unchanged since the baseline"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 fixed"), "{}", run.stdout);

    std::fs::write(&baseline, "{\"findings\": 3}").expect("write");
    let run = atrest(&[&["scan", &data, "--baseline", &b][..], &only].concat());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not an atrest baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn several_reports_from_one_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let out = tempfile::tempdir().expect("tempdir");
    let sarif = out.path().join("out.sarif");
    let json_out = out.path().join("out.json");
    let s = format!("sarif={}", sarif.display());
    let j = format!("json={}", json_out.display());
    let run = atrest(&[
        "scan",
        &data,
        "--output-format",
        &s,
        "--output-format",
        &j,
        "--output-format",
        "text",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("2 findings (2 medium), 1 suppressed"),
        "text on stdout: {}",
        run.stdout
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).expect("json")).expect("JSON");
    assert_eq!(
        report["summary"]["findings"],
        sarif["runs"][0]["results"].as_array().map_or(0, Vec::len)
    );
    let run = atrest(&["scan", &data, "--output-format", "yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`yaml` is not one of"),
        "{}",
        run.stderr
    );
}

#[test]
fn ci_log_formats_leave_out_what_is_excepted_or_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = export(dir.path());
    let conf = config(dir.path(), ENTRY);
    let only = ["--only", "ebs-volume-unencrypted", "--as-of", "2026-12-01"];
    let run = atrest(
        &[
            &["scan", &data, "--config", &conf, "--format", "github"][..],
            &only,
        ]
        .concat(),
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(lines.len(), 1, "only vol-2 is annotated: {}", run.stdout);
    assert!(lines[0].contains("vol-2"), "{}", lines[0]);
    let run = atrest(
        &[
            &["scan", &data, "--config", &conf, "--format", "concise"][..],
            &only,
        ]
        .concat(),
    );
    assert!(
        run.stdout.ends_with("3 findings (2 suppressed)\n"),
        "{}",
        run.stdout
    );
    let run = atrest(
        &[
            &["scan", &data, "--config", &conf, "--format", "ocsf"][..],
            &only,
        ]
        .concat(),
    );
    let statuses: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("OCSF line")["status"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, ["New", "Suppressed", "Suppressed"]);
}
