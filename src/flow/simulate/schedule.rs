//! Schedules: Evaluate Schedule and Evaluate Schedule Group. A stub addressed to the
//! action wins; otherwise, when the run has the deploy's schedules (`RunInput::deploy`),
//! the action is decided from them at the run's clock (rrule, time zones, DST:
//! `crate::deploy::schedules`). A schedule the deploy lacks still needs a stub: a
//! located error says so.

use crate::deploy;
use crate::expr::Value;

use super::super::model::*;
use super::{Ctl, Sim, SimErrorKind, Stop};

/// The action kinds that evaluate a schedule or a schedule group.
pub(super) fn is_schedule(kind: &str) -> bool {
    matches!(kind, "evaluateSchedule" | "evaluateScheduleGroup")
}

impl Sim<'_, '_> {
    /// Evaluate Schedule / Evaluate Schedule Group.
    pub(super) fn evaluate_schedule(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        let call = match ext.schedule.as_deref() {
            Some(c) if self.stub_for(a).is_none() && !self.input.deploy.is_empty() => c,
            _ => return self.stubbed_external(a, ext),
        };
        for v in &ext.inputs {
            self.eval(v)?;
        }
        // "If NOT_SET passes to this field, the action fails at runtime"
        // (H:evaluate-schedule-action, H:evaluate-schedule-group-action).
        let at = match &call.at {
            None if self.input.wall_clock => return Err(self.no_clock(a)),
            None => self.input.now.0,
            Some(v) => match self.eval(v)? {
                Value::DateTime(d) => d.0,
                _ => return Err(self.runtime_at(v.at, "the evaluation time is NOT_SET")),
            },
        };
        let (output, detail) = if a.kind == "evaluateSchedule" {
            self.one_schedule(a, call, at)?
        } else {
            self.schedule_group(a, call, at)?
        };
        let Some(o) = ext.outputs.iter().find(|o| o.name == output) else {
            return Err(self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                format!("{} has no output `{output}`", a.kind),
            ));
        };
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(detail),
            Some(output.to_string()),
        );
        self.hit(o.branch);
        self.block(&o.actions)
    }

    /// Evaluate Schedule: active or inactive (a schedule alone has no holiday).
    fn one_schedule(
        &self,
        a: &Action,
        call: &ScheduleCall,
        at: i64,
    ) -> Result<(&'static str, String), Stop> {
        let d = self.input.deploy;
        if let Some(v) = &call.emergency {
            let name = self.entity_name(v, "emergency group")?;
            let Some(g) = d.emergency_groups.get(&name) else {
                return Err(self.not_in_deploy(
                    a,
                    "emergency group",
                    &name,
                    d.emergency_groups.keys(),
                ));
            };
            let out = if g.enabled { "active" } else { "inactive" };
            return Ok((
                out,
                format!(
                    "emergency group `{name}` is {}",
                    if g.enabled { "on" } else { "off" }
                ),
            ));
        }
        let Some(v) = &call.target else {
            return Err(self.sim_at(
                SimErrorKind::MissingStub,
                a.at,
                format!(
                    "{} \"{}\" names no schedule: give it a stub",
                    a.kind, a.name
                ),
            ));
        };
        let name = self.entity_name(v, "schedule")?;
        let Some(s) = d.schedules.get(&name) else {
            return Err(self.not_in_deploy(a, "schedule", &name, d.schedules.keys()));
        };
        let (zone_name, zone_at) = match &call.time_zone {
            Some(tz) => match self.eval(tz)? {
                Value::String(z) => (z, tz.at),
                _ => return Err(self.runtime_at(tz.at, "the schedule time zone is NOT_SET")),
            },
            None => match &call.default_zone {
                Some(z) => (z.clone(), a.at),
                None => {
                    return Err(self.sim_at(
                        SimErrorKind::Unsupported,
                        a.at,
                        format!(
                            "{} \"{}\" gives no time zone to read schedule `{name}` in",
                            a.kind, a.name
                        ),
                    ));
                }
            },
        };
        let tz = deploy::schedules::zone(&zone_name)
            .map_err(|e| self.sim_at(SimErrorKind::Unsupported, zone_at, e))?;
        let active = s.active_at(at, tz).map_err(|e| {
            self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                format!("schedule `{name}`: {e}"),
            )
        })?;
        let out = if active { "active" } else { "inactive" };
        Ok((
            out,
            format!(
                "schedule `{name}` ({zone_name}) at {} is {out}",
                Value::DateTime(crate::expr::DateTime(at))
            ),
        ))
    }

    /// Evaluate Schedule Group: emergency, holiday, closed, open, in that order.
    fn schedule_group(
        &self,
        a: &Action,
        call: &ScheduleCall,
        at: i64,
    ) -> Result<(&'static str, String), Stop> {
        let d = self.input.deploy;
        let emergency = match &call.emergency {
            Some(v) => match self.eval(v)? {
                Value::Entity(_, e) => match d.emergency_groups.get(&e.name) {
                    Some(g) => Some(g),
                    None => {
                        return Err(self.not_in_deploy(
                            a,
                            "emergency group",
                            &e.name,
                            d.emergency_groups.keys(),
                        ));
                    }
                },
                _ => None,
            },
            None => None,
        };
        // A NOT_SET group evaluates no schedules (a real flow passes
        // `ToScheduleGroup(NOT_SET)` to check only its emergency group): closed.
        let group = match &call.target {
            Some(v) => match self.eval(v)? {
                Value::Entity(_, e) => match d.schedule_groups.get(&e.name) {
                    Some(g) => Some(g),
                    None => {
                        return Err(self.not_in_deploy(
                            a,
                            "schedule group",
                            &e.name,
                            d.schedule_groups.keys(),
                        ));
                    }
                },
                _ => None,
            },
            None => None,
        };
        let (outcome, why) =
            deploy::schedules::evaluate_group(group, emergency, at, |n| d.schedules.get(n))
                .map_err(|e| self.sim_at(SimErrorKind::Unsupported, a.at, e))?;
        let out = outcome.output();
        let why = why.unwrap_or_default();
        Ok((
            out,
            format!(
                "{out} at {}: {why}",
                Value::DateTime(crate::expr::DateTime(at))
            ),
        ))
    }

    /// The run has no clock of its own: deciding a schedule at the wall clock would make
    /// the case pass or fail by the hour it runs, so it is an error that says how to pin one.
    fn no_clock(&self, a: &Action) -> Stop {
        let d = self.sim_diag(
            &SimErrorKind::MissingStub,
            a.at,
            format!(
                "{} \"{}\" evaluates the deploy's schedules at the current time, and the run has no clock",
                a.kind, a.name
            ),
        );
        Stop::Sim(
            SimErrorKind::MissingStub,
            Box::new(d.with_help(format!(
                "give the case `now: 2026-12-07T16:00:00Z` (or the run `--now`), or stub the action: `{}: {{ output: ... }}`",
                a.name
            ))),
        )
    }

    fn entity_name(&self, v: &Val, what: &str) -> Result<String, Stop> {
        match self.eval(v)? {
            Value::Entity(_, e) => Ok(e.name),
            Value::String(s) => Ok(s),
            _ => Err(self.runtime_at(v.at, format!("the {what} is NOT_SET"))),
        }
    }

    /// A located error: the flow names a schedule the deploy does not define, so the
    /// action needs a stub (or the deploy a fix), with the nearest name and why a
    /// resource of that name could not be read.
    fn not_in_deploy<'k>(
        &self,
        a: &Action,
        what: &str,
        name: &str,
        known: impl Iterator<Item = &'k String>,
    ) -> Stop {
        let known: Vec<&str> = known.map(String::as_str).collect();
        // The deploy has a resource of that name it could not read: say what and why,
        // not that it is missing (it is there; the fix is in the resource).
        if let Some(p) = self.input.deploy.problem_for(name) {
            let msg = format!(
                "{} \"{}\" uses {what} `{name}`, which the deploy has but routecheck could not read: {p}",
                a.kind, a.name
            );
            let d = self.sim_diag(&SimErrorKind::MissingStub, a.at, msg);
            return Stop::Sim(
                SimErrorKind::MissingStub,
                Box::new(d.with_help(format!(
                    "fix `{}`, or add a stub such as `{}: {{ output: ... }}`",
                    p.address, a.name
                ))),
            );
        }
        let msg = format!(
            "the deploy has no {what} `{name}` for {} \"{}\"",
            a.kind, a.name
        );
        let d = self.sim_diag(&SimErrorKind::MissingStub, a.at, msg);
        let near = crate::diag::closest(name, known.iter().copied())
            .map(|n| format!("did you mean `{n}`? otherwise "))
            .unwrap_or_default();
        Stop::Sim(
            SimErrorKind::MissingStub,
            Box::new(d.with_help(format!(
                "{near}add a stub such as `{}: {{ output: ... }}`",
                a.name
            ))),
        )
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
