//! What readers hand to the model: pieces of resources, each field with where it came from.
//! The model merges the pieces that name the same resource into one canonical document.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::source::SourceId;

use super::Kind;
use super::document::{Document, Name, TooLarge};

/// A place in a source: the source and an RFC 6901 JSON pointer into its text. A place in a
/// CloudTrail record may carry the record's text ([`RecordText`]), so that it is located
/// without reading the file again; two places are the same whether or not they carry it.
#[derive(Clone, Debug)]
pub struct Loc {
    pub source: SourceId,
    pub pointer: String,
    pub record: Option<Arc<RecordText>>,
    /// Where the CloudTrail record this place is in starts in its file's text, when known
    /// without its text: the file is read again, but not walked to the record.
    pub start: Option<usize>,
    /// Where the place is in its file, when it was located as it was made (a report that
    /// shows no lines around its places needs nothing else).
    pub span: Option<Box<Span>>,
}

/// A located region of a source: byte offsets and 1-based line/column of both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The text of the CloudTrail record a place is in, kept from the first reading of its file:
/// the record's pointer, where its first byte is in the file, and its bytes with secret
/// values masked (same length, so offsets hold).
#[derive(Debug, PartialEq, Eq)]
pub struct RecordText {
    /// The record's own pointer (`/Records/12`): places in it extend it.
    pub root: String,
    /// The offset of its first byte in the file's text, and that byte's line and column
    /// (1-based, columns in characters).
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub bytes: Box<[u8]>,
}

/// The text of a CloudTrail record and where it is in its file, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct RecordAt<'t> {
    /// The record's own pointer (`/Records/12`).
    pub root: &'t str,
    /// Its first byte's offset in the file, and that byte's line and column.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub bytes: &'t [u8],
}

impl<'t> RecordAt<'t> {
    /// An owned copy, secret values masked (same length, so offsets hold).
    pub fn masked(&self) -> RecordText {
        let mut bytes: Box<[u8]> = self.bytes.into();
        crate::redact::mask_json(&mut bytes);
        RecordText {
            root: self.root.to_owned(),
            offset: self.offset,
            line: self.line,
            column: self.column,
            bytes,
        }
    }

    pub fn of(record: &'t RecordText) -> Self {
        RecordAt {
            root: &record.root,
            offset: record.offset,
            line: record.line,
            column: record.column,
            bytes: &record.bytes,
        }
    }
}

impl PartialEq for Loc {
    fn eq(&self, other: &Self) -> bool {
        (self.source, &self.pointer) == (other.source, &other.pointer)
    }
}

impl Eq for Loc {}

impl PartialOrd for Loc {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Loc {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.source, &self.pointer).cmp(&(other.source, &other.pointer))
    }
}

impl std::hash::Hash for Loc {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.source.hash(state);
        self.pointer.hash(state);
    }
}

impl Loc {
    pub fn new(source: SourceId, pointer: impl Into<String>) -> Self {
        Loc {
            source,
            pointer: pointer.into(),
            record: None,
            start: None,
            span: None,
        }
    }

    /// This location extended by one pointer token (escaped per RFC 6901).
    pub fn child(&self, token: &str) -> Loc {
        let mut pointer = self.pointer.clone();
        push_token(&mut pointer, token);
        self.below(pointer)
    }

    /// A place at or below this one, by its whole pointer (which extends this one's): it
    /// keeps the record text.
    pub fn below(&self, pointer: String) -> Loc {
        debug_assert!(pointer.starts_with(&self.pointer));
        Loc {
            source: self.source,
            pointer,
            record: self.record.clone(),
            start: self.start,
            span: None,
        }
    }
}

pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(token);
    }
}

/// How a piece names its resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ident {
    Arn(String),
    /// A KMS key named only by its id, in a file outside the export layout: matched to the
    /// key with that `KeyId` once every file is read.
    KeyId(String),
}

/// Part of a resource: fields taken from one API response (or AWS Config item).
#[derive(Debug)]
pub struct Piece {
    pub kind: Kind,
    pub ident: Ident,
    pub account: String,
    pub region: String,
    /// Fields in AWS's names, merged into the resource's document.
    pub fields: Map<String, Value>,
    /// Where the fields came from: `whole` maps every field to `<pointer>/<field>`; `each`
    /// gives single fields a place of their own (and wins over `whole`).
    pub whole: Option<Loc>,
    pub each: Vec<(String, Loc)>,
    /// Facts a reader knows but that are not AWS fields (see [`Fact`]).
    pub facts: Vec<(Fact, Loc)>,
}

