//! The rules of a scan: the built-in ones embedded in the binary, those of `--rules DIR`,
//! narrowed by `--only`/`--skip`, indexed by what they apply to.

use std::collections::{BTreeMap, HashMap};

use crate::FastMap;
use std::path::{Path, PathBuf};

use crate::model::Kind;

use super::doc::Doc;
use super::documents::{FileRules, Filter, parse_file};
use super::load::LoadError;
use super::rule::{Rule, Target};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

#[derive(Debug, Default)]
pub struct Registry {
    rules: Vec<Rule>,
    by_kind: HashMap<Kind, Vec<usize>>,
    /// Event rules by the lower-cased `eventName` they require.
    by_event_name: FastMap<String, Vec<usize>>,
    /// Event rules that pin no `eventName` but an `eventSource`, by its lower-cased value.
    by_event_source: FastMap<String, Vec<usize>>,
    /// Event rules that may fire on any event.
    any_event: Vec<usize>,
    /// Those of them that need one of a few texts in the record: tried only when it holds.
    prefilter: Option<Prefilter>,
    /// The rules of each `by_event_name` and `by_event_source` entry, split the same way
    /// by the texts they need besides the name and source.
    name_buckets: FastMap<String, Bucket>,
    source_buckets: FastMap<String, Bucket>,
}

/// The rules that pin one event name (or source): those tried on every record of it, and
/// those tried only when the record holds a text they need.
#[derive(Debug, Default)]
struct Bucket {
    always: Vec<usize>,
    prefilter: Option<Prefilter>,
}

impl Bucket {
    fn new(rules: &[Rule], list: &[usize]) -> Bucket {
        let (prefilter, always) =
            Prefilter::build(rules, list.to_vec(), &["eventName", "eventSource"]);
        Bucket { always, prefilter }
    }

    /// Its rules worth trying on `record`, in index order.
    fn admit(&self, record: &serde_json::Value, anywhere: bool, out: &mut Vec<usize>) {
        let from = out.len();
        out.extend(&self.always);
        if let Some(p) = &self.prefilter {
            p.admit(record, anywhere, out);
        }
        out[from..].sort_unstable();
    }
}

/// The texts the unpinned rules need, searched for once per record and field instead of
/// once per rule.
#[derive(Debug)]
struct Prefilter {
    fields: Vec<FieldTexts>,
}

/// The texts needed at or below one field (`None`: anywhere in the record).
#[derive(Debug)]
struct FieldTexts {
    path: Option<Vec<String>>,
    /// The texts, lower-cased (ASCII), searched for in the lower-cased strings.
    texts: aho_corasick::AhoCorasick,
    /// Per text of `texts`: the rules (indices into `rules`) that it lets through.
    rules: Vec<Vec<usize>>,
}

impl Registry {
    /// The built-in rules. They are tested with the crate, so a failure here is a bug.
    pub fn builtin() -> Result<Registry, Vec<LoadError>> {
        Registry::load(true, &[])
    }

    /// Built-in rules (if `builtin`) and every `.yml`/`.yaml` file under `dirs`; the errors
    /// if a file does not load (rules skipped with a warning are no error).
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> Result<Registry, Vec<LoadError>> {
        let (registry, errors) = Registry::load_partial(builtin, dirs);
        if errors.iter().all(|e| e.warning) {
            Ok(registry)
        } else {
            Err(errors)
        }
    }

