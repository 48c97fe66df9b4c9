//! When a store's clock counts: around the clock, or only in its business hours (its
//! time zone, working days, opening hours and holidays). A due time is an instant moved
//! by some counted time ([`Calendar::shift`]); what is left of a target is the counted
//! time between two instants ([`Calendar::between`]). Both walk the store's working
//! windows in local time, so a weekend, a holiday or a daylight-saving night counts as
//! the store's staff would count it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{civil_from_days, parse_date, MS_PER_DAY, MS_PER_MINUTE};

/// A time zone's offset from UTC at an instant. The edge asks the platform
/// (`Intl.DateTimeFormat`, whose IANA data the runtime keeps current); the tests use
/// chrono-tz.
pub trait Zone {
    /// Local time minus UTC at `utc_ms`, in milliseconds.
    fn offset_ms(&self, utc_ms: i64) -> i64;
}

/// Coordinated Universal Time: no offset, ever.
pub struct Utc;

impl Zone for Utc {
    fn offset_ms(&self, _utc_ms: i64) -> i64 {
        0
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    fn from_code(code: &str) -> Option<Weekday> {
        Weekday::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The weekday of a day counted from 1970-01-01 (a Thursday).
    fn of_day(day: i64) -> Weekday {
        Weekday::ALL[(day + 3).rem_euclid(7) as usize]
    }
}

/// A local time of day, `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    /// `09:00`; `24:00` is the end of the day.
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let (h, m) = text.split_once(':')?;
        let two_digits = |s: &str| {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
        };
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        let minutes = h * 60 + m;
        (m < 60 && minutes <= 24 * 60).then_some(TimeOfDay { minutes })
    }

    fn ms(self) -> i64 {
        i64::from(self.minutes) * MS_PER_MINUTE
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TimeOfDay::parse(&text).ok_or_else(|| serde::de::Error::custom("expected HH:MM"))
    }
}

/// The hours a store's staff work, in which its service-level clocks count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// An IANA time zone (`Europe/Berlin`, `Asia/Shanghai`).
    pub time_zone: String,
    /// The working days.
    pub days: Vec<Weekday>,
    pub opens: TimeOfDay,
    /// After `opens`, the same day.
    pub closes: TimeOfDay,
    /// Local dates (`YYYY-MM-DD`) nobody works.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// Why business hours were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusinessHoursError {
    /// Not `mon-fri 09:00-18:00 Area/City`.
    Shape,
    /// A day is not `mon`…`sun`, or a range is empty.
    Days,
    /// Not `HH:MM-HH:MM` with closing after opening.
    Hours,
    /// Not what an IANA zone name looks like.
    Zone,
    /// A holiday that is not a `YYYY-MM-DD` date.
    Holiday(String),
}

impl fmt::Display for BusinessHoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BusinessHoursError::Shape => {
                f.write_str("business hours are written like `mon-fri 09:00-18:00 Europe/Berlin`")
            }
            BusinessHoursError::Days => f.write_str(
                "working days are `mon`…`sun`, as a range (`mon-fri`) or a list (`mon,wed,fri`)",
            ),
            BusinessHoursError::Hours => {
                f.write_str("opening hours are `HH:MM-HH:MM`, closing after opening the same day")
            }
            BusinessHoursError::Zone => {
                f.write_str("the time zone is an IANA name such as `Europe/Berlin` or `UTC`")
            }
            BusinessHoursError::Holiday(day) => write!(f, "`{day}` is not a YYYY-MM-DD date"),
        }
    }
}

