//! S3, global, written under the first region: the buckets, and for each bucket the nine
//! calls `samples/export-account.sh` makes, asked in the bucket's own region. S3 answers in
//! XML, so each answer is written from the SDK's types in the members and names the AWS CLI
//! prints (`--output json`).

use aws_sdk_s3::Client;
use serde_json::{Map, Value};

use super::json::Obj;
use super::{CallError, Out, bounded, file_name, in_region};

type Answer = Result<Map<String, Value>, CallError>;

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, first: &str, concurrency: usize) {
    let home = Client::new(&in_region(config, first));
    let buckets = list_buckets(&home).await;
    let names: Vec<String> = match &buckets {
        Ok(json) => json
            .get("Buckets")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|b| b.get("Name").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    out.write(first, "s3", "list-buckets", "ListBuckets", buckets);
    let answers = bounded(names, concurrency, |name| {
        let (home, config) = (home.clone(), config.clone());
        async move { bucket_calls(&home, &config, &name).await }
    })
    .await;
    for (bucket, calls) in answers {
        for (api, operation, answer) in calls {
            let name = format!("{api}--{}", file_name(&bucket));
            out.write(first, "s3", &name, operation, answer);
        }
    }
}

async fn list_buckets(client: &Client) -> Answer {
    let mut buckets = Vec::new();
    let mut owner = None;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_buckets()
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| CallError::of(&e))?;
        for b in page.buckets() {
            buckets.push(
                Obj::default()
                    .s("Name", b.name())
                    .time("CreationDate", b.creation_date())
                    .s("BucketRegion", b.bucket_region()),
            );
        }
        if owner.is_none() {
            owner = page.owner().map(|o| {
                Obj::default()
                    .s("DisplayName", o.display_name())
                    .s("ID", o.id())
            });
        }
        match page.continuation_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(Obj::default().list("Buckets", buckets).o("Owner", owner).0)
}

