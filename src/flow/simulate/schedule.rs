//! Schedules: Evaluate Schedule and Evaluate Schedule Group. Today each takes its
//! output path (`active`, `open`, `holiday`, …) from a stub (`stubs`); a schedule
//! evaluator that reads the deploy's schedules at the run's clock (issue #24: rrule,
//! time zones, DST) belongs here, reached from [`Sim::external`] through [`is_schedule`].

use super::super::model::*;
use super::{Ctl, Sim, Stop};

/// The action kinds that evaluate a schedule or a schedule group.
pub(super) fn is_schedule(kind: &str) -> bool {
    matches!(kind, "evaluateSchedule" | "evaluateScheduleGroup")
}

impl Sim<'_, '_> {
    /// Evaluate Schedule / Evaluate Schedule Group.
    pub(super) fn evaluate_schedule(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        self.stubbed_external(a, ext)
    }
}
