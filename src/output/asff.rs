//! `--format asff`: the AWS Security Finding Format, a JSON array for
//! `aws securityhub batch-import-findings --findings file://out.json` (at most 100 findings a
//! call: docs/formats.md shows how to split it). Findings go to the account's default product
//! (`product/<account>/default`) in their own region. A finding without a 12-digit account
//! or a region cannot be imported: it is left out, and the caller says how many.
//! Lengths are kept within the API's limits (`Title` 256 characters, `Description` 1024,
//! `Remediation.Recommendation.Text` 512, ...), cut with an ellipsis.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::finding::{Finding, Severity, Subject};
use crate::model::Kind;
use crate::model::arn::{self, Arn};

use super::{Report, Written};

pub const SCHEMA_VERSION: &str = "2018-10-08";

/// Limits of the `AwsSecurityFinding` fields, in characters (Security Hub API reference).
const ID_MAX: usize = 512;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;
const PRODUCT_FIELD_MAX: usize = 2048;
const SEVERITY_ORIGINAL_MAX: usize = 64;
const TYPES_MAX: usize = 50;
const RELATED_REQUIREMENTS_MAX: usize = 32;
/// `Resource.Type` and the classifier part of a type (a title).
const NAME_MAX: usize = 256;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<Written> {
    let now = jiff::Timestamp::from_millisecond(report.time().as_millisecond())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string();
    let mut written = Written::default();
    let mut first = true;
    let mut text = Vec::with_capacity(4096);
    for f in &report.outcome.findings {
        let Some(finding) = finding(report, f, &now) else {
            written.left_out += 1;
            continue;
        };
        text.clear();
        text.extend_from_slice(if first { b"[\n  " } else { b",\n  " });
        serde_json::to_writer(&mut text, &finding)?;
        out.write_all(&text)?;
        first = false;
    }
    out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
    Ok(written)
}

/// Where a finding is imported: its account and region.
fn home(f: &Finding) -> Option<(&str, &str)> {
    if !arn::is_account_id(&f.account) {
        return None;
    }
    let region = Some(f.region.as_str())
        .filter(|r| is_region(r))
        .or_else(|| subject_arn(f).map(|a| a.region).filter(|r| is_region(r)))?;
    Some((&f.account, region))
}

fn subject_arn(f: &Finding) -> Option<Arn<'_>> {
    match &f.subject {
        Subject::Resource { arn, .. } => Arn::parse(arn),
        Subject::Event { resource, .. } => resource.as_deref().and_then(Arn::parse),
    }
}

