//! `kms`: keys, aliases and, per key, its metadata, policy, rotation, grants and tags.

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, jackson, obj, strs};
use crate::plan::keys::{Key, KeyKind, KeyState, KeyStmt};
use crate::plan::{Account, Region};
use crate::rng::mix;
use crate::time::{DAY_MS, NOW_MS, iso};

const ENCRYPT_ACTIONS: [&str; 5] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
];

fn key_policy(account: &Account, region: &Region, key: &Key) -> J {
    let own = &account.id;
    let root = format!("arn:aws:iam::{own}:root");
    let admin = format!("arn:aws:iam::{own}:role/KeyAdministrator");
    let user = format!("arn:aws:iam::{own}:role/application");
    let mut out = Vec::new();
    let mut id = "key-default-1";
    for s in &key.statements {
        match s {
            KeyStmt::Root => out.push(obj! {
                "Sid" => "Enable IAM User Permissions",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => &root },
                "Action" => "kms:*",
                "Resource" => "*",
            }),
            KeyStmt::Admins { star } => {
                id = "key-consolepolicy-3";
                let actions = if *star {
                    J::from("kms:*")
                } else {
                    strs(&[
                        "kms:Create*",
                        "kms:Describe*",
                        "kms:Enable*",
                        "kms:List*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:Disable*",
                        "kms:Get*",
                        "kms:Delete*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                        "kms:RotateKeyOnDemand",
                    ])
                };
                out.push(obj! {
                    "Sid" => "Allow access for Key Administrators",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => &admin },
                    "Action" => actions,
                    "Resource" => "*",
                });
            }
            KeyStmt::Users { with_admin } => {
                let principal = if *with_admin {
                    vec![J::from(&admin), J::from(&user)].into()
                } else {
                    J::from(&user)
                };
                let actions = if key.kind == KeyKind::Asymmetric {
                    strs(&[
                        "kms:DescribeKey",
                        "kms:GetPublicKey",
                        "kms:Sign",
                        "kms:Verify",
                    ])
                } else {
                    strs(&ENCRYPT_ACTIONS)
                };
                out.push(obj! {
                    "Sid" => "Allow use of the key",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => principal },
                    "Action" => actions,
                    "Resource" => "*",
                });
            }
            KeyStmt::Grants => out.push(obj! {
                "Sid" => "Allow attachment of persistent resources",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => &user },
                "Action" => strs(&["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]),
                "Resource" => "*",
                "Condition" => obj! { "Bool" => obj! { "kms:GrantIsForAWSResource" => "true" } },
            }),
            KeyStmt::Public { aws_form } => out.push(obj! {
                "Sid" => "Allow decryption by anyone",
                "Effect" => "Allow",
                "Principal" => if *aws_form { obj! { "AWS" => "*" } } else { J::from("*") },
                "Action" => strs(&["kms:Decrypt", "kms:DescribeKey"]),
                "Resource" => "*",
            }),
            KeyStmt::CrossAccount { account: other } => out.push(obj! {
                "Sid" => "Allow use of the key by a partner account",
                "Effect" => "Allow",
                "Principal" => obj! { "AWS" => format!("arn:aws:iam::{other}:root") },
                "Action" => strs(&ENCRYPT_ACTIONS),
                "Resource" => "*",
            }),
            KeyStmt::AwsManaged { service } => {
                let upper;
                let via;
                (id, upper, via) = match *service {
                    "ebs" => ("auto-ebs-2", "EBS", "ec2"),
                    "s3" => ("auto-s3-2", "S3", "s3"),
                    "elasticfilesystem" => ("auto-elasticfilesystem-1", "EFS", "elasticfilesystem"),
                    "secretsmanager" => (
                        "auto-secretsmanager-2",
                        "AWS Secrets Manager",
                        "secretsmanager",
                    ),
                    "dynamodb" => ("auto-dynamodb-1", "Amazon DynamoDB", "dynamodb"),
                    "rds" => ("auto-rds-2", "RDS", "rds"),
                    _ => ("auto-ssm-2", "AWS Systems Manager", "ssm"),
                };
                let mut actions: Vec<&str> = ENCRYPT_ACTIONS[..4].to_vec();
                actions.push("kms:CreateGrant");
                if *service == "rds" {
                    actions.push("kms:ListGrants");
                }
                actions.push("kms:DescribeKey");
                out.push(obj! {
                    "Sid" => format!("Allow access through {upper} for all principals in the account that are authorized to use {upper}"),
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => "*" },
                    "Action" => strs(&actions),
                    "Resource" => "*",
                    "Condition" => obj! {
                        "StringEquals" => obj! {
                            "kms:CallerAccount" => own,
                            "kms:ViaService" => format!("{via}.{}.amazonaws.com", region.name),
                        },
                    },
                });
                out.push(obj! {
                    "Sid" => "Allow direct access to key metadata to the account",
                    "Effect" => "Allow",
                    "Principal" => obj! { "AWS" => &root },
                    "Action" => strs(&["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]),
                    "Resource" => "*",
                });
            }
        }
    }
    obj! { "Version" => "2012-10-17", "Id" => id, "Statement" => out }
}

