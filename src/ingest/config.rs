//! AWS Config: configuration snapshots, history files and single configuration items.

use serde_json::Value;

use crate::model::Item;
use crate::source::SourceId;

use super::layout::PathHint;

/// Whether a document is AWS Config output.
pub fn recognises(doc: &Value) -> bool {
    doc.get("configurationItems").is_some()
        || doc.get("configurationItem").is_some()
        || doc.get("baseConfigurationItems").is_some()
        || (doc.get("resourceType").is_some() && doc.get("configuration").is_some())
}

pub fn read(_doc: &Value, _source: SourceId, _hint: &PathHint) -> Result<Vec<Item>, String> {
    Err("AWS Config files are not read yet".into())
}
