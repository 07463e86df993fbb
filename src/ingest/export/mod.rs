//! Readers for AWS CLI output in an export directory. Every call atrest reads is one entry of
//! a service's table ([`Api`]: the command, its botocore operation, what its file names, the
//! resource kind it describes, the shape of its output, the error codes that are answers, and
//! its reader), so adding a call is one entry and one reader function.
//!
//! Inside the export layout the path decides the API: a file is read as the call its name
//! says, or it is an error. Outside the layout a file is recognised by its content, the file
//! name breaking ties.

mod dynamodb;
mod ec2;
mod efs;
mod kms;
mod other;
mod rds;
mod s3;
mod secretsmanager;
pub mod shape;
mod sns;
mod sqs;
mod ssm;
mod trail;

pub use ec2::INSTANCE_FIELDS;
pub use rds::{RDS_CLUSTER_FIELDS, RDS_INSTANCE_FIELDS};

use serde_json::{Map, Value};

use crate::model::{Item, Kind, Loc};
use crate::source::SourceId;

use super::layout::PathHint;
use shape::{Member, Mismatch};

/// What the `--<resource>` part of a per-resource file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// Not a per-resource call.
    Nothing,
    Bucket,
    KeyId,
    SnapshotId,
    TrailName,
    ImageId,
    TableName,
    QueueName,
    TopicName,
    /// An RDS DB snapshot identifier.
    DbSnapshotId,
    /// An RDS DB cluster snapshot identifier.
    DbClusterSnapshotId,
}

impl Names {
    /// The placeholder in the documented file name (`get-bucket-acl--B.json`).
    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            Names::Nothing => None,
            Names::Bucket => Some("B"),
            Names::KeyId => Some("K"),
            Names::SnapshotId => Some("S"),
            Names::TrailName => Some("T"),
            Names::ImageId => Some("I"),
            Names::TableName => Some("D"),
            Names::QueueName => Some("Q"),
            Names::TopicName => Some("N"),
            Names::DbSnapshotId => Some("R"),
            Names::DbClusterSnapshotId => Some("C"),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Names::Nothing => "resource",
            Names::Bucket => "bucket",
            Names::KeyId => "key-id",
            Names::SnapshotId => "snapshot-id",
            Names::TrailName => "trail-name",
            Names::ImageId => "image-id",
            Names::TableName => "table-name",
            Names::QueueName => "queue-name",
            Names::TopicName => "topic-name",
            Names::DbSnapshotId => "db-snapshot-identifier",
            Names::DbClusterSnapshotId => "db-cluster-snapshot-identifier",
        }
    }
}

/// Reads a parsed output whose shape was checked; takes the members it keeps (moves them).
pub type ReadFn = fn(&mut Map<String, Value>, &Ctx) -> Result<Vec<Item>, String>;

/// Turns an error code that is an answer into the facts it establishes.
pub type FactFn = fn(&Ctx, Loc) -> Result<Vec<Item>, String>;

/// An error code that answers the question rather than failing it.
pub struct ErrorFact {
    pub code: &'static str,
    /// What it means, for docs/export-format.md.
    pub means: &'static str,
    pub read: FactFn,
}

/// Who reads an API's output.
#[derive(Clone, Copy)]
pub enum Reader {
    /// An export reader of this module.
    Export(ReadFn),
    /// AWS Config output (`configservice` calls): the AWS Config reader.
    Config,
    /// `cloudtrail lookup-events`: the CloudTrail reader.
    CloudTrailLookup,
}

