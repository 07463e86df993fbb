//! Resolving the symbolic locations of reported findings to lines and columns: each source
//! with findings is read once, in parallel, and every pointer into it located in one pass.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::Loc;
use crate::source::{self, SourceId, Sources};

use crate::source::locate::{ArrayIndex, locate_with, pointer_tokens};

/// A source's text, kept for outputs that show the offending lines; the values of secret
/// fields are masked with `*`s (same length, so spans hold).
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
            let Ok(mut text) = source::read_all(&path) else {
                return (id, None, Vec::new());
            };
            let spans = locate_all(&text, &pointers);
            // Only the text output shows the text; masking keeps every offset, so the spans
            // located above still hold.
            crate::redact::mask_json(&mut text);
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
    // A UTF-8 byte order mark is neither JSON nor a column of the first line.
    let bom = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let json = &text[bom..];
    let mut index = ArrayIndex::default();
    let offsets: Vec<Option<(usize, usize)>> = pointers
        .iter()
        .map(|p| {
            let tokens = pointer_tokens(p);
            let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
            locate_with(json, &tokens, &mut index).map(|s| (s.start + bom, s.end + bom))
        })
        .collect();
    let lines = LineIndex::new(text, bom);
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
    /// `first`: where the first line starts (after a byte order mark).
    fn new(text: &[u8], first: usize) -> Self {
        let mut starts = vec![first];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex {
            starts,
            ascii: text[first.min(text.len())..].is_ascii(),
        }
    }

    fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len()).max(self.starts[0]);
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

    #[test]
    fn a_byte_order_mark_and_crlf_keep_lines_and_columns() {
        let plain = b"{\"a\": {\"b\": 1}}".to_vec();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&plain);
        let pointers: BTreeSet<&str> = ["/a/b"].into_iter().collect();
        let at = |t: &[u8]| locate_all(t, &pointers)[0].map(|s| (s.line, s.column, s.end_column));
        assert_eq!(at(&plain), Some((1, 8, 14)));
        assert_eq!(at(&bom), at(&plain));
        let crlf = b"{\r\n  \"a\": {\r\n    \"b\": 1}}";
        assert_eq!(at(crlf), Some((3, 5, 11)));
    }
}
