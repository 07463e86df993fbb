//! What the records of one (account, region) talk about: its principals, keys, buckets,
//! instances and volumes. Drawn from the seed alone, so every file of the stream agrees.

use crate::ids::{TAG_INSTANCE, TAG_VOLUME, account_id, ec2_id, key_uuid, outside_account};
use crate::rng::Rng;

const TAG_ENV: u64 = 0x20;

/// A principal of the account: an IAM user, or a role session (`role` set).
pub(crate) struct Principal {
    pub name: String,
    pub role: Option<String>,
    pub role_id: String,
    pub principal_id: String,
    pub arn: String,
    pub console: bool,
}

pub(crate) struct Env {
    pub a: usize,
    pub r: usize,
    pub account: String,
    pub region: String,
    pub principals: Vec<Principal>,
    /// Keys the services use all day (EBS volumes, S3 buckets, Secrets Manager).
    pub keys: Vec<String>,
    pub buckets: Vec<String>,
    pub instances: Vec<String>,
    pub volumes: Vec<String>,
    /// An account outside the organisation.
    pub outside: String,
}

const USERS: [&str; 3] = ["alice", "bob", "ci-deploy"];
/// (role, session, from the console)
const ROLES: [(&str, &str, bool); 5] = [
    ("web-app", "i-0a1b2c3d4e5f60718", false),
    ("etl-job", "etl-2025", false),
    ("Admin", "alice", true),
    ("ReadOnly", "bob", true),
    ("lambda-thumbnailer", "lambda-thumbnailer", false),
];
pub(crate) const KEYS: usize = 6;

impl Env {
    pub(crate) fn new(seed: u64, a: usize, r: usize, region: &str) -> Env {
        let account = account_id(seed, a as u64);
        let mut rng = Rng::stream(seed, TAG_ENV, a, r, 0);
        let mut principals = Vec::new();
        for u in USERS {
            principals.push(Principal {
                name: u.to_owned(),
                role: None,
                role_id: String::new(),
                principal_id: format!("AIDA{}", id20(&mut rng)),
                arn: format!("arn:aws:iam::{account}:user/{u}"),
                console: false,
            });
        }
        for (role, session, console) in ROLES {
            let role_id = format!("AROA{}", id20(&mut rng));
            principals.push(Principal {
                name: session.to_owned(),
                role: Some(role.to_owned()),
                principal_id: format!("{role_id}:{session}"),
                role_id,
                arn: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
                console,
            });
        }
        // Key indexes far above the export generator's, so the two never share an id.
        let key = |i: usize| key_uuid(seed, a, r, (1 << 31) + i);
        let bucket_tag = mix_tag(seed, a);
        Env {
            a,
            r,
            region: region.to_owned(),
            principals,
            keys: (0..KEYS).map(key).collect(),
            buckets: [
                "app-data",
                "logs-archive",
                "media-uploads",
                "backups",
                "reports",
            ]
            .iter()
            .map(|b| format!("{b}-{bucket_tag}-{region}"))
            .collect(),
            instances: (0..8)
                .map(|i| ec2_id("i", seed, TAG_INSTANCE, a, r, (1 << 30) + i))
                .collect(),
            volumes: (0..16)
                .map(|i| ec2_id("vol", seed, TAG_VOLUME, a, r, (1 << 30) + i))
                .collect(),
            outside: outside_account(seed, a as u64),
            account,
        }
    }

    pub(crate) fn key_arn(&self, id: &str) -> String {
        format!("arn:aws:kms:{}:{}:key/{id}", self.region, self.account)
    }

    /// The address principal `i` calls from (documentation ranges, stable per principal).
    pub(crate) fn ip(&self, i: usize) -> String {
        let net = if i.is_multiple_of(2) {
            "198.51.100"
        } else {
            "203.0.113"
        };
        format!("{net}.{}", 10 + (self.a * 7 + i * 13) % 240)
    }
}

fn id20(rng: &mut Rng) -> String {
    super::record::token(rng, super::record::UPPER_DIGITS, 17)
}

fn mix_tag(seed: u64, a: usize) -> String {
    format!("{:06}", crate::rng::mix(seed ^ (a as u64) << 8) % 1_000_000)
}
