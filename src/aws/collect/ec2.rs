//! EC2 in one region: volumes, the account's snapshots and AMIs with who may use them,
//! instances, and the EBS defaults, as `samples/export-account.sh` asks for them. EC2
//! answers in XML: each answer is written from the SDK's types in the CLI's member names.
//! Instances are written with the members atrest keeps (what an instance is and which
//! volumes it runs on, docs/resources.md), not their network interfaces and the rest.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{BlockDeviceMapping, Image, Instance, Snapshot, Tag, Volume};
use serde_json::{Map, Value};

use super::json::Obj;
use super::{CallError, Out, bounded, file_name, in_region};

type Answer = Result<Map<String, Value>, CallError>;

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, region: &str, concurrency: usize) {
    let client = Client::new(&in_region(config, region));

    let volumes = pages(&client, Listed::Volumes).await;
    out.write(
        region,
        "ec2",
        "describe-volumes",
        "DescribeVolumes",
        volumes.answer,
    );

    let snapshots = pages(&client, Listed::Snapshots).await;
    out.write(
        region,
        "ec2",
        "describe-snapshots",
        "DescribeSnapshots",
        snapshots.answer,
    );
    let shared = bounded(snapshots.ids, concurrency, |id| {
        let client = client.clone();
        async move { snapshot_permissions(&client, &id).await }
    })
    .await;
    for (id, answer) in shared {
        let file = format!("describe-snapshot-attribute--{}", file_name(&id));
        out.write(region, "ec2", &file, "DescribeSnapshotAttribute", answer);
    }

    let images = pages(&client, Listed::Images).await;
    out.write(
        region,
        "ec2",
        "describe-images",
        "DescribeImages",
        images.answer,
    );
    let launch = bounded(images.ids, concurrency, |id| {
        let client = client.clone();
        async move { launch_permissions(&client, &id).await }
    })
    .await;
    for (id, answer) in launch {
        let file = format!("describe-image-attribute--{}", file_name(&id));
        out.write(region, "ec2", &file, "DescribeImageAttribute", answer);
    }

    let instances = pages(&client, Listed::Instances).await;
    out.write(
        region,
        "ec2",
        "describe-instances",
        "DescribeInstances",
        instances.answer,
    );

    let by_default = client.get_ebs_encryption_by_default().send().await;
    let by_default = by_default.map_err(|e| CallError::of(&e)).map(|o| {
        Obj::default()
            .b("EbsEncryptionByDefault", o.ebs_encryption_by_default())
            .s("SseType", o.sse_type().map(|t| t.as_str()))
            .0
    });
    let file = "get-ebs-encryption-by-default";
    out.write(region, "ec2", file, "GetEbsEncryptionByDefault", by_default);
    let key = client.get_ebs_default_kms_key_id().send().await;
    let key = key
        .map_err(|e| CallError::of(&e))
        .map(|o| Obj::default().s("KmsKeyId", o.kms_key_id()).0);
    let file = "get-ebs-default-kms-key-id";
    out.write(region, "ec2", file, "GetEbsDefaultKmsKeyId", key);
    let block = client.get_snapshot_block_public_access_state().send().await;
    let block = block.map_err(|e| CallError::of(&e)).map(|o| {
        Obj::default()
            .s("State", o.state().map(|s| s.as_str()))
            .s("ManagedBy", o.managed_by().map(|m| m.as_str()))
            .0
    });
    let file = "get-snapshot-block-public-access-state";
    out.write(
        region,
        "ec2",
        file,
        "GetSnapshotBlockPublicAccessState",
        block,
    );
}

#[derive(Clone, Copy)]
enum Listed {
    Volumes,
    Snapshots,
    Images,
    Instances,
}

/// A list call's answer, and the ids of what it lists (snapshots, images).
struct Pages {
    answer: Answer,
    ids: Vec<String>,
}

