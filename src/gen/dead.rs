//! Dead branches: a decision outcome or switch case no value can select. Each branching
//! action is probed alone, with the simulator, over every combination of the candidate
//! values of what it reads; a branch no combination selects is unreachable. The answer
//! is only given when the values can be enumerated (strings, numbers, Booleans; no clock
//! or organisation lookups) and the combinations fit the bound.

use std::collections::BTreeSet;

use crate::expr::{DateTime, Directory, Value};
use crate::flow::Flow;
use crate::flow::probe::BranchPoint;

use super::candidates::Pools;

/// Most probes of one branching action (the product of its variables' candidates).
pub const MAX_PROBES: usize = 20_000;

/// A branch no input can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadBranch {
    /// Branch id.
    pub branch: usize,
    /// The branch's byte offset in the flow file (its case or output key).
    pub at: usize,
    /// Why, in words.
    pub reason: String,
}

/// Every dead branch of `flow`.
pub fn dead_branches(flow: &Flow, points: &[BranchPoint], pools: &Pools) -> Vec<DeadBranch> {
    let dir = Directory::default();
    let now = DateTime(0);
    // Each dead branch is reported at its own line (its case or output), not its switch's.
    let branch_at: std::collections::HashMap<usize, usize> =
        flow.branches().iter().map(|b| (b.id, b.at)).collect();
    let mut out = Vec::new();
    for bp in points {
        if bp.facts.contextual {
            continue;
        }
        let mut domains: Vec<(String, Vec<Value>)> = Vec::new();
        let mut total: usize = 1;
        let mut enumerable = true;
        for (var, ty) in &bp.facts.reads {
            match pools.candidates(var, ty) {
                Some(c) => {
                    total = total.saturating_mul(c.len());
                    domains.push((var.clone(), c));
                }
                None => enumerable = false,
            }
        }
        if !enumerable || total > MAX_PROBES {
            continue;
        }
        let mut reached = BTreeSet::new();
        let mut idx = vec![0usize; domains.len()];
        loop {
            let vars: Vec<(String, Value)> = domains
                .iter()
                .zip(&idx)
                .map(|((n, c), &i)| (n.clone(), c[i].clone()))
                .collect();
            reached.extend(flow.probe(bp, &vars, now, &dir));
            if bp.branches.iter().all(|b| reached.contains(b)) || !advance(&mut idx, &domains) {
                break;
            }
        }
        let shown: Vec<&str> = bp.facts.reads.iter().map(|(n, _)| n.as_str()).collect();
        for (i, b) in bp.branches.iter().enumerate() {
            if reached.contains(b) {
                continue;
            }
            let what = branch_word(bp, i);
            let reason = if shown.is_empty() {
                format!(
                    "{} \"{}\": {what} can never be taken (its condition reads no variable and never selects it)",
                    bp.kind, bp.name
                )
            } else {
                format!(
                    "{} \"{}\": {what} can never be taken: no value of {} selects it ({} combinations of the values the flow compares with tried)",
                    bp.kind,
                    bp.name,
                    shown.join(", "),
                    total
                )
            };
            out.push(DeadBranch {
                branch: *b,
                at: branch_at.get(b).copied().unwrap_or(bp.at),
                reason,
            });
        }
    }
    out
}

/// `yes`/`no`, `case N`, `default`.
fn branch_word(bp: &BranchPoint, i: usize) -> String {
    match bp.kind.as_str() {
        "decision" => if i == 0 { "yes" } else { "no" }.to_string(),
        _ if i + 1 == bp.branches.len() => "the default".to_string(),
        _ => format!("case {}", i + 1),
    }
}

/// The next combination (odometer order); false after the last.
fn advance(idx: &mut [usize], domains: &[(String, Vec<Value>)]) -> bool {
    for (i, (_, c)) in idx.iter_mut().zip(domains) {
        *i += 1;
        if *i < c.len() {
            return true;
        }
        *i = 0;
    }
    false
}
