//! The scan: files read in parallel (CloudTrail events checked as they stream by), the
//! inventory built, resource rules run in parallel, findings sorted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value;

use crate::analysis::{Folds, Notes};
use crate::diagnostic::Diagnostic;
use crate::finding::{self, Finding, Related, Subject, fingerprint};
use crate::ingest::filter::EventFilter;
use crate::ingest::{self, FieldsFor, Head, Select, Take};
use crate::model::{self, Event, Inventory, Kept, Loc, schema};
use crate::progress::Progress;
use crate::rules::{Doc, EventFields, Hit, RawFilter, Registry, Rule};
use crate::source::remote::{self, S3Url, Store};
use crate::source::{DEFAULT_MAX_FILE_SIZE, Sources, discover};

/// Counts for summaries, and how long each stage took (for benchmarks).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    /// Delivery files the event filters left unread, by their place in the S3 layout.
    pub files_filtered: usize,
    pub events: usize,
    pub resources: usize,
    pub resources_by_kind: BTreeMap<&'static str, usize>,
    pub files_by_kind: BTreeMap<&'static str, usize>,
    /// What each file read was taken for (`aws-cli`, `cloudtrail`, `aws-config`), for the
    /// input manifest of compliance reports.
    pub file_kinds: Vec<(crate::source::SourceId, &'static str)>,
    /// Reading and parsing every file, event rules included.
    pub read_time: Duration,
    /// Merging pieces and deriving facts.
    pub model_time: Duration,
    /// Resource rules and sorting.
    pub rules_time: Duration,
}

pub struct Outcome {
    pub sources: Sources,
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// KMS calls per key, principal and operation (when the key analysis ran).
    pub activity: crate::analysis::Activity,
    /// The comparison with `--baseline`, when one was given.
    pub baseline: Option<crate::finding::baseline::Compared>,
}

impl Outcome {
    /// Whether any input could not be read (exit code 2).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == crate::diagnostic::Level::Error)
    }
}

/// How inputs are found and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// The most bytes read from one file, and the most it may decompress to.
    pub max_file_size: u64,
    /// Follow symbolic links inside a scanned directory that lead out of it.
    pub follow_symlinks: bool,
    /// The CloudTrail records to look at.
    pub filter: EventFilter,
    /// Parse every record the analyses read whole, not just for the fields they declare
    /// (tests check that both give the same findings).
    pub whole_records: bool,
    /// Keep a copy of the text of each CloudTrail record with findings, for reports that
    /// show lines around them (text); without, each place is located as it is found, and
    /// memory holds no record.
    pub record_texts: bool,
    /// The time facts are judged at (key material that expires, parameter policies past
    /// their expiration); `None`: when the scan starts.
    pub as_of: Option<jiff::Timestamp>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_symlinks: false,
            filter: EventFilter::default(),
            whole_records: false,
            record_texts: true,
            as_of: None,
        }
    }
}

/// [`scan_with`] the default options.
pub fn scan(inputs: &[PathBuf], registry: &Registry) -> Outcome {
    scan_with(inputs, registry, &ScanOptions::default())
}

/// What to scan beside local files: objects in S3 (the addresses, and the store that lists
/// and fetches them), and documents already fetched (CloudTrail records returned by
/// `LookupEvents`), each with its address.
pub struct RemoteInputs<'a> {
    pub store: &'a dyn Store,
    pub urls: Vec<S3Url>,
    pub documents: Vec<(String, Vec<u8>)>,
}

/// How many fetched objects wait for a reading thread, at most.
const FETCHED_WAITING: usize = 8;

/// [`scan_all`] of local paths only.
pub fn scan_with(inputs: &[PathBuf], registry: &Registry, options: &ScanOptions) -> Outcome {
    scan_all(inputs, None, registry, options, None)
}