/// Every page of a describe call, the items written as the CLI prints them.
async fn pages(client: &Client, what: Listed) -> Pages {
    let mut items = Vec::new();
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let next = match what {
            Listed::Volumes => {
                let page = client
                    .describe_volumes()
                    .set_next_token(token.take())
                    .send()
                    .await;
                page.map(|p| {
                    items.extend(p.volumes().iter().map(volume));
                    p.next_token().map(str::to_owned)
                })
                .map_err(|e| CallError::of(&e))
            }
            Listed::Snapshots => {
                let ask = client.describe_snapshots().owner_ids("self");
                let page = ask.set_next_token(token.take()).send().await;
                page.map(|p| {
                    ids.extend(
                        p.snapshots()
                            .iter()
                            .filter_map(|s| s.snapshot_id())
                            .map(str::to_owned),
                    );
                    items.extend(p.snapshots().iter().map(snapshot));
                    p.next_token().map(str::to_owned)
                })
                .map_err(|e| CallError::of(&e))
            }
            Listed::Images => {
                let ask = client.describe_images().owners("self");
                let page = ask.set_next_token(token.take()).send().await;
                page.map(|p| {
                    ids.extend(
                        p.images()
                            .iter()
                            .filter_map(|i| i.image_id())
                            .map(str::to_owned),
                    );
                    items.extend(p.images().iter().map(image));
                    p.next_token().map(str::to_owned)
                })
                .map_err(|e| CallError::of(&e))
            }
            Listed::Instances => {
                let page = client
                    .describe_instances()
                    .set_next_token(token.take())
                    .send()
                    .await;
                page.map(|p| {
                    items.extend(p.reservations().iter().map(|r| {
                        Obj::default()
                            .s("ReservationId", r.reservation_id())
                            .s("OwnerId", r.owner_id())
                            .s("RequesterId", r.requester_id())
                            .list(
                                "Groups",
                                r.groups()
                                    .iter()
                                    .map(|g| {
                                        Obj::default()
                                            .s("GroupId", g.group_id())
                                            .s("GroupName", g.group_name())
                                    })
                                    .collect(),
                            )
                            .list("Instances", r.instances().iter().map(instance).collect())
                    }));
                    p.next_token().map(str::to_owned)
                })
                .map_err(|e| CallError::of(&e))
            }
        };
        match next {
            Ok(Some(t)) if !t.is_empty() => token = Some(t),
            Ok(_) => break,
            Err(e) => {
                return Pages {
                    answer: Err(e),
                    ids: Vec::new(),
                };
            }
        }
    }
    let key = match what {
        Listed::Volumes => "Volumes",
        Listed::Snapshots => "Snapshots",
        Listed::Images => "Images",
        Listed::Instances => "Reservations",
    };
    Pages {
        answer: Ok(Obj::default().list(key, items).0),
        ids,
    }
}

fn tags(tags: Option<&Vec<Tag>>) -> Option<Vec<Obj>> {
    tags.map(|list| {
        list.iter()
            .map(|t| Obj::default().s("Key", t.key()).s("Value", t.value()))
            .collect()
    })
}

fn volume(v: &Volume) -> Obj {
    let attachments = v
        .attachments()
        .iter()
        .map(|a| {
            Obj::default()
                .b("DeleteOnTermination", a.delete_on_termination())
                .s("AssociatedResource", a.associated_resource())
                .s("InstanceOwningService", a.instance_owning_service())
                .s("VolumeId", a.volume_id())
                .s("InstanceId", a.instance_id())
                .s("Device", a.device())
                .s("State", a.state().map(|s| s.as_str()))
                .time("AttachTime", a.attach_time())
        })
        .collect();
    let operator = v.operator().map(|o| {
        Obj::default()
            .b("Managed", o.managed())
            .s("Principal", o.principal())
    });
    Obj::default()
        .s("AvailabilityZoneId", v.availability_zone_id())
        .s("OutpostArn", v.outpost_arn())
        .s("SourceVolumeId", v.source_volume_id())
        .n("Iops", v.iops())
        .maybe_list("Tags", tags(v.tags.as_ref()))
        .s("VolumeType", v.volume_type().map(|t| t.as_str()))
        .b("FastRestored", v.fast_restored())
        .b("MultiAttachEnabled", v.multi_attach_enabled())
        .n("Throughput", v.throughput())
        .s("SseType", v.sse_type().map(|t| t.as_str()))
        .o("Operator", operator)
        .n("VolumeInitializationRate", v.volume_initialization_rate())
        .s("VolumeId", v.volume_id())
        .n("Size", v.size())
        .s("SnapshotId", v.snapshot_id())
        .s("AvailabilityZone", v.availability_zone())
        .s("State", v.state().map(|s| s.as_str()))
        .time("CreateTime", v.create_time())
        .maybe_list("Attachments", v.attachments.as_ref().map(|_| attachments))
        .b("Encrypted", v.encrypted())
        .s("KmsKeyId", v.kms_key_id())
}

