//! A deterministic CloudTrail archive of any size, in the delivery layout
//! (`AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//! <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 chars>.json.gz`, with the hourly
//! digest files beside them under `CloudTrail-Digest/`), with planted incidents and decoys
//! whose expected findings [`generate_logs`] returns.
//!
//! Each (account, region) delivers a file per five-minute window with events (a few KB at
//! night to tens of MB at peak; busy windows are split as CloudTrail does), mostly reads:
//! STS AssumeRole, EC2 Describe*, S3 object data events, KMS Decrypt and GenerateDataKey by
//! S3, EBS and Secrets Manager on a principal's behalf (`invokedBy`). Records are compact
//! JSON with members in the order CloudTrail writes them. Every file and record draws from
//! a PRNG stream of its own, so files are written in parallel and the bytes depend only on
//! the [`LogSpec`].

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;

mod background;
mod env;
mod oracle;
mod plan;
mod record;

pub use oracle::{LogPlant, PLANTS, log_rules};

use self::env::Env;
use self::oracle::Ctx;
use self::plan::{MAX_PER_FILE, Placed, Plan, WINDOW_MS};
use crate::json::{J, emit};
use crate::rng::Rng;

const TAG_RECORD: u64 = 0x23;
const TAG_FILE: u64 = 0x24;
const TAG_ORG: u64 = 0x25;

/// 2025-03-01T00:00:00Z, the start of the archive.
const START_MS: i64 = 1_740_787_200_000;

/// Bumped whenever the same [`LogSpec`] would produce different bytes (cached corpora are
/// regenerated).
pub const LOG_GENERATOR_VERSION: u32 = 3;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSpec {
    /// Records in all files together, planted ones included.
    pub events: usize,
    pub accounts: usize,
    pub regions: Vec<String>,
    /// An organization trail: `AWSLogs/<org-id>/<account>/...`.
    pub org: bool,
    /// Hits of every event rule (each with its decoys).
    pub incidents: usize,
    pub seed: u64,
}

impl LogSpec {
    /// `events` records from one account in `us-east-1` and `eu-west-1`, with one incident
    /// per 50,000 events and rule (1 to 20).
    pub fn new(events: usize) -> LogSpec {
        LogSpec {
            events,
            accounts: 1,
            regions: crate::DEFAULT_REGIONS
                .iter()
                .map(|r| r.to_string())
                .collect(),
            org: false,
            incidents: (events / 50_000).clamp(1, 20),
            seed: crate::DEFAULT_SEED,
        }
    }
}

/// What [`generate_logs`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogSummary {
    /// Log files (`.json.gz`), digest files not included.
    pub files: usize,
    pub digest_files: usize,
    /// Bytes of the log files as written (compressed) and decompressed.
    pub bytes: u64,
    pub uncompressed: u64,
    /// Records in the log files.
    pub events: usize,
    /// Planted records (hits and decoys).
    pub planted: usize,
    /// For every rule of [`PLANTS`], the findings it must give.
    pub expected: BTreeMap<&'static str, usize>,
}

/// One file to write: a part of one slot's records.
struct Job {
    path: PathBuf,
    stream: usize,
    window: usize,
    /// Records of the slot, by index into its time-sorted list.
    range: std::ops::Range<usize>,
}

