//! CloudTrail logs through the binary: what is not a record, damaged gzip, records serde_json
//! refuses, the size limit, files that are not regular files, and symbolic links.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, atrest};
use serde_json::{Value, json};

fn record(name: &str, id: &str) -> Value {
    json!({
        "eventVersion": "1.09", "eventTime": "2026-11-20T10:00:00Z",
        "eventSource": "kms.amazonaws.com", "eventName": name, "eventID": id,
        "awsRegion": "us-east-1", "recipientAccountId": "111122223333",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
        "requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}
    })
}

fn log(records: &[Value]) -> String {
    json!({ "Records": records }).to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("compress");
    gz.finish().expect("compress")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write");
    path.to_string_lossy().into_owned()
}

fn scan_json(args: &[&str]) -> (Run, Value) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = atrest(&all);
    let report = run.json();
    (run, report)
}

fn events(report: &Value) -> u64 {
    report["summary"]["events"].as_u64().expect("events")
}

fn diagnostics(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (s("level"), s("path"), s("message"))
        })
        .collect()
}

/// The one diagnostic of a run, which must be an error about `path` containing `text`.
fn the_error(report: &Value, path: &str, text: &str) -> Value {
    let all = report["diagnostics"].as_array().expect("diagnostics");
    let found: Vec<&Value> = all
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.contains(text)))
        .collect();
    assert_eq!(found.len(), 1, "one diagnostic with `{text}` in {all:#?}");
    assert_eq!(found[0]["level"], "error");
    assert!(
        found[0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(path.rsplit('/').next().unwrap_or(path))),
        "{:?} names {path}",
        found[0]
    );
    found[0].clone()
}

