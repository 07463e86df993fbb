//! The kinds of canonical resources in the inventory.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    S3Bucket,
    S3Account,
    KmsKey,
    KmsAlias,
    EbsVolume,
    EbsSnapshot,
    Ec2Instance,
    EbsDefaults,
    CloudtrailTrail,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::S3Bucket,
        Kind::S3Account,
        Kind::KmsKey,
        Kind::KmsAlias,
        Kind::EbsVolume,
        Kind::EbsSnapshot,
        Kind::Ec2Instance,
        Kind::EbsDefaults,
        Kind::CloudtrailTrail,
    ];

    /// The name rules use in `applies_to`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::S3Bucket => "s3_bucket",
            Kind::S3Account => "s3_account",
            Kind::KmsKey => "kms_key",
            Kind::KmsAlias => "kms_alias",
            Kind::EbsVolume => "ebs_volume",
            Kind::EbsSnapshot => "ebs_snapshot",
            Kind::Ec2Instance => "ec2_instance",
            Kind::EbsDefaults => "ebs_defaults",
            Kind::CloudtrailTrail => "cloudtrail_trail",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The AWS Config resource type of this kind, where there is one.
    pub fn config_type(self) -> Option<&'static str> {
        match self {
            Kind::S3Bucket => Some("AWS::S3::Bucket"),
            Kind::S3Account => Some("AWS::S3::AccountPublicAccessBlock"),
            Kind::KmsKey => Some("AWS::KMS::Key"),
            Kind::KmsAlias => Some("AWS::KMS::Alias"),
            Kind::EbsVolume => Some("AWS::EC2::Volume"),
            Kind::EbsSnapshot => None,
            Kind::Ec2Instance => Some("AWS::EC2::Instance"),
            Kind::EbsDefaults => None,
            Kind::CloudtrailTrail => Some("AWS::CloudTrail::Trail"),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
