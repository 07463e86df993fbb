//! EFS file systems, Secrets Manager secrets and Parameter Store parameters: where data and
//! secrets are kept, and which key protects each. Metadata only, as the export holds it.

use crate::ids::{TAG_FILE_SYSTEM, TAG_PARAMETER, TAG_SECRET, ec2_id, key_uuid};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

/// Which key protects a file system, a secret or a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Protection {
    /// Not encrypted: an unencrypted file system, a `String` or `StringList` parameter.
    None,
    /// The service's AWS managed key (`aws/elasticfilesystem`, `aws/secretsmanager`,
    /// `aws/ssm`).
    AwsManaged,
    /// A customer key of the region (index); `by_alias`: named by its alias.
    Customer { key: usize, by_alias: bool },
    /// A key deleted since: its ARN, which `list-keys` no longer shows.
    Deleted(String),
}

pub(crate) struct FileSystem {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) created: i64,
    pub(crate) size: i64,
    pub(crate) mount_targets: usize,
    pub(crate) protection: Protection,
}

pub(crate) struct Secret {
    pub(crate) name: String,
    /// The six random characters Secrets Manager appends to the name in the ARN.
    pub(crate) suffix: String,
    pub(crate) created: i64,
    pub(crate) protection: Protection,
    pub(crate) rotation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamType {
    String,
    StringList,
    SecureString,
}

/// A parameter's policies (Advanced tier only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policies {
    None,
    /// An `Expiration` policy due at this time, before the export: the parameter outlived it.
    Expired {
        at: i64,
    },
    /// `ExpirationNotification` and `NoChangeNotification` only: nothing expires.
    Notifications,
}

pub(crate) struct Parameter {
    pub(crate) name: String,
    /// The name's last segment was drawn from [`SECRET_LEAVES`].
    pub(crate) secret_name: bool,
    pub(crate) kind: ParamType,
    pub(crate) protection: Protection,
    pub(crate) modified: i64,
    pub(crate) version: usize,
    pub(crate) policies: Policies,
}

/// Last segments that name a secret, whatever their spelling.
const SECRET_LEAVES: [&str; 8] = [
    "password",
    "db_password",
    "DB_PASSWORD",
    "api-key",
    "GitHubToken",
    "client_secret",
    "private_key",
    "smtp-passwd",
];

/// Last segments that do not, some of them close (about a secret, not the secret).
const PLAIN_LEAVES: [&str; 9] = [
    "host",
    "port",
    "endpoint-url",
    "db-password-arn",
    "secret_name",
    "log-level",
    "feature-flags",
    "max_connections",
    "region",
];

/// A key to protect resource `i`: a customer key (usable or not), the AWS managed key, or a
/// deleted one, with the weights given (percent: unusable, deleted, AWS managed; the rest
/// usable).
fn protection(
    rng: &mut Rng,
    (seed, a, r, deleted_index): (u64, usize, usize, usize),
    (region, account): (&str, &str),
    [unusable_pct, deleted_pct, aws_pct]: [u32; 3],
    usable: &[usize],
    unusable: &[usize],
    aliased: &dyn Fn(usize) -> bool,
) -> Protection {
    let roll = rng.below(100) as u32;
    let customer = |rng: &mut Rng, from: &[usize]| {
        let key = *rng.pick(from);
        Protection::Customer {
            key,
            by_alias: aliased(key) && rng.chance(40.0),
        }
    };
    if roll < unusable_pct && !unusable.is_empty() {
        customer(rng, unusable)
    } else if roll < unusable_pct + deleted_pct {
        let id = key_uuid(seed, a, r, 0x7FFF_0000 + deleted_index);
        Protection::Deleted(format!("arn:aws:kms:{region}:{account}:key/{id}"))
    } else if roll < unusable_pct + deleted_pct + aws_pct || usable.is_empty() {
        Protection::AwsManaged
    } else {
        customer(rng, usable)
    }
}

pub(crate) struct Keys<'a> {
    pub(crate) usable: &'a [usize],
    pub(crate) unusable: &'a [usize],
    pub(crate) aliased: &'a dyn Fn(usize) -> bool,
}

