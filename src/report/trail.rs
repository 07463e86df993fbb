//! What a compliance report says of the CloudTrail logs it read: the time they cover per
//! account and region, with the gaps longer than an hour between delivery files, and the
//! chain of digest files checked for log files missing or altered. Digest signatures need
//! CloudTrail's public keys (`aws cloudtrail list-public-keys`) and cannot be verified
//! offline: the report says so.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;

use super::manifest::sha256;

/// The longest quiet time between two delivery files that is not reported as a gap.
pub const GAP: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub account: String,
    pub region: String,
    pub files: usize,
    pub first: Timestamp,
    pub last: Timestamp,
    /// (end of one file, the next file), when more than [`GAP`] apart.
    pub gaps: Vec<(Timestamp, Timestamp)>,
}

/// The delivery time a CloudTrail file's name gives:
/// `<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<id>.json.gz`.
pub fn delivered_at(path: &Path) -> Option<Timestamp> {
    let name = path.file_name()?.to_str()?;
    let name = name.split('.').next().unwrap_or(name);
    let stamp = name.split('_').find(|part| {
        part.len() == 14 && part.as_bytes()[8] == b'T' && part.ends_with('Z')
            || part.len() == 16 && part.as_bytes()[8] == b'T' && part.ends_with('Z')
    })?;
    let digits = stamp.trim_end_matches('Z');
    let (date, time) = digits.split_once('T')?;
    let (hh, mm, ss) = (
        time.get(0..2)?,
        time.get(2..4)?,
        time.get(4..6).unwrap_or("00"),
    );
    let text = format!(
        "{}-{}-{}T{hh}:{mm}:{ss}Z",
        date.get(0..4)?,
        date.get(4..6)?,
        date.get(6..8)?
    );
    text.parse().ok()
}

/// The coverage of the delivery files among `paths`, per account and region.
pub fn coverage<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Vec<Covered> {
    let mut by: BTreeMap<(String, String), Vec<Timestamp>> = BTreeMap::new();
    for path in paths {
        let (Some((account, region)), Some(at)) = (
            crate::ingest::filter::delivery_place(path),
            delivered_at(path),
        ) else {
            continue;
        };
        by.entry((account, region)).or_default().push(at);
    }
    by.into_iter()
        .filter_map(|((account, region), mut times)| {
            times.sort_unstable();
            let gaps = times
                .windows(2)
                .filter(|w| w[1].duration_since(w[0]) > GAP)
                .map(|w| (w[0], w[1]))
                .collect();
            Some(Covered {
                account: crate::finding::scope_text(&account),
                region: crate::finding::scope_text(&region),
                files: times.len(),
                first: *times.first()?,
                last: *times.last()?,
                gaps,
            })
        })
        .collect()
}

/// A digest file as CloudTrail writes it (the members the check reads).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Digest {
    digest_start_time: Option<String>,
    digest_end_time: Option<String>,
    #[serde(default)]
    digest_s3_object: Option<String>,
    #[serde(default)]
    previous_digest_s3_object: Option<String>,
    #[serde(default)]
    previous_digest_hash_value: Option<String>,
    #[serde(default)]
    log_files: Vec<Listed>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    s3_object: String,
    hash_value: String,
}

/// The result of checking the digest files found beside the logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestCheck {
    pub digests: usize,
    /// Log files the digests list.
    pub listed: usize,
    /// Of those, read and matching their hash.
    pub verified: usize,
    /// Listed, and not among the inputs (deleted, or outside what was scanned).
    pub missing: Vec<String>,
    /// Read, and not the bytes the digest hashed.
    pub altered: Vec<String>,
    /// Delivery files read that no digest lists although digests cover their hour.
    pub unlisted: Vec<String>,
    /// A digest whose predecessor is absent or not the bytes it hashed.
    pub chain: Vec<String>,
    /// Digest files that could not be read.
    pub errors: Vec<String>,
}

/// Where CloudTrail writes digests: `AWSLogs/[<org>/]<account>/CloudTrail-Digest/...`.
pub fn is_digest(path: &Path) -> bool {
    path.iter().any(|p| p == "CloudTrail-Digest")
}

