//! Inputs in S3: `s3://bucket[/prefix]`, listed one level at a time where the event filters
//! say files may be, and fetched for the same readers as local files. The store itself (the
//! AWS SDK, behind the `aws` feature) is a [`Store`]; everything here works on any.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::ingest::filter::EventFilter;

/// A bucket and a key prefix, from `s3://bucket[/prefix]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    /// The key prefix, without a leading `/`; empty for the whole bucket.
    pub prefix: String,
}

impl S3Url {
    /// `None` when `input` is not an `s3://` address (a local path); `Some(Err)` when it is
    /// one without a valid bucket name.
    pub fn parse(input: &str) -> Option<Result<S3Url, String>> {
        let rest = input.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        Some(if is_bucket_name(bucket) {
            Ok(S3Url {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            })
        } else {
            Err(format!(
                "`{input}`: `{bucket}` is not an S3 bucket name (3 to 63 lower-case letters, \
                 digits, dots and hyphens)"
            ))
        })
    }

    /// The address of an object of this bucket, as reports name it.
    pub fn object(&self, key: &str) -> PathBuf {
        PathBuf::from(format!("s3://{}/{key}", self.bucket))
    }

    /// The address of a prefix of this bucket.
    pub fn at(&self, prefix: &str) -> PathBuf {
        self.object(prefix)
    }
}

/// Whether a path names an object in S3 (`s3://...`) or an event looked up in CloudTrail
/// (`lookup://...`) rather than a local file.
pub fn is_remote(path: &std::path::Path) -> bool {
    path.to_str()
        .is_some_and(|p| p.starts_with("s3://") || p.starts_with(LOOKUP_SCHEME))
}

/// The address of an event read through CloudTrail's `LookupEvents`:
/// `lookup://<region>/<eventID>`.
pub const LOOKUP_SCHEME: &str = "lookup://";

fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// An object a listing found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub size: u64,
}

/// One level of a listing by delimiter `/`: the folders (common prefixes, ending in `/`)
/// and the objects directly under a prefix, every page of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    pub prefixes: Vec<String>,
    pub objects: Vec<Object>,
}

/// What an object fetch gives: the object's bytes as stored, or why there are none (after
/// the store's retries).
pub type Fetched = Result<Vec<u8>, String>;

/// A place objects are listed and fetched from.
pub trait Store: Sync {
    /// Lists each prefix of `bucket` by delimiter `/` (several at once where the store can):
    /// one result per prefix, in order.
    fn list(&self, bucket: &str, prefixes: &[String]) -> Vec<Result<Listing, String>>;

    /// Fetches the objects of `bucket` named by `keys`, several at once, handing each to
    /// `done` with its index as it arrives (in any order). `done` may block: the store then
    /// waits, so that memory holds a bounded number of objects.
    fn fetch(&self, bucket: &str, keys: &[String], done: &mut dyn FnMut(usize, Fetched));
}