/// `us-east-1`, `ap-southeast-4`, `us-gov-west-1`: what `Region` may hold (16 characters).
fn is_region(r: &str) -> bool {
    let mut parts = r.split('-');
    let Some(geo) = parts.next() else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((number, middle)) = parts.split_last() else {
        return false;
    };
    r.len() <= 16
        && geo.len() == 2
        && geo.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The partitions `Resource.Partition` accepts.
fn partition(p: &str) -> Option<&str> {
    ["aws", "aws-cn", "aws-us-gov"]
        .into_iter()
        .find(|&x| x == p)
}

/// The finding in ASFF, or `None` when it cannot be imported.
pub fn finding(report: &Report, f: &Finding, now: &str) -> Option<Value> {
    let (account, region) = home(f)?;
    let rule = report.registry.get(f.rule);
    let arn = subject_arn(f);
    let product_partition = arn
        .map(|a| a.partition)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| arn::partition(region));
    let severity = json!({
        "Label": label(f.severity),
        "Original": cut(f.severity.name(), SEVERITY_ORIGINAL_MAX),
    });
    let types = types(report, f);
    let title = non_empty(&rule.title).unwrap_or(&f.rule_id);
    let description = non_empty(&f.message)
        .or_else(|| non_empty(&rule.description))
        .unwrap_or(title);
    let mut m = Map::new();
    m.insert("SchemaVersion".into(), json!(SCHEMA_VERSION));
    m.insert("Id".into(), json!(id(&f.rule_id, &f.fingerprint)));
    m.insert(
        "ProductArn".into(),
        json!(format!(
            "arn:{product_partition}:securityhub:{region}:{account}:product/{account}/default"
        )),
    );
    m.insert("ProductName".into(), json!("atrest"));
    m.insert("CompanyName".into(), json!("atrest"));
    m.insert("GeneratorId".into(), json!(cut(&f.rule_id, ID_MAX)));
    m.insert("AwsAccountId".into(), json!(account));
    m.insert("Types".into(), json!(types));
    m.insert("CreatedAt".into(), json!(now));
    m.insert("UpdatedAt".into(), json!(now));
    if let Subject::Event { time, .. } = &f.subject
        && let Ok(at) = time.parse::<jiff::Timestamp>()
    {
        m.insert("FirstObservedAt".into(), json!(at.to_string()));
        m.insert("LastObservedAt".into(), json!(at.to_string()));
    }
    m.insert("Severity".into(), severity.clone());
    // Security Hub reads severity and types of a finding it has seen only from here.
    m.insert(
        "FindingProviderFields".into(),
        json!({"Severity": severity, "Types": types}),
    );
    m.insert("Title".into(), json!(cut(title, TITLE_MAX)));
    m.insert(
        "Description".into(),
        json!(cut(description, DESCRIPTION_MAX)),
    );
    m.insert("Resources".into(), json!([resource(f, account, region)]));
    let mut recommendation = Map::new();
    let text = non_empty(&f.remediation).or_else(|| non_empty(&rule.remediation_text));
    if let Some(text) = text {
        recommendation.insert("Text".into(), json!(cut(text, RECOMMENDATION_MAX)));
    }
    if let Some(url) = rule.references.first().and_then(|u| non_empty(u)) {
        recommendation.insert("Url".into(), json!(url));
    }
    if !recommendation.is_empty() {
        m.insert(
            "Remediation".into(),
            json!({"Recommendation": recommendation}),
        );
    }
    // A resource failed a check; an event is a check's failure only where its rule maps
    // to controls.
    let requirements: Vec<String> = rule
        .compliance
        .iter()
        .flat_map(|(framework, ids)| ids.iter().map(move |id| format!("{framework} {id}")))
        .take(RELATED_REQUIREMENTS_MAX)
        .collect();
    if matches!(f.subject, Subject::Resource { .. }) || !requirements.is_empty() {
        let mut c = json!({"Status": "FAILED"});
        if !requirements.is_empty() {
            c["RelatedRequirements"] = json!(requirements);
        }
        m.insert("Compliance".into(), c);
    }
    let status = if f.suppression.is_some() {
        "SUPPRESSED"
    } else {
        "NEW"
    };
    m.insert("Workflow".into(), json!({"Status": status}));
    m.insert("RecordState".into(), json!("ACTIVE"));
    m.insert(
        "ProductFields".into(),
        Value::Object(product_fields(report, f)),
    );
    Some(Value::Object(m))
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// `atrest/<rule>/<fingerprint>`: the same finding keeps its id across runs, so importing a
/// later report updates it.
fn id(rule_id: &str, fingerprint: &str) -> String {
    let room = ID_MAX - "atrest//".len() - fingerprint.chars().count();
    format!("atrest/{}/{fingerprint}", cut(rule_id, room))
}

/// `namespace/category/classifier`: a check of configuration, unless the rule's ATT&CK tags
/// say what an event is; then the standards the rule maps to.
fn types(report: &Report, f: &Finding) -> Vec<String> {
    let rule = report.registry.get(f.rule);
    let mut out: Vec<String> = Vec::new();
    if matches!(f.subject, Subject::Event { .. }) {
        out.extend(
            rule.tags
                .iter()
                .filter_map(|t| attack_type(t))
                .map(str::to_owned),
        );
    }
    if out.is_empty() {
        let classifier = classifier(non_empty(&rule.title).unwrap_or(&f.rule_id));
        out.push(format!(
            "Software and Configuration Checks/AWS Security Best Practices/{classifier}"
        ));
    }
    for framework in rule.compliance.keys() {
        out.push(format!(
            "Software and Configuration Checks/Industry and Regulatory Standards/{}",
            standard(framework)
        ));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out.truncate(TYPES_MAX);
    out
}

/// A part of a type: no `/`, which separates the parts, and no control character.
fn classifier(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c == '/' || c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&clean, NAME_MAX)
}

/// The taxonomy's name of a standard atrest maps rules to.
fn standard(framework: &str) -> String {
    match framework {
        "aws-fsbp" => "AWS Foundational Security Best Practices".to_owned(),
        f if f.starts_with("cis-aws") => "CIS AWS Foundations Benchmark".to_owned(),
        f if f.starts_with("pci-dss") => "PCI-DSS".to_owned(),
        f if f.starts_with("nist-800-53") => "NIST 800-53".to_owned(),
        f => classifier(f),
    }
}

/// The ASFF type of a Sigma ATT&CK tag (`attack.defense-evasion`, `attack.t1485`): the
/// tactics the taxonomy's `TTPs` namespace names, and the techniques whose effect its
/// `Effects` namespace names.
fn attack_type(tag: &str) -> Option<&'static str> {
    let tag = tag.to_ascii_lowercase().replace('_', "-");
    let name = tag.strip_prefix("attack.")?;
    Some(match name {
        "initial-access" => "TTPs/Initial Access",
        "execution" => "TTPs/Execution",
        "persistence" => "TTPs/Persistence",
        "privilege-escalation" => "TTPs/Privilege Escalation",
        "defense-evasion" => "TTPs/Defense Evasion",
        "credential-access" => "TTPs/Credential Access",
        "discovery" => "TTPs/Discovery",
        "lateral-movement" => "TTPs/Lateral Movement",
        "collection" => "TTPs/Collection",
        "command-and-control" => "TTPs/Command and Control",
        "exfiltration" => "Effects/Data Exfiltration",
        "t1485" | "t1485.001" => "Effects/Data Destruction",
        "t1498" | "t1499" => "Effects/Denial of Service",
        "t1496" => "Effects/Resource Consumption",
        _ => return None,
    })
}

