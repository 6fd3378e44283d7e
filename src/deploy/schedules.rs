//! Schedules, schedule groups and emergency groups as the deploy defines them
//! (`genesyscloud_architect_schedules`, `_schedulegroups`, `_emergencygroup`), and their
//! evaluation at an instant: what Evaluate Schedule and Evaluate Schedule Group decide.
//!
//! A schedule's `start` and `end` are wall-clock times without a zone (the provider's
//! "ISO-8601 string without a timezone"); they are read in the zone the evaluation gives
//! (the group's `time_zone`, or the action's schedule time zone), so an occurrence at
//! 09:00 stays at 09:00 local across a DST change. `rrule` (RFC 5545) repeats the first
//! occurrence; each repetition lasts as long as `end - start` in wall-clock time.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{NaiveDateTime, TimeZone};
use rrule::{RRule, Unvalidated};

/// One schedule.
#[derive(Debug)]
pub struct Schedule {
    /// The name flows use.
    pub name: String,
    /// First occurrence, wall-clock.
    pub start: NaiveDateTime,
    /// End of the first occurrence, wall-clock.
    pub end: NaiveDateTime,
    /// The recurrence rule, as written (`FREQ=WEEKLY;BYDAY=MO,TU`).
    pub rrule: Option<String>,
    /// Answers already computed, by (zone, instant): a run evaluates the same schedule at
    /// the same clock for many cases, and `gen` for thousands of runs.
    memo: Mutex<HashMap<(chrono_tz::Tz, i64), bool>>,
}

impl Clone for Schedule {
    fn clone(&self) -> Self {
        Schedule {
            name: self.name.clone(),
            start: self.start,
            end: self.end,
            rrule: self.rrule.clone(),
            memo: Mutex::default(),
        }
    }
}

impl PartialEq for Schedule {
    fn eq(&self, o: &Self) -> bool {
        (&self.name, self.start, self.end, &self.rrule) == (&o.name, o.start, o.end, &o.rrule)
    }
}

/// Occurrences looked at before an evaluation gives up (a rule every minute since 1970
/// would otherwise run for minutes).
const MAX_OCCURRENCES: usize = 200_000;

impl Schedule {
    /// A schedule from the provider's attributes. Errors are lowercase sentences naming
    /// the attribute.
    pub fn new(
        name: &str,
        start: &str,
        end: &str,
        rrule: Option<&str>,
    ) -> Result<Schedule, String> {
        let start = parse_local(start).map_err(|e| format!("`start` {e}"))?;
        let end = parse_local(end).map_err(|e| format!("`end` {e}"))?;
        if end <= start {
            return Err(format!(
                "`end` ({end}) is not after `start` ({start}): the schedule would never be active"
            ));
        }
        let rrule = rrule
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        if let Some(r) = &rrule {
            // Checked now, so a bad rule is a load error, not a surprise in some case.
            build(r, start, chrono_tz::UTC).map_err(|e| format!("`rrule` {e}"))?;
        }
        Ok(Schedule {
            name: name.to_string(),
            start,
            end,
            rrule,
            memo: Mutex::default(),
        })
    }

    /// Whether an occurrence of the schedule, read in `tz`, contains `at_ms` (ms since the
    /// epoch, UTC): start inclusive, end exclusive.
    pub fn active_at(&self, at_ms: i64, tz: chrono_tz::Tz) -> Result<bool, String> {
        if let Some(hit) = self
            .memo
            .lock()
            .ok()
            .and_then(|m| m.get(&(tz, at_ms)).copied())
        {
            return Ok(hit);
        }
        let answer = self.compute(at_ms, tz)?;
        if let Ok(mut m) = self.memo.lock() {
            m.insert((tz, at_ms), answer);
        }
        Ok(answer)
    }

