//! `atrest report`: statuses that never pass what was not read, per-account controls,
//! exceptions, formats, the header's manifest and CloudTrail checks. Through the binary.

mod common;

use std::path::Path;

use common::atrest;
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

fn write(dir: &Path, rel: &str, value: &Value) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    std::fs::write(path, serde_json::to_string_pretty(value).expect("JSON")).expect("write");
}

fn trail(name: &str, multi: bool) -> Value {
    json!({"Name": name, "S3BucketName": "logs", "IsMultiRegionTrail": multi, "HomeRegion": "us-east-1",
           "TrailARN": format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"),
           "LogFileValidationEnabled": true, "KmsKeyId": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k-1"),
           "IncludeGlobalServiceEvents": true})
}

/// An account with the given trails, each logging with management events.
fn trails(dir: &Path, list: &[(&str, bool)]) {
    let base = format!("{ACCOUNT}/us-east-1/cloudtrail");
    let all: Vec<Value> = list.iter().map(|(n, m)| trail(n, *m)).collect();
    write(
        dir,
        &format!("{base}/describe-trails.json"),
        &json!({"trailList": all}),
    );
    for (name, _) in list {
        write(
            dir,
            &format!("{base}/get-trail-status--{name}.json"),
            &json!({"IsLogging": true}),
        );
        write(
            dir,
            &format!("{base}/get-event-selectors--{name}.json"),
            &json!({"TrailARN": format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"),
                    "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []}]}),
        );
    }
}

fn report(dir: &Path, framework: &str, extra: &[&str]) -> (i32, Value, String) {
    let d = dir.to_string_lossy().into_owned();
    let args = [
        &[
            "report",
            &d,
            "--framework",
            framework,
            "--format",
            "json",
            "--as-of",
            "2026-12-01",
        ][..],
        extra,
    ]
    .concat();
    let run = atrest(&args);
    let v = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, v, run.stderr)
}

fn control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

#[test]
fn list_names_every_framework_with_version_and_source() {
    let run = atrest(&["report", "--list"]);
    assert_eq!(run.code, 0);
    for id in [
        "cis-aws-v3.0",
        "cis-aws-v4.0",
        "cis-aws-v5.0",
        "cis-aws-v7.0",
        "aws-fsbp",
        "pci-dss-v4.0",
        "nist-800-53-r5",
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id}: {}", run.stdout));
        assert!(line.contains("catalog 1,"), "{line}");
    }
    assert!(run.stdout.contains("source: https://"), "{}", run.stdout);
    let run = atrest(&["report", "samples/lab", "--framework", "cis-aws-v9"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no framework `cis-aws-v9`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_per_account_control_is_met_by_one_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    trails(dir.path(), &[("org-wide", true), ("app-only", false)]);
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    let c = control(&r, "3.1");
    assert_eq!(c["decided"], "per_account");
    assert_eq!(c["status"], "pass", "{c:#}");
    assert_eq!(c["accounts"][0]["status"], "pass");
    assert!(
        c["accounts"][0]["why"]
            .as_str()
            .is_some_and(|w| w.contains("trail/org-wide")),
        "{c:#}"
    );
    // The single-region trail is listed as failing its rule, yet does not fail the account.
    let app = c["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|j| {
            j["arn"]
                .as_str()
                .is_some_and(|a| a.ends_with("trail/app-only"))
        })
        .expect("app-only");
    assert_eq!(app["status"], "fail");

    let dir = tempfile::tempdir().expect("tempdir");
    trails(dir.path(), &[("app-only", false)]);
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    let c = control(&r, "3.1");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["accounts"][0]["status"], "fail");
}

#[test]
fn what_was_not_read_is_unknown_and_an_empty_listing_not_applicable() {
    let dir = tempfile::tempdir().expect("tempdir");
    trails(dir.path(), &[("org-wide", true)]);
    // KMS listed and empty in us-east-1; nothing of EFS or RDS read at all.
    write(
        dir.path(),
        &format!("{ACCOUNT}/us-east-1/kms/list-keys.json"),
        &json!({"Keys": []}),
    );
    write(
        dir.path(),
        &format!("{ACCOUNT}/us-east-1/efs/describe-file-systems.json"),
        &json!({"FileSystems": []}),
    );
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    assert_eq!(
        control(&r, "3.6")["status"],
        "not_applicable",
        "{:#}",
        control(&r, "3.6")
    );
    assert_eq!(control(&r, "2.3.1")["status"], "not_applicable");
    let rds = control(&r, "2.2.1");
    assert_eq!(rds["status"], "unknown", "no RDS listing: never a pass");
    let missing: Vec<&str> = rds["missing"]
        .as_array()
        .expect("missing")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        missing.iter().any(
            |m| m.contains("us-east-1: no rds_instance read (`aws rds describe-db-instances`)")
        ),
        "{missing:?}"
    );
    // Monitoring controls are manual, whatever CloudTrail says.
    assert_eq!(control(&r, "4.7")["status"], "manual");
    // The summary counts the statuses of the controls listed.
    let n = r["controls"].as_array().map_or(0, Vec::len);
    let total: u64 = r["summary"]
        .as_object()
        .expect("summary")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(total as usize, n);
}

