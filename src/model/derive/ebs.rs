//! EBS volumes, snapshots and a region's EBS encryption defaults.

use crate::model::document::Node;
use serde_json::json;

use crate::model::arn::{ebs_defaults_arn, instance_arn, volume_arn};
use crate::model::{Kind, Resource};

use super::sharing::accounts_without_key;
use super::{Ctx, Derived, loc};

/// `KmsKeyId` resolved to a `KmsKey` link (encrypted resources only).
fn key(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    if let Some(reference) = r.str("KmsKeyId") {
        d.key_link(ctx, r, reference, loc(r, "/KmsKeyId"));
    }
}

pub fn volume(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d);
    d.set("Region", json!(r.region), loc(r, "/AvailabilityZone"));
    let attached = r
        .get("Attachments")
        .and_then(Node::as_array)
        .and_then(|a| a.first())
        .and_then(|a| a.get("InstanceId"))
        .and_then(Node::as_str);
    if let Some(id) = attached
        && let Some(i) = ctx
            .inv
            .find(Kind::Ec2Instance, &instance_arn(r.region, r.account, id))
    {
        d.link("Instance", i);
    }
}

pub fn snapshot(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d);
    d.set("Region", json!(r.region), None);
    if let Some(perms) = r.get("CreateVolumePermissions").and_then(Node::as_array) {
        let public = perms
            .iter()
            .position(|p| p.get("Group").and_then(Node::as_str) == Some("all"));
        let accounts: Vec<&str> = perms
            .iter()
            .filter_map(|p| p.get("UserId").and_then(Node::as_str))
            .collect();
        let evidence = public.map_or("/CreateVolumePermissions".to_owned(), |i| {
            format!("/CreateVolumePermissions/{i}")
        });
        d.set("Public", json!(public.is_some()), loc(r, &evidence));
        d.set(
            "SharedWithAccounts",
            json!(accounts),
            loc(r, "/CreateVolumePermissions"),
        );
        if r.get("Encrypted").and_then(Node::as_bool) == Some(true)
            && let Some(reference) = r.str("KmsKeyId")
            && let Some(denied) = accounts_without_key(ctx, r, reference, &accounts)
        {
            d.set(
                "AccountsWithoutKeyAccess",
                json!(denied),
                loc(r, "/CreateVolumePermissions"),
            );
        }
    }
    if let Some(i) = ctx
        .inv
        .find(Kind::EbsDefaults, &ebs_defaults_arn(r.region, r.account))
    {
        d.link("EbsDefaults", i);
    }
    if let Some(volume) = r.str("VolumeId")
        && let Some(i) = ctx
            .inv
            .find(Kind::EbsVolume, &volume_arn(r.region, r.account, volume))
    {
        d.link("Volume", i);
    }
}

pub fn defaults(r: &Resource, ctx: &Ctx, d: &mut Derived) {
    key(r, ctx, d);
}
