//! RDS DB instances, DB clusters and their snapshots: the key that encrypts their storage,
//! the cluster an instance belongs to, and who may restore a snapshot.

use crate::model::document::Node;
use serde_json::json;

use crate::model::arn::rds_arn;
use crate::model::{Kind, Resource};

use super::sharing::accounts_without_key;
use super::{Ctx, Derived, as_bool, loc};

/// The storage key: `StorageEncryptionType: sse-rds` is an AWS owned key (no KMS key to
/// link); otherwise `KmsKeyId`, which RDS prints as a key ARN for every encrypted resource.
/// A resource that says it is not encrypted (`flag` false) has no key, whatever else it
/// prints (some emulators name a placeholder key on unencrypted clusters).
fn key(r: &Resource, ctx: &Ctx, d: &mut Derived, flag: &str) {
    if r.get(flag).and_then(as_bool) == Some(false) {
        return;
    }
    if r.str("StorageEncryptionType") == Some("sse-rds") {
        d.aws_owned_key(loc(r, "/StorageEncryptionType"));
    } else if let Some(reference) = r.str("KmsKeyId") {
        d.key_link(ctx, r, reference, loc(r, "/KmsKeyId"));
    }
}

fn link_to(r: &Resource, ctx: &Ctx, d: &mut Derived, field: &str, kind: Kind, link: &'static str) {
    let arn_type = match kind {
        Kind::RdsCluster => "cluster",
        _ => "db",
    };
    if let Some(id) = r.str(field).filter(|id| !id.is_empty())
        && let Some(i) = ctx
            .inv
            .find(kind, &rds_arn(r.region, r.account, arn_type, id))
    {
        d.link(link, i);
    }
}

pub fn instance(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d, "StorageEncrypted");
    d.set("Region", json!(r.region), None);
    // An Aurora (or Multi-AZ DB cluster) instance stores its data in the cluster's volume:
    // its encryption is the cluster's, and the cluster rules judge it.
    link_to(
        r,
        ctx,
        d,
        "DBClusterIdentifier",
        Kind::RdsCluster,
        "Cluster",
    );
}

pub fn cluster(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d, "StorageEncrypted");
    d.set("Region", json!(r.region), None);
}

pub fn snapshot(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d, "Encrypted");
    d.set("Region", json!(r.region), None);
    restore(r, ctx, d, "DBSnapshotAttributes", "Encrypted");
    link_to(
        r,
        ctx,
        d,
        "DBInstanceIdentifier",
        Kind::RdsInstance,
        "Instance",
    );
}

pub fn cluster_snapshot(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d, "StorageEncrypted");
    d.set("Region", json!(r.region), None);
    restore(r, ctx, d, "DBClusterSnapshotAttributes", "StorageEncrypted");
    link_to(
        r,
        ctx,
        d,
        "DBClusterIdentifier",
        Kind::RdsCluster,
        "Cluster",
    );
}

/// `Public` and `SharedWithAccounts` from the `restore` attribute: `all` is everyone, the
/// other values are account ids. An automated snapshot cannot be shared at all (RDS refuses
/// until it is copied to a manual one), so its sharing is known without its attributes.
/// For an encrypted snapshot, `AccountsWithoutKeyAccess`: the accounts it is shared with
/// that its KMS key does not admit (all of them on `aws/rds`).
fn restore(r: &Resource, ctx: &Ctx, d: &mut Derived, field: &str, flag: &str) {
    if let Some(attributes) = r.get(field).and_then(Node::as_array) {
        let found = attributes.iter().enumerate().find(|(_, a)| {
            a.get("AttributeName")
                .and_then(Node::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("restore"))
        });
        let (values, at) = match found {
            Some((i, a)) => (
                a.get("AttributeValues")
                    .and_then(Node::as_array)
                    .map(|a| a.filter_map(Node::as_str).collect())
                    .unwrap_or_default(),
                format!("/{field}/{i}/AttributeValues"),
            ),
            None => (Vec::new(), format!("/{field}")),
        };
        let texts: Vec<&str> = values;
        let public = texts.iter().position(|v| v.eq_ignore_ascii_case("all"));
        let accounts: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|v| !v.eq_ignore_ascii_case("all"))
            .collect();
        let evidence = public.map_or(at.clone(), |p| format!("{at}/{p}"));
        d.set("Public", json!(public.is_some()), loc(r, &evidence));
        d.set("SharedWithAccounts", json!(accounts), loc(r, &at));
        if r.get(flag).and_then(as_bool) == Some(true)
            && let Some(reference) = r.str("KmsKeyId")
            && let Some(denied) = accounts_without_key(ctx, r, reference, &accounts)
        {
            d.set("AccountsWithoutKeyAccess", json!(denied), loc(r, &at));
        }
    } else if r.str("SnapshotType") == Some("automated") {
        let at = loc(r, "/SnapshotType");
        d.set("Public", json!(false), at.clone());
        d.set("SharedWithAccounts", json!([]), at);
    }
}
