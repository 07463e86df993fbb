//! The GitHub Actions workflow of docs/github-actions/atrest.yml, run step by step on this
//! machine as a runner would run it: `run:` steps through `bash -eo pipefail`, with
//! `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files, step outputs substituted into later
//! steps, the built binary first on `PATH`; the install step (cargo install) and the
//! `uses:` actions (checkout, upload-sarif) are what a runner provides and are skipped.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Ran {
    /// The exit code of each step run, by id or name.
    codes: BTreeMap<String, i32>,
    summary: String,
    annotations: String,
}

fn run_workflow(export: &Path, work: &Path) -> Ran {
    let text = std::fs::read_to_string(common::root().join("docs/github-actions/atrest.yml"))
        .expect("workflow");
    let workflow: Value = serde_saphyr::from_str(&text).expect("the workflow is YAML");
    let job = &workflow["jobs"]["audit"];
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_atrest"), bin.join("atrest")).expect("link");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = work.join("github_output");
    let summary = work.join("step_summary");
    std::fs::write(&output, "").expect("write");
    std::fs::write(&summary, "").expect("write");
    let mut env: Vec<(String, String)> = job["env"]
        .as_object()
        .expect("job env")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    for (k, v) in &mut env {
        if k == "EXPORT" {
            *v = export.to_string_lossy().into_owned();
        }
    }
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    let mut ran = Ran {
        codes: BTreeMap::new(),
        summary: String::new(),
        annotations: String::new(),
    };
    for step in job["steps"].as_array().expect("steps") {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let id = step["id"]
            .as_str()
            .or(step["name"].as_str())
            .unwrap_or("?")
            .to_owned();
        if id == "install" {
            continue;
        }
        // `${{ steps.<id>.outputs.<name> }}`, the only expression the workflow uses.
        let mut script = script.to_owned();
        for (key, value) in &outputs {
            script = script.replace(&format!("${{{{ steps.{key} }}}}"), value);
        }
        assert!(
            !script.contains("${{"),
            "an expression the harness does not know: {script}"
        );
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(work)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("bash runs");
        if id == "scan" {
            ran.annotations = String::from_utf8_lossy(&out.stdout).into_owned();
        }
        ran.codes
            .insert(id.clone(), out.status.code().unwrap_or(-1));
        for line in std::fs::read_to_string(&output).expect("outputs").lines() {
            if let Some((k, v)) = line.split_once('=') {
                outputs.insert(format!("{id}.outputs.{k}"), v.to_owned());
            }
        }
    }
    ran.summary = std::fs::read_to_string(&summary).expect("summary");
    ran
}

#[test]
fn the_workflow_annotates_uploads_summarises_and_gates() {
    let work = tempfile::tempdir().expect("tempdir");
    let lab = common::root().join("samples/lab");
    let ran = run_workflow(&lab, work.path());
    assert_eq!(
        ran.codes["scan"], 0,
        "the scan step records the exit code, it does not stop"
    );
    assert_eq!(ran.codes["Gate"], 1, "findings fail the job at the gate");
    assert!(
        ran.annotations
            .lines()
            .any(|l| l.starts_with("::error file=samples/lab/") || l.starts_with("::error file=")),
        "{}",
        ran.annotations
    );
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(work.path().join("atrest.sarif")).expect("SARIF written"),
    )
    .expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        ran.summary.starts_with(
            "# CIS Amazon Web Services Foundations Benchmark 4.0.1: compliance report"
        ),
        "{}",
        ran.summary
    );

    // With a baseline of today's findings committed, the same export passes the gate.
    let baseline = work.path().join(".atrest-baseline.json");
    let made = common::atrest(&[
        "scan",
        &lab.to_string_lossy(),
        "--write-baseline",
        &baseline.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(made.code, 1);
    let again = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&baseline, again.path().join(".atrest-baseline.json")).expect("copy");
    let ran = run_workflow(&lab, again.path());
    assert_eq!(ran.codes["Gate"], 0, "nothing new since the baseline");
    assert!(
        !ran.annotations.contains("::error"),
        "no annotation for known findings"
    );
}
