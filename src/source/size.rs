//! Sizes as users write them on the command line: `512M`, `2G`, `1048576`.

/// The default `--max-file-size`: 1 GiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 30;

const UNITS: [(char, u32); 4] = [('K', 10), ('M', 20), ('G', 30), ('T', 40)];

/// Parses a size: plain bytes, or a number followed by `K`, `M`, `G` or `T` (powers of 1024;
/// `KB`, `KiB`, lower case accepted too).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad =
        || format!("`{s}` is not a size: write bytes, or a number with K, M, G or T (512M, 2G)");
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix("ib"))
        .or_else(|| t.strip_suffix(['B', 'b']))
        .unwrap_or(t);
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some(c) if c.is_ascii_digit() => (t, 0),
        Some(c) => match UNITS.iter().find(|(u, _)| *u == c) {
            Some((_, shift)) => (&t[..t.len() - 1], *shift),
            None => return Err(bad()),
        },
        None => return Err(bad()),
    };
    let n: u64 = digits.trim().parse().map_err(|_| bad())?;
    let bytes = n
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))?;
    if bytes == 0 {
        return Err("the size must be at least 1 byte".to_owned());
    }
    Ok(bytes)
}

/// A size as it would be written for [`parse_size`]: `1G`, `512M`, `1000`.
pub fn format_size(bytes: u64) -> String {
    for (unit, shift) in UNITS.iter().rev() {
        if bytes >= 1 << shift && bytes.trailing_zeros() >= *shift {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// A round limit that admits `size` bytes: the next whole number of the largest unit that
/// is not larger than the size (`1.3 GiB` -> `2G`).
pub fn room_for(size: u64) -> u64 {
    let shift = UNITS
        .iter()
        .rev()
        .map(|(_, s)| *s)
        .find(|s| size >= 1 << s)
        .unwrap_or(0);
    let unit = 1u64 << shift;
    size.div_ceil(unit).saturating_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("64KB"), Ok(64 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        for bad in ["", "G", "1.5G", "-1", "12X", "0", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(format_size(1 << 30), "1G");
        assert_eq!(format_size(512 << 20), "512M");
        assert_eq!(format_size(1000), "1000");
        assert_eq!(format_size(3 << 19), "1536K");
        assert_eq!(room_for((1 << 30) + 1), 2 << 30);
        assert_eq!(room_for(1 << 30), 1 << 30);
        assert_eq!(room_for(700), 700);
        assert_eq!(format_size(room_for(1_300_000)), "2M");
    }
}
