//! Resolving the symbolic locations of reported findings to lines and columns: each source
//! with findings is read once, in parallel, and every pointer into it located in one pass.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::Loc;
use crate::source::{self, SourceId, Sources};

use super::locate::{ArrayIndex, locate_with, pointer_tokens};

/// A source's text, kept for outputs that show the offending lines.
#[derive(Debug)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: Vec<u8>,
}

/// A located region: byte offsets and 1-based line/column of both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Default)]
pub struct Resolved {
    pub texts: HashMap<SourceId, Arc<SourceText>>,
    pub spans: HashMap<Loc, Span>,
}

impl Resolved {
    pub fn span(&self, loc: &Loc) -> Option<&Span> {
        self.spans.get(loc)
    }
}

/// One source's text (if it could be read again) and the spans located in it.
type SourceResult = (SourceId, Option<Arc<SourceText>>, Vec<(Loc, Span)>);

pub fn resolve<'a>(sources: &Sources, locs: impl IntoIterator<Item = &'a Loc>) -> Resolved {
    let mut by_source: HashMap<SourceId, BTreeSet<&str>> = HashMap::new();
    for loc in locs {
        by_source
            .entry(loc.source)
            .or_default()
            .insert(loc.pointer.as_str());
    }
    let mut work: Vec<(SourceId, BTreeSet<&str>)> = by_source.into_iter().collect();
    work.sort_by_key(|(id, _)| *id);
    let results: Vec<SourceResult> = work
        .into_par_iter()
        .map(|(id, pointers)| {
            let path = sources.path(id).to_path_buf();
            let Ok(text) = source::read_all(&path) else {
                return (id, None, Vec::new());
            };
            let spans = locate_all(&text, &pointers);
            let spans = pointers
                .iter()
                .zip(spans)
                .filter_map(|(p, s)| s.map(|s| (Loc::new(id, *p), s)))
                .collect();
            (id, Some(Arc::new(SourceText { path, text })), spans)
        })
        .collect();
    let mut resolved = Resolved::default();
    for (id, text, spans) in results {
        if let Some(text) = text {
            resolved.texts.insert(id, text);
        }
        resolved.spans.extend(spans);
    }
    resolved
}

fn locate_all(text: &[u8], pointers: &BTreeSet<&str>) -> Vec<Option<Span>> {
    let mut index = ArrayIndex::default();
    let offsets: Vec<Option<(usize, usize)>> = pointers
        .iter()
        .map(|p| {
            let tokens = pointer_tokens(p);
            let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
            locate_with(text, &tokens, &mut index).map(|s| (s.start, s.end))
        })
        .collect();
    let lines = LineIndex::new(text);
    offsets
        .into_iter()
        .map(|o| {
            o.map(|(start, end)| {
                // Point at the end of the value's first line at most: a whole object is shown
                // by its opening line.
                let (line, column) = lines.line_col(text, start);
                let (end_line, end_column) = lines.line_col(text, end);
                Span {
                    start,
                    end,
                    line,
                    column,
                    end_line,
                    end_column,
                }
            })
        })
        .collect()
}

/// Line starts of a text, for line/column lookups by binary search.
struct LineIndex {
    starts: Vec<usize>,
    ascii: bool,
}

impl LineIndex {
    fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex {
            starts,
            ascii: text.is_ascii(),
        }
    }

    fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = if self.ascii {
            offset - start + 1
        } else {
            String::from_utf8_lossy(&text[start..offset])
                .chars()
                .count()
                + 1
        };
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = b"{\n  \"a\": [1,\n    2]\n}";
        let pointers: BTreeSet<&str> = ["/a/1", "/a", ""].into_iter().collect();
        let spans = locate_all(text, &pointers);
        // BTreeSet order: "", "/a", "/a/1".
        let s = spans[2].expect("found");
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (3, 5, 3, 6));
        let s = spans[1].expect("found");
        assert_eq!((s.line, s.column), (2, 3));
        let s = spans[0].expect("found");
        assert_eq!((s.line, s.column, s.end_line), (1, 1, 4));
    }
}