impl Piece {
    pub fn new(kind: Kind, ident: Ident, account: &str, region: &str) -> Self {
        Piece {
            kind,
            ident,
            account: account.to_owned(),
            region: region.to_owned(),
            fields: Map::new(),
            whole: None,
            each: Vec::new(),
            facts: Vec::new(),
        }
    }

    /// A piece whose fields are all of one object at `loc`.
    pub fn whole(mut self, fields: Map<String, Value>, loc: Loc) -> Self {
        self.fields = fields;
        self.whole = Some(loc);
        self
    }

    /// Adds one field with its own location.
    pub fn field(mut self, name: &str, value: Value, loc: Loc) -> Self {
        self.fields.insert(name.to_owned(), value);
        self.each.push((name.to_owned(), loc));
        self
    }

    pub fn fact(mut self, fact: Fact, loc: Loc) -> Self {
        self.facts.push((fact, loc));
        self
    }
}

/// What an error file or an AWS Config item says that is not an AWS field: that a
/// configuration is known to be absent. Absent-and-known differs from not exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    NoDefaultEncryption,
    NoBucketPolicy,
    NoOwnershipControls,
    /// `get-queue-attributes --attribute-names All` printed no `Policy`: the queue has none.
    NoQueuePolicy,
    /// `get-bucket-replication` answered `ReplicationConfigurationNotFoundError`: the bucket
    /// replicates nothing.
    NoReplication,
}

/// A piece as the model keeps it: its fields made compact ([`Document`]), each field's
/// place named by its interned name. Readers make [`Piece`]s, whose `serde_json` maps they
/// can edit freely; each file's pieces become parts as the file is finished
/// ([`Item::compact`]), so that no tree outlives its file.
#[derive(Debug)]
pub struct Part {
    pub kind: Kind,
    /// How it names its resource, interned (a resource's several parts share the text).
    pub ident: Named,
    /// Account and region, interned: a part is kept until every file is read, and there
    /// are several per resource.
    pub account: Name,
    pub region: Name,
    pub fields: Document,
    pub whole: Option<Loc>,
    pub each: Vec<(Name, Loc)>,
    pub facts: Vec<(Fact, Loc)>,
    /// Its place in the order of every file's items (set by the model, which orders a
    /// resource's parts by it).
    pub seq: usize,
}

/// [`Ident`], interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    Arn(Name),
    KeyId(Name),
}

impl Part {
    /// Moves the part out, leaving an empty one in its place.
    pub fn take(&mut self) -> Part {
        Part {
            kind: self.kind,
            ident: self.ident,
            account: self.account,
            region: self.region,
            fields: std::mem::take(&mut self.fields),
            whole: self.whole.take(),
            each: std::mem::take(&mut self.each),
            facts: std::mem::take(&mut self.facts),
            seq: self.seq,
        }
    }
}

impl TryFrom<Piece> for Part {
    type Error = TooLarge;

    fn try_from(p: Piece) -> Result<Part, TooLarge> {
        Ok(Part {
            fields: Document::from_map(&p.fields)?,
            kind: p.kind,
            ident: match &p.ident {
                Ident::Arn(arn) => Named::Arn(Name::of(arn)),
                Ident::KeyId(id) => Named::KeyId(Name::of(id)),
            },
            account: Name::of(&p.account),
            region: Name::of(&p.region),
            whole: p.whole,
            each: p.each.into_iter().map(|(n, l)| (Name::of(&n), l)).collect(),
            facts: p.facts,
            seq: 0,
        })
    }
}

/// What one input file contributes to the model.
#[derive(Debug)]
pub enum Item {
    Piece(Piece),
    /// A piece made compact (see [`Part`]).
    Part(Part),
    /// The resources of a kind were listed in a region (`kms list-keys`, `ec2
    /// describe-volumes`): the inventory of that kind is complete there, so a key missing
    /// from it is missing from the account, not merely from the export, and a region
    /// without volumes has none.
    Listed {
        kind: Kind,
        account: String,
        region: String,
    },
}

impl Item {
    /// The item with its piece made compact. A piece too large for a document (over 4 GiB
    /// of text) is refused, with where it was read.
    pub fn compact(self) -> Result<Item, Option<Loc>> {
        match self {
            Item::Piece(p) => {
                let place = p
                    .whole
                    .clone()
                    .or_else(|| p.each.first().map(|(_, l)| l.clone()));
                Part::try_from(p).map(Item::Part).map_err(|TooLarge| place)
            }
            other => Ok(other),
        }
    }
}
