//! Resolving references to KMS keys. AWS accepts a key id, a key ARN, an alias name or an
//! alias ARN wherever a key is named; the model links each to the key resource so that rules
//! can follow `KmsKey.KeyState`, and says why when it cannot.

use std::collections::{HashMap, HashSet};

use super::{Arn, Inventory, Kind};

/// What a reference to a KMS key resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRef {
    Resolved(usize),
    /// The key's account and region were exported (`list-keys`) and it is not there:
    /// the key no longer exists.
    Missing,
    /// The key belongs to an account that is not in the scan.
    External,
    /// The key's region was not exported: nothing can be said.
    Unknown,
}

impl KeyRef {
    /// The value of the `KmsKeyResolution` field.
    pub fn name(self) -> &'static str {
        match self {
            KeyRef::Resolved(_) => "resolved",
            KeyRef::Missing => "missing",
            KeyRef::External => "external",
            KeyRef::Unknown => "unknown",
        }
    }
}

type Scope = (String, String);

/// The alias prefix AWS reserves for the keys it manages (`alias/aws/ebs`).
pub const AWS_MANAGED_ALIAS: &str = "alias/aws/";

/// Who manages the key that protects a resource: the `KeyKind` field of every resource that
/// names one. AWS owned keys (SSE-S3, SSE-SQS, DynamoDB's default) never appear in KMS; the
/// service derivations say so themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    CustomerManaged,
    AwsManaged,
    AwsOwned,
    /// The key could not be looked at (not exported) and its name does not tell.
    Unknown,
}

impl KeyKind {
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::CustomerManaged => "customer_managed",
            KeyKind::AwsManaged => "aws_managed",
            KeyKind::AwsOwned => "aws_owned",
            KeyKind::Unknown => "unknown",
        }
    }
}

pub struct KeyIndex {
    /// Key id → the keys with that id (ids are UUIDs: one key, in practice).
    by_id: HashMap<String, Vec<(Scope, usize)>>,
    by_arn: HashMap<String, usize>,
    /// (account, region, alias name) → target key id.
    aliases: HashMap<(Scope, String), String>,
    /// (account, region, key id) → the aliases pointing at it.
    names: HashMap<(Scope, String), Vec<String>>,
    listed: HashSet<Scope>,
    accounts: HashSet<String>,
}

impl KeyIndex {
    pub fn new(inv: &Inventory, listed: &HashSet<(String, String)>) -> Self {
        let mut index = KeyIndex {
            by_id: HashMap::new(),
            by_arn: HashMap::new(),
            aliases: HashMap::new(),
            names: HashMap::new(),
            listed: listed.clone(),
            accounts: HashSet::new(),
        };
        for (i, r) in inv.resources.iter().enumerate() {
            if !r.account.is_empty() && !index.accounts.contains(r.account) {
                index.accounts.insert(r.account.to_owned());
            }
            // Only keys and aliases are indexed: no copy of every resource's scope.
            let scope = || (r.account.to_owned(), r.region.to_owned());
            match r.kind {
                Kind::KmsKey => {
                    index.by_arn.insert(r.arn.to_owned(), i);
                    let id = r
                        .str("KeyId")
                        .map(str::to_owned)
                        .or_else(|| r.arn.rsplit_once("key/").map(|(_, id)| id.to_owned()));
                    if let Some(id) = id {
                        index.by_id.entry(id).or_default().push((scope(), i));
                    }
                }
                Kind::KmsAlias => {
                    if let (Some(name), Some(target)) = (r.str("AliasName"), r.str("TargetKeyId")) {
                        index
                            .aliases
                            .insert((scope(), name.to_owned()), target.to_owned());
                        index
                            .names
                            .entry((scope(), target.to_owned()))
                            .or_default()
                            .push(name.to_owned());
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// Resolves `reference` as named by a resource in `account` and `region`.
    pub fn resolve(&self, reference: &str, account: &str, region: &str) -> KeyRef {
        if let Some(&i) = self.by_arn.get(reference) {
            return KeyRef::Resolved(i);
        }
        let (account, region, name) = match Arn::parse(reference) {
            Some(arn) => (arn.account, arn.region, arn.resource),
            None => (account, region, reference),
        };
        let key_id = match name.strip_prefix("key/") {
            Some(id) => id,
            None if name.starts_with("alias/") => {
                let scope = (account.to_owned(), region.to_owned());
                match self.aliases.get(&(scope, name.to_owned())) {
                    Some(target) => target.as_str(),
                    // AWS creates its managed keys (`alias/aws/sqs`, ...) on first use and
                    // never deletes them: one the export does not list is unknown, not gone.
                    None if name.starts_with(AWS_MANAGED_ALIAS) => return KeyRef::Unknown,
                    None => return self.absent(account, region),
                }
            }
            None => name,
        };
        let found = self.by_id.get(key_id).and_then(|keys| {
            keys.iter()
                .find(|((a, r), _)| a == account && r == region)
                .map(|(_, i)| *i)
        });
        match found {
            Some(i) => KeyRef::Resolved(i),
            None => self.absent(account, region),
        }
    }

    fn absent(&self, account: &str, region: &str) -> KeyRef {
        if self
            .listed
            .contains(&(account.to_owned(), region.to_owned()))
        {
            KeyRef::Missing
        } else if !account.is_empty() && !self.accounts.contains(account) {
            KeyRef::External
        } else {
            KeyRef::Unknown
        }
    }

    /// Who manages the key `reference` names, as it resolved.
    pub fn kind_of(&self, inv: &Inventory, reference: &str, resolved: KeyRef) -> KeyKind {
        let name = Arn::parse(reference).map_or(reference, |a| a.resource);
        if name.starts_with(AWS_MANAGED_ALIAS) {
            return KeyKind::AwsManaged;
        }
        match resolved {
            KeyRef::Resolved(i) => {
                let key = &inv.resources[i];
                match key.str("KeyManager") {
                    Some("AWS") => KeyKind::AwsManaged,
                    Some("CUSTOMER") => KeyKind::CustomerManaged,
                    _ => {
                        let id = key.arn.rsplit_once("key/").map_or("", |(_, id)| id);
                        let aliases = self.aliases_of(key.account, key.region, id);
                        if aliases.iter().any(|a| a.starts_with(AWS_MANAGED_ALIAS)) {
                            KeyKind::AwsManaged
                        } else {
                            KeyKind::Unknown
                        }
                    }
                }
            }
            // AWS managed keys cannot be used from another account: another account's key
            // is a customer managed key.
            KeyRef::External => KeyKind::CustomerManaged,
            KeyRef::Missing | KeyRef::Unknown => KeyKind::Unknown,
        }
    }

    /// The aliases that point at key `key_id` in a scope.
    pub fn aliases_of(&self, account: &str, region: &str, key_id: &str) -> Vec<String> {
        let scope = (account.to_owned(), region.to_owned());
        let mut names = self
            .names
            .get(&(scope, key_id.to_owned()))
            .cloned()
            .unwrap_or_default();
        names.sort();
        names
    }
}
