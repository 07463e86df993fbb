//! S3 buckets: default encryption, policy, ACL and the effective public access block.

use crate::model::document::Node;
use serde_json::{Map, Value, json};

use crate::model::arn::s3_account_arn;
use crate::model::piece::Fact;
use crate::model::policy::{analyze, parse_node};
use crate::model::{Arn, Kind, Resource};

use super::{Ctx, Derived, as_bool, at, loc, replication};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

pub fn bucket(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    region(r, d);
    encryption(r, ctx, d);
    let policy_public = policy(r, d);
    let acl_public = acl(r, d);
    let effective = public_access_block(r, ctx, d);
    ownership(r, d);
    replication::bucket(r, ctx, d);

    // Public in effect: a public policy not restricted, or a public ACL not ignored.
    let flag = |name: &str| {
        effective
            .as_ref()
            .and_then(|e| e.get(name))
            .and_then(Value::as_bool)
    };
    // S3's own verdict on the policy (`get-bucket-policy-status`) counts as much as ours.
    let aws_says_public = r
        .get("PolicyStatus")
        .and_then(|s| s.get("IsPublic"))
        .and_then(as_bool);
    let policy_public = match (policy_public, aws_says_public) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), _) | (None, Some(false)) => Some(false),
        (None, None) => None,
    };
    let by_policy = policy_public.map(|p| p && flag("RestrictPublicBuckets") != Some(true));
    let by_acl = acl_public.map(|p| p && flag("IgnorePublicAcls") != Some(true));
    let public = match (by_policy, by_acl) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    if let Some(public) = public {
        let evidence = if by_policy == Some(true) {
            "/Policy"
        } else {
            "/Grants"
        };
        d.set("Public", Value::from(public), loc(r, evidence));
    }
}

/// `LocationConstraint` is null for us-east-1 and `EU` for eu-west-1.
fn region(r: &Resource, d: &mut Derived) {
    if let Some((region, evidence)) = region_of(r) {
        d.set("Region", Value::from(region.clone()), loc(r, evidence));
        d.region = Some(region);
    }
}

/// A bucket's region and the field that says it, from its own fields (another bucket's
/// derived `Region` is not there yet while buckets are derived).
pub(super) fn region_of(r: &Resource) -> Option<(String, &'static str)> {
    let constraint = r.get("LocationConstraint");
    let region = match constraint.map(|c| (c.is_null(), c.as_str())) {
        Some((true, _)) => Some("us-east-1".to_owned()),
        Some((_, Some(""))) => Some("us-east-1".to_owned()),
        Some((_, Some("EU"))) => Some("eu-west-1".to_owned()),
        Some((_, Some(s))) => Some(s.to_owned()),
        _ => r.str("BucketRegion").map(str::to_owned),
    }?;
    let evidence = if r.get("LocationConstraint").is_some() {
        "/LocationConstraint"
    } else {
        "/BucketRegion"
    };
    Some((region, evidence))
}

/// A bucket's default encryption algorithm (`SSEAlgorithm`), from its own fields; `none` when
/// it has none, `None` when not exported.
pub(super) fn sse_algorithm_of(r: &Resource) -> Option<String> {
    if r.fact(Fact::NoDefaultEncryption).is_some() {
        return Some("none".into());
    }
    let rules = at(r, "/ServerSideEncryptionConfiguration/Rules")?.as_array()?;
    let algorithm = rules
        .iter()
        .find_map(|rule| rule.get("ApplyServerSideEncryptionByDefault"))
        .map_or("none", |d| {
            d.get("SSEAlgorithm")
                .and_then(Node::as_str)
                .unwrap_or("none")
        });
    Some(algorithm.to_owned())
}

