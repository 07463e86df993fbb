//! Governed exceptions: `ignore:` entries of the configuration file, and `atrest:ignore`
//! tags on resources. A suppressed finding stays in the report with its exception; it does
//! not count for `--fail-on`. An expired entry suppresses nothing and is warned about, as
//! is one that expires within 14 days and one that matched no finding.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Subject, Suppression, SuppressionKind};
use crate::model::Inventory;
use crate::scan::Outcome;
use crate::source::SourceId;

use super::ConfigError;

/// Days before its expiry that an entry is warned about.
pub const EXPIRY_NOTICE_DAYS: i32 = 14;

/// The tag that carries an inline exception: `<rule>[,<rule>...]:<reason>`.
pub const TAG: &str = "atrest:ignore";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    rule: Option<String>,
    resource: Option<String>,
    account: Option<String>,
    region: Option<String>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

/// One `ignore:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A rule id, or a prefix ending in `*`.
    pub rule: String,
    /// A resource ARN (or an event's resource or id), `*` and `?` as wildcards.
    pub resource: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub reason: String,
    pub owner: String,
    /// The last day the entry applies.
    pub expires: Date,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Entry {
    pub(super) fn from_raw(file: &Path, raw: Spanned<RawEntry>) -> Result<Entry, ConfigError> {
        let line = usize::try_from(raw.referenced.line()).unwrap_or(0);
        let column = usize::try_from(raw.referenced.column()).unwrap_or(0);
        let raw = raw.value;
        let error = |message: String| ConfigError {
            path: file.to_path_buf(),
            line: (line > 0).then_some(line),
            column: (line > 0).then_some(column),
            message,
        };
        let named = match (&raw.rule, &raw.resource) {
            (Some(rule), Some(resource)) => format!("the ignore entry for {rule} on {resource}"),
            (Some(rule), None) => format!("the ignore entry for {rule}"),
            _ => "an ignore entry".to_owned(),
        };
        let required = |value: Option<String>, what: &str, why: &str| {
            value
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| error(format!("{named} has no `{what}`: {why}")))
        };
        let rule = required(
            raw.rule,
            "rule",
            "say which rule (an id, or a prefix ending in *) it suppresses",
        )?;
        let reason = required(
            raw.reason,
            "reason",
            "every exception says why it is accepted",
        )?;
        let owner = required(
            raw.owner,
            "owner",
            "every exception names who answers for it",
        )?;
        let expires = required(
            raw.expires,
            "expires",
            "every exception ends (a date: 2027-03-31)",
        )?;
        let expires: Date = expires.trim().parse().map_err(|_| {
            error(format!(
                "{named}: `expires: {}` is not a date (write it as 2027-03-31)",
                crate::output::escape::escape(&expires)
            ))
        })?;
        Ok(Entry {
            rule,
            resource: raw.resource,
            account: raw.account,
            region: raw.region,
            reason,
            owner,
            expires,
            file: file.to_path_buf(),
            line,
            column,
        })
    }

    /// `s3-bucket-acls-enabled on arn:aws:s3:::legacy-*`, as warnings name it.
    pub fn label(&self) -> String {
        let mut s = format!("`{}`", self.rule);
        if let Some(r) = &self.resource {
            s.push_str(&format!(" on `{r}`"));
        }
        if let Some(a) = &self.account {
            s.push_str(&format!(" in account {a}"));
        }
        if let Some(r) = &self.region {
            s.push_str(&format!(" in {r}"));
        }
        crate::output::escape::escape(&s).into_owned()
    }

    fn origin(&self) -> String {
        format!("{}:{}", crate::output::display_path(&self.file), self.line)
    }

    fn matches(&self, f: &Finding) -> bool {
        if !crate::rules::id_matches(&self.rule, &f.rule_id) {
            return false;
        }
        if self.account.as_ref().is_some_and(|a| *a != f.account)
            || self.region.as_ref().is_some_and(|r| *r != f.region)
        {
            return false;
        }
        let Some(pattern) = &self.resource else {
            return true;
        };
        match &f.subject {
            Subject::Resource { arn, .. } => glob(pattern, arn),
            Subject::Event { id, resource, .. } => {
                glob(pattern, id) || resource.as_deref().is_some_and(|r| glob(pattern, r))
            }
        }
    }

    fn warn(&self, message: String) -> Diagnostic {
        Diagnostic::warning(&self.file, message).at(self.line, self.column)
    }
}

