//! Instants as the edge stores them: RFC 3339 in UTC with milliseconds
//! (`2026-11-24T08:00:00.000Z`, what JavaScript's `toISOString` writes), which sort
//! and compare as text. Callers pass unix milliseconds in; nothing here reads a clock.

pub const MS_PER_MINUTE: i64 = 60_000;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Unix milliseconds as RFC 3339 in UTC, for years 0 to 9999.
pub fn rfc3339(unix_ms: i64) -> String {
    let days = unix_ms.div_euclid(MS_PER_DAY);
    let ms_of_day = unix_ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms_of_day / MS_PER_HOUR,
        ms_of_day % MS_PER_HOUR / MS_PER_MINUTE,
        ms_of_day % MS_PER_MINUTE / 1000,
        ms_of_day % 1000
    )
}

/// An instant as [`rfc3339`] writes it (and any `YYYY-MM-DDTHH:MM:SS[.fff]Z`) as unix
/// milliseconds; `None` for anything else.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once('T')?;
    let days = parse_date(date)?;
    let rest = rest.strip_suffix('Z')?;
    let (hms, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let mut parts = hms.splitn(3, ':').map(|p| {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
    });
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    if h > 23 || m > 59 || s > 59 || fraction.len() > 3 {
        return None;
    }
    let ms = if fraction.is_empty() {
        0
    } else {
        let digits: i64 = fraction.parse().ok()?;
        digits * 10_i64.pow(3 - fraction.len() as u32)
    };
    Some(days * MS_PER_DAY + h * MS_PER_HOUR + m * MS_PER_MINUTE + s * 1000 + ms)
}

/// A calendar date `YYYY-MM-DD` as days since 1970-01-01; `None` if it is no date.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let mut number = |len: usize| {
        let part = parts.next()?;
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i64>().ok())
            .flatten()
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    let days = days_from_civil(year, month, day);
    // A day that does not exist (02-30) comes back as another date.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`); months and days out of range roll over.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_javascripts_to_iso_string_writes() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        // A leap day, the day after, and the end of a century's non-leap February.
        assert_eq!(rfc3339(1_709_164_800_000), "2024-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
        assert_eq!(rfc3339(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn reads_back_what_it_writes() {
        for ms in [
            0,
            1_700_000_000_123,
            1_709_164_800_000,
            4_107_542_400_000,
            -1,
        ] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms), "{ms}");
        }
        assert_eq!(
            parse_rfc3339("2026-11-24T08:00:00Z"),
            Some(1_795_507_200_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-24T08:00:00.5Z"),
            Some(1_795_507_200_500)
        );
    }

    #[test]
    fn refuses_what_is_not_an_instant() {
        for text in [
            "",
            "2026-11-24",
            "2026-11-24T08:00:00",
            "2026-11-24T24:00:00Z",
            "2026-02-30T08:00:00Z",
            "2026-11-24T8:00:00Z",
            "2026-11-24T08:00:00.1234Z",
            "2026-11-24T08:00:00+01:00",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }

    #[test]
    fn dates_count_days_from_1970() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-1-1"), None);
    }

    #[test]
    fn later_instants_sort_later_as_text() {
        let instants = [
            -86_400_000,
            0,
            999,
            1_000,
            59_999,
            1_700_000_000_000,
            253_402_300_799_999,
        ];
        for pair in instants.windows(2) {
            assert!(rfc3339(pair[0]) < rfc3339(pair[1]), "{pair:?}");
        }
    }
}