fn encryption(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(fact_loc) = r.fact(Fact::NoDefaultEncryption) {
        d.set("SSEAlgorithm", json!("none"), Some(fact_loc.clone()));
        return;
    }
    let Some(rules) = at(r, "/ServerSideEncryptionConfiguration/Rules").and_then(Node::as_array)
    else {
        return;
    };
    let Some(i) = rules
        .iter()
        .position(|rule| rule.get("ApplyServerSideEncryptionByDefault").is_some())
    else {
        d.set(
            "SSEAlgorithm",
            json!("none"),
            loc(r, "/ServerSideEncryptionConfiguration"),
        );
        return;
    };
    let base = format!("/ServerSideEncryptionConfiguration/Rules/{i}");
    let Some(rule) = rules.get(i) else {
        return;
    };
    let default = rule.get("ApplyServerSideEncryptionByDefault");
    let algorithm = default
        .and_then(|d| d.get("SSEAlgorithm"))
        .and_then(Node::as_str)
        .unwrap_or("none");
    let algo_at = format!("{base}/ApplyServerSideEncryptionByDefault/SSEAlgorithm");
    d.set("SSEAlgorithm", json!(algorithm), loc(r, &algo_at));
    let bucket_key = rule
        .get("BucketKeyEnabled")
        .and_then(as_bool)
        .unwrap_or(false);
    let key_at = if rule.get("BucketKeyEnabled").is_some() {
        format!("{base}/BucketKeyEnabled")
    } else {
        base.clone()
    };
    d.set("BucketKeyEnabled", json!(bucket_key), loc(r, &key_at));
    if algorithm.starts_with("aws:kms") {
        let named = default
            .and_then(|d| d.get("KMSMasterKeyID"))
            .and_then(Node::as_str);
        // No key named means the AWS managed key `aws/s3`.
        let reference = named.unwrap_or("alias/aws/s3");
        let ref_at = if named.is_some() {
            format!("{base}/ApplyServerSideEncryptionByDefault/KMSMasterKeyID")
        } else {
            algo_at
        };
        d.set("KMSMasterKeyID", json!(reference), loc(r, &ref_at));
        d.key_link(ctx, r, reference, loc(r, &ref_at));
    } else if algorithm == "AES256" {
        d.aws_owned_key(loc(r, &algo_at));
    }
}

