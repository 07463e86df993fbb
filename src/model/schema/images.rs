//! AMIs the account owns.

use super::{ACCOUNTS_WITHOUT_KEY, KEY_KIND, KEY_RESOLUTION, KindDoc, Link, aws, derived};
use crate::model::Kind;

pub(super) const EC2_IMAGE: KindDoc = KindDoc {
    kind: Kind::Ec2Image,
    arn: "arn:aws:ec2:REGION::image/IMAGE_ID",
    doc: "An AMI the account owns, from `ec2 describe-images --owners self` and `describe-image-attribute --attribute launchPermission` (AWS Config does not record AMIs). Its snapshots are the account's EBS snapshots (`describe-snapshots --owner-ids self`).",
    fields: &[
        aws("ImageId", "describe-images"),
        aws("Name", "describe-images"),
        aws("Description", "describe-images"),
        aws("ImageLocation", "describe-images"),
        aws("State", "describe-images"),
        aws("OwnerId", "describe-images"),
        aws("CreationDate", "describe-images"),
        aws("Public", "describe-images"),
        aws("Architecture", "describe-images"),
        aws("ImageType", "describe-images"),
        aws("RootDeviceType", "describe-images"),
        aws("RootDeviceName", "describe-images"),
        aws("BlockDeviceMappings", "describe-images"),
        aws("VirtualizationType", "describe-images"),
        aws("Hypervisor", "describe-images"),
        aws("EnaSupport", "describe-images"),
        aws("PlatformDetails", "describe-images"),
        aws("UsageOperation", "describe-images"),
        aws("BootMode", "describe-images"),
        aws("ImdsSupport", "describe-images"),
        aws("SourceInstanceId", "describe-images"),
        aws("SriovNetSupport", "describe-images"),
        aws("DeregistrationProtection", "describe-images"),
        aws("DeprecationTime", "describe-images"),
        aws("Tags", "describe-images"),
        aws("LaunchPermissions", "describe-image-attribute"),
        derived("Region", "The AMI's region."),
        derived(
            "LaunchPublic",
            "Anyone can launch the AMI: `Public` is true, or a launch permission names the group `all`.",
        ),
        derived(
            "SharedWithAccounts",
            "The account ids in `LaunchPermissions`.",
        ),
        derived(
            "SharedWithOrganizations",
            "The organization and organizational unit ARNs in `LaunchPermissions`.",
        ),
        derived("SnapshotIds", "The EBS snapshots behind its block devices."),
        derived("UnencryptedSnapshots", "Those that are not encrypted."),
        derived(
            "AwsManagedKeySnapshots",
            "Those encrypted with an AWS managed key (`aws/ebs`): an AMI with such a snapshot cannot be shared with another account.",
        ),
        derived(
            "UnusableKeySnapshots",
            "Those whose key is disabled, pending deletion, without key material or gone from the account: the AMI cannot be launched or copied.",
        ),
        KEY_RESOLUTION,
        KEY_KIND,
        ACCOUNTS_WITHOUT_KEY,
    ],
    links: &[Link {
        name: "KmsKey",
        to: Kind::KmsKey,
        doc: "The key of its first encrypted snapshot (every snapshot key is linked for the key's `DependentResources`).",
        via: Some("/BlockDeviceMappings"),
    }],
};
