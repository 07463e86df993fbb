//! atrest audits AWS encryption at rest: it reads account exports, AWS Config files and
//! CloudTrail logs, runs declarative rules over them in parallel, and reports findings that
//! point at the line that decided them.
//!
//! The pipeline, one module a stage: [`source`] → [`ingest`] → [`model`] → [`rules`] →
//! [`finding`] → [`output`], driven by [`scan`] and the [`cli`].

pub mod analysis;
#[cfg(feature = "aws")]
pub mod aws;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod finding;
pub mod ingest;
pub mod model;
pub mod output;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;

/// A hash map for names from the logs and lookups done once per record: foldhash with a
/// per-process seed (std's SipHash cost several percent of a log scan).
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub mod source;
