//! A rule file of several YAML documents (`---`): Sigma rule collections, a correlation and
//! the rules it counts, filters. Each document is read on its own, at its own lines, so that
//! a problem in one names its position in the file and leaves the others loading.

use std::collections::BTreeMap;

use super::correlation;
use super::detection::Detection;
use super::load::{LoadError, from_yaml, parse_document};
use super::rule::Rule;
use super::yaml_node::{Entry, Located, Node, Pos, Tree};

/// What one file holds.
#[derive(Debug, Default)]
pub struct FileRules {
    pub rules: Vec<Rule>,
    pub filters: Vec<Filter>,
    pub problems: Vec<LoadError>,
}

/// A Sigma filter: its detection is ANDed NOT into the rules it names.
#[derive(Debug)]
pub struct Filter {
    pub id: String,
    /// The rules, by id or name, as written.
    pub rules: Vec<String>,
    pub detection: Detection,
    pub path: String,
    pub at: Pos,
}

pub fn parse_file(path: &str, text: &str, builtin: bool) -> FileRules {
    let mut out = FileRules::default();
    let documents = split(text);
    for document in &documents {
        if document.trim().is_empty() || is_comment_only(document) {
            continue;
        }
        parse_one(path, document, text, builtin, &mut out);
    }
    if out.rules.is_empty() && out.filters.is_empty() && out.problems.is_empty() {
        out.problems
            .push(LoadError::new(path, "the file holds no rule (it is empty)"));
    }
    out
}

fn parse_one(path: &str, document: &str, whole: &str, builtin: bool, out: &mut FileRules) {
    // A first look decides what the document is; its own reader reports the details.
    let top: Node = match from_yaml(path, document) {
        Ok(node) => node,
        // Said as a rule's reader says it (which may stop earlier, at a wrong type).
        Err(e) => {
            let problem = parse_document(path, document, whole, builtin).err();
            return out.problems.push(problem.unwrap_or(e));
        }
    };
    let at = top.at;
    let Tree::Map(keys) = &top.tree else {
        return out.problems.push(LoadError::at(
            path,
            Located::new(at, "a rule document must be a map"),
        ));
    };
    if let Some(action) = keys.get("action") {
        let name = action.node.as_str().unwrap_or("?");
        let problem = Located::unsupported(
            action.key_at,
            format!(
                "`action: {name}` (Sigma's old rule collections) is not supported: this \
                 document is skipped; write each rule in full"
            ),
        );
        return out.problems.push(LoadError::at(path, problem));
    }
    if keys.contains_key("correlation") {
        match correlation::parse(path, document, whole, builtin) {
            Ok(rule) => out.rules.push(rule),
            Err(e) => out.problems.push(e),
        }
    } else if keys.contains_key("filter") && !keys.contains_key("detection") {
        match parse_filter(path, keys, at) {
            Ok(filter) => out.filters.push(filter),
            Err(e) => out.problems.push(e),
        }
    } else {
        match parse_document(path, document, whole, builtin) {
            Ok(rule) => out.rules.push(rule),
            Err(e) => out.problems.push(e),
        }
    }
}

/// A filter document, read from its tree: `id` (or `name`, or `title`), `logsource`, and
/// `filter:` with `rules:` beside the selections and condition.
fn parse_filter(path: &str, keys: &BTreeMap<String, Entry>, top: Pos) -> Result<Filter, LoadError> {
    let fail = |e: Located| LoadError::at(path, e);
    let text = |key: &str| keys.get(key).and_then(|e| e.node.as_str()).map(str::trim);
    let id = text("id")
        .or(text("name"))
        .or(text("title"))
        .unwrap_or("filter")
        .to_owned();
    if let Some(source) = keys.get("logsource") {
        let field = |name: &str| match &source.node.tree {
            Tree::Map(m) => m.get(name).and_then(|e| e.node.as_str()).unwrap_or(""),
            _ => "",
        };
        let (product, service) = (field("product"), field("service"));
        if !(product == "aws" && service == "cloudtrail") {
            return Err(fail(Located::unsupported(
                source.key_at,
                format!(
                    "filter `{id}`: logsource product `{product}` service `{service}`: atrest \
                     reads AWS CloudTrail only"
                ),
            )));
        }
    }
    let Some(section) = keys.get("filter") else {
        return Err(fail(Located::new(top, "a filter needs `filter`")));
    };
    let Tree::Map(section_keys) = &section.node.tree else {
        return Err(fail(Located::new(
            section.node.at,
            "`filter` must be a map",
        )));
    };
    let rules: Vec<String> = match section_keys.get("rules").map(|e| &e.node) {
        Some(Node {
            tree: Tree::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|n| n.as_str().map(|s| s.trim().to_owned()))
            .collect(),
        Some(node) => node
            .as_str()
            .map(|s| vec![s.trim().to_owned()])
            .unwrap_or_default(),
        None => Vec::new(),
    };
    if rules.is_empty() {
        return Err(fail(Located::new(
            section.key_at,
            "a filter needs `rules`: the ids or names of the rules it applies to",
        )));
    }
    let mut detection_keys = section_keys.clone();
    detection_keys.remove("rules");
    let node = Node {
        at: section.node.at,
        tree: Tree::Map(detection_keys),
    };
    let detection =
        Detection::compile(&node).map_err(|e| fail(e.within(&format!("filter `{id}`: "))))?;
    Ok(Filter {
        id,
        rules,
        detection,
        path: path.to_owned(),
        at: section.key_at,
    })
}

/// The documents of a YAML stream, each padded with the empty lines before it so that
/// positions within it are positions in the file. A line that starts with `---` (followed
/// by nothing, a space or a tab) separates documents, and so does `...`, the end marker;
/// YAML allows neither at the start of a line inside a document.
fn split(text: &str) -> Vec<String> {
    let mut documents = Vec::new();
    let mut current = String::new();
    for (line, raw) in text.split_inclusive('\n').enumerate() {
        let content = raw.trim_end_matches(['\n', '\r']);
        let marker = |m: &str| {
            content
                .strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if marker("---") || marker("...") {
            documents.push(std::mem::take(&mut current));
            current.push_str(&"\n".repeat(line + 1));
            // What follows the marker on its line (`--- # comment`) stays, in its column.
            if marker("---") && content.len() > 3 {
                current.pop();
                current.push_str("   ");
                current.push_str(&content[3..]);
                current.push('\n');
            }
        } else {
            current.push_str(raw);
        }
    }
    documents.push(current);
    documents
}

fn is_comment_only(document: &str) -> bool {
    document
        .lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l.starts_with('%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_lines() {
        let text = "a: 1\n---\nb: 2\n--- # third\nc: 3\n...\n";
        let docs = split(text);
        assert_eq!(docs.len(), 4);
        assert_eq!(docs[0], "a: 1\n");
        assert_eq!(docs[1], "\n\nb: 2\n");
        assert_eq!(docs[2], "\n\n\n    # third\nc: 3\n");
        assert!(docs[3].trim().is_empty());
        // `----` and `---x` are not markers.
        assert_eq!(split("a: |\n  x\n----\n").len(), 1);
    }
}
