//! A log bucket scanned through the `Store` interface gives the findings of the same files
//! scanned locally; the filters prune the listing (no folder outside them is listed, no
//! object outside them fetched); an object that cannot be fetched is reported by its
//! address, and the others are still read. The S3 store itself is tested against a real
//! server in tests/s3_server.rs (feature `aws`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use atrest::ingest::filter::{EventFilter, parse_instant};
use atrest::rules::Registry;
use atrest::scan::{RemoteInputs, ScanOptions, scan_all, scan_with};
use atrest::source::remote::{Fetched, Listing, Object, S3Url, Store};
use atrest_gen::{LogSpec, generate_logs};

/// A bucket whose objects are the files of a directory (keys: their relative paths).
struct DirStore {
    objects: BTreeMap<String, PathBuf>,
    failing: Vec<String>,
    listed: Mutex<Vec<String>>,
    fetched: Mutex<Vec<String>>,
}

impl DirStore {
    fn new(root: &Path) -> DirStore {
        let mut objects = BTreeMap::new();
        for entry in walkdir(root) {
            let key = entry
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            objects.insert(key, entry);
        }
        DirStore {
            objects,
            failing: Vec::new(),
            listed: Mutex::new(Vec::new()),
            fetched: Mutex::new(Vec::new()),
        }
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

impl Store for DirStore {
    fn list(&self, _bucket: &str, prefixes: &[String]) -> Vec<Result<Listing, String>> {
        prefixes
            .iter()
            .map(|prefix| {
                self.listed.lock().expect("lock").push(prefix.clone());
                let mut listing = Listing::default();
                for (key, path) in self.objects.range(prefix.clone()..) {
                    let Some(rest) = key.strip_prefix(prefix.as_str()) else {
                        break;
                    };
                    match rest.find('/') {
                        Some(i) => {
                            let folder = format!("{prefix}{}", &rest[..=i]);
                            if listing.prefixes.last() != Some(&folder) {
                                listing.prefixes.push(folder);
                            }
                        }
                        None => listing.objects.push(Object {
                            key: key.clone(),
                            size: std::fs::metadata(path).expect("size").len(),
                        }),
                    }
                }
                Ok(listing)
            })
            .collect()
    }

    fn fetch(&self, _bucket: &str, keys: &[String], done: &mut dyn FnMut(usize, Fetched)) {
        for (i, key) in keys.iter().enumerate() {
            self.fetched.lock().expect("lock").push(key.clone());
            let fetched = if self.failing.contains(key) {
                Err("InvalidObjectState: the object is archived".to_owned())
            } else {
                std::fs::read(&self.objects[key]).map_err(|e| e.to_string())
            };
            done(i, fetched);
        }
    }
}

fn url(s: &str) -> S3Url {
    S3Url::parse(s)
        .and_then(Result::ok)
        .expect("an s3:// address")
}

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = LogSpec::new(6000);
    spec.accounts = 2;
    spec.org = true;
    spec.incidents = 2;
    generate_logs(&spec, dir.path()).expect("generated");
    dir
}

#[test]
fn a_bucket_scans_as_its_files_do() {
    let dir = corpus();
    let registry = Registry::builtin().expect("built-in rules");
    let local = scan_with(
        &[dir.path().to_path_buf()],
        &registry,
        &ScanOptions::default(),
    );
    let store = DirStore::new(dir.path());
    let remote = RemoteInputs {
        store: &store,
        urls: vec![url("s3://logs")],
        documents: Vec::new(),
    };
    let scanned = scan_all(&[], Some(&remote), &registry, &ScanOptions::default(), None);
    assert!(scanned.diagnostics.is_empty(), "{:#?}", scanned.diagnostics);
    assert_eq!(scanned.stats.events, local.stats.events);
    assert_eq!(scanned.stats.files, local.stats.files);
    assert!(local.findings.len() > 10, "{}", local.findings.len());
    // Same files in the same order: the same findings, places included.
    assert_eq!(scanned.findings, local.findings);
    assert_eq!(scanned.activity, local.activity);
    let first = scanned.sources.path(atrest::source::SourceId(0));
    assert!(
        first.to_string_lossy().starts_with("s3://logs/AWSLogs/"),
        "{first:?}"
    );
    // Digests are never listed, let alone fetched.
    let listed = store.listed.lock().expect("lock");
    assert!(listed.iter().all(|p| !p.contains("CloudTrail-Digest")));
    let fetched = store.fetched.lock().expect("lock");
    assert_eq!(fetched.len(), local.stats.files);
}

#[test]
fn the_filters_prune_the_listing_and_the_fetches() {
    let dir = corpus();
    let registry = Registry::builtin().expect("built-in rules");
    let store = DirStore::new(dir.path());
    // The generated archive's first account and region, one day of it.
    let first = store
        .objects
        .keys()
        .find(|k| k.contains("/CloudTrail/") && !k.contains("Digest"))
        .expect("a log file")
        .clone();
    let parts: Vec<&str> = first.split('/').collect();
    let trail = parts
        .iter()
        .position(|p| *p == "CloudTrail")
        .expect("layout");
    let (account, region) = (parts[trail - 1], parts[trail + 1]);
    let day = format!(
        "{}-{}-{}",
        parts[trail + 2],
        parts[trail + 3],
        parts[trail + 4]
    );
    let filter = EventFilter {
        since: Some(parse_instant(&day).expect("date")),
        until: Some(parse_instant(&day).expect("date") + jiff::SignedDuration::from_hours(24)),
        accounts: vec![account.to_owned()],
        regions: vec![region.to_owned()],
        ..EventFilter::default()
    };
    let options = ScanOptions {
        filter,
        ..ScanOptions::default()
    };
    let local = scan_with(&[dir.path().to_path_buf()], &registry, &options);
    let remote = RemoteInputs {
        store: &store,
        urls: vec![url("s3://logs/AWSLogs/")],
        documents: Vec::new(),
    };
    let scanned = scan_all(&[], Some(&remote), &registry, &options, None);
    assert!(scanned.diagnostics.is_empty(), "{:#?}", scanned.diagnostics);
    assert_eq!(scanned.stats.events, local.stats.events);
    assert!(scanned.stats.events > 0);
    assert_eq!(scanned.findings.len(), local.findings.len());
    let listed = store.listed.lock().expect("lock");
    for prefix in listed.iter() {
        assert!(
            options.filter.may_keep_prefix(prefix),
            "{prefix} was listed though the filters leave it out"
        );
        let other_account = prefix
            .split('/')
            .any(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) && p != account);
        assert!(!other_account, "{prefix}: another account listed");
    }
    let fetched = store.fetched.lock().expect("lock");
    assert!(!fetched.is_empty());
    for key in fetched.iter() {
        assert!(
            options.filter.may_keep_file(Path::new(key)),
            "{key} fetched"
        );
        assert!(
            key.contains(&format!("/{account}/CloudTrail/{region}/")),
            "{key}"
        );
    }
    // The files a local scan opens under the same filters, and no more.
    assert_eq!(fetched.len(), local.stats.files);
    let logs = store
        .objects
        .keys()
        .filter(|k| k.ends_with(".json.gz") && !k.contains("Digest"))
        .count();
    assert!(
        fetched.len() * 2 < logs,
        "{} of {logs} fetched",
        fetched.len()
    );
}

