//! Architect's Date and Time values (a `dateVariable`, a `timeVariable`, the slots of a
//! bot's `builtin:date` and `builtin:time` entities): a calendar day without a time, and a
//! time of day without a date. As text: `2026-12-10` and `14:30:00.000`
//! (docs/fidelity.md, "Dates and times in bot flows").

use std::fmt;

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A calendar date, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

/// A time of day, as milliseconds since midnight (0 to 86,399,999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

impl Date {
    /// The date of year, month and day, when it exists (years 1 to 9999).
    pub fn from_ymd(y: i64, m: i64, d: i64) -> Option<Date> {
        ((1..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
            .then(|| Date(days_from_civil(y, m, d)))
    }

    /// `YYYY-MM-DD`, exactly (the form the bot's date slot gives a data action).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        Date::from_ymd(num(0..4)?, num(5..7)?, num(8..10)?)
    }

    /// Year, month, day.
    pub fn ymd(&self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Time {
    /// The time of hours, minutes, seconds and milliseconds, when in range.
    pub fn from_hms(h: i64, m: i64, s: i64, ms: i64) -> Option<Time> {
        ((0..24).contains(&h)
            && (0..60).contains(&m)
            && (0..60).contains(&s)
            && (0..1000).contains(&ms))
        .then_some(Time(((h * 60 + m) * 60 + s) * 1000 + ms))
    }

    /// 24-hour `HH:MM`, `HH:MM:SS` or `HH:MM:SS.mmm` (one-digit hours allowed).
    pub fn parse(s: &str) -> Option<Time> {
        let s = s.trim();
        let (main, frac) = match s.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let parts: Vec<&str> = main.split(':').collect();
        if !(2..=3).contains(&parts.len()) || (frac.is_some() && parts.len() != 3) {
            return None;
        }
        let num = |p: &str, max_len: usize| -> Option<i64> {
            (!p.is_empty() && p.len() <= max_len && p.bytes().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())?
        };
        let h = num(parts[0], 2)?;
        if parts[1].len() != 2 || parts.get(2).is_some_and(|p| p.len() != 2) {
            return None;
        }
        let m = num(parts[1], 2)?;
        let sec = parts.get(2).map_or(Some(0), |p| num(p, 2))?;
        let ms = match frac {
            Some(f) if f.len() == 3 => num(f, 3)?,
            Some(_) => return None,
            None => 0,
        };
        Time::from_hms(h, m, sec, ms)
    }
}

impl fmt::Display for Time {
    /// `HH:MM:SS.mmm`, 24-hour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        write!(
            f,
            "{:02}:{:02}:{:02}.{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_print_as_iso() {
        assert_eq!(Date::parse("2026-12-10").unwrap().to_string(), "2026-12-10");
        assert_eq!(Date::parse("2024-02-29").unwrap().ymd(), (2024, 2, 29));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-12-10",
            "2026/12/10",
            "",
            "2026-12-1x",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times_read_24_hour_and_print_with_milliseconds() {
        assert_eq!(Time::parse("14:30").unwrap().to_string(), "14:30:00.000");
        assert_eq!(Time::parse("9:05:07").unwrap().to_string(), "09:05:07.000");
        assert_eq!(
            Time::parse("23:59:59.250").unwrap().to_string(),
            "23:59:59.250"
        );
        for bad in [
            "24:00",
            "12:60",
            "1230",
            "12:3",
            "2pm",
            "12:30:00.5",
            "",
            "12:30:",
        ] {
            assert!(Time::parse(bad).is_none(), "{bad}");
        }
    }
}