/// The policy facts; returns `PolicyPublic` when the policy is known.
fn policy(r: &Resource, d: &mut Derived) -> Option<bool> {
    if let Some(fact_loc) = r.fact(Fact::NoBucketPolicy) {
        let at = Some(fact_loc.clone());
        d.set("PolicyPublic", json!(false), at.clone());
        d.set("PolicyCrossAccounts", json!([]), at.clone());
        d.set("PolicyDeniesUnencryptedUploads", json!(false), at.clone());
        d.set("PolicyRequiresTls", json!(false), at);
        return Some(false);
    }
    let doc = r.get("Policy").and_then(parse_node)?;
    let facts = analyze(&doc, r.account);
    let statement = |i: usize| loc(r, &format!("/Policy/Statement/{i}"));
    let whole = loc(r, "/Policy");
    d.set(
        "PolicyPublic",
        json!(!facts.public_statements.is_empty()),
        facts
            .public_statements
            .first()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    let cross: Vec<&String> = facts.cross_accounts.keys().collect();
    d.set(
        "PolicyCrossAccounts",
        json!(cross),
        facts
            .cross_accounts
            .values()
            .next()
            .map_or(whole.clone(), |&i| statement(i)),
    );
    d.set(
        "PolicyDeniesUnencryptedUploads",
        json!(facts.denies_unencrypted_uploads.is_some()),
        facts
            .denies_unencrypted_uploads
            .map_or(whole.clone(), statement),
    );
    d.set(
        "PolicyRequiresTls",
        json!(facts.requires_tls.is_some()),
        facts.requires_tls.map_or(whole, statement),
    );
    d.set("PolicyDocument", doc, loc(r, "/Policy"));
    Some(!facts.public_statements.is_empty())
}

/// `AclPublic` and `AclPublicGrants` (e.g. `READ to AllUsers`); returns `AclPublic`.
fn acl(r: &Resource, d: &mut Derived) -> Option<bool> {
    let grants = r.get("Grants")?.as_array()?;
    let mut public = Vec::new();
    let mut first = None;
    for (i, g) in grants.iter().enumerate() {
        let grantee = g.get("Grantee");
        let uri = grantee.and_then(|g| g.get("URI")).and_then(Node::as_str);
        let group = match uri {
            Some(ALL_USERS) => "AllUsers",
            Some(AUTHENTICATED_USERS) => "AuthenticatedUsers",
            _ => continue,
        };
        let permission = g.get("Permission").and_then(Node::as_str).unwrap_or("?");
        public.push(Value::from(format!("{permission} to {group}")));
        first.get_or_insert(i);
    }
    let is_public = !public.is_empty();
    let evidence = first.map_or("/Grants".to_owned(), |i| format!("/Grants/{i}"));
    d.set("AclPublic", json!(is_public), loc(r, &evidence));
    d.set("AclPublicGrants", Value::Array(public), loc(r, &evidence));
    Some(is_public)
}

/// Each setting is on if the bucket or the account turns it on. Known when both are
/// known, or when either turns it on. Also links `AccountSettings` to the account's S3
/// settings.
fn public_access_block(r: &Resource, ctx: &Ctx, d: &mut Derived) -> Option<Map<String, Value>> {
    let partition = Arn::parse(r.arn).map_or("aws", |a| a.partition);
    let arn = s3_account_arn(partition, r.account);
    let account = ctx.inv.find(Kind::S3Account, &arn);
    let account = account.map(|i| {
        d.link("AccountSettings", i);
        &ctx.inv.resources[i]
    });
    let bucket_block = r.get("PublicAccessBlockConfiguration");
    let account_block = account.and_then(|a| a.get("PublicAccessBlockConfiguration"));
    if bucket_block.is_none() && account_block.is_none() {
        return None;
    }
    let mut effective = Map::new();
    for flag in FLAGS {
        let b = bucket_block.and_then(|c| c.get(flag)).and_then(as_bool);
        let a = account_block.and_then(|c| c.get(flag)).and_then(as_bool);
        let value = match (b, a) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
        if let Some(v) = value {
            effective.insert(flag.to_owned(), Value::from(v));
        }
    }
    let all = FLAGS
        .iter()
        .all(|f| effective.get(*f) == Some(&Value::Bool(true)));
    let known = FLAGS.iter().all(|f| effective.contains_key(*f));
    if all || known {
        effective.insert("AllEnabled".to_owned(), Value::from(all));
    }
    // Point at the bucket's settings when it has them (that is where a fix goes first).
    let evidence = if bucket_block.is_some() {
        loc(r, "/PublicAccessBlockConfiguration")
    } else {
        account.and_then(|a| a.locate("/PublicAccessBlockConfiguration"))
    };
    d.set(
        "EffectivePublicAccessBlock",
        Value::Object(effective.clone()),
        evidence,
    );
    Some(effective)
}

fn ownership(r: &Resource, d: &mut Derived) {
    if let Some(fact_loc) = r.fact(Fact::NoOwnershipControls) {
        d.set("AclsEnabled", json!(true), Some(fact_loc.clone()));
        return;
    }
    let Some(rules) = at(r, "/OwnershipControls/Rules").and_then(Node::as_array) else {
        return;
    };
    let setting = rules
        .iter()
        .find_map(|rule| rule.get("ObjectOwnership").and_then(Node::as_str));
    let evidence = loc(r, "/OwnershipControls/Rules/0/ObjectOwnership");
    if let Some(setting) = setting {
        d.set("ObjectOwnership", json!(setting), evidence.clone());
    }
    d.set(
        "AclsEnabled",
        json!(setting != Some("BucketOwnerEnforced")),
        evidence,
    );
}
