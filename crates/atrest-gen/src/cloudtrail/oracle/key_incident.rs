//! Plants of the key lifecycle analysis (`event-kms-key-disabled-in-use`): sequences on a
//! fresh key of the plant. A service uses the key (S3 asking for a data key for an object
//! of a bucket, or EBS decrypting a volume's data key for an instance), an administrator
//! disables it, and the service's next calls are refused until, sometimes, the key is
//! enabled again. The decoys keep one ingredient out: the change refused, or no use at all.

use super::Ctx;
use super::kms::key_call;
use crate::cloudtrail::record::{self, Call, Who, resource};
use crate::json::{J, obj};

/// Principal 4 is the etl-job role session (env.rs): S3 works on its behalf.
const S3_CALLER: usize = 4;

/// A call of the service the plant's key serves: S3 or EBS, decided by the plant's number
/// alone so that every step agrees (hashed: the numbers of one entry's hits are a round
/// apart, and a round may hold an even number of plants).
fn service_call(c: &mut Ctx, refused: bool) -> Call {
    let key = c.fresh_key();
    let arn = c.env.key_arn(&key);
    let call = if crate::rng::mix(c.n as u64).is_multiple_of(2) {
        let bucket = &c.env.buckets[c.n % c.env.buckets.len()];
        let context = obj! { "aws:s3:arn" => format!("arn:aws:s3:::{bucket}") };
        let via = Who::Via(S3_CALLER, "s3.amazonaws.com");
        // Objects are written before they are read: the use is a data key, a refusal a read.
        if refused {
            Call::new("kms.amazonaws.com", "Decrypt", via).req(obj! {
                "encryptionContext" => context,
                "encryptionAlgorithm" => "SYMMETRIC_DEFAULT",
            })
        } else {
            Call::new("kms.amazonaws.com", "GenerateDataKey", via).req(obj! {
                "encryptionContext" => context,
                "keyId" => arn.clone(),
                "keySpec" => "AES_256",
            })
        }
    } else {
        let v = c.n % c.env.volumes.len();
        Call::new("kms.amazonaws.com", "Decrypt", Who::Ec2Infra(v)).req(obj! {
            "encryptionContext" => obj! { "aws:ebs:id" => &c.env.volumes[v] },
            "encryptionAlgorithm" => "SYMMETRIC_DEFAULT",
        })
    };
    let call = call.resources(J::Arr(vec![resource(
        Some(&c.env.account),
        "AWS::KMS::Key",
        arn.clone(),
    )]));
    if refused {
        call.failed("DisabledException", format!("{arn} is disabled."))
    } else {
        call.extra(obj! { "keyMaterialId" => record::token(&mut c.rng, record::HEX, 64) })
    }
}

/// The service uses the key.
pub(super) fn used(c: &mut Ctx) -> Call {
    service_call(c, false)
}

/// The service's call, refused because the key is disabled.
pub(super) fn refused(c: &mut Ctx) -> Call {
    service_call(c, true)
}

pub(super) fn disable(c: &mut Ctx) -> Call {
    let key = c.fresh_key();
    key_call(c, "DisableKey", &key)
}

pub(super) fn enable(c: &mut Ctx) -> Call {
    let key = c.fresh_key();
    key_call(c, "EnableKey", &key)
}

/// The incident's last call: the key enabled again (two plants in three), or one more
/// refusal, the key still disabled when the logs end.
pub(super) fn enabled_or_refused(c: &mut Ctx) -> Call {
    if c.n.is_multiple_of(3) {
        refused(c)
    } else {
        enable(c)
    }
}

pub(super) fn disable_denied(c: &mut Ctx) -> Call {
    disable(c).failed(
        "AccessDeniedException",
        "User is not authorized to perform: kms:DisableKey",
    )
}