/// The digest files under the inputs (which the scan itself skips).
pub fn digest_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_file() {
            if is_digest(input) {
                out.push(input.clone());
            }
            continue;
        }
        for entry in walkdir::WalkDir::new(input).into_iter().flatten() {
            let path = entry.path();
            let name = path.to_string_lossy();
            if entry.file_type().is_file()
                && is_digest(path)
                && (name.ends_with(".json.gz") || name.ends_with(".json"))
            {
                out.push(path.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// A file's content, decompressed when it is gzip (CloudTrail hashes the uncompressed
/// content of log and digest files).
fn content(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let text = crate::source::read_limited(path, max).map_err(|e| e.to_string())?;
    match text.broken {
        Some(e) => Err(format!("cannot decompress: {e}")),
        None => Ok(text.text),
    }
}

/// Checks the digests among `digests` against the delivery files among `logs`.
pub fn check(digests: &[PathBuf], logs: &[&Path], max: u64) -> DigestCheck {
    let mut out = DigestCheck {
        digests: digests.len(),
        ..DigestCheck::default()
    };
    // Log files by their key from `AWSLogs/` on, as digests name them.
    let key_of = |p: &Path| -> Option<String> {
        let parts: Vec<&str> = p.iter().filter_map(|s| s.to_str()).collect();
        let at = parts.iter().rposition(|s| *s == "AWSLogs")?;
        Some(parts[at..].join("/"))
    };
    let logs_by_key: HashMap<String, &Path> =
        logs.iter().filter_map(|p| Some((key_of(p)?, *p))).collect();
    let mut parsed: Vec<(PathBuf, String, Digest, String)> = Vec::new();
    for path in digests {
        let shown = crate::output::display_path(path);
        match content(path, max) {
            Ok(bytes) => match serde_json::from_slice::<Digest>(&bytes) {
                Ok(d) => {
                    let key = key_of(path).unwrap_or_default();
                    parsed.push((path.clone(), key, d, sha256(&bytes)));
                }
                Err(e) => out
                    .errors
                    .push(format!("{shown}: not a CloudTrail digest: {e}")),
            },
            Err(e) => out.errors.push(format!("{shown}: {e}")),
        }
    }
    let mut listed_keys = std::collections::HashSet::new();
    let mut windows: HashMap<(String, String), (Timestamp, Timestamp)> = HashMap::new();
    for (path, _, d, _) in &parsed {
        if let (Some((account, region)), Some(start), Some(end)) = (
            digest_place(path),
            d.digest_start_time.as_deref().and_then(|t| t.parse().ok()),
            d.digest_end_time.as_deref().and_then(|t| t.parse().ok()),
        ) {
            let w = windows.entry((account, region)).or_insert((start, end));
            w.0 = w.0.min(start);
            w.1 = w.1.max(end);
        }
        for f in &d.log_files {
            out.listed += 1;
            listed_keys.insert(f.s3_object.clone());
            match logs_by_key.get(&f.s3_object) {
                None => out.missing.push(f.s3_object.clone()),
                Some(p) => match content(p, max) {
                    Ok(bytes) if sha256(&bytes).eq_ignore_ascii_case(&f.hash_value) => {
                        out.verified += 1;
                    }
                    Ok(_) => out.altered.push(crate::output::display_path(p)),
                    Err(e) => out
                        .errors
                        .push(format!("{}: {e}", crate::output::display_path(p))),
                },
            }
        }
    }
    // The chain: each digest names its predecessor and the hash of its content.
    let by_key: HashMap<&str, &str> = parsed
        .iter()
        .map(|(_, key, d, hash)| {
            (
                d.digest_s3_object.as_deref().unwrap_or(key.as_str()),
                hash.as_str(),
            )
        })
        .collect();
    let earliest: HashMap<(String, String), Timestamp> = windows
        .iter()
        .map(|(k, (start, _))| (k.clone(), *start))
        .collect();
    let mut first_log: HashMap<(String, String), Timestamp> = HashMap::new();
    for p in logs {
        if let (Some(place), Some(at)) = (crate::ingest::filter::delivery_place(p), delivered_at(p))
        {
            let e = first_log.entry(place).or_insert(at);
            *e = (*e).min(at);
        }
    }
    for (path, _, d, _) in &parsed {
        let Some(previous) = d
            .previous_digest_s3_object
            .as_deref()
            .filter(|p| !p.is_empty())
        else {
            continue;
        };
        let shown = crate::output::display_path(path);
        match by_key.get(previous) {
            Some(hash) => {
                if d.previous_digest_hash_value
                    .as_deref()
                    .is_some_and(|h| !h.eq_ignore_ascii_case(hash))
                {
                    out.chain.push(format!(
                        "{shown}: its previous digest {previous} is not the file it hashed"
                    ));
                }
            }
            None => {
                // A predecessor from before the logs read is outside the window: not a
                // break. One from within it should be there.
                let place = digest_place(path);
                let before_logs = match (
                    delivered_at(Path::new(previous)),
                    place.as_ref().and_then(|k| first_log.get(k)),
                ) {
                    (Some(at), Some(first)) => at < *first,
                    // Without the predecessor's time, the earliest digest read starts the
                    // chain.
                    _ => place.and_then(|k| earliest.get(&k)).is_some_and(|e| {
                        d.digest_start_time
                            .as_deref()
                            .and_then(|t| t.parse::<Timestamp>().ok())
                            .is_some_and(|s| s <= *e)
                    }),
                };
                if !before_logs {
                    out.chain.push(format!(
                        "{shown}: its previous digest {previous} is missing"
                    ));
                }
            }
        }
    }
    for p in logs {
        let (Some(key), Some(place), Some(at)) = (
            key_of(p),
            crate::ingest::filter::delivery_place(p),
            delivered_at(p),
        ) else {
            continue;
        };
        if let Some((start, end)) = windows.get(&place)
            && at > *start
            && at <= *end
            && !listed_keys.contains(&key)
        {
            out.unlisted.push(crate::output::display_path(p));
        }
    }
    out.missing.sort();
    out.altered.sort();
    out.unlisted.sort();
    out.chain.sort();
    out
}

/// The account and region of a digest file: `.../<account>/CloudTrail-Digest/<region>/...`.
fn digest_place(path: &Path) -> Option<(String, String)> {
    let parts: Vec<&str> = path.iter().filter_map(|s| s.to_str()).collect();
    let at = parts.iter().position(|s| *s == "CloudTrail-Digest")?;
    let account = parts.get(at.checked_sub(1)?)?;
    let region = parts.get(at + 1)?;
    Some(((*account).to_owned(), (*region).to_owned()))
}