#[test]
fn values_that_are_not_objects_are_reported_never_taken_for_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let records = log(&[
        record("DisableKey", "e-1"),
        json!(7),
        json!("DisableKey"),
        Value::Null,
        json!([record("DisableKey", "e-2")]),
        record("DisableKey", "e-3"),
    ]);
    let delivery = write(dir.path(), "delivery.json", records.as_bytes());
    let (run, report) = scan_json(&[&delivery]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(events(&report), 2);
    let d = the_error(
        &report,
        &delivery,
        "4 records of this CloudTrail log are not JSON objects: first at Records[1]",
    );
    assert_eq!(d["line"], 1);

    let array = format!("[{}, 5, {}]", record("DisableKey", "e-1"), json!({"a": 1}));
    let array = write(dir.path(), "array.json", array.as_bytes());
    let (run, report) = scan_json(&[&array]);
    assert_eq!(run.code, 2);
    assert_eq!(events(&report), 1);
    the_error(
        &report,
        &array,
        "1 element of this JSON array is not a JSON object (so not a CloudTrail record): [1]",
    );
    the_error(
        &report,
        &array,
        "1 element of this JSON array is not a CloudTrail record: [2]",
    );

    let lines = format!(
        "{}\n\"x\"\n{}\nnull\n",
        record("DisableKey", "e-1"),
        record("EnableKey", "e-2")
    );
    let lines = write(dir.path(), "lines.jsonl", lines.as_bytes());
    let (run, report) = scan_json(&[&lines]);
    assert_eq!(run.code, 2);
    assert_eq!(events(&report), 2);
    let d = the_error(
        &report,
        &lines,
        "2 lines of this JSON-lines file are not JSON objects (so not CloudTrail records): \
         first at line 2",
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn a_record_too_deeply_nested_or_not_utf8_is_lost_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut deep = record("DisableKey", "e-deep");
    let mut nested = json!(1);
    for _ in 0..300 {
        nested = json!([nested]);
    }
    deep["requestParameters"]["x"] = nested;
    let text = format!(
        "{{\"Records\": [\n{},\n{},\n{},\n{}\n]}}",
        record("DisableKey", "e-1"),
        deep,
        record("DisableKey", "e-2")
            .to_string()
            .replace("alice", "al@ce"),
        record("DisableKey", "e-3"),
    );
    // Not UTF-8 in a string of the third record, where the `@` stands.
    let bytes: Vec<u8> = text
        .into_bytes()
        .into_iter()
        .map(|b| if b == b'@' { 0xff } else { b })
        .collect();
    for (name, bytes) in [("log.json", bytes.clone()), ("log.json.gz", gzip(&bytes))] {
        let path = write(dir.path(), name, &bytes);
        let (run, report) = scan_json(&[&path]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(events(&report), 2, "{name}: {:#?}", diagnostics(&report));
        let d = the_error(
            &report,
            &path,
            "CloudTrail log, Records[1] is skipped: invalid JSON: recursion limit exceeded",
        );
        assert!(d["line"].as_u64().is_some_and(|l| l == 3), "{d}");
        let d = the_error(
            &report,
            &path,
            "CloudTrail log, Records[2] is skipped: not valid UTF-8 (byte 0xff)",
        );
        assert_eq!(d["line"], 4);
        // The findings of the records on either side are reported.
        let ids: Vec<&str> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["event"]["id"].as_str())
            .collect();
        assert!(ids.contains(&"e-1") && ids.contains(&"e-3"), "{ids:?}");
    }
}

#[test]
fn gzip_members_empty_files_and_trailing_garbage() {
    let dir = tempfile::tempdir().expect("tempdir");
    // `cat a.gz b.gz`: one file, every member read.
    let mut both = gzip(log(&[record("DisableKey", "e-1")]).as_bytes());
    let second = log(&[record("DisableKey", "e-2"), record("EnableKey", "e-3")]);
    // Two members that are one JSON-lines text between them.
    let lines_a = format!("{}\n", record("DisableKey", "e-1"));
    let lines_b = format!(
        "{}\n{}\n",
        record("DisableKey", "e-2"),
        record("EnableKey", "e-3")
    );
    let mut lines = gzip(lines_a.as_bytes());
    lines.extend(gzip(lines_b.as_bytes()));
    let lines = write(dir.path(), "members.jsonl.gz", &lines);
    let (run, report) = scan_json(&[&lines]);
    assert_eq!(run.code, 1, "findings, no error: {}", run.stderr);
    assert_eq!(events(&report), 3, "both members are read");
    assert!(diagnostics(&report).is_empty());
    // Two delivery files, one after the other: two logs, every record read and located.
    both.extend(gzip(second.as_bytes()));
    let both = write(dir.path(), "two-logs.json.gz", &both);
    let (run, report) = scan_json(&[&both]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(events(&report), 3);
    assert!(
        diagnostics(&report).is_empty(),
        "{:#?}",
        diagnostics(&report)
    );
    let located: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let at = &f["location"];
            (
                f["event"]["id"].as_str().unwrap_or_default().to_owned(),
                at["pointer"].as_str().unwrap_or_default().to_owned(),
                at["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let e2 = located
        .iter()
        .find(|(id, ..)| id == "e-2")
        .expect("a finding on the second log's record");
    assert!(e2.1.starts_with("/1/Records/0/"), "{located:?}");
    assert_eq!(e2.2, 1, "{located:?}");
    // A single log cut into two members is one document.
    let text = log(&[record("DisableKey", "e-1"), record("DisableKey", "e-2")]);
    let (a, b) = text.split_at(text.len() / 2);
    let mut split = gzip(a.as_bytes());
    split.extend(gzip(b.as_bytes()));
    let split = write(dir.path(), "split.json.gz", &split);
    let (_, report) = scan_json(&[&split]);
    assert_eq!(events(&report), 2);
    assert!(diagnostics(&report).is_empty());

    let empty = write(dir.path(), "empty.json.gz", b"");
    let (run, report) = scan_json(&[&empty]);
    assert_eq!(run.code, 2);
    the_error(&report, &empty, "empty gzip file");

    let mut garbage =
        gzip(log(&[record("DisableKey", "e-1"), record("EnableKey", "e-2")]).as_bytes());
    garbage.extend_from_slice(b"\0\0\0garbage");
    let garbage = write(dir.path(), "garbage.json.gz", &garbage);
    let (run, report) = scan_json(&[&garbage]);
    assert_eq!(run.code, 2);
    assert_eq!(events(&report), 2);
    the_error(
        &report,
        &garbage,
        "10 bytes after the end of the compressed data are not another gzip member",
    );
    let d = the_error(
        &report,
        &garbage,
        "the 2 CloudTrail records before it were read",
    );
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("corrupt gzip file"))
    );
}

#[test]
fn the_size_limit_stops_a_gzip_bomb_and_a_large_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bomb = gzip(&vec![0u8; 20 << 20]);
    assert!(bomb.len() < 1 << 20, "the bomb itself is under the limit");
    let bomb = write(dir.path(), "bomb.json.gz", &bomb);
    let started = Instant::now();
    let (run, report) = scan_json(&["--max-file-size", "1M", &bomb]);
    assert_eq!(run.code, 2);
    let d = the_error(
        &report,
        &bomb,
        "decompresses to more than the --max-file-size limit of 1M",
    );
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("--max-file-size 4M")),
        "{d}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));

    let big = log(&vec![record("DisableKey", "e-1"); 20]);
    let big = write(dir.path(), "big.json", big.as_bytes());
    let (run, report) = scan_json(&["--max-file-size", "2K", &big]);
    assert_eq!(run.code, 2);
    assert_eq!(events(&report), 0);
    let size = std::fs::metadata(&big).expect("size").len();
    let d = the_error(
        &report,
        &big,
        "over the --max-file-size limit of 2K: not read",
    );
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(&format!("{size} bytes"))),
        "{d}"
    );
    // Under a larger limit, and under the default, it is read.
    let (_, report) = scan_json(&["--max-file-size", "8K", &big]);
    assert_eq!(events(&report), 20);
    let (_, report) = scan_json(&[&big]);
    assert_eq!(events(&report), 20);

    let bad = atrest(&["scan", "--max-file-size", "lots", &big]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("`lots` is not a size"),
        "{}",
        bad.stderr
    );
}

