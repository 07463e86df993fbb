//! Timestamps in AWS Config output: ISO 8601 strings in delivered files and change
//! notifications (`2026-11-20T14:27:03.512Z`), ISO strings with an offset (AWS CLI v2) or epoch
//! seconds (AWS CLI v1) in `configservice` output, and epoch milliseconds inside some
//! `configuration` documents (serialised by the Java SDK).

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

/// `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]`; a date alone is midnight UTC.
fn parse_iso(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut millis = 0i64;
    if b.len() > 10 {
        if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, m, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
        secs += h * 3600 + m * 60 + sec;
        let mut i = 19;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let digits = &s[start..i];
            if digits.is_empty() {
                return None;
            }
            let mut ms = 0i64;
            for (k, c) in digits.bytes().take(3).enumerate() {
                ms += i64::from(c - b'0') * [100, 10, 1][k];
            }
            millis = ms;
        }
        match b.get(i) {
            None => {}
            Some(b'Z' | b'z') if i + 1 == b.len() => {}
            Some(&sign @ (b'+' | b'-')) => {
                let rest = &s[i + 1..];
                let (oh, om) = match rest.len() {
                    2 => (num(i + 1, 2)?, 0),
                    4 => (num(i + 1, 2)?, num(i + 3, 2)?),
                    5 if rest.as_bytes()[2] == b':' => (num(i + 1, 2)?, num(i + 4, 2)?),
                    _ => return None,
                };
                let offset = oh * 3600 + om * 60;
                secs -= if sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    Some(i128::from(secs) * 1000 + i128::from(millis))
}

/// Milliseconds since the epoch as ISO 8601 in UTC, the way AWS Config writes its own times.
pub fn iso(millis: i128) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
