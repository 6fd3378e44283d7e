//! Where one run went on the graph: a trace's steps matched to nodes and edges.

use std::collections::HashMap;

use crate::flow::simulate::{Route, Step};

use super::*;

/// Where each node is: file, line and column → nodes; the file of each flow.
struct Places {
    at: HashMap<(String, usize, usize), Vec<usize>>,
    files: Vec<String>,
}

/// Where one run went on the graph: the edges it took, in order, and where it ended.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Per step after the first: the edge taken into it (an index into
    /// [`Graph::edges`], or beyond them into `extra`), numbered from 1 in order.
    pub taken: Vec<usize>,
    /// Edges the graph does not have that the run took (a task returning to its
    /// caller): `(from, to)` node indices.
    pub extra: Vec<(usize, usize)>,
    /// Nodes visited.
    pub visited: Vec<usize>,
    /// The node where the route was decided.
    pub last: Option<usize>,
}

impl Graph {
    /// Units: states first, then tasks.
    pub fn units(&self) -> usize {
        self.clusters.len()
    }

    /// The node a trace step ran, matched by the action's place in the flow file
    /// (`places`: each unit node's line and column, see [`Graph::walk`]).
    fn step_node(&self, places: &Places, step: &Step) -> Option<usize> {
        let l = &step.location;
        if step.kind == "settingsErrorHandling" {
            // The error handling of the flow the step is in.
            let of = |f: usize| places.files.get(f).is_some_and(|n| *n == l.file);
            return (0..self.nodes.len())
                .find(|&n| {
                    self.nodes[n].lines[0].ends_with("error handling") && of(self.nodes[n].flow)
                })
                .or(Some(self.error_node));
        }
        let end_of_state = step.kind == "disconnect" && step.name == "end of state";
        let here = places.at.get(&(l.file.clone(), l.line, l.col))?;
        let head = format!("{}: {}", step.kind, step.name);
        here.iter().copied().find(|&n| {
            let is_end = self.ends.contains(&Some(n));
            if end_of_state {
                is_end
            } else {
                !is_end && self.nodes[n].lines[0] == head
            }
        })
    }

    /// Follow a run's steps over the graph.
    pub fn walk(&self, flow: &Flow, trace: &[Step], route: &Route) -> Walk {
        let mut w = Walk::default();
        let start = 0;
        // File, line and column of every node in a state or task, computed once.
        let flows: Vec<&Flow> = std::iter::once(flow)
            .chain(self.called.iter().map(|f| &**f))
            .collect();
        let mut places = Places {
            at: HashMap::new(),
            files: flows.iter().map(|f| f.file_name().to_string()).collect(),
        };
        for (i, n) in self.nodes.iter().enumerate() {
            if n.unit.is_some()
                && let Some(f) = flows.get(n.flow)
            {
                let l = f.location(n.at);
                places
                    .at
                    .entry((l.file, l.line, l.col))
                    .or_default()
                    .push(i);
            }
        }
        let mut prev: Option<(usize, Option<&str>)> = None;
        for s in trace {
            let Some(n) = self.step_node(&places, s) else {
                continue;
            };
            // A bot asking again after a no match stays where it is: no edge.
            if let Some(p) = &mut prev
                && p.0 == n
            {
                p.1 = s.branch.as_deref();
                continue;
            }
            let from = match prev {
                Some(p) => p,
                None => {
                    // The flow's entry: the edge from Start.
                    if let Some(e) = self.edges.iter().position(|e| e.from == start && e.to == n) {
                        w.taken.push(e);
                    }
                    (start, None)
                }
            };
            if prev.is_some() {
                let found = self
                    .edges
                    .iter()
                    .position(|e| {
                        e.from == from.0
                            && e.to == n
                            && (from.1.is_none() || e.outcome.as_deref() == from.1)
                    })
                    .or_else(|| {
                        self.edges
                            .iter()
                            .position(|e| e.from == from.0 && e.to == n)
                    });
                match found {
                    Some(e) => w.taken.push(e),
                    None => {
                        w.extra.push((from.0, n));
                        w.taken.push(self.edges.len() + w.extra.len() - 1);
                    }
                }
            }
            w.visited.push(n);
            prev = Some((n, s.branch.as_deref()));
        }
        w.last = match route {
            Route::Error { .. } => Some(self.error_node),
            _ => prev.map(|p| p.0),
        };
        if let (Some(p), Some(last)) = (prev, w.last)
            && p.0 != last
        {
            w.extra.push((p.0, last));
            w.taken.push(self.edges.len() + w.extra.len() - 1);
            w.visited.push(last);
        }
        w
    }
}
