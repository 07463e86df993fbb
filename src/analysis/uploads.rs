//! Rule `event-s3-uploads-without-sse-kms`: objects written without SSE-KMS, from S3 data
//! events. `PutObject`, `CopyObject` and `CreateMultipartUpload` records say in
//! `additionalEventData.SSEApplied` how S3 encrypted the object: `SSE_KMS`/`DSSE_KMS` (or
//! `Default_...` when the bucket's default decided) is KMS; `SSE_S3`, `Default_SSE_S3` and
//! `SSE_C` are not. One finding per bucket and principal, with the count, the first and last
//! time and an example object: a bucket written by a pipeline gives thousands of such
//! records, and one finding each would bury the rest of the report. Records without
//! `SSEApplied` (it is absent from some older records) and failed calls are not counted.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::finding::{Finding, Related, Subject, fingerprint};
use crate::model::arn::bucket_arn;
use crate::model::{Event, Loc};
use crate::rules::Rule;

use super::Map;
use super::activity::{principal, seconds};
use super::record::{Record, Text};

pub const RULE: &str = "event-s3-uploads-without-sse-kms";

/// The fields of a record this analysis reads (those of [`super::record::Record`]): a record
/// the rules read too keeps them (`Folds::fields`).
pub const FIELDS: &[&str] = &[
    "eventSource",
    "eventName",
    "eventTime",
    "eventID",
    "awsRegion",
    "errorCode",
    "userIdentity/arn",
    "userIdentity/invokedBy",
    "userIdentity/type",
    "userIdentity/principalId",
    "requestParameters/bucketName",
    "requestParameters/key",
    "additionalEventData/SSEApplied",
];

/// A string field's text, `""` when absent.
fn field_of<'t>(t: &'t Text) -> &'t str {
    t.any().unwrap_or("")
}

/// Whether the record is one this analysis reads.
pub fn wants(event_source: &str, event_name: &str) -> bool {
    event_source == "s3.amazonaws.com"
        && matches!(
            event_name,
            "PutObject" | "CopyObject" | "CreateMultipartUpload"
        )
}

/// One upload, as evidence.
#[derive(Clone, Debug)]
struct Upload {
    time: i64,
    time_text: String,
    loc: Loc,
    event_id: Option<String>,
    operation: String,
    object: String,
    applied: String,
    account: String,
    region: String,
}

#[derive(Clone, Debug)]
struct Summary {
    count: u64,
    first: Upload,
    last: Upload,
    /// `SSEApplied` value → count.
    applied: BTreeMap<String, u64>,
    operations: BTreeMap<String, u64>,
}

impl Summary {
    fn merge(&mut self, other: Summary) {
        self.count += other.count;
        if (other.first.time, &other.first.loc) < (self.first.time, &self.first.loc) {
            self.first = other.first;
        }
        if (other.last.time, &other.last.loc) > (self.last.time, &self.last.loc) {
            self.last = other.last;
        }
        for (k, n) in other.applied {
            *self.applied.entry(k).or_default() += n;
        }
        for (k, n) in other.operations {
            *self.operations.entry(k).or_default() += n;
        }
    }
}

