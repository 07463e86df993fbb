//! `efs describe-file-systems`, `secretsmanager list-secrets` and `ssm describe-parameters`:
//! metadata only, as the export script keeps them (no secret or parameter value anywhere).

use std::io;
use std::path::Path;

use super::Sink;
use crate::json::{J, compact, obj};
use crate::plan::stores::{ParamType, Policies, Protection};
use crate::plan::{Account, Region};
use crate::time::{DAY_MS, iso};

/// The ARN of the key that protects a resource of `service` (its AWS managed key for
/// `AwsManaged`), or `None` when it is not encrypted.
fn key_arn<'a>(region: &'a Region, p: &'a Protection, aws: Option<&'a str>) -> Option<&'a str> {
    match p {
        Protection::None => None,
        Protection::AwsManaged => aws,
        Protection::Customer { key, .. } => Some(&region.keys[*key].arn),
        Protection::Deleted(arn) => Some(arn),
    }
}

pub(super) fn render(
    account: &Account,
    region: &Region,
    [efs, secrets, ssm]: [&Path; 3],
    sink: &mut Sink,
) -> io::Result<()> {
    let name = &region.name;
    let own = &account.id;
    let aws_efs = region.aws_efs.as_ref().map(|k| k.arn.as_str());
    let file_systems: Vec<J> = region
        .file_systems
        .iter()
        .map(|f| {
            let key = key_arn(region, &f.protection, aws_efs);
            obj! {
                "OwnerId" => own,
                "CreationToken" => format!("token-{}", f.id),
                "FileSystemId" => &f.id,
                "FileSystemArn" => format!("arn:aws:elasticfilesystem:{name}:{own}:file-system/{}", f.id),
                "CreationTime" => iso(f.created / 1000 * 1000),
                "LifeCycleState" => "available",
                "Name" => f.name.as_ref(),
                "NumberOfMountTargets" => f.mount_targets,
                "SizeInBytes" => obj! {
                    "Value" => f.size,
                    "ValueInIA" => 0usize,
                    "ValueInStandard" => f.size,
                    "ValueInArchive" => 0usize,
                },
                "PerformanceMode" => "generalPurpose",
                "Encrypted" => key.is_some(),
                "KmsKeyId" => key,
                "ThroughputMode" => "elastic",
                "Tags" => J::Arr(f.name.iter().map(|n| obj! { "Key" => "Name", "Value" => n }).collect()),
                "FileSystemProtection" => obj! { "ReplicationOverwriteProtection" => "ENABLED" },
            }
        })
        .collect();
    sink.json(
        &efs.join("describe-file-systems.json"),
        &obj! { "FileSystems" => file_systems },
    )?;

    let list: Vec<J> = region
        .secrets
        .iter()
        .map(|s| {
            // list-secrets leaves KmsKeyId out for aws/secretsmanager.
            let key = match &s.protection {
                Protection::AwsManaged => None,
                p => key_arn(region, p, None),
            };
            let rotated = s.created + 20 * DAY_MS;
            obj! {
                "ARN" => format!("arn:aws:secretsmanager:{name}:{own}:secret:{}-{}", s.name, s.suffix),
                "Name" => &s.name,
                "Description" => format!("credentials of {}", s.name),
                "KmsKeyId" => key,
                "RotationEnabled" => s.rotation.then_some(true),
                "RotationLambdaARN" => s.rotation.then(|| format!("arn:aws:lambda:{name}:{own}:function:rotate-secrets")),
                "RotationRules" => s.rotation.then(|| obj! { "AutomaticallyAfterDays" => 30usize }),
                "LastRotatedDate" => s.rotation.then(|| iso(rotated)),
                "LastChangedDate" => iso(if s.rotation { rotated } else { s.created }),
                "NextRotationDate" => s.rotation.then(|| iso(rotated + 30 * DAY_MS)),
                "CreatedDate" => iso(s.created),
            }
        })
        .collect();
    sink.json(
        &secrets.join("list-secrets.json"),
        &obj! { "SecretList" => list },
    )?;

    let params: Vec<J> = region
        .parameters
        .iter()
        .map(|p| {
            let kind = match p.kind {
                ParamType::String => "String",
                ParamType::StringList => "StringList",
                ParamType::SecureString => "SecureString",
            };
            let key_id = match &p.protection {
                Protection::None => None,
                Protection::AwsManaged => Some("alias/aws/ssm".to_owned()),
                Protection::Customer {
                    key,
                    by_alias: true,
                } => region.keys[*key].alias.clone(),
                other => key_arn(region, other, None).map(str::to_owned),
            };
            let policies: Vec<J> = match p.policies {
                Policies::None => Vec::new(),
                Policies::Expired { at } => vec![
                    policy(
                        "Expiration",
                        obj! { "Timestamp" => iso_millis_z(at) },
                        "Failed",
                    ),
                    policy(
                        "ExpirationNotification",
                        obj! { "Before" => "15", "Unit" => "Days" },
                        "Finished",
                    ),
                ],
                Policies::Notifications => vec![policy(
                    "NoChangeNotification",
                    obj! { "After" => "60", "Unit" => "Days" },
                    "Pending",
                )],
            };
            let path = p.name.strip_prefix('/').unwrap_or(&p.name);
            obj! {
                "Name" => &p.name,
                "ARN" => format!("arn:aws:ssm:{name}:{own}:parameter/{path}"),
                "Type" => kind,
                "KeyId" => key_id,
                "LastModifiedDate" => iso(p.modified),
                "LastModifiedUser" => format!("arn:aws:iam::{own}:user/deployer"),
                "Version" => p.version,
                "Tier" => if policies.is_empty() { "Standard" } else { "Advanced" },
                "Policies" => J::Arr(policies),
                "DataType" => "text",
            }
        })
        .collect();
    sink.json(
        &ssm.join("describe-parameters.json"),
        &obj! { "Parameters" => params },
    )
}

/// A parameter policy as `describe-parameters` prints it: its text a compact JSON string.
fn policy(kind: &'static str, attributes: J, status: &'static str) -> J {
    let text = compact(&obj! { "Type" => kind, "Version" => "1.0", "Attributes" => attributes });
    obj! { "PolicyText" => text, "PolicyType" => kind, "PolicyStatus" => status }
}

/// `2024-03-05T10:01:02.000Z`, as parameter policies write their times.
fn iso_millis_z(ms: i64) -> String {
    let text = crate::time::iso_z(ms);
    format!("{}.{:03}Z", text.trim_end_matches('Z'), ms.rem_euclid(1000))
}