    /// Every rule that loads, and every problem: errors for files that do not, warnings
    /// for rules skipped because they use what atrest does not support.
    pub fn load_partial(builtin: bool, dirs: &[PathBuf]) -> (Registry, Vec<LoadError>) {
        let mut rules = Vec::new();
        let mut filters = Vec::new();
        let mut errors = Vec::new();
        let mut take = |file: FileRules, errors: &mut Vec<LoadError>| {
            rules.extend(file.rules);
            filters.extend(file.filters);
            errors.extend(file.problems);
        };
        if builtin {
            for (path, text) in embedded::EMBEDDED {
                take(parse_file(path, text, true), &mut errors);
            }
        }
        for dir in dirs {
            for path in rule_files(dir, &mut errors) {
                let shown = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => take(parse_file(&shown, &text, false), &mut errors),
                    Err(e) => errors.push(LoadError::new(&shown, format!("cannot read: {e}"))),
                }
            }
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        rules.retain(|r| match seen.get(&r.id) {
            Some(first) => {
                let known = r.id_at.is_known();
                errors.push(LoadError {
                    line: known.then_some(r.id_at.line),
                    column: known.then_some(r.id_at.column),
                    ..LoadError::new(
                        &r.path,
                        format!("rule id `{}` is already used by {first}", r.id),
                    )
                });
                false
            }
            None => {
                seen.insert(r.id.clone(), r.path.clone());
                true
            }
        });
        apply_filters(&mut rules, filters, &mut errors);
        check_correlations(&mut rules, &mut errors);
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        // In the order of the files and of the lines in each.
        errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        (Registry::index(rules), errors)
    }

