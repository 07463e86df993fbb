//! Conformance with real third-party data in `../shared/corpus` (skipped when absent): Sigma's
//! AWS rules load and trip on the attack logs written for them, CloudTrail delivery trees
//! and both encodings of one file read the same, malformed logs give diagnostics.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use atrest::finding::Subject;
use atrest::rules::Registry;
use atrest::scan::{Outcome, scan};
use common::corpus;

fn scan_with(path: &Path, registry: &Registry) -> Outcome {
    scan(&[path.to_path_buf()], registry)
}

fn sigma_and_builtin(corpus: &Path) -> Registry {
    Registry::load(true, &[corpus.join("sigma")]).unwrap_or_else(|e| panic!("{e:#?}"))
}

/// A rule that fires on every record, naming its principal.
fn every_event(dir: &Path) -> Registry {
    let rule = r#"
id: every-event
title: Any event
severity: info
applies_to: cloudtrail
description: Fires on every CloudTrail record, for counting in tests.
remediation: aws cloudtrail lookup-events
message: "{eventName}"
resource: "{userIdentity.arn|{userIdentity.invokedBy|{userIdentity.principalId}}}"
detection:
  any:
    eventVersion|exists: true
  condition: any
"#;
    std::fs::write(dir.join("every.yml"), rule).expect("write");
    Registry::load(false, &[dir.to_path_buf()]).expect("loads")
}

#[test]
fn every_sigma_aws_rule_loads() {
    let Some(corpus) = corpus() else { return };
    let registry =
        Registry::load(false, &[corpus.join("sigma")]).unwrap_or_else(|e| panic!("{e:#?}"));
    let files = std::fs::read_dir(corpus.join("sigma"))
        .expect("dir")
        .count();
    assert_eq!(registry.len(), files);
}

#[test]
fn attack_logs_trip_the_rules_written_for_them() {
    let Some(corpus) = corpus() else { return };
    let registry = sigma_and_builtin(&corpus);
    let cases: [(&str, &[&str]); 8] = [
        (
            "aws.defense-evasion.cloudtrail-stop.json",
            &[
                "event-cloudtrail-logging-stopped",
                "AWS CloudTrail Important Change",
            ],
        ),
        (
            "aws.defense-evasion.cloudtrail-delete.json",
            &[
                "event-cloudtrail-logging-stopped",
                "AWS CloudTrail Important Change",
            ],
        ),
        (
            "aws.exfiltration.ec2-share-ebs-snapshot.json",
            &["AWS Snapshot Backup Exfiltration"],
        ),
        (
            "aws.defense-evasion.vpc-remove-flow-logs.json",
            &["AWS VPC Flow Logs Deleted"],
        ),
        (
            "aws.initial-access.console-login-without-mfa.json",
            &["AWS Successful Console Login Without MFA"],
        ),
        (
            "aws.persistence.lambda-layer-extension.json",
            &["AWS New Lambda Layer Attached"],
        ),
        (
            "aws.privilege-escalation.iam-update-user-login-profile.json",
            &["AWS User Login Profile Was Modified"],
        ),
        (
            "aws.exfiltration.ec2-security-group-open-port-22-ingress.json",
            &["Ingress/Egress Security Group Modification"],
        ),
    ];
    for (file, expected) in cases {
        let outcome = scan_with(&corpus.join("cloudtrail/stratus").join(file), &registry);
        assert!(
            outcome.diagnostics.is_empty(),
            "{file}: {:?}",
            outcome.diagnostics
        );
        let fired: BTreeSet<String> = outcome
            .findings
            .iter()
            .flat_map(|f| {
                let rule = registry.get(f.rule);
                [rule.id.clone(), rule.title.clone()]
            })
            .collect();
        for name in expected {
            assert!(
                fired.contains(*name),
                "{file} should trip `{name}`; fired: {fired:?}"
            );
        }
    }
}

#[test]
fn delivery_tree_is_read_in_full() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = every_event(dir.path());
    let outcome = scan_with(&corpus.join("cloudtrail/delivery"), &registry);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.stats.files, 2);
    let acl_checks = outcome
        .findings
        .iter()
        .filter(|f| f.message == "GetBucketAcl" && matches!(&f.subject, Subject::Event { resource: Some(r), .. } if r == "cloudtrail.amazonaws.com"))
        .count();
    assert_eq!(
        acl_checks, 14,
        "GetBucketAcl calls by cloudtrail.amazonaws.com"
    );
    let principals: BTreeSet<&str> = outcome
        .findings
        .iter()
        .filter_map(|f| match &f.subject {
            Subject::Event { resource, .. } => resource.as_deref(),
            Subject::Resource { .. } => None,
        })
        .collect();
    assert_eq!(principals.len(), 8, "{principals:?}");
}

