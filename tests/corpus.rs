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
