//! Resource policies (S3 bucket policies, KMS key policies), analysed once in typed Rust so
//! that rules read facts instead of re-implementing IAM.
//!
//! The analysis follows AWS's own meaning of "public" for resource policies: an `Allow` to
//! every principal is public unless a condition pins a fixed value of a key that narrows who
//! can call (source account, organization, VPC, IP range, ...).

use std::collections::BTreeMap;

use serde_json::Value;

/// What a policy document says, with the index of the statement that says it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PolicyFacts {
    /// Statements that allow every principal without a narrowing condition.
    pub public_statements: Vec<usize>,
    /// Other AWS accounts granted access, each with the first statement that grants it.
    pub cross_accounts: BTreeMap<String, usize>,
    /// A `Deny` of `s3:PutObject` to everyone when the request does not use SSE-KMS.
    pub denies_unencrypted_uploads: Option<usize>,
    /// A `Deny` of all S3 actions to everyone when `aws:SecureTransport` is false.
    pub requires_tls: Option<usize>,
    /// Principals (other than the account root) allowed both to administer the key and to
    /// use it for cryptography, each with a statement that grants the use.
    pub admins_who_can_use: BTreeMap<String, usize>,
}

/// One statement, read tolerantly: IAM accepts a string or a list almost everywhere.
struct Statement<'a> {
    allow: bool,
    principals: Principals<'a>,
    actions: Vec<&'a str>,
    not_actions: Option<Vec<&'a str>>,
    condition: Option<&'a serde_json::Map<String, Value>>,
}

enum Principals<'a> {
    /// `"Principal": "*"`, `{"AWS": "*"}`, or `NotPrincipal` with `Allow`.
    Everyone,
    /// The `AWS` principals; service and federated principals grant no account access.
    Named { aws: Vec<&'a str> },
}

/// Parses a policy document given as JSON text (what S3 and KMS return) or as an object.
pub fn parse_document(policy: &Value) -> Option<Value> {
    match policy {
        Value::String(text) => serde_json::from_str(text).ok(),
        Value::Object(_) => Some(policy.clone()),
        _ => None,
    }
}

/// [`parse_document`] for a resource's field.
pub fn parse_node(policy: crate::model::Node) -> Option<Value> {
    match policy.as_str() {
        Some(text) => serde_json::from_str(text).ok(),
        None if policy.is_object() => Some(policy.to_value()),
        None => None,
    }
}

pub fn analyze(document: &Value, own_account: &str) -> PolicyFacts {
    let mut facts = PolicyFacts::default();
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut admins: BTreeMap<&str, bool> = BTreeMap::new();
    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, raw) in statements.iter().enumerate() {
        let Some(st) = Statement::read(raw) else {
            continue;
        };
        match (&st.principals, st.allow) {
            (Principals::Everyone, true) => {
                if !st.narrowed() {
                    facts.public_statements.push(index);
                }
                for account in st.condition_accounts() {
                    if account != own_account && !own_account.is_empty() {
                        facts
                            .cross_accounts
                            .entry(account.to_owned())
                            .or_insert(index);
                    }
                }
            }
            (Principals::Named { aws, .. }, true) => {
                for principal in aws {
                    if let Some(account) = account_of(principal)
                        && account != own_account
                        && !own_account.is_empty()
                    {
                        facts
                            .cross_accounts
                            .entry(account.to_owned())
                            .or_insert(index);
                    }
                    if is_account_root(principal) {
                        continue;
                    }
                    if KEY_ADMIN_ACTIONS.iter().any(|a| st.covers(a)) {
                        admins.insert(principal, true);
                    }
                    if KEY_USE_ACTIONS.iter().any(|a| st.covers(a)) {
                        users.entry(principal).or_insert(index);
                    }
                }
            }
            (Principals::Everyone, false) => {
                if facts.denies_unencrypted_uploads.is_none()
                    && st.covers("s3:PutObject")
                    && st.denies_without_kms()
                {
                    facts.denies_unencrypted_uploads = Some(index);
                }
                if facts.requires_tls.is_none()
                    && st.covers("s3:GetObject")
                    && st.covers("s3:PutObject")
                    && st.denies_insecure_transport()
                {
                    facts.requires_tls = Some(index);
                }
            }
            (Principals::Named { .. }, false) => {}
        }
    }
    for (principal, statement) in users {
        if admins.contains_key(principal) {
            facts
                .admins_who_can_use
                .insert(principal.to_owned(), statement);
        }
    }
    facts
}

