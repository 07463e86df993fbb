//! Who calls KMS on which key: each KMS record becomes a [`KmsCall`] (the key as the record
//! names it, the caller, the operation, the error), and the calls of a scan are counted per
//! key × principal × operation for `atrest activity`.
//!
//! A record names its key in `resources[].ARN` (the key KMS resolved, for every call on a
//! key), in `responseElements` (`ScheduleKeyDeletion`, `CreateKey`) or in
//! `requestParameters.keyId`, which may be a key id, a key ARN, an alias name or an alias
//! ARN. Aliases are resolved when the scan is finished, from the `CreateAlias`/`UpdateAlias`
//! records seen and from the aliases of an export scanned with the logs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::model::{Arn, Event, Inventory, Kind, kms_key_arn};

/// A key as one record names it, before aliases are resolved: `name` is a key id or an alias
/// name (`alias/...`), in the record's account and region unless an ARN said otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyName {
    pub partition: String,
    pub account: String,
    pub region: String,
    pub name: String,
}

impl KeyName {
    /// `reference` as AWS accepts it wherever a key is named.
    fn parse(reference: &str, account: &str, region: &str) -> Option<KeyName> {
        if reference.is_empty() {
            return None;
        }
        let (partition, account, region, name) = match Arn::parse(reference) {
            Some(arn) if arn.service == "kms" => {
                let name = arn.resource.strip_prefix("key/").unwrap_or(arn.resource);
                (arn.partition, arn.account, arn.region, name)
            }
            Some(_) => return None,
            None => (
                crate::model::arn::partition(region),
                account,
                region,
                reference,
            ),
        };
        Some(KeyName {
            partition: partition.to_owned(),
            account: account.to_owned(),
            region: region.to_owned(),
            name: name.to_owned(),
        })
    }

    fn is_alias(&self) -> bool {
        self.name.starts_with("alias/")
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

/// One KMS record, as the analyses read it.
pub struct KmsCall<'a> {
    pub key: Option<KeyName>,
    pub operation: &'a str,
    pub principal: String,
    /// The AWS service that called on the principal's behalf.
    pub service: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Seconds since the epoch, when `eventTime` parses.
    pub time: Option<i64>,
    pub time_text: &'a str,
    /// The record's field that named the key (a JSON pointer below the record).
    pub key_field: &'static str,
}

/// Seconds since the epoch of a CloudTrail `eventTime`.
pub fn seconds(time: &str) -> Option<i64> {
    time.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// Who made a call: the IAM ARN, or for an AWS service acting on its own the service, or the
/// identity type with its principal id.
pub fn principal(record: &Value) -> String {
    let identity = record.get("userIdentity");
    let field = |name: &str| identity.and_then(|i| i.get(name)).and_then(Value::as_str);
    if let Some(arn) = field("arn") {
        return arn.to_owned();
    }
    if let Some(service) = field("invokedBy") {
        return service.to_owned();
    }
    match (field("type"), field("principalId")) {
        (Some(t), Some(p)) => format!("{t}:{p}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(p)) => p.to_owned(),
        (None, None) => "(unknown principal)".to_owned(),
    }
}

/// The AWS service a call came through: `userIdentity.invokedBy`, or a source address that is
/// a service's name (`s3.amazonaws.com` calls KMS for SSE-KMS objects).
pub fn service(record: &Value) -> Option<&str> {
    let invoked = record
        .get("userIdentity")
        .and_then(|i| i.get("invokedBy"))
        .and_then(Value::as_str);
    invoked.or_else(|| {
        record
            .get("sourceIPAddress")
            .and_then(Value::as_str)
            .filter(|s| s.ends_with(".amazonaws.com"))
    })
}

fn text<'a>(record: &'a Value, pointer: &str) -> Option<&'a str> {
    record
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The KMS call a record is, for records of `kms.amazonaws.com`.
pub fn kms_call<'a>(event: &Event<'a>) -> KmsCall<'a> {
    let record = event.record;
    let account = text(record, "/recipientAccountId")
        .or_else(|| text(record, "/userIdentity/accountId"))
        .unwrap_or("");
    let region = text(record, "/awsRegion").unwrap_or("");
    let from_resources = record
        .get("resources")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter().enumerate().find_map(|(i, r)| {
                let arn = r.get("ARN").and_then(Value::as_str)?;
                arn.contains(":key/").then_some((i, arn))
            })
        });
    const CANDIDATES: [&str; 5] = [
        "/responseElements/keyId",
        "/responseElements/keyMetadata/arn",
        "/requestParameters/keyId",
        "/requestParameters/targetKeyId",
        "/requestParameters/destinationKeyId",
    ];
    let (key, key_field) = match from_resources {
        Some((i, arn)) => (
            KeyName::parse(arn, account, region),
            RESOURCE_FIELDS.get(i).copied().unwrap_or("/resources"),
        ),
        None => CANDIDATES
            .iter()
            .find_map(|p| text(record, p).map(|s| (KeyName::parse(s, account, region), *p)))
            .unwrap_or((None, "")),
    };
    let time_text = text(record, "/eventTime").unwrap_or("");
    KmsCall {
        key,
        operation: text(record, "/eventName").unwrap_or(""),
        principal: principal(record),
        service: service(record),
        error: text(record, "/errorCode"),
        time: seconds(time_text),
        time_text,
        key_field,
    }
}

