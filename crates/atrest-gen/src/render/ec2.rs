//! `ec2`: volumes, snapshots and their permissions, instances, and the EBS defaults.

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, obj};
use crate::plan::instances::Instance;
use crate::plan::volumes::Enc;
use crate::plan::{Account, Region};
use crate::rng::mix;
use crate::time::{DAY_MS, iso, iso_z};

fn tags(name: &Option<String>) -> J {
    match name {
        Some(n) => vec![obj! { "Key" => "Name", "Value" => n }].into(),
        None => J::Absent,
    }
}

pub(super) fn render(
    account: &Account,
    region: &Region,
    dir: &Path,
    sink: &mut Sink,
) -> io::Result<()> {
    let volumes: Vec<J> = region
        .volumes
        .iter()
        .map(|v| {
            let iops = match v.kind {
                "gp3" => Some(3000usize),
                "gp2" => Some((3 * v.size as usize).clamp(100, 16_000)),
                "io1" => Some(1000),
                _ => None,
            };
            let attachments: Vec<J> = v
                .attachment
                .iter()
                .map(|at| {
                    obj! {
                        "DeleteOnTermination" => at.delete_on_termination,
                        "VolumeId" => &v.id,
                        "InstanceId" => &at.instance,
                        "Device" => at.device,
                        "State" => "attached",
                        "AttachTime" => iso(at.time),
                    }
                })
                .collect();
            obj! {
                "Iops" => iops,
                "Tags" => tags(&v.name),
                "VolumeType" => v.kind,
                "MultiAttachEnabled" => false,
                "Throughput" => (v.kind == "gp3").then_some(125usize),
                "VolumeId" => &v.id,
                "Size" => v.size,
                "SnapshotId" => v.from_snapshot.clone().unwrap_or_default(),
                "AvailabilityZone" => &v.az,
                "State" => if v.attachment.is_some() { "in-use" } else { "available" },
                "CreateTime" => iso(v.created),
                "Attachments" => attachments,
                "Encrypted" => v.enc != Enc::None,
                "KmsKeyId" => region.ebs_key_arn(v.enc),
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-volumes.json"),
        &obj! { "Volumes" => volumes },
    )?;

    let snapshots: Vec<J> = region
        .snapshots
        .iter()
        .map(|s| {
            obj! {
                "StorageTier" => "standard",
                "SnapshotId" => &s.id,
                "VolumeId" => &s.volume_id,
                "State" => "completed",
                "StartTime" => iso(s.started),
                "Progress" => "100%",
                "OwnerId" => &account.id,
                "Description" => &s.description,
                "VolumeSize" => s.size,
                "Encrypted" => s.enc != Enc::None,
                "KmsKeyId" => region.ebs_key_arn(s.enc),
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-snapshots.json"),
        &obj! { "Snapshots" => snapshots },
    )?;
    for s in &region.snapshots {
        let mut permissions = Vec::new();
        if s.public {
            permissions.push(obj! { "Group" => "all" });
        }
        if let Some(other) = &s.shared_with {
            permissions.push(obj! { "UserId" => other });
        }
        sink.json(
            &dir.join(format!(
                "{}.json",
                file("describe-snapshot-attribute", &s.id)
            )),
            &obj! { "SnapshotId" => &s.id, "CreateVolumePermissions" => permissions },
        )?;
    }

    images(account, region, dir, sink)?;

    let reservations: Vec<J> = region
        .instances
        .iter()
        .map(|i| instance_reservation(account, region, i))
        .collect();
    sink.json(
        &dir.join("describe-instances.json"),
        &obj! { "Reservations" => reservations },
    )?;

    sink.json(
        &dir.join("get-ebs-encryption-by-default.json"),
        &obj! { "EbsEncryptionByDefault" => region.ebs_default },
    )?;
    let default_key = match region.ebs_default_key {
        Some(k) => region.keys[k].arn.clone(),
        None => "alias/aws/ebs".to_owned(),
    };
    sink.json(
        &dir.join("get-ebs-default-kms-key-id.json"),
        &obj! { "KmsKeyId" => default_key },
    )?;
    sink.json(
        &dir.join("get-snapshot-block-public-access-state.json"),
        &obj! { "State" => "unblocked", "ManagedBy" => "account" },
    )
}

fn instance_reservation(account: &Account, region: &Region, i: &Instance) -> J {
    let az = format!("{}{}", region.name, ['a', 'b', 'c'][i.az]);
    let host = format!("ip-{}", i.ip.replace('.', "-"));
    let private_dns = if region.name == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{}.compute.internal", region.name)
    };
    let mappings: Vec<J> = i
        .volumes
        .iter()
        .filter_map(|&v| region.volumes[v].attachment.as_ref().map(|at| (v, at)))
        .map(|(v, at)| {
            obj! {
                "DeviceName" => at.device,
                "Ebs" => obj! {
                    "AttachTime" => iso(at.time),
                    "DeleteOnTermination" => at.delete_on_termination,
                    "Status" => "attached",
                    "VolumeId" => &region.volumes[v].id,
                },
            }
        })
        .collect();
    let group = || vec![obj! { "GroupId" => &region.security_group, "GroupName" => "default" }];
    let (state_code, state_name) = if i.running {
        (16usize, "running")
    } else {
        (80, "stopped")
    };
    let mac = {
        let m = mix(i.launched as u64);
        format!(
            "0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m & 0xff,
            (m >> 8) & 0xff,
            (m >> 16) & 0xff,
            (m >> 24) & 0xff,
            (m >> 32) & 0xff
        )
    };
    let stopped_at = i.launched + 3 * DAY_MS;
    let instance = obj! {
        "Architecture" => if i.kind.starts_with("c6g") { "arm64" } else { "x86_64" },
        "BlockDeviceMappings" => mappings,
        "ClientToken" => format!("{:016x}{:016x}", mix(i.launched as u64 ^ 0xC1), mix(i.launched as u64 ^ 0xC2)),
        "EbsOptimized" => true,
        "EnaSupport" => true,
        "Hypervisor" => "xen",
        "NetworkInterfaces" => vec![obj! {
            "Attachment" => obj! {
                "AttachTime" => iso(i.launched / 1000 * 1000),
                "AttachmentId" => i.eni.replace("eni-", "eni-attach-"),
                "DeleteOnTermination" => true,
                "DeviceIndex" => 0usize,
                "Status" => "attached",
                "NetworkCardIndex" => 0usize,
            },
            "Description" => "",
            "Groups" => group(),
            "Ipv6Addresses" => Vec::new(),
            "MacAddress" => &mac,
            "NetworkInterfaceId" => &i.eni,
            "OwnerId" => &account.id,
            "PrivateDnsName" => &private_dns,
            "PrivateIpAddress" => &i.ip,
            "PrivateIpAddresses" => vec![obj! {
                "Primary" => true,
                "PrivateDnsName" => &private_dns,
                "PrivateIpAddress" => &i.ip,
            }],
            "SourceDestCheck" => true,
            "Status" => "in-use",
            "SubnetId" => &region.subnets[i.az],
            "VpcId" => &region.vpc,
            "InterfaceType" => "interface",
        }],
        "RootDeviceName" => "/dev/xvda",
        "RootDeviceType" => "ebs",
        "SecurityGroups" => group(),
        "SourceDestCheck" => true,
        "StateReason" => (!i.running).then(|| obj! {
            "Code" => "Client.UserInitiatedShutdown",
            "Message" => "Client.UserInitiatedShutdown: User initiated shutdown",
        }),
        "Tags" => vec![obj! { "Key" => "Name", "Value" => format!("{}-{}", i.kind.replace('.', "-"), &i.id[2..8]) }],
        "VirtualizationType" => "hvm",
        "CpuOptions" => obj! { "CoreCount" => 1usize, "ThreadsPerCore" => 2usize },
        "CapacityReservationSpecification" => obj! { "CapacityReservationPreference" => "open" },
        "HibernationOptions" => obj! { "Configured" => false },
        "MetadataOptions" => obj! {
            "State" => "applied",
            "HttpTokens" => "required",
            "HttpPutResponseHopLimit" => 2usize,
            "HttpEndpoint" => "enabled",
            "HttpProtocolIpv6" => "disabled",
            "InstanceMetadataTags" => "disabled",
        },
        "EnclaveOptions" => obj! { "Enabled" => false },
        "PlatformDetails" => "Linux/UNIX",
        "UsageOperation" => "RunInstances",
        "UsageOperationUpdateTime" => iso(i.launched / 1000 * 1000),
        "PrivateDnsNameOptions" => obj! {
            "HostnameType" => "ip-name",
            "EnableResourceNameDnsARecord" => false,
            "EnableResourceNameDnsAAAARecord" => false,
        },
        "MaintenanceOptions" => obj! { "AutoRecovery" => "default" },
        "CurrentInstanceBootMode" => "legacy-bios",
        "InstanceId" => &i.id,
        "ImageId" => &i.image,
        "State" => obj! { "Code" => state_code, "Name" => state_name },
        "PrivateDnsName" => &private_dns,
        "PublicDnsName" => "",
        "StateTransitionReason" => if i.running {
            String::new()
        } else {
            format!("User initiated ({} GMT)", iso_z(stopped_at).trim_end_matches('Z').replace('T', " "))
        },
        "AmiLaunchIndex" => 0usize,
        "ProductCodes" => Vec::new(),
        "InstanceType" => i.kind,
        "LaunchTime" => iso(i.launched / 1000 * 1000),
        "Placement" => obj! {
            "GroupName" => "",
            "Tenancy" => "default",
            "AvailabilityZone" => &az,
        },
        "Monitoring" => obj! { "State" => "disabled" },
        "SubnetId" => &region.subnets[i.az],
        "VpcId" => &region.vpc,
        "PrivateIpAddress" => &i.ip,
    };
    obj! {
        "ReservationId" => &i.reservation,
        "OwnerId" => &account.id,
        "Groups" => Vec::new(),
        "Instances" => vec![instance],
    }
}

/// `describe-images --owners self` and each image's launch permissions.
fn images(account: &Account, region: &Region, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let images: Vec<J> = region
        .images
        .iter()
        .map(|i| {
            let s = &region.snapshots[i.snapshot];
            obj! {
                "BlockDeviceMappings" => J::Arr(vec![obj! {
                    "Ebs" => obj! {
                        "DeleteOnTermination" => true,
                        "SnapshotId" => &s.id,
                        "VolumeSize" => s.size,
                        "VolumeType" => "gp3",
                        "Encrypted" => s.enc != Enc::None,
                    },
                    "DeviceName" => "/dev/xvda",
                }]),
                "EnaSupport" => true,
                "Hypervisor" => "xen",
                "Name" => &i.name,
                "RootDeviceName" => "/dev/xvda",
                "RootDeviceType" => "ebs",
                "VirtualizationType" => "hvm",
                "ImageId" => &i.id,
                "ImageLocation" => format!("{}/{}", account.id, i.name),
                "State" => "available",
                "OwnerId" => &account.id,
                "CreationDate" => iso(i.created),
                "Public" => i.public,
                "Architecture" => "x86_64",
                "ImageType" => "machine",
            }
        })
        .collect();
    sink.json(
        &dir.join("describe-images.json"),
        &obj! { "Images" => images },
    )?;
    for i in &region.images {
        let mut permissions = Vec::new();
        if i.public {
            permissions.push(obj! { "Group" => "all" });
        }
        if let Some(other) = &i.shared_with {
            permissions.push(obj! { "UserId" => other });
        }
        sink.json(
            &dir.join(format!("{}.json", file("describe-image-attribute", &i.id))),
            &obj! { "ImageId" => &i.id, "LaunchPermissions" => permissions },
        )?;
    }
    Ok(())
}