/// One file's uploads without SSE-KMS, by partition, bucket and principal (NUL-separated).
#[derive(Debug, Default)]
pub struct UploadNotes {
    by: Map<String, Summary>,
    scratch: String,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

impl UploadNotes {
    pub fn observe(&mut self, event: &Event) {
        let r = Record::of(event);
        if r.error_code.present() {
            return;
        }
        let Some(applied) = r.additional_event_data.0.sse_applied.any() else {
            return;
        };
        if applied
            .as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"KMS"))
        {
            return;
        }
        let bucket = field_of(&r.request().bucket_name);
        if bucket.is_empty() {
            return;
        }
        let time_text = field_of(&r.event_time);
        let time = seconds(time_text).unwrap_or(i64::MIN);
        let operation = field_of(&r.event_name);
        let upload = || Upload {
            time,
            time_text: time_text.to_owned(),
            loc: event.kept_loc(),
            event_id: r.event_id.any().map(str::to_owned),
            operation: operation.to_owned(),
            object: field_of(&r.request().key).to_owned(),
            applied: applied.to_owned(),
            account: crate::finding::scope_text(field_of(&r.recipient_account_id)),
            region: crate::finding::scope_text(field_of(&r.aws_region)),
        };
        // (partition, bucket, principal) as one string, written into a reused buffer: a
        // repeated uploader is counted without allocating.
        let key = &mut self.scratch;
        key.clear();
        for (i, part) in [
            crate::model::arn::partition(field_of(&r.aws_region)),
            bucket,
            &principal(&r),
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                key.push('\0');
            }
            key.push_str(part);
        }
        let Some(s) = self.by.get_mut(key.as_str()) else {
            let first = upload();
            let one = Summary {
                count: 1,
                applied: BTreeMap::from([(applied.to_owned(), 1)]),
                operations: BTreeMap::from([(operation.to_owned(), 1)]),
                last: first.clone(),
                first,
            };
            self.by.insert(key.clone(), one);
            return;
        };
        s.count += 1;
        bump(&mut s.applied, applied);
        bump(&mut s.operations, operation);
        if time < s.first.time || (time == s.first.time && event.loc() < s.first.loc) {
            s.first = upload();
        } else if time > s.last.time || (time == s.last.time && event.loc() > s.last.loc) {
            s.last = upload();
        }
    }

    pub fn merge(&mut self, other: UploadNotes) {
        for (k, s) in other.by {
            match self.by.get_mut(&k) {
                Some(mine) => mine.merge(s),
                None => {
                    self.by.insert(k, s);
                }
            }
        }
    }

    pub fn findings(self, index: usize, rule: &Rule) -> Vec<Finding> {
        let sorted: BTreeMap<_, _> = self.by.into_iter().collect();
        sorted
            .into_iter()
            .map(|(key, s)| {
                let mut parts = key.splitn(3, '\0');
                let partition = parts.next().unwrap_or("aws");
                let bucket = parts.next().unwrap_or("");
                let who = parts.next().unwrap_or("");
                finding(index, rule, partition, bucket, who, s)
            })
            .collect()
    }
}

fn counts(map: &BTreeMap<String, u64>) -> String {
    map.iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn finding(
    index: usize,
    rule: &Rule,
    partition: &str,
    bucket: &str,
    who: &str,
    s: Summary,
) -> Finding {
    let arn = bucket_arn(partition, bucket);
    let objects = if s.count == 1 { "object" } else { "objects" };
    let mut message = format!(
        "{who} wrote {} {objects} to bucket {bucket} without SSE-KMS",
        s.count
    );
    let _ = if s.count == 1 {
        write!(message, " at {}", s.first.time_text)
    } else {
        write!(
            message,
            " between {} and {}",
            s.first.time_text, s.last.time_text
        )
    };
    let _ = write!(
        message,
        " (SSEApplied: {}; {}), for example s3://{bucket}/{}: {} encrypted with keys S3 \
         holds, outside the control and the audit trail of a KMS key policy.",
        counts(&s.applied),
        counts(&s.operations),
        s.first.object,
        if s.count == 1 { "it is" } else { "they are" }
    );
    let remediation = format!(
        "aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration \
         '{{\"Rules\":[{{\"ApplyServerSideEncryptionByDefault\":{{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"}},\"BucketKeyEnabled\":true}}]}}'\n\
         # re-encrypt what was written meanwhile, e.g.:\n\
         aws s3 cp s3://{bucket}/{} s3://{bucket}/{} --sse aws:kms --sse-kms-key-id KEY_ARN\n",
        s.first.object, s.first.object
    );
    let mut related = Vec::new();
    if s.count > 1 {
        related.push(Related {
            loc: s.last.loc.below(format!(
                "{}/additionalEventData/SSEApplied",
                s.last.loc.pointer
            )),
            note: format!(
                "the last: {} of s3://{bucket}/{} at {}",
                s.last.operation, s.last.object, s.last.time_text
            ),
        });
    }
    let applied = &s.first.applied;
    Finding {
        rule: index,
        rule_id: rule.id.clone(),
        severity: rule.severity,
        fingerprint: fingerprint(&rule.id, &format!("{arn}\0{who}")),
        subject: Subject::Event {
            id: s
                .first
                .event_id
                .clone()
                .unwrap_or_else(|| "(no eventID)".to_owned()),
            time: s.first.time_text.clone(),
            name: s.first.operation.clone(),
            source: "s3.amazonaws.com".to_owned(),
            resource: Some(arn),
        },
        message,
        remediation,
        primary: Some(s.first.loc.below(format!(
            "{}/additionalEventData/SSEApplied",
            s.first.loc.pointer
        ))),
        primary_note: format!(
            "additionalEventData.SSEApplied is {applied} (the first of {} uploads by {who})",
            s.count
        ),
        related,
        account: s.first.account.clone(),
        region: s.first.region.clone(),
        suppression: None,
        baseline: None,
    }
}
