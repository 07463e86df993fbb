//! Recent CloudTrail events through the `LookupEvents` API (`atrest scan --lookup`): every
//! region asked at once, each at most twice a second (CloudTrail's limit per account and
//! region), page after page; each event's record handed to the scan as a document of its
//! own, addressed `lookup://<region>/<eventID>`.

use std::time::Duration;

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use tokio::task::JoinSet;

use super::describe;
use crate::diagnostic::Diagnostic;
use crate::ingest::filter::EventFilter;
use crate::source::remote::LOOKUP_SCHEME;

/// The regions every account has, enabled by default (regions launched since 2019 must be
/// opted in, and are asked only when named with `--region`).
pub const DEFAULT_REGIONS: [&str; 17] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// How long CloudTrail keeps the events `LookupEvents` returns.
pub const RETENTION_DAYS: i64 = 90;

/// CloudTrail answers at most two `LookupEvents` calls a second per account and region.
const PACE: Duration = Duration::from_millis(500);

/// One event's record, as CloudTrail recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Looked {
    /// `lookup://<region>/<eventID>`
    pub address: String,
    pub record: Vec<u8>,
}

/// What the lookups returned: the events, sorted by address, and what went wrong.
#[derive(Debug, Default)]
pub struct Lookups {
    pub events: Vec<Looked>,
    /// `LookupEvents` requests made, in all regions.
    pub requests: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The regions to ask: those the filter names, else [`DEFAULT_REGIONS`].
pub fn regions(filter: &EventFilter) -> Vec<String> {
    if filter.regions.is_empty() {
        DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()).collect()
    } else {
        filter.regions.clone()
    }
}

/// The one attribute `LookupEvents` can filter by on the server: an event name, else an
/// event source, when the filter names exactly one (the scan's filter applies the rest).
fn attribute(filter: &EventFilter) -> Option<LookupAttribute> {
    let (key, value) = match (filter.names.as_slice(), filter.sources.as_slice()) {
        ([name], _) => (LookupAttributeKey::EventName, name),
        ([], [source]) => (LookupAttributeKey::EventSource, source),
        _ => return None,
    };
    LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value.clone())
        .build()
        .ok()
}

/// Every event between the filter's `since` and `until` in `regions`, asked on `runtime`
/// with `config` (those of the run's S3 store: the AWS configuration is loaded once).
pub fn lookup(
    runtime: &tokio::runtime::Runtime,
    config: &aws_config::SdkConfig,
    filter: &EventFilter,
    regions: &[String],
) -> Lookups {
    let mut out = Lookups::default();
    let now = jiff::Timestamp::now();
    let oldest = now - jiff::SignedDuration::from_hours(24 * RETENTION_DAYS);
    if let Some(since) = filter.since
        && since < oldest
    {
        // Events older than that are not there to be looked up: no pass on them.
        out.diagnostics.push(Diagnostic::error(
            LOOKUP_SCHEME,
            format!(
                "--since {since} is more than {RETENTION_DAYS} days ago: LookupEvents only \
                 returns events since {oldest}; scan the trail's log bucket for older ones"
            ),
        ));
    }
    runtime.block_on(async {
        let mut asks = JoinSet::new();
        for region in regions {
            let conf = aws_sdk_cloudtrail::config::Builder::from(config)
                .region(aws_sdk_cloudtrail::config::Region::new(region.clone()))
                .build();
            let client = Client::from_conf(conf);
            asks.spawn(in_region(client, region.clone(), filter.clone()));
        }
        while let Some(done) = asks.join_next().await {
            match done {
                Ok(region) => {
                    out.requests += region.requests;
                    out.events.extend(region.events);
                    out.diagnostics.extend(region.diagnostics);
                }
                Err(e) => out.diagnostics.push(Diagnostic::error(
                    LOOKUP_SCHEME,
                    format!("a lookup stopped: {e}"),
                )),
            }
        }
    });
    out.events.sort_by(|a, b| a.address.cmp(&b.address));
    out.events.dedup_by(|a, b| a.address == b.address);
    out
}

/// Every page of one region, two requests a second at most: each page is asked half a
/// second after the last one was answered (the SDK's retries of a throttled request back
/// off on their own).
async fn in_region(client: Client, region: String, filter: EventFilter) -> Lookups {
    let mut out = Lookups::default();
    let mut next = tokio::time::Instant::now();
    let mut token: Option<String> = None;
    loop {
        tokio::time::sleep_until(next).await;
        let mut ask = client
            .lookup_events()
            .max_results(50)
            .set_next_token(token.take())
            .set_lookup_attributes(attribute(&filter).map(|a| vec![a]));
        if let Some(since) = filter.since {
            ask = ask.start_time(DateTime::from_secs(since.as_second()));
        }
        if let Some(until) = filter.until {
            // Whole seconds, rounded up: the scan's filter drops what is at or after it.
            let secs = until.as_second() + i64::from(until.subsec_nanosecond() > 0);
            ask = ask.end_time(DateTime::from_secs(secs));
        }
        out.requests += 1;
        let answered = ask.send().await;
        next = tokio::time::Instant::now() + PACE;
        let page = match answered {
            Ok(page) => page,
            Err(e) => {
                out.diagnostics.push(Diagnostic::error(
                    format!("{LOOKUP_SCHEME}{region}"),
                    format!("LookupEvents failed: {}", describe(&e)),
                ));
                return out;
            }
        };
        for event in page.events() {
            let (Some(id), Some(record)) = (event.event_id(), event.cloud_trail_event()) else {
                out.diagnostics.push(Diagnostic::warning(
                    format!("{LOOKUP_SCHEME}{region}"),
                    "LookupEvents returned an event without its ID or record: not read",
                ));
                continue;
            };
            out.events.push(Looked {
                address: format!("{LOOKUP_SCHEME}{region}/{id}"),
                record: record.as_bytes().to_vec(),
            });
        }
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_named_event_or_source_is_asked_of_the_server() {
        let mut filter = EventFilter {
            names: vec!["DisableKey".into()],
            sources: vec!["kms.amazonaws.com".into()],
            ..EventFilter::default()
        };
        let a = attribute(&filter).expect("an attribute");
        assert_eq!(a.attribute_key(), &LookupAttributeKey::EventName);
        assert_eq!(a.attribute_value(), "DisableKey");
        filter.names.push("ScheduleKeyDeletion".into());
        assert!(attribute(&filter).is_none(), "two names: the scan filters");
        filter.names.clear();
        let a = attribute(&filter).expect("an attribute");
        assert_eq!(a.attribute_key(), &LookupAttributeKey::EventSource);
    }

    #[test]
    fn named_regions_replace_the_default_ones() {
        assert_eq!(
            regions(&EventFilter::default()).len(),
            DEFAULT_REGIONS.len()
        );
        let filter = EventFilter {
            regions: vec!["me-central-1".into()],
            ..EventFilter::default()
        };
        assert_eq!(regions(&filter), vec!["me-central-1".to_owned()]);
    }
}
