//! Key lifecycle: the KMS records of a scan folded into a timeline per key (created,
//! enabled, disabled, deletion scheduled or cancelled, rotation on or off, policy changed,
//! grants made and retired), the key's successful use, and the calls that failed because the
//! key was unusable. [`incidents`](super::key_incident) turns them into findings.
//!
//! What a file leaves is small whatever its size: lifecycle changes one by one (they are
//! rare), successful use counted per key and minute with the first and last call of each
//! minute kept as evidence, refused calls counted per key and minute with the earliest few kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::model::{Event, Loc};

use super::activity::{AliasEvent, KeyName, KmsCall, Table, alias_event, kms_call};

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
    fn new(event: &Event, call: &KmsCall, time: i64) -> Seen {
        Seen {
            time,
            time_text: call.time_text.to_owned(),
            principal: call.principal.clone(),
            operation: call.operation.to_owned(),
            service: call.service.map(str::to_owned),
            loc: event.loc(),
            event_id: event.str("eventID").map(str::to_owned),
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

/// Successful use of a key within one minute.
#[derive(Clone, Debug)]
pub struct UseMinute {
    pub count: u64,
    pub first: Seen,
    pub last: Seen,
}

impl UseMinute {
    /// Counts a use at `time`; `seen` is called only when the use becomes evidence.
    fn add(&mut self, time: i64, seen: impl FnOnce() -> Seen) {
        self.count += 1;
        if time < self.first.time {
            self.first = seen();
        } else if time >= self.last.time {
            self.last = seen();
        }
    }

    /// Order-independent: ties are broken by location.
    pub fn merge(&mut self, other: UseMinute) {
        self.count += other.count;
        if (other.first.time, &other.first.loc) < (self.first.time, &self.first.loc) {
            self.first = other.first;
        }
        if (other.last.time, &other.last.loc) > (self.last.time, &self.last.loc) {
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

/// What one file's KMS records left. Lifecycle changes are kept one by one (they are rare:
/// grants that services make for themselves at every volume attach count as use, not as
/// changes); use and refusals are counted per key and minute, so that the notes stay
/// small whatever the size and time span of the logs.
#[derive(Debug, Default)]
pub struct KeyNotes {
    pub steps: Vec<Step>,
    pub failures: HashMap<KeyName, BTreeMap<i64, FailMinute>>,
    pub usage: HashMap<KeyName, BTreeMap<i64, UseMinute>>,
    pub aliases: Vec<AliasEvent>,
    pub activity: Table,
    /// The latest record time seen, to say "still disabled when the logs end".
    pub last_time: Option<(i64, String)>,
}

/// The entry of `key` in a map keyed by key names, cloning the name only when it is new.
fn slot<'m, V: Default>(map: &'m mut HashMap<KeyName, V>, key: &KeyName) -> Option<&'m mut V> {
    if !map.contains_key(key) {
        map.insert(key.clone(), V::default());
    }
    map.get_mut(key)
}

impl KeyNotes {
    pub fn observe(&mut self, event: &Event) {
        let call = kms_call(event);
        self.activity.add(&call);
        if let Some(alias) = alias_event(event, &call) {
            self.aliases.push(alias);
        }
        let (Some(key), Some(time)) = (call.key.as_ref(), call.time) else {
            return;
        };
        if self.last_time.as_ref().is_none_or(|(t, _)| time > *t) {
            self.last_time = Some((time, call.time_text.to_owned()));
        }
        match call.error {
            Some(code) if unusable_error(code) => {
                let failure = Failure {
                    seen: Seen::new(event, &call, time),
                    error: code.to_owned(),
                    context: context_resources(event.record),
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
                let service_grant = is_use(&call);
                match Change::of(call.operation) {
                    Some(Change::CreateGrant) if service_grant => {}
                    Some(change) => self.steps.push(Step {
                        key: key.clone(),
                        change,
                        seen: Seen::new(event, &call, time),
                        key_field: call.key_field,
                        source_ip: event.str("sourceIPAddress").map(str::to_owned),
                        deletion: (change == Change::ScheduleDeletion).then(|| deletion(event)),
                    }),
                    None => {}
                }
                if service_grant && let Some(days) = slot(&mut self.usage, key) {
                    match days.get_mut(&time.div_euclid(MINUTE)) {
                        Some(d) => d.add(time, || Seen::new(event, &call, time)),
                        None => {
                            let seen = Seen::new(event, &call, time);
                            days.insert(
                                time.div_euclid(MINUTE),
                                UseMinute {
                                    count: 1,
                                    first: seen.clone(),
                                    last: seen,
                                },
                            );
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
        for (key, days) in other.usage {
            let mine = self.usage.entry(key).or_default();
            for (d, day) in days {
                match mine.get_mut(&d) {
                    Some(existing) => existing.merge(day),
                    None => {
                        mine.insert(d, day);
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

fn deletion(event: &Event) -> (String, Option<u64>) {
    let r = event.record;
    let date = r
        .pointer("/responseElements/deletionDate")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let days = r
        .pointer("/responseElements/pendingWindowInDays")
        .or_else(|| r.pointer("/requestParameters/pendingWindowInDays"))
        .and_then(Value::as_u64);
    (date, days)
}

/// The resources an encryption context names: AWS services put the resource a data key
/// protects under `aws:<service>:<name>` (`aws:ebs:id`, `aws:s3:arn`, `aws:lambda:FunctionArn`).
fn context_resources(record: &Value) -> Vec<String> {
    let Some(context) = record
        .pointer("/requestParameters/encryptionContext")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    context
        .iter()
        .filter(|(k, _)| k.starts_with("aws:"))
        .filter_map(|(_, v)| v.as_str())
        .map(str::to_owned)
        .collect()
}
