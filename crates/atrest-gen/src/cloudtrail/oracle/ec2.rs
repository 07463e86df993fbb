//! Plants of the EC2 rules: EBS encryption by default, snapshots and images shared.

use super::Ctx;
use crate::cloudtrail::record::{self, Call};
use crate::ids::{TAG_AMI, TAG_SNAPSHOT, ec2_id};
use crate::json::{J, obj};

pub(super) fn ebs_default(c: &mut Ctx, name: &'static str, on: bool) -> Call {
    let who = c.admin();
    let request = record::uuid(&mut c.rng);
    let (req, resp) = if on {
        (
            obj! { "EnableEbsEncryptionByDefaultRequest" => "" },
            obj! { "EnableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => true,
            } },
        )
    } else {
        (
            obj! { "DisableEbsEncryptionByDefaultRequest" => "" },
            obj! { "DisableEbsEncryptionByDefaultResponse" => obj! {
                "xmlns" => "http://ec2.amazonaws.com/doc/2016-11-15/",
                "requestId" => request,
                "ebsEncryptionByDefault" => false,
            } },
        )
    };
    Call::new("ec2.amazonaws.com", name, who)
        .req(req)
        .resp(resp)
        .writes()
}

/// What a `ModifySnapshotAttribute` / `ModifyImageAttribute` call does to the permission.
pub(super) enum Share {
    /// Adds the outside account.
    Account,
    /// Adds the group `all` (public).
    Public,
    /// Removes the outside account again.
    Unshare,
}

fn permission_items(c: &Ctx, share: &Share) -> J {
    let item = match share {
        Share::Public => obj! { "group" => "all" },
        Share::Account | Share::Unshare => obj! { "userId" => c.env.outside.clone() },
    };
    let op = if matches!(share, Share::Unshare) {
        "remove"
    } else {
        "add"
    };
    J::Obj(vec![(op, obj! { "items" => vec![item] })])
}

/// An EC2 call answered by `{"requestId", "_return": true}` (nothing when it is refused).
fn ec2_modify(c: &mut Ctx, name: &'static str, req: J) -> Call {
    let who = c.admin();
    let request = record::uuid(&mut c.rng);
    Call::new("ec2.amazonaws.com", name, who)
        .req(req)
        .resp(obj! { "requestId" => request, "_return" => true })
        .writes()
}

/// `ModifySnapshotAttribute` on a snapshot of the account that no other call names.
pub(super) fn snapshot_share(c: &mut Ctx, share: Share) -> Call {
    let id = ec2_id(
        "snap",
        c.seed,
        TAG_SNAPSHOT,
        c.env.a,
        c.env.r,
        (3 << 30) + c.n,
    );
    let req = obj! {
        "snapshotId" => id,
        "attributeType" => "CREATE_VOLUME_PERMISSION",
        "createVolumePermission" => permission_items(c, &share),
    };
    ec2_modify(c, "ModifySnapshotAttribute", req)
}

/// `ModifyImageAttribute` on an AMI of the account: launch permission, or its description.
pub(super) fn image_share(c: &mut Ctx, share: Option<Share>) -> Call {
    let id = ec2_id("ami", c.seed, TAG_AMI, c.env.a, c.env.r, (3 << 30) + c.n);
    let req = match share {
        Some(share) => obj! {
            "attributeType" => "launchPermission",
            "imageId" => id,
            "launchPermission" => permission_items(c, &share),
        },
        None => obj! {
            "imageId" => id,
            "description" => obj! { "value" => "golden image, patched" },
        },
    };
    ec2_modify(c, "ModifyImageAttribute", req)
}
