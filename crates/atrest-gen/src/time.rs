//! The export's clock and timestamps in the forms AWS prints them.

/// 2025-06-15T00:00:00Z, the moment the export is taken.
pub(crate) const NOW_MS: i64 = 1_749_945_600_000;
/// 2018-01-01T00:00:00Z.
pub(crate) const START_MS: i64 = 1_514_764_800_000;
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Python's `datetime.isoformat()` of a UTC time, as AWS CLI v2 prints timestamps:
/// `2024-03-05T10:01:02+00:00`, or `2024-03-05T10:01:02.123000+00:00` with milliseconds.
pub(crate) fn iso(ms: i64) -> String {
    let (date, frac) = civil(ms);
    if frac == 0 {
        format!("{date}+00:00")
    } else {
        format!("{date}.{frac:03}000+00:00")
    }
}

/// `2024-03-05T10:01:02Z`, as CloudTrail prints some times as plain strings.
pub(crate) fn iso_z(ms: i64) -> String {
    format!("{}Z", civil(ms).0)
}

/// `2024-03-05T10:01:02` and the milliseconds, in UTC.
fn civil(ms: i64) -> (String, i64) {
    let frac = ms.rem_euclid(1000);
    let date = jiff::Timestamp::from_millisecond(ms - frac)
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default();
    (date, frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_cli() {
        assert_eq!(iso(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso(1_709_632_862_000), "2024-03-05T10:01:02+00:00");
        assert_eq!(iso(1_709_632_862_123), "2024-03-05T10:01:02.123000+00:00");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00+00:00");
        assert_eq!(iso_z(1_709_632_862_123), "2024-03-05T10:01:02Z");
        assert_eq!(iso(NOW_MS), "2025-06-15T00:00:00+00:00");
        assert_eq!(iso(START_MS), "2018-01-01T00:00:00+00:00");
    }
}