/// `resources[i].ARN` as pointers, for the first few entries (a key is nearly always first).
const RESOURCE_FIELDS: [&str; 4] = [
    "/resources/0/ARN",
    "/resources/1/ARN",
    "/resources/2/ARN",
    "/resources/3/ARN",
];

/// An alias that a `CreateAlias` or `UpdateAlias` record points at a key.
#[derive(Clone, Debug)]
pub struct AliasEvent {
    pub alias: KeyName,
    pub target: KeyName,
    pub time: i64,
}

/// The alias a successful `CreateAlias`/`UpdateAlias` record sets.
pub fn alias_event(event: &Event, call: &KmsCall) -> Option<AliasEvent> {
    if call.error.is_some() || !matches!(call.operation, "CreateAlias" | "UpdateAlias") {
        return None;
    }
    let record = event.record;
    let account = text(record, "/recipientAccountId").unwrap_or("");
    let region = text(record, "/awsRegion").unwrap_or("");
    let alias = KeyName::parse(
        text(record, "/requestParameters/aliasName")?,
        account,
        region,
    )?;
    let target = KeyName::parse(
        text(record, "/requestParameters/targetKeyId")?,
        account,
        region,
    )?;
    Some(AliasEvent {
        alias,
        target,
        time: call.time.unwrap_or(0),
    })
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
                resolver.set(&r.account, &r.region, name, target);
            }
        }
        for (_, r) in inventory.of_kind(Kind::KmsKey) {
            if let Some((_, id)) = r.arn.rsplit_once(":key/") {
                let scope = (r.account.clone(), r.region.clone(), id.to_owned());
                resolver.arns.insert(scope, r.arn.clone());
            }
        }
        // The logs say what an alias pointed at when they were written: they win over an
        // export of unknown date, and a later record over an earlier one.
        events.sort_by_key(|e| e.time);
        for e in events {
            let target = match KeyName::parse(&e.target.name, &e.target.account, &e.target.region) {
                Some(t) if !t.is_alias() => t.name,
                _ => continue,
            };
            let (a, r) = (e.alias.account.clone(), e.alias.region.clone());
            resolver.set(&a, &r, &e.alias.name, &target);
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
        let id = if name.is_alias() {
            let scope = (name.account.clone(), name.region.clone(), name.name.clone());
            self.aliases.get(&scope).cloned()
        } else {
            Some(name.name.clone())
        };
        match id {
            Some(id) => {
                let scope = (name.account.clone(), name.region.clone(), id.clone());
                let arn = self.arns.get(&scope).cloned().unwrap_or_else(|| {
                    kms_key_arn(&name.partition, &name.region, &name.account, &id)
                });
                KeyId {
                    account: name.account.clone(),
                    region: name.region.clone(),
                    id,
                    arn: Some(arn),
                }
            }
            None => KeyId {
                account: name.account.clone(),
                region: name.region.clone(),
                id: name.name.clone(),
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

/// The calls of one key × principal × operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    pub calls: u64,
    pub errors: u64,
    /// The earliest and latest `eventTime`, as written.
    pub first: Option<(i64, String)>,
    pub last: Option<(i64, String)>,
    pub services: BTreeSet<String>,
}

impl Calls {
    fn add(&mut self, call: &KmsCall) {
        self.calls += 1;
        self.errors += u64::from(call.error.is_some());
        if let Some(s) = call.service
            && !self.services.contains(s)
        {
            self.services.insert(s.to_owned());
        }
        if let Some(t) = call.time {
            self.seen(t, call.time_text);
        }
    }

    fn seen(&mut self, t: i64, text: &str) {
        if self.first.as_ref().is_none_or(|(f, _)| t < *f) {
            self.first = Some((t, text.to_owned()));
        }
        if self.last.as_ref().is_none_or(|(l, _)| t > *l) {
            self.last = Some((t, text.to_owned()));
        }
    }

    fn merge(&mut self, other: Calls) {
        self.calls += other.calls;
        self.errors += other.errors;
        for (t, text) in other.first.into_iter().chain(other.last) {
            self.seen(t, &text);
        }
        self.services.extend(other.services);
    }
}

/// One file's KMS calls, by the key as named, the principal and the operation. Nested maps,
/// so that a call of a row already there (most calls) is counted without allocating.
#[derive(Debug, Default)]
pub struct Table {
    rows: HashMap<KeyName, HashMap<String, HashMap<String, Calls>>>,
    /// Calls that name no key (`ListKeys`, `CreateKey` refused, ...).
    pub keyless: u64,
}

impl Table {
    pub fn add(&mut self, call: &KmsCall) {
        let Some(key) = &call.key else {
            self.keyless += 1;
            return;
        };
        if !self.rows.contains_key(key) {
            self.rows.insert(key.clone(), HashMap::new());
        }
        let Some(principals) = self.rows.get_mut(key) else {
            return;
        };
        if !principals.contains_key(&call.principal) {
            principals.insert(call.principal.clone(), HashMap::new());
        }
        let Some(operations) = principals.get_mut(&call.principal) else {
            return;
        };
        match operations.get_mut(call.operation) {
            Some(calls) => calls.add(call),
            None => {
                let mut calls = Calls::default();
                calls.add(call);
                operations.insert(call.operation.to_owned(), calls);
            }
        }
    }

    pub fn merge(&mut self, other: Table) {
        self.keyless += other.keyless;
        for (key, principals) in other.rows {
            let mine = self.rows.entry(key).or_default();
            for (principal, operations) in principals {
                let mine = mine.entry(principal).or_default();
                for (operation, calls) in operations {
                    mine.entry(operation).or_default().merge(calls);
                }
            }
        }
    }

    fn into_rows(self) -> impl Iterator<Item = (KeyName, String, String, Calls)> {
        self.rows.into_iter().flat_map(|(key, principals)| {
            principals
                .into_iter()
                .flat_map(move |(principal, operations)| {
                    let key = key.clone();
                    operations
                        .into_iter()
                        .map(move |(op, calls)| (key.clone(), principal.clone(), op, calls))
                })
        })
    }
}

/// A row of `atrest activity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub key: KeyId,
    pub aliases: Vec<String>,
    pub principal: String,
    pub operation: String,
    pub calls: Calls,
}

/// The KMS activity of a scan: rows sorted by calls (most first), then key, principal and
/// operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub rows: Vec<Row>,
    /// KMS calls that name no key.
    pub keyless: u64,
}

