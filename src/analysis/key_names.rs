//! Keys as records name them, and as the scan resolves them: `requestParameters.keyId` may be
//! a key id, a key ARN, an alias name or an alias ARN. Aliases are resolved when the scan is
//! finished, from the `CreateAlias`/`UpdateAlias` records seen (the latest wins) and from the
//! aliases of an export scanned with the logs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Arn, Inventory, Kind, kms_key_arn};

/// A key as one record names it, before aliases are resolved: a key id or an alias name
/// (`alias/...`), in the record's account and region unless an ARN said otherwise. Held as
/// one string (`partition`, `account`, `region`, `name`, separated by NUL) so that maps keyed
/// by it are looked up with a `&str` written into a reused buffer, without allocating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyName(pub(super) String);

impl std::borrow::Borrow<str> for KeyName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl KeyName {
    /// Writes `reference`, as AWS accepts it wherever a key is named, into `buf`; false when
    /// it names no key.
    pub(super) fn write(buf: &mut String, reference: &str, account: &str, region: &str) -> bool {
        buf.clear();
        if reference.is_empty() {
            return false;
        }
        let (partition, account, region, name) = match Arn::parse(reference) {
            Some(arn) if arn.service == "kms" => {
                let name = arn.resource.strip_prefix("key/").unwrap_or(arn.resource);
                (arn.partition, arn.account, arn.region, name)
            }
            Some(_) => return false,
            None => (
                crate::model::arn::partition(region),
                account,
                region,
                reference,
            ),
        };
        for (i, part) in [partition, account, region, name].iter().enumerate() {
            if i > 0 {
                buf.push('\0');
            }
            buf.push_str(part);
        }
        true
    }

    #[cfg(test)]
    fn parse(reference: &str, account: &str, region: &str) -> Option<KeyName> {
        let mut buf = String::new();
        KeyName::write(&mut buf, reference, account, region).then_some(KeyName(buf))
    }

    pub fn of(encoded: &str) -> KeyName {
        KeyName(encoded.to_owned())
    }

    fn part(&self, i: usize) -> &str {
        self.0.split('\0').nth(i).unwrap_or("")
    }

    pub fn partition(&self) -> &str {
        self.part(0)
    }

    pub fn account(&self) -> &str {
        self.part(1)
    }

    pub fn region(&self) -> &str {
        self.part(2)
    }

    pub fn name(&self) -> &str {
        self.part(3)
    }

    pub fn is_alias(&self) -> bool {
        self.name().starts_with("alias/")
    }
}

/// A key resolved as far as the scan allows: by key id when known, else by the alias that
/// named it (an alias whose target no record or export shows).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId {
    pub account: String,
    pub region: String,
    /// The key id, or the alias name when the target is unknown.
    pub id: String,
    /// The key ARN, when the id is a key id.
    pub arn: Option<String>,
}

/// An alias that a `CreateAlias` or `UpdateAlias` record points at a key.
#[derive(Clone, Debug)]
pub struct AliasEvent {
    pub alias: KeyName,
    pub target: KeyName,
    pub time: i64,
}

/// Resolves the key names of a scan: alias records (the latest wins), then the aliases of
/// the inventory.
pub struct Resolver {
    aliases: HashMap<(String, String, String), String>,
    /// (account, region, key id) → alias names.
    names: BTreeMap<(String, String, String), BTreeSet<String>>,
    /// (account, region, key id) → the key's ARN in the inventory.
    arns: HashMap<(String, String, String), String>,
}

impl Resolver {
    pub fn new(mut events: Vec<AliasEvent>, inventory: &Inventory) -> Resolver {
        let mut resolver = Resolver {
            aliases: HashMap::new(),
            names: BTreeMap::new(),
            arns: HashMap::new(),
        };
        for (_, r) in inventory.of_kind(Kind::KmsAlias) {
            if let (Some(name), Some(target)) = (r.str("AliasName"), r.str("TargetKeyId")) {
                resolver.set(r.account, r.region, name, target);
            }
        }
        for (_, r) in inventory.of_kind(Kind::KmsKey) {
            if let Some((_, id)) = r.arn.rsplit_once(":key/") {
                let scope = (r.account.to_owned(), r.region.to_owned(), id.to_owned());
                resolver.arns.insert(scope, r.arn.to_owned());
            }
        }
        // The logs say what an alias pointed at when they were written: they win over an
        // export of unknown date, and a later record over an earlier one.
        events.sort_by(|a, b| (a.time, &a.alias, &a.target).cmp(&(b.time, &b.alias, &b.target)));
        for e in events {
            if e.target.is_alias() {
                continue;
            }
            let a = &e.alias;
            resolver.set(a.account(), a.region(), a.name(), e.target.name());
        }
        resolver
    }

