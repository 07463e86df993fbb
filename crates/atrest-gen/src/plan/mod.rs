//! Plans: what each generated resource is, every choice the seeded PRNG made for it, before
//! anything is written. `render` writes the files from a plan, `oracle` counts its findings.

pub(crate) mod buckets;
pub(crate) mod data;
pub(crate) mod images;
pub(crate) mod instances;
pub(crate) mod keys;
pub(crate) mod rds;
pub(crate) mod snapshots;
pub(crate) mod stores;
pub(crate) mod trails;
pub(crate) mod volumes;

use crate::Spec;
use crate::ids::{TAG_ACCOUNT, TAG_AMI, TAG_BUCKET, TAG_NET, TAG_REGION, account_id, ec2_id};
use crate::rng::Rng;
use buckets::{Bucket, plan_bucket, plan_replication};
use data::{DataEnc, KeyName, Queue, Table, Topic, plan_queue, plan_table, plan_topic};
use images::{Image, plan_images};
use instances::{Instance, plan_instance};
use keys::{Key, aws_managed_key, plan_key};
use rds::{DbCluster, DbInstance, DbSnapshot, RdsEnc};
use snapshots::{Snapshot, plan_snapshot};
use stores::{
    FileSystem, Keys, Parameter, Protection, Secret, plan_file_system, plan_parameter, plan_secret,
};
use trails::{Trail, plan_trail};
use volumes::{Attachment, Enc, Volume, plan_volume};

/// One (account, region) of the export and what it holds.
pub(crate) struct Region {
    pub(crate) name: String,
    /// Customer managed keys.
    pub(crate) keys: Vec<Key>,
    pub(crate) aws_ebs: Key,
    pub(crate) aws_s3: Key,
    pub(crate) aws_dynamodb: Key,
    pub(crate) aws_rds: Key,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) snapshots: Vec<Snapshot>,
    /// AMIs made from the snapshots.
    pub(crate) images: Vec<Image>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) file_systems: Vec<FileSystem>,
    pub(crate) secrets: Vec<Secret>,
    pub(crate) parameters: Vec<Parameter>,
    /// The AWS managed keys of EFS, Secrets Manager and Systems Manager, which AWS creates on
    /// their first use: none in a region where nothing uses them.
    pub(crate) aws_efs: Option<Key>,
    pub(crate) aws_secrets: Option<Key>,
    pub(crate) aws_ssm: Option<Key>,
    pub(crate) tables: Vec<Table>,
    pub(crate) queues: Vec<Queue>,
    pub(crate) topics: Vec<Topic>,
    /// `EbsEncryptionByDefault`.
    pub(crate) ebs_default: bool,
    /// `get-ebs-default-kms-key-id`: a customer key (index) or `alias/aws/ebs`.
    pub(crate) ebs_default_key: Option<usize>,
    pub(crate) vpc: String,
    pub(crate) subnets: [String; 3],
    pub(crate) security_group: String,
    pub(crate) db_clusters: Vec<DbCluster>,
    pub(crate) db_instances: Vec<DbInstance>,
    pub(crate) db_snapshots: Vec<DbSnapshot>,
    pub(crate) db_cluster_snapshots: Vec<DbSnapshot>,
}

impl Region {
    pub(crate) fn symmetric_keys(&self, usable: bool) -> Vec<usize> {
        (0..self.keys.len())
            .filter(|&k| self.keys[k].symmetric() && self.keys[k].unusable() != usable)
            .collect()
    }

    /// The ARN of a customer key or, for `None`, of `aws/ebs`.
    pub(crate) fn ebs_key_arn(&self, enc: Enc) -> Option<&str> {
        enc.key(self).map(|k| k.arn.as_str())
    }

    /// Every KMS key of the region: customer managed, then AWS managed.
    pub(crate) fn all_keys(&self) -> impl Iterator<Item = &Key> {
        self.keys
            .iter()
            .chain([
                &self.aws_ebs,
                &self.aws_s3,
                &self.aws_dynamodb,
                &self.aws_rds,
            ])
            .chain(self.aws_efs.iter())
            .chain(self.aws_secrets.iter())
            .chain(self.aws_ssm.iter())
    }

    /// The key of an RDS resource: a customer key or `aws/rds`; none when unencrypted.
    pub(crate) fn rds_key(&self, enc: RdsEnc) -> Option<&Key> {
        match enc {
            RdsEnc::None => None,
            RdsEnc::AwsRds => Some(&self.aws_rds),
            RdsEnc::Customer(k) => Some(&self.keys[k]),
        }
    }

