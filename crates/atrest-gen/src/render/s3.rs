//! `s3` and `s3control`: the bucket list and, per bucket, every call the export script makes.

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, compact, obj, strs};
use crate::plan::Account;
use crate::plan::buckets::{BucketEnc, BucketStmt, KeyRef, LOG_DELIVERY, ReplDest, Replication};
use crate::time::iso;

fn pab_json(flags: [bool; 4]) -> J {
    obj! {
        "PublicAccessBlockConfiguration" => obj! {
            "BlockPublicAcls" => flags[0],
            "IgnorePublicAcls" => flags[1],
            "BlockPublicPolicy" => flags[2],
            "RestrictPublicBuckets" => flags[3],
        },
    }
}

pub(super) fn render(
    account: &Account,
    dir: &Path,
    control: &Path,
    sink: &mut Sink,
) -> io::Result<()> {
    const NO_PAB: &str = "The public access block configuration was not found";
    match account.pab {
        Some(flags) => sink.json(
            &control.join("get-public-access-block.json"),
            &pab_json(flags),
        )?,
        None => sink.error(
            control,
            "get-public-access-block",
            "NoSuchPublicAccessBlockConfiguration",
            "GetPublicAccessBlock",
            NO_PAB,
        )?,
    }
    let list = obj! {
        "Buckets" => J::Arr(account.buckets.iter().map(|b| obj! {
            "Name" => &b.name,
            "CreationDate" => iso(b.created / 1000 * 1000),
            "BucketRegion" => &account.regions[b.region].name,
        }).collect()),
        "Owner" => obj! { "ID" => &account.canonical },
    };
    sink.json(&dir.join("list-buckets.json"), &list)?;
    for b in &account.buckets {
        let region = &account.regions[b.region];
        let name = &b.name;
        let path = |api: &str| dir.join(format!("{}.json", file(api, name)));
        let stem = |api: &str| file(api, name);

        let location = if region.name == "us-east-1" {
            J::Null
        } else {
            J::from(&region.name)
        };
        sink.json(
            &path("get-bucket-location"),
            &obj! { "LocationConstraint" => location },
        )?;

        let rule = match &b.enc {
            BucketEnc::None => None,
            BucketEnc::SseS3 => Some(obj! {
                "ApplyServerSideEncryptionByDefault" => obj! { "SSEAlgorithm" => "AES256" },
                "BucketKeyEnabled" => false,
            }),
            BucketEnc::Kms { key, bucket_key } => {
                let key_id = key.map(|(k, form)| {
                    let key = &region.keys[k];
                    match (form, &key.alias) {
                        (KeyRef::AliasArn, Some(alias)) => {
                            format!("arn:aws:kms:{}:{}:{alias}", region.name, account.id)
                        }
                        (KeyRef::Id, _) => key.id.clone(),
                        _ => key.arn.clone(),
                    }
                });
                Some(obj! {
                    "ApplyServerSideEncryptionByDefault" => obj! {
                        "SSEAlgorithm" => "aws:kms",
                        "KMSMasterKeyID" => key_id,
                    },
                    "BucketKeyEnabled" => *bucket_key,
                })
            }
        };
        match rule {
            Some(rule) => sink.json(
                &path("get-bucket-encryption"),
                &obj! { "ServerSideEncryptionConfiguration" => obj! { "Rules" => vec![rule] } },
            )?,
            None => sink.error(
                dir,
                &stem("get-bucket-encryption"),
                "ServerSideEncryptionConfigurationNotFoundError",
                "GetBucketEncryption",
                "The server side encryption configuration was not found",
            )?,
        }

        match b.pab {
            Some(flags) => sink.json(&path("get-public-access-block"), &pab_json(flags))?,
            None => sink.error(
                dir,
                &stem("get-public-access-block"),
                "NoSuchPublicAccessBlockConfiguration",
                "GetPublicAccessBlock",
                NO_PAB,
            )?,
        }

        match &b.policy {
            Some(statements) => {
                let doc = bucket_policy(account, name, statements);
                sink.json(
                    &path("get-bucket-policy"),
                    &obj! { "Policy" => compact(&doc) },
                )?;
                let public = b.has(|s| matches!(s, BucketStmt::PublicRead { .. }));
                sink.json(
                    &path("get-bucket-policy-status"),
                    &obj! { "PolicyStatus" => obj! { "IsPublic" => public } },
                )?;
            }
            None => {
                for (api, op) in [
                    ("get-bucket-policy", "GetBucketPolicy"),
                    ("get-bucket-policy-status", "GetBucketPolicyStatus"),
                ] {
                    sink.error(
                        dir,
                        &stem(api),
                        "NoSuchBucketPolicy",
                        op,
                        "The bucket policy does not exist",
                    )?;
                }
            }
        }

        let mut grants = vec![obj! {
            "Grantee" => obj! { "ID" => &account.canonical, "Type" => "CanonicalUser" },
            "Permission" => "FULL_CONTROL",
        }];
        if b.log_delivery {
            for permission in ["WRITE", "READ_ACP"] {
                grants.push(obj! {
                    "Grantee" => obj! { "Type" => "Group", "URI" => LOG_DELIVERY },
                    "Permission" => permission,
                });
            }
        }
        if let Some(uri) = b.acl_public {
            grants.push(obj! {
                "Grantee" => obj! { "Type" => "Group", "URI" => uri },
                "Permission" => "READ",
            });
        }
        sink.json(
            &path("get-bucket-acl"),
            &obj! { "Owner" => obj! { "ID" => &account.canonical }, "Grants" => grants },
        )?;

        match b.ownership {
            Some(ownership) => sink.json(
                &path("get-bucket-ownership-controls"),
                &obj! {
                    "OwnershipControls" => obj! {
                        "Rules" => vec![obj! { "ObjectOwnership" => ownership }],
                    },
                },
            )?,
            None => sink.error(
                dir,
                &stem("get-bucket-ownership-controls"),
                "OwnershipControlsNotFoundError",
                "GetBucketOwnershipControls",
                "The bucket ownership controls were not found",
            )?,
        }

        match b.versioning {
            Some(status) => {
                sink.json(&path("get-bucket-versioning"), &obj! { "Status" => status })?
            }
            None => sink.empty(&path("get-bucket-versioning"))?,
        }

        match &b.replication {
            Some(replication) => sink.json(
                &path("get-bucket-replication"),
                &obj! { "ReplicationConfiguration" => replication_json(account, replication) },
            )?,
            None => sink.error(
                dir,
                &stem("get-bucket-replication"),
                "ReplicationConfigurationNotFoundError",
                "GetBucketReplication",
                "The replication configuration was not found",
            )?,
        }
    }
    Ok(())
}