impl Activity {
    pub fn new(table: Table, resolver: &Resolver) -> Activity {
        let keyless = table.keyless;
        let mut merged: BTreeMap<(KeyId, String, String), Calls> = BTreeMap::new();
        for (name, principal, operation, calls) in table.into_rows() {
            merged
                .entry((resolver.resolve(&name), principal, operation))
                .or_default()
                .merge(calls);
        }
        let mut rows: Vec<Row> = merged
            .into_iter()
            .map(|((key, principal, operation), calls)| Row {
                aliases: resolver.aliases(&key),
                key,
                principal,
                operation,
                calls,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.calls
                .calls
                .cmp(&a.calls.calls)
                .then_with(|| a.key.cmp(&b.key))
                .then_with(|| a.principal.cmp(&b.principal))
                .then_with(|| a.operation.cmp(&b.operation))
        });
        Activity { rows, keyless }
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
            (id.account.as_str(), id.region.as_str(), id.name.as_str()),
            ("111122223333", "eu-west-1", "1234abcd-12ab")
        );
        let arn = n("arn:aws:kms:us-east-1:444455556666:key/k-1").expect("arn");
        assert_eq!(
            (arn.account.as_str(), arn.region.as_str(), arn.name.as_str()),
            ("444455556666", "us-east-1", "k-1")
        );
        let alias = n("arn:aws:kms:us-east-1:444455556666:alias/app").expect("alias arn");
        assert_eq!(alias.name, "alias/app");
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
