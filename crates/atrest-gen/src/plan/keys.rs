//! KMS keys: customer managed keys with their states, rotation and key policy statements,
//! the AWS managed `aws/ebs`, `aws/s3`, `aws/dynamodb` and `aws/rds` keys of every region, and
//! those of EFS, Secrets Manager and Systems Manager where a resource uses them.

use crate::ids::{TAG_KEY, TAG_MULTI_REGION, key_uuid, outside_account};
use crate::rng::Rng;
use crate::time::{DAY_MS, NOW_MS, START_MS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
    /// Imported key material that was deleted or expired (`EXTERNAL` keys only).
    PendingImport,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// `SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`, origin `AWS_KMS`.
    Symmetric,
    /// `RSA_2048`, `SIGN_VERIFY`: automatic rotation does not apply.
    Asymmetric,
    /// Symmetric with imported key material (origin `EXTERNAL`).
    External,
}

/// Who may administer and use a customer managed key, statement by statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyStmt {
    /// The account root may do anything (`kms:*`): the default statement.
    Root,
    /// The key administrators role; `star`: granted `kms:*` instead of the admin actions only.
    Admins { star: bool },
    /// The key users role; `with_admin`: the administrators role is a key user too.
    Users { with_admin: bool },
    /// Grants for AWS services, conditioned on `kms:GrantIsForAWSResource`.
    Grants,
    /// `kms:Decrypt` for everyone, no condition; `aws_form`: `{"AWS": "*"}` instead of `"*"`.
    Public { aws_form: bool },
    /// Use of the key for another account's root.
    CrossAccount { account: String },
    /// An AWS managed key's statements: everyone in the account through `service`, and
    /// metadata for the root.
    AwsManaged { service: &'static str },
}

pub(crate) struct Key {
    pub(crate) id: String,
    pub(crate) arn: String,
    /// `KeyManager`: customer (true) or AWS.
    pub(crate) customer: bool,
    pub(crate) kind: KeyKind,
    pub(crate) state: KeyState,
    /// Automatic rotation (symmetric `AWS_KMS` keys).
    pub(crate) rotation: bool,
    /// `alias/...`, if the key has one.
    pub(crate) alias: Option<String>,
    pub(crate) description: String,
    pub(crate) created: i64,
    pub(crate) deletion: Option<i64>,
    pub(crate) statements: Vec<KeyStmt>,
    pub(crate) tags: Vec<(&'static str, String)>,
    pub(crate) grants: usize,
    /// Imported key material that expires: `ValidTo`. Always long past or far off, so that
    /// the verdict does not depend on the day the export is scanned.
    pub(crate) valid_to: Option<i64>,
    /// `RotationPeriodInDays` of a rotating key.
    pub(crate) rotation_days: usize,
    /// A multi-Region key: primary or replica.
    pub(crate) multi_region: Option<MultiRegion>,
}

/// What `MultiRegionConfiguration` says, and what the oracle needs of the primary.
#[derive(Clone, Debug)]
pub(crate) struct MultiRegion {
    pub(crate) replica: bool,
    pub(crate) primary_arn: String,
    pub(crate) primary_region: String,
    pub(crate) replica_arn: String,
    pub(crate) replica_region: String,
    /// Of a replica: its primary's state, and whether its own policy adds an account.
    pub(crate) primary_state: KeyState,
    pub(crate) wider: bool,
}

/// The oracle takes every scan of a generated export to run after this time (2026-01-01):
/// material set to expire within months of the export (`NOW_MS`) has expired by then.
pub(crate) const SCANNED_AFTER_MS: i64 = 1_767_225_600_000;

/// `ValidTo` of material that does not expire before the end of the century.
pub(crate) const FAR_OFF_MS: i64 = 4_102_444_800_000; // 2100-01-01

impl Key {
    /// A key EBS and S3 can encrypt with.
    pub(crate) fn symmetric(&self) -> bool {
        self.kind != KeyKind::Asymmetric
    }