/// `get-bucket-replication`'s `ReplicationConfiguration`, members in the API model's order.
fn replication_json(account: &Account, replication: &Replication) -> J {
    let (bucket, owner) = match &replication.dest {
        ReplDest::Bucket(d) => (format!("arn:aws:s3:::{}", account.buckets[*d].name), None),
        ReplDest::Outside { name, account } => {
            (format!("arn:aws:s3:::{name}"), Some(account.clone()))
        }
    };
    let rules = replication
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let criteria = rule.kms_objects.then(|| {
                obj! { "SseKmsEncryptedObjects" => obj! { "Status" => "Enabled" } }
            });
            let encryption = rule.replica_key.map(|(r, k)| {
                obj! { "ReplicaKmsKeyID" => &account.regions[r].keys[k].arn }
            });
            obj! {
                "ID" => &rule.id,
                "Priority" => i + 1,
                "Filter" => obj! { "Prefix" => "" },
                "Status" => if rule.enabled { "Enabled" } else { "Disabled" },
                "SourceSelectionCriteria" => criteria,
                "Destination" => obj! {
                    "Bucket" => &bucket,
                    "Account" => owner.clone(),
                    "EncryptionConfiguration" => encryption,
                },
                "DeleteMarkerReplication" => obj! { "Status" => "Disabled" },
            }
        })
        .collect();
    obj! { "Role" => &replication.role, "Rules" => J::Arr(rules) }
}

fn bucket_policy(account: &Account, bucket: &str, statements: &[BucketStmt]) -> J {
    let arn = format!("arn:aws:s3:::{bucket}");
    let objects = format!("{arn}/*");
    let mut out = Vec::new();
    for s in statements {
        match s {
            BucketStmt::DenyNonKms => out.push(obj! {
                "Sid" => "DenyUnencryptedObjectUploads",
                "Effect" => "Deny",
                "Principal" => "*",
                "Action" => "s3:PutObject",
                "Resource" => &objects,
                "Condition" => obj! {
                    "StringNotEquals" => obj! { "s3:x-amz-server-side-encryption" => "aws:kms" },
                },
            }),
            BucketStmt::DenyNonTls => out.push(obj! {
                "Sid" => "DenyInsecureTransport",
                "Effect" => "Deny",
                "Principal" => "*",
                "Action" => "s3:*",
                "Resource" => vec![J::from(&arn), J::from(&objects)],
                "Condition" => obj! { "Bool" => obj! { "aws:SecureTransport" => "false" } },
            }),
            BucketStmt::PublicRead { aws_form } => out.push(obj! {
                "Sid" => "PublicReadGetObject",
                "Effect" => "Allow",
                "Principal" => if *aws_form { obj! { "AWS" => "*" } } else { J::from("*") },
                "Action" => "s3:GetObject",
                "Resource" => &objects,
            }),
            BucketStmt::CrossAccount { account: other } => out.push(obj! {
                "Sid" => "CrossAccountRead",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => format!("arn:aws:iam::{other}:root") },
                "Action" => strs(&["s3:GetObject", "s3:ListBucket"]),
                "Resource" => vec![J::from(&arn), J::from(&objects)],
            }),
            BucketStmt::OwnRole => out.push(obj! {
                "Sid" => "AllowApplicationRole",
                "Effect" => "Allow",
                "Principal" => obj! {
                    "AWS" => format!("arn:aws:iam::{}:role/application", account.id),
                },
                "Action" => strs(&["s3:GetObject", "s3:PutObject"]),
                "Resource" => &objects,
            }),
            BucketStmt::CloudTrail { trail_arn } => {
                out.push(obj! {
                    "Sid" => "AWSCloudTrailAclCheck",
                    "Effect" => "Allow",
                    "Principal" => obj! { "Service" => "cloudtrail.amazonaws.com" },
                    "Action" => "s3:GetBucketAcl",
                    "Resource" => &arn,
                    "Condition" => obj! {
                        "StringEquals" => obj! { "aws:SourceArn" => trail_arn },
                    },
                });
                out.push(obj! {
                    "Sid" => "AWSCloudTrailWrite",
                    "Effect" => "Allow",
                    "Principal" => obj! { "Service" => "cloudtrail.amazonaws.com" },
                    "Action" => "s3:PutObject",
                    "Resource" => format!("{arn}/AWSLogs/{}/*", account.id),
                    "Condition" => obj! {
                        "StringEquals" => obj! {
                            "s3:x-amz-acl" => "bucket-owner-full-control",
                            "aws:SourceArn" => trail_arn,
                        },
                    },
                });
            }
        }
    }
    obj! { "Version" => "2012-10-17", "Statement" => out }
}
