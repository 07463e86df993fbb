//! A deterministic generator of export directories (docs/export-format.md) of any size, for
//! benchmarks and tests.
//!
//! Self-contained (`std`, `serde_json` and `jiff` only) so that benches, examples and tests can include
//! it with `#[path = "../benches/generate.rs"] mod generate;`.
//!
//! Every resource is first *planned*: a small struct that records each choice the seeded PRNG
//! made (which key a volume uses, which statements a policy has, ...). The files are rendered
//! from the plans, and [`Summary::expected`] is counted from the same plans by the `findings`
//! methods next to them, so the two cannot drift apart.
//!
//! Output is formatted like AWS CLI v2 (`--output json`): 4-space indentation, members in the
//! order of the API model (botocore builds its dicts in model order), ISO 8601 timestamps as
//! Python's `datetime.isoformat()` prints them, a final newline, policies as JSON strings (KMS
//! key policies pretty-printed in AWS's Jackson style, S3 bucket policies compact).
//! Objects are written by a small ordered tree ([`J`]) driven through serde_json's own
//! `PrettyFormatter`, so key order does not depend on serde_json's `preserve_order` feature.
//!
//! The counts in a [`Spec`] are totals over all accounts; keys, volumes, snapshots and
//! instances are split evenly over every (account, region), buckets over accounts (each bucket
//! in one of the regions). Each account also gets one CloudTrail trail and the AWS managed
//! keys `aws/ebs` and `aws/s3` in every region.
// Each includer (bench, example, test) uses a different part of the API.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// What to generate. The resource counts are totals over all accounts and regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub accounts: usize,
    pub regions: Vec<String>,
    pub buckets: usize,
    pub keys: usize,
    pub volumes: usize,
    pub snapshots: usize,
    pub instances: usize,
    pub seed: u64,
}

/// Bumped whenever the same [`Spec`] would produce different bytes, so that cached trees
/// (e.g. the bench data under `target/bench-data/`) can be regenerated.
pub const GENERATOR_VERSION: u32 = 1;

pub const DEFAULT_SEED: u64 = 0x00A7_4E57;
pub const DEFAULT_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

impl Spec {
    /// `total` resources with a realistic split: 10% buckets, 5% customer managed keys, 70%
    /// volumes, 10% snapshots, 5% instances (plus one trail per account and the AWS managed
    /// keys), one account, regions `us-east-1` and `eu-west-1`.
    pub fn scaled(total: usize) -> Spec {
        let part = |percent: usize| total / 100 * percent + (total % 100 * percent + 50) / 100;
        Spec {
            accounts: 1,
            regions: DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect(),
            buckets: part(10),
            keys: part(5),
            volumes: part(70),
            snapshots: part(10),
            instances: part(5),
            seed: DEFAULT_SEED,
        }
    }
}

impl Default for Spec {
    fn default() -> Spec {
        Spec::scaled(1000)
    }
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files written (`.json`, `.error.json` and empty files).
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Resources described: buckets, customer and AWS managed keys, volumes, snapshots,
    /// instances and trails.
    pub resources: usize,
    /// For every rule id in [`RULES`] (zeros included), how many resources the generator
    /// planted that the rule must report.
    pub expected: BTreeMap<&'static str, usize>,
}

/// Every rule id the generator counts, in [`Summary::expected`].
pub const RULES: [&str; 29] = [
    "s3-bucket-default-encryption-not-kms",
    "s3-bucket-kms-without-bucket-key",
    "s3-bucket-policy-allows-unencrypted-uploads",
    "s3-bucket-default-key-unusable",
    "s3-bucket-acl-public",
    "s3-bucket-policy-public",
    "s3-bucket-policy-cross-account",
    "s3-bucket-public-access-block-off",
    "s3-bucket-acls-enabled",
    "s3-bucket-tls-not-required",
    "kms-key-rotation-disabled",
    "kms-key-disabled",
    "kms-key-pending-deletion",
    "kms-key-policy-public",
    "kms-key-policy-cross-account",
    "kms-key-admins-can-use",
    "ebs-volume-unencrypted",
    "ebs-snapshot-unencrypted",
    "ebs-volume-key-unusable",
    "ebs-snapshot-key-unusable",
    "ebs-snapshot-public",
    "ebs-encryption-by-default-off",
    "ebs-volume-aws-managed-key",
    "cloudtrail-trail-not-kms-encrypted",
    "cloudtrail-trail-log-validation-off",
    "cloudtrail-trail-not-multi-region",
    "cloudtrail-trail-not-logging",
    "cloudtrail-trail-no-s3-data-events",
    "cloudtrail-trail-bucket-public",
];

/// Writes the export directory described by `spec` under `out` (created if missing; it must
/// be empty, so that stale files cannot mix with the new ones).
pub fn generate(spec: &Spec, out: &Path) -> io::Result<Summary> {
    validate(spec)?;
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", out.display()),
        ));
    }
    fs::create_dir_all(out)?;
    let mut summary = Summary {
        expected: RULES.iter().map(|r| (*r, 0)).collect(),
        ..Summary::default()
    };
    let mut sink = Sink::default();
    for a in 0..spec.accounts {
        let account = plan_account(spec, a);
        account.findings(&mut |rule| {
            if let Some(n) = summary.expected.get_mut(rule) {
                *n += 1;
            }
        });
        summary.resources += account.resources();
        render_account(&account, &out.join(&account.id), &mut sink)?;
    }
    summary.files = sink.files;
    summary.bytes = sink.bytes;
    Ok(summary)
}

