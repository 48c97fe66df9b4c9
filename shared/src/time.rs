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

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
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