    fn index(mut rules: Vec<Rule>) -> Registry {
        // A correlation's base rules report on their own only if it `generate`s them.
        let quiet: Vec<String> = rules
            .iter()
            .filter_map(|r| r.correlation.as_ref())
            .filter(|c| !c.generate)
            .flat_map(|c| c.rules.iter().cloned())
            .collect();
        for rule in &mut rules {
            rule.generate = rule.correlation.is_some() || !quiet.iter().any(|q| names(rule, q));
        }
        let mut registry = Registry {
            rules,
            ..Registry::default()
        };
        let mut unpinned = Vec::new();
        for (i, rule) in registry.rules.iter().enumerate() {
            match rule.target {
                Target::Resource(kind) => registry.by_kind.entry(kind).or_default().push(i),
                // Its findings come from the analysis of the stream.
                Target::Events if rule.correlation.is_some() => {}
                Target::Events => {
                    let by_name = rule.detection.required_values("eventName");
                    let by_source = rule.detection.required_values("eventSource");
                    let (index, keys) = match (by_name, by_source) {
                        (Some(names), _) => (&mut registry.by_event_name, names),
                        (None, Some(sources)) => (&mut registry.by_event_source, sources),
                        (None, None) => {
                            unpinned.push(i);
                            continue;
                        }
                    };
                    for key in keys {
                        let list = index.entry(key).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            }
        }
        let (prefilter, always) = Prefilter::build(&registry.rules, unpinned, &[]);
        registry.any_event = always;
        registry.prefilter = prefilter;
        let buckets = |index: &FastMap<String, Vec<usize>>| {
            index
                .iter()
                .map(|(k, list)| (k.clone(), Bucket::new(&registry.rules, list)))
                .collect()
        };
        registry.name_buckets = buckets(&registry.by_event_name);
        registry.source_buckets = buckets(&registry.by_event_source);
        registry
    }

    /// Keeps the rules named by `only` (all if empty) minus those in `skip`. Each name is
    /// a rule id or a prefix ending in `*` (`s3-*`). A name that matches no rule is an
    /// error, and so is a selection that leaves no rule: a scan that runs nothing would
    /// pass every gate.
    pub fn select(self, only: &[String], skip: &[String]) -> Result<Registry, String> {
        for name in only.iter().chain(skip) {
            if !self.rules.iter().any(|r| id_matches(name, &r.id)) {
                return Err(format!(
                    "no rule matches `{name}` (see `atrest rules list`)"
                ));
            }
        }
        let loaded = self.rules.len();
        let rules: Vec<Rule> = self
            .rules
            .into_iter()
            .filter(|r| only.is_empty() || only.iter().any(|n| id_matches(n, &r.id)))
            .filter(|r| !skip.iter().any(|n| id_matches(n, &r.id)))
            .collect();
        if rules.is_empty() {
            if loaded == 0 {
                return Err("no rules loaded".to_owned());
            }
            let selection: Vec<String> = only
                .iter()
                .map(|n| format!("--only `{n}`"))
                .chain(skip.iter().map(|n| format!("--skip `{n}`")))
                .collect();
            return Err(format!(
                "{} leaves no rule to run (of {loaded} loaded)",
                selection.join(" ")
            ));
        }
        Ok(Registry::index(rules))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn find(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn for_kind(&self, kind: Kind) -> &[usize] {
        self.by_kind.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The event rules worth trying on a record of this source and name: those that pin
    /// its name, those that pin only its source, and the few that pin neither. The cost of
    /// a record follows the rules that may match it, not the number loaded.
    pub fn for_event(
        &self,
        event_source: Option<&str>,
        event_name: Option<&str>,
    ) -> impl Iterator<Item = usize> + '_ {
        let named = event_name
            .and_then(|n| lookup(&self.by_event_name, n))
            .map_or(&[][..], Vec::as_slice);
        let sourced = event_source
            .and_then(|s| lookup(&self.by_event_source, s))
            .map_or(&[][..], Vec::as_slice);
        named.iter().chain(sourced).chain(&self.any_event).copied()
    }

    /// [`Registry::for_event`] for this record, with the rules that pin neither its name
    /// nor its source tried only when the record holds a text they need.
    pub fn for_record(&self, record: &serde_json::Value) -> Vec<usize> {
        self.for_record_where(record, true)
    }

    /// [`Registry::for_record`] of a record that holds no text a keyword needs (the raw
    /// text was searched for them before it was parsed): texts needed anywhere in a record
    /// are not searched for again.
    pub fn for_record_without_keywords(&self, record: &serde_json::Value) -> Vec<usize> {
        self.for_record_where(record, false)
    }

    fn for_record_where(&self, record: &serde_json::Value, anywhere: bool) -> Vec<usize> {
        let field = |k: &str| record.get(k).and_then(serde_json::Value::as_str);
        let mut rules: Vec<usize> = Vec::new();
        // Of the rules that pin its name or source, those whose texts it holds.
        for (buckets, key) in [
            (&self.name_buckets, field("eventName")),
            (&self.source_buckets, field("eventSource")),
        ] {
            if let Some(bucket) = key.and_then(|k| lookup(buckets, k)) {
                bucket.admit(record, anywhere, &mut rules);
            }
        }
        rules.extend(&self.any_event);
        if let Some(prefilter) = &self.prefilter {
            prefilter.admit(record, anywhere, &mut rules);
        }
        rules
    }

    /// The correlation rules, by index.
    pub fn correlations(&self) -> impl Iterator<Item = (usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.correlation.is_some())
    }

    /// The rule a correlation or filter names: by id, else by Sigma `name`.
    pub fn named(&self, name: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == name).or_else(|| {
            self.rules
                .iter()
                .position(|r| r.name.as_deref() == Some(name))
        })
    }

    /// Whether an event rule may apply to a record of this source and name, so that the
    /// record must be parsed whole: one pins its name or its source, or one pins neither
    /// (those need the record's text). Allocates nothing: it runs for every record of a log.
    pub fn wants_event(&self, event_source: &str, event_name: &str) -> bool {
        !self.any_event.is_empty()
            || self.prefilter.is_some()
            || lookup(&self.by_event_name, event_name).is_some()
            || lookup(&self.by_event_source, event_source).is_some()
    }

    /// The event rules that may apply to a record, as sets: for each `eventName` a rule
    /// pins (lower-cased), the rules that pin it; and the rules that pin no name (a source
    /// only, or neither), which may apply to any record.
    pub(super) fn event_rule_sets(&self) -> (FastMap<String, Vec<usize>>, Vec<usize>) {
        let mut unnamed: Vec<usize> = self
            .by_event_source
            .values()
            .flatten()
            .chain(&self.any_event)
            .copied()
            .collect();
        if let Some(p) = &self.prefilter {
            unnamed.extend(p.fields.iter().flat_map(|f| f.rules.iter().flatten()));
        }
        unnamed.sort_unstable();
        unnamed.dedup();
        (self.by_event_name.clone(), unnamed)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Whether `name` (an id, or a prefix ending in `*`) names rule `id`: `--only`, `--skip`
/// and the configuration's `ignore:` entries.
pub fn id_matches(name: &str, id: &str) -> bool {
    match name.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => name == id,
    }
}

fn rule_files(dir: &Path, errors: &mut Vec<LoadError>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        match entry {
            Ok(e)
                if e.file_type().is_file()
                    && matches!(
                        e.path().extension().and_then(|x| x.to_str()),
                        Some("yml" | "yaml")
                    ) =>
            {
                files.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => errors.push(LoadError::new(
                &e.path().unwrap_or(dir).display().to_string(),
                e.to_string(),
            )),
        }
    }
    files.sort();
    files
}

/// A map keyed by lower-cased text, looked up without allocating for the usual short ASCII
/// names (`DisableKey`, `kms.amazonaws.com`).
pub(super) fn lookup<'m, V>(map: &'m FastMap<String, V>, key: &str) -> Option<&'m V> {
    if map.is_empty() {
        return None;
    }
    let mut buf = [0u8; 64];
    match buf.get_mut(..key.len()) {
        Some(lower) if key.is_ascii() => {
            lower.copy_from_slice(key.as_bytes());
            lower.make_ascii_lowercase();
            std::str::from_utf8(lower).ok().and_then(|k| map.get(k))
        }
        _ => map.get(&key.to_lowercase()),
    }
}

/// Whether `name` (from a correlation or a filter) refers to `rule`.
fn names(rule: &Rule, name: &str) -> bool {
    rule.id == name || rule.name.as_deref() == Some(name)
}

/// ANDs NOT each filter into the rules it names; a name that matches no rule is a
/// warning (a filter written for rules of other log sources names rules atrest skips).
fn apply_filters(rules: &mut [Rule], filters: Vec<Filter>, errors: &mut Vec<LoadError>) {
    for filter in filters {
        let Filter {
            id,
            rules: targets,
            detection,
            path,
            at,
        } = filter;
        for target in &targets {
            let found: Vec<usize> = (0..rules.len())
                .filter(|&i| names(&rules[i], target) && rules[i].correlation.is_none())
                .collect();
            if found.is_empty() {
                errors.push(
                    LoadError {
                        line: at.is_known().then_some(at.line),
                        column: at.is_known().then_some(at.column),
                        ..LoadError::new(
                            &path,
                            format!("filter `{id}`: no loaded rule has the id or name `{target}`"),
                        )
                    }
                    .warn(),
                );
            }
            for i in found {
                rules[i].detection.and_not(&id, detection.clone());
            }
        }
    }
}

/// Keeps the correlations whose base rules are all loaded plain rules; the others are
/// skipped with a warning (a base rule may itself have been skipped, and chains of
/// correlations are not supported).
fn check_correlations(rules: &mut Vec<Rule>, errors: &mut Vec<LoadError>) {
    let mut dropped = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let Some(c) = &rule.correlation else { continue };
        for base in &c.rules {
            let problem = match rules.iter().find(|r| names(r, base)) {
                None => format!("no loaded rule has the id or name `{base}`"),
                Some(r) if r.correlation.is_some() => {
                    format!("`{base}` is a correlation: chained correlations are not supported")
                }
                Some(_) => continue,
            };
            errors.push(
                LoadError {
                    line: c.at.is_known().then_some(c.at.line),
                    column: c.at.is_known().then_some(c.at.column),
                    ..LoadError::new(
                        &rule.path,
                        format!("correlation `{}`: {problem}; it is skipped", rule.id),
                    )
                }
                .warn(),
            );
            dropped.push(i);
            break;
        }
    }
    let mut i = 0;
    rules.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });
}

