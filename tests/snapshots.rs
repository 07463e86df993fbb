//! Snapshots of the three output formats on the bundled lab account, so that any change in
//! what a user sees shows in review (`cargo insta review`, or INSTA_UPDATE=always).

mod common;

use common::atrest;

fn lab(format: &str) -> String {
    let run = atrest(&["scan", "samples/lab", "--format", format]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stdout
}

#[test]
fn lab_text() {
    insta::assert_snapshot!(lab("text"));
}

#[test]
fn lab_json() {
    insta::assert_snapshot!(lab("json"));
}

#[test]
fn lab_sarif() {
    // The working directory, as SARIF's `%SRCROOT%`, is where the checkout is.
    let root = format!("file://{}/", common::root().display());
    let text = lab("sarif");
    assert!(text.contains(&root), "%SRCROOT% is the working directory");
    insta::assert_snapshot!(text.replace(&root, "file:///CHECKOUT/"));
}

/// The same account as an AWS Config snapshot: the resource findings Config can support.
#[test]
fn config_snapshot_json() {
    let run = atrest(&["scan", "samples/config", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}