/// Scans local files and directories and, when given, objects in S3. Objects are listed
/// first (only where the event filters may keep files), then fetched several at once while
/// the reading threads parse those already fetched: the same readers and rules as for local
/// files, in memory bounded by a few objects. `progress`, when given, hears how much there is
/// to read and each file as it is done.
pub fn scan_all(
    inputs: &[PathBuf],
    remote: Option<&RemoteInputs>,
    registry: &Registry,
    options: &ScanOptions,
    progress: Option<&dyn Progress>,
) -> Outcome {
    let mut found = discover(inputs, options.follow_symlinks);
    let mut diagnostics = found.diagnostics;
    let listed = found.files.len();
    // Delivery files whose place says the filters leave none of their records: not opened.
    found.files.retain(|f| options.filter.may_keep_file(f));
    let local = found.files.len();
    let mut filtered = listed - local;
    let mut objects: Vec<(usize, String)> = Vec::new();
    let mut object_sizes = Vec::new();
    let mut paths = found.files;
    let mut named: Vec<PathBuf> = inputs.to_vec();
    if let Some(r) = remote {
        for (u, url) in r.urls.iter().enumerate() {
            let walked = remote::walk(r.store, url, &options.filter, options.max_file_size);
            diagnostics.extend(walked.diagnostics);
            filtered += walked.filtered;
            object_sizes.extend(walked.objects.iter().map(|o| o.size));
            objects.extend(walked.objects.into_iter().map(|o| (u, o.key)));
            named.push(url.at(&url.prefix));
        }
        paths.extend(objects.iter().map(|(u, key)| r.urls[*u].object(key)));
        paths.extend(
            r.documents
                .iter()
                .map(|(address, _)| PathBuf::from(address)),
        );
        object_sizes.extend(r.documents.iter().map(|(_, text)| text.len() as u64));
    }
    // Sizes as stored, for progress only: a local file's is asked of the file system.
    let sizes: Vec<u64> = match progress {
        None => Vec::new(),
        Some(p) => {
            let mut sizes: Vec<u64> = paths[..local]
                .par_iter()
                .map(|path| std::fs::metadata(path).map_or(0, |m| m.len()))
                .collect();
            sizes.extend(object_sizes);
            p.planned(sizes.len() as u64, sizes.iter().sum());
            sizes
        }
    };
    let sources = Sources::new(paths);
    let mut stats = Stats {
        files: sources.len(),
        files_filtered: filtered,
        ..Stats::default()
    };

    let started = Instant::now();
    let list: Vec<_> = sources.iter().collect();
    let folds = Folds::new(registry);
    // A record is parsed whole only when a rule may read it, and for the fields the
    // analyses read when only they do.
    let filtering = !options.filter.is_empty();
    let fold = if options.whole_records {
        Take::Whole
    } else {
        Take::Fold
    };
    let folds_take = |head: &Head| {
        if folds.wants(head.event_source(), head.event_name()) {
            fold
        } else {
            Take::Count
        }
    };
    // A record where a keyword (a text searched in every string) may be is parsed whole;
    // the others are read when the texts the other rules need may be in their fields, for
    // those fields.
    let raw_filter = RawFilter::of(registry, |r| !r.detection.has_keywords());
    let rules = EventFields::new(registry);
    let mut with_folds = rules.clone();
    with_folds.extend(&folds.fields());
    let read_fields = ReadFields {
        rules,
        with_folds,
        folds: &folds,
    };
    let take = |head: &Head| {
        if filtering && !options.filter.keeps(head) {
            Take::Skip
        } else if !registry.wants_event(head.event_source(), head.event_name()) {
            folds_take(head)
        } else if options.whole_records {
            Take::Whole
        } else if raw_filter.may_match(head) {
            // Whole or for some fields: `ReadFields` decides.
            Take::Read
        } else if read_fields.rules.whole(head) {
            Take::Whole
        } else {
            folds_take(head)
        }
    };
    let select = Select {
        take: &take,
        read: (!options.whole_records).then_some(&read_fields as &dyn FieldsFor),
    };
    // The notes that merge in any order are merged as each file ends, so that memory does
    // not grow with the number of files; the rest (correlation matches) stays per file.
    let merged = std::sync::Mutex::new(Notes::default());
    // The input at `pos` in `list`: a local file is read here; an object's bytes come fetched.
    let read_one = |pos: usize, fetched: Option<remote::Fetched>| {
        let (id, path) = list[pos];
        let mut findings = Vec::new();
        let mut notes = Notes::default();
        let max = options.max_file_size;
        let mut on_event = |event: &Event| {
            let out = (&mut findings, options.record_texts);
            event_findings(registry, &folds, &mut notes, event, out);
        };
        let outcome = match fetched {
            None => ingest::read_file(id, path, max, select, &mut on_event),
            Some(Ok(bytes)) => ingest::read_bytes(id, path, bytes, max, select, &mut on_event),
            Some(Err(e)) => ingest::FileOutcome {
                diagnostics: vec![Diagnostic::error(path, format!("cannot fetch: {e}"))],
                ..ingest::FileOutcome::default()
            },
        };
        let mut into = merged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ordered = notes.merge_into(&mut into);
        drop(into);
        if let Some(p) = progress {
            p.done(sizes[pos]);
        }
        (outcome, findings, ordered)
    };
    let mut per_file: Vec<(ingest::FileOutcome, Vec<Finding>, Option<Box<Notes>>)> = (0..local)
        .into_par_iter()
        .map(|pos| read_one(pos, None))
        .collect();
    if let Some(r) = remote {
        per_file.extend(fetch_and_read(r, &objects, local, &read_one));
        let first = local + objects.len();
        per_file.par_extend(
            r.documents
                .par_iter()
                .enumerate()
                .map(|(i, (_, text))| read_one(first + i, Some(Ok(text.clone())))),
        );
    }
    if let Some(p) = progress {
        p.finished();
    }

    // Sized once: the items are most of what reading keeps.
    let mut items = Vec::with_capacity(per_file.iter().map(|(o, _, _)| o.items.len()).sum());
    let mut findings = Vec::new();
    let mut all_notes = Vec::new();
    all_notes.push(
        merged
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for (pos, (outcome, found, notes)) in per_file.into_iter().enumerate() {
        all_notes.extend(notes.map(|n| *n));
        items.extend(outcome.items);
        stats.events += outcome.events;
        if let Some(kind) = outcome.kind {
            *stats.files_by_kind.entry(kind).or_default() += 1;
            stats.file_kinds.push((list[pos].0, kind));
        }
        diagnostics.extend(outcome.diagnostics);
        findings.extend(found);
    }

    stats.read_time = started.elapsed();
    let started = Instant::now();
    let now = options.as_of.unwrap_or_else(jiff::Timestamp::now);
    let (inventory, unplaced) = model::build_at(items, now);
    stats.model_time = started.elapsed();
    let started = Instant::now();
    for u in unplaced {
        diagnostics.push(Diagnostic::error(sources.path(u.loc.source), u.message));
    }
    stats.resources = inventory.len();
    for r in &inventory.resources {
        *stats.resources_by_kind.entry(r.kind.name()).or_default() += 1;
    }

    let resource_findings: Vec<Finding> = inventory
        .resources
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, r)| {
            let inventory = &inventory;
            registry
                .for_kind(r.kind)
                .iter()
                .filter_map(move |&rule| resource_finding(registry, rule, inventory, i))
        })
        .collect();
    findings.extend(resource_findings);
    let (analysed, activity) = folds.finish_with_activity(all_notes, &inventory);
    findings.extend(analysed);
    finding::sort(&mut findings);
    stats.rules_time = started.elapsed();
    nothing_read(&named, &stats, &mut diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    Outcome {
        sources,
        inventory,
        findings,
        diagnostics,
        stats,
        activity,
        baseline: None,
    }
}

