//! `atrest scan s3://...` against a real S3 server on loopback (moto's, `pip install
//! 'moto[server]'`): a bucket holding a generated CloudTrail archive scans as its files do;
//! with filters, the server's request log shows that nothing outside them was listed or
//! fetched; an archived object is reported by its address and the rest is read; `activity`
//! reads the bucket too; behind a proxy that answers 503 SlowDown (tests/throttle/proxy.py),
//! every object is still read after a back-off, or reported when its attempts run out.
//! Without `moto_server` on the PATH the test says it is skipped,
//! unless `ATREST_REQUIRE_MOTO` is set (CI sets it), when it fails.

#![cfg(feature = "aws")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use atrest::ingest::filter::{EventFilter, parse_instant};
use atrest_gen::{LogSpec, generate_logs};
use serde_json::Value;

mod common;
use common::moto::{Moto, StandIn};

const BUCKET: &str = "trail-logs";

/// Puts every file under `root` into the bucket, keyed by its relative path; `glacier`
/// names one more object put in the GLACIER storage class.
fn upload(endpoint: &str, root: &Path, glacier: Option<(&str, &[u8])>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let credentials =
            aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "test");
        let config = aws_sdk_s3::Config::builder()
            .behavior_version_latest()
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(credentials)
            .force_path_style(true)
            .build();
        let client = aws_sdk_s3::Client::from_conf(config);
        client
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("bucket created");
        for path in files(root) {
            let key = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            let body = std::fs::read(&path).expect("read");
            client
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .body(body.into())
                .send()
                .await
                .expect("object put");
        }
        if let Some((key, body)) = glacier {
            client
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .storage_class(aws_sdk_s3::types::StorageClass::Glacier)
                .body(body.to_vec().into())
                .send()
                .await
                .expect("object put");
        }
    });
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
    out.sort();
    out
}

