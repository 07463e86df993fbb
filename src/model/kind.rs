//! The kinds of canonical resources in the inventory. One line per kind below declares the
//! variant, the name rules use in `applies_to` and the AWS Config resource type; `Kind::ALL`
//! and the lookups are generated from it, so a kind cannot be declared in one and missing in
//! another.

use std::fmt;

macro_rules! kinds {
    ($($variant:ident => $name:literal, $config:expr;)+) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($variant,)+
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)+];

            /// The name rules use in `applies_to`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)+
                }
            }

            /// The AWS Config resource type of this kind, where there is one.
            pub fn config_type(self) -> Option<&'static str> {
                match self {
                    $(Kind::$variant => $config,)+
                }
            }
        }
    };
}

kinds! {
    S3Bucket => "s3_bucket", Some("AWS::S3::Bucket");
    S3Account => "s3_account", Some("AWS::S3::AccountPublicAccessBlock");
    KmsKey => "kms_key", Some("AWS::KMS::Key");
    KmsAlias => "kms_alias", Some("AWS::KMS::Alias");
    EbsVolume => "ebs_volume", Some("AWS::EC2::Volume");
    EbsSnapshot => "ebs_snapshot", None;
    Ec2Instance => "ec2_instance", Some("AWS::EC2::Instance");
    EbsDefaults => "ebs_defaults", None;
    CloudtrailTrail => "cloudtrail_trail", Some("AWS::CloudTrail::Trail");
    Ec2Image => "ec2_image", None;
    EfsFileSystem => "efs_file_system", Some("AWS::EFS::FileSystem");
    SecretsmanagerSecret => "secretsmanager_secret", Some("AWS::SecretsManager::Secret");
    SsmParameter => "ssm_parameter", None;
    DynamodbTable => "dynamodb_table", Some("AWS::DynamoDB::Table");
    SqsQueue => "sqs_queue", Some("AWS::SQS::Queue");
    SnsTopic => "sns_topic", Some("AWS::SNS::Topic");
    RdsInstance => "rds_instance", Some("AWS::RDS::DBInstance");
    RdsCluster => "rds_cluster", Some("AWS::RDS::DBCluster");
    RdsSnapshot => "rds_snapshot", Some("AWS::RDS::DBSnapshot");
    RdsClusterSnapshot => "rds_cluster_snapshot", Some("AWS::RDS::DBClusterSnapshot");
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        for (i, kind) in Kind::ALL.iter().enumerate() {
            assert_eq!(Kind::parse(kind.name()), Some(*kind));
            assert!(Kind::ALL[..i].iter().all(|k| k.name() != kind.name()));
        }
    }
}
