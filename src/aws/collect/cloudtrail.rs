//! CloudTrail in one region: the trails it shows (shadow trails of multi-region and
//! organization trails included, as the CLI asks by default), and for each trail whose home
//! is this region its status, event selectors and insight selectors. Answers are kept as
//! CloudTrail sent them.

use aws_sdk_cloudtrail::Client;
use serde_json::Value;

use super::raw::raw_call;
use super::{Out, file_name, in_region};

pub async fn collect(config: &aws_config::SdkConfig, out: &Out, region: &str) {
    let client = Client::new(&in_region(config, region));
    let trails = raw_call!(
        client.describe_trails().include_shadow_trails(true),
        "DescribeTrails"
    )
    .map(|(_, json)| json);
    let homed: Vec<String> = match &trails {
        Ok(json) => json
            .get("trailList")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|t| t.get("HomeRegion").and_then(Value::as_str) == Some(region))
                    .filter_map(|t| t.get("Name").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    out.write(
        region,
        "cloudtrail",
        "describe-trails",
        "DescribeTrails",
        trails,
    );
    for name in homed {
        let status = raw_call!(client.get_trail_status().name(&name), "GetTrailStatus")
            .map(|(_, json)| json);
        let selectors = raw_call!(
            client.get_event_selectors().trail_name(&name),
            "GetEventSelectors"
        )
        .map(|(_, json)| json);
        let insights = raw_call!(
            client.get_insight_selectors().trail_name(&name),
            "GetInsightSelectors"
        )
        .map(|(_, json)| json);
        let n = file_name(&name);
        out.write(
            region,
            "cloudtrail",
            &format!("get-insight-selectors--{n}"),
            "GetInsightSelectors",
            insights,
        );
        out.write(
            region,
            "cloudtrail",
            &format!("get-trail-status--{n}"),
            "GetTrailStatus",
            status,
        );
        out.write(
            region,
            "cloudtrail",
            &format!("get-event-selectors--{n}"),
            "GetEventSelectors",
            selectors,
        );
    }
}