#[test]
fn json_and_gzip_encodings_give_the_same_events() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = every_event(dir.path());
    let base = corpus.join("cloudtrail/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json");
    let gz = PathBuf::from(format!("{}.gz", base.display()));
    let ids = |p: &Path| -> Vec<String> {
        let outcome = scan_with(p, &registry);
        assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
        outcome
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect()
    };
    let plain = ids(&base);
    assert!(!plain.is_empty());
    assert_eq!(plain, ids(&gz));
}

#[test]
fn malformed_and_enriched_logs_give_diagnostics_or_findings() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = every_event(dir.path());
    for folder in ["cloudtrail/malformed", "cloudtrail/enriched"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let outcome = scan_with(&file, &registry);
            assert!(
                !outcome.diagnostics.is_empty() || outcome.stats.events > 0,
                "{}: neither a diagnostic nor an event",
                file.display()
            );
            for d in &outcome.diagnostics {
                assert!(!d.message.is_empty() && d.path == file);
            }
        }
    }
}

/// ~800 plausible Sigma-format CloudTrail rules, deterministic: most pin `eventSource` and
/// `eventName` (some as a list of maps), some only `eventName` or only `eventSource`, about
/// 5 % neither (keywords, a user agent); names come from real records so that some match.
mod generated_rules {
    use std::fmt::Write;

    /// (eventSource, eventName) pairs: those of the attack logs, and more.
    const PAIRS: &[(&str, &str)] = &[
        ("cloudtrail.amazonaws.com", "StopLogging"),
        ("cloudtrail.amazonaws.com", "DeleteTrail"),
        ("cloudtrail.amazonaws.com", "PutEventSelectors"),
        ("cloudtrail.amazonaws.com", "UpdateTrail"),
        ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
        ("ec2.amazonaws.com", "DeleteFlowLogs"),
        ("ec2.amazonaws.com", "ModifySnapshotAttribute"),
        ("ec2.amazonaws.com", "ModifyImageAttribute"),
        ("ec2.amazonaws.com", "RunInstances"),
        ("ec2.amazonaws.com", "StopInstances"),
        ("ec2.amazonaws.com", "GetPasswordData"),
        ("ec2.amazonaws.com", "CreateVolume"),
        ("ec2.amazonaws.com", "DisableEbsEncryptionByDefault"),
        ("iam.amazonaws.com", "CreateAccessKey"),
        ("iam.amazonaws.com", "CreateUser"),
        ("iam.amazonaws.com", "AttachUserPolicy"),
        ("iam.amazonaws.com", "AttachRolePolicy"),
        ("iam.amazonaws.com", "UpdateLoginProfile"),
        ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
        ("iam.amazonaws.com", "PutUserPolicy"),
        ("iam.amazonaws.com", "DeleteRolePolicy"),
        ("kms.amazonaws.com", "DisableKey"),
        ("kms.amazonaws.com", "ScheduleKeyDeletion"),
        ("kms.amazonaws.com", "PutKeyPolicy"),
        ("kms.amazonaws.com", "CreateGrant"),
        ("kms.amazonaws.com", "Decrypt"),
        ("kms.amazonaws.com", "DisableKeyRotation"),
        ("s3.amazonaws.com", "PutBucketPolicy"),
        ("s3.amazonaws.com", "PutBucketAcl"),
        ("s3.amazonaws.com", "DeleteBucketEncryption"),
        ("s3.amazonaws.com", "PutBucketPublicAccessBlock"),
        ("s3.amazonaws.com", "GetObject"),
        ("secretsmanager.amazonaws.com", "GetSecretValue"),
        ("secretsmanager.amazonaws.com", "BatchGetSecretValue"),
        ("secretsmanager.amazonaws.com", "ListSecrets"),
        ("ssm.amazonaws.com", "GetParameters"),
        ("ssm.amazonaws.com", "SendCommand"),
        ("ssm.amazonaws.com", "StartSession"),
        ("sts.amazonaws.com", "AssumeRole"),
        ("sts.amazonaws.com", "GetCallerIdentity"),
        ("sts.amazonaws.com", "GetFederationToken"),
        ("signin.amazonaws.com", "ConsoleLogin"),
        ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
        ("lambda.amazonaws.com", "AddPermission20150331v2"),
        ("organizations.amazonaws.com", "LeaveOrganization"),
        ("rds.amazonaws.com", "ModifyDBSnapshotAttribute"),
        ("rds.amazonaws.com", "DeleteDBCluster"),
        ("guardduty.amazonaws.com", "DeleteDetector"),
        ("config.amazonaws.com", "StopConfigurationRecorder"),
        ("bedrock.amazonaws.com", "InvokeModel"),
        (
            "route53resolver.amazonaws.com",
            "DeleteResolverQueryLogConfig",
        ),
        ("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey"),
        ("dynamodb.amazonaws.com", "UpdateTable"),
        ("sns.amazonaws.com", "SetTopicAttributes"),
        ("sqs.amazonaws.com", "SetQueueAttributes"),
        ("elasticfilesystem.amazonaws.com", "DeleteFileSystem"),
    ];

