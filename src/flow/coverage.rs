//! Branch coverage of a flow: every decision outcome, switch case and default, and every
//! output path of a stubbed action, so a suite can show which paths no case exercises.

use std::collections::BTreeSet;

use crate::report::{Branch, FlowCoverage};
use crate::source::Location;

/// One branch of a flow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BranchInfo {
    /// Stable id within the flow (file order); [`super::RunResult::hits`] holds these.
    pub id: usize,
    /// e.g. `decision "Is VIP?" yes`, `switch "Route" case 2 (Flow.Tier == "gold")`,
    /// `callData "Lookup" failure`.
    pub label: String,
    /// The action in the flow file.
    pub location: Location,
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
