//! `--format asff` as Security Hub's `BatchImportFindings` takes it: every required field,
//! every length within its limit, types in `namespace/category/classifier` form, findings
//! that cannot be imported left out and counted. Through the real binary.

mod common;

use std::path::Path;

use common::atrest;
use serde_json::{Value, json};

const AS_OF: &str = "2026-11-21T00:00:00Z";

/// The limits of `AwsSecurityFinding` (Security Hub API reference), in characters.
fn check(f: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let mut fail = |e: String| errors.push(e);
    let s = |k: &str| f[k].as_str().unwrap_or("");
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    for k in [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "CreatedAt",
        "UpdatedAt",
        "Title",
        "Description",
    ] {
        if !f[k].is_string() {
            fail(format!("{k} is missing"));
        }
    }
    if s("SchemaVersion") != "2018-10-08" {
        fail("SchemaVersion".into());
    }
    let account = s("AwsAccountId");
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        fail(format!("AwsAccountId {account:?}"));
    }
    let product = regex::Regex::new(
        r"^arn:aws(-cn|-us-gov)?:securityhub:[a-z]{2}(-[a-z]+)+-\d+:(\d{12}):product/(\d{12})/default$",
    )
    .expect("regex");
    match product.captures(s("ProductArn")) {
        Some(c) if &c[3] == account && &c[4] == account => {}
        _ => fail(format!("ProductArn {}", s("ProductArn"))),
    }
    for (k, max) in [
        ("Id", 512),
        ("GeneratorId", 512),
        ("Title", 256),
        ("Description", 1024),
    ] {
        if len(&f[k]) > max || len(&f[k]) == 0 {
            fail(format!("{k} has {} characters", len(&f[k])));
        }
    }
    for k in ["CreatedAt", "UpdatedAt"] {
        if s(k) != AS_OF {
            fail(format!("{k} is {}", s(k)));
        }
    }
    let types = f["Types"].as_array().cloned().unwrap_or_default();
    let shape = regex::Regex::new(r"^[^/]+/[^/]+(/[^/]+)?$").expect("regex");
    if types.is_empty() || types.len() > 50 {
        fail(format!("{} types", types.len()));
    }
    for t in &types {
        let t = t.as_str().unwrap_or("");
        let namespace = t.split('/').next().unwrap_or("");
        if !shape.is_match(t)
            || ![
                "Software and Configuration Checks",
                "TTPs",
                "Effects",
                "Unusual Behaviors",
                "Sensitive Data Identifications",
            ]
            .contains(&namespace)
        {
            fail(format!("type {t:?}"));
        }
    }
    if f["FindingProviderFields"]["Types"] != f["Types"] {
        fail("FindingProviderFields.Types".into());
    }
    let labels = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
    if !labels.contains(&f["Severity"]["Label"].as_str().unwrap_or("")) {
        fail(format!("Severity {}", f["Severity"]));
    }
    if len(&f["Severity"]["Original"]) > 64 {
        fail("Severity.Original".into());
    }
    let resources = f["Resources"].as_array().cloned().unwrap_or_default();
    if resources.is_empty() || resources.len() > 32 {
        fail(format!("{} resources", resources.len()));
    }
    for r in &resources {
        if len(&r["Type"]) == 0 || len(&r["Type"]) > 256 || len(&r["Id"]) == 0 {
            fail(format!("resource {r}"));
        }
        if len(&r["Region"]) > 16 {
            fail(format!("resource region {}", r["Region"]));
        }
        if let Some(p) = r.get("Partition")
            && !["aws", "aws-cn", "aws-us-gov"].contains(&p.as_str().unwrap_or(""))
        {
            fail(format!("partition {p}"));
        }
    }
    if len(&f["Remediation"]["Recommendation"]["Text"]) > 512 {
        fail("Remediation text".into());
    }
    if let Some(c) = f.get("Compliance") {
        if c["Status"] != "FAILED" {
            fail(format!("Compliance {c}"));
        }
        if c["RelatedRequirements"]
            .as_array()
            .is_some_and(|r| r.len() > 32)
        {
            fail("more than 32 requirements".into());
        }
    }
    if !["NEW", "SUPPRESSED"].contains(&f["Workflow"]["Status"].as_str().unwrap_or("")) {
        fail(format!("Workflow {}", f["Workflow"]));
    }
    if f["RecordState"] != "ACTIVE" {
        fail("RecordState".into());
    }
    let fields = f["ProductFields"].as_object().cloned().unwrap_or_default();
    if fields.len() > 50 {
        fail("more than 50 product fields".into());
    }
    for (k, v) in &fields {
        if k.chars().count() > 128 || len(v) > 2048 || len(v) == 0 {
            fail(format!("product field {k}"));
        }
    }
    // Every string holds a non-space (the API's `.*\S.*`).
    fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.push(s),
            Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    strings(f, &mut all);
    for s in all {
        if s.trim().is_empty() {
            fail("an empty string".into());
        }
    }
    errors
}

