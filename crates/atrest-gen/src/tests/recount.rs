//! An independent count of the rules, from the files alone: what atrest's rules should find,
//! judged by reading the JSON the way the AWS documentation describes it, not by the plans.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

mod stores;

fn read(path: &Path) -> io::Result<Option<Value>> {
    match fs::read(path) {
        Ok(bytes) if bytes.is_empty() => Ok(Some(Value::Object(Default::default()))),
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(io::Error::other),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn must(path: &Path) -> io::Result<Value> {
    read(path)?.ok_or_else(|| io::Error::other(format!("missing {}", path.display())))
}

fn texts(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern.eq_ignore_ascii_case(text),
        Some((head, rest)) => {
            text.len() >= head.len()
                && text[..head.len()].eq_ignore_ascii_case(head)
                && (head.len()..=text.len()).any(|i| glob(rest, &text[i..]))
        }
    }
}

/// The accounts an `Allow` statement of a key policy names by principal ARN.
fn allowed_accounts(doc: &Value) -> Vec<String> {
    doc["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|st| st["Effect"] == "Allow")
        .flat_map(|st| texts(&st["Principal"]["AWS"]))
        .filter_map(|p| p.split(':').nth(4).map(str::to_owned))
        .filter(|a| !a.is_empty())
        .collect()
}

/// A key policy lets `account` use a snapshot shared with it: one statement naming the
/// account allows every call a share needs.
fn admits_share(doc: &Value, account: &str) -> bool {
    let needed = [
        "kms:DescribeKey",
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
    ];
    doc["Statement"].as_array().into_iter().flatten().any(|st| {
        st["Effect"] == "Allow"
            && texts(&st["Principal"]["AWS"])
                .iter()
                .any(|p| *p == account || p.split(':').nth(4) == Some(account))
            && needed
                .iter()
                .all(|a| texts(&st["Action"]).iter().any(|p| glob(p, a)))
    })
}

#[derive(Default)]
struct Facts {
    public: bool,
    cross: bool,
    deny_kms: bool,
    deny_tls: bool,
    admin_use: bool,
}

fn facts(doc: &Value, own: &str) -> Facts {
    let mut f = Facts::default();
    let (mut admins, mut users) = (Vec::new(), Vec::new());
    for st in doc["Statement"].as_array().into_iter().flatten() {
        let allow = st["Effect"] == "Allow";
        let p = &st["Principal"];
        let everyone = p == "*" || texts(&p["AWS"]).contains(&"*");
        let covers = |action: &str| texts(&st["Action"]).iter().any(|a| glob(a, action));
        let condition = st.get("Condition");
        if allow && everyone && condition.is_none() {
            f.public = true;
        }
        if allow && !everyone {
            for principal in texts(&p["AWS"]) {
                let account = if principal.len() == 12 {
                    Some(principal)
                } else {
                    principal.split(':').nth(4)
                };
                if account.is_some_and(|a| a.len() == 12 && a != own) {
                    f.cross = true;
                }
                if principal.ends_with(":root") {
                    continue;
                }
                if [
                    "kms:PutKeyPolicy",
                    "kms:ScheduleKeyDeletion",
                    "kms:DisableKey",
                ]
                .iter()
                .any(|a| covers(a))
                {
                    admins.push(principal);
                }
                if ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
                    .iter()
                    .any(|a| covers(a))
                {
                    users.push(principal);
                }
            }
        }
        if !allow
            && everyone
            && let Some(c) = condition
        {
            if covers("s3:PutObject")
                && texts(&c["StringNotEquals"]["s3:x-amz-server-side-encryption"]) == ["aws:kms"]
            {
                f.deny_kms = true;
            }
            if texts(&c["Bool"]["aws:SecureTransport"]) == ["false"] {
                f.deny_tls = true;
            }
        }
    }
    f.admin_use = admins.iter().any(|a| users.contains(a));
    f
}

pub(super) fn recount(root: &Path) -> io::Result<BTreeMap<String, usize>> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut hit = |rule: &str| *counts.entry(rule.to_owned()).or_default() += 1;
    let dirs = |p: &Path| -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for e in fs::read_dir(p)? {
            names.push(e?.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    };
    for account in dirs(root)? {
        let adir = root.join(&account);
        let regions = dirs(&adir)?;
        // (region, key id) -> KeyMetadata; key ARN -> KeyMetadata; (region, alias) -> key id.
        let mut keys: BTreeMap<(String, String), Value> = BTreeMap::new();
        let mut by_arn: BTreeMap<String, Value> = BTreeMap::new();
        let mut policies: BTreeMap<String, Value> = BTreeMap::new();
        let mut aliases: BTreeMap<(String, String), String> = BTreeMap::new();
        // Every key's metadata and policy first: a multi-Region replica is judged with its
        // primary, which may be in a region read later.
        let mut primaries: BTreeMap<String, (Value, Value)> = BTreeMap::new();
        for r in &regions {
            let kms = adir.join(r).join("kms");
            for k in must(&kms.join("list-keys.json"))?["Keys"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let id = k["KeyId"].as_str().unwrap_or_default();
                let md =
                    must(&kms.join(format!("describe-key--{id}.json")))?["KeyMetadata"].clone();
                let policy = must(&kms.join(format!("get-key-policy--{id}.json")))?;
                let doc: Value = serde_json::from_str(policy["Policy"].as_str().unwrap_or("{}"))
                    .map_err(io::Error::other)?;
                let arn = md["Arn"].as_str().unwrap_or_default().to_owned();
                primaries.insert(arn, (md, doc));
            }
        }
        for r in &regions {
            let kms = adir.join(r).join("kms");
            for a in must(&kms.join("list-aliases.json"))?["Aliases"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let target = a["TargetKeyId"].as_str().unwrap_or_default().to_owned();
                aliases.insert(
                    (
                        r.clone(),
                        a["AliasName"].as_str().unwrap_or_default().to_owned(),
                    ),
                    target,
                );
            }
            for k in must(&kms.join("list-keys.json"))?["Keys"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let id = k["KeyId"].as_str().unwrap_or_default();
                let md =
                    must(&kms.join(format!("describe-key--{id}.json")))?["KeyMetadata"].clone();
                let policy = must(&kms.join(format!("get-key-policy--{id}.json")))?;
                let doc: Value = serde_json::from_str(policy["Policy"].as_str().unwrap_or("{}"))
                    .map_err(io::Error::other)?;
                let f = facts(&doc, &account);
                let rotation = read(&kms.join(format!("get-key-rotation-status--{id}.json")))?;
                let customer = md["KeyManager"] == "CUSTOMER";
                let config = &md["MultiRegionConfiguration"];
                let replica = config["MultiRegionKeyType"] == "REPLICA";
                let primary = config["PrimaryKey"]["Arn"]
                    .as_str()
                    .filter(|_| replica)
                    .and_then(|arn| primaries.get(arn));
                let of_usable_primary = primary.is_some_and(|(p, _)| p["KeyState"] == "Enabled");
                if customer
                    && md["KeySpec"] == "SYMMETRIC_DEFAULT"
                    && md["Origin"] == "AWS_KMS"
                    && md["KeyState"] == "Enabled"
                    && !replica
                    && rotation
                        .as_ref()
                        .is_some_and(|r| r["KeyRotationEnabled"] == false)
                {
                    hit("kms-key-rotation-disabled");
                }
                if customer && md["KeyState"] == "Disabled" && !of_usable_primary {
                    hit("kms-key-disabled");
                }
                if of_usable_primary
                    && (md["KeyState"] == "Disabled" || md["KeyState"] == "PendingDeletion")
                {
                    hit("kms-replica-key-unusable");
                }
                if let Some((_, primary_doc)) = primary {
                    let theirs = allowed_accounts(primary_doc);
                    if allowed_accounts(&doc)
                        .iter()
                        .any(|a| a != &account && !theirs.contains(a))
                    {
                        hit("kms-replica-policy-wider");
                    }
                }
                if md["KeyState"] == "PendingDeletion" && !of_usable_primary {
                    hit("kms-key-pending-deletion");
                }
                if md["KeyState"] == "PendingImport" {
                    hit("kms-key-pending-import");
                }
                // Generated material expires before 2026 or in 2100; the scan runs later.
                if md["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
                    && md["ValidTo"].as_str().is_some_and(|t| t < "2026")
                    && md["KeyState"] != "PendingImport"
                {
                    hit("kms-key-material-expiring");
                }
                if let Some(r) = &rotation
                    && !replica
                    && r["KeyRotationEnabled"] == true
                    && r["RotationPeriodInDays"].as_u64().is_some_and(|d| d > 365)
                {
                    hit("kms-key-rotation-period-long");
                }
                if f.public {
                    hit("kms-key-policy-public");
                }
                if f.cross {
                    hit("kms-key-policy-cross-account");
                }
                if customer && f.admin_use {
                    hit("kms-key-admins-can-use");
                }
                by_arn.insert(
                    md["Arn"].as_str().unwrap_or_default().to_owned(),
                    md.clone(),
                );
                policies.insert(md["Arn"].as_str().unwrap_or_default().to_owned(), doc);
                keys.insert((r.clone(), id.to_owned()), md);
            }
        }
        let resolve = |region: &str, reference: &str| -> Option<&Value> {
            if let Some((head, alias)) = reference.split_once(":alias/") {
                let r = head.split(':').nth(3)?.to_owned();
                let id = aliases.get(&(r.clone(), format!("alias/{alias}")))?;
                keys.get(&(r, id.clone()))
            } else if reference.starts_with("arn:") {
                by_arn.get(reference)
            } else {
                keys.get(&(region.to_owned(), reference.to_owned()))
            }
        };
        let unusable = |md: Option<&Value>| {
            md.is_some_and(|m| {
                ["Disabled", "PendingDeletion", "PendingImport"]
                    .contains(&m["KeyState"].as_str().unwrap_or_default())
            })
        };

        let first = regions
            .iter()
            .find(|r| adir.join(r).join("s3").is_dir())
            .ok_or_else(|| io::Error::other("no s3 directory"))?;
        let s3 = adir.join(first).join("s3");
        let flags = [
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        ];
        let account_pab = read(
            &adir
                .join(first)
                .join("s3control/get-public-access-block.json"),
        )?
        .map(|v| v["PublicAccessBlockConfiguration"].clone())
        .unwrap_or(Value::Null);
        let mut public_buckets = Vec::new();
        for b in must(&s3.join("list-buckets.json"))?["Buckets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = b["Name"].as_str().unwrap_or_default();
            let region = b["BucketRegion"].as_str().unwrap_or_default();
            let path = |api: &str| s3.join(format!("{api}--{name}.json"));
            let pab = read(&path("get-public-access-block"))?
                .map(|v| v["PublicAccessBlockConfiguration"].clone())
                .unwrap_or(Value::Null);
            let eff = |flag: &str| pab[flag] == true || account_pab[flag] == true;
            match read(&path("get-bucket-encryption"))? {
                None => hit("s3-bucket-default-encryption-not-kms"),
                Some(v) => {
                    let rule = &v["ServerSideEncryptionConfiguration"]["Rules"][0];
                    let default = &rule["ApplyServerSideEncryptionByDefault"];
                    if default["SSEAlgorithm"] == "AES256" {
                        hit("s3-bucket-default-encryption-not-kms");
                    }
                    if default["SSEAlgorithm"] == "aws:kms" {
                        if rule["BucketKeyEnabled"] != true {
                            hit("s3-bucket-kms-without-bucket-key");
                        }
                        if let Some(k) = default["KMSMasterKeyID"].as_str()
                            && unusable(resolve(region, k))
                        {
                            hit("s3-bucket-default-key-unusable");
                        }
                    }
                }
            }
            let f = match read(&path("get-bucket-policy"))? {
                Some(v) => facts(
                    &serde_json::from_str(v["Policy"].as_str().unwrap_or("{}"))
                        .map_err(io::Error::other)?,
                    &account,
                ),
                None => Facts::default(),
            };
            if !f.deny_kms {
                hit("s3-bucket-policy-allows-unencrypted-uploads");
            }
            if !f.deny_tls {
                hit("s3-bucket-tls-not-required");
            }
            let acl = must(&path("get-bucket-acl"))?;
            let acl_public = acl["Grants"].as_array().into_iter().flatten().any(|g| {
                let uri = g["Grantee"]["URI"].as_str().unwrap_or_default();
                uri.ends_with("/AllUsers") || uri.ends_with("/AuthenticatedUsers")
            });
            let mut public = false;
            if acl_public && !eff("IgnorePublicAcls") {
                hit("s3-bucket-acl-public");
                public = true;
            }
            if f.public && !eff("RestrictPublicBuckets") {
                hit("s3-bucket-policy-public");
                public = true;
            }
            if public {
                public_buckets.push(name.to_owned());
            }
            if f.cross {
                hit("s3-bucket-policy-cross-account");
            }
            if !flags.iter().all(|f| eff(f)) {
                hit("s3-bucket-public-access-block-off");
            }
            let ownership = read(&path("get-bucket-ownership-controls"))?;
            if ownership.is_none_or(|o| {
                o["OwnershipControls"]["Rules"][0]["ObjectOwnership"] != "BucketOwnerEnforced"
            }) {
                hit("s3-bucket-acls-enabled");
            }
        }
        // Replication, judged against the destination bucket when it is one of these.
        let mut sse: BTreeMap<String, (String, String)> = BTreeMap::new();
        let listed = must(&s3.join("list-buckets.json"))?;
        let listed: Vec<&Value> = listed["Buckets"].as_array().into_iter().flatten().collect();
        for b in &listed {
            let name = b["Name"].as_str().unwrap_or_default();
            let algorithm = read(&s3.join(format!("get-bucket-encryption--{name}.json")))?
                .and_then(|v| {
                    v["ServerSideEncryptionConfiguration"]["Rules"][0]
                        ["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
                        .as_str()
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| "none".to_owned());
            let region = b["BucketRegion"].as_str().unwrap_or_default().to_owned();
            sse.insert(format!("arn:aws:s3:::{name}"), (region, algorithm));
        }
        for b in &listed {
            let name = b["Name"].as_str().unwrap_or_default();
            let Some(v) = read(&s3.join(format!("get-bucket-replication--{name}.json")))? else {
                continue;
            };
            let source_kms = sse[&format!("arn:aws:s3:::{name}")]
                .1
                .starts_with("aws:kms");
            let mut fired = [false; 5];
            for rule in v["ReplicationConfiguration"]["Rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["Status"] == "Enabled")
            {
                let kms_objects = rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"]
                    == "Enabled";
                let dest = sse.get(rule["Destination"]["Bucket"].as_str().unwrap_or_default());
                let key =
                    rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"].as_str();
                fired[0] |= source_kms && !kms_objects;
                fired[1] |= kms_objects && key.is_none();
                if let Some(key) = key {
                    fired[2] |= unusable(by_arn.get(key));
                    let key_region = key.split(':').nth(3).unwrap_or_default();
                    fired[3] |= dest.is_some_and(|(region, _)| region != key_region);
                } else {
                    fired[4] |= source_kms && dest.is_some_and(|(_, a)| !a.starts_with("aws:kms"));
                }
            }
            for (rule, fired) in [
                "s3-bucket-replication-skips-kms-objects",
                "s3-bucket-replication-no-replica-key",
                "s3-bucket-replication-replica-key-unusable",
                "s3-bucket-replication-replica-key-wrong-region",
                "s3-bucket-replication-drops-encryption",
            ]
            .into_iter()
            .zip(fired)
            {
                if fired {
                    hit(rule);
                }
            }
        }
        for r in &regions {
            let ec2 = adir.join(r).join("ec2");
            let aws_ebs = aliases.get(&(r.clone(), "alias/aws/ebs".to_owned()));
            let mut attached = Vec::new();
            for res in must(&ec2.join("describe-instances.json"))?["Reservations"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for i in res["Instances"].as_array().into_iter().flatten() {
                    for m in i["BlockDeviceMappings"].as_array().into_iter().flatten() {
                        attached.push((i["InstanceId"].clone(), m["Ebs"]["VolumeId"].clone()));
                    }
                }
            }
            let mut volume_ids = Vec::new();
            for v in must(&ec2.join("describe-volumes.json"))?["Volumes"]
                .as_array()
                .into_iter()
                .flatten()
            {
                volume_ids.push(v["VolumeId"].clone());
                for at in v["Attachments"].as_array().into_iter().flatten() {
                    assert!(attached.contains(&(at["InstanceId"].clone(), v["VolumeId"].clone())));
                }
                let md = v["KmsKeyId"].as_str().and_then(|k| resolve(r, k));
                if v["Encrypted"] == false {
                    hit("ebs-volume-unencrypted");
                    continue;
                }
                let md =
                    md.ok_or_else(|| io::Error::other(format!("volume key not found: {v}")))?;
                if unusable(Some(md)) {
                    hit("ebs-volume-key-unusable");
                }
                if md["KeyId"].as_str() == aws_ebs.map(String::as_str) {
                    hit("ebs-volume-aws-managed-key");
                }
            }
            assert_eq!(
                attached.len(),
                attached
                    .iter()
                    .filter(|(_, v)| volume_ids.contains(v))
                    .count()
            );
            let mut snapshot_of: BTreeMap<String, Value> = BTreeMap::new();
            for s in must(&ec2.join("describe-snapshots.json"))?["Snapshots"]
                .as_array()
                .into_iter()
                .flatten()
            {
                snapshot_of.insert(
                    s["SnapshotId"].as_str().unwrap_or_default().to_owned(),
                    s.clone(),
                );
                assert!(volume_ids.contains(&s["VolumeId"]) || s["VolumeId"] == "vol-ffffffff");
                if s["Encrypted"] == false {
                    hit("ebs-snapshot-unencrypted");
                } else if unusable(s["KmsKeyId"].as_str().and_then(|k| resolve(r, k))) {
                    hit("ebs-snapshot-key-unusable");
                }
                let id = s["SnapshotId"].as_str().unwrap_or_default();
                let attr = must(&ec2.join(format!("describe-snapshot-attribute--{id}.json")))?;
                if attr["CreateVolumePermissions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["Group"] == "all")
                {
                    hit("ebs-snapshot-public");
                }
                let shared: Vec<&str> = attr["CreateVolumePermissions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["UserId"].as_str())
                    .collect();
                let key = s["KmsKeyId"].as_str().and_then(|k| resolve(r, k));
                if s["Encrypted"] == true
                    && let Some(md) = key
                    && shared.iter().any(|account| {
                        md["KeyManager"] == "AWS"
                            || !admits_share(
                                &policies[md["Arn"].as_str().unwrap_or_default()],
                                account,
                            )
                    })
                {
                    hit("ebs-snapshot-shared-key-not-shared");
                }
            }
            // AMIs: judged through the snapshot behind each block device.
            for i in must(&ec2.join("describe-images.json"))?["Images"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let id = i["ImageId"].as_str().unwrap_or_default();
                let attr = must(&ec2.join(format!("describe-image-attribute--{id}.json")))?;
                let perms = attr["LaunchPermissions"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if i["Public"] == true || perms.iter().any(|p| p["Group"] == "all") {
                    hit("ec2-image-public");
                }
                let shared: Vec<&str> = perms.iter().filter_map(|p| p["UserId"].as_str()).collect();
                for m in i["BlockDeviceMappings"].as_array().into_iter().flatten() {
                    let Some(s) = m["Ebs"]["SnapshotId"]
                        .as_str()
                        .and_then(|s| snapshot_of.get(s))
                    else {
                        continue;
                    };
                    if s["Encrypted"] == false {
                        hit("ec2-image-unencrypted");
                        continue;
                    }
                    let key = s["KmsKeyId"].as_str().and_then(|k| resolve(r, k));
                    if unusable(key) {
                        hit("ec2-image-key-unusable");
                    }
                    if let Some(md) = key
                        && shared.iter().any(|account| {
                            md["KeyManager"] == "AWS"
                                || !admits_share(
                                    &policies[md["Arn"].as_str().unwrap_or_default()],
                                    account,
                                )
                        })
                    {
                        hit("ec2-image-shared-key-not-shared");
                    }
                }
            }
            super::recount_rds::recount_rds(
                &adir.join(r).join("rds"),
                &|arn| by_arn.get(arn).cloned(),
                &mut |rule| hit(&rule),
            )?;
            if must(&ec2.join("get-ebs-encryption-by-default.json"))?["EbsEncryptionByDefault"]
                == false
            {
                hit("ebs-encryption-by-default-off");
            }
            let lookup = |reference: &str| -> Option<Value> {
                if reference.starts_with("alias/") {
                    let id = aliases.get(&(r.clone(), reference.to_owned()))?;
                    keys.get(&(r.clone(), id.clone())).cloned()
                } else {
                    resolve(r, reference).cloned()
                }
            };
            stores::recount(&adir.join(r), &lookup, &mut hit)?;
            let ct = adir.join(r).join("cloudtrail");
            for t in must(&ct.join("describe-trails.json"))?["trailList"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if t["HomeRegion"] != r.as_str() {
                    continue;
                }
                let name = t["Name"].as_str().unwrap_or_default();
                match t["KmsKeyId"].as_str() {
                    None => hit("cloudtrail-trail-not-kms-encrypted"),
                    Some(k) => assert!(by_arn.contains_key(k)),
                }
                if t["LogFileValidationEnabled"] == false {
                    hit("cloudtrail-trail-log-validation-off");
                }
                if t["IsMultiRegionTrail"] == false {
                    hit("cloudtrail-trail-not-multi-region");
                }
                if must(&ct.join(format!("get-trail-status--{name}.json")))?["IsLogging"] == false {
                    hit("cloudtrail-trail-not-logging");
                }
                let sel = must(&ct.join(format!("get-event-selectors--{name}.json")))?;
                let classic = sel["EventSelectors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| {
                        e["DataResources"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|d| d["Type"] == "AWS::S3::Object")
                    });
                let advanced = sel["AdvancedEventSelectors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| {
                        a["FieldSelectors"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|f| {
                                f["Field"] == "resources.type"
                                    && texts(&f["Equals"]).contains(&"AWS::S3::Object")
                            })
                    });
                if !classic && !advanced {
                    hit("cloudtrail-trail-no-s3-data-events");
                }
                if public_buckets
                    .iter()
                    .any(|b| t["S3BucketName"] == b.as_str())
                {
                    hit("cloudtrail-trail-bucket-public");
                }
            }
            // DynamoDB, SQS, SNS: a key named by ARN, alias ARN, id or alias name; an AWS
            // managed key by its `alias/aws/...` name or `KeyManager`.
            let named = |reference: &str| -> Option<&Value> {
                if reference.starts_with("alias/") {
                    let id = aliases.get(&(r.clone(), reference.to_owned()))?;
                    keys.get(&(r.clone(), id.clone()))
                } else {
                    resolve(r, reference)
                }
            };
            // The rule a resource on key `reference` gives: AWS managed, unusable, or none.
            let on_key = |reference: &str, rules: [&'static str; 2]| -> io::Result<&'static str> {
                if reference.starts_with("alias/aws/") {
                    return Ok(rules[0]);
                }
                let md = named(reference)
                    .ok_or_else(|| io::Error::other(format!("key not found: {reference}")))?;
                Ok(if md["KeyManager"] == "AWS" {
                    rules[0]
                } else if unusable(Some(md)) {
                    rules[1]
                } else {
                    ""
                })
            };
            // A queue's or topic's `Policy` attribute, public by the KMS/S3 reading of it.
            let policy_public = |attributes: &Value| -> io::Result<bool> {
                let Some(text) = attributes["Policy"].as_str() else {
                    return Ok(false);
                };
                let doc: Value = serde_json::from_str(text).map_err(io::Error::other)?;
                Ok(facts(&doc, &account).public)
            };
            let mut hit_some = |rule: &str| {
                if !rule.is_empty() {
                    hit(rule);
                }
            };
            let ddb = adir.join(r).join("dynamodb");
            for name in texts(&must(&ddb.join("list-tables.json"))?["TableNames"]) {
                let t = must(&ddb.join(format!("describe-table--{name}.json")))?["Table"].clone();
                match t["SSEDescription"]["KMSMasterKeyArn"].as_str() {
                    None => hit_some("dynamodb-table-aws-owned-key"),
                    Some(_) if t["TableStatus"] == "INACCESSIBLE_ENCRYPTION_CREDENTIALS" => {
                        hit_some("dynamodb-table-key-unusable")
                    }
                    Some(k) => hit_some(on_key(
                        k,
                        [
                            "dynamodb-table-aws-managed-key",
                            "dynamodb-table-key-unusable",
                        ],
                    )?),
                }
            }
            let sqs = adir.join(r).join("sqs");
            for url in texts(&must(&sqs.join("list-queues.json"))?["QueueUrls"]) {
                let name = url.rsplit('/').next().unwrap_or_default();
                let a =
                    must(&sqs.join(format!("get-queue-attributes--{name}.json")))?["Attributes"]
                        .clone();
                match a["KmsMasterKeyId"].as_str() {
                    Some(k) => hit_some(on_key(
                        k,
                        ["sqs-queue-aws-managed-key", "sqs-queue-key-unusable"],
                    )?),
                    None if a["SqsManagedSseEnabled"] == "true" => {
                        hit_some("sqs-queue-aws-owned-key")
                    }
                    None => hit_some("sqs-queue-unencrypted"),
                }
                if policy_public(&a)? {
                    hit_some("sqs-queue-policy-public");
                }
            }
            let sns = adir.join(r).join("sns");
            for t in must(&sns.join("list-topics.json"))?["Topics"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let name = t["TopicArn"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit(':')
                    .next();
                let file = format!("get-topic-attributes--{}.json", name.unwrap_or_default());
                let a = must(&sns.join(file))?["Attributes"].clone();
                match a["KmsMasterKeyId"].as_str() {
                    Some(k) => hit_some(on_key(
                        k,
                        ["sns-topic-aws-managed-key", "sns-topic-key-unusable"],
                    )?),
                    None => hit_some("sns-topic-not-kms-encrypted"),
                }
                if policy_public(&a)? {
                    hit_some("sns-topic-policy-public");
                }
            }
        }
    }
    Ok(counts)
}