/// Writes the archive described by `spec` under `out` (created if missing; it must be empty).
pub fn generate_logs(spec: &LogSpec, out: &Path) -> io::Result<LogSummary> {
    let bad = |what: String| Err(io::Error::new(io::ErrorKind::InvalidInput, what));
    let probe = crate::Spec {
        accounts: spec.accounts,
        regions: spec.regions.clone(),
        ..crate::Spec::scaled(0)
    };
    crate::spec::validate(&probe)?;
    if spec.incidents * plan::per_round() > spec.events {
        return bad(format!(
            "{} events cannot hold {} incidents of {} records each: give more events or fewer incidents",
            spec.events,
            spec.incidents,
            plan::per_round()
        ));
    }
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", out.display()),
        ));
    }
    let plan = plan::plan(spec);
    let envs: Vec<Env> = (0..spec.accounts)
        .flat_map(|a| (0..spec.regions.len()).map(move |r| (a, r)))
        .map(|(a, r)| Env::new(spec.seed, a, r, &spec.regions[r]))
        .collect();
    let root = if spec.org {
        let mut rng = Rng::stream(spec.seed, TAG_ORG, 0, 0, 0);
        out.join("AWSLogs").join(format!(
            "o-{}",
            record::token(&mut rng, b"abcdefghijklmnopqrstuvwxyz0123456789", 10)
        ))
    } else {
        out.join("AWSLogs")
    };

    let mut jobs = Vec::new();
    let mut digests: BTreeMap<(usize, i64), Vec<String>> = BTreeMap::new();
    for (i, slot) in plan.slots.iter().enumerate() {
        let (stream, window) = (i / plan.windows, i % plan.windows);
        let total = slot.background + slot.plants.len();
        if total == 0 {
            continue;
        }
        let env = &envs[stream];
        let delivered = START_MS + (window as i64 + 1) * WINDOW_MS;
        let dir = day_dir(
            &root.join(&env.account).join("CloudTrail"),
            &env.region,
            delivered,
        );
        let stamp = stamp(delivered, false);
        let parts = total.div_ceil(MAX_PER_FILE);
        let mut rng = Rng::stream(spec.seed, TAG_FILE, stream, window, 0);
        for p in 0..parts {
            let name = format!(
                "{}_CloudTrail_{}_{stamp}_{}.json.gz",
                env.account,
                env.region,
                record::token(&mut rng, record::ALNUM, 16)
            );
            let path = dir.join(&name);
            digests
                .entry((stream, delivered / 3_600_000))
                .or_default()
                .push(
                    path.strip_prefix(out)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            jobs.push(Job {
                path,
                stream,
                window,
                range: total * p / parts..total * (p + 1) / parts,
            });
        }
    }

    fs::create_dir_all(out)?;
    let next = AtomicUsize::new(0);
    let totals = Mutex::new((0u64, 0u64, 0usize));
    let failure: Mutex<Option<io::Error>> = Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(j) else { break };
                    match write_file(spec, &plan, &envs, job) {
                        Ok((bytes, raw, events)) => {
                            if let Ok(mut t) = totals.lock() {
                                t.0 += bytes;
                                t.1 += raw;
                                t.2 += events;
                            }
                        }
                        Err(e) => {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let (bytes, uncompressed, events) = totals.into_inner().unwrap_or_default();
    for ((stream, hour), files) in &digests {
        write_digest(&root, out, &envs[*stream], *hour, files)?;
    }
    Ok(LogSummary {
        files: jobs.len(),
        digest_files: digests.len(),
        bytes,
        uncompressed,
        events,
        planted: plan.planted,
        expected: PLANTS
            .iter()
            .zip(&plan.hits)
            .map(|(p, n)| (p.rule, *n))
            .collect(),
    })
}

fn day_dir(base: &Path, region: &str, ms: i64) -> PathBuf {
    let day = stamp(ms, false);
    base.join(region)
        .join(&day[0..4])
        .join(&day[4..6])
        .join(&day[6..8])
}

/// `20250301T0005Z`, or with seconds `20250301T000500Z`.
fn stamp(ms: i64, seconds: bool) -> String {
    let format = if seconds {
        "%Y%m%dT%H%M%SZ"
    } else {
        "%Y%m%dT%H%MZ"
    };
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime(format).to_string())
        .unwrap_or_default()
}

enum Item {
    Background(usize),
    Plant(Placed),
}

/// The slot's records in time order, with their times.
fn items(spec: &LogSpec, plan: &Plan, stream: usize, window: usize) -> Vec<(i64, Item)> {
    let slot = &plan.slots[stream * plan.windows + window];
    let start = START_MS + window as i64 * WINDOW_MS;
    let mut rng = Rng::stream(spec.seed, TAG_RECORD, stream, window, usize::MAX >> 40);
    let mut items: Vec<(i64, Item)> = Vec::with_capacity(slot.background + slot.plants.len());
    for i in 0..slot.background {
        items.push((start + rng.range(0, WINDOW_MS), Item::Background(i)));
    }
    for p in &slot.plants {
        // A sequence's calls, each in its own part of the window: strictly increasing
        // times, whole seconds apart at the part boundaries (eventTime has seconds only).
        let part = WINDOW_MS / 1000 / p.steps.max(1) as i64 * 1000;
        let at = if p.steps > 1 {
            start + p.step as i64 * part + rng.range(0, part)
        } else {
            start + rng.range(0, WINDOW_MS)
        };
        items.push((at, Item::Plant(*p)));
    }
    items.sort_by_key(|(t, _)| *t);
    items
}

fn write_file(
    spec: &LogSpec,
    plan: &Plan,
    envs: &[Env],
    job: &Job,
) -> io::Result<(u64, u64, usize)> {
    let env = &envs[job.stream];
    let items = items(spec, plan, job.stream, job.window);
    let mut raw = Vec::with_capacity(job.range.len() * 1600);
    raw.extend_from_slice(b"{\"Records\":[");
    for (at, item) in &items[job.range.clone()] {
        let (call, mut rng) = match item {
            Item::Background(i) => {
                let mut rng = Rng::stream(spec.seed, TAG_RECORD, job.stream, job.window, *i);
                (background::call(env, &mut rng), rng)
            }
            Item::Plant(p) => {
                // Step 0 keeps the stream a one-call plant always had.
                let rng = Rng::stream(
                    spec.seed,
                    TAG_RECORD,
                    job.stream,
                    job.window,
                    (1 << 32) + p.n + (p.step << 40),
                );
                let mut ctx = Ctx {
                    env,
                    rng,
                    seed: spec.seed,
                    n: p.n,
                };
                let entry = &PLANTS[p.entry];
                let plant = p.decoy.map_or(&entry.hit, |d| &entry.decoys[d]);
                let Some(make) = plant.step(p.step) else {
                    continue;
                };
                let call = make(&mut ctx);
                (call, ctx.rng)
            }
        };
        if raw.last() != Some(&b'[') {
            raw.push(b',');
        }
        let rec = record::render(env, call, *at, &mut rng);
        emit(&mut raw, &mut serde_json::ser::CompactFormatter, &rec)?;
    }
    raw.extend_from_slice(b"]}");
    let written = write_gz(&job.path, &raw)?;
    Ok((written, raw.len() as u64, job.range.len()))
}

fn write_gz(path: &Path, raw: &[u8]) -> io::Result<u64> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut gz = GzEncoder::new(Vec::with_capacity(raw.len() / 8), Compression::default());
    gz.write_all(raw)?;
    let bytes = gz.finish()?;
    fs::write(path, &bytes)?;
    Ok(bytes.len() as u64)
}