fn check_all(findings: &[Value]) {
    let problems: Vec<String> = findings
        .iter()
        .flat_map(|f| {
            check(f)
                .into_iter()
                .map(move |e| format!("{}: {e}", f["Id"]))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn lab_findings_are_importable() {
    let run = atrest(&["scan", "samples/lab", "--format", "asff", "--as-of", AS_OF]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("left out"), "{}", run.stderr);
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 105);
    check_all(findings);

    let volume = findings
        .iter()
        .find(|f| f["GeneratorId"] == "ebs-volume-unencrypted")
        .expect("the unencrypted volume");
    assert!(
        volume["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("atrest/ebs-volume-unencrypted/")),
        "{}",
        volume["Id"]
    );
    assert_eq!(
        volume["ProductArn"],
        "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    );
    assert_eq!(
        volume["Resources"],
        json!([{
            "Type": "AwsEc2Volume",
            "Id": "arn:aws:ec2:us-east-1:123456789012:volume/vol-07ac84538bda72190",
            "Partition": "aws",
            "Region": "us-east-1",
        }])
    );
    assert_eq!(
        volume["Compliance"],
        json!({
            "Status": "FAILED",
            "RelatedRequirements": [
                "aws-fsbp EC2.3", "aws-fsbp EC2.7", "cis-aws-v3.0 2.2.1", "cis-aws-v4.0 5.1.1",
                "cis-aws-v5.0 5.1.1", "cis-aws-v7.0 6.1.1", "nist-800-53-r5 SC-28",
                "nist-800-53-r5 SC-28(1)", "nist-800-53-r5 SC-13",
            ],
        })
    );
    assert_eq!(
        volume["Types"],
        json!([
            "Software and Configuration Checks/AWS Security Best Practices/EBS volume is not encrypted",
            "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
            "Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53",
        ])
    );
    assert_eq!(
        volume["Severity"],
        json!({"Label": "MEDIUM", "Original": "medium"})
    );
    assert_eq!(volume["Workflow"]["Status"], "NEW");
    assert_eq!(
        volume["ProductFields"]["atrest/location"],
        "samples/lab/123456789012/us-east-1/ec2/describe-volumes.json:51"
    );
    // An event names when it happened; a snapshot has no ASFF type of its own.
    let stop = findings
        .iter()
        .find(|f| f["GeneratorId"] == "event-cloudtrail-logging-stopped")
        .expect("StopLogging");
    assert_eq!(stop["FirstObservedAt"], "2026-11-20T14:07:48Z");
    assert_eq!(stop["Resources"][0]["Type"], "Other");
    assert_eq!(stop["Resources"][0]["Id"], "lab-trail");
    // Evidence for CIS's monitoring control of CloudTrail changes.
    assert_eq!(
        stop["Compliance"]["RelatedRequirements"],
        json!([
            "cis-aws-v3.0 4.5",
            "cis-aws-v4.0 4.5",
            "cis-aws-v5.0 4.5",
            "cis-aws-v7.0 5.5"
        ])
    );
    let snapshot = findings
        .iter()
        .find(|f| f["GeneratorId"] == "ebs-snapshot-public")
        .expect("the public snapshot");
    assert_eq!(snapshot["Resources"][0]["Type"], "Other");
}

/// A rule whose texts are longer than Security Hub takes and whose title holds a `/`, on a
/// record with a 5,000-character key id; a record of no account, and one whose region is
/// not one, cannot be imported.
#[test]
fn long_texts_are_cut_and_unimportable_findings_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    let controls: Vec<String> = (1..=40).map(|i| format!("KMS.{i}")).collect();
    let rule = json!({
        "id": "team-long-texts",
        "title": format!("Key policy / grant {}", "very long title ".repeat(30)),
        "severity": "high",
        "applies_to": "cloudtrail",
        "description": "A rule whose texts are longer than Security Hub takes.",
        "detection": {"call": {"eventName": "PutKeyPolicy"}, "condition": "call"},
        "resource": "{requestParameters.keyId}",
        "message": format!("{} on {{requestParameters.keyId}}", "é".repeat(3000)),
        "remediation": format!("aws kms put-key-policy {}", "--policy x ".repeat(100)),
        "references": ["https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html"],
        "compliance": {"aws-fsbp": controls},
        "tags": ["attack.defense_evasion", "attack.t1562"],
    });
    // JSON is YAML.
    std::fs::write(rules.join("long.yml"), rule.to_string()).expect("write");
    let mut plain = rule.clone();
    plain["id"] = json!("team-slash");
    plain["title"] = json!("Key policy/grant opened");
    plain["tags"] = json!([]);
    plain["compliance"] = json!({});
    std::fs::write(rules.join("slash.yml"), plain.to_string()).expect("write");
    let record = |id: &str, account: Option<&str>, region: &str| {
        let mut r = json!({
            "eventVersion": "1.11",
            "eventSource": "kms.amazonaws.com",
            "eventName": "PutKeyPolicy",
            "eventTime": "2026-11-20T14:12:03Z",
            "eventID": id,
            "awsRegion": region,
            "requestParameters": {"keyId": "k".repeat(5000)},
        });
        if let Some(a) = account {
            r["recipientAccountId"] = json!(a);
        }
        r
    };
    let log = dir.path().join("log.json");
    let records = [
        record("e-1", Some("123456789012"), "us-east-1"),
        record("e-2", None, "us-east-1"),
        record("e-3", Some("123456789012"), "us-east-1\u{202e}"),
    ];
    std::fs::write(&log, json!({"Records": records}).to_string()).expect("write");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let run = atrest(&[
        "scan",
        &s(&log),
        "--rules",
        &s(&rules),
        "--only",
        "team-*",
        "--format",
        "asff",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: 4 findings have no AWS account or region, which Security Hub needs: left out of the ASFF report"
        ),
        "{}",
        run.stderr
    );
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 2);
    check_all(findings);
    let f = findings
        .iter()
        .find(|f| f["GeneratorId"] == "team-long-texts")
        .expect("the long one");
    let description = f["Description"].as_str().expect("a description");
    assert_eq!(description.chars().count(), 1024);
    assert!(description.ends_with('…'), "{description}");
    assert_eq!(f["Title"].as_str().map(|t| t.chars().count()), Some(256));
    let text = f["Remediation"]["Recommendation"]["Text"]
        .as_str()
        .expect("text");
    assert_eq!(text.chars().count(), 512);
    assert_eq!(
        f["Compliance"]["RelatedRequirements"]
            .as_array()
            .map(Vec::len),
        Some(32)
    );
    // The rule's ATT&CK tactic says what the event is.
    assert_eq!(
        f["Types"],
        json!([
            "TTPs/Defense Evasion",
            "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
        ])
    );
    assert!(
        f["Resources"][0]["Id"]
            .as_str()
            .is_some_and(|id| id.starts_with("kkk") && id.chars().count() < 5000),
        "{}",
        f["Resources"][0]
    );
    // A `/` in a title is not a part of the type.
    let slash = findings
        .iter()
        .find(|f| f["GeneratorId"] == "team-slash")
        .expect("the other one");
    assert_eq!(
        slash["Types"],
        json!([
            "Software and Configuration Checks/AWS Security Best Practices/Key policy grant opened"
        ])
    );
    assert!(slash.get("Compliance").is_none(), "{slash}");
}
