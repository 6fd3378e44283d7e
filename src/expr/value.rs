//! Runtime values. NOT_SET is a state of a typed scalar, never an empty string.

use std::fmt;

use super::calendar::{civil_from_days, days_from_civil, days_in_month};
use super::types::Type;

/// A UTC instant, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub i64);

/// A length of time, in milliseconds (may be negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

const MS_PER_DAY: i64 = 86_400_000;

/// Fixed-width unsigned digits at `s[at..at + n]`.
fn digits(s: &str, at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    if part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// A fraction of a second (`.5`, `.123456`) as milliseconds, truncated.
fn fraction_ms(frac: &str) -> Option<i64> {
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded: String = frac.chars().chain("000".chars()).take(3).collect();
    padded.parse().ok()
}

impl DateTime {
    /// The instant if it lies in years 1 to 9999 (the range ISO 8601 text can carry).
    pub fn checked(ms: i64) -> Option<DateTime> {
        let min = days_from_civil(1, 1, 1) * MS_PER_DAY;
        let max = days_from_civil(10_000, 1, 1) * MS_PER_DAY - 1;
        (min..=max).contains(&ms).then_some(DateTime(ms))
    }

    /// Parse RFC 3339 / ISO 8601 with a time and an offset:
    /// `2024-05-01T09:30:00Z`, `2024-05-01T09:30:00.250+02:00`.
    pub fn parse(s: &str) -> Result<DateTime, String> {
        let bad = || "expected an RFC 3339 date-time such as 2024-05-01T09:30:00Z".to_string();
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let (y, mo, d) = (
            digits(s, 0, 4).ok_or_else(bad)?,
            digits(s, 5, 2).ok_or_else(bad)?,
            digits(s, 8, 2).ok_or_else(bad)?,
        );
        let (h, mi, sec) = (
            digits(s, 11, 2).ok_or_else(bad)?,
            digits(s, 14, 2).ok_or_else(bad)?,
            digits(s, 17, 2).ok_or_else(bad)?,
        );
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || sec > 59
        {
            return Err("the date or time is out of range".into());
        }
        let rest = &s[19..];
        let (ms, zone) = match rest.strip_prefix('.') {
            Some(r) => {
                let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
                (fraction_ms(&r[..end]).ok_or_else(bad)?, &r[end..])
            }
            None => (0, rest),
        };
        let offset_min = match zone {
            "Z" | "z" => 0,
            z if z.len() == 6
                && matches!(z.as_bytes()[0], b'+' | b'-')
                && z.as_bytes()[3] == b':' =>
            {
                let oh = digits(z, 1, 2).ok_or_else(bad)?;
                let om = digits(z, 4, 2).ok_or_else(bad)?;
                if oh > 23 || om > 59 {
                    return Err("the time-zone offset is out of range".into());
                }
                let sign = if z.starts_with('-') { -1 } else { 1 };
                sign * (oh * 60 + om)
            }
            _ => return Err("expected `Z` or an offset such as `+02:00` after the time".into()),
        };
        let ms = days_from_civil(y, mo, d) * MS_PER_DAY
            + ((h * 60 + mi - offset_min) * 60 + sec) * 1000
            + ms;
        DateTime::checked(ms).ok_or_else(|| "the date is out of range (years 1 to 9999)".into())
    }

    /// ISO 8601 in UTC with milliseconds: `2024-05-01T09:30:00.000Z`.
    pub fn to_iso(&self) -> String {
        let days = self.0.div_euclid(MS_PER_DAY);
        let rem = self.0.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            rem / 3_600_000,
            rem / 60_000 % 60,
            rem / 1000 % 60,
            rem % 1000
        )
    }
}

