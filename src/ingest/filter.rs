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
    /// Whether a folder of CloudTrail's S3 layout (a key prefix ending in `/`, as an S3
    /// listing by delimiter gives it) may hold files this filter keeps, so that a log bucket
    /// is listed one level at a time and only where it may: `AWSLogs/[<org-id>/]<account>/`
    /// by `--account`, `CloudTrail/<region>/` by `--region`, `YYYY/`, `MM/` and `DD/` by
    /// `--since` and `--until` (a day's folder may hold records of the day before and the
    /// day after, as for files). Digest folders (`CloudTrail-Digest/`) and the folders of other
    /// services under an account are never listed; a folder outside the layout may hold
    /// anything.
    pub fn may_keep_prefix(&self, prefix: &str) -> bool {
        let parts: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
        let Some(logs) = parts.iter().rposition(|p| *p == "AWSLogs") else {
            return true;
        };
        let mut rest = &parts[logs + 1..];
        // An organization trail: `AWSLogs/<org-id>/<account>/...`.
        if rest.first().is_some_and(|p| is_org_id(p)) {
            rest = &rest[1..];
        }
        let Some((account, rest)) = rest.split_first() else {
            return true;
        };
        if !crate::model::is_account_id(account) {
            return true;
        }
        if !self.accounts.is_empty() && !self.accounts.iter().any(|a| a == account) {
            return false;
        }
        let Some((service, rest)) = rest.split_first() else {
            return true;
        };
        if !matches!(*service, "CloudTrail" | "CloudTrail-Insight") {
            return false;
        }
        let Some((region, dates)) = rest.split_first() else {
            return true;
        };
        if !self.regions.is_empty() && !self.regions.iter().any(|r| r == region) {
            return false;
        }
        self.may_keep_days(dates)
    }

    /// Whether the days of a `YYYY/[MM/[DD/]]` folder, widened by a day either side, meet
    /// the time window; a folder whose names are not a date may hold anything.
    fn may_keep_days(&self, dates: &[&str]) -> bool {
        if dates.is_empty() || (self.since.is_none() && self.until.is_none()) {
            return true;
        }
        let number = |i: usize| dates.get(i).map(|p| p.parse::<i16>().ok());
        let (Some(Some(year)), month, day) = (number(0), number(1), number(2)) else {
            return true;
        };
        let (Some(month), Some(day)) = (month.unwrap_or(Some(1)), day.unwrap_or(Some(1))) else {
            return true;
        };
        let Ok(first) = Date::new(year, month as i8, day as i8) else {
            return true;
        };
        let end = match dates.len() {
            1 => first.checked_add(jiff::Span::new().years(1)),
            2 => first.checked_add(jiff::Span::new().months(1)),
            _ => first.checked_add(jiff::Span::new().days(1)),
        };
        let (Some(from), Some(to)) = (midnight(first), end.ok().and_then(midnight)) else {
            return true;
        };
        let one = jiff::SignedDuration::from_hours(24);
        let (Ok(from), Ok(to)) = (from.checked_sub(one), to.checked_add(one)) else {
            return true;
        };
        self.since.is_none_or(|s| to > s) && self.until.is_none_or(|u| from < u)
    }
}

/// An AWS Organizations id, as organization trails put it after `AWSLogs/`: `o-` and 10 to
/// 32 lower-case letters or digits.
fn is_org_id(s: &str) -> bool {
    s.strip_prefix("o-").is_some_and(|id| {
        (10..=32).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// What a delivery file's S3 key says: `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/
/// YYYY/MM/DD/<file>`.
#[derive(Debug, PartialEq, Eq)]
struct DeliveryPath {
    account: String,
    region: String,
    day: Date,
}

/// The account and region a delivery file's place in CloudTrail's S3 layout names.
pub fn delivery_place(path: &Path) -> Option<(String, String)> {
    DeliveryPath::read(path).map(|p| (p.account, p.region))
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

    #[test]
    fn log_folders_are_judged_before_they_are_listed() {
        let f = EventFilter {
            since: Some(parse_instant("2026-11-20").expect("date")),
            until: Some(parse_instant("2026-11-21").expect("date")),
            accounts: vec!["123456789012".into()],
            regions: vec!["us-east-1".into()],
            ..EventFilter::default()
        };
        let dir = |p: &str| f.may_keep_prefix(p);
        for kept in [
            "",
            "trails/",
            "AWSLogs/",
            "AWSLogs/o-abcdef1234/",
            "AWSLogs/123456789012/",
            "AWSLogs/o-abcdef1234/123456789012/CloudTrail/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/19/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/21/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/odd/",
        ] {
            assert!(dir(kept), "{kept} is listed");
        }
        for pruned in [
            "AWSLogs/210987654321/",
            "AWSLogs/o-abcdef1234/210987654321/",
            "AWSLogs/123456789012/CloudTrail-Digest/",
            "AWSLogs/123456789012/Config/",
            "AWSLogs/123456789012/CloudTrail/eu-west-1/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2025/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2027/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/09/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/12/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/18/",
            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/",
        ] {
            assert!(!dir(pruned), "{pruned} is not listed");
        }
        // A month's folder reaches a day into the next month.
        let november = EventFilter {
            since: Some(parse_instant("2026-11-01T12:00:00Z").expect("instant")),
            ..EventFilter::default()
        };
        assert!(november.may_keep_prefix("AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/"));
        assert!(!november.may_keep_prefix("AWSLogs/123456789012/CloudTrail/us-east-1/2026/09/"));
        // Without filters every CloudTrail folder is listed, digests still not.
        let all = EventFilter::default();
        assert!(all.may_keep_prefix("AWSLogs/210987654321/CloudTrail/eu-west-1/2019/"));
        assert!(!all.may_keep_prefix("AWSLogs/210987654321/CloudTrail-Digest/"));
    }
}
