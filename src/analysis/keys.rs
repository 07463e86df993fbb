//! Key lifecycle: the KMS records of a scan folded into a timeline per key (created,
//! enabled, disabled, deletion scheduled or cancelled, rotation on or off, policy changed,
//! grants made and retired), the key's successful use, and the calls that failed because the
//! key was unusable. [`incidents`](super::key_incident) turns them into findings.
//!
//! What a file leaves is small whatever its size: lifecycle changes one by one (they are
//! rare), successful use counted per key and minute with the first and last call of each
//! minute kept as evidence, refused calls counted per key and minute with the earliest few kept.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Event, EventAt, Loc};

use super::Map;
use super::record::Record;
use crate::source::SourceId;

use super::activity::{
    AliasEvent, KeyName, KmsCall, Names, Table, alias_event, kms_call, time_text,
};

/// What changes the state or the access of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Create,
    Enable,
    Disable,
    ScheduleDeletion,
    CancelDeletion,
    EnableRotation,
    DisableRotation,
    PutPolicy,
    CreateGrant,
    RetireGrant,
    RevokeGrant,
}

impl Change {
    fn of(operation: &str) -> Option<Change> {
        Some(match operation {
            "CreateKey" => Change::Create,
            "EnableKey" => Change::Enable,
            "DisableKey" => Change::Disable,
            "ScheduleKeyDeletion" => Change::ScheduleDeletion,
            "CancelKeyDeletion" => Change::CancelDeletion,
            "EnableKeyRotation" => Change::EnableRotation,
            "DisableKeyRotation" => Change::DisableRotation,
            "PutKeyPolicy" => Change::PutPolicy,
            "CreateGrant" => Change::CreateGrant,
            "RetireGrant" => Change::RetireGrant,
            "RevokeGrant" => Change::RevokeGrant,
            _ => return None,
        })
    }

    /// Whether the key is unusable after it (until an `EnableKey`).
    pub fn makes_unusable(self) -> bool {
        matches!(self, Change::Disable | Change::ScheduleDeletion)
    }
}

/// Operations that use a key to protect data (a `CreateGrant` counts when a service makes
/// it: that is how EBS and others get to use a key).
fn is_use(call: &KmsCall) -> bool {
    let op = call.operation;
    matches!(op, "Decrypt" | "Encrypt")
        || op.starts_with("GenerateDataKey")
        || op.starts_with("ReEncrypt")
        || (op == "CreateGrant" && call.service.is_some())
}

/// The errors KMS answers for a key that is disabled or pending deletion (S3 writes them
/// with a `KMS.` prefix).
pub fn unusable_error(code: &str) -> bool {
    matches!(
        code.strip_prefix("KMS.").unwrap_or(code),
        "DisabledException" | "KMSInvalidStateException"
    )
}

/// A record, as evidence: who, what, when and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub time: i64,
    pub time_text: String,
    pub principal: String,
    pub operation: String,
    pub service: Option<String>,
    pub loc: Loc,
    pub event_id: Option<String>,
}

impl Seen {
    fn new(event: &Event, record: &Record, call: &KmsCall, time: i64) -> Seen {
        Seen {
            time,
            time_text: call.time_text.to_owned(),
            principal: call.principal.clone().into_owned(),
            operation: call.operation.to_owned(),
            service: call.service.map(str::to_owned),
            loc: event.kept_loc(),
            event_id: record.event_id.any().map(str::to_owned),
        }
    }
}

/// A successful lifecycle change.
#[derive(Clone, Debug)]
pub struct Step {
    pub key: KeyName,
    pub change: Change,
    pub seen: Seen,
    /// The field that named the key, below the record.
    pub key_field: &'static str,
    pub source_ip: Option<String>,
    /// `ScheduleKeyDeletion`'s `deletionDate` and waiting period.
    pub deletion: Option<(String, Option<u64>)>,
}

/// A call refused because the key was unusable.
#[derive(Clone, Debug)]
pub struct Failure {
    pub seen: Seen,
    pub error: String,
    /// Resources named by the call's encryption context (`aws:ebs:id`, `aws:s3:arn`, ...).
    pub context: Vec<String>,
}

/// The unit refused calls are counted in: a minute.
pub const MINUTE: i64 = 60;
/// Refused calls kept whole per key and minute, as examples (the earliest).
pub const EXAMPLES: usize = 5;
/// Resources named in encryption contexts kept per key and minute.
pub const RESOURCES: usize = 20;

/// A successful use, as evidence: when, where, and who (by number in [`Names`]).
#[derive(Clone, Copy, Debug)]
pub struct Use {
    pub time: i64,
    pub source: SourceId,
    pub at: EventAt,
    /// Where the record starts in its file's text, when the reader said.
    pub start: Option<usize>,
    pub principal: u32,
    pub operation: u32,
    pub service: Option<u32>,
}

impl Use {
    pub fn loc(&self) -> Loc {
        let mut loc = self.at.loc(self.source);
        loc.start = self.start;
        loc
    }