impl BusinessHours {
    /// Reads `mon-fri 09:00-18:00 Europe/Berlin` (days as a range or a comma list), as
    /// operators write it, with the store's holidays.
    pub fn parse(text: &str, holidays: &[String]) -> Result<BusinessHours, BusinessHoursError> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let [days, hours, zone] = words[..] else {
            return Err(BusinessHoursError::Shape);
        };
        let (opens, closes) = hours.split_once('-').ok_or(BusinessHoursError::Hours)?;
        let hours = BusinessHours {
            time_zone: zone.to_owned(),
            days: parse_days(days).ok_or(BusinessHoursError::Days)?,
            opens: TimeOfDay::parse(opens).ok_or(BusinessHoursError::Hours)?,
            closes: TimeOfDay::parse(closes).ok_or(BusinessHoursError::Hours)?,
            holidays: holidays.to_vec(),
        };
        hours.check()?;
        Ok(hours)
    }

    /// What must hold of stored hours before a clock counts in them.
    pub fn check(&self) -> Result<(), BusinessHoursError> {
        if self.days.is_empty() {
            return Err(BusinessHoursError::Days);
        }
        if self.closes <= self.opens {
            return Err(BusinessHoursError::Hours);
        }
        if !looks_like_zone(&self.time_zone) {
            return Err(BusinessHoursError::Zone);
        }
        match self.holidays.iter().find(|d| parse_date(d).is_none()) {
            Some(day) => Err(BusinessHoursError::Holiday(day.clone())),
            None => Ok(()),
        }
    }
}

impl fmt::Display for BusinessHours {
    /// As [`BusinessHours::parse`] reads it (days as a list).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days: Vec<&str> = self.days.iter().map(|d| d.code()).collect();
        write!(
            f,
            "{} {}-{} {}",
            days.join(","),
            self.opens,
            self.closes,
            self.time_zone
        )
    }
}

fn parse_days(text: &str) -> Option<Vec<Weekday>> {
    if let Some((first, last)) = text.split_once('-') {
        let (first, last) = (Weekday::from_code(first)?, Weekday::from_code(last)?);
        let (a, b) = (first as usize, last as usize);
        return (a <= b).then(|| Weekday::ALL[a..=b].to_vec());
    }
    let mut days = Vec::new();
    for code in text.split(',') {
        let day = Weekday::from_code(code)?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    Some(days)
}

/// `UTC`, `Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+8`: whether the
/// name exists is the platform's to say (the operator's command checks it against the
/// IANA database).
fn looks_like_zone(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b))
        })
}

/// How long a stretch of walking may look for a working window before giving up: ten
/// years of holidays would be a misconfiguration, not a calendar.
const MAX_DAYS_WALKED: i64 = 3660;

/// The clock a store's targets count on.
pub enum Calendar<'a> {
    /// Every hour counts.
    AllHours,
    /// Only the store's working windows count.
    Business(Working<'a>),
}

/// Business hours made ready to walk: windows in milliseconds of the local day, and
/// holidays as day numbers.
pub struct Working<'a> {
    zone: &'a dyn Zone,
    days: [bool; 7],
    opens_ms: i64,
    closes_ms: i64,
    holidays: Vec<i64>,
}

impl<'a> Calendar<'a> {
    /// The calendar of a store: its business hours in `zone` (the zone they name), or
    /// all hours when it keeps none.
    pub fn of(hours: Option<&BusinessHours>, zone: &'a dyn Zone) -> Calendar<'a> {
        let Some(hours) = hours.filter(|h| h.check().is_ok()) else {
            return Calendar::AllHours;
        };
        let mut days = [false; 7];
        for day in &hours.days {
            days[*day as usize] = true;
        }
        let mut holidays: Vec<i64> = hours
            .holidays
            .iter()
            .filter_map(|d| parse_date(d))
            .collect();
        holidays.sort_unstable();
        Calendar::Business(Working {
            zone,
            days,
            opens_ms: hours.opens.ms(),
            closes_ms: hours.closes.ms(),
            holidays,
        })
    }

    /// The instant `by` milliseconds of counted time after `from` (before it, when
    /// `by` is negative).
    pub fn shift(&self, from: i64, by: i64) -> i64 {
        match self {
            Calendar::AllHours => from + by,
            Calendar::Business(working) if by > 0 => working.forward(from, by),
            Calendar::Business(working) if by < 0 => working.backward(from, -by),
            Calendar::Business(_) => from,
        }
    }

    /// The counted time from `a` to `b`: negative when `b` is before `a`.
    pub fn between(&self, a: i64, b: i64) -> i64 {
        match self {
            Calendar::AllHours => b - a,
            Calendar::Business(working) if a <= b => working.counted(a, b),
            Calendar::Business(working) => -working.counted(b, a),
        }
    }
}

impl Working<'_> {
    /// The local day (counted from 1970-01-01) an instant falls on.
    fn local_day(&self, utc_ms: i64) -> i64 {
        (utc_ms + self.zone.offset_ms(utc_ms)).div_euclid(MS_PER_DAY)
    }

