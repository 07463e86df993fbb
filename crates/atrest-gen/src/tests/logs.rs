//! The CloudTrail generator: same spec, same bytes; the delivery layout and file names;
//! every record parsed back, inside its file's window; specs it cannot honour refused.

use std::io::{self, Read};

use serde_json::Value;

use super::{TempDir, tree};
use crate::cloudtrail::{LogSpec, generate_logs};

fn spec() -> LogSpec {
    let mut s = LogSpec::new(3000);
    s.accounts = 2;
    s.incidents = 2;
    s
}

#[test]
fn same_spec_same_bytes() {
    let (a, b, c) = (
        TempDir::new("logs-a"),
        TempDir::new("logs-b"),
        TempDir::new("logs-c"),
    );
    let sa = generate_logs(&spec(), &a.0).expect("a");
    let sb = generate_logs(&spec(), &b.0).expect("b");
    assert_eq!(sa, sb);
    assert_eq!(tree(&a.0).expect("a"), tree(&b.0).expect("b"));
    let other = LogSpec { seed: 99, ..spec() };
    generate_logs(&other, &c.0).expect("c");
    assert_ne!(tree(&a.0).expect("a"), tree(&c.0).expect("c"));
}

/// `20250301T0005Z` as milliseconds.
fn stamp_ms(stamp: &str) -> Option<i64> {
    let t = format!(
        "{}-{}-{}T{}:{}:00Z",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13]
    );
    t.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

#[test]
fn delivery_layout_and_records() {
    let dir = TempDir::new("logs-layout");
    let spec = LogSpec {
        org: true,
        ..spec()
    };
    let summary = generate_logs(&spec, &dir.0).expect("generated");
    let (mut files, mut digests, mut events, mut raw) = (0, 0, 0, 0u64);
    for (path, bytes) in tree(&dir.0).expect("tree") {
        let parts: Vec<String> = path
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        // AWSLogs/o-xxxxxxxxxx/<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<name>
        assert_eq!(parts.len(), 9, "{path:?}");
        assert_eq!(parts[0], "AWSLogs");
        assert!(
            parts[1].starts_with("o-") && parts[1].len() == 12,
            "{path:?}"
        );
        let (account, kind, region, name) = (&parts[2], &parts[3], &parts[4], &parts[8]);
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("gzip");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        if kind == "CloudTrail-Digest" {
            digests += 1;
            assert!(name.starts_with(&format!("{account}_CloudTrail-Digest_{region}_")));
            assert!(doc["logFiles"].as_array().is_some_and(|l| !l.is_empty()));
            continue;
        }
        assert_eq!(kind, "CloudTrail");
        // <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 chars>.json.gz
        let rest = name
            .strip_prefix(&format!("{account}_CloudTrail_{region}_"))
            .and_then(|r| r.strip_suffix(".json.gz"))
            .expect("file name");
        let (stamp, suffix) = rest.split_once('_').expect("stamp_suffix");
        assert_eq!(suffix.len(), 16, "{name}");
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(
            &stamp[0..8],
            format!("{}{}{}", parts[5], parts[6], parts[7])
        );
        let delivered = stamp_ms(stamp).expect("stamp");
        files += 1;
        raw += text.len() as u64;
        let records = doc["Records"].as_array().expect("Records");
        assert!(!records.is_empty());
        for r in records {
            events += 1;
            assert_eq!(r["recipientAccountId"].as_str(), Some(account.as_str()));
            assert_eq!(r["awsRegion"].as_str(), Some(region.as_str()));
            let at = r["eventTime"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .expect("eventTime")
                .as_millisecond();
            assert!(
                at < delivered && at >= delivered - 5 * 60_000,
                "{name}: {at}"
            );
            for field in ["eventSource", "eventName", "eventID", "userIdentity"] {
                assert!(!r[field].is_null(), "{name}: no {field}");
            }
        }
    }
    assert_eq!(
        (files, digests, events, raw),
        (
            summary.files,
            summary.digest_files,
            summary.events,
            summary.uncompressed
        )
    );
}

#[test]
fn refuses_what_it_cannot_write() {
    let dir = TempDir::new("logs-refused");
    let crowded = LogSpec {
        events: 10,
        incidents: 1,
        ..spec()
    };
    let err = generate_logs(&crowded, &dir.0).expect_err("too few events");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let no_region = LogSpec {
        regions: Vec::new(),
        ..spec()
    };
    let err = generate_logs(&no_region, &dir.0).expect_err("no region");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}