/// Fetches `objects` (the URL each is under, and its key) on a thread of their own, at the
/// store's concurrency, and reads each on the scan's threads as it arrives (`read_one` is
/// given its position among the scan's inputs, the objects coming after `first` local
/// files); the results come back in the order of `objects`. A fetch waits while
/// [`FETCHED_WAITING`] objects already wait for a reading thread.
fn fetch_and_read<R: Send>(
    remote: &RemoteInputs,
    objects: &[(usize, String)],
    first: usize,
    read_one: &(dyn Fn(usize, Option<remote::Fetched>) -> R + Sync),
) -> Vec<R> {
    let (sender, received) =
        std::sync::mpsc::sync_channel::<(usize, remote::Fetched)>(FETCHED_WAITING);
    let mut read: Vec<(usize, R)> = std::thread::scope(|scope| {
        scope.spawn(move || {
            // The objects of one URL, fetched together.
            let mut start = 0;
            while start < objects.len() {
                let u = objects[start].0;
                let end = start + objects[start..].iter().take_while(|(v, _)| *v == u).count();
                let keys: Vec<String> =
                    objects[start..end].iter().map(|(_, k)| k.clone()).collect();
                let bucket = &remote.urls[u].bucket;
                remote.store.fetch(bucket, &keys, &mut |i, fetched| {
                    // The receiver lives until every object has come.
                    let _ = sender.send((start + i, fetched));
                });
                start = end;
            }
        });
        received
            .into_iter()
            .par_bridge()
            .map(|(i, fetched)| (i, read_one(first + i, Some(fetched))))
            .collect()
    });
    read.sort_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, r)| r).collect()
}

