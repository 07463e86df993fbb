//! The rules of a scan: the built-in ones embedded in the binary, those of `--rules DIR`,
//! narrowed by `--only`/`--skip`, indexed by what they apply to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::Kind;

use super::load::{LoadError, parse};
use super::rule::{Rule, Target};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

#[derive(Debug, Default)]
pub struct Registry {
    rules: Vec<Rule>,
    by_kind: HashMap<Kind, Vec<usize>>,
    /// Event rules by the lower-cased `eventName` they require.
    by_event_name: HashMap<String, Vec<usize>>,
    /// Event rules that may fire on any event name.
    any_event: Vec<usize>,
}

impl Registry {
    /// The built-in rules. They are tested with the crate, so a failure here is a bug.
    pub fn builtin() -> Result<Registry, Vec<LoadError>> {
        Registry::load(true, &[])
    }

    /// Built-in rules (if `builtin`) and every `.yml`/`.yaml` file under `dirs`. Rules that
    /// fail to load are returned as errors; the others are kept.
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> Result<Registry, Vec<LoadError>> {
        let (registry, errors) = Registry::load_partial(builtin, dirs);
        if errors.is_empty() {
            Ok(registry)
        } else {
            Err(errors)
        }
    }

    pub fn load_partial(builtin: bool, dirs: &[PathBuf]) -> (Registry, Vec<LoadError>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        if builtin {
            for (path, text) in embedded::EMBEDDED {
                match parse(path, text, true) {
                    Ok(rule) => rules.push(rule),
                    Err(e) => errors.push(e),
                }
            }
        }
        for dir in dirs {
            for path in rule_files(dir, &mut errors) {
                let shown = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => match parse(&shown, &text, false) {
                        Ok(rule) => rules.push(rule),
                        Err(e) => errors.push(e),
                    },
                    Err(e) => errors.push(LoadError {
                        path: shown,
                        line: None,
                        column: None,
                        message: format!("cannot read: {e}"),
                    }),
                }
            }
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        rules.retain(|r| match seen.get(&r.id) {
            Some(first) => {
                let known = r.id_at.is_known();
                errors.push(LoadError {
                    path: r.path.clone(),
                    line: known.then_some(r.id_at.line),
                    column: known.then_some(r.id_at.column),
                    message: format!("rule id `{}` is already used by {first}", r.id),
                });
                false
            }
            None => {
                seen.insert(r.id.clone(), r.path.clone());
                true
            }
        });
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        (Registry::index(rules), errors)
    }

    fn index(rules: Vec<Rule>) -> Registry {
        let mut registry = Registry {
            rules,
            ..Registry::default()
        };
        for (i, rule) in registry.rules.iter().enumerate() {
            match rule.target {
                Target::Resource(kind) => registry.by_kind.entry(kind).or_default().push(i),
                Target::Events => match rule.detection.required_values("eventName") {
                    Some(names) => {
                        for name in names {
                            let list = registry.by_event_name.entry(name).or_default();
                            if list.last() != Some(&i) {
                                list.push(i);
                            }
                        }
                    }
                    None => registry.any_event.push(i),
                },
            }
        }
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

    /// The event rules worth trying on an event with this name.
    pub fn for_event(&self, event_name: Option<&str>) -> impl Iterator<Item = usize> + '_ {
        let named = event_name
            .and_then(|n| self.by_event_name.get(&n.to_lowercase()))
            .map_or(&[][..], Vec::as_slice);
        named.iter().chain(&self.any_event).copied()
    }

    /// Whether an event rule may apply to an event with this name (so that the record must be
    /// parsed whole). Allocates nothing: it runs for every record of a log.
    pub fn wants_event(&self, event_name: &str) -> bool {
        if !self.any_event.is_empty() {
            return true;
        }
        let mut buf = [0u8; 64];
        let Some(lower) = buf.get_mut(..event_name.len()) else {
            // Longer than any event name: looked up the slow way.
            return self.by_event_name.contains_key(&event_name.to_lowercase());
        };
        lower.copy_from_slice(event_name.as_bytes());
        lower.make_ascii_lowercase();
        match std::str::from_utf8(lower) {
            Ok(name) if event_name.is_ascii() => self.by_event_name.contains_key(name),
            _ => self.by_event_name.contains_key(&event_name.to_lowercase()),
        }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn id_matches(name: &str, id: &str) -> bool {
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
            Err(e) => errors.push(LoadError {
                path: e.path().unwrap_or(dir).display().to_string(),
                line: None,
                column: None,
                message: e.to_string(),
            }),
        }
    }
    files.sort();
    files
}
