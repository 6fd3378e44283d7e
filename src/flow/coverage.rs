//! Branch coverage of a flow: every decision outcome, switch case and default, and every
//! output path of a stubbed action, so a suite can show which paths no case exercises.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::source::Location;

// What a suite's coverage is lives here, beside what computes it, so `flow` never
// imports `report`: data flows one way (load → compile → evaluate → report).

/// A branch of a flow and whether the suite reached it.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    /// e.g. `decision "Is VIP?" yes`, `switch "Route by intent" case 2`, `callData "Lookup" failure`.
    pub label: String,
    /// Where the action is in the flow file.
    pub location: Location,
    /// Reached by at least one case.
    pub hit: bool,
}

/// Branch coverage of one flow.
#[derive(Debug, Clone, Serialize)]
pub struct FlowCoverage {
    /// The flow file.
    pub file: String,
    /// The flow's name.
    pub name: String,
    /// Every branch, in file order.
    pub branches: Vec<Branch>,
}

impl FlowCoverage {
    /// Reached branches / all branches, as a percentage (100 for a flow with no branches).
    pub fn percent(&self) -> f64 {
        if self.branches.is_empty() {
            return 100.0;
        }
        100.0 * self.branches.iter().filter(|b| b.hit).count() as f64 / self.branches.len() as f64
    }
}

/// One branch of a flow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BranchInfo {
    /// Stable id within the flow (file order); [`super::RunResult::hits`] holds these.
    pub id: usize,
    /// e.g. `decision "Is VIP?" yes`, `switch "Route" case 2 (Flow.Tier == "gold")`,
    /// `callData "Lookup" failure`.
    pub label: String,
    /// Where the branch is written in the flow file: its `case:`, its output key
    /// (`yes:`, `failure:`, `default:`), or the action when the file does not write it.
    pub location: Location,
    /// The same place as a byte offset in the flow file.
    #[serde(skip)]
    pub at: usize,
}

/// Coverage of `branches` given the union of hits over a suite.
pub fn flow_coverage(
    file: &str,
    name: &str,
    branches: &[BranchInfo],
    hits: &BTreeSet<usize>,
) -> FlowCoverage {
    FlowCoverage {
        file: file.to_string(),
        name: name.to_string(),
        branches: branches
            .iter()
            .map(|b| Branch {
                label: b.label.clone(),
                location: b.location.clone(),
                hit: hits.contains(&b.id),
            })
            .collect(),
    }
}