/// A scan of nothing is not a pass: no input file at all, or none that atrest recognised, is
/// an input error.
fn nothing_read(inputs: &[PathBuf], stats: &Stats, diagnostics: &mut Vec<Diagnostic>) {
    let message = if stats.files == 0 && stats.files_filtered > 0 {
        format!(
            "nothing to check: the event filters leave none of the {} files",
            stats.files_filtered
        )
    } else if stats.files == 0 {
        "no input files here: atrest reads .json, .json.gz, .jsonl and .ndjson files (AWS CLI \
         exports, AWS Config files, CloudTrail logs)"
            .to_owned()
    } else if stats.files_by_kind.is_empty()
        && !diagnostics
            .iter()
            .any(|d| d.level == crate::diagnostic::Level::Error)
    {
        // (When a file could not be read, that error already fails the scan.)
        format!(
            "nothing to check: none of the {} files read is an AWS CLI export, an AWS Config \
             file or a CloudTrail log",
            stats.files
        )
    } else {
        return;
    };
    for input in inputs {
        diagnostics.push(Diagnostic::error(input, message.clone()));
    }
}

/// The fields a record the rules read keeps: those of the rules for its name, and the
/// analyses' when they read it too.
struct ReadFields<'f> {
    rules: EventFields,
    with_folds: EventFields,
    folds: &'f Folds<'f>,
}

impl FieldsFor for ReadFields<'_> {
    fn fields_for(&self, head: &Head) -> Option<&crate::ingest::project::Fields> {
        let (source, name) = (head.event_source(), head.event_name());
        if self.rules.whole(head) {
            None
        } else if self.folds.wants(source, name) {
            Some(self.with_folds.get(name))
        } else {
            Some(self.rules.get(name))
        }
    }
}

/// `loc`, a place in the record of `event` (whose pointer is `root`), located in the
/// record's text when the reader has it.
fn located(event: &Event, root: &str, mut loc: Loc) -> Loc {
    if let Some(record) = event.record_at(root) {
        loc.span = finding::span_in(record, &loc.pointer).map(|(s, _)| Box::new(s));
    }
    loc
}

/// Runs the event rules that may apply to one CloudTrail record, and the analyses that
/// fold over the stream.
fn event_findings(
    registry: &Registry,
    folds: &Folds,
    notes: &mut Notes,
    event: &Event,
    (out, record_texts): (&mut Vec<Finding>, bool),
) {
    if folds.wants(event.source_name(), event.name()) {
        folds.observe(notes, event);
    }
    if event.kept == Kept::Folds {
        return;
    }
    // A record parsed for some of its fields holds those its rules' findings read
    // (`rules::EventFields`).
    let doc = Doc::Plain(event.record);
    let mut kept: Option<crate::model::Loc> = None;
    // A record parsed for some of its fields was searched for the keywords' texts first.
    let candidates = match event.kept {
        Kept::Rules => registry.for_record_without_keywords(event.record),
        _ => registry.for_record(event.record),
    };
    for index in candidates {
        let rule = registry.get(index);
        if !rule.detection.matches(doc) {
            continue;
        }
        folds.matched(notes, index, event);
        if !rule.generate {
            continue;
        }
        let hits = rule.detection.explain(doc).unwrap_or_default();
        // One copy of the record's text for all its findings.
        let base = kept
            .get_or_insert_with(|| {
                if record_texts {
                    event.kept_loc()
                } else {
                    event.loc()
                }
            })
            .clone();
        let at = |h: &Hit| base.below(format!("{}{}", base.pointer, h.pointer));
        // The deciding field: the rule's `location:` when it names one that is there.
        let chosen = match &rule.location {
            Some(path) => {
                let dotted = path.join(".");
                hits.iter().find(|h| h.path == dotted).cloned().or_else(|| {
                    let (_, pointer) = doc.place(path);
                    let value = doc.values(path).into_iter().next().unwrap_or(Value::Null);
                    Some(Hit {
                        resource: None,
                        pointer,
                        path: dotted,
                        value,
                    })
                })
            }
            None => hits.first().cloned(),
        };
        let primary = chosen.as_ref().map_or(base.clone(), at);
        let primary = Some(if record_texts {
            primary
        } else {
            located(event, &base.pointer, primary)
        });
        let primary_note = chosen.as_ref().map(note).unwrap_or_default();
        let id = event.str("eventID").map(str::to_owned);
        let identity = id
            .clone()
            .unwrap_or_else(|| format!("{}#{}", base.source.0, base.pointer));
        let subject = Subject::Event {
            id: id.unwrap_or_else(|| "(no eventID)".to_owned()),
            time: event.str("eventTime").unwrap_or("").to_owned(),
            name: event.str("eventName").unwrap_or("").to_owned(),
            source: event.str("eventSource").unwrap_or("").to_owned(),
            resource: rule.resource.as_ref().map(|t| t.render(doc)),
        };
        out.push(Finding {
            rule: index,
            rule_id: rule.id.clone(),
            severity: rule.severity,
            fingerprint: fingerprint(&rule.id, &identity),
            subject,
            message: rule.message.render(doc),
            remediation: rule.remediation.render(doc),
            primary,
            primary_note,
            // The other deciding fields are in the same record, next to the primary one.
            related: Vec::new(),
            account: finding::scope_text(event.str("recipientAccountId").unwrap_or("")),
            region: finding::scope_text(event.str("awsRegion").unwrap_or("")),
            suppression: None,
            baseline: None,
        });
    }
}

