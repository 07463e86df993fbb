//! The SARIF log of the lab scan is valid against the official SARIF 2.1.0 schema (checked
//! with Python's `jsonschema` when it and `../shared/corpus` are present; CI installs it),
//! and follows the habits consumers rely on.

mod common;

use std::process::Command;

use common::{atrest, corpus, root};

#[test]
fn lab_sarif_is_valid_against_the_schema() {
    let run = atrest(&["scan", "samples/lab", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log = run.json();
    // Habits that hold whatever the schema says.
    let sarif_run = &log["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for result in sarif_run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["atrest/v1"].is_string());
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("samples/lab/"), "relative URIs: {uri}");
        // GitHub reads only this fingerprint: atrest's own, so alerts follow a finding.
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"],
            result["partialFingerprints"]["atrest/v1"]
        );
        if uri.ends_with(".gz") {
            // No line of decompressed text: the record is a logical location.
            assert!(physical.get("region").is_none(), "{result}");
            let logical = result["locations"][0]["logicalLocations"]
                .as_array()
                .expect("logical locations");
            assert!(
                logical.iter().any(|l| l["kind"] == "json-pointer"
                    && l["name"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("/Records/"))),
                "{result}"
            );
            continue;
        }
        assert!(physical["region"]["startLine"].as_u64().expect("1-based") >= 1);
        assert!(physical["region"]["startColumn"].as_u64().expect("1-based") >= 1);
    }
    assert_eq!(
        sarif_run["automationDetails"]["id"], "atrest/123456789012/",
        "one account: GitHub's category is per account"
    );
    let root_uri = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT%");
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with('/'),
        "{root_uri}"
    );
    assert_eq!(
        sarif_run["invocations"][0]["workingDirectory"]["uri"], root_uri,
        "the working directory is %SRCROOT%"
    );
    for rule in rules {
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }

    let Some(corpus) = corpus() else { return };
    let has_jsonschema = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lab.sarif");
    std::fs::write(&path, &run.stdout).expect("write");
    let out = Command::new("python3")
        .arg(root().join("tests/sarif/validate.py"))
        .arg(&path)
        .arg(corpus.join("sarif/sarif-schema-2.1.0.json"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Past GitHub's 25,000 results per run, atrest warns and offers one run per account.
#[test]
fn a_run_past_githubs_limit_is_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let records: Vec<serde_json::Value> = (0..25_001)
        .map(|i| {
            serde_json::json!({"eventVersion": "1.11", "eventSource": "kms.amazonaws.com", "eventName": "DisableKey",
                "eventTime": "2026-11-20T14:12:03Z", "eventID": format!("e-{i}"), "awsRegion": "us-east-1",
                "recipientAccountId": if i % 2 == 0 { "111111111111" } else { "222222222222" },
                "requestParameters": {"keyId": "k-1"}})
        })
        .collect();
    let log = dir.path().join("log.json");
    std::fs::write(
        &log,
        serde_json::to_vec(&serde_json::json!({"Records": records})).expect("JSON"),
    )
    .expect("write");
    let out = dir.path().join("out.sarif");
    let l = log.to_string_lossy().into_owned();
    let o = out.to_string_lossy().into_owned();
    let run = atrest(&[
        "scan",
        &l,
        "--only",
        "event-kms-key-disabled",
        "--format",
        "sarif",
        "--output",
        &o,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("holds 25001 results, more than the 25000 GitHub code scanning accepts in one run: write one run per account with --sarif-per-account"),
        "{}",
        run.stderr
    );
    let run = atrest(&[
        "scan",
        &l,
        "--only",
        "event-kms-key-disabled",
        "--format",
        "sarif",
        "--output",
        &o,
        "--sarif-per-account",
    ]);
    assert!(
        !run.stderr.contains("GitHub code scanning accepts"),
        "{}",
        run.stderr
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("JSON");
    let runs = log["runs"].as_array().expect("runs");
    let ids: Vec<&str> = runs
        .iter()
        .filter_map(|r| r["automationDetails"]["id"].as_str())
        .collect();
    assert_eq!(ids, ["atrest/111111111111/", "atrest/222222222222/"]);
    let counts: Vec<usize> = runs
        .iter()
        .map(|r| r["results"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts, [12_501, 12_500]);
}
