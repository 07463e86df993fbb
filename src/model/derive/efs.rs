//! EFS file systems.

use serde_json::json;

use crate::model::Resource;

use super::{Ctx, Derived, as_bool, loc};

/// EFS's AWS managed key: what an encrypted file system created without a key uses.
const AWS_MANAGED: &str = "alias/aws/elasticfilesystem";

pub fn file_system(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    d.set("Region", json!(r.region), loc(r, "/FileSystemArn"));
    if r.get("Encrypted").and_then(as_bool) != Some(true) {
        return;
    }
    // EFS names the key of every encrypted file system (the ARN of aws/elasticfilesystem's
    // key when none was chosen); an item that does not name it is on the default.
    match r.str("KmsKeyId") {
        Some(reference) => d.key_link(ctx, r, reference, loc(r, "/KmsKeyId")),
        None => d.key_link(ctx, r, AWS_MANAGED, loc(r, "/Encrypted")),
    }
}