/// The nine calls of one bucket, the first in the home region (S3 answers
/// `GetBucketLocation` for any bucket there), the others in the bucket's region.
async fn bucket_calls(
    home: &Client,
    config: &aws_config::SdkConfig,
    bucket: &str,
) -> Vec<(&'static str, &'static str, Answer)> {
    let location = home
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| CallError::of(&e));
    let region = match &location {
        Ok(l) => match l.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(r) => r.to_owned(),
        },
        Err(_) => config
            .region()
            .map_or_else(|| "us-east-1".to_owned(), |r| r.to_string()),
    };
    let location = location.map(|l| {
        let mut m = Map::new();
        let constraint = l
            .location_constraint()
            .map(|c| c.as_str())
            .filter(|c| !c.is_empty());
        m.insert(
            "LocationConstraint".to_owned(),
            constraint.map_or(Value::Null, |c| Value::String(c.to_owned())),
        );
        m
    });
    let c = Client::new(&in_region(config, &region));
    let b = bucket;
    let encryption = c.get_bucket_encryption().bucket(b).send().await;
    let encryption = encryption.map_err(|e| CallError::of(&e)).map(|o| {
        let rules = o
            .server_side_encryption_configuration()
            .map(|conf| {
                conf.rules()
                    .iter()
                    .map(|r| {
                        let default = r.apply_server_side_encryption_by_default().map(|d| {
                            Obj::default()
                                .s("SSEAlgorithm", Some(d.sse_algorithm().as_str()))
                                .s("KMSMasterKeyID", d.kms_master_key_id())
                        });
                        Obj::default()
                            .o("ApplyServerSideEncryptionByDefault", default)
                            .b("BucketKeyEnabled", r.bucket_key_enabled())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let conf = Obj::default().list("Rules", rules);
        Obj::default()
            .o("ServerSideEncryptionConfiguration", Some(conf))
            .0
    });
    let block = c.get_public_access_block().bucket(b).send().await;
    let block = block.map_err(|e| CallError::of(&e)).map(|o| {
        let conf = o.public_access_block_configuration().map(|p| {
            block_settings([
                p.block_public_acls(),
                p.ignore_public_acls(),
                p.block_public_policy(),
                p.restrict_public_buckets(),
            ])
        });
        Obj::default().o("PublicAccessBlockConfiguration", conf).0
    });
    let policy = c.get_bucket_policy().bucket(b).send().await;
    let policy = policy
        .map_err(|e| CallError::of(&e))
        .map(|o| Obj::default().s("Policy", o.policy()).0);
    let status = c.get_bucket_policy_status().bucket(b).send().await;
    let status = status.map_err(|e| CallError::of(&e)).map(|o| {
        let s = o
            .policy_status()
            .map(|s| Obj::default().b("IsPublic", s.is_public()));
        Obj::default().o("PolicyStatus", s).0
    });
    let acl = c.get_bucket_acl().bucket(b).send().await;
    let acl = acl.map_err(|e| CallError::of(&e)).map(|o| {
        let owner = o.owner().map(|w| {
            Obj::default()
                .s("DisplayName", w.display_name())
                .s("ID", w.id())
        });
        let grants = o
            .grants()
            .iter()
            .map(|g| {
                let grantee = g.grantee().map(|e| {
                    Obj::default()
                        .s("DisplayName", e.display_name())
                        .s("EmailAddress", e.email_address())
                        .s("ID", e.id())
                        .s("Type", Some(e.r#type().as_str()))
                        .s("URI", e.uri())
                });
                Obj::default()
                    .o("Grantee", grantee)
                    .s("Permission", g.permission().map(|p| p.as_str()))
            })
            .collect();
        Obj::default().o("Owner", owner).list("Grants", grants).0
    });
    let ownership = c.get_bucket_ownership_controls().bucket(b).send().await;
    let ownership = ownership.map_err(|e| CallError::of(&e)).map(|o| {
        let controls = o.ownership_controls().map(|oc| {
            let rules = oc
                .rules()
                .iter()
                .map(|r| Obj::default().s("ObjectOwnership", Some(r.object_ownership().as_str())))
                .collect();
            Obj::default().list("Rules", rules)
        });
        Obj::default().o("OwnershipControls", controls).0
    });
    let versioning = c.get_bucket_versioning().bucket(b).send().await;
    let versioning = versioning.map_err(|e| CallError::of(&e)).map(|o| {
        Obj::default()
            .s("Status", o.status().map(|s| s.as_str()))
            .s("MFADelete", o.mfa_delete().map(|m| m.as_str()))
            .0
    });
    let replication = c.get_bucket_replication().bucket(b).send().await;
    let replication = replication.map_err(|e| CallError::of(&e)).map(|o| {
        Obj::default()
            .o(
                "ReplicationConfiguration",
                o.replication_configuration().map(replication_json),
            )
            .0
    });
    vec![
        ("get-bucket-location", "GetBucketLocation", location),
        ("get-bucket-encryption", "GetBucketEncryption", encryption),
        ("get-public-access-block", "GetPublicAccessBlock", block),
        ("get-bucket-policy", "GetBucketPolicy", policy),
        ("get-bucket-policy-status", "GetBucketPolicyStatus", status),
        ("get-bucket-acl", "GetBucketAcl", acl),
        (
            "get-bucket-ownership-controls",
            "GetBucketOwnershipControls",
            ownership,
        ),
        ("get-bucket-versioning", "GetBucketVersioning", versioning),
        (
            "get-bucket-replication",
            "GetBucketReplication",
            replication,
        ),
    ]
}

/// A public access block's four settings (a bucket's or the account's), in their order.
fn block_settings(values: [Option<bool>; 4]) -> Obj {
    let names = [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ];
    names
        .into_iter()
        .zip(values)
        .fold(Obj::default(), |o, (name, v)| o.b(name, v))
}

fn status(value: Option<&str>) -> Option<Obj> {
    value.map(|s| Obj::default().s("Status", Some(s)))
}

fn tag(t: &aws_sdk_s3::types::Tag) -> Obj {
    Obj::default()
        .s("Key", Some(t.key()))
        .s("Value", Some(t.value()))
}

fn replication_json(conf: &aws_sdk_s3::types::ReplicationConfiguration) -> Obj {
    let rules = conf
        .rules()
        .iter()
        .map(|r| {
            let filter = r.filter().map(|f| {
                let and = f.and().map(|a| {
                    Obj::default()
                        .s("Prefix", a.prefix())
                        .list("Tags", a.tags().iter().map(tag).collect())
                });
                Obj::default()
                    .s("Prefix", f.prefix())
                    .o("Tag", f.tag().map(tag))
                    .o("And", and)
            });
            let criteria = r.source_selection_criteria().map(|c| {
                Obj::default()
                    .o(
                        "SseKmsEncryptedObjects",
                        status(c.sse_kms_encrypted_objects().map(|s| s.status().as_str())),
                    )
                    .o(
                        "ReplicaModifications",
                        status(c.replica_modifications().map(|s| s.status().as_str())),
                    )
            });
            let destination = r.destination().map(|d| {
                let encryption = d
                    .encryption_configuration()
                    .map(|e| Obj::default().s("ReplicaKmsKeyID", e.replica_kms_key_id()));
                let translation = d
                    .access_control_translation()
                    .map(|t| Obj::default().s("Owner", Some(t.owner().as_str())));
                Obj::default()
                    .s("Bucket", Some(d.bucket()))
                    .s("Account", d.account())
                    .s("StorageClass", d.storage_class().map(|s| s.as_str()))
                    .o("AccessControlTranslation", translation)
                    .o("EncryptionConfiguration", encryption)
                    .o(
                        "ReplicationTime",
                        status(d.replication_time().map(|t| t.status().as_str())),
                    )
                    .o("Metrics", status(d.metrics().map(|m| m.status().as_str())))
            });
            Obj::default()
                .s("ID", r.id())
                .n("Priority", r.priority())
                // Replication's first schema, still answered for old rules.
                .s(
                    "Prefix",
                    #[allow(deprecated)]
                    r.prefix(),
                )
                .o("Filter", filter)
                .s("Status", Some(r.status().as_str()))
                .o("SourceSelectionCriteria", criteria)
                .o(
                    "ExistingObjectReplication",
                    status(r.existing_object_replication().map(|e| e.status().as_str())),
                )
                .o("Destination", destination)
                .o(
                    "DeleteMarkerReplication",
                    status(
                        r.delete_marker_replication()
                            .and_then(|d| d.status())
                            .map(|s| s.as_str()),
                    ),
                )
        })
        .collect();
    Obj::default()
        .s("Role", Some(conf.role()))
        .list("Rules", rules)
}

/// The account's own S3 public access block (S3 Control), global, under the first region.
pub async fn account_block(config: &aws_config::SdkConfig, out: &Out, first: &str, account: &str) {
    let client = aws_sdk_s3control::Client::new(&in_region(config, first));
    let answer = client
        .get_public_access_block()
        .account_id(account)
        .send()
        .await;
    let answer = answer.map_err(|e| CallError::of(&e)).map(|o| {
        let conf = o.public_access_block_configuration().map(|p| {
            block_settings([
                p.block_public_acls(),
                p.ignore_public_acls(),
                p.block_public_policy(),
                p.restrict_public_buckets(),
            ])
        });
        Obj::default().o("PublicAccessBlockConfiguration", conf).0
    });
    let api = "get-public-access-block";
    out.write(first, "s3control", api, "GetPublicAccessBlock", answer);
}