/// The resource type ASFF has for a kind, or `Other`.
fn resource_type(kind: Kind) -> &'static str {
    match kind {
        Kind::S3Bucket => "AwsS3Bucket",
        Kind::S3Account => "AwsS3AccountPublicAccessBlock",
        Kind::KmsKey => "AwsKmsKey",
        Kind::EbsVolume => "AwsEc2Volume",
        Kind::Ec2Instance => "AwsEc2Instance",
        Kind::CloudtrailTrail => "AwsCloudTrailTrail",
        Kind::SecretsmanagerSecret => "AwsSecretsManagerSecret",
        Kind::DynamodbTable => "AwsDynamoDbTable",
        Kind::SqsQueue => "AwsSqsQueue",
        Kind::SnsTopic => "AwsSnsTopic",
        Kind::RdsInstance => "AwsRdsDbInstance",
        Kind::RdsCluster => "AwsRdsDbCluster",
        Kind::RdsSnapshot => "AwsRdsDbSnapshot",
        Kind::RdsClusterSnapshot => "AwsRdsDbClusterSnapshot",
        // No type of their own in ASFF (an EFS file system has none, only its access
        // points; EBS snapshots, AMIs, KMS aliases, SSM parameters and the account's EBS
        // defaults neither).
        Kind::KmsAlias
        | Kind::EbsSnapshot
        | Kind::EbsDefaults
        | Kind::Ec2Image
        | Kind::EfsFileSystem
        | Kind::SsmParameter => "Other",
    }
}

