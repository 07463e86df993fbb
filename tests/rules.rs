//! The built-in rules: each loads, carries complete metadata and its own passing and failing
//! cases, and every case passes.

use atrest::rules::{Expect, Registry, Target, testing};

fn builtin() -> Registry {
    Registry::builtin().unwrap_or_else(|errors| panic!("built-in rules fail to load: {errors:#?}"))
}

#[test]
fn every_case_of_every_rule_passes() {
    let registry = builtin();
    let mut failures = Vec::new();
    for rule in registry.rules() {
        for result in testing::run(rule) {
            if let Some(why) = result.failure {
                failures.push(format!("{} :: {}: {why}", result.rule, result.case));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_rule_has_a_finding_case_and_a_clean_case() {
    for rule in builtin().rules() {
        let expects: Vec<Expect> = rule.tests.iter().map(|t| t.expect).collect();
        assert!(
            expects.contains(&Expect::Finding) && expects.contains(&Expect::None),
            "{} needs both a finding case and a clean (`none`) case",
            rule.id
        );
        // A rule that can leave a resource unjudged shows it.
        assert!(
            rule.requires.is_empty() || expects.contains(&Expect::Unknown),
            "{} has `requires` but no `expect: unknown` case",
            rule.id
        );
        assert!(
            rule.applies_when.is_none() || expects.contains(&Expect::Skipped),
            "{} has `applies_when` but no `expect: skipped` case",
            rule.id
        );
    }
}

#[test]
fn metadata_is_complete_and_ids_follow_files() {
    let catalogs = atrest::report::catalog::all().expect("catalogs");
    let frameworks: Vec<&str> = catalogs.iter().map(|c| c.id.as_str()).collect();
    for rule in builtin().rules() {
        let id = &rule.id;
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id}: ids are kebab-case"
        );
        let file = rule.path.rsplit('/').next().unwrap_or_default();
        assert_eq!(
            file,
            format!("{id}.yml"),
            "{id}: the file is named after the id"
        );
        let family = rule.path.split('/').nth(1).unwrap_or_default();
        let expected_family = match rule.target {
            Target::Events => "events",
            Target::Resource(kind) => match kind.name().split('_').next().unwrap_or_default() {
                "ec2" => "ebs",
                other => other,
            },
        };
        assert_eq!(family, expected_family, "{id}: rules/{expected_family}/");
        assert!(
            rule.description.trim().len() > 40,
            "{id}: a real description"
        );
        assert!(
            rule.remediation_text.contains("aws "),
            "{id}: the remediation gives the AWS CLI command"
        );
        assert!(!rule.references.is_empty(), "{id}: references");
        assert!(
            rule.references.iter().all(|r| r.starts_with("https://")),
            "{id}: references are URLs"
        );
        for framework in rule.compliance.keys() {
            assert!(
                frameworks.contains(&framework.as_str()),
                "{id}: unknown framework {framework}"
            );
        }
    }
}

/// One snapshot lists every rule id with its severity and target, so that additions and
/// changes show in review.
#[test]
fn rule_list_snapshot() {
    let list: Vec<String> = builtin()
        .rules()
        .iter()
        .map(|r| format!("{:45} {:8} {}", r.id, r.severity.name(), r.target.name()))
        .collect();
    insta::assert_snapshot!(list.join("\n"));
}