/// One AWS CLI call atrest reads.
pub struct Api {
    /// The service's directory in the layout (`s3` for `aws s3api`).
    pub service: &'static str,
    /// The AWS CLI command (`get-bucket-encryption`), the file's name in the layout.
    pub command: &'static str,
    /// The operation in the AWS API model (`GetBucketEncryption`).
    pub operation: &'static str,
    /// The command line that makes the file, for docs/export-format.md.
    pub invocation: &'static str,
    pub names: Names,
    /// The resource kind its output describes (none for `sts get-caller-identity`).
    pub kind: Option<Kind>,
    /// Member sets that recognise this output outside the layout (any one set, all its
    /// members present); empty: recognised by its file name only.
    pub signature: &'static [&'static [&'static str]],
    pub shape: &'static [Member],
    /// The CLI prints nothing for some answers (`get-bucket-versioning` of a bucket that never
    /// had versioning): an empty file is then `{}`. Otherwise an empty file is an error.
    pub may_be_empty: bool,
    pub errors: &'static [ErrorFact],
    pub read: Reader,
}

impl Api {
    /// An entry of `service` about `kind` with nothing else said yet: tables fill in the
    /// rest with struct update syntax.
    pub const fn base(service: &'static str, names: Names, kind: Option<Kind>) -> Api {
        Api {
            service,
            command: "",
            operation: "",
            invocation: "",
            names,
            kind,
            signature: &[],
            shape: &[],
            may_be_empty: false,
            errors: &[],
            // Every table entry names its reader; one that does not fails loudly.
            read: Reader::Export(|_, _| Err("atrest has no reader for this call".to_owned())),
        }
    }
}

/// Every table, one per service module.
const TABLES: &[&[Api]] = &[
    other::STS,
    s3::APIS,
    kms::APIS,
    ec2::APIS,
    trail::APIS,
    dynamodb::APIS,
    sqs::APIS,
    sns::APIS,
    other::CONFIG,
    efs::APIS,
    secretsmanager::APIS,
    ssm::APIS,
    rds::APIS,
];

/// Every call atrest reads.
pub fn apis() -> impl Iterator<Item = &'static Api> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// Error codes that mean "no such resource" for any per-resource call: the resource went
/// away between listing and describing it, or (`TrailNotFoundException`) a multi-region
/// trail asked by name outside its home region, where it is read from.
pub const NOT_FOUND: [&str; 5] = [
    "NoSuchBucket",
    "NotFoundException",
    "TrailNotFoundException",
    "InvalidSnapshot.NotFound",
    "InvalidVolume.NotFound",
];

/// The service directories of the layout; `s3api` is accepted for `s3`.
pub fn is_service(dir: &str) -> bool {
    apis().any(|a| a.service == service_dir(dir))
}

fn service_dir(dir: &str) -> &str {
    if dir == "s3api" { "s3" } else { dir }
}

/// Where a file of the export layout leads.
pub enum Placed {
    Api(&'static Api),
    /// A call (or a service) atrest does not read: skipped with a warning.
    Unread,
}

/// The call a file in the layout is the output of, by its path alone.
pub fn placed(hint: &PathHint) -> Option<Placed> {
    let (service, command) = (hint.service.as_deref()?, hint.api.as_deref()?);
    hint.account.as_ref()?;
    let service = service_dir(service);
    Some(
        match apis().find(|a| a.service == service && a.command == command) {
            Some(api) => Placed::Api(api),
            None => Placed::Unread,
        },
    )
}

/// The call a file outside the layout is the output of, by its file name alone.
pub fn by_name(hint: &PathHint) -> Option<&'static Api> {
    let command = hint.api.as_deref()?;
    let mut named: Vec<&Api> = apis().filter(|a| a.command == command).collect();
    if let Some(service) = hint.service.as_deref() {
        named.retain(|a| a.service == service_dir(service));
    }
    if named.len() > 1 {
        // `get-public-access-block`: a bucket's names its bucket, the account's does not.
        named.retain(|a| (a.names != Names::Nothing) == hint.resource.is_some());
    }
    named.first().copied()
}

/// The call whose output `doc` is, by its members; the file name decides between outputs
/// that look alike (a bucket's or a key's `Policy`).
pub fn identify(doc: &Value, hint: &PathHint) -> Option<&'static Api> {
    let obj = doc.as_object()?;
    let score = |api: &Api| {
        api.signature
            .iter()
            .filter(|set| set.iter().all(|k| obj.contains_key(*k)))
            .map(|set| set.len())
            .max()
    };
    let candidates: Vec<(&Api, usize)> = apis().filter_map(|a| score(a).map(|s| (a, s))).collect();
    let best = candidates.iter().map(|(_, s)| *s).max()?;
    let candidates: Vec<&Api> = candidates
        .into_iter()
        .filter(|(_, s)| *s == best)
        .map(|(a, _)| a)
        .collect();
    let named = by_name(hint);
    if let Some(api) = candidates
        .iter()
        .find(|a| named.is_some_and(|n| std::ptr::eq(**a, n)))
    {
        return Some(api);
    }
    if let Some(service) = hint.service.as_deref()
        && let Some(api) = candidates
            .iter()
            .find(|a| a.service == service_dir(service))
    {
        return Some(api);
    }
    candidates.first().copied()
}

/// Where the pieces of one export file come from and what its path says.
pub struct Ctx<'a> {
    pub source: SourceId,
    pub hint: &'a PathHint,
}

