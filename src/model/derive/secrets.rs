//! Secrets Manager secrets (their metadata: atrest never reads a secret's value).

use serde_json::json;

use crate::model::Resource;

use super::{Ctx, Derived, loc};

/// The key of a secret that names none: Secrets Manager's AWS managed key.
const AWS_MANAGED: &str = "alias/aws/secretsmanager";

pub fn secret(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    d.set("Region", json!(r.region), loc(r, "/ARN"));
    // `list-secrets` leaves `KmsKeyId` out for a secret on aws/secretsmanager.
    let (reference, evidence) = match r.str("KmsKeyId") {
        Some(k) => (k, loc(r, "/KmsKeyId")),
        None => (AWS_MANAGED, loc(r, "/Name").or_else(|| loc(r, "/ARN"))),
    };
    d.set("EncryptionKey", json!(reference), evidence.clone());
    d.key_link(ctx, r, reference, evidence);
}