    /// The instant a local wall-clock time happens. In a daylight-saving gap it is the
    /// instant the clock jumps past; a repeated hour is taken the first time.
    fn utc_of_local(&self, local_ms: i64) -> i64 {
        let guess = local_ms - self.zone.offset_ms(local_ms);
        local_ms - self.zone.offset_ms(guess)
    }

    /// The working window of a local day, as instants; `None` on a day off.
    fn window(&self, day: i64) -> Option<(i64, i64)> {
        let works =
            self.days[Weekday::of_day(day) as usize] && self.holidays.binary_search(&day).is_err();
        let midnight = day * MS_PER_DAY;
        works.then(|| {
            (
                self.utc_of_local(midnight + self.opens_ms),
                self.utc_of_local(midnight + self.closes_ms),
            )
        })
    }

    fn forward(&self, from: i64, by: i64) -> i64 {
        let mut left = by;
        let first = self.local_day(from);
        for day in first..first + MAX_DAYS_WALKED {
            let Some((opens, closes)) = self.window(day) else {
                continue;
            };
            let start = opens.max(from);
            if start < closes {
                if left <= closes - start {
                    return start + left;
                }
                left -= closes - start;
            }
        }
        from + by
    }

    fn backward(&self, from: i64, by: i64) -> i64 {
        let mut left = by;
        let first = self.local_day(from);
        for day in (first - MAX_DAYS_WALKED..=first).rev() {
            let Some((opens, closes)) = self.window(day) else {
                continue;
            };
            let end = closes.min(from);
            if opens < end {
                if left <= end - opens {
                    return end - left;
                }
                left -= end - opens;
            }
        }
        from - by
    }

    /// Counted time in `[a, b]`, `a <= b`.
    fn counted(&self, a: i64, b: i64) -> i64 {
        let last = self.local_day(b);
        let first = self.local_day(a).max(last - MAX_DAYS_WALKED);
        (first..=last)
            .filter_map(|day| self.window(day))
            .map(|(opens, closes)| (closes.min(b) - opens.max(a)).max(0))
            .sum()
    }
}