fn resource_finding(
    registry: &Registry,
    index: usize,
    inv: &Inventory,
    i: usize,
) -> Option<Finding> {
    let rule: &Rule = registry.get(index);
    let doc = Doc::Resource { inv, index: i };
    if !rule.detection.matches(doc) {
        return None;
    }
    let r = &inv.resources[i];
    let mut hits = rule.detection.explain(doc).unwrap_or_default();
    if let Some(path) = &rule.location {
        let (resource, pointer) = doc.place(path);
        let found = hits
            .iter()
            .position(|h| h.resource == resource && h.pointer == pointer);
        let hit = match found {
            Some(p) => hits.remove(p),
            None => Hit {
                resource,
                pointer,
                path: path.join("."),
                value: doc.values(path).into_iter().next().unwrap_or(Value::Null),
            },
        };
        hits.insert(0, hit);
    }
    // The primary location is in the resource itself: the first deciding field of its own,
    // or the field that names the linked resource that decided.
    let own = hits.iter().position(|h| h.resource == Some(i));
    let (primary, primary_note) = match own.map(|p| &hits[p]).or(hits.first()) {
        Some(h) if h.resource == Some(i) => (r.locate(&h.pointer), note(h)),
        Some(h) => {
            let link = h.path.split('.').next().unwrap_or("");
            let via = schema::link_via(r.kind, link);
            (via.and_then(|p| r.locate(p)), note(h))
        }
        None => (None, String::new()),
    };
    let primary = primary.or_else(|| r.home().cloned());
    let related = hits
        .iter()
        .filter(|h| h.resource.is_some_and(|j| j != i))
        .filter_map(|h| {
            let j = h.resource?;
            let linked = &inv.resources[j];
            Some(Related {
                loc: linked
                    .locate(&h.pointer)
                    .or_else(|| linked.home().cloned())?,
                note: format!("{} (of {})", note(h), linked.arn),
            })
        })
        .collect();
    Some(Finding {
        rule: index,
        rule_id: rule.id.clone(),
        severity: rule.severity,
        fingerprint: fingerprint(&rule.id, r.arn),
        subject: Subject::Resource {
            arn: r.arn.to_owned(),
            kind: r.kind,
        },
        message: rule.message.render(doc),
        remediation: rule.remediation.render(doc),
        primary,
        primary_note,
        related,
        account: finding::scope_text(r.account),
        region: finding::scope_text(r.region),
        suppression: None,
        baseline: None,
    })
}

/// `KmsKey.KeyState is Disabled`, `ServerSideEncryptionConfiguration is absent`; values are
/// shown as in messages (secrets redacted, controls escaped) and cut shorter: the location
/// shows them in full.
fn note(h: &Hit) -> String {
    const MAX: usize = 100;
    if h.value.is_null() {
        return format!("{} is absent", h.path);
    }
    let secret = h.path.split('.').any(crate::redact::is_secret_name);
    let value = crate::rules::show_value(secret, &h.value, MAX);
    format!("{} is {value}", h.path)
}