    pub(crate) fn unusable(&self) -> bool {
        self.state != KeyState::Enabled
    }
}

pub(crate) fn plan_key(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    region: &str,
    k: usize,
) -> Key {
    let mut rng = Rng::stream(seed, TAG_KEY, a, r, k);
    let id = key_uuid(seed, a, r, k);
    let kind = rng.weighted(&[
        (88, KeyKind::Symmetric),
        (4, KeyKind::Asymmetric),
        (8, KeyKind::External),
    ]);
    let state = match kind {
        KeyKind::Symmetric => rng.weighted(&[
            (88, KeyState::Enabled),
            (6, KeyState::Disabled),
            (6, KeyState::PendingDeletion),
        ]),
        _ => rng.weighted(&[
            (90, KeyState::Enabled),
            (5, KeyState::Disabled),
            (5, KeyState::PendingDeletion),
        ]),
    };
    let rotation = kind == KeyKind::Symmetric && rng.chance(91.0);
    let created = rng.range(START_MS, NOW_MS - 30 * DAY_MS);
    let deletion = (state == KeyState::PendingDeletion)
        .then(|| (NOW_MS / DAY_MS + rng.range(3, 30)) * DAY_MS + rng.range(0, DAY_MS));
    let purposes = [
        "app-data",
        "payments",
        "backups",
        "logs",
        "analytics",
        "ebs",
        "s3",
        "secrets",
    ];
    let purpose = *rng.pick(&purposes);
    let alias = rng
        .chance(70.0)
        .then(|| format!("alias/{purpose}-{r}-{k:04}"));
    let description = if rng.chance(40.0) {
        String::new()
    } else {
        format!("{purpose} key")
    };
    let mut statements = vec![KeyStmt::Root];
    let admin_use = rng.weighted(&[(94, 0u8), (3, 1), (3, 2)]);
    statements.push(KeyStmt::Admins {
        star: admin_use == 1 || (admin_use == 2 && kind == KeyKind::Asymmetric),
    });
    statements.push(KeyStmt::Users {
        with_admin: admin_use == 2 && kind != KeyKind::Asymmetric,
    });
    if kind != KeyKind::Asymmetric {
        statements.push(KeyStmt::Grants);
    }
    if rng.chance(4.0) {
        statements.push(KeyStmt::CrossAccount {
            account: outside_account(seed, rng.next()),
        });
    }
    if rng.chance(2.0) {
        statements.push(KeyStmt::Public {
            aws_form: rng.chance(50.0),
        });
    }
    let tags = if rng.chance(50.0) {
        vec![
            ("Purpose", purpose.to_owned()),
            (
                "Owner",
                (*rng.pick(&["platform", "data", "security"])).to_owned(),
            ),
        ]
    } else {
        Vec::new()
    };
    let grants = if rng.chance(20.0) {
        1 + rng.below(2)
    } else {
        0
    };
    // Drawn last, so that the draws above give what they gave before these facts existed.
    let mut state = state;
    let mut valid_to = None;
    if kind == KeyKind::External && rng.chance(80.0) {
        // Expired before the export (14 to 60 days), expiring within months of it (so past
        // at any scan after 2026: see SCANNED_AFTER_MS), or set for 2100.
        valid_to = Some(match rng.below(5) {
            0 => NOW_MS - rng.range(14, 60) * DAY_MS,
            1..=3 => NOW_MS + rng.range(10, 180) * DAY_MS,
            _ => FAR_OFF_MS,
        });
    }
    let expired = valid_to.is_some_and(|t| t < NOW_MS);
    if kind == KeyKind::External
        && state != KeyState::PendingDeletion
        && (expired || (state == KeyState::Enabled && rng.chance(25.0)))
    {
        // KMS deletes expired material: the key waits for an import.
        state = KeyState::PendingImport;
    }
    let rotation_days = if rotation && rng.chance(6.0) {
        *rng.pick(&[730usize, 1825])
    } else {
        365
    };
    Key {
        arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
        id,
        customer: true,
        kind,
        state,
        rotation,
        alias,
        description,
        created,
        deletion,
        statements,
        tags,
        grants,
        valid_to,
        rotation_days,
        multi_region: None,
    }
}

pub(crate) fn aws_managed_key(
    seed: u64,
    a: usize,
    account: &str,
    r: usize,
    region: &str,
    service: &'static str,
) -> Key {
    let (index, description) = match service {
        "ebs" => (
            0xFFFF_FFFE,
            "Default key that protects my EBS volumes when no other key is defined",
        ),
        "s3" => (
            0xFFFF_FFFD,
            "Default key that protects my S3 objects when no other key is defined",
        ),
        "elasticfilesystem" => (
            0xFFFF_FFFC,
            "Default key that protects my EFS filesystems when no other key is defined",
        ),
        "secretsmanager" => (
            0xFFFF_FFFB,
            "Default key that protects my Secrets Manager data when no other key is defined",
        ),
        "rds" => (
            0xFFFF_FFF8,
            "Default key that protects my RDS database volumes when no other key is defined",
        ),
        "dynamodb" => (
            0xFFFF_FFF9,
            "Default key that protects my DynamoDB data when no other key is defined",
        ),
        _ => (
            0xFFFF_FFFA,
            "Default key that protects my SSM parameters when no other key is defined",
        ),
    };
    let mut rng = Rng::stream(seed, TAG_KEY, a, r, index);
    let id = key_uuid(seed, a, r, index);
    Key {
        arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
        id,
        customer: false,
        kind: KeyKind::Symmetric,
        state: KeyState::Enabled,
        rotation: true,
        alias: Some(format!("alias/aws/{service}")),
        description: description.to_owned(),
        created: rng.range(START_MS, START_MS + 365 * DAY_MS),
        deletion: None,
        statements: vec![KeyStmt::AwsManaged { service }],
        tags: Vec::new(),
        grants: 0,
        valid_to: None,
        rotation_days: 365,
        multi_region: None,
    }
}

/// Makes every eighth symmetric customer key of `home` a multi-Region primary with a replica
/// in `other` (appended to its keys): the replica disabled or pending deletion at times, and
/// at times given a policy that also admits another account.
pub(crate) fn plan_multi_region(
    seed: u64,
    a: usize,
    account: &str,
    home: &mut super::Region,
    other: &mut super::Region,
) {
    let mut rng = Rng::stream(seed, TAG_MULTI_REGION, a, 0, 0);
    let candidates: Vec<usize> = (0..home.keys.len())
        .filter(|&k| home.keys[k].customer && home.keys[k].kind == KeyKind::Symmetric)
        .collect();
    for &k in candidates.iter().step_by(8) {
        let primary = &mut home.keys[k];
        let id = format!("mrk-{}", primary.id.replace('-', ""));
        primary.arn = format!("arn:aws:kms:{}:{account}:key/{id}", home.name);
        primary.id = id.clone();
        let replica_arn = format!("arn:aws:kms:{}:{account}:key/{id}", other.name);
        let state = rng.weighted(&[
            (60, KeyState::Enabled),
            (20, KeyState::Disabled),
            (20, KeyState::PendingDeletion),
        ]);
        let wider = rng.chance(30.0);
        let config = MultiRegion {
            replica: false,
            primary_arn: primary.arn.clone(),
            primary_region: home.name.clone(),
            replica_arn: replica_arn.clone(),
            replica_region: other.name.clone(),
            primary_state: primary.state,
            wider: false,
        };
        primary.multi_region = Some(config.clone());
        let mut statements = primary.statements.clone();
        if wider {
            statements.push(KeyStmt::CrossAccount {
                account: outside_account(seed, rng.next()),
            });
        }
        let replica = Key {
            id,
            arn: replica_arn,
            customer: true,
            kind: KeyKind::Symmetric,
            state,
            rotation: primary.rotation,
            alias: None,
            description: primary.description.clone(),
            created: primary.created + 60_000,
            deletion: (state == KeyState::PendingDeletion)
                .then(|| (NOW_MS / DAY_MS + rng.range(3, 30)) * DAY_MS),
            statements,
            tags: Vec::new(),
            grants: 0,
            valid_to: None,
            rotation_days: primary.rotation_days,
            multi_region: Some(MultiRegion {
                replica: true,
                wider,
                ..config
            }),
        };
        other.keys.push(replica);
    }
}
