//! atrest audits AWS encryption at rest: it reads account exports, AWS Config files and
//! CloudTrail logs, runs declarative rules over them in parallel, and reports findings that
//! point at the line that decided them.
//!
//! The pipeline, one module a stage: [`source`] → [`ingest`] → [`model`] → [`rules`] →
//! [`finding`] → [`output`], driven by [`scan`] and the [`cli`].

pub mod analysis;
pub mod cli;
pub mod diagnostic;
pub mod finding;
pub mod ingest;
pub mod model;
pub mod output;
pub mod redact;
pub mod rules;
pub mod scan;
pub mod source;
