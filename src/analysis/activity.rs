//! Who calls KMS on which key: each KMS record becomes a [`KmsCall`] (the key as the record
//! names it, the caller, the operation, the error), and the calls of a scan are counted per
//! key × principal × operation for `atrest activity`.
//!
//! A record names its key in `resources[].ARN` (the key KMS resolved, for every call on a
//! key), in `responseElements` (`ScheduleKeyDeletion`, `CreateKey`) or in
//! `requestParameters.keyId`; `key_names` says how such names become keys.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::Map;
use super::record::Record;

pub use super::key_names::{AliasEvent, KeyId, KeyName, Resolver};

/// One KMS record, as the analyses read it.
pub struct KmsCall<'a> {
    /// The key, encoded as a [`KeyName`] in the buffer given to [`kms_call`].
    pub key: Option<&'a str>,
    pub operation: &'a str,
    pub principal: Cow<'a, str>,
    /// The AWS service that called on the principal's behalf.
    pub service: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Seconds since the epoch, when `eventTime` parses.
    pub time: Option<i64>,
    pub time_text: &'a str,
    /// The record's field that named the key (a JSON pointer below the record).
    pub key_field: &'static str,
}

/// A time as CloudTrail writes it (`2026-11-20T14:00:10Z`).
pub fn time_text(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// Seconds since the epoch of a CloudTrail `eventTime`: CloudTrail's own form
/// (`2026-11-20T14:00:10Z`) read directly, as it comes with every record, any other RFC 3339
/// time by jiff.
pub fn seconds(time: &str) -> Option<i64> {
    cloudtrail_seconds(time).or_else(|| time.parse::<jiff::Timestamp>().ok().map(|t| t.as_second()))
}

fn cloudtrail_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Who made a call: the IAM ARN, or for an AWS service acting on its own the service, or the
/// identity type with its principal id.
pub fn principal<'a>(record: &'a Record) -> Cow<'a, str> {
    let identity = record.identity();
    if let Some(arn) = identity.arn.any() {
        return Cow::Borrowed(arn);
    }
    if let Some(service) = identity.invoked_by.any() {
        return Cow::Borrowed(service);
    }
    match (identity.kind.any(), identity.principal_id.any()) {
        (Some(t), Some(p)) => Cow::Owned(format!("{t}:{p}")),
        (Some(t), None) => Cow::Borrowed(t),
        (None, Some(p)) => Cow::Borrowed(p),
        (None, None) => Cow::Borrowed("(unknown principal)"),
    }
}

/// The AWS service a call came through: `userIdentity.invokedBy`, or a source address that is
/// a service's name (`s3.amazonaws.com` calls KMS for SSE-KMS objects).
pub fn service<'a>(record: &'a Record) -> Option<&'a str> {
    record.identity().invoked_by.any().or_else(|| {
        record
            .source_ip_address
            .any()
            .filter(|s| s.ends_with(".amazonaws.com"))
    })
}

/// The KMS call a record is, for records of `kms.amazonaws.com`; its key is written into
/// `key` (a buffer kept from call to call).
pub fn kms_call<'a>(record: &'a Record, key: &'a mut String) -> KmsCall<'a> {
    let account = record
        .recipient_account_id
        .get()
        .or_else(|| record.identity().account_id.get())
        .unwrap_or("");
    let region = record.aws_region.get().unwrap_or("");
    let from_resources = record.resources.0.iter().enumerate().find_map(|(i, r)| {
        let arn = r.arn.any()?;
        arn.contains(":key/").then_some((i, arn))
    });
    let (request, response) = (record.request(), record.response());
    let candidates = [
        (response.key_id.get(), "/responseElements/keyId"),
        (
            response.key_metadata.0.arn.get(),
            "/responseElements/keyMetadata/arn",
        ),
        (request.key_id.get(), "/requestParameters/keyId"),
        (
            request.target_key_id.get(),
            "/requestParameters/targetKeyId",
        ),
        (
            request.destination_key_id.get(),
            "/requestParameters/destinationKeyId",
        ),
    ];
    let (named, key_field) = match from_resources {
        Some((i, arn)) => (
            KeyName::write(key, arn, account, region),
            RESOURCE_FIELDS.get(i).copied().unwrap_or("/resources"),
        ),
        None => candidates
            .iter()
            .find_map(|(s, p)| s.map(|s| (KeyName::write(key, s, account, region), *p)))
            .unwrap_or((false, "")),
    };
    let key: &'a str = key;
    let time_text = record.event_time.get().unwrap_or("");
    KmsCall {
        key: named.then_some(key),
        operation: record.event_name.get().unwrap_or(""),
        principal: principal(record),
        service: service(record),
        error: record.error_code.get(),
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

/// The alias a successful `CreateAlias`/`UpdateAlias` record sets.
pub fn alias_event(record: &Record, call: &KmsCall) -> Option<AliasEvent> {
    if call.error.is_some() || !matches!(call.operation, "CreateAlias" | "UpdateAlias") {
        return None;
    }
    let account = record.recipient_account_id.get().unwrap_or("");
    let region = record.aws_region.get().unwrap_or("");
    let parse = |s: &str| {
        let mut buf = String::new();
        KeyName::write(&mut buf, s, account, region).then_some(KeyName(buf))
    };
    let alias = parse(record.request().alias_name.get()?)?;
    let target = parse(record.request().target_key_id.get()?)?;
    Some(AliasEvent {
        alias,
        target,
        time: call.time.unwrap_or(0),
    })
}

/// Strings that notes refer to by number (keys, principals, operations, services), so that
/// counting a call of a known caller allocates nothing and repeats no string.
#[derive(Debug, Default)]
pub struct Names {
    list: Vec<String>,
    index: Map<String, u32>,
}

impl Names {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }

    pub fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", String::as_str)
    }

    /// The numbers `other`'s strings have here (added when new).
    pub fn absorb(&mut self, other: &Names) -> Vec<u32> {
        other.list.iter().map(|s| self.id(s)).collect()
    }
}