impl Duration {
    /// Parse an ISO 8601 duration of days and time: `P1DT2H30M15.5S`, `PT90S`, `-PT1H`.
    pub fn parse(s: &str) -> Result<Duration, String> {
        let bad = || "expected an ISO 8601 duration such as P0DT1H30M0S".to_string();
        let (neg, body) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let body = body.strip_prefix(['P', 'p']).ok_or_else(bad)?;
        let (date, time) = match body.find(['T', 't']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let mut total: i64 = 0;
        let mut add = |n: i64, unit: i64| -> Result<(), String> {
            total = n
                .checked_mul(unit)
                .and_then(|x| total.checked_add(x))
                .ok_or_else(|| "the duration is out of range".to_string())?;
            Ok(())
        };
        let mut any = false;
        if !date.is_empty() {
            let n = date.strip_suffix(['D', 'd']).ok_or_else(bad)?;
            add(n.parse::<u32>().map_err(|_| bad())?.into(), MS_PER_DAY)?;
            any = true;
        }
        if let Some(mut t) = time {
            if t.is_empty() {
                return Err(bad());
            }
            for (unit, ms) in [('H', 3_600_000), ('M', 60_000)] {
                if let Some(i) = t.find([unit, unit.to_ascii_lowercase()]) {
                    add(t[..i].parse::<u32>().map_err(|_| bad())?.into(), ms)?;
                    t = &t[i + 1..];
                    any = true;
                }
            }
            if !t.is_empty() {
                let n = t.strip_suffix(['S', 's']).ok_or_else(bad)?;
                let (whole, frac) = n.split_once('.').unwrap_or((n, ""));
                add(whole.parse::<u32>().map_err(|_| bad())?.into(), 1000)?;
                if n.contains('.') {
                    add(fraction_ms(frac).ok_or_else(bad)?, 1)?;
                }
                any = true;
            }
        }
        if !any {
            return Err(bad());
        }
        Ok(Duration(if neg { -total } else { total }))
    }

    /// ISO 8601: `P1DT2H30M15S` (milliseconds as a fraction when present).
    pub fn to_iso(&self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let ms = self.0.unsigned_abs();
        let (d, h, m, s, f) = (
            ms / 86_400_000,
            ms / 3_600_000 % 24,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000,
        );
        if f == 0 {
            format!("{sign}P{d}DT{h}H{m}M{s}S")
        } else {
            format!("{sign}P{d}DT{h}H{m}M{s}.{f:03}S")
        }
    }
}

/// An organisation object (queue, user, skill, …) found in the [`super::Directory`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    /// Its id, where known.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
}

/// An Architect value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// NOT_SET, of the type the slot would hold.
    NotSet(Type),
    /// Text.
    String(String),
    /// Integer.
    Integer(i64),
    /// Decimal.
    Decimal(f64),
    /// Boolean.
    Boolean(bool),
    /// A UTC instant.
    DateTime(DateTime),
    /// A length of time.
    Duration(Duration),
    /// A calendar date.
    Date(super::calendar::Date),
    /// A time of day.
    Time(super::calendar::Time),
    /// JSON.
    Json(serde_json::Value),
    /// Queue, User, Skill, … (the type says which).
    Entity(Type, Entity),
    /// A collection, with its item type (a collection is never NOT_SET).
    List(Type, Vec<Value>),
}

impl Value {
    /// The value's type (for NOT_SET, the type it stands in for).
    pub fn ty(&self) -> Type {
        match self {
            Value::NotSet(t) => t.clone(),
            Value::String(_) => Type::String,
            Value::Integer(_) => Type::Integer,
            Value::Decimal(_) => Type::Decimal,
            Value::Boolean(_) => Type::Boolean,
            Value::DateTime(_) => Type::DateTime,
            Value::Duration(_) => Type::Duration,
            Value::Date(_) => Type::Date,
            Value::Time(_) => Type::Time,
            Value::Json(_) => Type::Json,
            Value::Entity(t, _) => t.clone(),
            Value::List(t, _) => Type::List(Box::new(t.clone())),
        }
    }

    /// True for NOT_SET.
    pub fn is_not_set(&self) -> bool {
        matches!(self, Value::NotSet(_))
    }
}

