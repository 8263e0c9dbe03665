//! Times as kyso writes and reads them: RFC 3339 (UTC and Vietnam time), the forms Vietnamese
//! documents use (`07/01/2025`, `07/01/2025 16:02:32 +07:00`), and PDF date strings
//! (`D:20250107160232+07'00'`, ISO 32000-1 §7.9.4).
//!
//! Everything works on [`DateTime`] (UTC, whole seconds) or on Unix seconds with an offset from
//! UTC in minutes; nothing here reads a clock.

use std::time::Duration;

use der::DateTime;

/// Vietnam's offset from UTC in minutes (UTC+7, no daylight saving time).
pub const VIETNAM_OFFSET_MINUTES: i32 = 7 * 60;

/// Why a time could not be given at an offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OffsetError {
    /// The local time would be before 1970-01-01T00:00:00.
    #[error("time before 1970")]
    BeforeEpoch,
    /// The local time is not representable (past 9999-12-31).
    #[error(transparent)]
    OutOfRange(#[from] der::Error),
}

/// The instant `unix_seconds` after the Unix epoch.
pub fn from_unix(unix_seconds: u64) -> Result<DateTime, der::Error> {
    DateTime::from_unix_duration(Duration::from_secs(unix_seconds))
}

/// The wall-clock fields of the instant `unix_seconds` at `offset_minutes` from UTC (the
/// returned value is *not* the same instant: its fields are the local date and time).
pub fn at_offset(unix_seconds: u64, offset_minutes: i32) -> Result<DateTime, OffsetError> {
    let shifted = unix_seconds as i64 + i64::from(offset_minutes) * 60;
    let shifted = u64::try_from(shifted).map_err(|_| OffsetError::BeforeEpoch)?;
    Ok(from_unix(shifted)?)
}

/// `+07:00`-style text of an offset in minutes (`+00:00` for UTC), with `separator` between
/// hours and minutes and after the minutes (`'` in PDF dates).
fn offset_text(offset_minutes: i32, separator: &str, end: &str) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.unsigned_abs();
    format!("{sign}{:02}{separator}{:02}{end}", off / 60, off % 60)
}

/// `YYYY-MM-DD{sep}hh:mm:ss`, the ISO 8601 date and time of `t` as it stands.
fn iso_date_time(t: &DateTime, separator: char) -> String {
    format!(
        "{:04}-{:02}-{:02}{separator}{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    )
}

/// RFC 3339 in UTC: `2025-01-07T09:02:32Z`.
pub fn rfc3339(t: DateTime) -> String {
    format!("{}Z", iso_date_time(&t, 'T'))
}

/// RFC 3339 at `offset_minutes` from UTC: `2025-01-07T16:02:32+07:00`. A time whose local
/// form would fall outside 1970–9999 is given in UTC (`…Z`), which names the same instant.
pub fn rfc3339_at(t: DateTime, offset_minutes: i32) -> String {
    match at_offset(t.unix_duration().as_secs(), offset_minutes) {
        Ok(l) => format!(
            "{}{}",
            iso_date_time(&l, 'T'),
            offset_text(offset_minutes, ":", "")
        ),
        Err(_) => rfc3339(t),
    }
}

/// RFC 3339 in Vietnam time: `2025-01-07T16:02:32+07:00`.
pub fn rfc3339_vietnam(t: DateTime) -> String {
    rfc3339_at(t, VIETNAM_OFFSET_MINUTES)
}

/// The UTC date: `2025-01-07`.
pub fn iso_date(t: DateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// UTC date and time for English messages: `2025-01-07 09:02:32 UTC`.
pub fn utc_text(t: DateTime) -> String {
    format!("{} UTC", iso_date_time(&t, ' '))
}

/// UTC date and time in the Vietnamese order: `07/01/2025 09:02:32 UTC`.
pub fn vn_utc_text(t: DateTime) -> String {
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}:{:02} UTC",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minutes(),
        t.seconds()
    )
}

/// A date as Vietnamese documents write it, in Vietnam time (UTC+7): `07/01/2025`.
pub fn vn_date(t: DateTime) -> String {
    let local = t.unix_duration() + Duration::from_secs(7 * 3600);
    match DateTime::from_unix_duration(local) {
        Ok(d) => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        // Past 9999-12-31 in local time only: show the UTC date.
        Err(_) => format!("{:02}/{:02}/{:04}", t.day(), t.month(), t.year()),
    }
}

/// Date and time as Vietnamese documents write them, at `offset_minutes` from UTC:
/// `07/01/2025 16:02:32 +07:00`.
pub fn vn_date_time(unix_seconds: u64, offset_minutes: i32) -> Result<String, OffsetError> {
    let t = at_offset(unix_seconds, offset_minutes)?;
    Ok(format!(
        "{:02}/{:02}/{:04} {:02}:{:02}:{:02} {}",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minutes(),
        t.seconds(),
        offset_text(offset_minutes, ":", "")
    ))
}

