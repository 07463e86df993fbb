//! `atrest scan --lookup` against a stand-in for CloudTrail's LookupEvents API
//! (tests/lookup/server.py; moto does not serve it): the events of the window, from every
//! region asked, give the findings the same records give from a file; each region is paged
//! through at most twice a second and a throttled request is retried; a region that fails
//! is reported and fails the scan; an empty answer is no pass.

#![cfg(feature = "aws")]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use atrest_gen::{LogSpec, generate_logs};
use serde_json::Value;

mod common;
use common::moto::{StandIn, atrest_against};

/// The stand-in LookupEvents server.
fn server(records: &Path, dir: &Path) -> StandIn {
    let records = records.to_string_lossy();
    StandIn::start(
        "tests/lookup/server.py",
        &[&records],
        dir.join("lookup.log"),
    )
}

/// `(status, region, seconds)` of each request, in the order answered.
fn requests(server: &StandIn) -> Vec<(u16, String, f64)> {
    server
        .lines()
        .iter()
        .filter_map(|line| {
            let mut parts = line.split(' ');
            let status = parts.next()?.parse().ok()?;
            let region = parts.next()?.to_owned();
            Some((status, region, parts.next()?.parse().ok()?))
        })
        .collect()
}

/// atrest against `endpoint`, with a JSON report.
fn atrest(endpoint: &str, args: &[&str], dir: &Path) -> (i32, Value, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    atrest_against(endpoint, dir, &all)
}

/// The generated archive's records, moved by whole days so that the newest is a day old
/// (LookupEvents holds 90 days), one per line: the file the server serves and the scan
/// reads locally.
fn recent_records(dir: &Path) -> (PathBuf, jiff::Timestamp, jiff::Timestamp) {
    let archive = dir.join("archive");
    let mut spec = LogSpec::new(2500);
    spec.incidents = 1;
    generate_logs(&spec, &archive).expect("generated");
    let mut records = Vec::new();
    for path in files(&archive) {
        if !path.to_string_lossy().ends_with(".json.gz")
            || path.to_string_lossy().contains("Digest")
        {
            continue;
        }
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open"))
            .read_to_string(&mut text)
            .expect("gzip");
        let log: Value = serde_json::from_str(&text).expect("a log");
        records.extend(log["Records"].as_array().expect("Records").iter().cloned());
    }
    let time = |r: &Value| -> jiff::Timestamp {
        r["eventTime"]
            .as_str()
            .expect("eventTime")
            .parse()
            .expect("a time")
    };
    let newest = records.iter().map(time).max().expect("records");
    let oldest = records.iter().map(time).min().expect("records");
    let now = jiff::Timestamp::now();
    let days = (now.as_second() - newest.as_second()) / 86_400 - 1;
    let shift = jiff::SignedDuration::from_hours(24 * days);
    let mut lines = String::new();
    for mut r in records {
        let moved = time(&r) + shift;
        r["eventTime"] = Value::String(moved.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        lines.push_str(&r.to_string());
        lines.push('\n');
    }
    let file = dir.join("records.jsonl");
    std::fs::write(&file, lines).expect("write");
    (file, oldest + shift, newest + shift)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Each finding as its rule and the event it is on, counted.
fn on_events(report: &Value) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let key = (
            f["rule_id"].as_str().unwrap_or_default().to_owned(),
            f["event"]["id"].as_str().unwrap_or_default().to_owned(),
        );
        *out.entry(key).or_default() += 1;
    }
    out
}

#[test]
fn lookup_events_scan_as_their_records_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (records, oldest, newest) = recent_records(dir.path());
    let server = server(&records, dir.path());
    let since = (oldest - jiff::SignedDuration::from_hours(1)).to_string();
    let until = (newest + jiff::SignedDuration::from_hours(1)).to_string();
    let window = ["--since", &since, "--until", &until];
    let regions = ["--region", "us-east-1", "--region", "eu-west-1"];

    let local = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(["scan", &records.to_string_lossy(), "--format", "json"])
        .args(window)
        .output()
        .expect("atrest runs");
    let local: Value = serde_json::from_slice(&local.stdout).expect("a report");
    let events = local["summary"]["events"].as_u64().expect("events");
    assert!(events > 2000, "{events}");
    assert!(on_events(&local).len() > 5, "{:?}", on_events(&local));

    let mut args = vec!["scan", "--lookup"];
    args.extend(window);
    args.extend(regions);
    let (code, report, stderr) = atrest(&server.endpoint, &args, dir.path());
    assert_eq!(code, 1, "findings and no input error: {stderr}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{stderr}");
    assert_eq!(report["summary"]["events"], events);
    assert_eq!(on_events(&report), on_events(&local));
    let place = report["findings"][0]["location"]["path"]
        .as_str()
        .unwrap_or("");
    assert!(place.starts_with("lookup://"), "{place}");

    // Every region paged through; successive pages of a region half a second apart at
    // least, and the first, throttled request of each retried.
    let requests = requests(&server);
    for region in ["us-east-1", "eu-west-1"] {
        let times: Vec<f64> = requests
            .iter()
            .filter(|(s, r, _)| *s == 200 && r == region)
            .map(|(_, _, t)| *t)
            .collect();
        assert!(times.len() >= 5, "{region}: {} pages", times.len());
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= 0.45, "{region}: {pair:?}");
        }
        let throttled = requests
            .iter()
            .filter(|(s, r, _)| *s == 400 && r == region)
            .count();
        assert_eq!(throttled, 1, "{region}");
    }
    assert!(
        requests
            .iter()
            .all(|(_, r, _)| r == "us-east-1" || r == "eu-west-1")
    );
}

#[test]
fn an_empty_or_failed_lookup_is_no_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (records, oldest, _) = recent_records(dir.path());
    let server = server(&records, dir.path());
    // A window before every record: the server answers, with nothing.
    let since = (oldest - jiff::SignedDuration::from_hours(48)).to_string();
    let until = (oldest - jiff::SignedDuration::from_hours(24)).to_string();
    let (code, report, stderr) = atrest(
        &server.endpoint,
        &[
            "scan",
            "--lookup",
            "--since",
            &since,
            "--until",
            &until,
            "--region",
            "us-east-1",
        ],
        dir.path(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("LookupEvents returned no event in us-east-1"),
        "{stderr}"
    );
    assert_eq!(report["summary"]["events"], 0);

    // A window reaching past CloudTrail's 90 days: what is there is read, and the scan
    // says what it could not be given.
    let (code, _, stderr) = atrest(
        &server.endpoint,
        &[
            "scan",
            "--lookup",
            "--since",
            "2020-01-01",
            "--until",
            &until,
            "--region",
            "us-east-1",
        ],
        dir.path(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("more than 90 days ago"), "{stderr}");

    // Without --since: refused before any request.
    let (code, _, stderr) = atrest(&server.endpoint, &["scan", "--lookup"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("--lookup needs --since"), "{stderr}");

    // Nothing listening: the region is reported, with the error.
    drop(server);
    let recent = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24)).to_string();
    let mut args = vec![
        "scan",
        "--lookup",
        "--since",
        &recent,
        "--region",
        "eu-west-1",
    ];
    args.extend(["--max-attempts", "1"]);
    let (code, report, stderr) = atrest("http://127.0.0.1:9", &args, dir.path());
    assert_eq!(code, 2, "{stderr}");
    let errors = report["diagnostics"].as_array().expect("diagnostics");
    assert!(
        errors.iter().any(|d| d["path"] == "lookup://eu-west-1"
            && d["message"]
                .as_str()
                .unwrap_or("")
                .contains("LookupEvents failed")),
        "{errors:#?}"
    );
}