    fn set(&mut self, account: &str, region: &str, alias: &str, target: &str) {
        let scope = (account.to_owned(), region.to_owned(), alias.to_owned());
        if let Some(old) = self.aliases.insert(scope, target.to_owned()) {
            let key = (account.to_owned(), region.to_owned(), old);
            if let Some(set) = self.names.get_mut(&key) {
                set.remove(alias);
            }
        }
        self.names
            .entry((account.to_owned(), region.to_owned(), target.to_owned()))
            .or_default()
            .insert(alias.to_owned());
    }

    pub fn resolve(&self, name: &KeyName) -> KeyId {
        let (account, region) = (name.account().to_owned(), name.region().to_owned());
        let id = if name.is_alias() {
            let scope = (account.clone(), region.clone(), name.name().to_owned());
            self.aliases.get(&scope).cloned()
        } else {
            Some(name.name().to_owned())
        };
        match id {
            Some(id) => {
                let scope = (account.clone(), region.clone(), id.clone());
                let arn = self
                    .arns
                    .get(&scope)
                    .cloned()
                    .unwrap_or_else(|| kms_key_arn(name.partition(), &region, &account, &id));
                KeyId {
                    account,
                    region,
                    id,
                    arn: Some(arn),
                }
            }
            None => KeyId {
                account,
                region,
                id: name.name().to_owned(),
                arn: None,
            },
        }
    }

    /// The alias names known to point at a key.
    pub fn aliases(&self, key: &KeyId) -> Vec<String> {
        let scope = (key.account.clone(), key.region.clone(), key.id.clone());
        self.names
            .get(&scope)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_references_in_every_form() {
        let n = |s| KeyName::parse(s, "111122223333", "eu-west-1");
        let id = n("1234abcd-12ab").expect("id");
        assert_eq!(
            (id.partition(), id.account(), id.region(), id.name()),
            ("aws", "111122223333", "eu-west-1", "1234abcd-12ab")
        );
        let arn = n("arn:aws-cn:kms:cn-north-1:444455556666:key/k-1").expect("arn");
        assert_eq!(
            (arn.partition(), arn.account(), arn.region(), arn.name()),
            ("aws-cn", "444455556666", "cn-north-1", "k-1")
        );
        let alias = n("arn:aws:kms:us-east-1:444455556666:alias/app").expect("alias arn");
        assert_eq!(alias.name(), "alias/app");
        assert!(n("arn:aws:s3:::bucket").is_none());
        assert!(n("").is_none());
    }

    #[test]
    fn aliases_resolve_from_records_the_latest_winning() {
        let name = |s: &str| KeyName::parse(s, "1", "r").expect("name");
        let events = vec![
            AliasEvent {
                alias: name("alias/app"),
                target: name("k-2"),
                time: 20,
            },
            AliasEvent {
                alias: name("alias/app"),
                target: name("k-1"),
                time: 10,
            },
        ];
        let resolver = Resolver::new(events, &Inventory::default());
        let key = resolver.resolve(&name("alias/app"));
        assert_eq!(key.id, "k-2");
        assert_eq!(key.arn.as_deref(), Some("arn:aws:kms:r:1:key/k-2"));
        assert_eq!(resolver.aliases(&key), ["alias/app"]);
        assert!(resolver.aliases(&resolver.resolve(&name("k-1"))).is_empty());
        let unknown = resolver.resolve(&name("alias/other"));
        assert_eq!((unknown.id.as_str(), unknown.arn), ("alias/other", None));
    }
}
