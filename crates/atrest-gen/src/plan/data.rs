//! DynamoDB tables, SQS queues and SNS topics, and the keys that encrypt them.

use super::Region;
use crate::ids::{TAG_QUEUE, TAG_TABLE, TAG_TOPIC};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

/// How a table, queue or topic is encrypted at rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DataEnc {
    /// Queues and topics only: no encryption (`SqsManagedSseEnabled: "false"`, no key).
    None,
    /// DynamoDB's default and SSE-SQS.
    AwsOwned,
    /// The service's AWS managed key (`aws/dynamodb`, `alias/aws/sqs`, `alias/aws/sns`).
    AwsManaged,
    /// A customer key of the region (index), and how the resource names it.
    Customer(usize, KeyName),
}

/// How a queue or topic names its customer key (a table always gives the key's ARN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyName {
    Arn,
    Id,
    /// `alias/...` (when the key has an alias; else its ARN).
    Alias,
}

pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) enc: DataEnc,
    /// On an unusable key: DynamoDB has noticed (`INACCESSIBLE_ENCRYPTION_CREDENTIALS`).
    pub(crate) inaccessible: Option<i64>,
}

/// A queue's policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueuePolicy {
    None,
    /// `sqs:SendMessage` for `"*"` without a condition.
    Public,
    /// `sqs:SendMessage` for `{"AWS": "*"}`, only from one of the region's topics
    /// (`aws:SourceArn`): not public.
    FromTopic,
}

pub(crate) struct Queue {
    pub(crate) name: String,
    pub(crate) created: i64,
    pub(crate) enc: DataEnc,
    pub(crate) policy: QueuePolicy,
}

pub(crate) struct Topic {
    pub(crate) name: String,
    pub(crate) enc: DataEnc,
    /// The default policy plus `SNS:Subscribe` for `{"AWS": "*"}` without a condition.
    pub(crate) public: bool,
}

impl DataEnc {
    /// The customer key, if any, and whether it cannot be used.
    pub(crate) fn unusable(&self, region: &Region) -> bool {
        matches!(self, DataEnc::Customer(k, _) if region.keys[*k].unusable())
    }
}

/// A customer key: an unusable one `bad` percent of the time (when the region has one).
fn customer(rng: &mut Rng, usable: &[usize], unusable: &[usize], bad: f64) -> Option<usize> {
    let wants_bad = rng.chance(bad);
    let k = rng.next() as usize;
    match (wants_bad, unusable.is_empty(), usable.is_empty()) {
        (true, false, _) => Some(unusable[k % unusable.len()]),
        (_, _, false) => Some(usable[k % usable.len()]),
        (_, false, true) => Some(unusable[k % unusable.len()]),
        (_, true, true) => None,
    }
}

fn key_name(rng: &mut Rng) -> KeyName {
    rng.weighted(&[(40, KeyName::Arn), (20, KeyName::Id), (40, KeyName::Alias)])
}

const ROLES: [&str; 8] = [
    "orders", "sessions", "events", "audit", "billing", "users", "jobs", "metrics",
];

pub(crate) fn plan_table(
    seed: u64,
    a: usize,
    r: usize,
    t: usize,
    usable: &[usize],
    unusable: &[usize],
) -> Table {
    let mut rng = Rng::stream(seed, TAG_TABLE, a, r, t);
    let role = rng.pick(&ROLES);
    let created = rng.range(START_MS, NOW_MS - DAY_MS);
    let choice = rng.weighted(&[(40, 0u8), (15, 1), (45, 2)]);
    let enc = match choice {
        0 => DataEnc::AwsOwned,
        1 => DataEnc::AwsManaged,
        _ => match customer(&mut rng, usable, unusable, 35.0) {
            Some(k) => DataEnc::Customer(k, KeyName::Arn),
            None => DataEnc::AwsManaged,
        },
    };
    let noticed = rng.range(NOW_MS - 6 * DAY_MS, NOW_MS - DAY_MS);
    // Half the tables on an unusable key have been noticed by DynamoDB; the others still
    // show `ACTIVE` (the rule finds them by the key's state).
    let bad = matches!(enc, DataEnc::Customer(k, _) if unusable.contains(&k));
    let inaccessible = (bad && rng.chance(50.0)).then_some(noticed);
    let hi = rng.next();
    Table {
        name: format!("{role}-{t:05}"),
        id: format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xfff,
            (hi >> 20) & 0xfff,
            rng.next() >> 16
        ),
        created,
        enc,
        inaccessible,
    }
}

pub(crate) fn plan_queue(
    seed: u64,
    a: usize,
    r: usize,
    q: usize,
    usable: &[usize],
    unusable: &[usize],
) -> Queue {
    let mut rng = Rng::stream(seed, TAG_QUEUE, a, r, q);
    let role = rng.pick(&ROLES);
    let fifo = rng.chance(15.0);
    let choice = rng.weighted(&[(10, 0u8), (45, 1), (15, 2), (30, 3)]);
    let enc = match choice {
        0 => DataEnc::None,
        1 => DataEnc::AwsOwned,
        2 => DataEnc::AwsManaged,
        _ => match customer(&mut rng, usable, unusable, 15.0) {
            Some(k) => DataEnc::Customer(k, key_name(&mut rng)),
            None => DataEnc::AwsOwned,
        },
    };
    let created = rng.range(START_MS, NOW_MS - DAY_MS) / 1000 * 1000;
    let policy = rng.weighted(&[
        (75, QueuePolicy::None),
        (5, QueuePolicy::Public),
        (20, QueuePolicy::FromTopic),
    ]);
    Queue {
        name: format!("{role}-{q:05}{}", if fifo { ".fifo" } else { "" }),
        created,
        enc,
        policy,
    }
}

pub(crate) fn plan_topic(
    seed: u64,
    a: usize,
    r: usize,
    t: usize,
    usable: &[usize],
    unusable: &[usize],
) -> Topic {
    let mut rng = Rng::stream(seed, TAG_TOPIC, a, r, t);
    let role = rng.pick(&ROLES);
    let choice = rng.weighted(&[(40, 0u8), (15, 1), (45, 2)]);
    let enc = match choice {
        0 => DataEnc::None,
        1 => DataEnc::AwsManaged,
        _ => match customer(&mut rng, usable, unusable, 12.0) {
            Some(k) => DataEnc::Customer(k, key_name(&mut rng)),
            None => DataEnc::None,
        },
    };
    Topic {
        name: format!("{role}-notices-{t:05}"),
        enc,
        public: rng.chance(6.0),
    }
}