/// A local date as `YYYY-MM-DD`, for messages.
pub fn date_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_rfc3339, rfc3339, MS_PER_HOUR};

    /// A real zone from the IANA database, as the edge's platform has it.
    struct Iana(chrono_tz::Tz);

    impl Zone for Iana {
        fn offset_ms(&self, utc_ms: i64) -> i64 {
            use chrono::{Offset, TimeZone};
            let at = chrono::DateTime::from_timestamp_millis(utc_ms).expect("in range");
            let offset = self.0.offset_from_utc_datetime(&at.naive_utc()).fix();
            i64::from(offset.local_minus_utc()) * 1000
        }
    }

    const BERLIN: Iana = Iana(chrono_tz::Europe::Berlin);
    const NEW_YORK: Iana = Iana(chrono_tz::America::New_York);

    fn at(text: &str) -> i64 {
        parse_rfc3339(text).unwrap_or_else(|| panic!("{text}"))
    }

    fn hours(text: &str, holidays: &[&str]) -> BusinessHours {
        let holidays: Vec<String> = holidays.iter().map(|d| (*d).to_owned()).collect();
        BusinessHours::parse(text, &holidays).expect("valid")
    }

    #[test]
    fn business_hours_read_as_operators_write_them() {
        let h = hours("mon-fri 09:00-18:00 Europe/Berlin", &["2026-12-25"]);
        assert_eq!(h.days, Weekday::ALL[..5].to_vec());
        assert_eq!(h.opens.to_string(), "09:00");
        assert_eq!(h.closes.to_string(), "18:00");
        assert_eq!(
            h.to_string(),
            "mon,tue,wed,thu,fri 09:00-18:00 Europe/Berlin"
        );
        assert_eq!(
            BusinessHours::parse(&h.to_string(), &h.holidays),
            Ok(h.clone()),
            "what it writes reads back"
        );
        let list = hours("mon,wed,sat 08:30-24:00 UTC", &[]);
        assert_eq!(list.days, [Weekday::Mon, Weekday::Wed, Weekday::Sat]);
    }

    #[test]
    fn malformed_business_hours_are_refused_with_what_is_wrong() {
        use BusinessHoursError::*;
        let cases: [(&str, &[&str], BusinessHoursError); 9] = [
            ("mon-fri 09:00-18:00", &[], Shape),
            ("weekdays 09:00-18:00 UTC", &[], Days),
            ("fri-mon 09:00-18:00 UTC", &[], Days),
            ("mon-fri 9-18 UTC", &[], Hours),
            ("mon-fri 18:00-09:00 UTC", &[], Hours),
            ("mon-fri 09:00-09:00 UTC", &[], Hours),
            ("mon-fri 09:00-24:30 UTC", &[], Hours),
            ("mon-fri 09:00-18:00 Europe/<script>", &[], Zone),
            (
                "mon-fri 09:00-18:00 UTC",
                &["2026-02-30"],
                Holiday("2026-02-30".into()),
            ),
        ];
        for (text, holidays, error) in cases {
            let holidays: Vec<String> = holidays.iter().map(|d| (*d).to_owned()).collect();
            assert_eq!(BusinessHours::parse(text, &holidays), Err(error), "{text}");
        }
    }

    #[test]
    fn around_the_clock_every_millisecond_counts() {
        let all = Calendar::AllHours;
        assert_eq!(all.shift(1_000, 5 * MS_PER_HOUR), 1_000 + 5 * MS_PER_HOUR);
        assert_eq!(all.between(5_000, 1_000), -4_000);
    }

    /// (filed, hours to count, due), all in Berlin's business hours, Mon–Fri 9–18,
    /// with Christmas off.
    #[test]
    fn due_times_count_only_working_hours() {
        let h = hours("mon-fri 09:00-18:00 Europe/Berlin", &["2026-12-25"]);
        let calendar = Calendar::of(Some(&h), &BERLIN);
        let table = [
            // Within the day (Berlin is UTC+1 in winter).
            ("2026-12-01T09:00:00.000Z", 2, "2026-12-01T11:00:00.000Z"),
            // Friday evening, after closing: the weekend does not count.
            ("2026-11-27T18:30:00.000Z", 4, "2026-11-30T12:00:00.000Z"),
            // Friday 16:00 local with 4 hours to go: 2 on Friday, 2 on Monday.
            ("2026-11-27T15:00:00.000Z", 4, "2026-11-30T10:00:00.000Z"),
            // Saturday: nothing counts until Monday opens.
            ("2026-11-28T10:00:00.000Z", 1, "2026-11-30T09:00:00.000Z"),
            // Before opening: the day starts at 09:00.
            ("2026-12-02T05:00:00.000Z", 9, "2026-12-02T17:00:00.000Z"),
            // A target longer than a day spans days (9 hours a day).
            ("2026-12-01T08:00:00.000Z", 18, "2026-12-02T17:00:00.000Z"),
            // Christmas Day (a Friday) is a holiday: Thursday evening → Monday.
            ("2026-12-24T16:00:00.000Z", 2, "2026-12-28T09:00:00.000Z"),
        ];
        for (filed, hours, due) in table {
            let got = calendar.shift(at(filed), hours * MS_PER_HOUR);
            assert_eq!(rfc3339(got), due, "filed {filed}, {hours} h");
            assert_eq!(
                calendar.between(at(filed), got),
                hours * MS_PER_HOUR,
                "the time between is the time counted ({filed})"
            );
            assert_eq!(
                calendar.shift(got, -hours * MS_PER_HOUR),
                // Shifting back lands on the last counted instant: the filing time, or
                // the opening it waited for.
                calendar.shift(at(filed), 1) - 1,
                "back from {due}"
            );
        }
    }

    #[test]
    fn a_daylight_saving_night_does_not_change_the_working_hours() {
        // New York moves to summer time on Sunday 2026-03-08 (UTC-5 → UTC-4).
        let h = hours("mon-fri 09:00-17:00 America/New_York", &[]);
        let calendar = Calendar::of(Some(&h), &NEW_YORK);
        // Friday 16:00 local (21:00Z) with 2 hours: 1 on Friday, 1 on Monday from
        // 09:00 local, which is now 13:00Z, not 14:00Z.
        let due = calendar.shift(at("2026-03-06T21:00:00.000Z"), 2 * MS_PER_HOUR);
        assert_eq!(rfc3339(due), "2026-03-09T14:00:00.000Z");
        // Around the clock the same night is an hour shorter in local terms, but a
        // duration is a duration.
        let all = Calendar::AllHours;
        assert_eq!(
            all.between(
                at("2026-03-08T00:00:00.000Z"),
                at("2026-03-09T00:00:00.000Z")
            ),
            24 * MS_PER_HOUR
        );
        // Berlin's autumn night (2026-10-25, UTC+2 → UTC+1): Monday opens at 08:00Z.
        let berlin = hours("mon-fri 09:00-18:00 Europe/Berlin", &[]);
        let calendar = Calendar::of(Some(&berlin), &BERLIN);
        let due = calendar.shift(at("2026-10-23T15:00:00.000Z"), 2 * MS_PER_HOUR);
        assert_eq!(rfc3339(due), "2026-10-26T09:00:00.000Z");
    }

    #[test]
    fn counted_time_between_skips_nights_weekends_and_holidays() {
        let h = hours("mon-fri 09:00-18:00 UTC", &["2026-12-25"]);
        let calendar = Calendar::of(Some(&h), &Utc);
        let table = [
            ("2026-12-01T10:00:00.000Z", "2026-12-01T12:00:00.000Z", 2),
            ("2026-12-01T17:00:00.000Z", "2026-12-02T10:00:00.000Z", 2),
            ("2026-11-27T17:00:00.000Z", "2026-11-30T10:00:00.000Z", 2),
            ("2026-11-28T00:00:00.000Z", "2026-11-29T23:00:00.000Z", 0),
            ("2026-12-24T17:00:00.000Z", "2026-12-28T10:00:00.000Z", 2),
            ("2026-12-01T12:00:00.000Z", "2026-12-01T10:00:00.000Z", -2),
        ];
        for (a, b, hours) in table {
            assert_eq!(
                calendar.between(at(a), at(b)),
                hours * MS_PER_HOUR,
                "{a} → {b}"
            );
        }
    }

    #[test]
    fn hours_that_fail_their_check_count_around_the_clock() {
        let mut broken = hours("mon-fri 09:00-18:00 UTC", &[]);
        broken.days.clear();
        assert!(matches!(
            Calendar::of(Some(&broken), &Utc),
            Calendar::AllHours
        ));
        assert!(matches!(Calendar::of(None, &Utc), Calendar::AllHours));
    }

    #[test]
    fn weekdays_are_counted_from_a_thursday() {
        assert_eq!(Weekday::of_day(0), Weekday::Thu);
        assert_eq!(
            Weekday::of_day(parse_date("2026-12-02").expect("a date")),
            Weekday::Wed
        );
        assert_eq!(Weekday::of_day(-1), Weekday::Wed);
        assert_eq!(
            date_text(parse_date("2026-12-02").expect("a date")),
            "2026-12-02"
        );
    }
}