    /// Later in time, or at the same second later in the scan's order of records.
    fn after(&self, other: &Use) -> bool {
        match self.time.cmp(&other.time) {
            std::cmp::Ordering::Equal => {
                (self.source, self.loc().pointer) > (other.source, other.loc().pointer)
            }
            o => o == std::cmp::Ordering::Greater,
        }
    }

    /// As a [`Seen`], for a finding.
    pub fn seen(&self, names: &Names) -> Seen {
        Seen {
            time: self.time,
            time_text: time_text(self.time),
            principal: names.get(self.principal).to_owned(),
            operation: names.get(self.operation).to_owned(),
            service: self.service.map(|s| names.get(s).to_owned()),
            loc: self.loc(),
            event_id: None,
        }
    }

    fn renamed(self, map: &[u32]) -> Use {
        let get = |i: u32| map.get(i as usize).copied().unwrap_or(i);
        Use {
            principal: get(self.principal),
            operation: get(self.operation),
            service: self.service.map(get),
            ..self
        }
    }
}

/// Successful use of a key within one minute.
#[derive(Clone, Debug)]
pub struct UseMinute {
    pub count: u64,
    pub first: Use,
    pub last: Use,
}

impl UseMinute {
    fn add(&mut self, u: Use) {
        self.count += 1;
        if self.first.after(&u) {
            self.first = u;
        } else if u.after(&self.last) {
            self.last = u;
        }
    }

    /// Order-independent: ties are broken by location.
    pub fn merge(&mut self, other: UseMinute) {
        self.count += other.count;
        if self.first.after(&other.first) {
            self.first = other.first;
        }
        if other.last.after(&self.last) {
            self.last = other.last;
        }
    }
}

/// The calls on a key refused within one minute because it was unusable: counted by caller
/// and error, with the resources their encryption contexts name and the earliest few whole.
#[derive(Clone, Debug, Default)]
pub struct FailMinute {
    pub count: u64,
    pub first: i64,
    pub last: i64,
    /// (principal, service) → calls.
    pub callers: BTreeMap<(String, Option<String>), u64>,
    pub errors: BTreeMap<String, u64>,
    pub resources: BTreeSet<String>,
    /// Resources beyond [`RESOURCES`], counted only.
    pub more_resources: u64,
    pub examples: Vec<Failure>,
}

impl FailMinute {
    fn add(&mut self, f: Failure) {
        let t = f.seen.time;
        if self.count == 0 || t < self.first {
            self.first = t;
        }
        if self.count == 0 || t > self.last {
            self.last = t;
        }
        self.count += 1;
        let caller = (f.seen.principal.clone(), f.seen.service.clone());
        *self.callers.entry(caller).or_default() += 1;
        *self.errors.entry(f.error.clone()).or_default() += 1;
        for r in &f.context {
            if self.resources.len() < RESOURCES || self.resources.contains(r) {
                self.resources.insert(r.clone());
            } else {
                self.more_resources += 1;
            }
        }
        self.keep(f);
    }

    fn keep(&mut self, f: Failure) {
        self.examples.push(f);
        self.examples
            .sort_by(|a, b| (a.seen.time, &a.seen.loc).cmp(&(b.seen.time, &b.seen.loc)));
        self.examples.truncate(EXAMPLES);
    }

    pub fn merge(&mut self, other: FailMinute) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 || other.first < self.first {
            self.first = other.first;
        }
        if self.count == 0 || other.last > self.last {
            self.last = other.last;
        }
        self.count += other.count;
        for (k, n) in other.callers {
            *self.callers.entry(k).or_default() += n;
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        self.more_resources += other.more_resources;
        for r in other.resources {
            if self.resources.len() < RESOURCES || self.resources.contains(&r) {
                self.resources.insert(r);
            } else {
                self.more_resources += 1;
            }
        }
        for f in other.examples {
            self.keep(f);
        }
    }
}

/// The fields of a KMS record the key analysis and the activity table read (those of
/// [`super::record::Record`]): a record the rules read too keeps them (`Folds::fields`).
pub const FIELDS: &[&str] = &[
    "eventSource",
    "eventName",
    "eventTime",
    "eventID",
    "awsRegion",
    "recipientAccountId",
    "errorCode",
    "sourceIPAddress",
    "userIdentity/arn",
    "userIdentity/invokedBy",
    "userIdentity/type",
    "userIdentity/principalId",
    "userIdentity/accountId",
    "requestParameters/keyId",
    "requestParameters/targetKeyId",
    "requestParameters/destinationKeyId",
    "requestParameters/aliasName",
    "requestParameters/pendingWindowInDays",
    "requestParameters/encryptionContext",
    "responseElements/keyId",
    "responseElements/keyMetadata/arn",
    "responseElements/pendingWindowInDays",
    "responseElements/deletionDate",
    "resources/ARN",
];