/// Runs the binary, killing it if it takes longer than a minute (a FIFO read would block).
fn atrest_with_timeout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the atrest binary runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut out = String::new();
            if let Some(mut stdout) = child.stdout.take() {
                std::io::Read::read_to_string(&mut stdout, &mut out).expect("stdout");
            }
            return (status.code(), out);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return (None, String::new());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn files_that_are_not_regular_are_never_read() {
    let (code, out) = atrest_with_timeout(&["scan", "/dev/zero", "--format", "json"]);
    assert_eq!(code, Some(2));
    let report: Value = serde_json::from_str(&out).expect("JSON report");
    the_error(
        &report,
        "/dev/zero",
        "not a regular file (a character device): not read",
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo unavailable: the FIFO case is skipped");
        return;
    }
    write(
        dir.path(),
        "log.json",
        log(&[record("DisableKey", "e-1")]).as_bytes(),
    );
    let fifo = fifo.to_string_lossy().into_owned();
    let tree = dir.path().to_string_lossy().into_owned();
    for args in [vec![fifo.as_str()], vec![tree.as_str()]] {
        let mut all = vec!["scan", "--format", "json"];
        all.extend(args.iter().copied());
        let (code, out) = atrest_with_timeout(&all);
        assert_eq!(code, Some(2), "{args:?} ends, with an input error");
        let report: Value = serde_json::from_str(&out).expect("JSON report");
        the_error(&report, &fifo, "not a regular file (a FIFO): not read");
        let expected = if args[0] == tree { 1 } else { 0 };
        assert_eq!(events(&report), expected, "the other files are read");
    }
}

#[test]
fn links_out_of_a_scanned_directory_are_followed_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("tree");
    write(
        &tree,
        "inside/real.json",
        log(&[record("DisableKey", "e-1")]).as_bytes(),
    );
    let outside = PathBuf::from(write(
        dir.path(),
        "outside/log.json",
        log(&[record("EnableKey", "e-2")]).as_bytes(),
    ));
    std::os::unix::fs::symlink(&outside, tree.join("out.json")).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("outside"), tree.join("out-dir")).expect("symlink");
    std::os::unix::fs::symlink(tree.join("inside/real.json"), tree.join("in.json"))
        .expect("symlink");
    let tree_arg = tree.to_string_lossy().into_owned();

    let (run, report) = scan_json(&[&tree_arg]);
    assert_eq!(run.code, 1, "warnings, not errors: {}", run.stderr);
    // real.json, and in.json that leads to it: a link within the tree is followed.
    assert_eq!(events(&report), 2, "{:#?}", diagnostics(&report));
    let warnings = diagnostics(&report);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    for ((level, path, message), link) in warnings.iter().zip(["out-dir", "out.json"]) {
        assert_eq!(level, "warning");
        assert!(path.ends_with(link), "{path}");
        assert!(
            message.contains("outside") && message.contains("--follow-symlinks"),
            "{message}"
        );
    }

    let (run, report) = scan_json(&["--follow-symlinks", &tree_arg]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        events(&report),
        4,
        "out.json and out-dir/log.json are read too"
    );
    assert!(diagnostics(&report).is_empty());

    // A link named on the command line is followed: the user named it.
    let named = tree.join("out.json").to_string_lossy().into_owned();
    let (_, report) = scan_json(&[&named]);
    assert_eq!(events(&report), 1);
    assert!(diagnostics(&report).is_empty());
}