    /// Field tests that narrow a selection, as Sigma rules do (`{i}` makes them the rule's
    /// own, so that, as in a real rule set, few rules fire).
    const EXTRA: &[&str] = &[
        "userIdentity.type: Root",
        "userAgent|contains: 'tool-{i}'",
        "sourceIPAddress|cidr: '198.51.{c}.0/24'",
        "userIdentity.arn|endswith: ':user/admin-{i}'",
        "requestParameters.name|startswith: 'prod-{i}'",
        "userIdentity.sessionContext.sessionIssuer.userName: 'role-{i}'",
        "awsRegion: [ap-south-{i}, me-central-{i}]",
        "errorCode: [AccessDenied, UnauthorizedOperation]",
    ];

    /// One in this many rules narrows its selection by a test that real records pass.
    const BROAD: usize = 20;

    pub fn write(dir: &std::path::Path, count: usize) {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for i in 0..count {
            let (source, name) = PAIRS[next(PAIRS.len())];
            let extra = if next(BROAD) == 0 {
                "errorCode|exists: false".to_owned()
            } else {
                EXTRA[next(EXTRA.len())]
                    .replace("{i}", &i.to_string())
                    .replace("{c}", &(i % 256).to_string())
            };
            let mut names = vec![name];
            for _ in 0..next(3) {
                let (s, n) = PAIRS[next(PAIRS.len())];
                if s == source && !names.contains(&n) {
                    names.push(n);
                }
            }
            let names = names.join(", ");
            let mut detection = String::new();
            let kind = next(100);
            let filter = next(3) == 0;
            let _ = match kind {
                // Source and name.
                0..60 => writeln!(
                    detection,
                    "    selection:\n        eventSource: {source}\n        eventName: [{names}]\n        {extra}"
                ),
                // Name only, as a list of maps.
                60..75 => writeln!(
                    detection,
                    "    selection:\n        - eventName: {name}\n          {extra}\n        - eventName: [{names}]\n          errorCode: AccessDenied"
                ),
                // Source only.
                75..95 => writeln!(
                    detection,
                    "    selection:\n        eventSource: {source}\n        {extra}"
                ),
                // Neither.
                95..98 => writeln!(
                    detection,
                    "    selection:\n        - 'pacu-{i}'\n        - 'cloudfox-{i}'"
                ),
                _ => writeln!(
                    detection,
                    "    selection:\n        userAgent|contains: 'scanner-{i}'"
                ),
            };
            if filter {
                detection.push_str("    filter:\n        userIdentity.invokedBy|exists: true\n");
            }
            let condition = if filter {
                "selection and not filter"
            } else {
                "selection"
            };
            let text = format!(
                "title: Generated rule {i}\nid: generated-{i:04}\nstatus: test\nlogsource:\n    \
                 product: aws\n    service: cloudtrail\ndetection:\n{detection}    condition: \
                 {condition}\nlevel: {}\n",
                ["low", "medium", "high"][next(3)]
            );
            std::fs::write(dir.join(format!("generated_{i:04}.yml")), text).expect("write");
        }
    }
}

/// The attack logs' records, repeated to `copies` times their number, as one delivery file.
fn repeated_records(corpus: &Path, dir: &Path, copies: usize) -> (PathBuf, usize) {
    let mut records = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("cloudtrail/stratus"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("records");
        records.extend(list);
    }
    let all: Vec<serde_json::Value> = (0..copies).flat_map(|_| records.clone()).collect();
    let path = dir.join("trail.json");
    let n = all.len();
    std::fs::write(&path, serde_json::json!({ "Records": all }).to_string()).expect("write");
    (path, n)
}

