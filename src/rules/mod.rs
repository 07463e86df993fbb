//! Rules: declarative YAML files (Sigma detection syntax) compiled once into matchers.

mod condition;
pub mod correlation;
mod detection;
mod doc;
mod documents;
mod event_fields;
pub mod json;
mod load;
mod pattern;
mod raw_filter;
mod registry;
mod rule;
mod schema_check;
mod template;
pub mod testing;
mod yaml_node;

pub use correlation::{Correlation, CorrelationType};
pub use detection::Detection;
pub use doc::{Doc, Hit};
pub use event_fields::EventFields;
pub(crate) use load::from_yaml;
pub use load::{LoadError, parse};
pub use raw_filter::RawFilter;
pub use registry::{Registry, id_matches};
pub use rule::{Expect, Rule, Severity, Target, TestCase, Verdict};
pub use template::{Template, show_value};
pub use yaml_node::Pos;
