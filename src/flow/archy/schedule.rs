//! Schedules: Evaluate Schedule and Evaluate Schedule Group: external actions (a stub
//! wins) that also carry what they evaluate, so the simulator can decide them from the
//! deploy's schedules. Shapes, from real exports (tests/data/real-flows):
//! `evaluateSchedule: { evaluationType: { schedule: { selectedSchedule,
//! evaluationTimeZone, scheduleTimeZone, evaluate: { now: true } } } }` and
//! `evaluateScheduleGroup: { scheduleGroup, emergencyGroup, evaluate: { now: true } }`.

use crate::expr::Type;
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
        let mut ext = self.external(body, kind, name, at, known);
        ext.schedule = self.schedule_call(body, kind).map(Box::new);
        Body::External(Box::new(ext))
    }

    /// The settings of a schedule action; None for other kinds.
    fn schedule_call(&mut self, body: &Node, kind: &str) -> Option<ScheduleCall> {
        match kind {
            "evaluateSchedule" => {
                let (ty, settings) = body
                    .get("evaluationType")
                    .and_then(Node::single_entry)
                    .map(|(k, _, v)| (k.to_string(), v))?;
                let mut call = ScheduleCall {
                    at: self.evaluate_at(settings),
                    ..Default::default()
                };
                if ty == "emergencyGroup" {
                    call.emergency = self.slot(
                        settings,
                        &["selectedEmergencyGroup", "emergencyGroup"],
                        Type::EmergencyGroup,
                    );
                } else {
                    call.target =
                        self.slot(settings, &["selectedSchedule", "schedule"], Type::Schedule);
                    call.time_zone = self.slot(settings, &["scheduleTimeZone"], Type::String);
                    call.default_zone = settings
                        .get("evaluationTimeZone")
                        .and_then(Node::scalar_text);
                }
                Some(call)
            }
            "evaluateScheduleGroup" => Some(ScheduleCall {
                target: self.slot(body, &["scheduleGroup"], Type::ScheduleGroup),
                emergency: self.slot(body, &["emergencyGroup"], Type::EmergencyGroup),
                at: self.evaluate_at(body),
                ..Default::default()
            }),
            _ => None,
        }
    }

    /// The first of `keys` `node` has, as a value of `ty`.
    fn slot(&mut self, node: &Node, keys: &[&str], ty: Type) -> Option<Val> {
        let n = keys.iter().find_map(|k| node.get(k))?;
        self.val(n, Some(&ty))
    }

    /// `evaluate: { now: true }` is the run's clock; any other entry is the DateTime
    /// evaluated.
    fn evaluate_at(&mut self, node: &Node) -> Option<Val> {
        let (key, _, v) = node.get("evaluate")?.single_entry()?;
        if key == "now" {
            return None;
        }
        self.val(v, Some(&Type::DateTime))
    }
}