/// The hourly digest file CloudTrail writes beside the logs (signature fields are fakes:
/// readers of events skip digests by name).
fn write_digest(root: &Path, out: &Path, env: &Env, hour: i64, files: &[String]) -> io::Result<()> {
    let end = (hour + 1) * 3_600_000;
    let dir = day_dir(
        &root.join(&env.account).join("CloudTrail-Digest"),
        &env.region,
        end,
    );
    let name = format!(
        "{}_CloudTrail-Digest_{}_management-events_{}_{}.json.gz",
        env.account,
        env.region,
        env.region,
        stamp(end, true)
    );
    let trail = format!(
        "arn:aws:cloudtrail:{}:{}:trail/management-events",
        env.region, env.account
    );
    let doc = crate::json::obj! {
        "awsAccountId" => &env.account,
        "digestStartTime" => crate::time::iso_z(end - 3_600_000),
        "digestEndTime" => crate::time::iso_z(end),
        "digestS3Bucket" => &env.buckets[1],
        "digestS3Object" => dir.join(&name).strip_prefix(out).map(|p| p.display().to_string()).unwrap_or_default(),
        "digestPublicKeyFingerprint" => "7c3f9a1e0b5d4c8e2f6a1b3d5e7f9a0c",
        "digestSignatureAlgorithm" => "SHA256withRSA",
        "newestEventTime" => crate::time::iso_z(end - 1000),
        "oldestEventTime" => crate::time::iso_z(end - 3_600_000),
        "previousDigestS3Bucket" => J::Null,
        "previousDigestHashValue" => J::Null,
        "previousDigestHashAlgorithm" => J::Null,
        "previousDigestSignature" => J::Null,
        "logFiles" => files.iter().map(|f| crate::json::obj! {
            "s3Bucket" => &env.buckets[1],
            "s3Object" => f,
            "hashValue" => "",
            "hashAlgorithm" => "SHA-256",
            "newestEventTime" => crate::time::iso_z(end - 1000),
            "oldestEventTime" => crate::time::iso_z(end - 3_600_000),
        }).collect::<Vec<J>>(),
        "trailARN" => trail,
    };
    let mut raw = Vec::new();
    emit(&mut raw, &mut serde_json::ser::CompactFormatter, &doc)?;
    write_gz(&dir.join(name), &raw).map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The analyses read a sequence's calls in time order, so each must come after the one
    /// before it by at least a second, in the same (account, region).
    #[test]
    fn a_sequence_is_in_one_stream_at_increasing_seconds() {
        let mut spec = LogSpec::new(20_000);
        spec.accounts = 2;
        spec.incidents = 4;
        let plan = plan::plan(&spec);
        let streams = plan.slots.len() / plan.windows;
        let mut seen: BTreeMap<usize, (usize, Vec<(usize, i64)>)> = BTreeMap::new();
        for stream in 0..streams {
            for window in 0..plan.windows {
                for (at, item) in items(&spec, &plan, stream, window) {
                    if let Item::Plant(p) = item {
                        let entry = seen.entry(p.n).or_insert((stream, Vec::new()));
                        assert_eq!(entry.0, stream, "plant {} in two streams", p.n);
                        entry.1.push((p.step, at / 1000));
                    }
                }
            }
        }
        let mut sequences = 0;
        for (n, (_, mut calls)) in seen {
            calls.sort();
            if calls.len() > 1 {
                sequences += 1;
            }
            for (i, pair) in calls.windows(2).enumerate() {
                assert_eq!(pair[0].0, i, "plant {n}: steps {calls:?}");
                assert!(pair[0].1 < pair[1].1, "plant {n}: times {calls:?}");
            }
        }
        assert!(sequences > 0);
    }
}
