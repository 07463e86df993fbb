//! What to generate: [`Spec`], its defaults, and the limits it must respect.

use std::io;

/// What to generate. The resource counts are totals over all accounts and regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub accounts: usize,
    pub regions: Vec<String>,
    pub buckets: usize,
    pub keys: usize,
    pub volumes: usize,
    pub snapshots: usize,
    pub instances: usize,
    /// EFS file systems.
    pub file_systems: usize,
    /// Secrets Manager secrets.
    pub secrets: usize,
    /// Parameter Store parameters.
    pub parameters: usize,
    /// DynamoDB tables.
    pub tables: usize,
    /// SQS queues.
    pub queues: usize,
    /// SNS topics.
    pub topics: usize,
    /// RDS DB instances, standalone or members of the DB clusters.
    pub db_instances: usize,
    pub db_clusters: usize,
    pub db_snapshots: usize,
    pub db_cluster_snapshots: usize,
    pub seed: u64,
}

pub const DEFAULT_SEED: u64 = 0x00A7_4E57;
pub const DEFAULT_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

impl Spec {
    /// `total` resources with a realistic split: 10% buckets, 5% customer managed keys, 50%
    /// volumes, 10% snapshots, 5% instances, 2% EFS file systems, 2% secrets, 3% parameters,
    /// 3% DynamoDB tables, 3% SQS queues, 2% SNS topics, 2% RDS DB instances, 1% each of DB
    /// clusters, DB snapshots and DB cluster snapshots (plus one trail per account and the AWS
    /// managed keys), one account, regions `us-east-1` and `eu-west-1`.
    pub fn scaled(total: usize) -> Spec {
        let part = |percent: usize| total / 100 * percent + (total % 100 * percent + 50) / 100;
        Spec {
            accounts: 1,
            regions: DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect(),
            buckets: part(10),
            keys: part(5),
            volumes: part(50),
            snapshots: part(10),
            instances: part(5),
            file_systems: part(2),
            secrets: part(2),
            parameters: part(3),
            tables: part(3),
            queues: part(3),
            topics: part(2),
            db_instances: part(2),
            db_clusters: part(1),
            db_snapshots: part(1),
            db_cluster_snapshots: part(1),
            seed: DEFAULT_SEED,
        }
    }
}

impl Default for Spec {
    fn default() -> Spec {
        Spec::scaled(1000)
    }
}

/// Refuses specs whose ids would collide (see `ids::pack`) or whose regions make bad paths.
pub(crate) fn validate(spec: &Spec) -> io::Result<()> {
    let bad = |what: String| Err(io::Error::new(io::ErrorKind::InvalidInput, what));
    if spec.accounts == 0 || spec.accounts >= 1 << 20 {
        return bad(format!("accounts must be 1 to {}", (1 << 20) - 1));
    }
    if spec.regions.is_empty() || spec.regions.len() > 64 {
        return bad("regions: give 1 to 64".to_owned());
    }
    for (i, r) in spec.regions.iter().enumerate() {
        let ok = !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok || spec.regions[..i].contains(r) {
            return bad(format!("bad or repeated region {r:?}"));
        }
    }
    let most = u32::MAX as usize / 2;
    for n in [
        spec.buckets,
        spec.keys,
        spec.volumes,
        spec.snapshots,
        spec.instances,
        spec.file_systems,
        spec.secrets,
        spec.parameters,
        spec.tables,
        spec.queues,
        spec.topics,
        spec.db_instances,
        spec.db_clusters,
        spec.db_snapshots,
        spec.db_cluster_snapshots,
    ] {
        if n > most {
            return bad(format!("at most {most} resources of a kind"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_split() {
        let s = Spec::scaled(100_000);
        assert_eq!(
            (s.buckets, s.keys, s.volumes, s.snapshots, s.instances),
            (10_000, 5_000, 50_000, 10_000, 5_000)
        );
        assert_eq!(
            (
                s.db_instances,
                s.db_clusters,
                s.db_snapshots,
                s.db_cluster_snapshots
            ),
            (2_000, 1_000, 1_000, 1_000)
        );
        assert_eq!(
            (s.file_systems, s.secrets, s.parameters),
            (2_000, 2_000, 3_000)
        );
        assert_eq!((s.tables, s.queues, s.topics), (3_000, 3_000, 2_000));
        let s = Spec::scaled(1_234);
        assert_eq!((s.buckets, s.keys, s.volumes), (123, 62, 617));
        assert_eq!((s.file_systems, s.secrets, s.parameters), (25, 25, 37));
        assert_eq!((s.tables, s.queues, s.topics), (37, 37, 25));
        assert_eq!((s.db_instances, s.db_clusters), (25, 12));
    }

    #[test]
    fn bad_specs_are_refused() {
        let ok = Spec::scaled(10);
        assert!(validate(&ok).is_ok());
        for bad in [
            Spec {
                accounts: 0,
                ..ok.clone()
            },
            Spec {
                accounts: 1 << 20,
                ..ok.clone()
            },
            Spec {
                regions: Vec::new(),
                ..ok.clone()
            },
            Spec {
                regions: vec!["us-east-1".into(), "us-east-1".into()],
                ..ok.clone()
            },
            Spec {
                regions: vec!["../etc".into()],
                ..ok.clone()
            },
            Spec {
                volumes: u32::MAX as usize,
                ..ok.clone()
            },
        ] {
            let err = validate(&bad).expect_err("refused");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
    }
}
