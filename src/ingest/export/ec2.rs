//! `aws ec2` outputs: volumes, snapshots, instances and the region's EBS defaults.

use serde_json::{Map, Value, json};

use crate::ingest::layout::region_of_zone;
use crate::model::arn::{ebs_defaults_arn as defaults_arn, instance_arn, snapshot_arn, volume_arn};
use crate::model::{Ident, Item, Kind, Piece};

use super::{Api, Ctx, members, str_of, take_list};

fn zone_region(ctx: &Ctx, zone: Option<&str>) -> String {
    zone.and_then(region_of_zone)
        .unwrap_or_else(|| ctx.region().to_owned())
}

/// The fields of an instance atrest keeps (docs/resources.md): what it is and which volumes
/// it runs on. An instance's full description is several kilobytes of network details.
pub const INSTANCE_FIELDS: [&str; 16] = [
    "InstanceId",
    "InstanceType",
    "ImageId",
    "State",
    "StateTransitionReason",
    "LaunchTime",
    "Placement",
    "Platform",
    "PlatformDetails",
    "IamInstanceProfile",
    "VpcId",
    "SubnetId",
    "RootDeviceName",
    "RootDeviceType",
    "BlockDeviceMappings",
    "Tags",
];

fn instance_fields(mut all: Map<String, Value>) -> Map<String, Value> {
    all.retain(|k, _| INSTANCE_FIELDS.contains(&k.as_str()));
    all
}

pub fn read(api: Api, obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    match api {
        Api::DescribeVolumes => {
            for (i, v) in take_list(obj, "Volumes").into_iter().enumerate() {
                let Some(id) = str_of(&v, "VolumeId") else {
                    continue;
                };
                let region = zone_region(ctx, str_of(&v, "AvailabilityZone"));
                let arn = volume_arn(&region, ctx.account(), id);
                let piece = Piece::new(Kind::EbsVolume, Ident::Arn(arn), ctx.account(), &region)
                    .whole(members(v), ctx.at(&format!("/Volumes/{i}")));
                items.push(Item::Piece(piece));
            }
        }
        Api::DescribeSnapshots => {
            for (i, s) in take_list(obj, "Snapshots").into_iter().enumerate() {
                let Some(id) = str_of(&s, "SnapshotId") else {
                    continue;
                };
                let region = match ctx.hint.region.as_deref() {
                    Some(r) => r.to_owned(),
                    None => zone_region(ctx, str_of(&s, "AvailabilityZone")),
                };
                let account = str_of(&s, "OwnerId").unwrap_or(ctx.account()).to_owned();
                let piece = Piece::new(
                    Kind::EbsSnapshot,
                    Ident::Arn(snapshot_arn(&region, id)),
                    &account,
                    &region,
                )
                .whole(members(s), ctx.at(&format!("/Snapshots/{i}")));
                items.push(Item::Piece(piece));
            }
        }
        Api::DescribeSnapshotAttribute => {
            let id = match obj.get("SnapshotId").and_then(Value::as_str) {
                Some(id) => id.to_owned(),
                None => ctx.resource("snapshot-id")?.to_owned(),
            };
            let mut piece = Piece::new(
                Kind::EbsSnapshot,
                Ident::Arn(snapshot_arn(ctx.region(), &id)),
                ctx.account(),
                ctx.region(),
            );
            for field in ["CreateVolumePermissions", "ProductCodes"] {
                if let Some(v) = obj.remove(field) {
                    piece = piece.field(field, v, ctx.at(&format!("/{field}")));
                }
            }
            items.push(Item::Piece(piece));
        }
        Api::DescribeInstances => {
            for (r, res) in take_list(obj, "Reservations").into_iter().enumerate() {
                let mut res = members(res);
                let has_owner = res.contains_key("OwnerId");
                let owner = res
                    .get("OwnerId")
                    .and_then(Value::as_str)
                    .unwrap_or(ctx.account())
                    .to_owned();
                let owner = owner.as_str();
                for (i, inst) in take_list(&mut res, "Instances").into_iter().enumerate() {
                    let Some(id) = str_of(&inst, "InstanceId") else {
                        continue;
                    };
                    let zone = inst
                        .get("Placement")
                        .and_then(|p| str_of(p, "AvailabilityZone"));
                    let region = zone_region(ctx, zone);
                    let at = ctx.at(&format!("/Reservations/{r}/Instances/{i}"));
                    let mut piece = Piece::new(
                        Kind::Ec2Instance,
                        Ident::Arn(instance_arn(&region, owner, id)),
                        owner,
                        &region,
                    )
                    .whole(instance_fields(members(inst)), at);
                    if has_owner {
                        piece = piece.field(
                            "OwnerId",
                            json!(owner),
                            ctx.at(&format!("/Reservations/{r}/OwnerId")),
                        );
                    }
                    items.push(Item::Piece(piece));
                }
            }
        }
        Api::GetEbsEncryptionByDefault
        | Api::GetEbsDefaultKmsKeyId
        | Api::GetSnapshotBlockPublicAccessState => {
            let (Some(account), Some(region)) = (&ctx.hint.account, &ctx.hint.region) else {
                return Err(
                    "a region's EBS settings must sit under <account>/<region>/ec2/".into(),
                );
            };
            let mut piece = Piece::new(
                Kind::EbsDefaults,
                Ident::Arn(defaults_arn(region, account)),
                account,
                region,
            )
            .field("AccountId", json!(account), ctx.root())
            .field("Region", json!(region), ctx.root());
            for (field, value) in obj {
                let name = if api == Api::GetSnapshotBlockPublicAccessState && field == "State" {
                    "SnapshotBlockPublicAccessState"
                } else if api == Api::GetSnapshotBlockPublicAccessState {
                    continue;
                } else {
                    field.as_str()
                };
                piece = piece.field(name, value.clone(), ctx.at(&format!("/{field}")));
            }
            items.push(Item::Piece(piece));
        }
        _ => {}
    }
    Ok(items)
}
