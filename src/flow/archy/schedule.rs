//! Schedules: Evaluate Schedule and Evaluate Schedule Group. Today each is an external
//! action whose output path is a stub; resolving the schedule (group) it names against
//! the deploy (issue #24) belongs here.

use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;

/// The action kinds of this family.
pub(super) fn is_schedule(kind: &str) -> bool {
    matches!(kind, "evaluateSchedule" | "evaluateScheduleGroup")
}

impl Loader<'_> {
    /// A call to a schedule or schedule group: read as an external action.
    pub(super) fn schedule(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> Body {
        Body::External(Box::new(self.external(body, kind, name, at, known)))
    }
}