    /// A DB instance's encryption: its cluster's when it is a member.
    pub(crate) fn db_instance_enc(&self, i: &DbInstance) -> RdsEnc {
        i.cluster.map_or(i.enc, |c| self.db_clusters[c].enc)
    }
}

/// One account of the export.
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) canonical: String,
    pub(crate) user_id: String,
    /// The account's public access block (`s3control`); `None`: not configured.
    pub(crate) pab: Option<[bool; 4]>,
    pub(crate) regions: Vec<Region>,
    pub(crate) buckets: Vec<Bucket>,
    pub(crate) trail: Trail,
}

impl Account {
    pub(crate) fn bucket_public(&self, b: usize) -> bool {
        let bucket = &self.buckets[b];
        bucket.acl_public(self.pab) || bucket.policy_public(self.pab)
    }

    pub(crate) fn resources(&self) -> usize {
        let regional: usize = self
            .regions
            .iter()
            .map(|r| {
                r.all_keys().count()
                    + r.volumes.len()
                    + r.snapshots.len()
                    + r.images.len()
                    + r.instances.len()
                    + r.file_systems.len()
                    + r.secrets.len()
                    + r.parameters.len()
                    + r.tables.len()
                    + r.queues.len()
                    + r.topics.len()
                    + r.db_clusters.len()
                    + r.db_instances.len()
                    + r.db_snapshots.len()
                    + r.db_cluster_snapshots.len()
            })
            .sum();
        self.buckets.len() + regional + 1
    }
}

/// `n` split over `parts`: the share of part `i`.
fn share(n: usize, parts: usize, i: usize) -> usize {
    n / parts + usize::from(i < n % parts)
}

/// The plan of account `a` of `spec`: its id, public access block, regions, buckets, trail.
pub(crate) fn account(spec: &Spec, a: usize) -> Account {
    let seed = spec.seed;
    let mut rng = Rng::stream(seed, TAG_ACCOUNT, a, 0, 0);
    let id = account_id(seed, a as u64);
    let canonical = (0..4)
        .map(|_| format!("{:016x}", rng.next()))
        .collect::<String>();
    let user_id = format!("AIDA{:016X}", rng.next() >> 1);
    // The first account has no account-wide public access block, so that the public buckets
    // planted there show; others vary.
    let pab = if a == 0 {
        None
    } else {
        rng.weighted(&[
            (50, Some([true; 4])),
            (25, None),
            (25, Some([true, true, false, false])),
        ])
    };
    let pairs = spec.accounts * spec.regions.len();
    let mut regions: Vec<Region> = spec
        .regions
        .iter()
        .enumerate()
        .map(|(r, name)| {
            let p = a * spec.regions.len() + r;
            let counts = [
                share(spec.keys, pairs, p),
                share(spec.volumes, pairs, p),
                share(spec.snapshots, pairs, p),
                share(spec.instances, pairs, p),
                share(spec.tables, pairs, p),
                share(spec.queues, pairs, p),
                share(spec.topics, pairs, p),
            ];
            let rds_counts = [
                share(spec.db_clusters, pairs, p),
                share(spec.db_instances, pairs, p),
                share(spec.db_snapshots, pairs, p),
                share(spec.db_cluster_snapshots, pairs, p),
            ];
            let mut region = plan_region(seed, a, &id, r, name, counts);
            let stores = [
                share(spec.file_systems, pairs, p),
                share(spec.secrets, pairs, p),
                share(spec.parameters, pairs, p),
            ];
            plan_stores(seed, a, &id, r, &mut region, stores);
            plan_rds(seed, a, r, &mut region, rds_counts);
            region
        })
        .collect();
    if let [home, other, ..] = regions.as_mut_slice() {
        keys::plan_multi_region(seed, a, &id, home, other);
    }
    let mut buckets: Vec<Bucket> = (0..share(spec.buckets, spec.accounts, a))
        .map(|b| plan_bucket(seed, a, &id, b, &regions))
        .collect();
    let pab_all_on = pab == Some([true; 4]);
    if pab_all_on {
        // With the account-wide block on, some buckets rely on it alone.
        for (b, bucket) in buckets.iter_mut().enumerate() {
            let mut rng = Rng::stream(seed, TAG_BUCKET, a, 1, b);
            if bucket.pab == Some([true; 4]) && rng.chance(20.0) {
                bucket.pab = None;
            }
        }
    }
    let trail = plan_trail(seed, a, &id, pab, &regions, &mut buckets);
    plan_replication(seed, a, &id, &regions, &mut buckets);
    Account {
        id,
        canonical,
        user_id,
        pab,
        regions,
        buckets,
        trail,
    }
}

