//! RDS: DB clusters, DB instances (standalone, or members of a cluster, whose storage and key
//! are the cluster's), and the snapshots of both, some public or shared.

use crate::ids::{
    TAG_DB_CLUSTER, TAG_DB_CLUSTER_SNAPSHOT, TAG_DB_INSTANCE, TAG_DB_SNAPSHOT, outside_account,
};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

/// How an RDS resource's storage is encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RdsEnc {
    None,
    /// The AWS managed `aws/rds` key.
    AwsRds,
    /// A customer key of the region (index).
    Customer(usize),
}

impl RdsEnc {
    /// A customer key for most, `aws/rds` for some, none for a few; unusable keys for a few
    /// of the customer ones.
    fn draw(rng: &mut Rng, none: u32, aws: u32, usable: &[usize], unusable: &[usize]) -> RdsEnc {
        match rng.weighted(&[(none, 0u8), (aws, 1), (3, 2), (100 - none - aws - 3, 3)]) {
            0 => RdsEnc::None,
            1 => RdsEnc::AwsRds,
            2 if !unusable.is_empty() => RdsEnc::Customer(*rng.pick(unusable)),
            _ if !usable.is_empty() => RdsEnc::Customer(*rng.pick(usable)),
            _ => RdsEnc::AwsRds,
        }
    }
}

pub(crate) struct Engine {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
    pub(crate) port: usize,
    pub(crate) user: &'static str,
}

const INSTANCE_ENGINES: [Engine; 4] = [
    Engine {
        name: "postgres",
        version: "16.4",
        port: 5432,
        user: "postgres",
    },
    Engine {
        name: "mysql",
        version: "8.0.39",
        port: 3306,
        user: "admin",
    },
    Engine {
        name: "mariadb",
        version: "10.11.9",
        port: 3306,
        user: "admin",
    },
    Engine {
        name: "sqlserver-se",
        version: "15.00.4385.2.v1",
        port: 1433,
        user: "admin",
    },
];

pub(crate) const CLUSTER_ENGINES: [Engine; 2] = [
    Engine {
        name: "aurora-postgresql",
        version: "16.4",
        port: 5432,
        user: "postgres",
    },
    Engine {
        name: "aurora-mysql",
        version: "8.0.mysql_aurora.3.08.0",
        port: 3306,
        user: "admin",
    },
];

const CLASSES: [&str; 4] = [
    "db.t3.micro",
    "db.t4g.medium",
    "db.m6g.large",
    "db.r6g.xlarge",
];

pub(crate) struct DbCluster {
    pub(crate) name: String,
    pub(crate) engine: usize,
    pub(crate) created: i64,
    pub(crate) enc: RdsEnc,
    /// Indexes of the region's DB instances that are its members.
    pub(crate) members: Vec<usize>,
    /// How many members it wants (0 to 2: a cluster may have none).
    pub(crate) wanted: usize,
}

pub(crate) struct DbInstance {
    pub(crate) name: String,
    /// Into [`INSTANCE_ENGINES`], or into [`CLUSTER_ENGINES`] for a cluster member.
    pub(crate) engine: usize,
    pub(crate) class: &'static str,
    pub(crate) created: i64,
    pub(crate) zone: usize,
    /// Its own encryption; a cluster member's is its cluster's.
    pub(crate) enc: RdsEnc,
    pub(crate) public: bool,
    pub(crate) cluster: Option<usize>,
}

impl DbInstance {
    pub(crate) fn engine(&self) -> &'static Engine {
        match self.cluster {
            Some(_) => &CLUSTER_ENGINES[self.engine % CLUSTER_ENGINES.len()],
            None => &INSTANCE_ENGINES[self.engine],
        }
    }
}

/// A DB snapshot (`of` an instance) or a DB cluster snapshot (`of` a cluster).
pub(crate) struct DbSnapshot {
    pub(crate) name: String,
    pub(crate) of: usize,
    pub(crate) automated: bool,
    pub(crate) created: i64,
    pub(crate) enc: RdsEnc,
    /// `restore` includes `all` (unencrypted manual snapshots only: RDS refuses the rest).
    pub(crate) public: bool,
    /// `restore` names another account (manual snapshots not on `aws/rds` only).
    pub(crate) shared_with: Option<String>,
}

pub(crate) fn plan_cluster(
    seed: u64,
    a: usize,
    r: usize,
    c: usize,
    usable: &[usize],
    unusable: &[usize],
) -> DbCluster {
    let mut rng = Rng::stream(seed, TAG_DB_CLUSTER, a, r, c);
    let engine = rng.below(CLUSTER_ENGINES.len());
    let role = rng.pick(&["orders", "ledger", "events", "catalog", "sessions"]);
    DbCluster {
        name: format!("aurora-{role}-{c:03}"),
        engine,
        created: rng.range(START_MS, NOW_MS - 10 * DAY_MS),
        enc: RdsEnc::draw(&mut rng, 6, 20, usable, unusable),
        members: Vec::new(),
        wanted: rng.weighted(&[(10, 0), (60, 1), (30, 2)]),
    }
}

