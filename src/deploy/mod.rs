//! The deployment's own resources: routing queues, schedules, schedule and emergency
//! groups, data tables with their rows, and data actions with their contracts, each by the
//! name a flow uses.
//!
//! This is the model, independent of its reader: `terraform::deploy` fills it from a
//! Terraform configuration or plan. Evaluate ([`schedules`]: what a schedule decides at a
//! clock) → the simulator and lint read it. A rules file's own `tables:` ([`tables`], the
//! same types the deploy's tables take) and stubs win over the deploy's.

pub mod actions;
mod problem;
pub mod queues;
pub mod schedules;
pub mod tables;

use std::collections::BTreeMap;

pub use actions::{Contract, DataAction};
pub use problem::DeployProblem;
pub use schedules::{EmergencyGroup, GroupOutcome, Schedule, ScheduleGroup};
pub use tables::{Table, TableSpec, Tables};

/// Everything the deploy defines that a flow can name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deploy {
    /// Queue names, with the address of each.
    pub queues: BTreeMap<String, String>,
    pub schedules: BTreeMap<String, Schedule>,
    pub schedule_groups: BTreeMap<String, ScheduleGroup>,
    pub emergency_groups: BTreeMap<String, EmergencyGroup>,
    /// Data tables with their rows, by table name.
    pub tables: Tables,
    /// Data actions by `(category, name)`.
    pub actions: BTreeMap<(String, String), DataAction>,
    /// Resources that could not be read, by name when it is known: a flow that names
    /// one gets this instead of "the deploy lacks it".
    pub problems: Vec<DeployProblem>,
}

/// A deploy with nothing in it: every schedule still needs a stub.
pub static EMPTY: std::sync::LazyLock<Deploy> = std::sync::LazyLock::new(Deploy::default);

impl Deploy {
    /// Whether the deploy defines anything at all (an empty one changes nothing).
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
            && self.schedules.is_empty()
            && self.schedule_groups.is_empty()
            && self.emergency_groups.is_empty()
            && self.tables.0.is_empty()
            && self.actions.is_empty()
            && self.problems.is_empty()
    }

    /// Add the deploy's queues (`FindQueue`) and emergency groups (`FindEmergencyGroup`)
    /// to a lookup directory, under names it does not already have. Offline a resource's
    /// id is its Terraform address (the real one is known only after apply).
    pub fn fill(&self, d: &mut crate::expr::Directory) {
        let add = |map: &mut BTreeMap<String, String>, name: &str, id: &str| {
            if !map.values().any(|n| n == name) {
                map.insert(id.to_string(), name.to_string());
            }
        };
        for (name, address) in &self.queues {
            add(&mut d.queues, name, address);
        }
        for g in self.emergency_groups.values() {
            add(&mut d.emergency_groups, &g.name, &g.address);
        }
    }

    /// The problem recorded for a resource named `name`, if any.
    pub fn problem_for(&self, name: &str) -> Option<&DeployProblem> {
        self.problems
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
    }
}