pub(crate) fn plan_file_system(
    seed: u64,
    (a, r, i): (usize, usize, usize),
    scope: (&str, &str),
    keys: &Keys,
) -> FileSystem {
    let mut rng = Rng::stream(seed, TAG_FILE_SYSTEM, a, r, i);
    // EFS names every key by its ARN: the alias never shows.
    let protection = if rng.chance(12.0) {
        Protection::None
    } else {
        match protection(
            &mut rng,
            (seed, a, r, i),
            scope,
            [8, 0, 22],
            keys.usable,
            keys.unusable,
            &|_| false,
        ) {
            Protection::Deleted(_) => Protection::AwsManaged,
            p => p,
        }
    };
    let name = rng.chance(80.0).then(|| {
        let role = rng.pick(&["shared", "home", "media", "build-cache", "exports"]);
        format!("{role}-{i}")
    });
    FileSystem {
        id: ec2_id("fs", seed, TAG_FILE_SYSTEM, a, r, i),
        name,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        size: 6144 * (1 + rng.below(1 << 20) as i64),
        mount_targets: rng.below(4),
        protection,
    }
}

pub(crate) fn plan_secret(
    seed: u64,
    (a, r, i): (usize, usize, usize),
    scope: (&str, &str),
    keys: &Keys,
) -> Secret {
    let mut rng = Rng::stream(seed, TAG_SECRET, a, r, i);
    let protection = protection(
        &mut rng,
        (seed, a, r, 0x1_0000 + i),
        scope,
        [5, 2, 35],
        keys.usable,
        keys.unusable,
        &|_| false,
    );
    let env = rng.pick(&["prod", "staging", "dev"]);
    let what = rng.pick(&["db", "api", "smtp", "oauth", "partner"]);
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let suffix = (0..6)
        .map(|_| ALNUM[rng.below(ALNUM.len())] as char)
        .collect();
    Secret {
        name: format!("{env}/{what}-{i}"),
        suffix,
        created: rng.range(START_MS, NOW_MS - DAY_MS),
        protection,
        rotation: rng.chance(40.0),
    }
}

pub(crate) fn plan_parameter(
    seed: u64,
    (a, r, i): (usize, usize, usize),
    scope: (&str, &str),
    keys: &Keys,
) -> Parameter {
    let mut rng = Rng::stream(seed, TAG_PARAMETER, a, r, i);
    let kind = rng.weighted(&[
        (55, ParamType::String),
        (5, ParamType::StringList),
        (40, ParamType::SecureString),
    ]);
    let protection = if kind == ParamType::SecureString {
        protection(
            &mut rng,
            (seed, a, r, 0x2_0000 + i),
            scope,
            [5, 3, 45],
            keys.usable,
            keys.unusable,
            keys.aliased,
        )
    } else {
        Protection::None
    };
    let secret_name = rng.chance(if kind == ParamType::SecureString {
        50.0
    } else {
        12.0
    });
    let leaf = if secret_name {
        *rng.pick(&SECRET_LEAVES)
    } else {
        *rng.pick(&PLAIN_LEAVES)
    };
    let env = rng.pick(&["prod", "staging", "dev"]);
    // Some plain values sit under a path that says `secrets`: only the last segment counts.
    let app = if !secret_name && rng.chance(10.0) {
        "secrets"
    } else {
        *rng.pick(&["web", "billing", "search", "etl"])
    };
    let policies = if rng.chance(10.0) {
        if rng.chance(50.0) {
            Policies::Expired {
                at: (rng.range(START_MS, NOW_MS - DAY_MS) / 1000) * 1000,
            }
        } else {
            Policies::Notifications
        }
    } else {
        Policies::None
    };
    Parameter {
        name: format!("/{env}/{app}-{i}/{leaf}"),
        secret_name,
        kind,
        protection,
        modified: rng.range(START_MS, NOW_MS - DAY_MS),
        version: 1 + rng.below(5),
        policies,
    }
}