/// Texts, each with the rules it admits.
type TextRules = Vec<(String, Vec<usize>)>;

impl Prefilter {
    /// Splits rules into those a text search can admit and the rest, from the texts they
    /// need besides the fields in `skip` (those dispatch has decided).
    fn build(
        rules: &[Rule],
        unpinned: Vec<usize>,
        skip: &[&str],
    ) -> (Option<Prefilter>, Vec<usize>) {
        let mut by_field: BTreeMap<Option<Vec<String>>, TextRules> = BTreeMap::new();
        let mut always = Vec::new();
        for i in unpinned {
            match rules[i].detection.required_literals_besides(skip) {
                Some(needed) if !needed.is_empty() => {
                    for (path, text) in needed {
                        let texts = by_field.entry(path).or_default();
                        match texts.iter_mut().find(|(t, _)| *t == text) {
                            Some((_, admits)) => admits.push(i),
                            None => texts.push((text, vec![i])),
                        }
                    }
                }
                _ => always.push(i),
            }
        }
        let mut fields = Vec::new();
        for (path, texts) in by_field {
            // The texts are lower-cased ASCII (`prefilter_literal`); the strings are
            // lower-cased as the patterns compare them.
            match aho_corasick::AhoCorasick::new(texts.iter().map(|(t, _)| t)) {
                Ok(set) => fields.push(FieldTexts {
                    path,
                    texts: set,
                    rules: texts.into_iter().map(|(_, r)| r).collect(),
                }),
                // Too large to build: those rules are tried on every record.
                Err(_) => always.extend(texts.into_iter().flat_map(|(_, r)| r)),
            }
        }
        always.sort_unstable();
        always.dedup();
        let prefilter = (!fields.is_empty()).then_some(Prefilter { fields });
        (prefilter, always)
    }