#[test]
fn generated_rules_load_and_are_dispatched_by_source_and_name() {
    use std::io::Write;
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("dir");
    generated_rules::write(&rules, 800);
    let many =
        Registry::load(false, &[corpus.join("sigma"), rules]).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(many.len(), 857);
    let few = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let (path, events) = repeated_records(&corpus, dir.path(), 1);
    let text = std::fs::read_to_string(path).expect("read");
    let records: serde_json::Value = serde_json::from_str(&text).expect("json");
    let tried = |registry: &Registry| -> usize {
        records["Records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| registry.for_record(r).len())
            .sum()
    };
    let (few_tried, many_tried) = (tried(&few), tried(&many));
    let _ = writeln!(
        std::io::stderr(),
        "rules tried per record: {:.1} of {} loaded, {:.1} of {}",
        few_tried as f64 / events as f64,
        few.len(),
        many_tried as f64 / events as f64,
        many.len()
    );
    // 15x the rules, but each record is tried only on the rules of its source and name and
    // the few that pin neither (about 5 % of the generated ones).
    assert!(
        many_tried < events * 100,
        "{many_tried} rules tried for {events} records (with 57 rules: {few_tried})"
    );
    assert!(few_tried < events * 5, "{few_tried} for {events} records");
}

/// `cargo test --release --test corpus -- --ignored --nocapture dispatch_speed`: events/s
/// of a scan with Sigma's 57 rules and with 800 generated rules more. Prints, asserts
/// nothing about time.
#[test]
#[ignore]
fn dispatch_speed() {
    use std::io::Write;
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("dir");
    generated_rules::write(&rules, 800);
    let few = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let many = Registry::load(false, &[corpus.join("sigma"), rules]).expect("loads");
    let (path, events) = repeated_records(&corpus, dir.path(), 300);
    let best = |registry: &Registry| {
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let outcome = scan_with(&path, registry);
                assert_eq!(outcome.stats.events, events);
                (started.elapsed(), outcome.findings.len())
            })
            .min()
            .expect("runs")
    };
    // Interleaved, so that a busy machine slows both alike.
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push((best(&few), best(&many)));
    }
    let (t_few, f_few) = runs.iter().map(|r| r.0).min().expect("runs");
    let (t_many, f_many) = runs.iter().map(|r| r.1).min().expect("runs");
    let rate = |t: std::time::Duration| events as f64 / t.as_secs_f64();
    let mut out = std::io::stderr();
    // The rules alone, over records parsed beforehand: what a record costs beyond reading.
    let text = std::fs::read_to_string(&path).expect("read");
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let records = parsed["Records"].as_array().expect("records");
    let rules_only = |registry: &Registry| {
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let mut fired = 0usize;
                for r in records {
                    for i in registry.for_record(r) {
                        fired += usize::from(
                            registry
                                .get(i)
                                .detection
                                .matches(atrest::rules::Doc::Plain(r)),
                        );
                    }
                }
                (started.elapsed(), fired)
            })
            .min()
            .expect("runs")
    };
    let per_record = |t: std::time::Duration| t.as_nanos() as f64 / records.len() as f64;
    let (r_few, _) = rules_only(&few);
    let (r_many, _) = rules_only(&many);
    let _ = writeln!(
        out,
        "rules alone: {:.0} ns per record with {} rules, {:.0} ns with {}",
        per_record(r_few),
        few.len(),
        per_record(r_many),
        many.len()
    );
    let _ = writeln!(
        out,
        "{events} events: {} rules {:.0} events/s ({f_few} findings); {} rules {:.0} events/s \
         ({f_many} findings); ratio {:.1} %",
        few.len(),
        rate(t_few),
        many.len(),
        rate(t_many),
        100.0 * rate(t_many) / rate(t_few)
    );
}