/// The date and clock time of an instant in Vietnam time, as an incoming-document stamp writes
/// them: (`07/01/2025`, `16:02 (+07:00)`).
pub fn vn_date_and_clock(unix_seconds: u64) -> Result<(String, String), OffsetError> {
    let t = at_offset(unix_seconds, VIETNAM_OFFSET_MINUTES)?;
    Ok((
        format!("{:02}/{:02}/{:04}", t.day(), t.month(), t.year()),
        format!(
            "{:02}:{:02} ({})",
            t.hour(),
            t.minutes(),
            offset_text(VIETNAM_OFFSET_MINUTES, ":", "")
        ),
    ))
}

/// An RFC 3339 time shown in Vietnam time the way Vietnamese documents write it
/// (`2025-01-07T09:02:32Z` → `07/01/2025 16:02:32 +07:00`); text that is not RFC 3339 (or
/// out of range) is returned as it is.
pub fn vn_date_time_from_rfc3339(rfc3339: &str) -> String {
    parse_rfc3339(rfc3339)
        .and_then(|t| vn_date_time(t.unix_duration().as_secs(), VIETNAM_OFFSET_MINUTES).ok())
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// A PDF date string of the instant `unix_seconds` at `offset_minutes` from UTC:
/// `D:20250107160232+07'00'` (ISO 32000-1 §7.9.4).
pub fn pdf_date(unix_seconds: u64, offset_minutes: i32) -> Result<String, OffsetError> {
    let t = at_offset(unix_seconds, offset_minutes)?;
    Ok(format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds(),
        offset_text(offset_minutes, "'", "'")
    ))
}

/// Parse an RFC 3339 time (`2025-01-07T09:02:32Z`, `…+07:00`, fractional seconds ignored).
pub fn parse_rfc3339(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset_secs: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let local = DateTime::new(y as u16, mo as u8, d as u8, h as u8, mi as u8, se as u8).ok()?;
    let unix = local.unix_duration().as_secs() as i64 - offset_secs;
    DateTime::from_unix_duration(Duration::from_secs(u64::try_from(unix).ok()?)).ok()
}

