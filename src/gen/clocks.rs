//! Clocks for the schedules the deploy decides. With the deployment's own schedules, an
//! Evaluate Schedule (Group) action is not stubbed: the case's `now:` decides it, as in
//! `routecheck test`. So `gen` gives the search the clocks that change an answer: a minute
//! either side of every boundary (an occurrence starting or ending) in the week after the
//! plain clock, of the next few within a year (a yearly holiday), and of each schedule's
//! first occurrence (a rule whose `UNTIL` has passed). Of those, it keeps the first clock
//! of each combination of the schedules' answers, so the search tries a handful of clocks,
//! not hundreds.

use std::collections::{BTreeMap, BTreeSet};

use crate::deploy::{Deploy, Schedule, schedules::zone};
use crate::expr::DateTime;
use crate::flow::Flow;
use crate::flow::inspect::ScheduleUse;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// The schedule actions the deploy decides, and the clocks that reach their answers.
#[derive(Debug, Clone)]
pub struct Clocks<'a> {
    /// The deploy the runs see (`RunInput::deploy`).
    pub deploy: &'a Deploy,
    /// The clock of a run whose input sets none: the search's plain clock.
    pub now: DateTime,
    /// Names of the schedule actions the deploy decides: no stub for them, a `now:`
    /// on every case.
    pub decided: BTreeSet<String>,
    /// The plain clock (whole minutes) first, then one clock per other combination of
    /// the schedules' answers. Empty when the deploy decides no action.
    pub clocks: Vec<i64>,
    /// The emergency group each decided action checks, by action name.
    emergency: BTreeMap<String, String>,
}

impl<'a> Clocks<'a> {
    /// No deploy: every schedule action is stubbed, runs at `now`.
    pub fn none(now: DateTime) -> Clocks<'static> {
        Clocks {
            deploy: &crate::deploy::EMPTY,
            now,
            decided: BTreeSet::new(),
            clocks: Vec::new(),
            emergency: BTreeMap::new(),
        }
    }

    /// The clocks for `flow`'s schedule actions that `deploy` decides.
    pub fn of(flow: &Flow, deploy: &'a Deploy, now: DateTime) -> Clocks<'a> {
        let mut out = Clocks {
            deploy,
            now,
            decided: BTreeSet::new(),
            clocks: Vec::new(),
            emergency: BTreeMap::new(),
        };
        if deploy.is_empty() {
            return out;
        }
        let uses = flow.schedule_uses();
        // One stub key per name: an action is left unstubbed only when every action of
        // that name is decided by the deploy.
        let mut pairs: Vec<(&Schedule, chrono_tz::Tz)> = Vec::new();
        let mut undecided = BTreeSet::new();
        for u in &uses {
            match schedules_of(u, deploy) {
                Some(p) => {
                    out.decided.insert(u.action.clone());
                    if let Some(e) = &u.emergency {
                        out.emergency.insert(u.action.clone(), e.clone());
                    }
                    pairs.extend(p);
                }
                None => {
                    undecided.insert(u.action.clone());
                }
            }
        }
        out.decided.retain(|a| !undecided.contains(a));
        if out.decided.is_empty() {
            return out;
        }
        let base = now.0.div_euclid(MINUTE) * MINUTE;
        let mut candidates = Vec::new();
        for (s, tz) in &pairs {
            let mut bounds = s.boundaries(*tz, base, base + 8 * DAY, 64);
            bounds.extend(s.boundaries(*tz, base + 8 * DAY, base + 400 * DAY, 4));
            bounds.extend(s.boundaries(*tz, i64::MIN, i64::MAX, 2));
            for b in bounds {
                candidates.extend([b - MINUTE, b + MINUTE]);
            }
        }
        let signature = |at: i64| -> Option<Vec<bool>> {
            pairs
                .iter()
                .map(|(s, tz)| s.active_at(at, *tz).ok())
                .collect()
        };
        let mut seen = BTreeSet::new();
        if let Some(sig) = signature(base) {
            seen.insert(sig);
        }
        out.clocks.push(base);
        for c in candidates {
            if let Some(sig) = signature(c)
                && seen.insert(sig)
            {
                out.clocks.push(c);
            }
        }
        out
    }
}

/// The schedules `u` reads, each with the zone it is read in, when the deploy decides
/// it; `None` when it does not (a name computed at run time, or one the deploy lacks:
/// the action keeps its stub).
fn schedules_of<'d>(u: &ScheduleUse, d: &'d Deploy) -> Option<Vec<(&'d Schedule, chrono_tz::Tz)>> {
    if !u.literal {
        return None;
    }
    if let Some(e) = &u.emergency
        && !d.emergency_groups.contains_key(e)
    {
        return None;
    }
    if u.group {
        let Some(name) = &u.target else {
            // No group: only the emergency group decides.
            return Some(Vec::new());
        };
        let g = d.schedule_groups.get(name)?;
        let tz = zone(g.time_zone.as_deref()?).ok()?;
        g.open
            .iter()
            .chain(&g.closed)
            .chain(&g.holiday)
            .map(|n| d.schedules.get(n).map(|s| (s, tz)))
            .collect()
    } else if u.emergency.is_some() {
        Some(Vec::new())
    } else {
        let s = d.schedules.get(u.target.as_ref()?)?;
        let tz = zone(u.zone.as_deref()?).ok()?;
        Some(vec![(s, tz)])
    }
}

impl Clocks<'_> {
    /// Why a branch of a schedule action the deploy decides was reached at no clock;
    /// `None` for other branches. `label` is the branch's (`evaluateSchedule "NAME" holiday`).
    pub fn why_unreached(&self, label: &str) -> Option<String> {
        let (kind, rest) = label.split_once(" \"")?;
        let (name, output) = rest.rsplit_once("\" ")?;
        if !matches!(kind, "evaluateSchedule" | "evaluateScheduleGroup")
            || !self.decided.contains(name)
        {
            return None;
        }
        let emergency = |d: &Deploy| {
            self.emergency
                .get(name)
                .and_then(|e| d.emergency_groups.get(e))
                .map(|g| g.name.clone())
        };
        let on = self
            .emergency
            .get(name)
            .and_then(|e| self.deploy.emergency_groups.get(e))
            .filter(|g| g.enabled);
        if let Some(g) = on
            && output != "emergency"
            && output != "active"
        {
            return Some(format!(
                "the deploy decides it, and its emergency group `{}` is on (`enabled`): every clock gives {}",
                g.name,
                if kind == "evaluateSchedule" {
                    "active"
                } else {
                    "emergency"
                }
            ));
        }
        Some(match output {
            "holiday" if kind == "evaluateSchedule" => "the deploy decides it, and a schedule on its own is active or inactive: only a schedule group has holidays".into(),
            "emergency" => match emergency(self.deploy) {
                Some(g) => format!("the deploy decides it, and its emergency group `{g}` is off (`enabled`): no clock reaches it"),
                None => "the deploy decides it, and it checks no emergency group".into(),
            },
            _ => "the deploy's schedules give it at none of the clocks tried (a minute either side of each change in the week from the plain clock, of the next ones within 400 days, and of each first occurrence)".into(),
        })
    }
}

/// A clock as a case writes it: `2026-12-07T16:00:00Z`.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}