/// Each finding as rule, file (relative to the archive's root) and place.
fn findings(report: &Value, root: &str) -> Vec<(String, String, u64, u64)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let loc = &f["location"];
            let path = loc["path"].as_str().unwrap_or_default();
            (
                f["rule_id"].as_str().unwrap_or_default().to_owned(),
                path.strip_prefix(root).unwrap_or(path).to_owned(),
                loc["line"].as_u64().unwrap_or(0),
                loc["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

fn local_scan(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(args)
        .output()
        .expect("atrest runs");
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

#[test]
fn a_log_bucket_on_a_real_s3_server() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let archive = tempfile::tempdir().expect("tempdir");
    let mut spec = LogSpec::new(8000);
    spec.accounts = 2;
    spec.org = true;
    spec.incidents = 2;
    generate_logs(&spec, archive.path()).expect("generated");
    let logs = files(archive.path());
    let first = logs
        .iter()
        .map(|p| {
            p.strip_prefix(archive.path())
                .expect("under root")
                .to_string_lossy()
                .into_owned()
        })
        .find(|k| k.contains("/CloudTrail/"))
        .expect("a log file");
    let archived = first.replace(".json.gz", "-archived.json.gz");
    let body = std::fs::read(archive.path().join(&first)).expect("read");
    upload(&moto.endpoint, archive.path(), Some((&archived, &body)));
    let root = format!("{}/", archive.path().display());
    let bucket = format!("s3://{BUCKET}/");

    // The whole bucket: the findings of the same files read locally, and an error for the
    // archived object, named by its address.
    let local = local_scan(&["scan", &root, "--format", "json"]);
    let (code, report, stderr) =
        moto.atrest(&["scan", &format!("s3://{BUCKET}"), "--format", "json"]);
    assert_eq!(code, 2, "an object not read fails the scan: {stderr}");
    assert!(
        stderr.contains(&format!(
            "s3://{BUCKET}/{archived}: cannot fetch: InvalidObjectState"
        )),
        "{stderr}"
    );
    assert_eq!(report["summary"]["events"], local["summary"]["events"]);
    assert!(findings(&local, &root).len() > 10);
    assert_eq!(findings(&report, &bucket), findings(&local, &root));

    // One account, region and day: nothing else is listed or fetched.
    let parts: Vec<&str> = first.split('/').collect();
    let trail = parts
        .iter()
        .position(|p| *p == "CloudTrail")
        .expect("layout");
    let (account, region) = (parts[trail - 1], parts[trail + 1]);
    let day = format!(
        "{}-{}-{}",
        parts[trail + 2],
        parts[trail + 3],
        parts[trail + 4]
    );
    let since = parse_instant(&day).expect("date");
    let until = since + jiff::SignedDuration::from_hours(24);
    let (since_text, until_text) = (since.to_string(), until.to_string());
    let filters = [
        "--since",
        &since_text,
        "--until",
        &until_text,
        "--account",
        account,
        "--region",
        region,
    ];
    let before = moto.requests().len();
    let mut args = vec![
        "scan",
        "s3://trail-logs/AWSLogs/",
        "--format",
        "json",
        "--fail-on",
        "never",
    ];
    args.extend(filters);
    let (code, report, stderr) = moto.atrest(&args);
    let mut local_args = vec!["scan", &root, "--format", "json"];
    local_args.extend(filters);
    let local = local_scan(&local_args);
    assert_eq!(code, 2, "the archived object is in the window: {stderr}");
    assert!(report["summary"]["events"].as_u64().unwrap_or(0) > 0);
    assert_eq!(report["summary"]["events"], local["summary"]["events"]);
    assert_eq!(findings(&report, &bucket), findings(&local, &root));
    let filter = EventFilter {
        since: Some(since),
        until: Some(until),
        accounts: vec![account.to_owned()],
        regions: vec![region.to_owned()],
        ..EventFilter::default()
    };
    let requests = moto.requests().split_off(before);
    let (mut listed, mut fetched) = (0, 0);
    for (method, target) in &requests {
        if let Some(query) = target.split_once("?list-type=2").map(|(_, q)| q) {
            let prefix = query
                .split('&')
                .find_map(|p| p.strip_prefix("prefix="))
                .unwrap_or_default();
            assert!(filter.may_keep_prefix(prefix), "listed {prefix}");
            assert!(
                !prefix.contains("/CloudTrail/")
                    || prefix.ends_with(&format!("/{account}/CloudTrail/"))
                    || prefix.contains(&format!("/{account}/CloudTrail/{region}/")),
                "listed {prefix}"
            );
            listed += 1;
        } else if method == "GET" && target.contains("?x-id=GetObject") {
            let key = target
                .split_once('?')
                .map_or(target.as_str(), |(k, _)| k)
                .trim_start_matches(&format!("/{BUCKET}/"));
            assert!(filter.may_keep_file(Path::new(key)), "fetched {key}");
            assert!(
                key.contains(&format!("/{account}/CloudTrail/{region}/")),
                "fetched {key}"
            );
            fetched += 1;
        }
    }
    let read_locally = local["summary"]["files"].as_u64().unwrap_or(0);
    assert!(listed > 0);
    assert_eq!(
        fetched,
        read_locally + 1,
        "the files of the window and the archived one"
    );
    let all_logs = logs
        .iter()
        .filter(|p| !p.to_string_lossy().contains("Digest"))
        .count();
    assert!(
        (fetched as usize) * 2 < all_logs,
        "{fetched} of {all_logs} fetched"
    );

    // `activity` reads the bucket as it reads the files.
    let (code, remote, stderr) = moto.atrest(&[
        "activity",
        &format!("s3://{BUCKET}/AWSLogs/"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(["activity", &root, "--format", "json"])
        .output()
        .expect("atrest runs");
    let local: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = local["activity"].as_array().map_or(0, Vec::len);
    assert!(rows > 10, "{rows} rows");
    assert_eq!(remote["activity"], local["activity"]);
    assert_eq!(remote["summary"], local["summary"]);
}

/// A server that does not answer: every object is reported, nothing passes.
#[test]
fn no_server_is_no_pass() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(["scan", "s3://trail-logs/AWSLogs/", "--format", "json"])
        .args([
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "--max-attempts",
            "1",
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("atrest runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("s3://trail-logs/AWSLogs/: cannot list"),
        "{stderr}"
    );
}

/// tests/throttle/proxy.py in front of the server: the first GET of every object is
/// answered 503 SlowDown.
fn throttling_proxy(moto: &Moto) -> StandIn {
    let port = moto.endpoint.rsplit(':').next().expect("a port");
    let log = moto.dir.path().join("proxy.log");
    StandIn::start("tests/throttle/proxy.py", &[port], log)
}

/// `(status, method, path)` of every request the proxy has answered.
fn requests(proxy: &StandIn) -> Vec<(u16, String, String)> {
    proxy
        .lines()
        .iter()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let status = parts.next()?.parse().ok()?;
            Some((status, parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn slow_down_backs_off_and_every_object_is_read() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let archive = tempfile::tempdir().expect("tempdir");
    let mut spec = LogSpec::new(1500);
    spec.incidents = 1;
    generate_logs(&spec, archive.path()).expect("generated");
    upload(&moto.endpoint, archive.path(), None);
    let root = format!("{}/", archive.path().display());
    let bucket = format!("s3://{BUCKET}/");
    let local = local_scan(&["scan", &root, "--format", "json"]);
    let objects = local["summary"]["files"].as_u64().expect("files");
    assert!(objects >= 4, "{objects} files");

    // Every object is throttled once, and read at its second attempt.
    let throttle = throttling_proxy(&moto);
    let scan = ["scan", &format!("s3://{BUCKET}"), "--format", "json"];
    let (code, report, stderr) = moto.atrest_at(&throttle.endpoint, "3", &scan);
    assert_eq!(code, 1, "findings, and no input error: {stderr}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{stderr}");
    assert_eq!(report["summary"]["events"], local["summary"]["events"]);
    assert_eq!(findings(&report, &bucket), findings(&local, &root));
    // The proxy logs a request just after answering it: wait for the last lines.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (requests, slowed, fetched) = loop {
        let requests = requests(&throttle);
        let slowed = requests.iter().filter(|(s, _, _)| *s == 503).count() as u64;
        let fetched = requests
            .iter()
            .filter(|(s, m, p)| *s == 200 && m == "GET" && p.contains("x-id=GetObject"))
            .count() as u64;
        if slowed + fetched >= 2 * objects || Instant::now() > deadline {
            break (requests, slowed, fetched);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(slowed, objects, "{requests:?}");
    assert_eq!(fetched, objects, "{requests:?}");

    // With one attempt each (and every object now throttled again by a fresh proxy), no
    // object is read: each is reported, and the scan is no pass.
    drop(throttle);
    let throttle = throttling_proxy(&moto);
    let (code, report, stderr) = moto.atrest_at(&throttle.endpoint, "1", &scan);
    assert_eq!(code, 2, "{stderr}");
    let errors = report["diagnostics"].as_array().expect("diagnostics");
    let slow: Vec<_> = errors
        .iter()
        .filter(|d| d["message"].as_str().unwrap_or("").contains("SlowDown"))
        .collect();
    assert_eq!(slow.len() as u64, objects, "{errors:#?}");
    assert!(
        slow.iter()
            .all(|d| d["path"].as_str().unwrap_or("").starts_with(&bucket)),
        "{slow:#?}"
    );
}
