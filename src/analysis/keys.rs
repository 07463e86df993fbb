//! Key lifecycle: the KMS records of a scan folded into a timeline per key (created,
//! enabled, disabled, deletion scheduled or cancelled, rotation on or off, policy changed,
//! grants made and retired), the key's successful use, and the calls that failed because the
//! key was unusable. [`incidents`](super::key_incident) turns them into findings.
//!
//! What a file leaves is small whatever its size: lifecycle changes and failures one by one
//! (they are rare), successful use counted per key and minute, with the first and last call
//! of each minute kept as evidence.

use std::collections::{BTreeMap, HashMap};

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
    pub key: KeyName,
    pub seen: Seen,
    pub error: String,
    /// Resources named by the call's encryption context (`aws:ebs:id`, `aws:s3:arn`, ...).
    pub context: Vec<String>,
}

/// Successful use of a key within one minute.
#[derive(Clone, Debug)]
pub struct Minute {
    pub count: u64,
    pub first: Seen,
    pub last: Seen,
}

impl Minute {
    /// Counts a use at `time`; `seen` is called only when the use becomes evidence.
    fn add(&mut self, time: i64, seen: impl FnOnce() -> Seen) {
        self.count += 1;
        if time < self.first.time {
            self.first = seen();
        } else if time >= self.last.time {
            self.last = seen();
        }
    }

    pub fn merge(&mut self, other: Minute) {
        self.count += other.count;
        if other.first.time < self.first.time {
            self.first = other.first;
        }
        if other.last.time >= self.last.time {
            self.last = other.last;
        }
    }
}

/// What one file's KMS records left.
#[derive(Debug, Default)]
pub struct KeyNotes {
    pub steps: Vec<Step>,
    pub failures: Vec<Failure>,
    pub usage: HashMap<KeyName, BTreeMap<i64, Minute>>,
    pub aliases: Vec<AliasEvent>,
    pub activity: Table,
    /// The latest record time seen, to say "still disabled when the logs end".
    pub last_time: Option<(i64, String)>,
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
            Some(code) if unusable_error(code) => self.failures.push(Failure {
                key: key.clone(),
                seen: Seen::new(event, &call, time),
                error: code.to_owned(),
                context: context_resources(event.record),
            }),
            // A failed call is not the change it attempted, nor a use.
            Some(_) => {}
            None => {
                if let Some(change) = Change::of(call.operation) {
                    self.steps.push(Step {
                        key: key.clone(),
                        change,
                        seen: Seen::new(event, &call, time),
                        key_field: call.key_field,
                        source_ip: event.str("sourceIPAddress").map(str::to_owned),
                        deletion: (change == Change::ScheduleDeletion).then(|| deletion(event)),
                    });
                }
                if is_use(&call) {
                    if !self.usage.contains_key(key) {
                        self.usage.insert(key.clone(), BTreeMap::new());
                    }
                    let Some(minutes) = self.usage.get_mut(key) else {
                        return;
                    };
                    match minutes.get_mut(&time.div_euclid(60)) {
                        Some(m) => m.add(time, || Seen::new(event, &call, time)),
                        None => {
                            let seen = Seen::new(event, &call, time);
                            minutes.insert(
                                time.div_euclid(60),
                                Minute {
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
        self.failures.extend(other.failures);
        self.aliases.extend(other.aliases);
        self.activity.merge(other.activity);
        for (key, minutes) in other.usage {
            let mine = self.usage.entry(key).or_default();
            for (m, minute) in minutes {
                match mine.get_mut(&m) {
                    Some(existing) => existing.merge(minute),
                    None => {
                        mine.insert(m, minute);
                    }
                }
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