    fn compute(&self, at_ms: i64, tz: chrono_tz::Tz) -> Result<bool, String> {
        let at = chrono::DateTime::from_timestamp_millis(at_ms)
            .ok_or_else(|| format!("the clock {at_ms} ms is out of range"))?;
        let length = self.end - self.start;
        let Some(rule) = &self.rrule else {
            return Ok(instant(tz, self.start) <= at && at < instant(tz, self.end));
        };
        let set = build(rule, self.start, tz)?;
        for (n, occurrence) in set.into_iter().enumerate() {
            let begin = occurrence.with_timezone(&chrono::Utc);
            if begin > at {
                return Ok(false);
            }
            if at < instant(tz, occurrence.naive_local() + length) {
                return Ok(true);
            }
            if n >= MAX_OCCURRENCES {
                return Err(format!(
                    "more than {MAX_OCCURRENCES} occurrences of `{rule}` come before the clock: \
                     give the schedule a later `start`"
                ));
            }
        }
        Ok(false)
    }

    /// The first `most` instants, in `from..=to` (ms), where the schedule read in `tz`
    /// changes (occurrence starts and ends), for `gen` to pick clocks either side of.
    pub fn boundaries(&self, tz: chrono_tz::Tz, from_ms: i64, to_ms: i64, most: usize) -> Vec<i64> {
        let length = self.end - self.start;
        let mut out = Vec::new();
        let mut push = |naive: NaiveDateTime| {
            let ms = instant(tz, naive).timestamp_millis();
            if (from_ms..=to_ms).contains(&ms) {
                out.push(ms);
            }
            ms <= to_ms && out.len() < most
        };
        match &self.rrule {
            None => {
                push(self.start);
                push(self.end);
            }
            Some(rule) => {
                let Ok(set) = build(rule, self.start, tz) else {
                    return out;
                };
                for (n, occ) in set.into_iter().enumerate() {
                    let begin = occ.naive_local();
                    push(begin + length);
                    if !push(begin) || n >= MAX_OCCURRENCES {
                        break;
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(most);
        out
    }
}

/// The provider's wall-clock form, `2006-01-02T15:04:05.000000` (fraction optional).
fn parse_local(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| {
        format!("`{s}` is not a date and time without a zone such as `2026-01-05T09:00:00.000000`")
    })
}

/// The instant a wall-clock time names in `tz`. A time that occurs twice (the hour
/// repeated when clocks go back) is its first; one that does not occur (the hour skipped
/// when clocks go forward) is the first instant after the gap. Both inferred: Genesys
/// does not document them.
fn instant(tz: chrono_tz::Tz, naive: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::LocalResult;
    let mut probe = naive;
    // A gap is at most a few hours; step a minute at a time to its end.
    for _ in 0..(24 * 60) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&chrono::Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&chrono::Utc),
            LocalResult::None => probe += chrono::Duration::minutes(1),
        }
    }
    chrono::Utc.from_utc_datetime(&naive)
}

/// The recurrence of `rule` from `start` read in `tz`. An `UNTIL` without `Z` is a
/// wall-clock time in the same zone (RFC 5545 wants UTC with a zoned start; schedules
/// written in Genesys's UI carry floating ones), converted before the rule is checked.
fn build(rule: &str, start: NaiveDateTime, tz: chrono_tz::Tz) -> Result<rrule::RRuleSet, String> {
    let text = rule.trim().trim_start_matches("RRULE:");
    let mut parts: Vec<String> = Vec::new();
    let has = |key: &str| {
        text.split(';').any(|p| {
            p.split_once('=')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        })
    };
    if has("COUNT") && has("UNTIL") {
        return Err("has both `COUNT` and `UNTIL`, which RFC 5545 forbids: keep one".into());
    }
    for part in text.split(';').filter(|p| !p.is_empty()) {
        if let Some(why) = unsupported(part) {
            return Err(format!("has `{part}`: {why}"));
        }
        match part.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") && !v.ends_with(['Z', 'z']) => {
                let naive = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                    .or_else(|_| {
                        chrono::NaiveDate::parse_from_str(v, "%Y%m%d")
                            .map(|d| d.and_hms_opt(23, 59, 59).unwrap_or_default())
                    })
                    .map_err(|_| {
                        format!("has `UNTIL={v}`, which is not a date such as 20261231T235959Z")
                    })?;
                let utc = instant(tz, naive);
                parts.push(format!("UNTIL={}", utc.format("%Y%m%dT%H%M%SZ")));
            }
            _ => parts.push(part.to_string()),
        }
    }
    let parsed = RRule::<Unvalidated>::from_str(&parts.join(";"))
        .map_err(|e| format!("`{rule}` is not an RFC 5545 recurrence rule: {e}"))?;
    let dt_start = instant(tz, start).with_timezone(&rrule::Tz::Tz(tz));
    parsed.build(dt_start).map_err(|e| {
        if has("UNTIL") && e.to_string().contains("is later") {
            format!(
                "ends (`UNTIL`) before its `start` ({start}): the schedule would never be active"
            )
        } else {
            format!("`{rule}` cannot repeat from {start}: {e}")
        }
    })
}

