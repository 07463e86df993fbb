//! `aws ec2` outputs: volumes, snapshots, instances and the region's EBS defaults.

use serde_json::{Map, Value, json};

use crate::ingest::layout::region_of_zone;
use crate::model::arn::{
    ebs_defaults_arn as defaults_arn, image_arn, instance_arn, snapshot_arn, volume_arn,
};
use crate::model::{Ident, Item, Kind, Piece};

use super::shape::{Ty, opt, req};
use super::{Api, Ctx, Names, Reader, members, str_of, take_list};

const fn ec2_api(
    command: &'static str,
    operation: &'static str,
    invocation: &'static str,
    kind: Kind,
    signature: &'static [&'static [&'static str]],
    shape: &'static [super::Member],
    read: super::ReadFn,
) -> Api {
    Api {
        command,
        operation,
        invocation,
        signature,
        shape,
        read: Reader::Export(read),
        ..Api::base("ec2", Names::Nothing, Some(kind))
    }
}

pub const APIS: &[Api] = &[
    ec2_api(
        "describe-volumes",
        "DescribeVolumes",
        "aws ec2 describe-volumes",
        Kind::EbsVolume,
        &[&["Volumes"]],
        &[
            req("Volumes", Ty::Arr),
            req("Volumes/*", Ty::Obj),
            req("Volumes/*/VolumeId", Ty::Str),
            opt("Volumes/*/Encrypted", Ty::Bool),
            opt("Volumes/*/KmsKeyId", Ty::Str),
            opt("Volumes/*/AvailabilityZone", Ty::Str),
            opt("Volumes/*/State", Ty::Str),
            opt("Volumes/*/Attachments", Ty::Arr),
            opt("Volumes/*/Attachments/*", Ty::Obj),
            opt("Volumes/*/Attachments/*/InstanceId", Ty::Str),
        ],
        describe_volumes,
    ),
    ec2_api(
        "describe-snapshots",
        "DescribeSnapshots",
        "aws ec2 describe-snapshots --owner-ids self",
        Kind::EbsSnapshot,
        &[&["Snapshots"]],
        &[
            req("Snapshots", Ty::Arr),
            req("Snapshots/*", Ty::Obj),
            req("Snapshots/*/SnapshotId", Ty::Str),
            opt("Snapshots/*/Encrypted", Ty::Bool),
            opt("Snapshots/*/KmsKeyId", Ty::Str),
            opt("Snapshots/*/OwnerId", Ty::Str),
            opt("Snapshots/*/VolumeId", Ty::Str),
            opt("Snapshots/*/AvailabilityZone", Ty::Str),
        ],
        describe_snapshots,
    ),
    Api {
        names: Names::SnapshotId,
        ..ec2_api(
            "describe-snapshot-attribute",
            "DescribeSnapshotAttribute",
            "aws ec2 describe-snapshot-attribute --snapshot-id S --attribute createVolumePermission",
            Kind::EbsSnapshot,
            &[&["CreateVolumePermissions"]],
            &[
                opt("SnapshotId", Ty::Str),
                opt("CreateVolumePermissions", Ty::Arr),
                opt("CreateVolumePermissions/*", Ty::Obj),
                opt("CreateVolumePermissions/*/Group", Ty::Str),
                opt("CreateVolumePermissions/*/UserId", Ty::Str),
                opt("ProductCodes", Ty::Arr),
            ],
            describe_snapshot_attribute,
        )
    },
    ec2_api(
        "describe-images",
        "DescribeImages",
        "aws ec2 describe-images --owners self",
        Kind::Ec2Image,
        &[&["Images"]],
        &[
            req("Images", Ty::Arr),
            req("Images/*", Ty::Obj),
            req("Images/*/ImageId", Ty::Str),
            opt("Images/*/OwnerId", Ty::Str),
            opt("Images/*/Public", Ty::Bool),
            opt("Images/*/State", Ty::Str),
            opt("Images/*/BlockDeviceMappings", Ty::Arr),
            opt("Images/*/BlockDeviceMappings/*", Ty::Obj),
            opt("Images/*/BlockDeviceMappings/*/DeviceName", Ty::Str),
            opt("Images/*/BlockDeviceMappings/*/Ebs", Ty::Obj),
            opt("Images/*/BlockDeviceMappings/*/Ebs/SnapshotId", Ty::Str),
            opt("Images/*/BlockDeviceMappings/*/Ebs/Encrypted", Ty::Bool),
            opt("Images/*/BlockDeviceMappings/*/Ebs/KmsKeyId", Ty::Str),
        ],
        describe_images,
    ),
    Api {
        names: Names::ImageId,
        ..ec2_api(
            "describe-image-attribute",
            "DescribeImageAttribute",
            "aws ec2 describe-image-attribute --image-id I --attribute launchPermission",
            Kind::Ec2Image,
            &[&["LaunchPermissions"]],
            &[
                opt("ImageId", Ty::Str),
                opt("LaunchPermissions", Ty::Arr),
                opt("LaunchPermissions/*", Ty::Obj),
                opt("LaunchPermissions/*/Group", Ty::Str),
                opt("LaunchPermissions/*/UserId", Ty::Str),
                opt("LaunchPermissions/*/OrganizationArn", Ty::Str),
                opt("LaunchPermissions/*/OrganizationalUnitArn", Ty::Str),
            ],
            describe_image_attribute,
        )
    },
    ec2_api(
        "describe-instances",
        "DescribeInstances",
        "aws ec2 describe-instances",
        Kind::Ec2Instance,
        &[&["Reservations"]],
        &[
            req("Reservations", Ty::Arr),
            req("Reservations/*", Ty::Obj),
            opt("Reservations/*/OwnerId", Ty::Str),
            req("Reservations/*/Instances", Ty::Arr),
            req("Reservations/*/Instances/*", Ty::Obj),
            req("Reservations/*/Instances/*/InstanceId", Ty::Str),
            opt("Reservations/*/Instances/*/Placement", Ty::Obj),
            opt(
                "Reservations/*/Instances/*/Placement/AvailabilityZone",
                Ty::Str,
            ),
            opt("Reservations/*/Instances/*/State", Ty::Obj),
            opt("Reservations/*/Instances/*/BlockDeviceMappings", Ty::Arr),
            opt("Reservations/*/Instances/*/BlockDeviceMappings/*", Ty::Obj),
            opt(
                "Reservations/*/Instances/*/BlockDeviceMappings/*/Ebs",
                Ty::Obj,
            ),
            opt(
                "Reservations/*/Instances/*/BlockDeviceMappings/*/Ebs/VolumeId",
                Ty::Str,
            ),
        ],
        describe_instances,
    ),
    ec2_api(
        "get-ebs-encryption-by-default",
        "GetEbsEncryptionByDefault",
        "aws ec2 get-ebs-encryption-by-default",
        Kind::EbsDefaults,
        &[&["EbsEncryptionByDefault"]],
        &[req("EbsEncryptionByDefault", Ty::Bool)],
        |obj, ctx| region_settings(obj, ctx, None),
    ),
    ec2_api(
        "get-ebs-default-kms-key-id",
        "GetEbsDefaultKmsKeyId",
        "aws ec2 get-ebs-default-kms-key-id",
        Kind::EbsDefaults,
        &[],
        &[req("KmsKeyId", Ty::Str)],
        |obj, ctx| region_settings(obj, ctx, None),
    ),
    ec2_api(
        "get-snapshot-block-public-access-state",
        "GetSnapshotBlockPublicAccessState",
        "aws ec2 get-snapshot-block-public-access-state",
        Kind::EbsDefaults,
        &[],
        &[req("State", Ty::Str)],
        |obj, ctx| region_settings(obj, ctx, Some(("State", "SnapshotBlockPublicAccessState"))),
    ),
];

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

fn describe_volumes(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
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
    Ok(items)
}

fn describe_snapshots(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
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
    Ok(items)
}

fn describe_snapshot_attribute(
    obj: &mut Map<String, Value>,
    ctx: &Ctx,
) -> Result<Vec<Item>, String> {
    let id = match obj.get("SnapshotId").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => ctx.resource(Names::SnapshotId)?.to_owned(),
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
    Ok(vec![Item::Piece(piece)])
}

fn describe_images(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (i, image) in take_list(obj, "Images").into_iter().enumerate() {
        let Some(id) = str_of(&image, "ImageId") else {
            continue;
        };
        let account = str_of(&image, "OwnerId")
            .unwrap_or(ctx.account())
            .to_owned();
        let piece = Piece::new(
            Kind::Ec2Image,
            Ident::Arn(image_arn(ctx.region(), id)),
            &account,
            ctx.region(),
        )
        .whole(members(image), ctx.at(&format!("/Images/{i}")));
        items.push(Item::Piece(piece));
    }
    Ok(items)
}

fn describe_image_attribute(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let id = match obj.get("ImageId").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => ctx.resource(Names::ImageId)?.to_owned(),
    };
    let mut piece = Piece::new(
        Kind::Ec2Image,
        Ident::Arn(image_arn(ctx.region(), &id)),
        ctx.account(),
        ctx.region(),
    );
    if let Some(v) = obj.remove("LaunchPermissions") {
        piece = piece.field("LaunchPermissions", v, ctx.at("/LaunchPermissions"));
    }
    Ok(vec![Item::Piece(piece)])
}

fn describe_instances(obj: &mut Map<String, Value>, ctx: &Ctx) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
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
    Ok(items)
}

/// A region's EBS settings: each member a field of the region's `ebs_defaults`, `rename`
/// giving one a name of its own.
fn region_settings(
    obj: &mut Map<String, Value>,
    ctx: &Ctx,
    rename: Option<(&str, &str)>,
) -> Result<Vec<Item>, String> {
    let (account, region) = ctx.scope("ec2")?;
    let mut piece = Piece::new(
        Kind::EbsDefaults,
        Ident::Arn(defaults_arn(region, account)),
        account,
        region,
    )
    .field("AccountId", json!(account), ctx.root())
    .field("Region", json!(region), ctx.root());
    for (field, value) in std::mem::take(obj) {
        let name = match rename {
            Some((from, to)) if field == from => to,
            Some(_) => continue,
            None => field.as_str(),
        };
        let at = ctx.at(&format!("/{field}"));
        piece = piece.field(name, value, at);
    }
    Ok(vec![Item::Piece(piece)])
}