/// Actions that let a principal change who controls a key or destroy it.
const KEY_ADMIN_ACTIONS: [&str; 4] = [
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:DeleteImportedKeyMaterial",
];
/// Actions that use a key's material.
const KEY_USE_ACTIONS: [&str; 4] = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
];

/// Condition keys that, pinned to fixed values, narrow who can use an `Allow` to everyone.
const NARROWING_KEYS: [&str; 16] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "kms:calleraccount",
    "kms:viaservice",
    "s3:dataaccesspointaccount",
];

/// Condition keys whose values are account ids.
const ACCOUNT_KEYS: [&str; 4] = [
    "aws:sourceaccount",
    "aws:principalaccount",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
];

const POSITIVE_OPERATORS: [&str; 7] = [
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "ipaddress",
    "forallvalues:stringequals",
];

impl<'a> Statement<'a> {
    fn read(raw: &'a Value) -> Option<Self> {
        let allow = match raw.get("Effect")?.as_str()? {
            e if e.eq_ignore_ascii_case("allow") => true,
            e if e.eq_ignore_ascii_case("deny") => false,
            _ => return None,
        };
        let principals = if let Some(p) = raw.get("Principal") {
            read_principals(p)
        } else if raw.get("NotPrincipal").is_some() && allow {
            // Allowing everyone except some principals is allowing (nearly) everyone.
            Principals::Everyone
        } else {
            Principals::Named { aws: Vec::new() }
        };
        Some(Statement {
            allow,
            principals,
            actions: strings(raw.get("Action")),
            not_actions: raw.get("NotAction").map(|v| strings(Some(v))),
            condition: raw.get("Condition").and_then(Value::as_object),
        })
    }

    /// Whether the statement applies to `action`.
    fn covers(&self, action: &str) -> bool {
        match &self.not_actions {
            Some(excluded) => !excluded.iter().any(|p| glob(p, action)),
            None => self.actions.iter().any(|p| glob(p, action)),
        }
    }

    fn conditions(&self) -> impl Iterator<Item = (String, String, Vec<&'a str>)> + '_ {
        self.condition.into_iter().flat_map(|ops| {
            ops.iter().flat_map(|(op, keys)| {
                keys.as_object().into_iter().flat_map(move |keys| {
                    keys.iter().map(move |(key, values)| {
                        (
                            op.to_ascii_lowercase(),
                            key.to_ascii_lowercase(),
                            strings(Some(values)),
                        )
                    })
                })
            })
        })
    }

    fn narrowed(&self) -> bool {
        self.conditions().any(|(op, key, values)| {
            POSITIVE_OPERATORS.contains(&op.as_str())
                && NARROWING_KEYS.contains(&key.as_str())
                && !values.is_empty()
                && values.iter().all(|v| *v != "*")
        })
    }

    fn condition_accounts(&self) -> Vec<&'a str> {
        self.conditions()
            .filter(|(op, key, _)| {
                POSITIVE_OPERATORS.contains(&op.as_str()) && ACCOUNT_KEYS.contains(&key.as_str())
            })
            .flat_map(|(_, _, values)| values)
            .filter(|v| is_account_id(v))
            .collect()
    }

    /// A condition on an account key (`kms:CallerAccount`, ...) whatever its values.
    fn pins_account_keys(&self) -> bool {
        self.conditions()
            .any(|(_, key, _)| ACCOUNT_KEYS.contains(&key.as_str()))
    }

    fn denies_without_kms(&self) -> bool {
        self.conditions().any(|(op, key, values)| {
            let negated = op.starts_with("stringnot") || op.starts_with("arnnot");
            match key.as_str() {
                "s3:x-amz-server-side-encryption" => {
                    negated
                        && !values.is_empty()
                        && values
                            .iter()
                            .all(|v| matches!(*v, "aws:kms" | "aws:kms:dsse"))
                }
                "s3:x-amz-server-side-encryption-aws-kms-key-id" => negated,
                _ => false,
            }
        })
    }