fn snapshot(s: &Snapshot) -> Obj {
    Obj::default()
        .s("OwnerAlias", s.owner_alias())
        .s("OutpostArn", s.outpost_arn())
        .maybe_list("Tags", tags(s.tags.as_ref()))
        .s("StorageTier", s.storage_tier().map(|t| t.as_str()))
        .time("RestoreExpiryTime", s.restore_expiry_time())
        .s("SseType", s.sse_type().map(|t| t.as_str()))
        .s("AvailabilityZone", s.availability_zone())
        .s("TransferType", s.transfer_type().map(|t| t.as_str()))
        .n("CompletionDurationMinutes", s.completion_duration_minutes())
        .time("CompletionTime", s.completion_time())
        .i64("FullSnapshotSizeInBytes", s.full_snapshot_size_in_bytes())
        .s("SnapshotId", s.snapshot_id())
        .s("VolumeId", s.volume_id())
        .s("State", s.state().map(|t| t.as_str()))
        .s("StateMessage", s.state_message())
        .time("StartTime", s.start_time())
        .s("Progress", s.progress())
        .s("OwnerId", s.owner_id())
        .s("Description", s.description())
        .n("VolumeSize", s.volume_size())
        .b("Encrypted", s.encrypted())
        .s("KmsKeyId", s.kms_key_id())
        .s("DataEncryptionKeyId", s.data_encryption_key_id())
}

fn mapping(m: &BlockDeviceMapping) -> Obj {
    let ebs = m.ebs().map(|e| {
        Obj::default()
            .b("DeleteOnTermination", e.delete_on_termination())
            .n("Iops", e.iops())
            .s("SnapshotId", e.snapshot_id())
            .n("VolumeSize", e.volume_size())
            .s("VolumeType", e.volume_type().map(|t| t.as_str()))
            .s("KmsKeyId", e.kms_key_id())
            .n("Throughput", e.throughput())
            .s("OutpostArn", e.outpost_arn())
            .s("AvailabilityZone", e.availability_zone())
            .b("Encrypted", e.encrypted())
            .n("VolumeInitializationRate", e.volume_initialization_rate())
            .s("AvailabilityZoneId", e.availability_zone_id())
    });
    Obj::default()
        .o("Ebs", ebs)
        .s("NoDevice", m.no_device())
        .s("DeviceName", m.device_name())
        .s("VirtualName", m.virtual_name())
}

fn image(i: &Image) -> Obj {
    let reason = i
        .state_reason()
        .map(|r| Obj::default().s("Code", r.code()).s("Message", r.message()));
    let codes = i.product_codes.as_ref().map(|codes| {
        codes
            .iter()
            .map(|c| {
                Obj::default()
                    .s("ProductCodeId", c.product_code_id())
                    .s("ProductCodeType", c.product_code_type().map(|t| t.as_str()))
            })
            .collect()
    });
    Obj::default()
        .s("PlatformDetails", i.platform_details())
        .s("UsageOperation", i.usage_operation())
        .maybe_list(
            "BlockDeviceMappings",
            i.block_device_mappings
                .as_ref()
                .map(|list| list.iter().map(mapping).collect()),
        )
        .s("Description", i.description())
        .b("EnaSupport", i.ena_support())
        .s("Hypervisor", i.hypervisor().map(|h| h.as_str()))
        .s("ImageOwnerAlias", i.image_owner_alias())
        .s("Name", i.name())
        .s("RootDeviceName", i.root_device_name())
        .s("RootDeviceType", i.root_device_type().map(|t| t.as_str()))
        .s("SriovNetSupport", i.sriov_net_support())
        .o("StateReason", reason)
        .maybe_list("Tags", tags(i.tags.as_ref()))
        .s(
            "VirtualizationType",
            i.virtualization_type().map(|t| t.as_str()),
        )
        .s("BootMode", i.boot_mode().map(|b| b.as_str()))
        .s("TpmSupport", i.tpm_support().map(|t| t.as_str()))
        .s("DeprecationTime", i.deprecation_time())
        .s("ImdsSupport", i.imds_support().map(|t| t.as_str()))
        .s("SourceInstanceId", i.source_instance_id())
        .s("DeregistrationProtection", i.deregistration_protection())
        .s("LastLaunchedTime", i.last_launched_time())
        .b("ImageAllowed", i.image_allowed())
        .s("SourceImageId", i.source_image_id())
        .s("SourceImageRegion", i.source_image_region())
        .b("FreeTierEligible", i.free_tier_eligible())
        .s("ImageId", i.image_id())
        .s("ImageLocation", i.image_location())
        .s("State", i.state().map(|s| s.as_str()))
        .s("OwnerId", i.owner_id())
        .s("CreationDate", i.creation_date())
        .b("Public", i.public())
        .maybe_list("ProductCodes", codes)
        .s("Architecture", i.architecture().map(|a| a.as_str()))
        .s("ImageType", i.image_type().map(|t| t.as_str()))
        .s("KernelId", i.kernel_id())
        .s("RamdiskId", i.ramdisk_id())
        .s("Platform", i.platform().map(|p| p.as_str()))
}