impl Ctx<'_> {
    pub fn root(&self) -> Loc {
        Loc::new(self.source, "")
    }

    pub fn at(&self, pointer: &str) -> Loc {
        Loc::new(self.source, pointer)
    }

    pub fn account(&self) -> &str {
        self.hint.account.as_deref().unwrap_or("")
    }

    pub fn region(&self) -> &str {
        self.hint.region.as_deref().unwrap_or("")
    }

    /// The resource named by the file (`--<resource>`), required by per-resource outputs.
    pub fn resource(&self, names: Names) -> Result<&str, String> {
        let what = names.what();
        self.hint.resource.as_deref().ok_or_else(|| {
            format!(
                "this output does not name its {what}: put it in the export layout as \
                 <account>/<region>/<service>/<api>--<{what}>.json"
            )
        })
    }

    /// The account and region of the layout, required by per-region settings.
    pub fn scope(&self, service: &str) -> Result<(&str, &str), String> {
        match (&self.hint.account, &self.hint.region) {
            (Some(account), Some(region)) => Ok((account, region)),
            _ => Err(format!(
                "this output must sit in the export layout under <account>/<region>/{service}/"
            )),
        }
    }
}

/// Why an output could not be read: members that do not have the API's shape, or a message.
#[derive(Debug)]
pub enum Problem {
    Shape(Vec<Mismatch>),
    Other(String),
}

/// How many shape mismatches one file reports.
const MISMATCHES: usize = 5;

/// Reads one AWS CLI output (`doc`, the parsed file) of an export reader into model items,
/// after checking its shape. Takes the document by value: its members move into the pieces.
pub fn read(api: &Api, doc: Value, ctx: &Ctx) -> Result<Vec<Item>, Problem> {
    let mismatches = shape::check(&doc, api.shape, MISMATCHES);
    if !mismatches.is_empty() {
        return Err(Problem::Shape(mismatches));
    }
    let Reader::Export(read) = api.read else {
        return Err(Problem::Other(format!(
            "`{}` is not an export reader's call",
            api.command
        )));
    };
    let mut obj = match doc {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut items = read(&mut obj, ctx).map_err(Problem::Other)?;
    // A call that names no resource lists them all (`list-keys`, `describe-volumes`): in
    // the layout, the inventory of its kind is then complete in its account and region.
    if api.names == Names::Nothing
        && let (Some(kind), Some(account), Some(region)) =
            (api.kind, &ctx.hint.account, &ctx.hint.region)
    {
        items.push(Item::Listed {
            kind,
            account: account.clone(),
            region: region.clone(),
        });
    }
    Ok(items)
}

/// An empty file: the call printed nothing.
pub fn read_empty(api: &Api, ctx: &Ctx) -> Result<Vec<Item>, Problem> {
    if !api.may_be_empty {
        return Err(Problem::Other(format!(
            "empty file: `aws {} {}` always prints JSON (was the export interrupted?)",
            cli_service(api),
            api.command
        )));
    }
    read(api, Value::Object(Map::new()), ctx)
}

fn cli_service(api: &Api) -> &'static str {
    match api.service {
        "s3" => "s3api",
        other => other,
    }
}

/// An `.error.json` file: `{"exit_code", "error_code", "stderr"}`. Returns the facts the
/// error establishes, or `Err` with a message when the call failed. `api` is `None` for a
/// call atrest does not read (the caller skips those).
pub fn read_error(api: &Api, doc: &Value, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let command = format!("{} {}", cli_service(api), api.command);
    let stderr = doc.get("stderr").and_then(Value::as_str).unwrap_or("");
    let detail = first_line(stderr);
    let code = match doc.get("error_code") {
        Some(Value::String(code)) if !code.is_empty() => code.as_str(),
        // The call failed before AWS answered, or its message could not be parsed (an HTTP
        // 500 page): a failed call all the same.
        Some(Value::String(_) | Value::Null) | None if doc.is_object() => {
            return Err(match detail {
                Some(line) => format!("the call `{command}` failed: {line}"),
                None => format!("the call `{command}` failed (no error message was kept)"),
            });
        }
        _ => {
            return Err(
                "an .error.json file must hold {\"exit_code\", \"error_code\", \"stderr\"}".into(),
            );
        }
    };
    if let Some(fact) = api.errors.iter().find(|f| f.code == code) {
        return (fact.read)(ctx, ctx.at("/error_code"));
    }
    if api.names != Names::Nothing && NOT_FOUND.contains(&code) {
        return Ok(Vec::new());
    }
    let detail = stderr.trim().lines().last().unwrap_or(code);
    Err(format!("the call `{command}` failed with {code}: {detail}"))
}

/// The first line of a CLI's stderr that says something.
fn first_line(stderr: &str) -> Option<&str> {
    stderr.lines().map(str::trim).find(|l| !l.is_empty())
}

/// No facts: the answer says there is nothing to add.
fn nothing(_: &Ctx, _: Loc) -> Result<Vec<Item>, String> {
    Ok(Vec::new())
}

/// An object's members (the shape AWS returned, unchanged), moved out.
fn members(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The items of a list member, moved out of the document.
fn take_list(obj: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match obj.remove(key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests;