fn validate(spec: &Spec) -> io::Result<()> {
    let bad = |what: String| Err(io::Error::new(io::ErrorKind::InvalidInput, what));
    if spec.accounts == 0 || spec.accounts >= 1 << 20 {
        return bad(format!("accounts must be 1 to {}", (1 << 20) - 1));
    }
    if spec.regions.is_empty() || spec.regions.len() > 64 {
        return bad("regions: give 1 to 64".to_owned());
    }
    for (i, r) in spec.regions.iter().enumerate() {
        let ok = !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok || spec.regions[..i].contains(r) {
            return bad(format!("bad or repeated region {r:?}"));
        }
    }
    let most = u32::MAX as usize / 2;
    for n in [
        spec.buckets,
        spec.keys,
        spec.volumes,
        spec.snapshots,
        spec.instances,
    ] {
        if n > most {
            return bad(format!("at most {most} resources of a kind"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PRNG and identifiers

/// SplitMix64's finalizer: a bijection on `u64`, so distinct inputs give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64. Every resource draws from a stream of its own (seed, kind, account, region,
/// index), so adding volumes does not change the keys, and the draw order is fixed by code.
struct Rng(u64);

impl Rng {
    fn stream(seed: u64, tag: u64, account: usize, region: usize, index: usize) -> Rng {
        Rng(mix(seed ^ mix(tag ^ mix(pack(account, region, index)))))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + ((u128::from(self.next()) * (hi - lo) as u128) >> 64) as i64
    }

    /// True with probability `percent / 100`.
    fn chance(&mut self, percent: f64) -> bool {
        ((self.next() >> 11) as f64) < percent / 100.0 * (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut x = self.below(total as usize) as u32;
        for &(w, item) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].1
    }
}

const TAG_ACCOUNT: u64 = 1;
const TAG_BUCKET: u64 = 2;
const TAG_KEY: u64 = 3;
const TAG_VOLUME: u64 = 4;
const TAG_SNAPSHOT: u64 = 5;
const TAG_INSTANCE: u64 = 6;
const TAG_REGION: u64 = 7;
const TAG_TRAIL: u64 = 8;
const TAG_RESERVATION: u64 = 9;
const TAG_ENI: u64 = 10;
const TAG_NET: u64 = 11;
const TAG_AMI: u64 = 12;

fn pack(account: usize, region: usize, index: usize) -> u64 {
    ((account as u64) << 40) | ((region as u64) << 32) | index as u64
}

/// `vol-0` + 16 hex digits, unique per (kind, account, region, index).
fn ec2_id(
    prefix: &str,
    seed: u64,
    tag: u64,
    account: usize,
    region: usize,
    index: usize,
) -> String {
    let v = mix(pack(account, region, index) ^ mix(seed ^ mix(tag)));
    format!("{prefix}-0{v:016x}")
}

/// A UUID-shaped KMS key id, unique per (account, region, index).
fn key_uuid(seed: u64, account: usize, region: usize, index: usize) -> String {
    let hi = mix(pack(account, region, index) ^ mix(seed ^ mix(TAG_KEY)));
    let lo = mix(hi ^ 0x5DEE_CE66_D1CE_5EED);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:04x}{:08x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        lo & 0xfff,
        8 + ((lo >> 12) & 3),
        (lo >> 14) & 0xfff,
        hi & 0xffff,
        lo >> 32
    )
}

/// A 12-digit account id; distinct indexes give distinct ids (an affine bijection mod 10^12).
/// Accounts of the export use indexes `0..accounts`, outside accounts `1 << 30` and up.
fn account_id(seed: u64, index: u64) -> String {
    const M: u128 = 1_000_000_000_000;
    let v = (u128::from(index) * 387_420_489 + u128::from(mix(seed ^ 0xACC0)) % M) % M;
    format!("{v:012}")
}

fn outside_account(seed: u64, k: u64) -> String {
    account_id(seed, (1 << 30) + k % 4)
}

// ---------------------------------------------------------------------------------------------
// Time

/// 2025-06-15T00:00:00Z, the moment the export is taken.
const NOW_MS: i64 = 1_749_945_600_000;
/// 2018-01-01T00:00:00Z.
const START_MS: i64 = 1_514_764_800_000;
const DAY_MS: i64 = 86_400_000;

/// Python's `datetime.isoformat()` of a UTC time, as AWS CLI v2 prints timestamps:
/// `2024-03-05T10:01:02+00:00`, or `2024-03-05T10:01:02.123000+00:00` with milliseconds.
fn iso(ms: i64) -> String {
    let (date, frac) = civil(ms);
    if frac == 0 {
        format!("{date}+00:00")
    } else {
        format!("{date}.{frac:03}000+00:00")
    }
}

/// `2024-03-05T10:01:02Z`, as CloudTrail prints some times as plain strings.
fn iso_z(ms: i64) -> String {
    format!("{}Z", civil(ms).0)
}

/// `2024-03-05T10:01:02` and the milliseconds, in UTC.
fn civil(ms: i64) -> (String, i64) {
    let frac = ms.rem_euclid(1000);
    let date = jiff::Timestamp::from_millisecond(ms - frac)
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default();
    (date, frac)
}

// ---------------------------------------------------------------------------------------------
// An ordered JSON tree, written through serde_json formatters

/// A JSON value whose objects keep the order they were built in (the API model's order).
enum J {
    /// A member left out of its object (an optional field the API did not return).
    Absent,
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

impl From<&str> for J {
    fn from(s: &str) -> J {
        J::Str(s.to_owned())
    }
}
impl From<&String> for J {
    fn from(s: &String) -> J {
        J::Str(s.clone())
    }
}
impl From<String> for J {
    fn from(s: String) -> J {
        J::Str(s)
    }
}
impl From<bool> for J {
    fn from(b: bool) -> J {
        J::Bool(b)
    }
}
impl From<i64> for J {
    fn from(n: i64) -> J {
        J::Int(n)
    }
}
impl From<usize> for J {
    fn from(n: usize) -> J {
        J::Int(n as i64)
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> J {
        J::Arr(v)
    }
}
impl<T: Into<J>> From<Option<T>> for J {
    fn from(v: Option<T>) -> J {
        v.map_or(J::Absent, Into::into)
    }
}

macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => {
        J::Obj(vec![$(($k, J::from($v))),*])
    };
}

fn strs(items: &[&str]) -> J {
    J::Arr(items.iter().map(|s| J::from(*s)).collect())
}

fn emit<W: Write, F: Formatter>(w: &mut W, f: &mut F, v: &J) -> io::Result<()> {
    match v {
        J::Absent | J::Null => f.write_null(w),
        J::Bool(b) => f.write_bool(w, *b),
        J::Int(n) => f.write_i64(w, *n),
        J::Str(s) => serde_json::to_writer(&mut *w, s).map_err(io::Error::from),
        J::Arr(items) => {
            f.begin_array(w)?;
            for (i, item) in items.iter().enumerate() {
                f.begin_array_value(w, i == 0)?;
                emit(w, f, item)?;
                f.end_array_value(w)?;
            }
            f.end_array(w)
        }
        J::Obj(members) => {
            f.begin_object(w)?;
            let mut first = true;
            for (k, v) in members {
                if matches!(v, J::Absent) {
                    continue;
                }
                f.begin_object_key(w, first)?;
                serde_json::to_writer(&mut *w, k).map_err(io::Error::from)?;
                f.end_object_key(w)?;
                f.begin_object_value(w)?;
                emit(w, f, v)?;
                f.end_object_value(w)?;
                first = false;
            }
            f.end_object(w)
        }
    }
}

/// Compact JSON text, as S3 returns a bucket policy.
fn compact(v: &J) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and the tree holds only valid UTF-8.
    let _ = emit(&mut buf, &mut CompactFormatter, v);
    String::from_utf8_lossy(&buf).into_owned()
}

/// JSON text as KMS returns a key policy: Jackson's default pretty printer
/// (`{` and members on new lines indented by two per object level, `"k" : v`, arrays inline
/// as `[ a, b ]`).
fn jackson(v: &J) -> String {
    let mut buf = Vec::new();
    let _ = emit(&mut buf, &mut Jackson::default(), v);
    String::from_utf8_lossy(&buf).into_owned()
}

#[derive(Default)]
struct Jackson {
    depth: usize,
    /// For every open object or array, whether it has a value yet.
    open: Vec<bool>,
}

impl Jackson {
    fn indent<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for Jackson {
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.open.push(false);
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.open.pop().unwrap_or(false) {
            self.indent(w, self.depth)?;
        } else {
            w.write_all(b" ")?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.indent(w, self.depth)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b" : ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        if let Some(has) = self.open.last_mut() {
            *has = true;
        }
        Ok(())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.push(false);
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.pop();
        w.write_all(b" ]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b" " } else { b", " })
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        if let Some(has) = self.open.last_mut() {
            *has = true;
        }
        Ok(())
    }
}

/// Counts bytes on their way to a file.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes files the way the export script keeps the CLI's output.
#[derive(Default)]
struct Sink {
    files: usize,
    bytes: u64,
}

impl Sink {
    /// What `aws ... --output json` prints: 4-space indentation and a final newline.
    fn json(&mut self, path: &Path, v: &J) -> io::Result<()> {
        let mut w = Counting {
            inner: BufWriter::with_capacity(1 << 14, File::create(path)?),
            bytes: 0,
        };
        emit(&mut w, &mut PrettyFormatter::with_indent(b"    "), v)?;
        w.write_all(b"\n")?;
        w.flush()?;
        self.files += 1;
        self.bytes += w.bytes;
        Ok(())
    }

    /// A call that printed nothing.
    fn empty(&mut self, path: &Path) -> io::Result<()> {
        File::create(path)?;
        self.files += 1;
        Ok(())
    }

    /// A failed call, kept as `<api>[--<resource>].error.json`.
    fn error(&mut self, dir: &Path, stem: &str, code: &str, op: &str, msg: &str) -> io::Result<()> {
        let v = obj! {
            "exit_code" => 254usize,
            "error_code" => code,
            "stderr" => format!("An error occurred ({code}) when calling the {op} operation: {msg}"),
        };
        self.json(&dir.join(format!("{stem}.error.json")), &v)
    }
}

/// The `--<resource>` part of a file name: `%` and `/` escaped.
fn file(api: &str, resource: &str) -> String {
    let r = resource.replace('%', "%25").replace('/', "%2F");
    format!("{api}--{r}")
}

// ---------------------------------------------------------------------------------------------
// Plans

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// `SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`, origin `AWS_KMS`.
    Symmetric,
    /// `RSA_2048`, `SIGN_VERIFY`: automatic rotation does not apply.
    Asymmetric,
    /// Symmetric with imported key material (origin `EXTERNAL`).
    External,
}

/// Who may administer and use a customer managed key, statement by statement.
#[derive(Clone, Debug, PartialEq, Eq)]
enum KeyStmt {
    /// The account root may do anything (`kms:*`): the default statement.
    Root,
    /// The key administrators role; `star`: granted `kms:*` instead of the admin actions only.
    Admins { star: bool },
    /// The key users role; `with_admin`: the administrators role is a key user too.
    Users { with_admin: bool },
    /// Grants for AWS services, conditioned on `kms:GrantIsForAWSResource`.
    Grants,
    /// `kms:Decrypt` for everyone, no condition; `aws_form`: `{"AWS": "*"}` instead of `"*"`.
    Public { aws_form: bool },
    /// Use of the key for another account's root.
    CrossAccount { account: String },
    /// An AWS managed key's statements: everyone in the account through `service`, and
    /// metadata for the root.
    AwsManaged { service: &'static str },
}

struct Key {
    id: String,
    arn: String,
    /// `KeyManager`: customer (true) or AWS.
    customer: bool,
    kind: KeyKind,
    state: KeyState,
    /// Automatic rotation (symmetric `AWS_KMS` keys).
    rotation: bool,
    /// `alias/...`, if the key has one.
    alias: Option<String>,
    description: String,
    created: i64,
    deletion: Option<i64>,
    statements: Vec<KeyStmt>,
    tags: Vec<(&'static str, String)>,
    grants: usize,
}

impl Key {
    /// A key EBS and S3 can encrypt with.
    fn symmetric(&self) -> bool {
        self.kind != KeyKind::Asymmetric
    }

    fn unusable(&self) -> bool {
        self.state != KeyState::Enabled
    }

    fn findings(&self, hit: &mut dyn FnMut(&'static str)) {
        if self.customer {
            if self.kind == KeyKind::Symmetric && self.state == KeyState::Enabled && !self.rotation
            {
                hit("kms-key-rotation-disabled");
            }
            if self.state == KeyState::Disabled {
                hit("kms-key-disabled");
            }
        }
        if self.state == KeyState::PendingDeletion {
            hit("kms-key-pending-deletion");
        }
        let has = |f: &dyn Fn(&KeyStmt) -> bool| self.statements.iter().any(f);
        if has(&|s| matches!(s, KeyStmt::Public { .. })) {
            hit("kms-key-policy-public");
        }
        if has(&|s| matches!(s, KeyStmt::CrossAccount { .. })) {
            hit("kms-key-policy-cross-account");
        }
        if self.customer
            && has(&|s| {
                matches!(
                    s,
                    KeyStmt::Admins { star: true } | KeyStmt::Users { with_admin: true }
                )
            })
        {
            hit("kms-key-admins-can-use");
        }
    }
}

/// How a bucket's default encryption names its KMS key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyRef {
    Arn,
    AliasArn,
    Id,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BucketEnc {
    /// No default encryption (`ServerSideEncryptionConfigurationNotFoundError`).
    None,
    /// SSE-S3 (`AES256`).
    SseS3,
    /// SSE-KMS; `key`: a customer key of the bucket's region (index) or, when `None`, the
    /// AWS managed `aws/s3` (no `KMSMasterKeyID`); `bucket_key`: `BucketKeyEnabled`, if
    /// printed.
    Kms {
        key: Option<(usize, KeyRef)>,
        bucket_key: Option<bool>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BucketStmt {
    /// Deny `s3:PutObject` to everyone unless `s3:x-amz-server-side-encryption` is `aws:kms`.
    DenyNonKms,
    /// Deny `s3:*` to everyone when `aws:SecureTransport` is false.
    DenyNonTls,
    /// Allow `s3:GetObject` to everyone, no condition.
    PublicRead { aws_form: bool },
    /// Allow another account's root to read.
    CrossAccount { account: String },
    /// Allow a role of the bucket's own account.
    OwnRole,
    /// The two statements CloudTrail needs to deliver a trail's logs.
    CloudTrail { trail_arn: String },
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

struct Bucket {
    name: String,
    region: usize,
    created: i64,
    enc: BucketEnc,
    /// The bucket's public access block (`BlockPublicAcls`, `IgnorePublicAcls`,
    /// `BlockPublicPolicy`, `RestrictPublicBuckets`); `None`: not configured.
    pab: Option<[bool; 4]>,
    /// `None`: `NoSuchBucketPolicy`.
    policy: Option<Vec<BucketStmt>>,
    /// A group URI granted `READ` by the ACL.
    acl_public: Option<&'static str>,
    /// The ACL grants the log delivery group (not public).
    log_delivery: bool,
    /// `ObjectOwnership`; `None`: `OwnershipControlsNotFoundError`.
    ownership: Option<&'static str>,
    /// `None`: never versioned (the CLI prints nothing).
    versioning: Option<&'static str>,
}

impl Bucket {
    fn has(&self, f: impl Fn(&BucketStmt) -> bool) -> bool {
        self.policy.iter().flatten().any(f)
    }

    /// Bucket setting OR account setting, flag by flag.
    fn effective_pab(&self, account: Option<[bool; 4]>) -> [bool; 4] {
        let b = self.pab.unwrap_or([false; 4]);
        let a = account.unwrap_or([false; 4]);
        [b[0] || a[0], b[1] || a[1], b[2] || a[2], b[3] || a[3]]
    }

    fn acl_public(&self, account: Option<[bool; 4]>) -> bool {
        self.acl_public.is_some() && !self.effective_pab(account)[1]
    }

    fn policy_public(&self, account: Option<[bool; 4]>) -> bool {
        self.has(|s| matches!(s, BucketStmt::PublicRead { .. })) && !self.effective_pab(account)[3]
    }

    fn findings(&self, account: &Account, hit: &mut dyn FnMut(&'static str)) {
        let region = &account.regions[self.region];
        match &self.enc {
            BucketEnc::None | BucketEnc::SseS3 => hit("s3-bucket-default-encryption-not-kms"),
            BucketEnc::Kms { key, bucket_key } => {
                if *bucket_key != Some(true) {
                    hit("s3-bucket-kms-without-bucket-key");
                }
                if let Some((k, _)) = key
                    && region.keys[*k].unusable()
                {
                    hit("s3-bucket-default-key-unusable");
                }
            }
        }
        // The policy is always known: a policy file or NoSuchBucketPolicy.
        if !self.has(|s| *s == BucketStmt::DenyNonKms) {
            hit("s3-bucket-policy-allows-unencrypted-uploads");
        }
        if self.acl_public(account.pab) {
            hit("s3-bucket-acl-public");
        }
        if self.policy_public(account.pab) {
            hit("s3-bucket-policy-public");
        }
        if self.has(|s| matches!(s, BucketStmt::CrossAccount { .. })) {
            hit("s3-bucket-policy-cross-account");
        }
        if self.effective_pab(account.pab) != [true; 4] {
            hit("s3-bucket-public-access-block-off");
        }
        if self.ownership != Some("BucketOwnerEnforced") {
            hit("s3-bucket-acls-enabled");
        }
        if !self.has(|s| *s == BucketStmt::DenyNonTls) {
            hit("s3-bucket-tls-not-required");
        }
    }
}

/// How an EBS volume or snapshot is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Enc {
    None,
    /// The AWS managed `aws/ebs` key.
    AwsEbs,
    /// A customer key of the region (index).
    Customer(usize),
}

impl Enc {
    fn key<'a>(&self, region: &'a Region) -> Option<&'a Key> {
        match self {
            Enc::None => None,
            Enc::AwsEbs => Some(&region.aws_ebs),
            Enc::Customer(k) => Some(&region.keys[*k]),
        }
    }
}

struct Attachment {
    instance: String,
    device: &'static str,
    time: i64,
    delete_on_termination: bool,
}

struct Volume {
    id: String,
    az: String,
    size: i64,
    kind: &'static str,
    created: i64,
    enc: Enc,
    /// The AMI snapshot a root volume was made from.
    from_snapshot: Option<String>,
    name: Option<String>,
    attachment: Option<Attachment>,
}

impl Volume {
    fn findings(&self, region: &Region, hit: &mut dyn FnMut(&'static str)) {
        match self.enc {
            Enc::None => hit("ebs-volume-unencrypted"),
            Enc::AwsEbs => hit("ebs-volume-aws-managed-key"),
            Enc::Customer(k) => {
                if region.keys[k].unusable() {
                    hit("ebs-volume-key-unusable");
                }
            }
        }
    }
}

struct Snapshot {
    id: String,
    volume_id: String,
    size: i64,
    enc: Enc,
    started: i64,
    description: String,
    /// `CreateVolumePermissions: [{"Group": "all"}]`.
    public: bool,
    /// Shared with another account.
    shared_with: Option<String>,
}

impl Snapshot {
    fn findings(&self, region: &Region, hit: &mut dyn FnMut(&'static str)) {
        match self.enc {
            Enc::None => hit("ebs-snapshot-unencrypted"),
            Enc::AwsEbs => {}
            Enc::Customer(k) => {
                if region.keys[k].unusable() {
                    hit("ebs-snapshot-key-unusable");
                }
            }
        }
        if self.public {
            hit("ebs-snapshot-public");
        }
    }
}

struct Instance {
    id: String,
    reservation: String,
    eni: String,
    kind: &'static str,
    launched: i64,
    running: bool,
    az: usize,
    ip: String,
    image: String,
    /// How many volumes it wants attached (a root volume and up to two data volumes).
    wanted: usize,
    /// Indexes of the region's volumes attached to it, root first.
    volumes: Vec<usize>,
}

struct Region {
    name: String,
    /// Customer managed keys.
    keys: Vec<Key>,
    aws_ebs: Key,
    aws_s3: Key,
    volumes: Vec<Volume>,
    snapshots: Vec<Snapshot>,
    instances: Vec<Instance>,
    /// `EbsEncryptionByDefault`.
    ebs_default: bool,
    /// `get-ebs-default-kms-key-id`: a customer key (index) or `alias/aws/ebs`.
    ebs_default_key: Option<usize>,
    vpc: String,
    subnets: [String; 3],
    security_group: String,
}

impl Region {
    fn symmetric_keys(&self, usable: bool) -> Vec<usize> {
        (0..self.keys.len())
            .filter(|&k| self.keys[k].symmetric() && self.keys[k].unusable() != usable)
            .collect()
    }

    /// The ARN of a customer key or, for `None`, of `aws/ebs`.
    fn ebs_key_arn(&self, enc: Enc) -> Option<&str> {
        enc.key(self).map(|k| k.arn.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Selectors {
    /// Classic selector, management events only.
    ClassicManagement,
    /// Classic selector with `AWS::S3::Object` data resources.
    ClassicS3,
    /// Classic selector with Lambda data events only (no S3 data events).
    ClassicLambda,
    /// Advanced selector, management events only.
    AdvancedManagement,
    /// Advanced selectors with S3 data events.
    AdvancedS3,
}

enum TrailBucket {
    /// One of the account's buckets (index).
    Own(usize),
    /// A bucket outside the export (a log archive account).
    Outside(String),
}

struct Trail {
    name: String,
    arn: String,
    /// Index of the home region.
    home: usize,
    multi_region: bool,
    validation: bool,
    /// A customer key of the home region (index).
    kms: Option<usize>,
    logging: bool,
    selectors: Selectors,
    bucket: TrailBucket,
    prefix: Option<String>,
    started: i64,
}

impl Trail {
    fn findings(&self, account: &Account, hit: &mut dyn FnMut(&'static str)) {
        if self.kms.is_none() {
            hit("cloudtrail-trail-not-kms-encrypted");
        }
        if !self.validation {
            hit("cloudtrail-trail-log-validation-off");
        }
        if !self.multi_region {
            hit("cloudtrail-trail-not-multi-region");
        }
        if !self.logging {
            hit("cloudtrail-trail-not-logging");
        }
        if !matches!(self.selectors, Selectors::ClassicS3 | Selectors::AdvancedS3) {
            hit("cloudtrail-trail-no-s3-data-events");
        }
        if let TrailBucket::Own(b) = self.bucket
            && account.bucket_public(b)
        {
            hit("cloudtrail-trail-bucket-public");
        }
    }

    fn bucket_name<'a>(&'a self, account: &'a Account) -> &'a str {
        match &self.bucket {
            TrailBucket::Own(b) => &account.buckets[*b].name,
            TrailBucket::Outside(name) => name,
        }
    }
}

struct Account {
    id: String,
    canonical: String,
    user_id: String,
    /// The account's public access block (`s3control`); `None`: not configured.
    pab: Option<[bool; 4]>,
    regions: Vec<Region>,
    buckets: Vec<Bucket>,
    trail: Trail,
}

impl Account {
    fn bucket_public(&self, b: usize) -> bool {
        let bucket = &self.buckets[b];
        bucket.acl_public(self.pab) || bucket.policy_public(self.pab)
    }

    fn findings(&self, hit: &mut dyn FnMut(&'static str)) {
        for b in &self.buckets {
            b.findings(self, hit);
        }
        for r in &self.regions {
            for k in r.keys.iter().chain([&r.aws_ebs, &r.aws_s3]) {
                k.findings(hit);
            }
            for v in &r.volumes {
                v.findings(r, hit);
            }
            for s in &r.snapshots {
                s.findings(r, hit);
            }
            if !r.ebs_default {
                hit("ebs-encryption-by-default-off");
            }
        }
        self.trail.findings(self, hit);
    }

    fn resources(&self) -> usize {
        let regional: usize = self
            .regions
            .iter()
            .map(|r| r.keys.len() + 2 + r.volumes.len() + r.snapshots.len() + r.instances.len())
            .sum();
        self.buckets.len() + regional + 1
    }
}

/// `n` split over `parts`: the share of part `i`.
fn share(n: usize, parts: usize, i: usize) -> usize {
    n / parts + usize::from(i < n % parts)
}

fn plan_account(spec: &Spec, a: usize) -> Account {
    let seed = spec.seed;
    let mut rng = Rng::stream(seed, TAG_ACCOUNT, a, 0, 0);
    let id = account_id(seed, a as u64);
    let canonical = (0..4)
        .map(|_| format!("{:016x}", rng.next()))
        .collect::<String>();
    let user_id = format!("AIDA{:016X}", rng.next() >> 1);
    // The first account has no account-wide public access block, so that the public buckets
    // planted there show; others vary.
    let pab = if a == 0 {
        None
    } else {
        rng.weighted(&[
            (50, Some([true; 4])),
            (25, None),
            (25, Some([true, true, false, false])),
        ])
    };
    let pairs = spec.accounts * spec.regions.len();
    let regions: Vec<Region> = spec
        .regions
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let p = a * spec.regions.len() + r;
            let counts = [
                share(spec.keys, pairs, p),
                share(spec.volumes, pairs, p),
                share(spec.snapshots, pairs, p),
                share(spec.instances, pairs, p),
            ];
            plan_region(seed, a, &id, r, name, counts)
        })
        .collect();
    let mut buckets: Vec<Bucket> = (0..share(spec.buckets, spec.accounts, a))
        .map(|b| plan_bucket(seed, a, &id, b, &regions))
        .collect();
    let pab_all_on = pab == Some([true; 4]);
    if pab_all_on {
        // With the account-wide block on, some buckets rely on it alone.
        for (b, bucket) in buckets.iter_mut().enumerate() {
            let mut rng = Rng::stream(seed, TAG_BUCKET, a, 1, b);
            if bucket.pab == Some([true; 4]) && rng.chance(20.0) {
                bucket.pab = None;
            }
        }
    }
    let trail = plan_trail(seed, a, &id, pab, &regions, &mut buckets);
    Account {
        id,
        canonical,
        user_id,
        pab,
        regions,
        buckets,
        trail,
    }
}

fn plan_region(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    name: &str,
    [n_keys, n_volumes, n_snapshots, n_instances]: [usize; 4],
) -> Region {
    let mut rng = Rng::stream(seed, TAG_REGION, a, r, 0);
    let keys: Vec<Key> = (0..n_keys)
        .map(|k| plan_key(seed, a, account, r, name, k))
        .collect();
    let aws_ebs = aws_managed_key(seed, a, account, r, name, "ebs");
    let aws_s3 = aws_managed_key(seed, a, account, r, name, "s3");
    // One (account, region) in three has EBS encryption by default off.
    let ebs_default = (a * 7 + r) % 3 != 1;
    let net = |tag: u64, i: usize, prefix: &str| ec2_id(prefix, seed, TAG_NET + tag, a, r, i);
    let mut region = Region {
        name: name.to_owned(),
        keys,
        aws_ebs,
        aws_s3,
        volumes: Vec::new(),
        snapshots: Vec::new(),
        instances: Vec::new(),
        ebs_default,
        ebs_default_key: None,
        vpc: net(0, 0, "vpc"),
        subnets: [
            net(1, 0, "subnet"),
            net(1, 1, "subnet"),
            net(1, 2, "subnet"),
        ],
        security_group: net(2, 0, "sg"),
    };
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    if !usable.is_empty() && rng.chance(30.0) {
        region.ebs_default_key = Some(*rng.pick(&usable));
    }
    region.volumes = (0..n_volumes)
        .map(|v| plan_volume(seed, a, r, name, v, &usable, &unusable))
        .collect();
    region.instances = (0..n_instances)
        .map(|i| plan_instance(seed, a, r, i))
        .collect();
    // Attach volumes to instances in order: a root volume each, and some data volumes.
    let mut next = 0;
    for (i, inst) in region.instances.iter_mut().enumerate() {
        for (slot, device) in ["/dev/xvda", "/dev/sdf", "/dev/sdg"]
            .into_iter()
            .take(inst.wanted)
            .enumerate()
        {
            let Some(volume) = region.volumes.get_mut(next) else {
                break;
            };
            volume.az = format!("{name}{}", ['a', 'b', 'c'][inst.az]);
            let attached = if slot == 0 {
                // The root volume is made from the AMI's snapshot at launch.
                volume.from_snapshot = Some(ec2_id("snap", seed, TAG_AMI, a, r, i % 7));
                volume.size = 8 * (1 + (volume.size % 4));
                volume.created = inst.launched + 400 + (volume.created % 500);
                inst.launched
            } else {
                volume.from_snapshot = None;
                volume.created.max(inst.launched)
            };
            volume.attachment = Some(Attachment {
                instance: inst.id.clone(),
                device,
                time: (attached / 1000 + 2) * 1000,
                delete_on_termination: slot == 0,
            });
            inst.volumes.push(next);
            next += 1;
        }
    }
    region.snapshots = (0..n_snapshots)
        .map(|s| plan_snapshot(seed, a, r, s, &region.volumes))
        .collect();
    region
}

fn plan_key(seed: u64, a: usize, account: &str, r: usize, region: &str, k: usize) -> Key {
    let mut rng = Rng::stream(seed, TAG_KEY, a, r, k);
    let id = key_uuid(seed, a, r, k);
    let kind = rng.weighted(&[
        (92, KeyKind::Symmetric),
        (4, KeyKind::Asymmetric),
        (4, KeyKind::External),
    ]);
    let state = match kind {
        KeyKind::Symmetric => rng.weighted(&[
            (88, KeyState::Enabled),
            (6, KeyState::Disabled),
            (6, KeyState::PendingDeletion),
        ]),
        _ => rng.weighted(&[
            (90, KeyState::Enabled),
            (5, KeyState::Disabled),
            (5, KeyState::PendingDeletion),
        ]),
    };
    let rotation = kind == KeyKind::Symmetric && rng.chance(91.0);
    let created = rng.range(START_MS, NOW_MS - 30 * DAY_MS);
    let deletion = (state == KeyState::PendingDeletion)
        .then(|| (NOW_MS / DAY_MS + rng.range(3, 30)) * DAY_MS + rng.range(0, DAY_MS));
    let purposes = [
        "app-data",
        "payments",
        "backups",
        "logs",
        "analytics",
        "ebs",
        "s3",
        "secrets",
    ];
    let purpose = *rng.pick(&purposes);
    let alias = rng
        .chance(70.0)
        .then(|| format!("alias/{purpose}-{r}-{k:04}"));
    let description = if rng.chance(40.0) {
        String::new()
    } else {
        format!("{purpose} key")
    };
    let mut statements = vec![KeyStmt::Root];
    let admin_use = rng.weighted(&[(94, 0u8), (3, 1), (3, 2)]);
    statements.push(KeyStmt::Admins {
        star: admin_use == 1 || (admin_use == 2 && kind == KeyKind::Asymmetric),
    });
    statements.push(KeyStmt::Users {
        with_admin: admin_use == 2 && kind != KeyKind::Asymmetric,
    });
    if kind != KeyKind::Asymmetric {
        statements.push(KeyStmt::Grants);
    }
    if rng.chance(4.0) {
        statements.push(KeyStmt::CrossAccount {
            account: outside_account(seed, rng.next()),
        });
    }
    if rng.chance(2.0) {
        statements.push(KeyStmt::Public {
            aws_form: rng.chance(50.0),
        });
    }
    let tags = if rng.chance(50.0) {
        vec![
            ("Purpose", purpose.to_owned()),
            (
                "Owner",
                (*rng.pick(&["platform", "data", "security"])).to_owned(),
            ),
        ]
    } else {
        Vec::new()
    };
    let grants = if rng.chance(20.0) {
        1 + rng.below(2)
    } else {
        0
    };
    Key {
        arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
        id,
        customer: true,
        kind,
        state,
        rotation,
        alias,
        description,
        created,
        deletion,
        statements,
        tags,
        grants,
    }
}

fn aws_managed_key(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    region: &str,
    service: &'static str,
) -> Key {
    let index = if service == "ebs" {
        0xFFFF_FFFE
    } else {
        0xFFFF_FFFD
    };
    let mut rng = Rng::stream(seed, TAG_KEY, a, r, index);
    let id = key_uuid(seed, a, r, index);
    let description = if service == "ebs" {
        "Default key that protects my EBS volumes when no other key is defined"
    } else {
        "Default key that protects my S3 objects when no other key is defined"
    };
    Key {
        arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
        id,
        customer: false,
        kind: KeyKind::Symmetric,
        state: KeyState::Enabled,
        rotation: true,
        alias: Some(format!("alias/aws/{service}")),
        description: description.to_owned(),
        created: rng.range(START_MS, START_MS + 365 * DAY_MS),
        deletion: None,
        statements: vec![KeyStmt::AwsManaged { service }],
        tags: Vec::new(),
        grants: 0,
    }
}

fn plan_volume(
    seed: u64,
    a: usize,
    r: usize,
    region: &str,
    v: usize,
    usable: &[usize],
    unusable: &[usize],
) -> Volume {
    let mut rng = Rng::stream(seed, TAG_VOLUME, a, r, v);
    let kind = rng.weighted(&[(70, "gp3"), (22, "gp2"), (5, "io1"), (3, "st1")]);
    let size = match kind {
        "st1" => 125 * (1 + rng.below(16)) as i64,
        _ => [8, 16, 20, 30, 50, 100, 200, 500][rng.below(8)],
    };
    let choice = rng.weighted(&[(6, 0u8), (8, 1), (3, 2), (83, 3)]);
    let enc = match choice {
        0 => Enc::None,
        1 => Enc::AwsEbs,
        2 if !unusable.is_empty() => Enc::Customer(*rng.pick(unusable)),
        _ if !usable.is_empty() => Enc::Customer(*rng.pick(usable)),
        _ => Enc::AwsEbs,
    };
    let name = rng.chance(60.0).then(|| {
        let role = rng.pick(&["web", "db", "cache", "worker", "data", "build"]);
        format!("{role}-{v}")
    });
    Volume {
        id: ec2_id("vol", seed, TAG_VOLUME, a, r, v),
        az: format!("{region}{}", ['a', 'b', 'c'][rng.below(3)]),
        size,
        kind,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        enc,
        from_snapshot: None,
        name,
        attachment: None,
    }
}

fn plan_instance(seed: u64, a: usize, r: usize, i: usize) -> Instance {
    let mut rng = Rng::stream(seed, TAG_INSTANCE, a, r, i);
    let wanted = 1 + usize::from(rng.chance(30.0)) + usize::from(rng.chance(10.0));
    let kind = *rng.pick(&[
        "t3.micro",
        "t3.medium",
        "m5.large",
        "m6i.xlarge",
        "c6g.large",
        "r6i.2xlarge",
    ]);
    Instance {
        id: ec2_id("i", seed, TAG_INSTANCE, a, r, i),
        reservation: ec2_id("r", seed, TAG_RESERVATION, a, r, i),
        eni: ec2_id("eni", seed, TAG_ENI, a, r, i),
        kind,
        launched: rng.range(START_MS, NOW_MS - DAY_MS),
        running: rng.chance(80.0),
        az: rng.below(3),
        ip: format!("10.{}.{}.{}", r, (i >> 8) & 0xff, 1 + (i & 0xff) % 254),
        image: ec2_id("ami", seed, TAG_AMI, a, r, i % 7),
        wanted,
        volumes: Vec::new(),
    }
}

fn plan_snapshot(seed: u64, a: usize, r: usize, s: usize, volumes: &[Volume]) -> Snapshot {
    let mut rng = Rng::stream(seed, TAG_SNAPSHOT, a, r, s);
    let (volume_id, size, enc, after) = if volumes.is_empty() {
        // A copied snapshot: EC2 names no source volume.
        ("vol-ffffffff".to_owned(), 8, Enc::None, START_MS)
    } else {
        let v = &volumes[rng.below(volumes.len())];
        (v.id.clone(), v.size, v.enc, v.created)
    };
    let started = rng.range(after, NOW_MS - DAY_MS / 2);
    let public = enc == Enc::None && rng.chance(35.0);
    let shared_with = (!public && rng.chance(3.0)).then(|| outside_account(seed, rng.next()));
    let description = match rng.below(3) {
        0 => format!("Snapshot of {volume_id}"),
        1 => "daily backup".to_owned(),
        _ => String::new(),
    };
    Snapshot {
        id: ec2_id("snap", seed, TAG_SNAPSHOT, a, r, s),
        volume_id,
        size,
        enc,
        started,
        description,
        public,
        shared_with,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BucketFlaw {
    None,
    NoDefaultEncryption,
    SseS3,
    KmsWithoutBucketKey,
    PublicAcl,
    PublicPolicy,
    CrossAccountPolicy,
    PolicyTlsOnly,
    PolicyKmsOnly,
    KeyUnusable,
    NoPolicy,
    NoOwnershipControls,
}

fn plan_bucket(seed: u64, a: usize, account: &str, b: usize, regions: &[Region]) -> Bucket {
    let mut rng = Rng::stream(seed, TAG_BUCKET, a, 0, b);
    let r = rng.below(regions.len());
    let region = &regions[r];
    let prefix = *rng.pick(&[
        "app-data",
        "logs",
        "backups",
        "static-assets",
        "analytics",
        "ml-datasets",
        "artifacts",
        "reports",
        "media",
        "exports",
    ]);
    let name = format!("{prefix}-{account}-{b:05}");
    let flaw = rng.weighted(&[
        (163, BucketFlaw::None),
        (6, BucketFlaw::NoDefaultEncryption),
        (6, BucketFlaw::SseS3),
        (6, BucketFlaw::KmsWithoutBucketKey),
        (5, BucketFlaw::PublicAcl),
        (4, BucketFlaw::PublicPolicy),
        (4, BucketFlaw::CrossAccountPolicy),
        (6, BucketFlaw::PolicyTlsOnly),
        (4, BucketFlaw::PolicyKmsOnly),
        (5, BucketFlaw::KeyUnusable),
        (8, BucketFlaw::NoPolicy),
        (6, BucketFlaw::NoOwnershipControls),
    ]);
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    // A well configured default: SSE-KMS with a bucket key, on a usable customer key named
    // in one of the ways S3 accepts, or on aws/s3.
    let key_ref = |rng: &mut Rng, pool: &[usize], keys: &[Key]| -> Option<(usize, KeyRef)> {
        if pool.is_empty() {
            return None;
        }
        let k = *rng.pick(pool);
        let form = rng.weighted(&[(55, KeyRef::Arn), (25, KeyRef::AliasArn), (20, KeyRef::Id)]);
        let form = if form == KeyRef::AliasArn && keys[k].alias.is_none() {
            KeyRef::Arn
        } else {
            form
        };
        Some((k, form))
    };
    let key = if rng.chance(20.0) {
        None
    } else {
        key_ref(&mut rng, &usable, &region.keys)
    };
    let mut bucket = Bucket {
        name,
        region: r,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        enc: BucketEnc::Kms {
            key,
            bucket_key: Some(true),
        },
        pab: Some([true; 4]),
        policy: Some(if rng.chance(30.0) {
            vec![
                BucketStmt::DenyNonKms,
                BucketStmt::DenyNonTls,
                BucketStmt::OwnRole,
            ]
        } else {
            vec![BucketStmt::DenyNonKms, BucketStmt::DenyNonTls]
        }),
        acl_public: None,
        log_delivery: false,
        ownership: Some("BucketOwnerEnforced"),
        versioning: rng.weighted(&[(80, Some("Enabled")), (5, Some("Suspended")), (15, None)]),
    };
    let pab_off = |rng: &mut Rng| {
        if rng.chance(50.0) {
            None
        } else {
            Some([false; 4])
        }
    };
    match flaw {
        BucketFlaw::None => {}
        BucketFlaw::NoDefaultEncryption => bucket.enc = BucketEnc::None,
        BucketFlaw::SseS3 => bucket.enc = BucketEnc::SseS3,
        BucketFlaw::KmsWithoutBucketKey => {
            let bucket_key = if rng.chance(50.0) { Some(false) } else { None };
            if let BucketEnc::Kms { bucket_key: bk, .. } = &mut bucket.enc {
                *bk = bucket_key;
            }
        }
        BucketFlaw::PublicAcl => {
            bucket.acl_public = Some(if rng.chance(80.0) {
                ALL_USERS
            } else {
                AUTHENTICATED_USERS
            });
            bucket.ownership = Some("ObjectWriter");
            bucket.pab = pab_off(&mut rng);
        }
        BucketFlaw::PublicPolicy => {
            let aws_form = rng.chance(50.0);
            if let Some(p) = &mut bucket.policy {
                p.push(BucketStmt::PublicRead { aws_form });
            }
            bucket.pab = pab_off(&mut rng);
        }
        BucketFlaw::CrossAccountPolicy => {
            let account = outside_account(seed, rng.next());
            if let Some(p) = &mut bucket.policy {
                p.push(BucketStmt::CrossAccount { account });
            }
        }
        BucketFlaw::PolicyTlsOnly => bucket.policy = Some(vec![BucketStmt::DenyNonTls]),
        BucketFlaw::PolicyKmsOnly => bucket.policy = Some(vec![BucketStmt::DenyNonKms]),
        BucketFlaw::KeyUnusable => {
            if let Some(key) = key_ref(&mut rng, &unusable, &region.keys) {
                bucket.enc = BucketEnc::Kms {
                    key: Some(key),
                    bucket_key: Some(true),
                };
            }
        }
        BucketFlaw::NoPolicy => bucket.policy = None,
        BucketFlaw::NoOwnershipControls => {
            bucket.ownership = None;
            bucket.log_delivery = rng.chance(50.0);
        }
    }
    bucket
}

fn plan_trail(
    seed: u64,
    a: usize,
    account: &str,
    account_pab: Option<[bool; 4]>,
    regions: &[Region],
    buckets: &mut [Bucket],
) -> Trail {
    let mut rng = Rng::stream(seed, TAG_TRAIL, a, 0, 0);
    let name =
        (*rng.pick(&["management-events", "org-audit", "security-trail", "main"])).to_owned();
    let home = &regions[0];
    let arn = format!("arn:aws:cloudtrail:{}:{account}:trail/{name}", home.name);
    let usable = home.symmetric_keys(true);
    let kms = if rng.chance(70.0) && !usable.is_empty() {
        Some(*rng.pick(&usable))
    } else {
        None
    };
    let selectors = rng.weighted(&[
        (30, Selectors::ClassicManagement),
        (20, Selectors::ClassicS3),
        (10, Selectors::ClassicLambda),
        (20, Selectors::AdvancedManagement),
        (20, Selectors::AdvancedS3),
    ]);
    let public: Vec<usize> = (0..buckets.len())
        .filter(|&b| buckets[b].acl_public(account_pab) || buckets[b].policy_public(account_pab))
        .collect();
    let private: Vec<usize> = (0..buckets.len()).filter(|b| !public.contains(b)).collect();
    let want_public = rng.chance(25.0);
    let bucket = match (want_public, public.is_empty(), private.is_empty()) {
        (_, true, true) => TrailBucket::Outside(format!(
            "log-archive-{}-cloudtrail",
            outside_account(seed, rng.next())
        )),
        (true, false, _) | (false, false, true) => TrailBucket::Own(*rng.pick(&public)),
        _ => TrailBucket::Own(*rng.pick(&private)),
    };
    if let TrailBucket::Own(b) = bucket
        && let Some(policy) = &mut buckets[b].policy
    {
        policy.push(BucketStmt::CloudTrail {
            trail_arn: arn.clone(),
        });
    }
    Trail {
        name,
        arn,
        home: 0,
        multi_region: rng.chance(80.0),
        validation: rng.chance(75.0),
        kms,
        logging: rng.chance(90.0),
        selectors,
        bucket,
        prefix: rng.chance(30.0).then(|| "cloudtrail".to_owned()),
        started: rng.range(START_MS, NOW_MS - 30 * DAY_MS),
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn render_account(account: &Account, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    for (r, region) in account.regions.iter().enumerate() {
        let rdir = dir.join(&region.name);
        let sub = |s: &str| -> io::Result<PathBuf> {
            let d = rdir.join(s);
            fs::create_dir_all(&d)?;
            Ok(d)
        };
        if r == 0 {
            render_sts(account, &sub("sts")?, sink)?;
            render_s3(account, &sub("s3")?, &sub("s3control")?, sink)?;
        }
        render_kms(account, region, &sub("kms")?, sink)?;
        render_ec2(account, region, &sub("ec2")?, sink)?;
        render_cloudtrail(account, r, &sub("cloudtrail")?, sink)?;
    }
    Ok(())
}

fn render_sts(account: &Account, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let v = obj! {
        "UserId" => &account.user_id,
        "Account" => &account.id,
        "Arn" => format!("arn:aws:iam::{}:user/atrest-auditor", account.id),
    };
    sink.json(&dir.join("get-caller-identity.json"), &v)
}

fn pab_json(flags: [bool; 4]) -> J {
    obj! {
        "PublicAccessBlockConfiguration" => obj! {
            "BlockPublicAcls" => flags[0],
            "IgnorePublicAcls" => flags[1],
            "BlockPublicPolicy" => flags[2],
            "RestrictPublicBuckets" => flags[3],
        },
    }
}

fn render_s3(account: &Account, dir: &Path, control: &Path, sink: &mut Sink) -> io::Result<()> {
    const NO_PAB: &str = "The public access block configuration was not found";
    match account.pab {
        Some(flags) => sink.json(
            &control.join("get-public-access-block.json"),
            &pab_json(flags),
        )?,
        None => sink.error(
            control,
            "get-public-access-block",
            "NoSuchPublicAccessBlockConfiguration",
            "GetPublicAccessBlock",
            NO_PAB,
        )?,
    }
    let list = obj! {
        "Buckets" => J::Arr(account.buckets.iter().map(|b| obj! {
            "Name" => &b.name,
            "CreationDate" => iso(b.created / 1000 * 1000),
            "BucketRegion" => &account.regions[b.region].name,
        }).collect()),
        "Owner" => obj! { "ID" => &account.canonical },
    };
    sink.json(&dir.join("list-buckets.json"), &list)?;
    for b in &account.buckets {
        let region = &account.regions[b.region];
        let name = &b.name;
        let path = |api: &str| dir.join(format!("{}.json", file(api, name)));
        let stem = |api: &str| file(api, name);

        let location = if region.name == "us-east-1" {
            J::Null
        } else {
            J::from(&region.name)
        };
        sink.json(
            &path("get-bucket-location"),
            &obj! { "LocationConstraint" => location },
        )?;

        let rule = match &b.enc {
            BucketEnc::None => None,
            BucketEnc::SseS3 => Some(obj! {
                "ApplyServerSideEncryptionByDefault" => obj! { "SSEAlgorithm" => "AES256" },
                "BucketKeyEnabled" => false,
            }),
            BucketEnc::Kms { key, bucket_key } => {
                let key_id = key.map(|(k, form)| {
                    let key = &region.keys[k];
                    match (form, &key.alias) {
                        (KeyRef::AliasArn, Some(alias)) => {
                            format!("arn:aws:kms:{}:{}:{alias}", region.name, account.id)
                        }
                        (KeyRef::Id, _) => key.id.clone(),
                        _ => key.arn.clone(),
                    }
                });
                Some(obj! {
                    "ApplyServerSideEncryptionByDefault" => obj! {
                        "SSEAlgorithm" => "aws:kms",
                        "KMSMasterKeyID" => key_id,
                    },
                    "BucketKeyEnabled" => *bucket_key,
                })
            }
        };
        match rule {
            Some(rule) => sink.json(
                &path("get-bucket-encryption"),
                &obj! { "ServerSideEncryptionConfiguration" => obj! { "Rules" => vec![rule] } },
            )?,
            None => sink.error(
                dir,
                &stem("get-bucket-encryption"),
                "ServerSideEncryptionConfigurationNotFoundError",
                "GetBucketEncryption",
                "The server side encryption configuration was not found",
            )?,
        }

        match b.pab {
            Some(flags) => sink.json(&path("get-public-access-block"), &pab_json(flags))?,
            None => sink.error(
                dir,
                &stem("get-public-access-block"),
                "NoSuchPublicAccessBlockConfiguration",
                "GetPublicAccessBlock",
                NO_PAB,
            )?,
        }

        match &b.policy {
            Some(statements) => {
                let doc = bucket_policy(account, name, statements);
                sink.json(
                    &path("get-bucket-policy"),
                    &obj! { "Policy" => compact(&doc) },
                )?;
                let public = b.has(|s| matches!(s, BucketStmt::PublicRead { .. }));
                sink.json(
                    &path("get-bucket-policy-status"),
                    &obj! { "PolicyStatus" => obj! { "IsPublic" => public } },
                )?;
            }
            None => {
                for (api, op) in [
                    ("get-bucket-policy", "GetBucketPolicy"),
                    ("get-bucket-policy-status", "GetBucketPolicyStatus"),
                ] {
                    sink.error(
                        dir,
                        &stem(api),
                        "NoSuchBucketPolicy",
                        op,
                        "The bucket policy does not exist",
                    )?;
                }
            }
        }

        let mut grants = vec![obj! {
            "Grantee" => obj! { "ID" => &account.canonical, "Type" => "CanonicalUser" },
            "Permission" => "FULL_CONTROL",
        }];
        if b.log_delivery {
            for permission in ["WRITE", "READ_ACP"] {
                grants.push(obj! {
                    "Grantee" => obj! { "Type" => "Group", "URI" => LOG_DELIVERY },
                    "Permission" => permission,
                });
            }
        }
        if let Some(uri) = b.acl_public {
            grants.push(obj! {
                "Grantee" => obj! { "Type" => "Group", "URI" => uri },
                "Permission" => "READ",
            });
        }
        sink.json(
            &path("get-bucket-acl"),
            &obj! { "Owner" => obj! { "ID" => &account.canonical }, "Grants" => grants },
        )?;

        match b.ownership {
            Some(ownership) => sink.json(
                &path("get-bucket-ownership-controls"),
                &obj! {
                    "OwnershipControls" => obj! {
                        "Rules" => vec![obj! { "ObjectOwnership" => ownership }],
                    },
                },
            )?,
            None => sink.error(
                dir,
                &stem("get-bucket-ownership-controls"),
                "OwnershipControlsNotFoundError",
                "GetBucketOwnershipControls",
                "The bucket ownership controls were not found",
            )?,
        }

        match b.versioning {
            Some(status) => {
                sink.json(&path("get-bucket-versioning"), &obj! { "Status" => status })?
            }
            None => sink.empty(&path("get-bucket-versioning"))?,
        }
    }
    Ok(())
}

fn bucket_policy(account: &Account, bucket: &str, statements: &[BucketStmt]) -> J {
    let arn = format!("arn:aws:s3:::{bucket}");
    let objects = format!("{arn}/*");
    let mut out = Vec::new();
    for s in statements {
        match s {
            BucketStmt::DenyNonKms => out.push(obj! {
                "Sid" => "DenyUnencryptedObjectUploads",
                "Effect" => "Deny",
                "Principal" => "*",
                "Action" => "s3:PutObject",
                "Resource" => &objects,
                "Condition" => obj! {
                    "StringNotEquals" => obj! { "s3:x-amz-server-side-encryption" => "aws:kms" },
                },
            }),
            BucketStmt::DenyNonTls => out.push(obj! {
                "Sid" => "DenyInsecureTransport",
                "Effect" => "Deny",
                "Principal" => "*",
                "Action" => "s3:*",
                "Resource" => vec![J::from(&arn), J::from(&objects)],
                "Condition" => obj! { "Bool" => obj! { "aws:SecureTransport" => "false" } },
            }),
            BucketStmt::PublicRead { aws_form } => out.push(obj! {
                "Sid" => "PublicReadGetObject",
                "Effect" => "Allow",
                "Principal" => if *aws_form { obj! { "AWS" => "*" } } else { J::from("*") },
                "Action" => "s3:GetObject",
                "Resource" => &objects,
            }),
            BucketStmt::CrossAccount { account: other } => out.push(obj! {
                "Sid" => "CrossAccountRead",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => format!("arn:aws:iam::{other}:root") },
                "Action" => strs(&["s3:GetObject", "s3:ListBucket"]),
                "Resource" => vec![J::from(&arn), J::from(&objects)],
            }),
            BucketStmt::OwnRole => out.push(obj! {
                "Sid" => "AllowApplicationRole",
                "Effect" => "Allow",
                "Principal" => obj! {
                    "AWS" => format!("arn:aws:iam::{}:role/application", account.id),
                },
                "Action" => strs(&["s3:GetObject", "s3:PutObject"]),
                "Resource" => &objects,
            }),
            BucketStmt::CloudTrail { trail_arn } => {
                out.push(obj! {
                    "Sid" => "AWSCloudTrailAclCheck",
                    "Effect" => "Allow",
                    "Principal" => obj! { "Service" => "cloudtrail.amazonaws.com" },
                    "Action" => "s3:GetBucketAcl",
                    "Resource" => &arn,
                    "Condition" => obj! {
                        "StringEquals" => obj! { "aws:SourceArn" => trail_arn },
                    },
                });
                out.push(obj! {
                    "Sid" => "AWSCloudTrailWrite",
                    "Effect" => "Allow",
                    "Principal" => obj! { "Service" => "cloudtrail.amazonaws.com" },
                    "Action" => "s3:PutObject",
                    "Resource" => format!("{arn}/AWSLogs/{}/*", account.id),
                    "Condition" => obj! {
                        "StringEquals" => obj! {
                            "s3:x-amz-acl" => "bucket-owner-full-control",
                            "aws:SourceArn" => trail_arn,
                        },
                    },
                });
            }
        }
    }
    obj! { "Version" => "2012-10-17", "Statement" => out }
}

const ENCRYPT_ACTIONS: [&str; 5] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
];

fn key_policy(account: &Account, region: &Region, key: &Key) -> J {
    let own = &account.id;
    let root = format!("arn:aws:iam::{own}:root");
    let admin = format!("arn:aws:iam::{own}:role/KeyAdministrator");
    let user = format!("arn:aws:iam::{own}:role/application");
    let mut out = Vec::new();
    let mut id = "key-default-1";
    for s in &key.statements {
        match s {
            KeyStmt::Root => out.push(obj! {
                "Sid" => "Enable IAM User Permissions",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => &root },
                "Action" => "kms:*",
                "Resource" => "*",
            }),
            KeyStmt::Admins { star } => {
                id = "key-consolepolicy-3";
                let actions = if *star {
                    J::from("kms:*")
                } else {
                    strs(&[
                        "kms:Create*",
                        "kms:Describe*",
                        "kms:Enable*",
                        "kms:List*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:Disable*",
                        "kms:Get*",
                        "kms:Delete*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                        "kms:RotateKeyOnDemand",
                    ])
                };
                out.push(obj! {
                    "Sid" => "Allow access for Key Administrators",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => &admin },
                    "Action" => actions,
                    "Resource" => "*",
                });
            }
            KeyStmt::Users { with_admin } => {
                let principal = if *with_admin {
                    vec![J::from(&admin), J::from(&user)].into()
                } else {
                    J::from(&user)
                };
                let actions = if key.kind == KeyKind::Asymmetric {
                    strs(&[
                        "kms:DescribeKey",
                        "kms:GetPublicKey",
                        "kms:Sign",
                        "kms:Verify",
                    ])
                } else {
                    strs(&ENCRYPT_ACTIONS)
                };
                out.push(obj! {
                    "Sid" => "Allow use of the key",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => principal },
                    "Action" => actions,
                    "Resource" => "*",
                });
            }
            KeyStmt::Grants => out.push(obj! {
                "Sid" => "Allow attachment of persistent resources",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => &user },
                "Action" => strs(&["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]),
                "Resource" => "*",
                "Condition" => obj! { "Bool" => obj! { "kms:GrantIsForAWSResource" => "true" } },
            }),
            KeyStmt::Public { aws_form } => out.push(obj! {
                "Sid" => "Allow decryption by anyone",
                "Effect" => "Allow",
                "Principal" => if *aws_form { obj! { "AWS" => "*" } } else { J::from("*") },
                "Action" => strs(&["kms:Decrypt", "kms:DescribeKey"]),
                "Resource" => "*",
            }),
            KeyStmt::CrossAccount { account: other } => out.push(obj! {
                "Sid" => "Allow use of the key by a partner account",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => format!("arn:aws:iam::{other}:root") },
                "Action" => strs(&ENCRYPT_ACTIONS),
                "Resource" => "*",
            }),
            KeyStmt::AwsManaged { service } => {
                id = if *service == "ebs" {
                    "auto-ebs-2"
                } else {
                    "auto-s3-2"
                };
                let upper = if *service == "ebs" { "EBS" } else { "S3" };
                let via = if *service == "ebs" { "ec2" } else { "s3" };
                let mut actions: Vec<&str> = ENCRYPT_ACTIONS[..4].to_vec();
                actions.extend(["kms:CreateGrant", "kms:DescribeKey"]);
                out.push(obj! {
                    "Sid" => format!("Allow access through {upper} for all principals in the account that are authorized to use {upper}"),
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => "*" },
                    "Action" => strs(&actions),
                    "Resource" => "*",
                    "Condition" => obj! {
                        "StringEquals" => obj! {
                            "kms:CallerAccount" => own,
                            "kms:ViaService" => format!("{via}.{}.amazonaws.com", region.name),
                        },
                    },
                });
                out.push(obj! {
                    "Sid" => "Allow direct access to key metadata to the account",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => &root },
                    "Action" => strs(&["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
                    "Resource" => "*",
                });
            }
        }
    }
    obj! { "Version" => "2012-10-17", "Id" => id, "Statement" => out }
}

fn render_kms(account: &Account, region: &Region, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let mut all: Vec<&Key> = region.keys.iter().collect();
    all.push(&region.aws_ebs);
    all.push(&region.aws_s3);
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let list = obj! {
        "Keys" => J::Arr(all.iter().map(|k| obj! { "KeyId" => &k.id, "KeyArn" => &k.arn }).collect()),
    };
    sink.json(&dir.join("list-keys.json"), &list)?;

    let mut aliases: Vec<(&str, &Key)> = all
        .iter()
        .filter_map(|k| k.alias.as_deref().map(|a| (a, *k)))
        .collect();
    aliases.sort_by(|x, y| x.0.cmp(y.0));
    let aliases = obj! {
        "Aliases" => J::Arr(aliases.iter().map(|(alias, k)| obj! {
            "AliasName" => *alias,
            "AliasArn" => format!("arn:aws:kms:{}:{}:{alias}", region.name, account.id),
            "TargetKeyId" => &k.id,
            "CreationDate" => iso(k.created + 1234),
            "LastUpdatedDate" => iso(k.created + 1234),
        }).collect()),
    };
    sink.json(&dir.join("list-aliases.json"), &aliases)?;

    for key in all {
        let path = |api: &str| dir.join(format!("{}.json", file(api, &key.id)));
        sink.json(
            &path("describe-key"),
            &obj! { "KeyMetadata" => key_metadata(account, key) },
        )?;
        let policy = jackson(&key_policy(account, region, key));
        sink.json(
            &path("get-key-policy"),
            &obj! { "Policy" => policy, "PolicyName" => "default" },
        )?;
        let stem = file("get-key-rotation-status", &key.id);
        if key.state == KeyState::PendingDeletion {
            sink.error(
                dir,
                &stem,
                "KMSInvalidStateException",
                "GetKeyRotationStatus",
                &format!("{} is pending deletion.", key.arn),
            )?;
        } else if key.kind == KeyKind::Asymmetric {
            sink.error(
                dir,
                &stem,
                "UnsupportedOperationException",
                "GetKeyRotationStatus",
                &format!(
                    "{} key usage is SIGN_VERIFY which is not valid for GetKeyRotationStatus.",
                    key.arn
                ),
            )?;
        } else {
            let on = key.rotation && key.kind == KeyKind::Symmetric;
            let next = on.then(|| {
                let year = 365 * DAY_MS;
                key.created + ((NOW_MS - key.created) / year + 1) * year
            });
            sink.json(
                &path("get-key-rotation-status"),
                &obj! {
                    "KeyRotationEnabled" => on,
                    "KeyId" => &key.id,
                    "RotationPeriodInDays" => on.then_some(365usize),
                    "NextRotationDate" => next.map(iso),
                },
            )?;
        }
        let grants: Vec<J> = (0..key.grants)
            .map(|g| {
                let gid = format!("{:016x}{:016x}", mix(key.created as u64 + g as u64), mix(g as u64));
                obj! {
                    "KeyId" => &key.arn,
                    "GrantId" => format!("{gid}{gid}"),
                    "Name" => "",
                    "CreationDate" => iso(key.created + 60_000 * (g as i64 + 1)),
                    "GranteePrincipal" => format!("arn:aws:iam::{}:role/application", account.id),
                    "IssuingAccount" => format!("arn:aws:iam::{}:root", account.id),
                    "Operations" => strs(&["Decrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant"]),
                }
            })
            .collect();
        sink.json(&path("list-grants"), &obj! { "Grants" => grants })?;
        let tags: Vec<J> = key
            .tags
            .iter()
            .map(|(k, v)| obj! { "TagKey" => *k, "TagValue" => v })
            .collect();
        sink.json(&path("list-resource-tags"), &obj! { "Tags" => tags })?;
    }
    Ok(())
}

fn key_metadata(account: &Account, key: &Key) -> J {
    let (usage, spec) = match key.kind {
        KeyKind::Asymmetric => ("SIGN_VERIFY", "RSA_2048"),
        _ => ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"),
    };
    let state = match key.state {
        KeyState::Enabled => "Enabled",
        KeyState::Disabled => "Disabled",
        KeyState::PendingDeletion => "PendingDeletion",
    };
    let origin = if key.kind == KeyKind::External {
        "EXTERNAL"
    } else {
        "AWS_KMS"
    };
    let (encryption, signing) = if key.kind == KeyKind::Asymmetric {
        (
            J::Absent,
            strs(&[
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
            ]),
        )
    } else {
        (strs(&["SYMMETRIC_DEFAULT"]), J::Absent)
    };
    obj! {
        "AWSAccountId" => &account.id,
        "KeyId" => &key.id,
        "Arn" => &key.arn,
        "CreationDate" => iso(key.created),
        "Enabled" => key.state == KeyState::Enabled,
        "Description" => &key.description,
        "KeyUsage" => usage,
        "KeyState" => state,
        "DeletionDate" => key.deletion.map(iso),
        "Origin" => origin,
        "ExpirationModel" => (key.kind == KeyKind::External).then_some("KEY_MATERIAL_DOES_NOT_EXPIRE"),
        "KeyManager" => if key.customer { "CUSTOMER" } else { "AWS" },
        "CustomerMasterKeySpec" => spec,
        "KeySpec" => spec,
        "EncryptionAlgorithms" => encryption,
        "SigningAlgorithms" => signing,
        "MultiRegion" => false,
        "PendingDeletionWindowInDays" => key.deletion.map(|_| 30usize),
    }
}

fn tags(name: &Option<String>) -> J {
    match name {
        Some(n) => vec![obj! { "Key" => "Name", "Value" => n }].into(),
        None => J::Absent,
    }
}

fn render_ec2(account: &Account, region: &Region, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let volumes: Vec<J> = region
        .volumes
        .iter()
        .map(|v| {
            let iops = match v.kind {
                "gp3" => Some(3000usize),
                "gp2" => Some((3 * v.size as usize).clamp(100, 16_000)),
                "io1" => Some(1000),
                _ => None,
            };
            let attachments: Vec<J> = v
                .attachment
                .iter()
                .map(|at| {
                    obj! {
                        "DeleteOnTermination" => at.delete_on_termination,
                        "VolumeId" => &v.id,
                        "InstanceId" => &at.instance,
                        "Device" => at.device,
                        "State" => "attached",
                        "AttachTime" => iso(at.time),
                    }
                })
                .collect();
            obj! {
                "Iops" => iops,
                "Tags" => tags(&v.name),
                "VolumeType" => v.kind,
                "MultiAttachEnabled" => false,
                "Throughput" => (v.kind == "gp3").then_some(125usize),
                "VolumeId" => &v.id,
                "Size" => v.size,
                "SnapshotId" => v.from_snapshot.clone().unwrap_or_default(),
                "AvailabilityZone" => &v.az,
                "State" => if v.attachment.is_some() { "in-use" } else { "available" },
                "CreateTime" => iso(v.created),
                "Attachments" => attachments,
                "Encrypted" => v.enc != Enc::None,
                "KmsKeyId" => region.ebs_key_arn(v.enc),
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-volumes.json"),
        &obj! { "Volumes" => volumes },
    )?;

    let snapshots: Vec<J> = region
        .snapshots
        .iter()
        .map(|s| {
            obj! {
                "StorageTier" => "standard",
                "SnapshotId" => &s.id,
                "VolumeId" => &s.volume_id,
                "State" => "completed",
                "StartTime" => iso(s.started),
                "Progress" => "100%",
                "OwnerId" => &account.id,
                "Description" => &s.description,
                "VolumeSize" => s.size,
                "Encrypted" => s.enc != Enc::None,
                "KmsKeyId" => region.ebs_key_arn(s.enc),
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-snapshots.json"),
        &obj! { "Snapshots" => snapshots },
    )?;
    for s in &region.snapshots {
        let mut permissions = Vec::new();
        if s.public {
            permissions.push(obj! { "Group" => "all" });
        }
        if let Some(other) = &s.shared_with {
            permissions.push(obj! { "UserId" => other });
        }
        sink.json(
            &dir.join(format!(
                "{}.json",
                file("describe-snapshot-attribute", &s.id)
            )),
            &obj! { "SnapshotId" => &s.id, "CreateVolumePermissions" => permissions },
        )?;
    }

    let reservations: Vec<J> = region
        .instances
        .iter()
        .map(|i| instance_reservation(account, region, i))
        .collect();
    sink.json(
        &dir.join("describe-instances.json"),
        &obj! { "Reservations" => reservations },
    )?;

    sink.json(
        &dir.join("get-ebs-encryption-by-default.json"),
        &obj! { "EbsEncryptionByDefault" => region.ebs_default },
    )?;
    let default_key = match region.ebs_default_key {
        Some(k) => region.keys[k].arn.clone(),
        None => "alias/aws/ebs".to_owned(),
    };
    sink.json(
        &dir.join("get-ebs-default-kms-key-id.json"),
        &obj! { "KmsKeyId" => default_key },
    )?;
    sink.json(
        &dir.join("get-snapshot-block-public-access-state.json"),
        &obj! { "State" => "unblocked", "ManagedBy" => "account" },
    )
}

fn instance_reservation(account: &Account, region: &Region, i: &Instance) -> J {
    let az = format!("{}{}", region.name, ['a', 'b', 'c'][i.az]);
    let host = format!("ip-{}", i.ip.replace('.', "-"));
    let private_dns = if region.name == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{}.compute.internal", region.name)
    };
    let mappings: Vec<J> = i
        .volumes
        .iter()
        .filter_map(|&v| region.volumes[v].attachment.as_ref().map(|at| (v, at)))
        .map(|(v, at)| {
            obj! {
                "DeviceName" => at.device,
                "Ebs" => obj! {
                    "AttachTime" => iso(at.time),
                    "DeleteOnTermination" => at.delete_on_termination,
                    "Status" => "attached",
                    "VolumeId" => &region.volumes[v].id,
                },
            }
        })
        .collect();
    let group = || vec![obj! { "GroupId" => &region.security_group, "GroupName" => "default" }];
    let (state_code, state_name) = if i.running {
        (16usize, "running")
    } else {
        (80, "stopped")
    };
    let mac = {
        let m = mix(i.launched as u64);
        format!(
            "0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m & 0xff,
            (m >> 8) & 0xff,
            (m >> 16) & 0xff,
            (m >> 24) & 0xff,
            (m >> 32) & 0xff
        )
    };
    let stopped_at = i.launched + 3 * DAY_MS;
    let instance = obj! {
        "Architecture" => if i.kind.starts_with("c6g") { "arm64" } else { "x86_64" },
        "BlockDeviceMappings" => mappings,
        "ClientToken" => format!("{:016x}{:016x}", mix(i.launched as u64 ^ 0xC1), mix(i.launched as u64 ^ 0xC2)),
        "EbsOptimized" => true,
        "EnaSupport" => true,
        "Hypervisor" => "xen",
        "NetworkInterfaces" => vec![obj! {
            "Attachment" => obj! {
                "AttachTime" => iso(i.launched / 1000 * 1000),
                "AttachmentId" => i.eni.replace("eni-", "eni-attach-"),
                "DeleteOnTermination" => true,
                "DeviceIndex" => 0usize,
                "Status" => "attached",
                "NetworkCardIndex" => 0usize,
            },
            "Description" => "",
            "Groups" => group(),
            "Ipv6Addresses" => Vec::new(),
            "MacAddress" => &mac,
            "NetworkInterfaceId" => &i.eni,
            "OwnerId" => &account.id,
            "PrivateDnsName" => &private_dns,
            "PrivateIpAddress" => &i.ip,
            "PrivateIpAddresses" => vec![obj! {
                "Primary" => true,
                "PrivateDnsName" => &private_dns,
                "PrivateIpAddress" => &i.ip,
            }],
            "SourceDestCheck" => true,
            "Status" => "in-use",
            "SubnetId" => &region.subnets[i.az],
            "VpcId" => &region.vpc,
            "InterfaceType" => "interface",
        }],
        "RootDeviceName" => "/dev/xvda",
        "RootDeviceType" => "ebs",
        "SecurityGroups" => group(),
        "SourceDestCheck" => true,
        "StateReason" => (!i.running).then(|| obj! {
            "Code" => "Client.UserInitiatedShutdown",
            "Message" => "Client.UserInitiatedShutdown: User initiated shutdown",
        }),
        "Tags" => vec![obj! { "Key" => "Name", "Value" => format!("{}-{}", i.kind.replace('.', "-"), &i.id[2..8]) }],
        "VirtualizationType" => "hvm",
        "CpuOptions" => obj! { "CoreCount" => 1usize, "ThreadsPerCore" => 2usize },
        "CapacityReservationSpecification" => obj! { "CapacityReservationPreference" => "open" },
        "HibernationOptions" => obj! { "Configured" => false },
        "MetadataOptions" => obj! {
            "State" => "applied",
            "HttpTokens" => "required",
            "HttpPutResponseHopLimit" => 2usize,
            "HttpEndpoint" => "enabled",
            "HttpProtocolIpv6" => "disabled",
            "InstanceMetadataTags" => "disabled",
        },
        "EnclaveOptions" => obj! { "Enabled" => false },
        "PlatformDetails" => "Linux/UNIX",
        "UsageOperation" => "RunInstances",
        "UsageOperationUpdateTime" => iso(i.launched / 1000 * 1000),
        "PrivateDnsNameOptions" => obj! {
            "HostnameType" => "ip-name",
            "EnableResourceNameDnsARecord" => false,
            "EnableResourceNameDnsAAAARecord" => false,
        },
        "MaintenanceOptions" => obj! { "AutoRecovery" => "default" },
        "CurrentInstanceBootMode" => "legacy-bios",
        "InstanceId" => &i.id,
        "ImageId" => &i.image,
        "State" => obj! { "Code" => state_code, "Name" => state_name },
        "PrivateDnsName" => &private_dns,
        "PublicDnsName" => "",
        "StateTransitionReason" => if i.running {
            String::new()
        } else {
            format!("User initiated ({} GMT)", iso_z(stopped_at).trim_end_matches('Z').replace('T', " "))
        },
        "AmiLaunchIndex" => 0usize,
        "ProductCodes" => Vec::new(),
        "InstanceType" => i.kind,
        "LaunchTime" => iso(i.launched / 1000 * 1000),
        "Placement" => obj! {
            "GroupName" => "",
            "Tenancy" => "default",
            "AvailabilityZone" => &az,
        },
        "Monitoring" => obj! { "State" => "disabled" },
        "SubnetId" => &region.subnets[i.az],
        "VpcId" => &region.vpc,
        "PrivateIpAddress" => &i.ip,
    };
    obj! {
        "ReservationId" => &i.reservation,
        "OwnerId" => &account.id,
        "Groups" => Vec::new(),
        "Instances" => vec![instance],
    }
}

fn render_cloudtrail(account: &Account, r: usize, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let t = &account.trail;
    let home = &account.regions[t.home];
    let listed = r == t.home || t.multi_region;
    let selectors_custom = t.selectors != Selectors::ClassicManagement;
    let trails = if listed {
        vec![obj! {
            "Name" => &t.name,
            "S3BucketName" => t.bucket_name(account),
            "S3KeyPrefix" => t.prefix.clone(),
            "IncludeGlobalServiceEvents" => true,
            "IsMultiRegionTrail" => t.multi_region,
            "HomeRegion" => &home.name,
            "TrailARN" => &t.arn,
            "LogFileValidationEnabled" => t.validation,
            "KmsKeyId" => t.kms.map(|k| home.keys[k].arn.clone()),
            "HasCustomEventSelectors" => selectors_custom,
            "HasInsightSelectors" => false,
            "IsOrganizationTrail" => false,
        }]
    } else {
        Vec::new()
    };
    sink.json(
        &dir.join("describe-trails.json"),
        &obj! { "trailList" => trails },
    )?;
    if r != t.home {
        return Ok(());
    }
    let last = NOW_MS - 7 * 60_000 - (t.started % 60_000);
    let stopped = t.started + 90 * DAY_MS;
    let status = if t.logging {
        obj! {
            "IsLogging" => true,
            "LatestDeliveryTime" => iso(last),
            "StartLoggingTime" => iso(t.started),
            "LatestDigestDeliveryTime" => t.validation.then(|| iso(last - 1_800_000)),
            "LatestDeliveryAttemptTime" => iso_z(last),
            "LatestNotificationAttemptTime" => "",
            "LatestNotificationAttemptSucceeded" => "",
            "LatestDeliveryAttemptSucceeded" => iso_z(last),
            "TimeLoggingStarted" => iso_z(t.started),
            "TimeLoggingStopped" => "",
        }
    } else {
        obj! {
            "IsLogging" => false,
            "LatestDeliveryTime" => iso(stopped - 120_000),
            "StartLoggingTime" => iso(t.started),
            "StopLoggingTime" => iso(stopped),
            "LatestDeliveryAttemptTime" => iso_z(stopped - 120_000),
            "LatestNotificationAttemptTime" => "",
            "LatestNotificationAttemptSucceeded" => "",
            "LatestDeliveryAttemptSucceeded" => iso_z(stopped - 120_000),
            "TimeLoggingStarted" => iso_z(t.started),
            "TimeLoggingStopped" => iso_z(stopped),
        }
    };
    sink.json(
        &dir.join(format!("{}.json", file("get-trail-status", &t.name))),
        &status,
    )?;

    let classic = |data: Vec<J>| {
        obj! {
            "EventSelectors" => vec![obj! {
                "ReadWriteType" => "All",
                "IncludeManagementEvents" => true,
                "DataResources" => data,
                "ExcludeManagementEventSources" => Vec::new(),
            }],
        }
    };
    let management = || {
        obj! {
            "Name" => "Management events selector",
            "FieldSelectors" => vec![obj! { "Field" => "eventCategory", "Equals" => strs(&["Management"]) }],
        }
    };
    let body = match t.selectors {
        Selectors::ClassicManagement => classic(Vec::new()),
        Selectors::ClassicS3 => classic(vec![obj! {
            "Type" => "AWS::S3::Object",
            "Values" => strs(&["arn:aws:s3"]),
        }]),
        Selectors::ClassicLambda => classic(vec![obj! {
            "Type" => "AWS::Lambda::Function",
            "Values" => strs(&["arn:aws:lambda"]),
        }]),
        Selectors::AdvancedManagement => obj! { "AdvancedEventSelectors" => vec![management()] },
        Selectors::AdvancedS3 => obj! {
            "AdvancedEventSelectors" => vec![
                management(),
                obj! {
                    "Name" => "Log all S3 data events",
                    "FieldSelectors" => vec![
                        obj! { "Field" => "eventCategory", "Equals" => strs(&["Data"]) },
                        obj! { "Field" => "resources.type", "Equals" => strs(&["AWS::S3::Object"]) },
                    ],
                },
            ],
        },
    };
    let mut members = vec![("TrailARN", J::from(&t.arn))];
    if let J::Obj(rest) = body {
        members.extend(rest);
    }
    sink.json(
        &dir.join(format!("{}.json", file("get-event-selectors", &t.name))),
        &J::Obj(members),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("atrest-generate-{}-{n}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Every file under `root`, by relative path, with its bytes.
    fn tree(root: &Path) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> io::Result<()> {
            for entry in fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    walk(root, &path, out)?;
                } else {
                    let rel = path
                        .strip_prefix(root)
                        .map_err(io::Error::other)?
                        .to_owned();
                    out.push((rel, fs::read(&path)?));
                }
            }
            Ok(())
        }
        let mut out = Vec::new();
        walk(root, root, &mut out)?;
        out.sort();
        Ok(out)
    }

    fn small(seed: u64) -> Spec {
        Spec {
            accounts: 3,
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            buckets: 150,
            keys: 60,
            volumes: 240,
            snapshots: 90,
            instances: 30,
            seed,
        }
    }

    #[test]
    fn same_spec_same_bytes() -> io::Result<()> {
        let (a, b, c) = (TempDir::new("a"), TempDir::new("b"), TempDir::new("c"));
        let first = generate(&small(7), &a.0)?;
        let second = generate(&small(7), &b.0)?;
        assert_eq!(first, second);
        let (ta, tb) = (tree(&a.0)?, tree(&b.0)?);
        assert_eq!(ta.len(), first.files);
        assert_eq!(
            ta.iter().map(|(_, b)| b.len() as u64).sum::<u64>(),
            first.bytes
        );
        assert!(ta == tb, "two runs of one spec differ");
        generate(&small(8), &c.0)?;
        assert!(tree(&c.0)? != ta, "another seed gives the same tree");
        // A non-empty output directory is refused.
        assert!(generate(&small(7), &a.0).is_err());
        Ok(())
    }

    #[test]
    fn every_file_is_cli_json() -> io::Result<()> {
        let dir = TempDir::new("json");
        let summary = generate(&small(11), &dir.0)?;
        let files = tree(&dir.0)?;
        assert_eq!(files.len(), summary.files);
        for (path, bytes) in &files {
            let name = path.to_string_lossy();
            if bytes.is_empty() {
                assert!(name.contains("get-bucket-versioning--"), "{name} is empty");
                continue;
            }
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| io::Error::other(format!("{name}: {e}")))?;
            assert!(value.is_object(), "{name}");
            assert!(
                bytes.starts_with(b"{\n    \"") && bytes.ends_with(b"}\n"),
                "{name}"
            );
            if name.ends_with(".error.json") {
                let keys: Vec<&String> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .collect();
                assert_eq!(keys.len(), 3, "{name}");
            }
        }
        // The policies inside are JSON too.
        for (path, bytes) in &files {
            let name = path.to_string_lossy();
            if (name.contains("get-key-policy--") || name.contains("get-bucket-policy--"))
                && !name.ends_with(".error.json")
            {
                let v: Value = serde_json::from_slice(bytes).map_err(io::Error::other)?;
                let text = v["Policy"].as_str().unwrap_or_default();
                let doc: Value = serde_json::from_str(text).map_err(io::Error::other)?;
                assert!(doc["Statement"].is_array(), "{name}");
            }
        }
        Ok(())
    }

    #[test]
    fn formats_like_the_cli_and_kms() {
        assert_eq!(iso(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso(1_709_632_862_000), "2024-03-05T10:01:02+00:00");
        assert_eq!(iso(1_709_632_862_123), "2024-03-05T10:01:02.123000+00:00");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00+00:00");
        assert_eq!(iso_z(1_709_632_862_123), "2024-03-05T10:01:02Z");
        let doc = obj! {
            "Version" => "2012-10-17",
            "Statement" => vec![obj! {
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => "arn:aws:iam::123456789012:root" },
                "Action" => strs(&["kms:Decrypt", "kms:Encrypt"]),
            }],
        };
        assert_eq!(
            jackson(&doc),
            "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\",\n    \
             \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::123456789012:root\"\n    },\n    \
             \"Action\" : [ \"kms:Decrypt\", \"kms:Encrypt\" ]\n  } ]\n}"
        );
        assert_eq!(
            compact(&doc),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["kms:Decrypt","kms:Encrypt"]}]}"#
        );
    }

    #[test]
    fn scaled_split() {
        let s = Spec::scaled(100_000);
        assert_eq!(
            (s.buckets, s.keys, s.volumes, s.snapshots, s.instances),
            (10_000, 5_000, 70_000, 10_000, 5_000)
        );
        let s = Spec::scaled(1_234);
        assert_eq!((s.buckets, s.keys, s.volumes), (123, 62, 864));
    }

    /// A spec small enough to count by hand: its files were read one by one (one account, no
    /// account-wide public access block, region eu-west-1 with EBS encryption by default on).
    ///
    /// * buckets: 00015 has no default encryption; 00018 (the trail's) only denies insecure
    ///   transport; 00002 grants `AllUsers` `READ`, is `ObjectWriter` and has no public access
    ///   block; 00006 allows `s3:GetObject` to `{"AWS": "*"}` with all four blocks off. The
    ///   other buckets are SSE-KMS with a bucket key on enabled keys (by ARN, alias ARN, id or
    ///   `aws/s3`), both denials, all four blocks, `BucketOwnerEnforced`.
    /// * keys: `…4e6d7b25397e` is enabled with rotation off; `…4f22f188e9f9` and `…f7e3808b9bae`
    ///   are disabled; `…f05cdf851bba` is pending deletion and grants its administrators `kms:*`.
    /// * volumes: `vol-0aa4…` is unencrypted, `vol-02c6…` and `vol-03d9…` use `aws/ebs`,
    ///   `vol-0902…` uses the disabled `…4f22f188e9f9`.
    /// * snapshots `snap-0af7…` and `snap-08e1…` (of `vol-0aa4…`) are unencrypted, the second is
    ///   shared with `all`.
    /// * the trail has no KMS key, no log file validation and management events only.
    ///
    /// Changing what the PRNG draws changes this output: count again by hand.
    #[test]
    fn counts_match_a_hand_count() -> io::Result<()> {
        let dir = TempDir::new("hand");
        let spec = Spec {
            accounts: 1,
            regions: vec!["eu-west-1".into()],
            buckets: 20,
            keys: 10,
            volumes: 12,
            snapshots: 6,
            instances: 3,
            seed: 49,
        };
        let summary = generate(&spec, &dir.0)?;
        let fired: Vec<(&str, usize)> = summary
            .expected
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (*r, *n))
            .collect();
        assert_eq!(
            fired,
            vec![
                ("cloudtrail-trail-log-validation-off", 1),
                ("cloudtrail-trail-no-s3-data-events", 1),
                ("cloudtrail-trail-not-kms-encrypted", 1),
                ("ebs-snapshot-public", 1),
                ("ebs-snapshot-unencrypted", 2),
                ("ebs-volume-aws-managed-key", 2),
                ("ebs-volume-key-unusable", 1),
                ("ebs-volume-unencrypted", 1),
                ("kms-key-admins-can-use", 1),
                ("kms-key-disabled", 2),
                ("kms-key-pending-deletion", 1),
                ("kms-key-rotation-disabled", 1),
                ("s3-bucket-acl-public", 1),
                ("s3-bucket-acls-enabled", 1),
                ("s3-bucket-default-encryption-not-kms", 1),
                ("s3-bucket-policy-allows-unencrypted-uploads", 1),
                ("s3-bucket-policy-public", 1),
                ("s3-bucket-public-access-block-off", 2),
            ]
        );
        assert_eq!(summary.expected.len(), RULES.len());
        assert_eq!(summary.resources, 20 + 10 + 2 + 12 + 6 + 3 + 1);
        Ok(())
    }

    #[test]
    fn counts_match_the_files() -> io::Result<()> {
        for (name, spec) in [
            ("recount-a", small(3)),
            (
                "recount-b",
                Spec {
                    accounts: 8,
                    regions: vec![
                        "us-east-1".into(),
                        "eu-west-1".into(),
                        "ap-southeast-2".into(),
                    ],
                    ..Spec::scaled(2000)
                },
            ),
        ] {
            let dir = TempDir::new(name);
            let summary = generate(&spec, &dir.0)?;
            let recounted = recount(&dir.0)?;
            let expected: BTreeMap<String, usize> = summary
                .expected
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(r, n)| (r.to_string(), *n))
                .collect();
            assert_eq!(recounted, expected, "{name}");
            if name == "recount-b" {
                assert_eq!(
                    expected.len(),
                    RULES.len(),
                    "{name}: a rule was never planted"
                );
            }
        }
        Ok(())
    }

    // An independent count of the rules, from the files alone.

    fn read(path: &Path) -> io::Result<Option<Value>> {
        match fs::read(path) {
            Ok(bytes) if bytes.is_empty() => Ok(Some(Value::Object(Default::default()))),
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(io::Error::other),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn must(path: &Path) -> io::Result<Value> {
        read(path)?.ok_or_else(|| io::Error::other(format!("missing {}", path.display())))
    }

    fn texts(v: &Value) -> Vec<&str> {
        match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    fn glob(pattern: &str, text: &str) -> bool {
        match pattern.split_once('*') {
            None => pattern.eq_ignore_ascii_case(text),
            Some((head, rest)) => {
                text.len() >= head.len()
                    && text[..head.len()].eq_ignore_ascii_case(head)
                    && (head.len()..=text.len()).any(|i| glob(rest, &text[i..]))
            }
        }
    }

    #[derive(Default)]
    struct Facts {
        public: bool,
        cross: bool,
        deny_kms: bool,
        deny_tls: bool,
        admin_use: bool,
    }

    fn facts(doc: &Value, own: &str) -> Facts {
        let mut f = Facts::default();
        let (mut admins, mut users) = (Vec::new(), Vec::new());
        for st in doc["Statement"].as_array().into_iter().flatten() {
            let allow = st["Effect"] == "Allow";
            let p = &st["Principal"];
            let everyone = p == "*" || texts(&p["AWS"]).contains(&"*");
            let covers = |action: &str| texts(&st["Action"]).iter().any(|a| glob(a, action));
            let condition = st.get("Condition");
            if allow && everyone && condition.is_none() {
                f.public = true;
            }
            if allow && !everyone {
                for principal in texts(&p["AWS"]) {
                    let account = if principal.len() == 12 {
                        Some(principal)
                    } else {
                        principal.split(':').nth(4)
                    };
                    if account.is_some_and(|a| a.len() == 12 && a != own) {
                        f.cross = true;
                    }
                    if principal.ends_with(":root") {
                        continue;
                    }
                    if [
                        "kms:PutKeyPolicy",
                        "kms:ScheduleKeyDeletion",
                        "kms:DisableKey",
                    ]
                    .iter()
                    .any(|a| covers(a))
                    {
                        admins.push(principal);
                    }
                    if ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
                        .iter()
                        .any(|a| covers(a))
                    {
                        users.push(principal);
                    }
                }
            }
            if !allow
                && everyone
                && let Some(c) = condition
            {
                if covers("s3:PutObject")
                    && texts(&c["StringNotEquals"]["s3:x-amz-server-side-encryption"])
                        == ["aws:kms"]
                {
                    f.deny_kms = true;
                }
                if texts(&c["Bool"]["aws:SecureTransport"]) == ["false"] {
                    f.deny_tls = true;
                }
            }
        }
        f.admin_use = admins.iter().any(|a| users.contains(a));
        f
    }

    fn recount(root: &Path) -> io::Result<BTreeMap<String, usize>> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut hit = |rule: &str| *counts.entry(rule.to_owned()).or_default() += 1;
        let dirs = |p: &Path| -> io::Result<Vec<String>> {
            let mut names = Vec::new();
            for e in fs::read_dir(p)? {
                names.push(e?.file_name().to_string_lossy().into_owned());
            }
            names.sort();
            Ok(names)
        };
        for account in dirs(root)? {
            let adir = root.join(&account);
            let regions = dirs(&adir)?;
            // (region, key id) -> KeyMetadata; key ARN -> KeyMetadata; (region, alias) -> key id.
            let mut keys: BTreeMap<(String, String), Value> = BTreeMap::new();
            let mut by_arn: BTreeMap<String, Value> = BTreeMap::new();
            let mut aliases: BTreeMap<(String, String), String> = BTreeMap::new();
            for r in &regions {
                let kms = adir.join(r).join("kms");
                for a in must(&kms.join("list-aliases.json"))?["Aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let target = a["TargetKeyId"].as_str().unwrap_or_default().to_owned();
                    aliases.insert(
                        (
                            r.clone(),
                            a["AliasName"].as_str().unwrap_or_default().to_owned(),
                        ),
                        target,
                    );
                }
                for k in must(&kms.join("list-keys.json"))?["Keys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let id = k["KeyId"].as_str().unwrap_or_default();
                    let md =
                        must(&kms.join(format!("describe-key--{id}.json")))?["KeyMetadata"].clone();
                    let policy = must(&kms.join(format!("get-key-policy--{id}.json")))?;
                    let doc: Value =
                        serde_json::from_str(policy["Policy"].as_str().unwrap_or("{}"))
                            .map_err(io::Error::other)?;
                    let f = facts(&doc, &account);
                    let rotation = read(&kms.join(format!("get-key-rotation-status--{id}.json")))?;
                    let customer = md["KeyManager"] == "CUSTOMER";
                    if customer
                        && md["KeySpec"] == "SYMMETRIC_DEFAULT"
                        && md["Origin"] == "AWS_KMS"
                        && md["KeyState"] == "Enabled"
                        && rotation.is_some_and(|r| r["KeyRotationEnabled"] == false)
                    {
                        hit("kms-key-rotation-disabled");
                    }
                    if customer && md["KeyState"] == "Disabled" {
                        hit("kms-key-disabled");
                    }
                    if md["KeyState"] == "PendingDeletion" {
                        hit("kms-key-pending-deletion");
                    }
                    if f.public {
                        hit("kms-key-policy-public");
                    }
                    if f.cross {
                        hit("kms-key-policy-cross-account");
                    }
                    if customer && f.admin_use {
                        hit("kms-key-admins-can-use");
                    }
                    by_arn.insert(
                        md["Arn"].as_str().unwrap_or_default().to_owned(),
                        md.clone(),
                    );
                    keys.insert((r.clone(), id.to_owned()), md);
                }
            }
            let resolve = |region: &str, reference: &str| -> Option<&Value> {
                if let Some((head, alias)) = reference.split_once(":alias/") {
                    let r = head.split(':').nth(3)?.to_owned();
                    let id = aliases.get(&(r.clone(), format!("alias/{alias}")))?;
                    keys.get(&(r, id.clone()))
                } else if reference.starts_with("arn:") {
                    by_arn.get(reference)
                } else {
                    keys.get(&(region.to_owned(), reference.to_owned()))
                }
            };
            let unusable = |md: Option<&Value>| {
                md.is_some_and(|m| {
                    m["KeyState"] == "Disabled" || m["KeyState"] == "PendingDeletion"
                })
            };

            let first = regions
                .iter()
                .find(|r| adir.join(r).join("s3").is_dir())
                .ok_or_else(|| io::Error::other("no s3 directory"))?;
            let s3 = adir.join(first).join("s3");
            let flags = [
                "BlockPublicAcls",
                "IgnorePublicAcls",
                "BlockPublicPolicy",
                "RestrictPublicBuckets",
            ];
            let account_pab = read(
                &adir
                    .join(first)
                    .join("s3control/get-public-access-block.json"),
            )?
            .map(|v| v["PublicAccessBlockConfiguration"].clone())
            .unwrap_or(Value::Null);
            let mut public_buckets = Vec::new();
            for b in must(&s3.join("list-buckets.json"))?["Buckets"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let name = b["Name"].as_str().unwrap_or_default();
                let region = b["BucketRegion"].as_str().unwrap_or_default();
                let path = |api: &str| s3.join(format!("{api}--{name}.json"));
                let pab = read(&path("get-public-access-block"))?
                    .map(|v| v["PublicAccessBlockConfiguration"].clone())
                    .unwrap_or(Value::Null);
                let eff = |flag: &str| pab[flag] == true || account_pab[flag] == true;
                match read(&path("get-bucket-encryption"))? {
                    None => hit("s3-bucket-default-encryption-not-kms"),
                    Some(v) => {
                        let rule = &v["ServerSideEncryptionConfiguration"]["Rules"][0];
                        let default = &rule["ApplyServerSideEncryptionByDefault"];
                        if default["SSEAlgorithm"] == "AES256" {
                            hit("s3-bucket-default-encryption-not-kms");
                        }
                        if default["SSEAlgorithm"] == "aws:kms" {
                            if rule["BucketKeyEnabled"] != true {
                                hit("s3-bucket-kms-without-bucket-key");
                            }
                            if let Some(k) = default["KMSMasterKeyID"].as_str()
                                && unusable(resolve(region, k))
                            {
                                hit("s3-bucket-default-key-unusable");
                            }
                        }
                    }
                }
                let f = match read(&path("get-bucket-policy"))? {
                    Some(v) => facts(
                        &serde_json::from_str(v["Policy"].as_str().unwrap_or("{}"))
                            .map_err(io::Error::other)?,
                        &account,
                    ),
                    None => Facts::default(),
                };
                if !f.deny_kms {
                    hit("s3-bucket-policy-allows-unencrypted-uploads");
                }
                if !f.deny_tls {
                    hit("s3-bucket-tls-not-required");
                }
                let acl = must(&path("get-bucket-acl"))?;
                let acl_public = acl["Grants"].as_array().into_iter().flatten().any(|g| {
                    let uri = g["Grantee"]["URI"].as_str().unwrap_or_default();
                    uri.ends_with("/AllUsers") || uri.ends_with("/AuthenticatedUsers")
                });
                let mut public = false;
                if acl_public && !eff("IgnorePublicAcls") {
                    hit("s3-bucket-acl-public");
                    public = true;
                }
                if f.public && !eff("RestrictPublicBuckets") {
                    hit("s3-bucket-policy-public");
                    public = true;
                }
                if public {
                    public_buckets.push(name.to_owned());
                }
                if f.cross {
                    hit("s3-bucket-policy-cross-account");
                }
                if !flags.iter().all(|f| eff(f)) {
                    hit("s3-bucket-public-access-block-off");
                }
                let ownership = read(&path("get-bucket-ownership-controls"))?;
                if ownership.is_none_or(|o| {
                    o["OwnershipControls"]["Rules"][0]["ObjectOwnership"] != "BucketOwnerEnforced"
                }) {
                    hit("s3-bucket-acls-enabled");
                }
            }
            for r in &regions {
                let ec2 = adir.join(r).join("ec2");
                let aws_ebs = aliases.get(&(r.clone(), "alias/aws/ebs".to_owned()));
                let mut attached = Vec::new();
                for res in must(&ec2.join("describe-instances.json"))?["Reservations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    for i in res["Instances"].as_array().into_iter().flatten() {
                        for m in i["BlockDeviceMappings"].as_array().into_iter().flatten() {
                            attached.push((i["InstanceId"].clone(), m["Ebs"]["VolumeId"].clone()));
                        }
                    }
                }
                let mut volume_ids = Vec::new();
                for v in must(&ec2.join("describe-volumes.json"))?["Volumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    volume_ids.push(v["VolumeId"].clone());
                    for at in v["Attachments"].as_array().into_iter().flatten() {
                        assert!(
                            attached.contains(&(at["InstanceId"].clone(), v["VolumeId"].clone()))
                        );
                    }
                    let md = v["KmsKeyId"].as_str().and_then(|k| resolve(r, k));
                    if v["Encrypted"] == false {
                        hit("ebs-volume-unencrypted");
                        continue;
                    }
                    let md =
                        md.ok_or_else(|| io::Error::other(format!("volume key not found: {v}")))?;
                    if unusable(Some(md)) {
                        hit("ebs-volume-key-unusable");
                    }
                    if md["KeyId"].as_str() == aws_ebs.map(String::as_str) {
                        hit("ebs-volume-aws-managed-key");
                    }
                }
                assert_eq!(
                    attached.len(),
                    attached
                        .iter()
                        .filter(|(_, v)| volume_ids.contains(v))
                        .count()
                );
                for s in must(&ec2.join("describe-snapshots.json"))?["Snapshots"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    assert!(volume_ids.contains(&s["VolumeId"]) || s["VolumeId"] == "vol-ffffffff");
                    if s["Encrypted"] == false {
                        hit("ebs-snapshot-unencrypted");
                    } else if unusable(s["KmsKeyId"].as_str().and_then(|k| resolve(r, k))) {
                        hit("ebs-snapshot-key-unusable");
                    }
                    let id = s["SnapshotId"].as_str().unwrap_or_default();
                    let attr = must(&ec2.join(format!("describe-snapshot-attribute--{id}.json")))?;
                    if attr["CreateVolumePermissions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|p| p["Group"] == "all")
                    {
                        hit("ebs-snapshot-public");
                    }
                }
                if must(&ec2.join("get-ebs-encryption-by-default.json"))?["EbsEncryptionByDefault"]
                    == false
                {
                    hit("ebs-encryption-by-default-off");
                }
                let ct = adir.join(r).join("cloudtrail");
                for t in must(&ct.join("describe-trails.json"))?["trailList"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if t["HomeRegion"] != r.as_str() {
                        continue;
                    }
                    let name = t["Name"].as_str().unwrap_or_default();
                    match t["KmsKeyId"].as_str() {
                        None => hit("cloudtrail-trail-not-kms-encrypted"),
                        Some(k) => assert!(by_arn.contains_key(k)),
                    }
                    if t["LogFileValidationEnabled"] == false {
                        hit("cloudtrail-trail-log-validation-off");
                    }
                    if t["IsMultiRegionTrail"] == false {
                        hit("cloudtrail-trail-not-multi-region");
                    }
                    if must(&ct.join(format!("get-trail-status--{name}.json")))?["IsLogging"]
                        == false
                    {
                        hit("cloudtrail-trail-not-logging");
                    }
                    let sel = must(&ct.join(format!("get-event-selectors--{name}.json")))?;
                    let classic = sel["EventSelectors"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|e| {
                            e["DataResources"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|d| d["Type"] == "AWS::S3::Object")
                        });
                    let advanced = sel["AdvancedEventSelectors"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|a| {
                            a["FieldSelectors"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|f| {
                                    f["Field"] == "resources.type"
                                        && texts(&f["Equals"]).contains(&"AWS::S3::Object")
                                })
                        });
                    if !classic && !advanced {
                        hit("cloudtrail-trail-no-s3-data-events");
                    }
                    if public_buckets
                        .iter()
                        .any(|b| t["S3BucketName"] == b.as_str())
                    {
                        hit("cloudtrail-trail-bucket-public");
                    }
                }
            }
        }
        Ok(counts)
    }
}