/// Every attack log against Sigma's AWS rules alone: exactly the rules that fire, per
/// technique (an empty list: Sigma has no rule for that technique; `AWS STS AssumeRole
/// Misuse` fires wherever the technique ran under an assumed role's session).
#[test]
fn each_attack_log_trips_exactly_its_sigma_rules() {
    let Some(corpus) = corpus() else { return };
    let registry = Registry::load(false, &[corpus.join("sigma")]).expect("loads");
    let expected: &[(&str, &[&str])] = &[
        (
            "credential-access.ec2-get-password-data",
            &["AWS STS AssumeRole Misuse"],
        ),
        (
            "credential-access.ec2-steal-instance-credentials",
            &[
                "AWS STS AssumeRole Misuse",
                "Potential Malicious Usage of CloudTrail System Manager",
            ],
        ),
        (
            "credential-access.secretsmanager-batch-retrieve-secrets",
            &[],
        ),
        ("credential-access.secretsmanager-retrieve-secrets", &[]),
        (
            "credential-access.ssm-retrieve-securestring-parameters",
            &[],
        ),
        (
            "defense-evasion.cloudtrail-delete",
            &["AWS CloudTrail Important Change"],
        ),
        ("defense-evasion.cloudtrail-event-selectors", &[]),
        (
            "defense-evasion.cloudtrail-stop",
            &["AWS CloudTrail Important Change"],
        ),
        ("defense-evasion.dns-delete-logs", &[]),
        (
            "defense-evasion.organizations-leave",
            &["AWS STS AssumeRole Misuse"],
        ),
        (
            "defense-evasion.vpc-remove-flow-logs",
            &["AWS VPC Flow Logs Deleted"],
        ),
        (
            "discovery.ec2-download-user-data",
            &["AWS STS AssumeRole Misuse"],
        ),
        (
            "execution.ec2-launch-unusual-instances",
            &["AWS STS AssumeRole Misuse"],
        ),
        ("execution.ec2-user-data", &[]),
        (
            "execution.ssm-send-command",
            &["Potential Malicious Usage of CloudTrail System Manager"],
        ),
        ("execution.ssm-start-session", &[]),
        (
            "exfiltration.ec2-security-group-open-port-22-ingress",
            &["Ingress/Egress Security Group Modification"],
        ),
        ("exfiltration.ec2-share-ami", &[]),
        (
            "exfiltration.ec2-share-ebs-snapshot",
            &["AWS Snapshot Backup Exfiltration"],
        ),
        ("exfiltration.rds-share-snapshot", &[]),
        (
            "impact.bedrock-invoke-model",
            &["AWS STS AssumeRole Misuse"],
        ),
        (
            "initial-access.console-login-without-mfa",
            &["AWS Successful Console Login Without MFA"],
        ),
        ("lateral-movement.ec2-instance-connect", &[]),
        (
            "lateral-movement.ec2-serial-console-send-ssh-public-key",
            &["AWS STS AssumeRole Misuse"],
        ),
        ("persistence.iam-backdoor-role", &[]),
        (
            "persistence.iam-backdoor-user",
            &["AWS IAM Backdoor Users Keys"],
        ),
        (
            "persistence.iam-create-admin-user",
            &["AWS IAM Backdoor Users Keys"],
        ),
        ("persistence.iam-create-backdoor-role", &[]),
        ("persistence.iam-create-user-login-profile", &[]),
        ("persistence.lambda-backdoor-function", &[]),
        (
            "persistence.lambda-layer-extension",
            &["AWS New Lambda Layer Attached"],
        ),
        ("persistence.lambda-overwrite-code", &[]),
        ("persistence.rolesanywhere-create-trust-anchor", &[]),
        ("persistence.sts-federation-token", &[]),
        (
            "privilege-escalation.iam-update-user-login-profile",
            &["AWS User Login Profile Was Modified"],
        ),
    ];
    let mut files: Vec<String> = std::fs::read_dir(corpus.join("cloudtrail/stratus"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let techniques: Vec<String> = files
        .iter()
        .map(|f| {
            f.trim_start_matches("aws.")
                .trim_end_matches(".json")
                .to_owned()
        })
        .collect();
    let listed: Vec<&str> = expected.iter().map(|(t, _)| *t).collect();
    assert_eq!(techniques, listed, "one row per attack log");
    let mut wrong = Vec::new();
    for (file, (technique, titles)) in files.iter().zip(expected) {
        let outcome = scan_with(&corpus.join("cloudtrail/stratus").join(file), &registry);
        assert!(
            outcome.diagnostics.is_empty(),
            "{file}: {:?}",
            outcome.diagnostics
        );
        let fired: BTreeSet<&str> = outcome
            .findings
            .iter()
            .map(|f| registry.get(f.rule).title.as_str())
            .collect();
        let want: BTreeSet<&str> = titles.iter().copied().collect();
        if fired != want {
            wrong.push(format!("{technique}: fired {fired:?}, expected {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