#[test]
fn an_object_that_cannot_be_fetched_is_reported_and_the_rest_read() {
    let dir = corpus();
    let registry = Registry::builtin().expect("built-in rules");
    let mut store = DirStore::new(dir.path());
    let broken = store
        .objects
        .keys()
        .find(|k| k.ends_with(".json.gz") && !k.contains("Digest"))
        .expect("a log file")
        .clone();
    store.failing.push(broken.clone());
    let remote = RemoteInputs {
        store: &store,
        urls: vec![url("s3://logs")],
        documents: Vec::new(),
    };
    let scanned = scan_all(&[], Some(&remote), &registry, &ScanOptions::default(), None);
    assert!(scanned.has_errors(), "a lost object fails the scan");
    assert_eq!(scanned.diagnostics.len(), 1, "{:#?}", scanned.diagnostics);
    let d = &scanned.diagnostics[0];
    assert_eq!(d.path, PathBuf::from(format!("s3://logs/{broken}")));
    assert!(
        d.message.contains("cannot fetch: InvalidObjectState"),
        "{}",
        d.message
    );
    assert!(scanned.stats.events > 0, "the other objects were read");
}

#[test]
fn an_empty_bucket_is_no_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("README.txt"), "not a log").expect("write");
    let store = DirStore::new(dir.path());
    let remote = RemoteInputs {
        store: &store,
        urls: vec![url("s3://logs/trails/")],
        documents: Vec::new(),
    };
    let registry = Registry::builtin().expect("built-in rules");
    let scanned = scan_all(&[], Some(&remote), &registry, &ScanOptions::default(), None);
    assert!(scanned.has_errors());
    assert_eq!(
        scanned.diagnostics[0].path,
        PathBuf::from("s3://logs/trails/")
    );
}