pub(super) fn render(
    account: &Account,
    region: &Region,
    dir: &Path,
    sink: &mut Sink,
) -> io::Result<()> {
    let mut all: Vec<&Key> = region.all_keys().collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let list = obj! {
        "Keys" => J::Arr(all.iter().map(|k| obj! { "KeyId" => &k.id, "KeyArn" => &k.arn }).collect()),
    };
    sink.json(&dir.join("list-keys.json"), &list)?;

    let mut aliases: Vec<(&str, &Key)> = all
        .iter()
        .filter_map(|k| k.alias.as_deref().map(|a| (a, *k)))
        .collect();
    aliases.sort_by(|x, y| x.0.cmp(y.0));
    let aliases = obj! {
        "Aliases" => J::Arr(aliases.iter().map(|(alias, k)| obj! {
            "AliasName" => *alias,
            "AliasArn" => format!("arn:aws:kms:{}:{}:{alias}", region.name, account.id),
            "TargetKeyId" => &k.id,
            "CreationDate" => iso(k.created + 1234),
            "LastUpdatedDate" => iso(k.created + 1234),
        }).collect()),
    };
    sink.json(&dir.join("list-aliases.json"), &aliases)?;

    for key in all {
        let path = |api: &str| dir.join(format!("{}.json", file(api, &key.id)));
        sink.json(
            &path("describe-key"),
            &obj! { "KeyMetadata" => key_metadata(account, key) },
        )?;
        let policy = jackson(&key_policy(account, region, key));
        sink.json(
            &path("get-key-policy"),
            &obj! { "Policy" => policy, "PolicyName" => "default" },
        )?;
        let stem = file("get-key-rotation-status", &key.id);
        if key.state == KeyState::PendingDeletion {
            sink.error(
                dir,
                &stem,
                "KMSInvalidStateException",
                "GetKeyRotationStatus",
                &format!("{} is pending deletion.", key.arn),
            )?;
        } else if key.kind != KeyKind::Symmetric {
            let why = if key.kind == KeyKind::Asymmetric {
                "key usage is SIGN_VERIFY"
            } else {
                "origin is EXTERNAL"
            };
            sink.error(
                dir,
                &stem,
                "UnsupportedOperationException",
                "GetKeyRotationStatus",
                &format!(
                    "{} {why} which is not valid for GetKeyRotationStatus.",
                    key.arn
                ),
            )?;
        } else {
            let on = key.rotation && key.kind == KeyKind::Symmetric;
            let period = key.rotation_days as i64 * DAY_MS;
            let next = on.then(|| key.created + ((NOW_MS - key.created) / period + 1) * period);
            sink.json(
                &path("get-key-rotation-status"),
                &obj! {
                    "KeyRotationEnabled" => on,
                    "KeyId" => &key.id,
                    "RotationPeriodInDays" => on.then_some(key.rotation_days),
                    "NextRotationDate" => next.map(iso),
                },
            )?;
        }
        rotations(dir, key, sink)?;
        let grants: Vec<J> = (0..key.grants)
            .map(|g| {
                let gid = format!("{:016x}{:016x}", mix(key.created as u64 + g as u64), mix(g as u64));
                obj! {
                    "KeyId" => &key.arn,
                    "GrantId" => format!("{gid}{gid}"),
                    "Name" => "",
                    "CreationDate" => iso(key.created + 60_000 * (g as i64 + 1)),
                    "GranteePrincipal" => format!("arn:aws:iam::{}:role/application", account.id),
                    "IssuingAccount" => format!("arn:aws:iam::{}:root", account.id),
                    "Operations" => strs(&["Decrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant"]),
                }
            })
            .collect();
        sink.json(&path("list-grants"), &obj! { "Grants" => grants })?;
        let tags: Vec<J> = key
            .tags
            .iter()
            .map(|(k, v)| obj! { "TagKey" => *k, "TagValue" => v })
            .collect();
        sink.json(&path("list-resource-tags"), &obj! { "Tags" => tags })?;
    }
    Ok(())
}