/// Why routecheck does not evaluate a part of a rule, when it does not: RFC 5545 allows
/// it, but a Genesys schedule is a `start`–`end` window repeated by day, week, month or
/// year (what its editor writes), and how Genesys reads a rule that repeats within a day
/// or sets its own times of day is not documented. A strict reading refuses it rather
/// than guessing; a part that is not RFC 5545 at all is the parser's error.
fn unsupported(part: &str) -> Option<String> {
    let (k, v) = part.split_once('=')?;
    let (k, v) = (k.trim().to_ascii_uppercase(), v.trim().to_ascii_uppercase());
    match k.as_str() {
        "FREQ" if matches!(v.as_str(), "HOURLY" | "MINUTELY" | "SECONDLY") => Some(
            "a schedule repeats its `start`–`end` window DAILY, WEEKLY, MONTHLY or YEARLY; how Genesys reads a rule that repeats within a day is not documented, so routecheck does not evaluate it".into(),
        ),
        "BYHOUR" | "BYMINUTE" | "BYSECOND" => Some(format!(
            "a schedule's times of day are its `start` and `end`; how Genesys reads `{k}` beside them is not documented, so routecheck does not evaluate it"
        )),
        "INTERVAL" if v.parse::<u32>().map_or(true, |n| n == 0) => {
            Some("RFC 5545 wants a positive whole number of periods".into())
        }
        _ => None,
    }
}

/// A time zone by its IANA name (`Europe/Paris`). The error names the nearest zone.
pub fn zone(name: &str) -> Result<chrono_tz::Tz, String> {
    chrono_tz::Tz::from_str(name.trim()).map_err(|_| {
        let hint = crate::diag::closest(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
            .map(|z| format!(" (did you mean `{z}`?)"))
            .unwrap_or_default();
        format!("`{name}` is not an IANA time zone{hint}")
    })
}

/// A schedule group: which schedules make it open, closed or a holiday.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleGroup {
    pub name: String,
    /// The zone its schedules are read in.
    pub time_zone: Option<String>,
    /// Schedule names, by role.
    pub open: Vec<String>,
    pub closed: Vec<String>,
    pub holiday: Vec<String>,
}

/// An emergency group: active only when the deploy turns it on (`enabled = true`).
#[derive(Debug, Clone, PartialEq)]
pub struct EmergencyGroup {
    pub name: String,
    pub enabled: bool,
    /// Its Terraform address (the id a lookup gives offline).
    pub address: String,
}

/// The outcome of Evaluate Schedule Group, by its Archy output name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupOutcome {
    Open,
    Closed,
    Holiday,
    Emergency,
}

impl GroupOutcome {
    /// The output path's name in Archy YAML.
    pub fn output(self) -> &'static str {
        match self {
            GroupOutcome::Open => "open",
            GroupOutcome::Closed => "closed",
            GroupOutcome::Holiday => "holiday",
            GroupOutcome::Emergency => "emergency",
        }
    }
}