/// The objects to read under an address, and what was left out.
#[derive(Debug, Default)]
pub struct Walked {
    pub objects: Vec<Object>,
    /// Log files listed but not read: their place says the filters leave none of their
    /// records (other listed objects, not log files, are ignored as a directory walk does).
    pub filtered: usize,
    /// Folders listed, for progress and tests.
    pub listed: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lists what `url` holds, level by level, descending only into folders the filter may keep
/// and keeping only the objects it may (by name and place, as for local files). Objects over
/// `max_size` are reported, not fetched. The result is sorted by key.
pub fn walk(store: &dyn Store, url: &S3Url, filter: &EventFilter, max_size: u64) -> Walked {
    let mut out = Walked::default();
    let mut level = vec![url.prefix.clone()];
    while !level.is_empty() {
        out.listed += level.len();
        let results = store.list(&url.bucket, &level);
        let mut next = Vec::new();
        for (prefix, result) in level.iter().zip(results) {
            let listing = match result {
                Ok(listing) => listing,
                Err(e) => {
                    out.diagnostics.push(Diagnostic::error(
                        url.at(prefix),
                        format!("cannot list: {e}"),
                    ));
                    continue;
                }
            };
            next.extend(
                listing
                    .prefixes
                    .into_iter()
                    // A listing only returns longer prefixes; a store that did not would
                    // loop forever.
                    .filter(|p| p.len() > prefix.len() && filter.may_keep_prefix(p)),
            );
            for object in listing.objects {
                let path = std::path::Path::new(&object.key);
                if !super::walk::is_candidate(path) {
                    continue;
                }
                if !filter.may_keep_file(path) {
                    out.filtered += 1;
                } else if object.size > max_size {
                    out.diagnostics.push(Diagnostic::error(
                        url.object(&object.key),
                        super::ReadError::TooLarge {
                            size: object.size,
                            limit: max_size,
                        }
                        .to_string(),
                    ));
                } else {
                    out.objects.push(object);
                }
            }
        }
        next.sort();
        next.dedup();
        level = next;
    }
    out.objects.sort_by(|a, b| a.key.cmp(&b.key));
    out.objects.dedup_by(|a, b| a.key == b.key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// A bucket in memory that records what it was asked.
    #[derive(Default)]
    struct Memory {
        objects: BTreeMap<String, Vec<u8>>,
        listed: Mutex<Vec<String>>,
        failing: Vec<String>,
    }

    impl Store for Memory {
        fn list(&self, _bucket: &str, prefixes: &[String]) -> Vec<Result<Listing, String>> {
            prefixes
                .iter()
                .map(|prefix| {
                    self.listed
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(prefix.clone());
                    if self.failing.contains(prefix) {
                        return Err("AccessDenied".to_owned());
                    }
                    let mut listing = Listing::default();
                    for (key, body) in self.objects.range(prefix.clone()..) {
                        let Some(rest) = key.strip_prefix(prefix.as_str()) else {
                            break;
                        };
                        match rest.find('/') {
                            Some(i) => listing.prefixes.push(format!("{prefix}{}", &rest[..=i])),
                            None => listing.objects.push(Object {
                                key: key.clone(),
                                size: body.len() as u64,
                            }),
                        }
                    }
                    listing.prefixes.dedup();
                    Ok(listing)
                })
                .collect()
        }

        fn fetch(&self, _bucket: &str, keys: &[String], done: &mut dyn FnMut(usize, Fetched)) {
            for (i, key) in keys.iter().enumerate() {
                done(
                    i,
                    self.objects.get(key).cloned().ok_or("NoSuchKey".to_owned()),
                );
            }
        }
    }

    fn bucket(keys: &[&str]) -> Memory {
        Memory {
            objects: keys
                .iter()
                .map(|k| ((*k).to_owned(), b"{}".to_vec()))
                .collect(),
            ..Memory::default()
        }
    }

    const DAY: &str = "CloudTrail/us-east-1/2026/11/20";

    #[test]
    fn addresses_are_parsed() {
        let url = S3Url::parse("s3://logs-bucket/trail/AWSLogs/").map(Result::ok);
        assert_eq!(
            url,
            Some(Some(S3Url {
                bucket: "logs-bucket".into(),
                prefix: "trail/AWSLogs/".into()
            }))
        );
        assert_eq!(
            S3Url::parse("s3://logs-bucket").map(Result::ok),
            Some(Some(S3Url {
                bucket: "logs-bucket".into(),
                prefix: String::new()
            }))
        );
        assert!(S3Url::parse("logs/AWSLogs").is_none());
        assert!(matches!(S3Url::parse("s3://"), Some(Err(_))));
        assert!(matches!(S3Url::parse("s3://Bad_Bucket/x"), Some(Err(_))));
        assert!(is_remote(std::path::Path::new("s3://b/k")));
        assert!(!is_remote(std::path::Path::new("b/k")));
    }

    #[test]
    fn only_folders_the_filters_keep_are_listed() {
        let store = bucket(&[
            &format!("AWSLogs/111111111111/{DAY}/a_CloudTrail_x.json.gz"),
            "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/25/b_CloudTrail_x.json.gz",
            "AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/11/20/d.json.gz",
            &format!("AWSLogs/222222222222/{DAY}/c_CloudTrail_x.json.gz"),
            "AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/20/e_CloudTrail_x.json.gz",
            &format!("AWSLogs/111111111111/{DAY}/notes.txt"),
        ]);
        let filter = EventFilter {
            since: Some(crate::ingest::filter::parse_instant("2026-11-20").expect("date")),
            until: Some(crate::ingest::filter::parse_instant("2026-11-21").expect("date")),
            accounts: vec!["111111111111".into()],
            regions: vec!["us-east-1".into()],
            ..EventFilter::default()
        };
        let url = S3Url::parse("s3://logs").and_then(Result::ok).expect("url");
        let walked = walk(&store, &url, &filter, 1 << 20);
        let keys: Vec<&str> = walked.objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(
            keys,
            [format!("AWSLogs/111111111111/{DAY}/a_CloudTrail_x.json.gz")]
        );
        assert_eq!(walked.filtered, 0, "the text file is listed, ignored");
        let listed = store.listed.lock().expect("lock").clone();
        assert_eq!(
            listed,
            [
                "",
                "AWSLogs/",
                "AWSLogs/111111111111/",
                "AWSLogs/111111111111/CloudTrail/",
                "AWSLogs/111111111111/CloudTrail/us-east-1/",
                "AWSLogs/111111111111/CloudTrail/us-east-1/2026/",
                "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/",
                "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/20/",
            ],
            "never another account, region, day, or the digests"
        );
        assert!(walked.diagnostics.is_empty());
    }

    #[test]
    fn files_under_a_prefix_named_past_the_filters_are_judged_by_their_place() {
        let store = bucket(&[
            "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/25/b.json.gz",
            "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/25/c.json",
        ]);
        let filter = EventFilter {
            until: Some(crate::ingest::filter::parse_instant("2026-11-21").expect("date")),
            ..EventFilter::default()
        };
        let url = S3Url::parse("s3://logs/AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/25/")
            .and_then(Result::ok)
            .expect("url");
        let walked = walk(&store, &url, &filter, 1 << 20);
        assert!(walked.objects.is_empty());
        assert_eq!(walked.filtered, 2);
    }

    #[test]
    fn a_folder_that_cannot_be_listed_is_reported_and_the_rest_read() {
        let mut store = bucket(&[
            &format!("AWSLogs/111111111111/{DAY}/a.json.gz"),
            &format!("AWSLogs/222222222222/{DAY}/b.json.gz"),
        ]);
        store.failing = vec!["AWSLogs/222222222222/".into()];
        let url = S3Url::parse("s3://logs/AWSLogs/")
            .and_then(Result::ok)
            .expect("url");
        let walked = walk(&store, &url, &EventFilter::default(), 1 << 20);
        assert_eq!(walked.objects.len(), 1);
        assert_eq!(walked.diagnostics.len(), 1);
        let d = &walked.diagnostics[0];
        assert_eq!(d.path, PathBuf::from("s3://logs/AWSLogs/222222222222/"));
        assert!(d.message.contains("AccessDenied"), "{}", d.message);
    }

    #[test]
    fn an_object_over_the_size_limit_is_reported_not_fetched() {
        let mut store = bucket(&[]);
        store.objects.insert(
            format!("AWSLogs/111111111111/{DAY}/big.json.gz"),
            vec![0; 64],
        );
        let url = S3Url::parse("s3://logs").and_then(Result::ok).expect("url");
        let walked = walk(&store, &url, &EventFilter::default(), 32);
        assert!(walked.objects.is_empty());
        assert_eq!(walked.diagnostics.len(), 1);
        assert!(walked.diagnostics[0].message.contains("--max-file-size"));
    }
}
