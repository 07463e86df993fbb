//! Plants of the CloudTrail rules: trails stopped, deleted or weakened.

use super::Ctx;
use crate::cloudtrail::record::{Call, resource};
use crate::json::{J, obj, strs};

pub(super) fn trail_call(c: &mut Ctx, name: &'static str) -> Call {
    let who = c.admin();
    let trail = format!(
        "arn:aws:cloudtrail:{}:{}:trail/management-events",
        c.env.region, c.env.account
    );
    let req = if name == "DeleteTrail" {
        obj! { "name" => trail.clone() }
    } else {
        obj! { "name" => "management-events" }
    };
    Call::new("cloudtrail.amazonaws.com", name, who)
        .req(req)
        .resources(J::Arr(vec![resource(
            Some(&c.env.account),
            "AWS::CloudTrail::Trail",
            trail,
        )]))
        .writes()
}

/// The new event selectors of a `PutEventSelectors` call.
pub(super) enum Selectors {
    /// Management events kept, S3 data events dropped (`dataResources` emptied).
    NoS3Data,
    /// Only S3 data events, no management events (stratus-red-team's technique).
    NoManagement,
    /// All management events and the S3 data events of every bucket.
    Full,
}

fn trail_arn(c: &Ctx) -> String {
    format!(
        "arn:aws:cloudtrail:{}:{}:trail/management-events",
        c.env.region, c.env.account
    )
}

/// `PutEventSelectors` from the CLI: the selectors as sent, echoed in the response.
pub(super) fn put_event_selectors(c: &mut Ctx, selectors: Selectors) -> Call {
    let (management, s3) = match selectors {
        Selectors::NoS3Data => (true, false),
        Selectors::NoManagement => (false, true),
        Selectors::Full => (true, true),
    };
    let selector = || {
        let data = if s3 {
            vec![obj! { "type" => "AWS::S3::Object", "values" => strs(&["arn:aws:s3"]) }]
        } else {
            Vec::new()
        };
        obj! {
            "readWriteType" => "All",
            "includeManagementEvents" => management,
            "dataResources" => data,
            "excludeManagementEventSources" => J::Arr(Vec::new()),
        }
    };
    let who = c.admin();
    let arn = trail_arn(c);
    Call::new("cloudtrail.amazonaws.com", "PutEventSelectors", who)
        .req(obj! { "trailName" => "management-events", "eventSelectors" => vec![selector()] })
        .resp(obj! { "trailARN" => arn.clone(), "eventSelectors" => vec![selector()] })
        .resources(J::Arr(vec![resource(
            Some(&c.env.account),
            "AWS::CloudTrail::Trail",
            arn,
        )]))
        .writes()
}

/// What an `UpdateTrail` call changes.
pub(super) enum Update {
    /// `kmsKeyId` set to empty: log files no longer under SSE-KMS.
    DropKms,
    /// Log file validation turned off.
    NoValidation,
    /// Logs delivered to another bucket of the account, nothing weakened.
    MoveBucket,
}

/// `UpdateTrail` from the CLI: only the members it changes in the request, the whole trail
/// as it now is in the response.
pub(super) fn update_trail(c: &mut Ctx, update: Update) -> Call {
    let who = c.admin();
    let arn = trail_arn(c);
    let key = c.env.key_arn(&c.env.keys[0]);
    let (mut bucket, mut kms, mut validation) = (c.env.buckets[1].clone(), Some(key), true);
    let req = match update {
        Update::DropKms => {
            kms = None;
            obj! { "name" => "management-events", "kmsKeyId" => "" }
        }
        Update::NoValidation => {
            validation = false;
            obj! { "name" => "management-events", "enableLogFileValidation" => false }
        }
        Update::MoveBucket => {
            bucket = c.env.buckets[3].clone();
            obj! { "name" => "management-events", "s3BucketName" => bucket.clone() }
        }
    };
    let resp = obj! {
        "name" => "management-events",
        "s3BucketName" => bucket,
        "includeGlobalServiceEvents" => true,
        "isMultiRegionTrail" => true,
        "trailARN" => arn.clone(),
        "logFileValidationEnabled" => validation,
        "kmsKeyId" => kms,
        "isOrganizationTrail" => false,
    };
    Call::new("cloudtrail.amazonaws.com", "UpdateTrail", who)
        .req(req)
        .resp(resp)
        .resources(J::Arr(vec![resource(
            Some(&c.env.account),
            "AWS::CloudTrail::Trail",
            arn,
        )]))
        .writes()
}