pub(crate) fn plan_instance(
    seed: u64,
    a: usize,
    r: usize,
    i: usize,
    usable: &[usize],
    unusable: &[usize],
) -> DbInstance {
    let mut rng = Rng::stream(seed, TAG_DB_INSTANCE, a, r, i);
    let engine = rng.weighted(&[(50, 0), (30, 1), (15, 2), (5, 3)]);
    let role = rng.pick(&["app", "reports", "billing", "crm", "legacy", "analytics"]);
    DbInstance {
        name: format!("{role}-db-{i:04}"),
        engine,
        class: CLASSES[rng.below(CLASSES.len())],
        created: rng.range(START_MS, NOW_MS - 10 * DAY_MS),
        zone: rng.below(3),
        enc: RdsEnc::draw(&mut rng, 8, 15, usable, unusable),
        public: rng.chance(10.0),
        cluster: None,
    }
}

/// The name RDS gives an automated snapshot: `rds:<source>-YYYY-MM-DD-HH-MM`.
fn automated_name(source: &str, created: i64) -> String {
    let stamp = jiff::Timestamp::from_millisecond(created)
        .map(|t| t.strftime("%Y-%m-%d-%H-%M").to_string())
        .unwrap_or_default();
    format!("rds:{source}-{stamp}")
}

/// A snapshot of source `of` (`name`, `enc`, `created`) drawn from `rng`: automated ones
/// (a unique minute each, so their names differ) keep the source's key; a manual one may be
/// a copy under another customer key, and may be public (if unencrypted) or shared.
fn plan_snapshot(
    seed: u64,
    rng: &mut Rng,
    s: usize,
    of: usize,
    source: (&str, RdsEnc, i64),
    usable: &[usize],
    unusable: &[usize],
) -> DbSnapshot {
    let (source_name, source_enc, source_created) = source;
    let automated_at = NOW_MS - DAY_MS / 2 - (s as i64 + 1) * 7 * 60_000;
    if rng.chance(45.0) && automated_at > source_created {
        return DbSnapshot {
            name: automated_name(source_name, automated_at),
            of,
            automated: true,
            created: automated_at,
            enc: source_enc,
            public: false,
            shared_with: None,
        };
    }
    let enc = match (rng.below(10), source_enc) {
        (0, _) if !unusable.is_empty() => RdsEnc::Customer(*rng.pick(unusable)),
        (1, _) if !usable.is_empty() => RdsEnc::Customer(*rng.pick(usable)),
        (_, enc) => enc,
    };
    let public = enc == RdsEnc::None && rng.chance(40.0);
    // A public snapshot is sometimes also shared by account: the public rule reports it.
    let share = if public { 20.0 } else { 8.0 };
    let shared_with =
        (enc != RdsEnc::AwsRds && rng.chance(share)).then(|| outside_account(seed, rng.next()));
    DbSnapshot {
        name: format!("{source_name}-snap-{s:04}"),
        of,
        automated: false,
        created: rng.range(source_created, NOW_MS - DAY_MS),
        enc,
        public,
        shared_with,
    }
}

pub(crate) fn plan_db_snapshot(
    seed: u64,
    a: usize,
    r: usize,
    s: usize,
    instances: &[DbInstance],
    usable: &[usize],
    unusable: &[usize],
) -> Option<DbSnapshot> {
    let mut rng = Rng::stream(seed, TAG_DB_SNAPSHOT, a, r, s);
    // Snapshots of standalone instances: a cluster member's backups are the cluster's.
    let standalone: Vec<usize> = (0..instances.len())
        .filter(|&i| instances[i].cluster.is_none())
        .collect();
    if standalone.is_empty() {
        return None;
    }
    let i = *rng.pick(&standalone);
    let inst = &instances[i];
    Some(plan_snapshot(
        seed,
        &mut rng,
        s,
        i,
        (&inst.name, inst.enc, inst.created),
        usable,
        unusable,
    ))
}

pub(crate) fn plan_cluster_snapshot(
    seed: u64,
    a: usize,
    r: usize,
    s: usize,
    clusters: &[DbCluster],
    usable: &[usize],
    unusable: &[usize],
) -> Option<DbSnapshot> {
    if clusters.is_empty() {
        return None;
    }
    let mut rng = Rng::stream(seed, TAG_DB_CLUSTER_SNAPSHOT, a, r, s);
    let c = rng.below(clusters.len());
    let cluster = &clusters[c];
    Some(plan_snapshot(
        seed,
        &mut rng,
        s,
        c,
        (&cluster.name, cluster.enc, cluster.created),
        usable,
        unusable,
    ))
}