    /// Adds the rules whose texts occur where they need them (`anywhere`: and those whose
    /// texts may be anywhere in the record).
    fn admit(&self, record: &serde_json::Value, anywhere: bool, out: &mut Vec<usize>) {
        let mut haystack = String::new();
        let mut admitted: Vec<usize> = Vec::new();
        for field in &self.fields {
            haystack.clear();
            match &field.path {
                None if !anywhere => continue,
                None => strings(record, &mut haystack),
                Some(path) => {
                    Doc::Plain(record).any(path, &mut |v| {
                        if let super::json::Json::Tree(v) = v {
                            strings(v, &mut haystack);
                        }
                        false
                    });
                }
            }
            if haystack.is_empty() {
                continue;
            }
            // Lower-cased as the patterns compare strings (`str::to_lowercase`).
            let lower = if haystack.is_ascii() {
                haystack.make_ascii_lowercase();
                std::borrow::Cow::Borrowed(haystack.as_str())
            } else {
                std::borrow::Cow::Owned(haystack.to_lowercase())
            };
            for hit in field.texts.find_overlapping_iter(lower.as_ref()) {
                admitted.extend(&field.rules[hit.pattern().as_usize()]);
            }
        }
        if admitted.is_empty() {
            return;
        }
        admitted.sort_unstable();
        admitted.dedup();
        out.extend(admitted);
    }
}

/// Every key and string of a JSON value, one per line (no text searched for holds a line
/// break, so none is found across two).
fn strings(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|x| strings(x, out)),
        Value::Object(map) => {
            for (k, x) in map {
                out.push_str(k);
                out.push('\n');
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// The rules of one rule file's text, for tests.
#[cfg(test)]
pub(crate) fn registry_of(rules: &str) -> Registry {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("r.yml"), rules).expect("write");
    Registry::load(false, &[dir.path().to_path_buf()]).expect("loads")
}