/// Parse a PDF date string (`D:20250107160232+07'00'`) as UTC. Missing fields take their
/// defaults (month and day 1, the rest 0; no offset means UTC).
pub fn parse_pdf_date(s: &str) -> Option<DateTime> {
    let s = s.trim().strip_prefix("D:").unwrap_or(s.trim());
    let digits = |r: std::ops::Range<usize>, default: u32| -> Option<u32> {
        match s.get(r) {
            Some(x) if x.bytes().all(|b| b.is_ascii_digit()) && !x.is_empty() => x.parse().ok(),
            _ => Some(default),
        }
    };
    if s.len() < 4 {
        return None;
    }
    let y = digits(0..4, 0)?;
    let mo = digits(4..6, 1)?;
    let d = digits(6..8, 1)?;
    let h = digits(8..10, 0)?;
    let mi = digits(10..12, 0)?;
    let se = digits(12..14, 0)?;
    let tz = s.get(14..).unwrap_or("");
    let offset: i64 = match tz.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let oh: i64 = tz.get(1..3).and_then(|x| x.parse().ok()).unwrap_or(0);
            let om: i64 = tz.get(4..6).and_then(|x| x.parse().ok()).unwrap_or(0);
            sign * (oh * 3600 + om * 60)
        }
        _ => 0,
    };
    let local = DateTime::new(y as u16, mo as u8, d as u8, h as u8, mi as u8, se as u8).ok()?;
    let unix = local.unix_duration().as_secs() as i64 - offset;
    DateTime::from_unix_duration(Duration::from_secs(u64::try_from(unix).ok()?)).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// 2025-01-07T09:02:32Z.
    const T: u64 = 1_736_240_552;

    fn t() -> DateTime {
        from_unix(T).unwrap()
    }

    #[test]
    fn parses_times() {
        let t = parse_rfc3339("2025-01-07T16:02:32+07:00").map(rfc3339);
        assert_eq!(t.as_deref(), Some("2025-01-07T09:02:32Z"));
        let t = parse_pdf_date("D:20250107160232+07'00'").map(rfc3339);
        assert_eq!(t.as_deref(), Some("2025-01-07T09:02:32Z"));
        assert!(parse_rfc3339("yesterday").is_none());
    }

    #[test]
    fn rfc3339_round_trips_in_utc_and_at_offsets() {
        assert_eq!(rfc3339(t()), "2025-01-07T09:02:32Z");
        assert_eq!(parse_rfc3339(&rfc3339(t())), Some(t()));
        assert_eq!(rfc3339_vietnam(t()), "2025-01-07T16:02:32+07:00");
        assert_eq!(parse_rfc3339(&rfc3339_vietnam(t())), Some(t()));
        assert_eq!(rfc3339_at(t(), -150), "2025-01-07T06:32:32-02:30");
        assert_eq!(parse_rfc3339(&rfc3339_at(t(), -150)), Some(t()));
        assert_eq!(rfc3339_at(t(), 0), "2025-01-07T09:02:32+00:00");
        // Before the epoch in local time: UTC instead.
        let epoch = from_unix(0).unwrap();
        assert_eq!(rfc3339_at(epoch, -60), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn rfc3339_parsing_edge_cases() {
        // Fractional seconds are ignored, lower-case separators and a space are accepted.
        assert_eq!(parse_rfc3339("2025-01-07T09:02:32.987Z"), Some(t()));
        assert_eq!(parse_rfc3339("2025-01-07t09:02:32z"), Some(t()));
        assert_eq!(parse_rfc3339(" 2025-01-07 09:02:32Z "), Some(t()));
        assert_eq!(parse_rfc3339("2025-01-07T04:02:32-05:00"), Some(t()));
        // Missing offset, bad offset, missing fields, impossible dates.
        assert!(parse_rfc3339("2025-01-07T09:02:32").is_none());
        assert!(parse_rfc3339("2025-01-07T09:02:32X").is_none());
        assert!(parse_rfc3339("2025-01-07T09:02:32+07").is_none());
        assert!(parse_rfc3339("2025-01-07").is_none());
        assert!(parse_rfc3339("2025-02-30T00:00:00Z").is_none());
        // Before the epoch once the offset is applied.
        assert!(parse_rfc3339("1970-01-01T00:00:00+01:00").is_none());
    }

    #[test]
    fn pdf_dates_with_offsets_and_missing_fields() {
        assert_eq!(pdf_date(T, 420).unwrap(), "D:20250107160232+07'00'");
        assert_eq!(pdf_date(T, 0).unwrap(), "D:20250107090232+00'00'");
        assert_eq!(pdf_date(T, -330).unwrap(), "D:20250107033232-05'30'");
        for offset in [420, 0, -330, 45] {
            let s = pdf_date(T, offset).unwrap();
            assert_eq!(parse_pdf_date(&s), Some(t()), "{s}");
        }
        assert_eq!(pdf_date(0, -60), Err(OffsetError::BeforeEpoch));
        // Missing fields take their defaults; no offset is UTC; `Z` too.
        assert_eq!(
            parse_pdf_date("D:2025").map(rfc3339).unwrap(),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            parse_pdf_date("D:202501071602").map(rfc3339).unwrap(),
            "2025-01-07T16:02:00Z"
        );
        assert_eq!(parse_pdf_date("20250107090232Z"), Some(t()));
        assert_eq!(
            parse_pdf_date("D:20250107090232+07"),
            from_unix(T - 7 * 3600).ok()
        );
        assert!(parse_pdf_date("D:20").is_none());
        assert!(parse_pdf_date("D:20251307").is_none());
    }

    #[test]
    fn dates_are_shown_in_vietnam_time() {
        let at = |s: &str| -> DateTime { s.parse().unwrap() };
        assert_eq!(vn_date(at("2025-01-07T16:59:59Z")), "07/01/2025");
        assert_eq!(vn_date(at("2025-01-07T17:00:00Z")), "08/01/2025");
    }

    #[test]
    fn vietnamese_forms() {
        assert_eq!(vn_date(t()), "07/01/2025");
        // 20:00 UTC is the next day in Vietnam.
        assert_eq!(
            vn_date(parse_rfc3339("2025-01-07T20:00:00Z").unwrap()),
            "08/01/2025"
        );
        // Past 9999-12-31 in local time only: the UTC date.
        let last = parse_rfc3339("9999-12-31T20:00:00Z").unwrap();
        assert_eq!(vn_date(last), "31/12/9999");
        assert_eq!(vn_date_time(T, 420).unwrap(), "07/01/2025 16:02:32 +07:00");
        assert_eq!(vn_date_time(T, -90).unwrap(), "07/01/2025 07:32:32 -01:30");
        assert_eq!(vn_date_time(0, -1), Err(OffsetError::BeforeEpoch));
        assert_eq!(
            vn_date_time_from_rfc3339("2025-01-07T09:02:32Z"),
            "07/01/2025 16:02:32 +07:00"
        );
        assert_eq!(vn_date_time_from_rfc3339("not a time"), "not a time");
        assert_eq!(vn_utc_text(t()), "07/01/2025 09:02:32 UTC");
        assert_eq!(utc_text(t()), "2025-01-07 09:02:32 UTC");
        assert_eq!(iso_date(t()), "2025-01-07");
    }

    #[test]
    fn local_fields_at_an_offset() {
        assert_eq!(rfc3339(at_offset(T, 420).unwrap()), "2025-01-07T16:02:32Z");
        assert_eq!(rfc3339(at_offset(T, -540).unwrap()), "2025-01-07T00:02:32Z");
        assert_eq!(at_offset(59, -1), Err(OffsetError::BeforeEpoch));
        assert!(matches!(
            at_offset(u64::MAX / 2, 0),
            Err(OffsetError::OutOfRange(_))
        ));
    }
}
