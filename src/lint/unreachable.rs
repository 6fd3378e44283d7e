//! `unreachable-branch`: a decision outcome or switch case no input can select (a
//! contradictory condition, a case shadowed by an earlier one, a default after cases
//! that cover every value). Found by `routecheck gen`'s probe of each branching action
//! with the simulator over the values the flow compares with.

use crate::flow::Flow;
use crate::r#gen::{candidates::Pools, dead};

use super::{Code, Finding};

/// One finding per dead branch, at its decision or switch.
pub fn findings(flow: &Flow) -> Vec<Finding> {
    let points = flow.branch_points();
    let pools = Pools::of(flow, &points);
    dead::dead_branches(flow, &points, &pools)
        .into_iter()
        .map(|d| {
            let end = flow.source().text[d.at..]
                .find([':', '\n'])
                .map_or(d.at, |n| d.at + n);
            Finding::new(Code::UnreachableBranch, flow.source(), (d.at, end), d.reason)
                .label("never taken")
                .help("remove the branch or fix the condition; `routecheck gen` writes cases for every reachable one")
        })
        .collect()
}