#[test]
fn the_lab_report_proves_fails_and_passes_and_is_deterministic() {
    let (code, r, _) = report(Path::new("samples/lab"), "cis-aws-v4.0", &[]);
    assert_eq!(code, 0, "a report is no gate without --fail-on-control");
    let (_, again, _) = report(Path::new("samples/lab"), "cis-aws-v4.0", &[]);
    assert_eq!(r, again, "two runs give the same report");
    let tls = control(&r, "2.1.1");
    assert_eq!(tls["status"], "fail");
    let resources = tls["resources"].as_array().expect("resources");
    let failing = resources
        .iter()
        .find(|j| j["status"] == "fail")
        .expect("a failing bucket");
    let rule = &failing["rules"][0];
    assert_eq!(rule["rule"], "s3-bucket-tls-not-required");
    let at = rule["location"].as_str().expect("the deciding line");
    assert!(
        at.starts_with("samples/lab/123456789012/us-east-1/s3/") && at.contains(".json:"),
        "{at}"
    );
    assert!(
        rule["remediation"]
            .as_str()
            .is_some_and(|t| t.contains("aws s3api put-bucket-policy"))
    );
    let passing = resources
        .iter()
        .find(|j| j["status"] == "pass")
        .expect("a passing bucket");
    assert!(
        passing["rules"][0]["location"]
            .as_str()
            .is_some_and(|l| l.contains(".json:")),
        "a pass shows the line that proves it: {passing:#}"
    );
    // CMK monitoring: manual, with the DisableKey findings as evidence.
    let cmk = control(&r, "4.7");
    assert_eq!(cmk["status"], "manual");
    assert!(
        cmk["evidence"]
            .as_array()
            .is_some_and(|e| e.iter().any(|f| f["rule"] == "event-kms-key-disabled")),
        "{cmk:#}"
    );
    // The header: the manifest's hashes are the files' own.
    let inputs = r["header"]["inputs"].as_array().expect("inputs");
    let entry = inputs
        .iter()
        .find(|i| i["path"] == "samples/lab/123456789012/us-east-1/ec2/describe-volumes.json")
        .expect("volumes");
    let bytes = std::fs::read("samples/lab/123456789012/us-east-1/ec2/describe-volumes.json")
        .expect("read");
    assert_eq!(entry["size"], bytes.len());
    assert_eq!(entry["kind"], "aws-cli");
    assert_eq!(
        (entry["account"].clone(), entry["region"].clone()),
        (json!(ACCOUNT), json!("us-east-1"))
    );
    let hash = entry["sha256"].as_str().expect("sha256");
    assert_eq!(hash.len(), 64);
    assert_eq!(
        r["header"]["rules"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    assert_eq!(
        r["header"]["scope"][ACCOUNT],
        json!(["eu-west-1", "us-east-1"])
    );
    let cov = &r["header"]["cloudtrail"]["coverage"][0];
    assert_eq!(
        (cov["account"].clone(), cov["region"].clone()),
        (json!(ACCOUNT), json!("us-east-1"))
    );
    assert_eq!(r["header"]["cloudtrail"]["outside_layout"], 0);
    assert_eq!(r["atrest_compliance"], 1);
}

#[test]
fn an_excepted_failure_is_never_a_pass_and_the_gate_counts_controls() {
    let dir = tempfile::tempdir().expect("tempdir");
    trails(dir.path(), &[("app-only", false)]);
    let conf = dir.path().join("atrest.yml");
    std::fs::write(
        &conf,
        format!("ignore:\n  - rule: cloudtrail-trail-not-multi-region\n    resource: \"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/app-only\"\n    reason: moving to the organization trail\n    owner: sec@example.com\n    expires: 2027-01-31\n"),
    )
    .expect("write");
    let c = conf.to_string_lossy().into_owned();
    let (code, r, _) = report(
        dir.path(),
        "aws-fsbp",
        &["--config", &c, "--fail-on-control", "fail"],
    );
    let ct1 = control(&r, "CloudTrail.1");
    assert_eq!(ct1["status"], "excepted", "{ct1:#}");
    assert_eq!(ct1["counts"]["excepted"], 1);
    assert!(
        ct1["resources"][0]["rules"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("moving to the organization trail"))
    );
    let fails = r["summary"]["fail"].as_u64().unwrap_or(0);
    assert_eq!(code, if fails > 0 { 1 } else { 0 });
    let (code, _, _) = report(
        dir.path(),
        "aws-fsbp",
        &["--config", &c, "--fail-on-control", "unknown"],
    );
    assert_eq!(
        code, 1,
        "unknown controls (nothing of KMS, S3 ... was read) fail a gate on unknown"
    );
}

#[test]
fn csv_writes_controls_and_results_beside_them() {
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("cis.csv");
    let f = file.to_string_lossy().into_owned();
    let run = atrest(&[
        "report",
        "samples/lab",
        "--framework",
        "cis-aws-v4.0",
        "--format",
        "csv",
        "--output",
        &f,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let controls = std::fs::read_to_string(&file).expect("controls");
    let results =
        std::fs::read_to_string(out.path().join("cis-results.csv")).expect("results beside it");
    assert!(
        controls.starts_with("framework,control,title,level,assessment,decided,status,"),
        "{controls}"
    );
    assert_eq!(controls.lines().count(), 15, "a header and 14 controls");
    assert!(
        results
            .starts_with("control,account,region,resource,kind,rule,status,location,message\r\n")
    );
    assert!(results.lines().any(
        |l| l.starts_with("2.1.1,123456789012,us-east-1,arn:aws:s3:::") && l.contains(",fail,")
    ));
    assert!(
        !results.contains("Ensure S3 Bucket Policy"),
        "results name the control by id, not its text"
    );
    let run = atrest(&[
        "report",
        "samples/lab",
        "--framework",
        "cis-aws-v4.0",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 2, "csv needs --output");
}

#[test]
fn html_is_self_contained_and_escapes_what_inputs_say() {
    let dir = tempfile::tempdir().expect("tempdir");
    trails(dir.path(), &[("<script>alert(1)</script>", false)]);
    let d = dir.path().to_string_lossy().into_owned();
    let run = atrest(&[
        "report",
        &d,
        "--framework",
        "cis-aws-v4.0",
        "--format",
        "html",
    ]);
    let html = &run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!html.contains("<script"), "no script, and no injected one");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for external in ["<link", " src=", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(
        html.contains("<details id=\"control-3.1\" open>"),
        "failing controls are open"
    );
    let md = atrest(&["report", &d, "--framework", "cis-aws-v4.0"]).stdout;
    assert!(
        md.starts_with("# CIS Amazon Web Services Foundations Benchmark 4.0.1: compliance report")
    );
    assert!(md.contains("\\<script\\>"), "markdown escapes HTML: {md}");
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn sha256(bytes: &[u8]) -> String {
    atrest::report::manifest::sha256(bytes)
}

#[test]
fn cloudtrail_gaps_and_the_digest_chain_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let day = format!("AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/20");
    let digest_day = format!("AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2026/11/20");
    let record = |id: &str, time: &str| {
        json!({"Records": [{"eventVersion": "1.11", "eventSource": "kms.amazonaws.com", "eventName": "ListKeys",
            "eventTime": time, "eventID": id, "awsRegion": "us-east-1", "recipientAccountId": ACCOUNT}]})
    };
    let mut keys = Vec::new();
    for (stamp, time) in [
        ("20261120T0005Z", "2026-11-20T00:04:00Z"),
        ("20261120T0010Z", "2026-11-20T00:09:00Z"),
        ("20261120T0230Z", "2026-11-20T02:29:00Z"),
    ] {
        let key = format!("{day}/{ACCOUNT}_CloudTrail_us-east-1_{stamp}_abc{stamp}.json.gz");
        let text = serde_json::to_vec(&record(stamp, time)).expect("JSON");
        let path = dir.path().join(&key);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, gz(&text)).expect("write");
        keys.push((key, sha256(&text)));
    }
    let listed = |k: &(String, String)| json!({"s3Bucket": "logs", "s3Object": k.0, "hashValue": k.1, "hashAlgorithm": "SHA-256"});
    let first = json!({
        "digestStartTime": "2026-11-20T00:00:00Z", "digestEndTime": "2026-11-20T01:00:00Z",
        "digestS3Object": format!("{digest_day}/{ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T010000Z.json.gz"),
        "previousDigestS3Object": format!("{digest_day}/{ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20261119T230000Z.json.gz"),
        "logFiles": [listed(&keys[0]), listed(&keys[1]),
                     {"s3Bucket": "logs", "s3Object": format!("{day}/{ACCOUNT}_CloudTrail_us-east-1_20261120T0015Z_gone.json.gz"), "hashValue": "00", "hashAlgorithm": "SHA-256"}],
    });
    let first_text = serde_json::to_vec(&first).expect("JSON");
    let first_key = first["digestS3Object"].as_str().expect("key").to_owned();
    let second = json!({
        "digestStartTime": "2026-11-20T02:00:00Z", "digestEndTime": "2026-11-20T03:00:00Z",
        "digestS3Object": format!("{digest_day}/{ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T030000Z.json.gz"),
        "previousDigestS3Object": first_key, "previousDigestHashValue": sha256(&first_text),
        "logFiles": [listed(&keys[2])],
    });
    for d in [&first, &second] {
        let path = dir.path().join(d["digestS3Object"].as_str().expect("key"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, gz(&serde_json::to_vec(d).expect("JSON"))).expect("write");
    }
    // A log outside the layout: read, but its time is not known.
    std::fs::write(
        dir.path().join("exported.json"),
        serde_json::to_vec(&record("y", "2026-11-20T05:00:00Z")["Records"]).expect("JSON"),
    )
    .expect("write");
    // The second file is altered after delivery.
    let altered = dir.path().join(&keys[1].0);
    std::fs::write(
        &altered,
        gz(&serde_json::to_vec(&record("x", "2026-11-20T00:09:30Z")).expect("JSON")),
    )
    .expect("write");

    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    let ct = &r["header"]["cloudtrail"];
    assert_eq!(ct["outside_layout"], 1);
    let cov = &ct["coverage"][0];
    assert_eq!(cov["files"], 3);
    assert_eq!(
        cov["gaps"],
        json!([{"from": "2026-11-20T00:10:00Z", "to": "2026-11-20T02:30:00Z"}])
    );
    let d = &ct["digests"];
    assert_eq!(d["digests"], 2);
    assert_eq!(d["listed"], 4);
    assert_eq!(d["verified"], 2, "{d:#}");
    assert_eq!(
        d["missing"],
        json!([format!(
            "{day}/{ACCOUNT}_CloudTrail_us-east-1_20261120T0015Z_gone.json.gz"
        )])
    );
    assert!(
        d["altered"][0]
            .as_str()
            .is_some_and(|p| p.ends_with("_20261120T0010Z_abc20261120T0010Z.json.gz")),
        "{d:#}"
    );
    assert_eq!(
        d["chain"],
        json!([]),
        "the second digest hashes the first; the first's predecessor is before the window"
    );
    assert!(
        d["signatures"]
            .as_str()
            .is_some_and(|s| s.starts_with("not verified"))
    );

    // A digest whose predecessor was removed breaks the chain.
    std::fs::remove_file(dir.path().join(&first_key)).expect("remove");
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    let chain = r["header"]["cloudtrail"]["digests"]["chain"]
        .as_array()
        .expect("chain")
        .clone();
    assert_eq!(chain.len(), 1, "{chain:?}");
    assert!(
        chain[0].as_str().is_some_and(|c| c.contains("is missing")),
        "{chain:?}"
    );
}

#[test]
fn a_key_without_its_rotation_status_is_unknown_not_a_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kms = format!("{ACCOUNT}/us-east-1/kms");
    let arn = |id: &str| format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}");
    write(
        dir.path(),
        &format!("{kms}/list-keys.json"),
        &json!({"Keys": [{"KeyId": "k-1", "KeyArn": arn("k-1")}, {"KeyId": "k-2", "KeyArn": arn("k-2")}]}),
    );
    for id in ["k-1", "k-2"] {
        write(
            dir.path(),
            &format!("{kms}/describe-key--{id}.json"),
            &json!({"KeyMetadata": {
            "KeyId": id, "Arn": arn(id), "KeyState": "Enabled", "Enabled": true, "KeyManager": "CUSTOMER",
            "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "MultiRegion": false}}),
        );
    }
    // Only k-1's rotation status was exported, and it is on.
    write(
        dir.path(),
        &format!("{kms}/get-key-rotation-status--k-1.json"),
        &json!({"KeyRotationEnabled": true}),
    );
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    let c = control(&r, "3.6");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert_eq!(
        c["counts"],
        json!({"evaluated": 2, "passed": 1, "failed": 0, "unknown": 1, "excepted": 0})
    );
    assert!(
        c["missing"]
            .as_array()
            .is_some_and(|m| m.contains(&json!("us-east-1: 1 kms_key without KeyRotationEnabled"))),
        "{c:#}"
    );
    let pass = c["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|j| j["status"] == "pass")
        .expect("k-1");
    assert!(
        pass["rules"][0]["location"]
            .as_str()
            .is_some_and(|l| l.ends_with("get-key-rotation-status--k-1.json:2")),
        "the pass is proven by the rotation status: {pass:#}"
    );
    // Once it is exported and on, the control passes.
    write(
        dir.path(),
        &format!("{kms}/get-key-rotation-status--k-2.json"),
        &json!({"KeyRotationEnabled": true}),
    );
    let (_, r, _) = report(dir.path(), "cis-aws-v4.0", &[]);
    assert_eq!(control(&r, "3.6")["status"], "pass");
}