fn plan_region(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    name: &str,
    [
        n_keys,
        n_volumes,
        n_snapshots,
        n_instances,
        n_tables,
        n_queues,
        n_topics,
    ]: [usize; 7],
) -> Region {
    let mut rng = Rng::stream(seed, TAG_REGION, a, r, 0);
    let keys: Vec<Key> = (0..n_keys)
        .map(|k| plan_key(seed, a, account, r, name, k))
        .collect();
    let aws_ebs = aws_managed_key(seed, a, account, r, name, "ebs");
    let aws_s3 = aws_managed_key(seed, a, account, r, name, "s3");
    let aws_dynamodb = aws_managed_key(seed, a, account, r, name, "dynamodb");
    let aws_rds = aws_managed_key(seed, a, account, r, name, "rds");
    // One (account, region) in three has EBS encryption by default off.
    let ebs_default = (a * 7 + r) % 3 != 1;
    let net = |tag: u64, i: usize, prefix: &str| ec2_id(prefix, seed, TAG_NET + tag, a, r, i);
    let mut region = Region {
        name: name.to_owned(),
        keys,
        aws_ebs,
        aws_s3,
        aws_dynamodb,
        aws_rds,
        volumes: Vec::new(),
        snapshots: Vec::new(),
        images: Vec::new(),
        instances: Vec::new(),
        file_systems: Vec::new(),
        secrets: Vec::new(),
        parameters: Vec::new(),
        aws_efs: None,
        aws_secrets: None,
        aws_ssm: None,
        tables: Vec::new(),
        queues: Vec::new(),
        topics: Vec::new(),
        ebs_default,
        ebs_default_key: None,
        vpc: net(0, 0, "vpc"),
        subnets: [
            net(1, 0, "subnet"),
            net(1, 1, "subnet"),
            net(1, 2, "subnet"),
        ],
        security_group: net(2, 0, "sg"),
        db_clusters: Vec::new(),
        db_instances: Vec::new(),
        db_snapshots: Vec::new(),
        db_cluster_snapshots: Vec::new(),
    };
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    if !usable.is_empty() && rng.chance(30.0) {
        region.ebs_default_key = Some(*rng.pick(&usable));
    }
    region.volumes = (0..n_volumes)
        .map(|v| plan_volume(seed, a, r, name, v, &usable, &unusable))
        .collect();
    region.instances = (0..n_instances)
        .map(|i| plan_instance(seed, a, r, i))
        .collect();
    // Attach volumes to instances in order: a root volume each, and some data volumes.
    let mut next = 0;
    for (i, inst) in region.instances.iter_mut().enumerate() {
        for (slot, device) in ["/dev/xvda", "/dev/sdf", "/dev/sdg"]
            .into_iter()
            .take(inst.wanted)
            .enumerate()
        {
            let Some(volume) = region.volumes.get_mut(next) else {
                break;
            };
            volume.az = format!("{name}{}", ['a', 'b', 'c'][inst.az]);
            let attached = if slot == 0 {
                // The root volume is made from the AMI's snapshot at launch.
                volume.from_snapshot = Some(ec2_id("snap", seed, TAG_AMI, a, r, i % 7));
                volume.size = 8 * (1 + (volume.size % 4));
                volume.created = inst.launched + 400 + (volume.created % 500);
                inst.launched
            } else {
                volume.from_snapshot = None;
                volume.created.max(inst.launched)
            };
            volume.attachment = Some(Attachment {
                instance: inst.id.clone(),
                device,
                time: (attached / 1000 + 2) * 1000,
                delete_on_termination: slot == 0,
            });
            inst.volumes.push(next);
            next += 1;
        }
    }
    region.snapshots = (0..n_snapshots)
        .map(|s| plan_snapshot(seed, a, r, s, &region.volumes))
        .collect();
    let key_unusable =
        |s: &Snapshot| matches!(s.enc, Enc::Customer(k) if region.keys[k].unusable());
    region.images = plan_images(seed, a, r, &region.snapshots, &key_unusable);
    region.tables = (0..n_tables)
        .map(|t| plan_table(seed, a, r, t, &usable, &unusable))
        .collect();
    // Tables are few: in half the regions with an unusable key, one of the tables on a
    // customer key is on an unusable one, so that the rule is planted at small scales too.
    let on_unusable = |t: &Table| matches!(t.enc, DataEnc::Customer(k, _) if unusable.contains(&k));
    if !unusable.is_empty()
        && !region.tables.iter().any(on_unusable)
        && rng.chance(50.0)
        && let Some(t) = region
            .tables
            .iter_mut()
            .find(|t| matches!(t.enc, DataEnc::Customer(..)))
    {
        t.enc = DataEnc::Customer(unusable[0], KeyName::Arn);
        t.inaccessible = None;
    }
    region.queues = (0..n_queues)
        .map(|q| plan_queue(seed, a, r, q, &usable, &unusable))
        .collect();
    region.topics = (0..n_topics)
        .map(|t| plan_topic(seed, a, r, t, &usable, &unusable))
        .collect();
    region
}