    fn denies_insecure_transport(&self) -> bool {
        self.conditions().any(|(op, key, values)| {
            op.starts_with("bool")
                && key == "aws:securetransport"
                && values.iter().any(|v| v.eq_ignore_ascii_case("false"))
        })
    }
}

/// What an account needs on a KMS key to use an EBS snapshot or AMI encrypted with it that is
/// shared with it: copy it, create volumes from it, launch from it.
pub const SHARED_SNAPSHOT_ACTIONS: [&str; 5] = [
    "kms:DescribeKey",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
];

/// Whether a key policy lets principals of `account` call `action`: an `Allow` that covers
/// it, to principals of that account (its root, a role or user of it, or everyone without a
/// condition that pins other accounts), and no unconditional `Deny` of it to them. An `Allow`
/// to everyone narrowed by a condition that is not about accounts (`kms:ViaService`, a VPC
/// endpoint) is taken to admit the account: the policy alone cannot tell.
pub fn admits(document: &Value, account: &str, action: &str) -> bool {
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut allowed = false;
    for st in statements.iter().filter_map(|raw| Statement::read(raw)) {
        if !st.covers(action) {
            continue;
        }
        let names = match &st.principals {
            Principals::Everyone => {
                let pinned = st.condition_accounts();
                pinned.is_empty() && !st.pins_account_keys() || pinned.contains(&account)
            }
            Principals::Named { aws } => aws.iter().any(|p| account_of(p) == Some(account)),
        };
        if !names {
            continue;
        }
        if st.allow {
            allowed = true;
        } else if st.condition.is_none() {
            return false;
        }
    }
    allowed
}

fn read_principals(p: &Value) -> Principals<'_> {
    if p.as_str() == Some("*") {
        return Principals::Everyone;
    }
    let mut aws = Vec::new();
    if let Some(map) = p.as_object() {
        for (kind, values) in map {
            let values = strings(Some(values));
            if kind == "AWS" {
                if values.contains(&"*") {
                    return Principals::Everyone;
                }
                aws.extend(values);
            }
        }
    }
    Principals::Named { aws }
}

/// A string or a list of strings, as IAM allows; anything else is ignored.
fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::Bool(true)) => vec!["true"],
        Some(Value::Bool(false)) => vec!["false"],
        _ => Vec::new(),
    }
}

/// IAM action matching: case-insensitive (ASCII), `*` and `?` wildcards. Allocation-free: it
/// runs for every statement of every policy against several actions.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account a principal names: a bare account id or the account field of an ARN.
pub fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    let account = principal.strip_prefix("arn:")?.split(':').nth(3)?;
    is_account_id(account).then_some(account)
}

