//! AMIs: who may launch them, and the snapshots (and keys) behind their block devices.

use crate::model::document::Node;
use serde_json::json;

use crate::model::arn::snapshot_arn;
use crate::model::keyref::{KeyKind, KeyRef};
use crate::model::{Kind, Resource};

use super::sharing::{accounts_without_key, unusable};
use super::{Ctx, Derived, loc};

pub fn image(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    d.set("Region", json!(r.region), None);
    let shared = launch_permissions(r, d);
    let mappings = r.get("BlockDeviceMappings").and_then(Node::as_array);
    let Some(mappings) = mappings else {
        return;
    };
    let mut ids = Vec::new();
    let mut unencrypted = Vec::new();
    let mut aws_managed = Vec::new();
    let mut unusable_keys = Vec::new();
    let mut denied: Option<Vec<String>> = Some(Vec::new());
    let mut linked = false;
    for (i, m) in mappings.iter().enumerate() {
        let Some(ebs) = m.get("Ebs") else {
            continue; // an instance store volume
        };
        let Some(id) = ebs.get("SnapshotId").and_then(Node::as_str) else {
            continue;
        };
        ids.push(id);
        let snapshot = ctx
            .inv
            .find(Kind::EbsSnapshot, &snapshot_arn(r.region, id))
            .map(|s| &ctx.inv.resources[s]);
        let encrypted = ebs.get("Encrypted").and_then(Node::as_bool).or_else(|| {
            snapshot
                .and_then(|s| s.get("Encrypted"))
                .and_then(Node::as_bool)
        });
        if encrypted == Some(false) {
            unencrypted.push(id);
            continue;
        }
        let at = format!("/BlockDeviceMappings/{i}/Ebs");
        let reference = ebs
            .get("KmsKeyId")
            .and_then(Node::as_str)
            .or_else(|| snapshot.and_then(|s| s.str("KmsKeyId")));
        let Some(reference) = reference else {
            denied = None; // the snapshot, and so its key, was not exported
            continue;
        };
        let resolved = ctx.keys.resolve(reference, r.account, r.region);
        if !linked {
            d.key_link(ctx, r, reference, loc(r, &at));
            linked = true;
        } else if let KeyRef::Resolved(k) = resolved {
            d.link("KmsKey", k);
        }
        if ctx.keys.kind_of(ctx.inv, reference, resolved) == KeyKind::AwsManaged {
            aws_managed.push(id);
        }
        if unusable(ctx, r, reference) {
            unusable_keys.push(id);
        }
        if let (Some(list), Some(shared)) = (denied.as_mut(), shared.as_deref()) {
            match accounts_without_key(ctx, r, reference, shared) {
                Some(more) => {
                    for account in more {
                        if !list.contains(&account) {
                            list.push(account);
                        }
                    }
                }
                None => denied = None,
            }
        }
    }
    let devices = loc(r, "/BlockDeviceMappings");
    d.set("SnapshotIds", json!(ids), devices.clone());
    d.set("UnencryptedSnapshots", json!(unencrypted), devices.clone());
    d.set(
        "AwsManagedKeySnapshots",
        json!(aws_managed),
        devices.clone(),
    );
    d.set("UnusableKeySnapshots", json!(unusable_keys), devices);
    if let (Some(list), Some(_)) = (denied, shared) {
        d.set(
            "AccountsWithoutKeyAccess",
            json!(list),
            loc(r, "/LaunchPermissions"),
        );
    }
}

/// `LaunchPublic`, `SharedWithAccounts` and `SharedWithOrganizations` from the image's
/// launch permissions; returns the accounts, when the permissions were exported.
fn launch_permissions<'a>(r: &'a Resource, d: &mut Derived) -> Option<Vec<&'a str>> {
    let perms = r.get("LaunchPermissions").and_then(Node::as_array);
    let by_group = perms.and_then(|p| {
        p.iter()
            .position(|p| p.get("Group").and_then(Node::as_str) == Some("all"))
    });
    match (r.get("Public").and_then(Node::as_bool), by_group) {
        (_, Some(i)) => d.set(
            "LaunchPublic",
            json!(true),
            loc(r, &format!("/LaunchPermissions/{i}")),
        ),
        (Some(public), None) => d.set("LaunchPublic", json!(public), loc(r, "/Public")),
        (None, None) if perms.is_some() => {
            d.set("LaunchPublic", json!(false), loc(r, "/LaunchPermissions"));
        }
        (None, None) => {}
    }
    let perms = perms?;
    let field = |name: &str| -> Vec<&'a str> {
        perms
            .iter()
            .filter_map(|p| p.get(name).and_then(Node::as_str))
            .collect()
    };
    let accounts = field("UserId");
    let mut orgs = field("OrganizationArn");
    orgs.extend(field("OrganizationalUnitArn"));
    let at = loc(r, "/LaunchPermissions");
    d.set("SharedWithAccounts", json!(accounts), at.clone());
    d.set("SharedWithOrganizations", json!(orgs), at);
    Some(accounts)
}