/// Evaluate a group at `at_ms` in the order Genesys documents (H:evaluate-schedule-group-action):
/// emergency, holiday, closed, open; closed when no schedule contains the time.
/// `schedule` finds a schedule by name (the deploy's).
pub fn evaluate_group<'d>(
    group: Option<&ScheduleGroup>,
    emergency: Option<&EmergencyGroup>,
    at_ms: i64,
    schedule: impl Fn(&str) -> Option<&'d Schedule>,
) -> Result<(GroupOutcome, Option<String>), String> {
    if let Some(e) = emergency.filter(|e| e.enabled) {
        return Ok((
            GroupOutcome::Emergency,
            Some(format!("emergency group `{}` is on", e.name)),
        ));
    }
    let Some(group) = group else {
        return Ok((GroupOutcome::Closed, Some("no schedule group".into())));
    };
    let tz_name = group.time_zone.as_deref().ok_or_else(|| {
        format!(
            "schedule group `{}` has no `time_zone`: its schedules cannot be read offline",
            group.name
        )
    })?;
    let tz = zone(tz_name).map_err(|e| format!("schedule group `{}`: {e}", group.name))?;
    for (outcome, names) in [
        (GroupOutcome::Holiday, &group.holiday),
        (GroupOutcome::Closed, &group.closed),
        (GroupOutcome::Open, &group.open),
    ] {
        for n in names {
            let s = schedule(n).ok_or_else(|| {
                format!(
                    "schedule group `{}` names schedule `{n}`, which the deploy lacks",
                    group.name
                )
            })?;
            if s.active_at(at_ms, tz)? {
                return Ok((outcome, Some(format!("schedule `{n}` ({tz_name})"))));
            }
        }
    }
    Ok((
        GroupOutcome::Closed,
        Some(format!("no schedule of `{}` contains the time", group.name)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn weekdays_nine_to_five_across_dst_in_two_zones() {
        // Europe leaves summer time on 2026-10-25, the US on 2026-11-01.
        let s = Schedule::new(
            "Weekdays",
            "2026-01-05T09:00:00.000000",
            "2026-01-05T17:00:00.000000",
            Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        )
        .unwrap();
        let paris = zone("Europe/Paris").unwrap();
        let ny = zone("America/New_York").unwrap();
        // Friday 23 Oct (CEST, +2): 09:00 local is 07:00Z.
        assert!(!s.active_at(ms("2026-10-23T06:59:59Z"), paris).unwrap());
        assert!(s.active_at(ms("2026-10-23T07:00:00Z"), paris).unwrap());
        // Monday 26 Oct (CET, +1): 09:00 local is 08:00Z.
        assert!(!s.active_at(ms("2026-10-26T07:30:00Z"), paris).unwrap());
        assert!(s.active_at(ms("2026-10-26T08:00:00Z"), paris).unwrap());
        assert!(!s.active_at(ms("2026-10-26T16:00:00Z"), paris).unwrap());
        // New York: Friday 30 Oct (EDT, -4) then Monday 2 Nov (EST, -5).
        assert!(s.active_at(ms("2026-10-30T13:00:00Z"), ny).unwrap());
        assert!(!s.active_at(ms("2026-11-02T13:30:00Z"), ny).unwrap());
        assert!(s.active_at(ms("2026-11-02T14:00:00Z"), ny).unwrap());
        // The weekend in between.
        assert!(!s.active_at(ms("2026-10-31T15:00:00Z"), ny).unwrap());
    }

    #[test]
    fn until_ends_the_rule_and_interval_skips_weeks() {
        let s = Schedule::new(
            "Mondays",
            "2026-11-02T09:00:00",
            "2026-11-02T12:00:00",
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20261201T000000"),
        )
        .unwrap();
        let utc = zone("UTC").unwrap();
        assert!(s.active_at(ms("2026-11-02T10:00:00Z"), utc).unwrap());
        assert!(!s.active_at(ms("2026-11-09T10:00:00Z"), utc).unwrap());
        assert!(s.active_at(ms("2026-11-16T10:00:00Z"), utc).unwrap());
        assert!(s.active_at(ms("2026-11-30T10:00:00Z"), utc).unwrap());
        assert!(!s.active_at(ms("2026-12-14T10:00:00Z"), utc).unwrap());
        let b = s.boundaries(
            utc,
            ms("2026-11-01T00:00:00Z"),
            ms("2026-11-10T00:00:00Z"),
            100,
        );
        assert_eq!(
            b,
            vec![ms("2026-11-02T09:00:00Z"), ms("2026-11-02T12:00:00Z")]
        );
    }

    #[test]
    fn bad_definitions_are_named() {
        let e = Schedule::new("x", "2026-01-01 09:00", "2026-01-01T10:00:00", None).unwrap_err();
        assert!(e.contains("`start`"), "{e}");
        let e = Schedule::new("x", "2026-01-01T10:00:00", "2026-01-01T09:00:00", None).unwrap_err();
        assert!(e.contains("not after"), "{e}");
        let e = Schedule::new(
            "x",
            "2026-01-01T09:00:00",
            "2026-01-01T10:00:00",
            Some("FREQ=SOMETIMES"),
        )
        .unwrap_err();
        assert!(e.contains("`rrule`"), "{e}");
        assert!(zone("Europe/Pari").unwrap_err().contains("Europe/Paris"));
    }

    #[test]
    fn group_order_is_emergency_holiday_closed_open() {
        let open = Schedule::new(
            "open",
            "2026-01-05T08:00:00",
            "2026-01-05T18:00:00",
            Some("FREQ=DAILY"),
        )
        .unwrap();
        let lunch = Schedule::new(
            "lunch",
            "2026-01-05T12:00:00",
            "2026-01-05T13:00:00",
            Some("FREQ=DAILY"),
        )
        .unwrap();
        let xmas = Schedule::new(
            "xmas",
            "2026-12-25T00:00:00",
            "2026-12-26T00:00:00",
            Some("FREQ=YEARLY"),
        )
        .unwrap();
        let all = [open, lunch, xmas];
        let find = |n: &str| all.iter().find(|s| s.name == n);
        let g = ScheduleGroup {
            name: "Hours".into(),
            time_zone: Some("Europe/London".into()),
            open: vec!["open".into()],
            closed: vec!["lunch".into()],
            holiday: vec!["xmas".into()],
        };
        let at = |t: &str| evaluate_group(Some(&g), None, ms(t), find).unwrap().0;
        assert_eq!(at("2026-12-07T10:00:00Z"), GroupOutcome::Open);
        assert_eq!(at("2026-12-07T12:30:00Z"), GroupOutcome::Closed);
        assert_eq!(at("2026-12-07T19:00:00Z"), GroupOutcome::Closed);
        assert_eq!(at("2026-12-25T10:00:00Z"), GroupOutcome::Holiday);
        let on = EmergencyGroup {
            name: "Evacuation".into(),
            enabled: true,
            address: "genesyscloud_architect_emergencygroup.e".into(),
        };
        assert_eq!(
            evaluate_group(Some(&g), Some(&on), ms("2026-12-07T10:00:00Z"), find)
                .unwrap()
                .0,
            GroupOutcome::Emergency
        );
        let no_tz = ScheduleGroup {
            time_zone: None,
            ..g.clone()
        };
        assert!(
            evaluate_group(Some(&no_tz), None, 0, find)
                .unwrap_err()
                .contains("time_zone")
        );
    }

    /// Held-out rules (issue 24): parts a Genesys schedule editor writes beyond BYDAY and
    /// UNTIL, read in zones off the whole hour (Kathmandu, +05:45) and with a half-hour DST
    /// change (Lord Howe Island, +10:30 / +11).
    #[test]
    fn monthday_count_interval_and_yearly_holidays_in_unusual_zones() {
        let at = |rule: &str, start: &str, end: &str, zone_name: &str, clock: &str| {
            Schedule::new("x", start, end, Some(rule))
                .unwrap()
                .active_at(ms(clock), zone(zone_name).unwrap())
                .unwrap()
        };
        let ktm = "Asia/Kathmandu";
        let days = "FREQ=MONTHLY;BYMONTHDAY=1,15";
        let (s, e) = ("2026-01-01T09:00:00", "2026-01-01T10:00:00");
        assert!(at(days, s, e, ktm, "2026-03-15T03:20:00Z")); // 09:05 local
        assert!(!at(days, s, e, ktm, "2026-03-15T04:15:00Z")); // 10:00: the end is out
        assert!(!at(days, s, e, ktm, "2026-03-16T03:20:00Z"));
        let count = "FREQ=DAILY;COUNT=3";
        let (s, e) = ("2026-03-01T09:00:00", "2026-03-01T10:00:00");
        assert!(at(count, s, e, ktm, "2026-03-03T03:20:00Z"));
        assert!(!at(count, s, e, ktm, "2026-03-04T03:20:00Z"));
        // The last day of every third month, from 31 January.
        let quarterly = "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1";
        let (s, e) = ("2026-01-31T00:00:00", "2026-02-01T00:00:00");
        assert!(at(quarterly, s, e, "UTC", "2026-04-30T12:00:00Z"));
        assert!(!at(quarterly, s, e, "UTC", "2026-02-28T12:00:00Z"));
        assert!(!at(quarterly, s, e, "UTC", "2026-03-31T12:00:00Z"));
        // Thanksgiving: the fourth Thursday of November, every year.
        let thanks = "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH";
        let (s, e) = ("2026-11-26T00:00:00", "2026-11-27T00:00:00");
        let ny = "America/New_York";
        assert!(at(thanks, s, e, ny, "2027-11-25T15:00:00Z"));
        assert!(!at(thanks, s, e, ny, "2027-11-26T15:00:00Z"));
        assert!(at(thanks, s, e, ny, "2028-11-23T15:00:00Z"));
        // 09:00-17:00 daily on Lord Howe: 22:00Z the day before in summer (+11), 22:30Z in
        // winter (+10:30).
        let (s, e, lh) = (
            "2026-01-01T09:00:00",
            "2026-01-01T17:00:00",
            "Australia/Lord_Howe",
        );
        assert!(at("FREQ=DAILY", s, e, lh, "2026-01-14T22:05:00Z"));
        assert!(!at("FREQ=DAILY", s, e, lh, "2026-07-14T22:20:00Z"));
        assert!(at("FREQ=DAILY", s, e, lh, "2026-07-14T22:35:00Z"));
        // Links: `US/Eastern` is New York; `Etc/GMT+5` is five hours behind UTC (POSIX sign).
        assert!(at("FREQ=DAILY", s, e, "US/Eastern", "2026-07-14T13:30:00Z"));
        assert!(at("FREQ=DAILY", s, e, "Etc/GMT+5", "2026-07-14T14:30:00Z"));
        assert!(!at("FREQ=DAILY", s, e, "Etc/GMT+5", "2026-07-14T13:30:00Z"));
    }

    #[test]
    fn rule_parts_routecheck_does_not_evaluate_are_named() {
        let err = |rule: &str| {
            Schedule::new(
                "x",
                "2026-03-01T09:00:00",
                "2026-03-01T10:00:00",
                Some(rule),
            )
            .unwrap_err()
        };
        for (rule, part) in [
            ("FREQ=HOURLY", "`FREQ=HOURLY`"),
            ("FREQ=DAILY;BYHOUR=9,10", "`BYHOUR=9,10`"),
            ("FREQ=WEEKLY;BYMINUTE=30", "`BYMINUTE=30`"),
            ("FREQ=DAILY;INTERVAL=0", "`INTERVAL=0`"),
            ("FREQ=DAILY;EXDATE=20261207", "`EXDATE`"),
        ] {
            let e = err(rule);
            assert!(e.starts_with("`rrule`") && e.contains(part), "{rule}: {e}");
        }
        assert!(
            err("FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z").contains("both `COUNT` and `UNTIL`")
        );
        assert!(
            err("FREQ=DAILY;UNTIL=20260101T000000Z").contains("before its `start`"),
            "{}",
            err("FREQ=DAILY;UNTIL=20260101T000000Z")
        );
    }
}
