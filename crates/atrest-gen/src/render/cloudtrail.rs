//! `cloudtrail`: the trail as every region lists it, and its status and event selectors in
//! its home region.

use std::io;
use std::path::Path;

use super::{Sink, file};
use crate::json::{J, obj, strs};
use crate::plan::Account;
use crate::plan::trails::Selectors;
use crate::time::{DAY_MS, NOW_MS, iso, iso_z};

pub(super) fn render(account: &Account, r: usize, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let t = &account.trail;
    let home = &account.regions[t.home];
    let listed = r == t.home || t.multi_region;
    let selectors_custom = t.selectors != Selectors::ClassicManagement;
    let trails = if listed {
        vec![obj! {
            "Name" => &t.name,
            "S3BucketName" => t.bucket_name(account),
            "S3KeyPrefix" => t.prefix.clone(),
            "IncludeGlobalServiceEvents" => true,
            "IsMultiRegionTrail" => t.multi_region,
            "HomeRegion" => &home.name,
            "TrailARN" => &t.arn,
            "LogFileValidationEnabled" => t.validation,
            "KmsKeyId" => t.kms.map(|k| home.keys[k].arn.clone()),
            "HasCustomEventSelectors" => selectors_custom,
            "HasInsightSelectors" => false,
            "IsOrganizationTrail" => false,
        }]
    } else {
        Vec::new()
    };
    sink.json(
        &dir.join("describe-trails.json"),
        &obj! { "trailList" => trails },
    )?;
    if r != t.home {
        return Ok(());
    }
    let last = NOW_MS - 7 * 60_000 - (t.started % 60_000);
    let stopped = t.started + 90 * DAY_MS;
    let status = if t.logging {
        obj! {
            "IsLogging" => true,
            "LatestDeliveryTime" => iso(last),
            "StartLoggingTime" => iso(t.started),
            "LatestDigestDeliveryTime" => t.validation.then(|| iso(last - 1_800_000)),
            "LatestDeliveryAttemptTime" => iso_z(last),
            "LatestNotificationAttemptTime" => "",
            "LatestNotificationAttemptSucceeded" => "",
            "LatestDeliveryAttemptSucceeded" => iso_z(last),
            "TimeLoggingStarted" => iso_z(t.started),
            "TimeLoggingStopped" => "",
        }
    } else {
        obj! {
            "IsLogging" => false,
            "LatestDeliveryTime" => iso(stopped - 120_000),
            "StartLoggingTime" => iso(t.started),
            "StopLoggingTime" => iso(stopped),
            "LatestDeliveryAttemptTime" => iso_z(stopped - 120_000),
            "LatestNotificationAttemptTime" => "",
            "LatestNotificationAttemptSucceeded" => "",
            "LatestDeliveryAttemptSucceeded" => iso_z(stopped - 120_000),
            "TimeLoggingStarted" => iso_z(t.started),
            "TimeLoggingStopped" => iso_z(stopped),
        }
    };
    sink.json(
        &dir.join(format!("{}.json", file("get-trail-status", &t.name))),
        &status,
    )?;

    let classic = |data: Vec<J>| {
        obj! {
            "EventSelectors" => vec![obj! {
                "ReadWriteType" => "All",
                "IncludeManagementEvents" => true,
                "DataResources" => data,
                "ExcludeManagementEventSources" => Vec::new(),
            }],
        }
    };
    let management = || {
        obj! {
            "Name" => "Management events selector",
            "FieldSelectors" => vec![obj! { "Field" => "eventCategory", "Equals" => strs(&["Management"]) }],
        }
    };
    let body = match t.selectors {
        Selectors::ClassicManagement => classic(Vec::new()),
        Selectors::ClassicS3 => classic(vec![obj! {
            "Type" => "AWS::S3::Object",
            "Values" => strs(&["arn:aws:s3"]),
        }]),
        Selectors::ClassicLambda => classic(vec![obj! {
            "Type" => "AWS::Lambda::Function",
            "Values" => strs(&["arn:aws:lambda"]),
        }]),
        Selectors::AdvancedManagement => obj! { "AdvancedEventSelectors" => vec![management()] },
        Selectors::AdvancedS3 => obj! {
            "AdvancedEventSelectors" => vec![
                management(),
                obj! {
                    "Name" => "Log all S3 data events",
                    "FieldSelectors" => vec![
                        obj! { "Field" => "eventCategory", "Equals" => strs(&["Data"]) },
                        obj! { "Field" => "resources.type", "Equals" => strs(&["AWS::S3::Object"]) },
                    ],
                },
            ],
        },
    };
    let mut members = vec![("TrailARN", J::from(&t.arn))];
    if let J::Obj(rest) = body {
        members.extend(rest);
    }
    sink.json(
        &dir.join(format!("{}.json", file("get-event-selectors", &t.name))),
        &J::Obj(members),
    )
}