/// The region's file systems, secrets and parameters, and the AWS managed keys they use.
fn plan_stores(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    region: &mut Region,
    [n_fs, n_secrets, n_params]: [usize; 3],
) {
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    let aliased = |k: usize| region.keys[k].alias.is_some();
    let keys = Keys {
        usable: &usable,
        unusable: &unusable,
        aliased: &aliased,
    };
    let scope = (region.name.as_str(), account);
    let file_systems: Vec<FileSystem> = (0..n_fs)
        .map(|i| plan_file_system(seed, (a, r, i), scope, &keys))
        .collect();
    let secrets: Vec<Secret> = (0..n_secrets)
        .map(|i| plan_secret(seed, (a, r, i), scope, &keys))
        .collect();
    let parameters: Vec<Parameter> = (0..n_params)
        .map(|i| plan_parameter(seed, (a, r, i), scope, &keys))
        .collect();
    let on_aws = |p: &Protection| *p == Protection::AwsManaged;
    let name = region.name.clone();
    let managed =
        |used: bool, service| used.then(|| aws_managed_key(seed, a, account, r, &name, service));
    region.aws_efs = managed(
        file_systems.iter().any(|f| on_aws(&f.protection)),
        "elasticfilesystem",
    );
    region.aws_secrets = managed(
        secrets.iter().any(|s| on_aws(&s.protection)),
        "secretsmanager",
    );
    region.aws_ssm = managed(parameters.iter().any(|p| on_aws(&p.protection)), "ssm");
    region.file_systems = file_systems;
    region.secrets = secrets;
    region.parameters = parameters;
}

/// The region's RDS resources: clusters, instances (the first ones become the clusters'
/// members, in order, named after their cluster), and snapshots of both.
fn plan_rds(
    seed: u64,
    a: usize,
    r: usize,
    region: &mut Region,
    [n_clusters, n_instances, n_snapshots, n_cluster_snapshots]: [usize; 4],
) {
    let usable = region.symmetric_keys(true);
    let unusable = region.symmetric_keys(false);
    region.db_clusters = (0..n_clusters)
        .map(|c| rds::plan_cluster(seed, a, r, c, &usable, &unusable))
        .collect();
    region.db_instances = (0..n_instances)
        .map(|i| rds::plan_instance(seed, a, r, i, &usable, &unusable))
        .collect();
    let mut next = 0;
    for (c, cluster) in region.db_clusters.iter_mut().enumerate() {
        for n in 0..cluster.wanted {
            let Some(inst) = region.db_instances.get_mut(next) else {
                break;
            };
            inst.name = format!("{}-instance-{}", cluster.name, n + 1);
            inst.cluster = Some(c);
            inst.engine = cluster.engine;
            inst.created = inst.created.max(cluster.created);
            cluster.members.push(next);
            next += 1;
        }
    }
    region.db_snapshots = (0..n_snapshots)
        .filter_map(|s| {
            rds::plan_db_snapshot(seed, a, r, s, &region.db_instances, &usable, &unusable)
        })
        .collect();
    region.db_cluster_snapshots = (0..n_cluster_snapshots)
        .filter_map(|s| {
            rds::plan_cluster_snapshot(seed, a, r, s, &region.db_clusters, &usable, &unusable)
        })
        .collect();
}