fn is_account_root(principal: &str) -> bool {
    is_account_id(principal) || principal.ends_with(":root")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(statements: Value) -> PolicyFacts {
        analyze(
            &json!({"Version": "2012-10-17", "Statement": statements}),
            "111122223333",
        )
    }

    #[test]
    fn admits_an_account_by_its_principals_or_an_open_statement() {
        let doc = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
        let other = "444455556666";
        let root = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"});
        assert!(!admits(&doc(json!([root])), other, "kms:Decrypt"));
        let share = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")},
            "Action": ["kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant"], "Resource": "*"});
        let shared = doc(json!([root, share]));
        for action in SHARED_SNAPSHOT_ACTIONS {
            assert!(admits(&shared, other, action), "{action}");
        }
        assert!(!admits(&shared, other, "kms:Encrypt"));
        assert!(!admits(&shared, "777788889999", "kms:Decrypt"));
        // A role of the account, or a bare account id, names the account too.
        let role = json!({"Effect": "Allow", "Principal": {"AWS": [format!("arn:aws:iam::{other}:role/backup"), "999988887777"]}, "Action": "kms:Decrypt"});
        assert!(admits(&doc(json!([role])), other, "kms:Decrypt"));
        assert!(admits(&doc(json!([role])), "999988887777", "kms:Decrypt"));
        // An AWS managed key: everyone, but only callers of its own account.
        let managed = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:CreateGrant"],
            "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}});
        assert!(!admits(&doc(json!([managed])), other, "kms:Decrypt"));
        assert!(admits(
            &doc(json!([managed])),
            "111122223333",
            "kms:Decrypt"
        ));
        // Open to everyone through a service only: the policy cannot tell, so it admits.
        let via = json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
            "Condition": {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}});
        assert!(admits(&doc(json!([via])), other, "kms:Decrypt"));
        // An unconditional Deny wins.
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt"});
        assert!(!admits(&doc(json!([share, deny])), other, "kms:Decrypt"));
        assert!(!admits(
            &json!({"Statement": "nonsense"}),
            other,
            "kms:Decrypt"
        ));
    }

    #[test]
    fn public_unless_narrowed() {
        let open =
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"});
        assert_eq!(facts(json!([open])).public_statements, vec![0]);
        let aws_star =
            json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject"});
        assert_eq!(facts(json!(aws_star)).public_statements, vec![0]);
        let vpce = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}});
        assert!(facts(json!([vpce])).public_statements.is_empty());
        let wildcard = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"StringLike": {"aws:SourceVpce": "*"}}});
        assert_eq!(facts(json!([wildcard])).public_statements, vec![0]);
        let negated = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}});
        assert_eq!(facts(json!([negated])).public_statements, vec![0]);
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*"});
        assert!(facts(json!([deny])).public_statements.is_empty());
    }

    #[test]
    fn cross_account_principals() {
        let f = facts(json!([
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/r", "777788889999"]}, "Action": "kms:Decrypt"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject"},
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Condition": {"StringEquals": {"kms:CallerAccount": "999988887777"}}}
        ]));
        let accounts: Vec<_> = f.cross_accounts.into_iter().collect();
        assert_eq!(
            accounts,
            vec![
                ("444455556666".into(), 1),
                ("777788889999".into(), 1),
                ("999988887777".into(), 3)
            ]
        );
        assert!(f.public_statements.is_empty());
    }

    #[test]
    fn upload_encryption_and_tls_denials() {
        let f = facts(json!([
            {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]));
        assert_eq!(f.denies_unencrypted_uploads, Some(0));
        assert_eq!(f.requires_tls, Some(1));
        // Denying only AES256 headers does not force SSE-KMS.
        let weak = facts(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}]),
        );
        assert_eq!(weak.denies_unencrypted_uploads, None);
        let tls_bool = facts(json!([{"Effect": "Deny", "Principal": "*", "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": false}}}]));
        assert_eq!(tls_bool.requires_tls, Some(0));
        let only_get = facts(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
        );
        assert_eq!(only_get.requires_tls, None);
    }

    #[test]
    fn key_admins_who_can_use() {
        let role = "arn:aws:iam::111122223333:role/voclabs";
        let f = facts(json!([
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": role}, "Action": ["kms:Create*", "kms:Put*", "kms:Disable*", "kms:ScheduleKeyDeletion"], "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": [role, "arn:aws:iam::111122223333:role/app"]}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}
        ]));
        let admins: Vec<_> = f.admins_who_can_use.into_iter().collect();
        assert_eq!(admins, vec![(role.to_owned(), 2)]);
    }

    #[test]
    fn glob_matches_iam_wildcards() {
        assert!(glob("s3:Put*", "s3:PutObject"));
        assert!(glob("*", "kms:Decrypt"));
        assert!(glob("kms:GenerateDataKey*", "kms:generatedatakey"));
        assert!(glob("s3:?etObject", "s3:GetObject"));
        assert!(!glob("s3:Get*", "s3:PutObject"));
        assert!(!glob("kms:Decrypt", "kms:DecryptX"));
    }

    #[test]
    fn tolerates_odd_shapes() {
        assert_eq!(
            analyze(&json!({"Statement": "x"}), "1"),
            PolicyFacts::default()
        );
        assert_eq!(analyze(&json!([]), "1"), PolicyFacts::default());
        let f = facts(
            json!([{"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "s3:GetObject"}]),
        );
        assert_eq!(f.public_statements, vec![0]);
    }
}