/// `list-key-rotations`: one automatic rotation per full period since the key was created;
/// keys that cannot rotate answer as `get-key-rotation-status` does.
fn rotations(dir: &Path, key: &Key, sink: &mut Sink) -> io::Result<()> {
    let stem = file("list-key-rotations", &key.id);
    if key.state == KeyState::PendingDeletion {
        let msg = format!("{} is pending deletion.", key.arn);
        return sink.error(
            dir,
            &stem,
            "KMSInvalidStateException",
            "ListKeyRotations",
            &msg,
        );
    }
    if key.kind != KeyKind::Symmetric {
        let msg = format!("{} is not valid for ListKeyRotations.", key.arn);
        return sink.error(
            dir,
            &stem,
            "UnsupportedOperationException",
            "ListKeyRotations",
            &msg,
        );
    }
    let period = key.rotation_days as i64 * DAY_MS;
    let done = if key.rotation {
        (NOW_MS - key.created) / period
    } else {
        0
    };
    let list: Vec<J> = (1..=done)
        .map(|n| {
            obj! {
                "KeyId" => &key.arn,
                "RotationDate" => iso(key.created + n * period),
                "RotationType" => "AUTOMATIC",
            }
        })
        .collect();
    sink.json(
        &dir.join(format!("{stem}.json")),
        &obj! { "Rotations" => list },
    )
}

fn key_metadata(account: &Account, key: &Key) -> J {
    let (usage, spec) = match key.kind {
        KeyKind::Asymmetric => ("SIGN_VERIFY", "RSA_2048"),
        _ => ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"),
    };
    let state = match key.state {
        KeyState::Enabled => "Enabled",
        KeyState::Disabled => "Disabled",
        KeyState::PendingDeletion => "PendingDeletion",
        KeyState::PendingImport => "PendingImport",
    };
    let origin = if key.kind == KeyKind::External {
        "EXTERNAL"
    } else {
        "AWS_KMS"
    };
    let (encryption, signing) = if key.kind == KeyKind::Asymmetric {
        (
            J::Absent,
            strs(&[
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
            ]),
        )
    } else {
        (strs(&["SYMMETRIC_DEFAULT"]), J::Absent)
    };
    obj! {
        "AWSAccountId" => &account.id,
        "KeyId" => &key.id,
        "Arn" => &key.arn,
        "CreationDate" => iso(key.created),
        "Enabled" => key.state == KeyState::Enabled,
        "Description" => &key.description,
        "KeyUsage" => usage,
        "KeyState" => state,
        "DeletionDate" => key.deletion.map(iso),
        "ValidTo" => key.valid_to.map(iso),
        "Origin" => origin,
        "ExpirationModel" => (key.kind == KeyKind::External).then_some(if key.valid_to.is_some() {
            "KEY_MATERIAL_EXPIRES"
        } else {
            "KEY_MATERIAL_DOES_NOT_EXPIRE"
        }),
        "KeyManager" => if key.customer { "CUSTOMER" } else { "AWS" },
        "CustomerMasterKeySpec" => spec,
        "KeySpec" => spec,
        "EncryptionAlgorithms" => encryption,
        "SigningAlgorithms" => signing,
        "MultiRegion" => key.multi_region.is_some(),
        "MultiRegionConfiguration" => key.multi_region.as_ref().map(|m| obj! {
            "MultiRegionKeyType" => if m.replica { "REPLICA" } else { "PRIMARY" },
            "PrimaryKey" => obj! { "Arn" => &m.primary_arn, "Region" => &m.primary_region },
            "ReplicaKeys" => J::Arr(vec![obj! { "Arn" => &m.replica_arn, "Region" => &m.replica_region }]),
        }),
        "PendingDeletionWindowInDays" => key.deletion.map(|_| 30usize),
    }
}