impl fmt::Display for Value {
    /// A plain rendering for reports (`NOT_SET` for NOT_SET, strings unquoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::NotSet(_) => f.write_str("NOT_SET"),
            Value::String(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Decimal(d) => f.write_str(&format_decimal(*d)),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::DateTime(d) => f.write_str(&d.to_iso()),
            Value::Duration(d) => f.write_str(&d.to_iso()),
            Value::Date(d) => write!(f, "{d}"),
            Value::Time(t) => write!(f, "{t}"),
            Value::Json(j) => write!(f, "{j}"),
            Value::Entity(_, e) => f.write_str(&e.name),
            Value::List(_, items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// Text of a value as ToString gives it (NOT_SET, which ToString keeps, reads as "").
pub(crate) fn to_text(v: &Value) -> String {
    match v {
        Value::NotSet(_) => String::new(),
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Decimal(d) => format_decimal(*d),
        Value::Boolean(b) => b.to_string(),
        Value::DateTime(d) => d.to_iso(),
        Value::Duration(d) => d.to_iso(),
        Value::Date(d) => d.to_string(),
        Value::Time(t) => t.to_string(),
        Value::Json(serde_json::Value::String(s)) => s.clone(),
        Value::Json(j) => j.to_string(),
        Value::Entity(_, e) => e.name.clone(),
        Value::List(_, items) => items.iter().map(to_text).collect::<Vec<_>>().join(","),
    }
}

/// A Decimal as text: at most 15 significant digits, so binary noise (`0.1 + 0.2`) does
/// not show, and no exponent.
pub(crate) fn format_decimal(d: f64) -> String {
    let rounded: f64 = format!("{d:.14e}").parse().unwrap_or(d);
    let s = format!("{rounded}");
    if s == "-0" { "0".into() } else { s }
}

/// `==` semantics (also AreEqual and FindFirst): NOT_SET equals only NOT_SET; numbers
/// compare by value; strings ordinally (case-sensitive); collections item by item.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::NotSet(_), Value::NotSet(_)) => true,
        (Value::NotSet(_), _) | (_, Value::NotSet(_)) => false,
        (Value::Integer(x), Value::Decimal(y)) | (Value::Decimal(y), Value::Integer(x)) => {
            (*x as f64) == *y
        }
        (Value::List(_, xs), Value::List(_, ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| equal(x, y))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text() {
        for (d, s) in [
            (2.5, "2.5"),
            (3.0, "3"),
            (0.1 + 0.2, "0.3"),
            (-0.0, "0"),
            (1e21, "1000000000000000000000"),
        ] {
            assert_eq!(format_decimal(d), s);
        }
    }

    #[test]
    fn datetime_round_trip() {
        for s in [
            "1970-01-01T00:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "1969-12-31T23:59:59.500Z",
        ] {
            let d = DateTime::parse(s).unwrap();
            assert_eq!(d.to_iso(), s);
        }
        assert_eq!(
            DateTime::parse("2024-05-01T11:30:00+02:00")
                .unwrap()
                .to_iso(),
            "2024-05-01T09:30:00.000Z"
        );
        for bad in [
            "2024-02-30T00:00:00Z",
            "2024-05-01",
            "2024-05-01T09:30:00",
            "x",
            "2024-05-01T25:00:00Z",
            "2024-05-01T09:30:00.Z",
            "é024-05-01T09:30:00Z",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn duration_round_trip() {
        for (s, ms) in [
            ("P0DT1H30M0S", 5_400_000),
            ("P1DT0H0M0.250S", 86_400_250),
            ("-P0DT0H1M0S", -60_000),
        ] {
            assert_eq!(Duration::parse(s), Ok(Duration(ms)));
            assert_eq!(Duration(ms).to_iso(), s);
        }
        assert_eq!(Duration::parse("PT90S"), Ok(Duration(90_000)));
        for bad in ["", "P", "PT", "1H", "PT1X", "P1H"] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }
}