/// A wildcard match: `*` any run of characters (`/` and `:` included), `?` one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it is retried from.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Marks the findings that an entry or an inline tag suppresses, and returns the warnings:
/// entries expired or expiring within 14 days of `today`, entries that matched nothing,
/// tags that cannot be read.
pub fn apply(outcome: &mut Outcome, entries: &[Entry], today: Date) -> Vec<Diagnostic> {
    let Outcome {
        findings,
        inventory,
        sources,
        ..
    } = outcome;
    let mut warnings = Vec::new();
    let mut active = Vec::with_capacity(entries.len());
    for e in entries {
        if e.expires < today {
            warnings.push(e.warn(format!(
                "the ignore entry {} expired on {}: it no longer suppresses anything (renew it with a new reason, or remove it)",
                e.label(),
                e.expires
            )));
            continue;
        }
        let left = today.until(e.expires).map_or(0, |span| span.get_days());
        if left <= EXPIRY_NOTICE_DAYS {
            warnings.push(e.warn(format!(
                "the ignore entry {} expires on {} (in {left} day{})",
                e.label(),
                e.expires,
                if left == 1 { "" } else { "s" }
            )));
        }
        active.push(e);
    }
    let mut used = vec![false; active.len()];
    let mut bad_tags = Vec::new();
    for f in findings.iter_mut() {
        if let Some(s) = inline(f, inventory, &mut bad_tags) {
            f.suppression = Some(Box::new(s));
            continue;
        }
        if let Some(k) = active.iter().position(|e| e.matches(f)) {
            used[k] = true;
            let e = active[k];
            f.suppression = Some(Box::new(Suppression {
                kind: SuppressionKind::Config,
                reason: e.reason.clone(),
                owner: e.owner.clone(),
                expires: Some(e.expires.to_string()),
                origin: e.origin(),
            }));
        }
    }
    for (e, used) in active.iter().zip(used) {
        if !used {
            warnings.push(e.warn(format!(
                "the ignore entry {} matched no finding: remove it, or check its rule and resource",
                e.label()
            )));
        }
    }
    bad_tags.sort();
    bad_tags.dedup();
    for (arn, source) in bad_tags {
        let path = source
            .map(|id| sources.path(id).to_path_buf())
            .unwrap_or_default();
        warnings.push(Diagnostic::warning(
            path,
            format!(
                "resource {}: its `{TAG}` tag is not `<rule>[,<rule>...]:<reason>`, so it suppresses nothing",
                crate::output::escape::escape(&arn)
            ),
        ));
    }
    warnings
}

/// The exception a resource's own `atrest:ignore` tag makes for the finding.
fn inline(
    f: &Finding,
    inventory: &Inventory,
    bad: &mut Vec<(String, Option<SourceId>)>,
) -> Option<Suppression> {
    let Subject::Resource { arn, kind } = &f.subject else {
        return None;
    };
    let i = inventory.find(*kind, arn)?;
    let doc = crate::rules::Doc::Resource {
        inv: inventory,
        index: i,
    };
    let tags = doc.values(&["Tags".to_owned()]);
    let value = tags
        .iter()
        .flat_map(|t| match t {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .find_map(tag_value)?;
    let Some((rules, reason)) = value
        .split_once(':')
        .filter(|(r, why)| !r.trim().is_empty() && !why.trim().is_empty())
    else {
        let home = inventory.resources[i].home().map(|l| l.source);
        bad.push((arn.clone(), home));
        return None;
    };
    let applies = rules
        .split([',', ' '])
        .filter(|r| !r.is_empty())
        .any(|r| crate::rules::id_matches(r, &f.rule_id));
    applies.then(|| Suppression {
        kind: SuppressionKind::Inline,
        reason: reason.trim().to_owned(),
        owner: String::new(),
        expires: None,
        origin: format!("tag {TAG} of {arn}"),
    })
}

/// The value of an `atrest:ignore` tag, in any of AWS's spellings of a tag (`Key`/`Value`,
/// KMS's `TagKey`/`TagValue`).
fn tag_value(tag: &Value) -> Option<String> {
    let key = tag.get("Key").or_else(|| tag.get("TagKey"))?.as_str()?;
    if key != TAG {
        return None;
    }
    let value = tag.get("Value").or_else(|| tag.get("TagValue"))?.as_str()?;
    Some(value.to_owned())
}
