//! Which CloudTrail records a scan looks at: `--since`, `--until`, `--account`, `--region`,
//! `--event-source`, `--event-name`. Records are judged by their head before they are
//! parsed; files in CloudTrail's S3 layout (`AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/
//! YYYY/MM/DD/`) are judged by their path before they are opened.

use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;

use super::Head;

/// The records a scan keeps. Empty lists keep everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Keep records at or after this instant.
    pub since: Option<Timestamp>,
    /// Keep records before this instant.
    pub until: Option<Timestamp>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// `kms.amazonaws.com`, ...
    pub sources: Vec<String>,
    pub names: Vec<String>,
}

/// `2026-11-20T14:05:00Z` (any RFC 3339 offset) or a date, `2026-11-20`, meaning its start
/// in UTC.
pub fn parse_instant(s: &str) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    s.parse::<Date>().ok().and_then(midnight).ok_or_else(|| {
        format!("`{s}` is not a time: give 2026-11-20 or 2026-11-20T14:05:00Z (RFC 3339)")
    })
}

/// The start of a day, in UTC.
fn midnight(day: Date) -> Option<Timestamp> {
    jiff::tz::TimeZone::UTC
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

impl EventFilter {
    pub fn is_empty(&self) -> bool {
        *self == EventFilter::default()
    }

    /// Whether a record with this head is kept. A record without the field a filter asks
    /// about is not kept by that filter.
    pub fn keeps(&self, head: &Head) -> bool {
        let listed = |list: &[String], value: Option<&str>, exact: bool| {
            list.is_empty()
                || value.is_some_and(|v| {
                    list.iter().any(|x| {
                        if exact {
                            x == v
                        } else {
                            x.eq_ignore_ascii_case(v)
                        }
                    })
                })
        };
        if !listed(&self.accounts, head.recipient_account_id.as_deref(), true)
            || !listed(&self.regions, head.aws_region.as_deref(), true)
            || !listed(&self.sources, head.event_source.as_deref(), false)
            || !listed(&self.names, head.event_name.as_deref(), false)
        {
            return false;
        }
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(time) = head
            .event_time
            .as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok())
        else {
            return false;
        };
        self.since.is_none_or(|s| time >= s) && self.until.is_none_or(|u| time < u)
    }

    /// Whether a file may hold records this filter keeps, by its place in CloudTrail's S3
    /// layout; a file elsewhere may. The day of a delivery file bounds its records' times
    /// give or take a day (a file delivered after midnight holds the day before's last
    /// events).
    pub fn may_keep_file(&self, path: &Path) -> bool {
        let Some(place) = DeliveryPath::read(path) else {
            return true;
        };
        if !self.accounts.is_empty() && !self.accounts.contains(&place.account) {
            return false;
        }
        if !self.regions.is_empty() && !self.regions.contains(&place.region) {
            return false;
        }
        let Some(day) = midnight(place.day) else {
            return true;
        };
        let one = jiff::SignedDuration::from_hours(24);
        let (Ok(from), Ok(to)) = (day.checked_sub(one), day.checked_add(one * 2)) else {
            return true;
        };
        self.since.is_none_or(|s| to > s) && self.until.is_none_or(|u| from < u)
    }
}

/// What a delivery file's S3 key says: `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/
/// YYYY/MM/DD/<file>`.
#[derive(Debug, PartialEq, Eq)]
struct DeliveryPath {
    account: String,
    region: String,
    day: Date,
}

impl DeliveryPath {
    fn read(path: &Path) -> Option<DeliveryPath> {
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        let logs = parts.iter().rposition(|p| *p == "AWSLogs")?;
        let rest = &parts[logs + 1..];
        let trail = rest.iter().position(|p| *p == "CloudTrail")?;
        // `<account>/CloudTrail` or `<org-id>/<account>/CloudTrail`.
        if !(1..=2).contains(&trail) {
            return None;
        }
        let account = rest[trail - 1];
        let [region, year, month, day, _file] = rest.get(trail + 1..)? else {
            return None;
        };
        if !crate::model::is_account_id(account) {
            return None;
        }
        let date = Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()?;
        Some(DeliveryPath {
            account: account.to_owned(),
            region: (*region).to_owned(),
            day: date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn head<'a>(time: &'a str, name: &'a str) -> Head<'a> {
        Head {
            event_source: Some(Cow::Borrowed("kms.amazonaws.com")),
            event_name: Some(Cow::Borrowed(name)),
            event_time: Some(Cow::Borrowed(time)),
            aws_region: Some(Cow::Borrowed("us-east-1")),
            recipient_account_id: Some(Cow::Borrowed("123456789012")),
            ..Head::default()
        }
    }

    #[test]
    fn records_are_kept_by_time_account_region_source_and_name() {
        let f = EventFilter {
            since: Some(parse_instant("2026-11-20").expect("date")),
            until: Some(parse_instant("2026-11-20T15:00:00+01:00").expect("instant")),
            ..EventFilter::default()
        };
        assert!(f.keeps(&head("2026-11-20T00:00:00Z", "DisableKey")));
        assert!(f.keeps(&head("2026-11-20T13:59:59Z", "DisableKey")));
        assert!(!f.keeps(&head("2026-11-20T14:00:00Z", "DisableKey")));
        assert!(!f.keeps(&head("2026-11-19T23:59:59Z", "DisableKey")));
        assert!(!f.keeps(&head("not a time", "DisableKey")));
        let f = EventFilter {
            names: vec!["disablekey".into()],
            sources: vec!["KMS.amazonaws.com".into()],
            accounts: vec!["123456789012".into()],
            regions: vec!["us-east-1".into()],
            ..EventFilter::default()
        };
        assert!(f.keeps(&head("2026-11-20T00:00:00Z", "DisableKey")));
        assert!(!f.keeps(&head("2026-11-20T00:00:00Z", "Decrypt")));
        assert!(parse_instant("yesterday").is_err());
    }

    #[test]
    fn delivery_files_are_judged_by_their_path() {
        let f = EventFilter {
            since: Some(parse_instant("2026-11-20").expect("date")),
            until: Some(parse_instant("2026-11-21").expect("date")),
            regions: vec!["us-east-1".into()],
            ..EventFilter::default()
        };
        let file = |p: &str| f.may_keep_file(Path::new(p));
        let name = "123456789012_CloudTrail_us-east-1_20261120T1405Z_x.json.gz";
        assert!(file(&format!(
            "b/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/{name}"
        )));
        // The day after may hold the last events of the day.
        assert!(file(&format!(
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/21/{name}"
        )));
        assert!(!file(&format!(
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/23/{name}"
        )));
        assert!(!file(&format!(
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/17/{name}"
        )));
        assert!(!file(&format!(
            "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/20/{name}"
        )));
        // An organization trail.
        assert!(file(&format!(
            "AWSLogs/o-abc123/123456789012/CloudTrail/us-east-1/2026/11/20/{name}"
        )));
        assert!(!file(&format!(
            "AWSLogs/o-abc123/123456789012/CloudTrail/eu-west-1/2026/11/20/{name}"
        )));
        // Elsewhere, a file may hold anything.
        assert!(file("logs/eu-west-1/trail.json"));
    }
}
