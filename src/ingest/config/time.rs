//! Timestamps in AWS Config output: ISO 8601 strings in delivered files and change
//! notifications (`2026-11-20T14:27:03.512Z`), ISO strings with an offset (AWS CLI v2) or epoch
//! seconds (AWS CLI v1) in `configservice` output, and epoch milliseconds inside some
//! `configuration` documents (serialised by the Java SDK).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde_json::Value;

/// Milliseconds since the Unix epoch, for ordering configuration items.
pub fn millis(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() {
                return None;
            }
            // Epoch milliseconds are > 1e11 for any date after 1973; seconds are not until 5138.
            Some(if f.abs() >= 1e11 {
                f as i128
            } else {
                (f * 1000.0) as i128
            })
        }
        Value::String(s) => parse_iso(s.trim()),
        _ => None,
    }
}

/// An ISO 8601 / RFC 3339 time with a `Z` or an offset (`+00:00`, `+0100`); a date alone is
/// midnight UTC.
fn parse_iso(s: &str) -> Option<i128> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(i128::from(ts.as_millisecond()));
    }
    let date: Date = s.parse().ok()?;
    let ts = TimeZone::UTC
        .to_timestamp(date.to_datetime(Time::midnight()))
        .ok()?;
    Some(i128::from(ts.as_millisecond()))
}

/// Milliseconds since the epoch as ISO 8601 in UTC, the way AWS Config writes its own times.
pub fn iso(millis: i128) -> String {
    i64::try_from(millis)
        .ok()
        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        .map_or_else(
            || millis.to_string(),
            |ts| ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_form_aws_writes() {
        let z = millis(&json!("2026-11-20T14:27:03.512Z")).expect("Z");
        assert_eq!(millis(&json!("2026-11-20T14:27:03.512000+00:00")), Some(z));
        assert_eq!(millis(&json!("2026-11-20T09:27:03.512-05:00")), Some(z));
        assert_eq!(millis(&json!("2026-11-20 15:27:03.512+0100")), Some(z));
        assert_eq!(millis(&json!(z as f64 / 1000.0)), Some(z), "epoch seconds");
        assert_eq!(millis(&json!(z as i64)), Some(z), "epoch milliseconds");
        assert_eq!(iso(z), "2026-11-20T14:27:03.512Z");
        assert_eq!(
            millis(&json!("2026-11-20")),
            millis(&json!("2026-11-20T00:00:00Z"))
        );
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-20T1:2:3",
            "2026-11-20T14:27:03+5",
        ] {
            assert_eq!(millis(&json!(bad)), None, "{bad}");
        }
        assert_eq!(millis(&json!(null)), None);
        assert_eq!(millis(&json!("2026-11-20T14:27:03Zjunk")), None);
    }
}
