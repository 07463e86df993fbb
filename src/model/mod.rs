//! The model: canonical resources keyed by ARN, with AWS's field names, references resolved
//! and derived facts computed; and CloudTrail events.

pub mod arn;
mod build;
mod derive;
pub mod document;
mod event;
mod event_facts;
mod inventory;
mod keyref;
mod kind;
mod piece;
pub mod policy;
pub mod schema;

pub use arn::{Arn, is_account_id, kms_key_arn};
pub use build::{build, build_at};
pub use document::{Document, Node};
pub use event::{Event, EventAt, Head, Kept, Raw, looks_like_record};
pub use event_facts::{
    INPUTS as EVENT_FACT_INPUTS, NAMES as EVENT_FACT_NAMES, applies as has_event_facts,
    enrich as enrich_event,
};
pub use inventory::{Evidence, Inventory, Link, Origin, Resource};
pub use kind::Kind;
pub use piece::{
    Fact, Ident, Item, Loc, Named, Part, Piece, RecordAt, RecordText, Span, push_token,
};