/// The members of an instance atrest keeps.
fn instance(i: &Instance) -> Obj {
    let state = i.state().map(|s| {
        Obj::default()
            .n("Code", s.code())
            .s("Name", s.name().map(|n| n.as_str()))
    });
    let placement = i.placement().map(|p| {
        Obj::default()
            .s("AvailabilityZoneId", p.availability_zone_id())
            .s("Affinity", p.affinity())
            .s("GroupName", p.group_name())
            .n("PartitionNumber", p.partition_number())
            .s("HostId", p.host_id())
            .s("Tenancy", p.tenancy().map(|t| t.as_str()))
            .s("SpreadDomain", p.spread_domain())
            .s("HostResourceGroupArn", p.host_resource_group_arn())
            .s("GroupId", p.group_id())
            .s("AvailabilityZone", p.availability_zone())
    });
    let profile = i
        .iam_instance_profile()
        .map(|p| Obj::default().s("Arn", p.arn()).s("Id", p.id()));
    let mappings = i.block_device_mappings.as_ref().map(|list| {
        list.iter()
            .map(|m| {
                let ebs = m.ebs().map(|e| {
                    Obj::default()
                        .time("AttachTime", e.attach_time())
                        .b("DeleteOnTermination", e.delete_on_termination())
                        .s("Status", e.status().map(|s| s.as_str()))
                        .s("VolumeId", e.volume_id())
                        .s("AssociatedResource", e.associated_resource())
                        .s("VolumeOwnerId", e.volume_owner_id())
                });
                Obj::default()
                    .s("DeviceName", m.device_name())
                    .o("Ebs", ebs)
            })
            .collect()
    });
    Obj::default()
        .s("InstanceId", i.instance_id())
        .s("InstanceType", i.instance_type().map(|t| t.as_str()))
        .s("ImageId", i.image_id())
        .o("State", state)
        .s("StateTransitionReason", i.state_transition_reason())
        .time("LaunchTime", i.launch_time())
        .o("Placement", placement)
        .s("Platform", i.platform().map(|p| p.as_str()))
        .s("PlatformDetails", i.platform_details())
        .o("IamInstanceProfile", profile)
        .s("VpcId", i.vpc_id())
        .s("SubnetId", i.subnet_id())
        .s("RootDeviceName", i.root_device_name())
        .s("RootDeviceType", i.root_device_type().map(|t| t.as_str()))
        .maybe_list("BlockDeviceMappings", mappings)
        .maybe_list("Tags", tags(i.tags.as_ref()))
}

async fn snapshot_permissions(client: &Client, id: &str) -> Answer {
    let ask = client
        .describe_snapshot_attribute()
        .snapshot_id(id)
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission);
    let answer = ask.send().await.map_err(|e| CallError::of(&e))?;
    let permissions = answer
        .create_volume_permissions()
        .iter()
        .map(|p| {
            Obj::default()
                .s("UserId", p.user_id())
                .s("Group", p.group().map(|g| g.as_str()))
        })
        .collect();
    Ok(Obj::default()
        .s("SnapshotId", answer.snapshot_id())
        .list("CreateVolumePermissions", permissions)
        .0)
}

async fn launch_permissions(client: &Client, id: &str) -> Answer {
    let ask = client
        .describe_image_attribute()
        .image_id(id)
        .attribute(aws_sdk_ec2::types::ImageAttributeName::LaunchPermission);
    let answer = ask.send().await.map_err(|e| CallError::of(&e))?;
    let permissions = answer
        .launch_permissions()
        .iter()
        .map(|p| {
            Obj::default()
                .s("OrganizationArn", p.organization_arn())
                .s("OrganizationalUnitArn", p.organizational_unit_arn())
                .s("UserId", p.user_id())
                .s("Group", p.group().map(|g| g.as_str()))
        })
        .collect();
    Ok(Obj::default()
        .s("ImageId", answer.image_id())
        .list("LaunchPermissions", permissions)
        .0)
}