/// The calls of one key × principal × operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    pub calls: u64,
    pub errors: u64,
    /// The earliest and latest `eventTime`, in seconds.
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub services: BTreeSet<String>,
}

impl Calls {
    fn merge(&mut self, other: Calls) {
        self.calls += other.calls;
        self.errors += other.errors;
        self.first = other.first.into_iter().chain(self.first).min();
        self.last = other.last.into_iter().chain(self.last).max();
        self.services.extend(other.services);
    }
}

/// [`Calls`] while a file is read, with services by number.
#[derive(Clone, Debug, Default)]
struct Tally {
    calls: u64,
    errors: u64,
    first: Option<i64>,
    last: Option<i64>,
    services: Vec<u32>,
}

impl Tally {
    fn add(&mut self, failed: bool, time: Option<i64>, service: Option<u32>) {
        self.calls += 1;
        self.errors += u64::from(failed);
        if let Some(s) = service
            && !self.services.contains(&s)
        {
            self.services.push(s);
        }
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }

    fn merge(&mut self, other: Tally, names: &[u32]) {
        self.calls += other.calls;
        self.errors += other.errors;
        self.first = other.first.into_iter().chain(self.first).min();
        self.last = other.last.into_iter().chain(self.last).max();
        for s in other.services {
            let s = names.get(s as usize).copied().unwrap_or(s);
            if !self.services.contains(&s) {
                self.services.push(s);
            }
        }
    }
}

/// The KMS calls of some files, by key as named, principal and operation (all by number).
#[derive(Debug, Default)]
pub struct Table {
    rows: Map<(u32, u32, u32), Tally>,
    keys: Names,
    names: Names,
    /// Calls that name no key (`ListKeys`, `CreateKey` refused, ...).
    pub keyless: u64,
}

impl Table {
    pub fn add(&mut self, call: &KmsCall) {
        let Some(key) = call.key else {
            self.keyless += 1;
            return;
        };
        let row = (
            self.keys.id(key),
            self.names.id(&call.principal),
            self.names.id(call.operation),
        );
        let service = call.service.map(|s| self.names.id(s));
        self.rows
            .entry(row)
            .or_default()
            .add(call.error.is_some(), call.time, service);
    }

    pub fn merge(&mut self, other: Table) {
        self.keyless += other.keyless;
        let keys = self.keys.absorb(&other.keys);
        let names = self.names.absorb(&other.names);
        let at = |map: &[u32], i: u32| map.get(i as usize).copied().unwrap_or(i);
        for ((k, p, o), tally) in other.rows {
            let row = (at(&keys, k), at(&names, p), at(&names, o));
            self.rows.entry(row).or_default().merge(tally, &names);
        }
    }

    fn into_rows(self) -> impl Iterator<Item = (KeyName, String, String, Calls)> {
        let Table {
            rows, keys, names, ..
        } = self;
        rows.into_iter().map(move |((k, p, o), t)| {
            let calls = Calls {
                calls: t.calls,
                errors: t.errors,
                first: t.first,
                last: t.last,
                services: t
                    .services
                    .iter()
                    .map(|&s| names.get(s).to_owned())
                    .collect(),
            };
            (
                KeyName::of(keys.get(k)),
                names.get(p).to_owned(),
                names.get(o).to_owned(),
                calls,
            )
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
    fn cloudtrail_times_read_directly_agree_with_jiff() {
        for t in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-11-20T14:00:10Z",
            "2100-03-01T00:00:00Z",
        ] {
            let jiff = t.parse::<jiff::Timestamp>().expect("valid").as_second();
            assert_eq!(cloudtrail_seconds(t), Some(jiff), "{t}");
        }
        assert_eq!(
            seconds("2026-11-20T14:00:10.250+01:00"),
            Some(1_795_179_610)
        );
        assert_eq!(cloudtrail_seconds("2026-13-20T14:00:10Z"), None);
        assert_eq!(seconds("yesterday"), None);
    }
}
