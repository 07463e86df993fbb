//! Plants of the KMS rules: keys disabled, scheduled for deletion, their rotation, grants and policies.

use super::Ctx;
use crate::cloudtrail::record::{Call, resource};
use crate::json::{J, obj};

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
