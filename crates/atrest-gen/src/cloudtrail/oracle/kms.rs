//! Plants of the KMS rules: keys disabled, scheduled for deletion, their rotation, grants and policies.

use super::Ctx;
use crate::cloudtrail::record::{self, Call, resource};
use crate::json::{J, obj, strs};

/// A key id (`key`) or ARN (another account's key), and the ARN CloudTrail lists.
fn key_arn(c: &Ctx, key: &str) -> String {
    if key.starts_with("arn:") {
        key.to_owned()
    } else {
        c.env.key_arn(key)
    }
}

pub(super) fn key_call(c: &mut Ctx, name: &'static str, key: &str) -> Call {
    let who = c.admin();
    let arn = key_arn(c, key);
    let resp = match name {
        "DisableKey" | "EnableKey" => obj! { "keyId" => arn.clone() },
        "CancelKeyDeletion" => obj! { "keyId" => arn.clone() },
        _ => J::Null,
    };
    let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
    Call::new("kms.amazonaws.com", name, who)
        .req(obj! { "keyId" => key })
        .resp(resp)
        .resources(J::Arr(vec![resource(Some(&account), "AWS::KMS::Key", arn)]))
        .writes()
}

pub(super) fn schedule_deletion(c: &mut Ctx, key: &str) -> Call {
    let days = [7i64, 7, 14, 30][c.n % 4];
    let arn = key_arn(c, key);
    key_call(c, "ScheduleKeyDeletion", key)
        .req(obj! { "keyId" => key, "pendingWindowInDays" => days })
        .resp(obj! {
            "keyId" => arn,
            "deletionDate" => "Mar 13, 2025, 3:18:09 AM",
            "keyState" => "PendingDeletion",
            "pendingWindowInDays" => days,
        })
}

/// Who a new grant is for.
pub(super) enum Grantee {
    /// A role of the outside account.
    Outside,
    /// A role of the key's own account.
    Inside,
}

/// `CreateGrant` from the CLI on a fresh key, as KMS records it (the grant id and the key's
/// ARN answered; a refused call answers nothing).
pub(super) fn create_grant(c: &mut Ctx, grantee: Grantee) -> Call {
    let key = c.fresh_key();
    let arn = c.env.key_arn(&key);
    let principal = match grantee {
        Grantee::Outside => format!("arn:aws:iam::{}:role/backup-copier", c.env.outside),
        Grantee::Inside => format!("arn:aws:iam::{}:role/etl-job", c.env.account),
    };
    let grant_id = record::token(&mut c.rng, record::HEX, 64);
    key_call(c, "CreateGrant", &key)
        .req(obj! {
            "keyId" => arn.clone(),
            "granteePrincipal" => principal,
            "operations" => strs(&["Decrypt", "DescribeKey"]),
        })
        .resp(obj! { "grantId" => grant_id, "keyId" => arn })
}

/// What a new key policy lets in besides the account itself.
pub(super) enum KeyPolicy {
    /// `kms:Decrypt` for the outside account's root.
    OtherAccount,
    /// `kms:Decrypt` for `"*"`, with no condition.
    Everyone,
    /// The account's root and its Admin role only.
    OwnAccount,
    /// `"*"` pinned to the account's callers through EC2 (`kms:CallerAccount`,
    /// `kms:ViaService`), as the AWS managed key of EBS has it: not public.
    ViaEbs,
}

/// `PutKeyPolicy` on a fresh key: the policy as the caller's text, a string in the request.
pub(super) fn put_key_policy(c: &mut Ctx, policy: KeyPolicy) -> Call {
    let key = c.fresh_key();
    let account = c.env.account.clone();
    let root = format!("arn:aws:iam::{account}:root");
    let mut statements = vec![obj! {
        "Sid" => "Enable IAM User Permissions",
        "Effect" => "Allow",
        "Principal" => obj! { "AWS" => root },
        "Action" => "kms:*",
        "Resource" => "*",
    }];
    let decrypt = strs(&["kms:Decrypt", "kms:DescribeKey"]);
    statements.push(match policy {
        KeyPolicy::OtherAccount => obj! {
            "Sid" => "Allow use of the key by the backup account",
            "Effect" => "Allow",
            "Principal" => obj! { "AWS" => format!("arn:aws:iam::{}:root", c.env.outside) },
            "Action" => decrypt,
            "Resource" => "*",
        },
        KeyPolicy::Everyone => obj! {
            "Sid" => "Allow use of the key",
            "Effect" => "Allow",
            "Principal" => "*",
            "Action" => decrypt,
            "Resource" => "*",
        },
        KeyPolicy::OwnAccount => obj! {
            "Sid" => "Allow administration of the key",
            "Effect" => "Allow",
            "Principal" => obj! { "AWS" => format!("arn:aws:iam::{account}:role/Admin") },
            "Action" => strs(&["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]),
            "Resource" => "*",
        },
        KeyPolicy::ViaEbs => obj! {
            "Sid" => "Allow access through EBS for all principals in the account that are authorized to use EBS",
            "Effect" => "Allow",
            "Principal" => obj! { "AWS" => "*" },
            "Action" => strs(&["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]),
            "Resource" => "*",
            "Condition" => obj! { "StringEquals" => obj! {
                "kms:CallerAccount" => account.clone(),
                "kms:ViaService" => format!("ec2.{}.amazonaws.com", c.env.region),
            } },
        },
    });
    let doc = obj! { "Version" => "2012-10-17", "Id" => "key-policy-1", "Statement" => statements };
    key_call(c, "PutKeyPolicy", &key).req(obj! {
        "keyId" => key.clone(),
        "policyName" => "default",
        "policy" => crate::json::compact(&doc),
        "bypassPolicyLockoutSafetyCheck" => false,
    })
}