/// What one file's KMS records left. Lifecycle changes are kept one by one (they are rare:
/// grants that services make for themselves at every volume attach count as use, not as
/// changes); use and refusals are counted per key and minute, so that the notes stay
/// small whatever the size and time span of the logs.
#[derive(Debug, Default)]
pub struct KeyNotes {
    pub steps: Vec<Step>,
    pub failures: Map<KeyName, BTreeMap<i64, FailMinute>>,
    pub usage: Map<KeyName, BTreeMap<i64, UseMinute>>,
    pub names: Names,
    /// The buffer a record's key is written into.
    scratch: String,
    pub aliases: Vec<AliasEvent>,
    pub activity: Table,
    /// The latest record time seen, to say "still disabled when the logs end".
    pub last_time: Option<(i64, String)>,
}

/// The entry of `key` in a map keyed by key names, cloning the name only when it is new.
fn slot<'m, V: Default>(map: &'m mut Map<KeyName, V>, key: &str) -> Option<&'m mut V> {
    if !map.contains_key(key) {
        map.insert(KeyName::of(key), V::default());
    }
    map.get_mut(key)
}

impl KeyNotes {
    pub fn observe(&mut self, event: &Event) {
        let mut scratch = std::mem::take(&mut self.scratch);
        let record = Record::of(event);
        let call = kms_call(&record, &mut scratch);
        self.observe_call(event, &record, &call);
        self.scratch = scratch;
    }

    fn observe_call(&mut self, event: &Event, record: &Record, call: &KmsCall) {
        self.activity.add(call);
        if let Some(alias) = alias_event(record, call) {
            self.aliases.push(alias);
        }
        let (Some(key), Some(time)) = (call.key, call.time) else {
            return;
        };
        if self.last_time.as_ref().is_none_or(|(t, _)| time > *t) {
            self.last_time = Some((time, call.time_text.to_owned()));
        }
        match call.error {
            Some(code) if unusable_error(code) => {
                let failure = Failure {
                    seen: Seen::new(event, record, call, time),
                    error: code.to_owned(),
                    context: context_resources(record),
                };
                if let Some(minutes) = slot(&mut self.failures, key) {
                    minutes
                        .entry(time.div_euclid(MINUTE))
                        .or_default()
                        .add(failure);
                }
            }
            // A failed call is not the change it attempted, nor a use.
            Some(_) => {}
            None => {
                let used = is_use(call);
                match Change::of(call.operation) {
                    Some(Change::CreateGrant) if used => {}
                    Some(change) => self.steps.push(Step {
                        key: KeyName::of(key),
                        change,
                        seen: Seen::new(event, record, call, time),
                        key_field: call.key_field,
                        source_ip: record.source_ip_address.any().map(str::to_owned),
                        deletion: (change == Change::ScheduleDeletion).then(|| deletion(record)),
                    }),
                    None => {}
                }
                if used {
                    let u = Use {
                        time,
                        source: event.source,
                        at: event.at,
                        start: event.text.map(|raw| raw.start),
                        principal: self.names.id(&call.principal),
                        operation: self.names.id(call.operation),
                        service: call.service.map(|s| self.names.id(s)),
                    };
                    if let Some(minutes) = slot(&mut self.usage, key) {
                        match minutes.get_mut(&time.div_euclid(MINUTE)) {
                            Some(m) => m.add(u),
                            None => {
                                let m = UseMinute {
                                    count: 1,
                                    first: u,
                                    last: u,
                                };
                                minutes.insert(time.div_euclid(MINUTE), m);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds the notes of a later file.
    pub fn merge(&mut self, other: KeyNotes) {
        self.steps.extend(other.steps);
        self.aliases.extend(other.aliases);
        self.activity.merge(other.activity);
        let map = self.names.absorb(&other.names);
        for (key, minutes) in other.usage {
            let mine = self.usage.entry(key).or_default();
            for (m, mut minute) in minutes {
                minute.first = minute.first.renamed(&map);
                minute.last = minute.last.renamed(&map);
                match mine.get_mut(&m) {
                    Some(existing) => existing.merge(minute),
                    None => {
                        mine.insert(m, minute);
                    }
                }
            }
        }
        for (key, minutes) in other.failures {
            let mine = self.failures.entry(key).or_default();
            for (h, minute) in minutes {
                mine.entry(h).or_default().merge(minute);
            }
        }
        if let Some((t, text)) = other.last_time
            && self.last_time.as_ref().is_none_or(|(mine, _)| t > *mine)
        {
            self.last_time = Some((t, text));
        }
    }
}

fn deletion(record: &Record) -> (String, Option<u64>) {
    let response = record.response();
    let date = response.deletion_date.any().unwrap_or("").to_owned();
    let days = response
        .pending_window_in_days
        .0
        .or(record.request().pending_window_in_days.0);
    (date, days)
}

/// The resources an encryption context names: AWS services put the resource a data key
/// protects under `aws:<service>:<name>` (`aws:ebs:id`, `aws:s3:arn`, `aws:lambda:FunctionArn`).
fn context_resources(record: &Record) -> Vec<String> {
    record
        .request()
        .encryption_context
        .0
        .0
        .iter()
        .filter(|(k, _)| k.starts_with("aws:"))
        .filter_map(|(_, v)| v.any())
        .map(str::to_owned)
        .collect()
}