/// The ASFF type of what an event acts on, by its ARN.
fn type_of_arn(a: &Arn) -> &'static str {
    let kind = a.resource.split(['/', ':']).next().unwrap_or("");
    match (a.service, kind) {
        ("s3", _) if a.resource.contains('/') => "AwsS3Object",
        ("s3", "account") if !a.account.is_empty() => "AwsS3AccountPublicAccessBlock",
        ("s3", _) => "AwsS3Bucket",
        ("kms", "key") => "AwsKmsKey",
        ("ec2", "volume") => "AwsEc2Volume",
        ("ec2", "instance") => "AwsEc2Instance",
        ("cloudtrail", "trail") => "AwsCloudTrailTrail",
        ("secretsmanager", "secret") => "AwsSecretsManagerSecret",
        ("dynamodb", "table") => "AwsDynamoDbTable",
        ("sqs", _) => "AwsSqsQueue",
        ("sns", _) => "AwsSnsTopic",
        ("rds", "db") => "AwsRdsDbInstance",
        ("rds", "cluster") => "AwsRdsDbCluster",
        ("rds", "snapshot") => "AwsRdsDbSnapshot",
        ("rds", "cluster-snapshot") => "AwsRdsDbClusterSnapshot",
        _ => "Other",
    }
}

/// The subject as a resource; an event that names none is about its account.
fn resource(f: &Finding, account: &str, region: &str) -> Value {
    let (kind, id) = match &f.subject {
        Subject::Resource { arn, kind } => (resource_type(*kind), arn.clone()),
        Subject::Event {
            resource: Some(r), ..
        } => (
            Arn::parse(r).as_ref().map_or("Other", type_of_arn),
            r.clone(),
        ),
        Subject::Event { resource: None, .. } => {
            ("AwsAccount", format!("AWS::::Account:{account}"))
        }
    };
    let arn = subject_arn(f);
    let region = arn
        .map(|a| a.region)
        .filter(|r| is_region(r))
        .unwrap_or(region);
    let mut r = json!({"Type": kind, "Id": id, "Region": region});
    let named = arn.map(|a| a.partition).filter(|p| !p.is_empty());
    if let Some(p) = partition(named.unwrap_or_else(|| arn::partition(region))) {
        r["Partition"] = json!(p);
    }
    r
}

fn product_fields(report: &Report, f: &Finding) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |key: &str, value: &str| {
        if let Some(v) = non_empty(value) {
            m.insert(key.into(), json!(cut(v, PRODUCT_FIELD_MAX)));
        }
    };
    put("atrest/fingerprint", &f.fingerprint);
    if let Some(loc) = &f.primary {
        let p = report.place(loc);
        let location = match p.span {
            Some(s) => format!("{}:{}", p.path, s.line),
            None => p.path,
        };
        put("atrest/location", &location);
    }
    if let Subject::Event { id, .. } = &f.subject {
        put("atrest/event-id", id);
    }
    if let Some(s) = &f.suppression {
        put("atrest/suppression", &s.reason);
    }
    m
}

/// `text`, or `None` when it is empty or only spaces (ASFF strings must hold a non-space).
fn non_empty(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// At most `max` characters: a longer text is cut on a character boundary and ends with `…`.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_cut_to_their_limit_on_a_character() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        let long = "é".repeat(2000);
        let c = cut(&long, DESCRIPTION_MAX);
        assert_eq!(c.chars().count(), DESCRIPTION_MAX);
        assert!(c.ends_with('…'));
        assert!(id(&"r".repeat(600), "0123456789abcdef").chars().count() <= ID_MAX);
    }

    #[test]
    fn regions_and_types() {
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-4",
            "eu-central-2",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in [
            "",
            "us-east-1\u{202e}",
            "useast1",
            "us-east-",
            "-east-1",
            "US-EAST-1",
        ] {
            assert!(!is_region(r), "{r:?}");
        }
        assert_eq!(classifier("SSE-S3/none\nor KMS"), "SSE-S3 none or KMS");
        assert_eq!(
            attack_type("attack.defense_evasion"),
            Some("TTPs/Defense Evasion")
        );
        assert_eq!(
            attack_type("attack.t1485"),
            Some("Effects/Data Destruction")
        );
        assert_eq!(attack_type("attack.t1562.008"), None);
        let key = Arn::parse("arn:aws:kms:us-east-1:123456789012:key/k-1");
        assert_eq!(key.as_ref().map(type_of_arn), Some("AwsKmsKey"));
        let object = Arn::parse("arn:aws:s3:::bucket/img/logo.png");
        assert_eq!(object.as_ref().map(type_of_arn), Some("AwsS3Object"));
    }
}