/// Progress as a scan reports it.
#[derive(Default)]
struct Counted {
    planned: Mutex<Vec<(u64, u64)>>,
    done: Mutex<Vec<u64>>,
    finished: Mutex<usize>,
}

impl atrest::progress::Progress for Counted {
    fn planned(&self, files: u64, bytes: u64) {
        self.planned.lock().expect("lock").push((files, bytes));
    }
    fn done(&self, bytes: u64) {
        self.done.lock().expect("lock").push(bytes);
    }
    fn finished(&self) {
        *self.finished.lock().expect("lock") += 1;
    }
}

#[test]
fn progress_counts_every_file_and_object_once() {
    let dir = corpus();
    let registry = Registry::builtin().expect("built-in rules");
    let store = DirStore::new(dir.path());
    let files: Vec<_> = store
        .objects
        .iter()
        .filter(|(key, _)| key.ends_with(".json.gz") && !key.contains("Digest"))
        .collect();
    let bytes: u64 = files
        .iter()
        .map(|(_, p)| std::fs::metadata(p).expect("size").len())
        .sum();
    let remote = RemoteInputs {
        store: &store,
        urls: vec![url("s3://logs")],
        documents: Vec::new(),
    };
    // The same files locally and in the bucket: each counted once per place.
    let counted = Counted::default();
    let scanned = scan_all(
        &[dir.path().to_path_buf()],
        Some(&remote),
        &registry,
        &ScanOptions::default(),
        Some(&counted),
    );
    assert_eq!(scanned.stats.files, 2 * files.len());
    let planned = counted.planned.lock().expect("lock").clone();
    assert_eq!(planned, vec![(2 * files.len() as u64, 2 * bytes)]);
    let done = counted.done.lock().expect("lock").clone();
    assert_eq!(done.len(), 2 * files.len());
    assert_eq!(done.iter().sum::<u64>(), 2 * bytes);
    assert_eq!(*counted.finished.lock().expect("lock"), 1);
}

/// Records handed over as documents (as `scan --lookup` hands over what LookupEvents
/// returned), one a document: the findings of the same records in their files.
#[test]
fn documents_scan_as_the_records_in_them() {
    use std::io::Read;
    let dir = corpus();
    let registry = Registry::builtin().expect("built-in rules");
    let local = scan_with(
        &[dir.path().to_path_buf()],
        &registry,
        &ScanOptions::default(),
    );
    let mut documents = Vec::new();
    for path in walkdir(dir.path()) {
        let name = path.to_string_lossy().into_owned();
        if !name.ends_with(".json.gz") || name.contains("Digest") {
            continue;
        }
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open"))
            .read_to_string(&mut text)
            .expect("gzip");
        let log: serde_json::Value = serde_json::from_str(&text).expect("a log");
        for record in log["Records"].as_array().expect("Records") {
            let id = record["eventID"].as_str().expect("eventID");
            let region = record["awsRegion"].as_str().expect("awsRegion");
            documents.push((
                format!("lookup://{region}/{id}"),
                record.to_string().into_bytes(),
            ));
        }
    }
    let store = DirStore::new(dir.path());
    let remote = RemoteInputs {
        store: &store,
        urls: Vec::new(),
        documents,
    };
    let scanned = scan_all(&[], Some(&remote), &registry, &ScanOptions::default(), None);
    assert!(scanned.diagnostics.is_empty(), "{:#?}", scanned.diagnostics);
    assert_eq!(scanned.stats.events, local.stats.events);
    let on_events = |o: &atrest::scan::Outcome| {
        let mut v: Vec<String> = o
            .findings
            .iter()
            .map(|f| format!("{} {:?}", f.rule_id, f.subject))
            .collect();
        v.sort();
        v
    };
    assert!(local.findings.len() > 10);
    assert_eq!(on_events(&scanned), on_events(&local));
    assert!(store.listed.lock().expect("lock").is_empty());
}
